// The wait queue: accepted sends that found librdkafka's queue full (backpressure), in call
// order, each with a copy of its bytes and its max.block.ms deadline. Records sent later
// queue behind them, so call order is kept. The producer moves them into librdkafka as room
// appears (pump) and fails those whose deadline passed.
import { onDeadline } from '../core/deadline.js'
import { CLOCK_EVERY, sliceOver, sliceStart } from '../core/slices.js'
import type { EncodedRecord } from './encode.js'

export class WaitQueue {
  #ids: number[] = []
  #records: Array<EncodedRecord | undefined> = []
  #deadlines: number[] = []
  #head = 0
  #cancelTimer: (() => void) | undefined

  /** `expire` runs once the oldest waiting record's deadline has passed. */
  constructor(private readonly expire: () => void) {}

  get length(): number {
    return this.#ids.length - this.#head
  }

  push(id: number, enc: EncodedRecord, deadline: number): void {
    this.#ids.push(id)
    this.#records.push(enc)
    this.#deadlines.push(deadline)
    if (this.#cancelTimer === undefined) this.#arm()
  }

  /** Puts records back at the head, in order (librdkafka refused them after all). */
  prepend(ids: number[], records: EncodedRecord[], deadline: number): void {
    this.#ids = [...ids, ...this.#ids.slice(this.#head)]
    this.#records = [...records, ...this.#records.slice(this.#head)]
    this.#deadlines = [...ids.map(() => deadline), ...this.#deadlines.slice(this.#head)]
    this.#head = 0
    this.rearm()
  }

  headId(): number {
    return this.#ids[this.#head]!
  }

  headRecord(): EncodedRecord {
    return this.#records[this.#head]!
  }

  headDeadline(): number {
    return this.#deadlines[this.#head]!
  }

  shift(): void {
    this.#records[this.#head] = undefined
    this.#head++
    if (this.#head === this.#ids.length) this.#reset()
    else if (this.#head >= 4096 && this.#head * 2 >= this.#ids.length) this.#compact()
  }

  /**
   * Removes from the head, while `which` holds, and hands each to `fail`, for at most one
   * slice of time. Returns false if it stopped for time with more to do.
   */
  failWhile(which: (deadline: number) => boolean, fail: (id: number, enc: EncodedRecord) => void): boolean {
    const end = sliceStart()
    let n = 0
    let done = true
    while (this.length > 0 && which(this.headDeadline())) {
      if (++n % CLOCK_EVERY === 0 && sliceOver(end)) {
        done = false
        break
      }
      const id = this.headId()
      const enc = this.headRecord()
      this.shift()
      fail(id, enc)
    }
    // A new head may have an earlier deadline (records put back by prepend() have fresh ones).
    if (n > 0) this.rearm()
    return done
  }

  /** (Re)arms the max.block.ms timer for the head record. */
  rearm(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
    if (this.length > 0) this.#arm()
  }

  #arm(): void {
    this.#cancelTimer = onDeadline(this.headDeadline(), () => {
      this.#cancelTimer = undefined
      this.expire()
    })
  }

  #reset(): void {
    this.#ids = []
    this.#records = []
    this.#deadlines = []
    this.#head = 0
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
  }

  #compact(): void {
    this.#ids = this.#ids.slice(this.#head)
    this.#records = this.#records.slice(this.#head)
    this.#deadlines = this.#deadlines.slice(this.#head)
    this.#head = 0
  }
}
