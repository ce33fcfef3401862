// How an accepted record reaches librdkafka, in call order: it takes a slot, then goes to the
// Stage (copied into the arena and handed over in one native produce() per batch, in a
// microtask after the code that sent it) or, while librdkafka's queue is full, to the
// WaitQueue, where it waits up to max.block.ms. Reports free room; pump() then moves waiting
// records in. The Producer owns the API and the state; this owns the records on their way in.
import type { NativeProducer } from '../core/native.js'
import type { KafkaError } from '../errors.js'
import { TimeoutError } from '../errors.js'
import { captured, RECORD_OVERHEAD, type EncodedRecord } from './encode.js'
import type { Outcomes } from './reports.js'
import type { Settler } from './settle.js'
import type { Kind, SlotTable } from './slots.js'
import { Stage, type RowColumns } from './stage.js'
import { WaitQueue } from './wait-queue.js'

/** What the intake asks of its producer. */
export interface IntakeHooks {
  /** A send was accepted: the process must stay alive until it settles. */
  hold(): void
  /** Sends may have settled: release the process and idle waiters if none is pending. */
  checkIdle(): void
  /** No record waits any more after a send returned false: the 'drain' event. */
  drained(): void
  /** Takes in librdkafka's fatal error, if it has one the producer has not seen yet. */
  checkFatal(): void
}

export class Intake {
  readonly #native: NativeProducer
  readonly #slots: SlotTable
  readonly #settler: Settler
  readonly #outcomes: Outcomes
  readonly #hooks: IntakeHooks
  readonly #maxBlockMs: number
  readonly #stage: Stage
  readonly #waiting = new WaitQueue(() => this.#expireWaiting())
  /** Topic names by the index the addon gave them (shared with the report drain), and the reverse. */
  readonly #topicNames: string[]
  readonly #topicIndex = new Map<string, number>()
  #lastTopic = ''
  #lastTopicIndex = -1
  #stageQueued = false
  readonly #stageTask = (): void => {
    this.#stageQueued = false
    this.handOver()
  }
  /** A send returned false since the last 'drain'. */
  #needDrain = false

  constructor(native: NativeProducer, rowColumns: RowColumns, slots: SlotTable, settler: Settler, outcomes: Outcomes,
    topicNames: string[], maxBlockMs: number, hooks: IntakeHooks) {
    this.#native = native
    this.#stage = new Stage(rowColumns)
    this.#slots = slots
    this.#settler = settler
    this.#outcomes = outcomes
    this.#topicNames = topicNames
    this.#maxBlockMs = maxBlockMs
    this.#hooks = hooks
  }

  /** Records waiting for queue space (they have not reached librdkafka). */
  get waiting(): number {
    return this.#waiting.length
  }

  #topic(name: string): number {
    if (name === this.#lastTopic) return this.#lastTopicIndex
    let idx = this.#topicIndex.get(name)
    if (idx === undefined) {
      idx = this.#native.topic(name)
      this.#topicIndex.set(name, idx)
      this.#topicNames[idx] = name
    }
    this.#lastTopic = name
    this.#lastTopicIndex = idx
    return idx
  }

  /** Takes a slot for the record and stages it, or lets it wait; false when it waits (the 'drain' signal). */
  place(enc: EncodedRecord, kind: Kind, a: unknown, b: unknown): boolean {
    const slots = this.#slots
    const id = slots.take(kind, a, b, enc.record, this.#topic(enc.topic), enc.size + RECORD_OVERHEAD)
    this.#hooks.hold()
    // Records queue behind waiting ones, so call order is kept under backpressure.
    if (this.#waiting.length === 0 && slots.fits(slots.cost[id]!)) {
      if (!this.#stage.fits(enc)) this.handOver()
      // Handing over may have found librdkafka's queue full: then this record waits too.
      if (this.#waiting.length === 0) {
        slots.markQueued(id)
        this.#stage.put(id, slots.topic[id]!, enc)
        if (!this.#stageQueued) {
          this.#stageQueued = true
          queueMicrotask(this.#stageTask)
        }
        return true
      }
    }
    this.handOver() // what is staged was sent first: it goes ahead of this record
    this.#waiting.push(id, captured(enc), Date.now() + this.#maxBlockMs)
    this.#needDrain = true
    return false
  }

  /**
   * Hands the stage to librdkafka. Records it refused with an error fail alone; those it
   * did not take for a full queue wait, at the head, in order. False if any had to wait.
   */
  handOver(): boolean {
    if (this.#stage.size === 0) return true
    let ids: number[] | undefined
    let records: EncodedRecord[] | undefined
    let refused: number[] | undefined
    const slots = this.#slots
    this.#stage.handOver(
      this.#native,
      (id, errno) => (refused ??= []).push(id, errno),
      (id, enc) => {
        slots.markWaiting(id)
        enc.topic = this.#topicNames[slots.topic[id]!]!
        enc.record = slots.record[id]
        ;(ids ??= []).push(id)
        ;(records ??= []).push(enc)
      },
    )
    if (ids !== undefined) {
      this.#waiting.prepend(ids, records!, Date.now() + this.#maxBlockMs)
      this.#needDrain = true
    }
    if (refused !== undefined) {
      // librdkafka refuses every record once it is fatal, with the fatal error's code, which
      // can happen before its fatal event reaches us: take that in first, so these sends fail
      // with the FatalError like every other (and the waiting ones fail with it too).
      this.#hooks.checkFatal()
      for (let i = 0; i < refused.length; i += 2) {
        const id = refused[i]!
        this.#settler.settleLater(id, this.#outcomes.failure(refused[i + 1]!, 0, this.#topicNames[slots.topic[id]!]!, slots.record[id]))
      }
      // A send refused on the spot frees its slot here: this may have been the last one pending.
      this.#hooks.checkIdle()
    }
    return ids === undefined
  }

  /** Reports freed room: waiting records move in, then idle is checked. */
  afterReports(): void {
    if (this.#waiting.length > 0) this.#pump()
    this.#hooks.checkIdle()
  }

  /** Moves waiting records into librdkafka while it has room. */
  #pump(): void {
    const w = this.#waiting
    const slots = this.#slots
    while (w.length > 0) {
      const id = w.headId()
      if (!slots.fits(slots.cost[id]!)) break
      const enc = w.headRecord()
      if (!this.#stage.fits(enc) && !this.handOver()) break // refused records went back to the head
      w.shift()
      slots.markQueued(id)
      this.#stage.put(id, slots.topic[id]!, enc)
    }
    this.handOver()
    this.#whenNoneWaiting()
  }

  #whenNoneWaiting(): void {
    if (this.#waiting.length > 0 || !this.#needDrain) return
    this.#needDrain = false
    this.#hooks.drained()
  }

  /**
   * Fails every waiting record (they never reached librdkafka) in slices, so that an
   * application waiting for 'drain' is never stuck: its next call then reports the state.
   */
  failAllWaiting(error: (id: number, enc: EncodedRecord) => KafkaError): Promise<void> {
    return new Promise((resolve) => {
      const step = (): void => {
        const done = this.#waiting.failWhile(() => true, (id, enc) => this.#settler.settle(id, error(id, enc), undefined))
        this.#hooks.checkIdle()
        if (!done) return void setImmediate(step)
        this.#whenNoneWaiting()
        resolve()
      }
      step()
    })
  }

  /** max.block.ms passed for the oldest waiting records: they fail, never having been queued. */
  #expireWaiting(): void {
    const now = Date.now()
    const done = this.#waiting.failWhile(
      (deadline) => deadline <= now,
      (id, enc) => this.#settler.settle(id, new TimeoutError(`waited max.block.ms (${this.#maxBlockMs} ms) for space in the producer queue`, {
        record: enc.record,
        persisted: 'not-persisted',
        retriable: true,
      }), undefined),
    )
    if (!done) setImmediate(() => this.#expireWaiting())
    else {
      this.#pump()
      this.#waiting.rearm()
    }
    this.#hooks.checkIdle()
  }
}
