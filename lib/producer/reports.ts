// Report draining: librdkafka's delivery reports come over as typed-array rows (one native
// drain() per slice), and each row settles its slot. The mapping from a report (error code,
// persisted status) to the outcome the caller sees lives here too.
import type { ClientEvents } from '../core/client.js'
import { ERR, errorDescription, errorName } from '../core/codes.js'
import { addon, type NativeEvent, type NativeProducer } from '../core/native.js'
import { CLOCK_EVERY, sliceOver, sliceStart } from '../core/slices.js'
import { FatalError, KafkaError, PERSISTED_STATUS, RETRIABLE_CODES, type PersistedStatus } from '../errors.js'
import type { Settler } from './settle.js'
import { Kind, type SlotTable } from './slots.js'

const REPORT = addon.Producer.REPORT_COLUMNS
/** Rows + events one native drain() hands over. */
const DRAIN_ITEMS = 1024

/**
 * Errors a record can end with after it was sent and retried: _MSG_TIMED_OUT, _PURGE_QUEUE.
 * librdkafka reports those 'not persisted' when the earlier attempt was answered
 * NOT_LEADER_OR_FOLLOWER, assuming the broker refused it before appending. But a leader that
 * loses leadership between the append and the acks=all completion answers exactly that with
 * the record in its log (test/kafka D4: the leader shuts down mid-stream). Such a record may be
 * in the log, so we report it possibly-persisted: 'not-persisted' must be safe to resend.
 */
const ENDS_AFTER_RETRY = new Set([ERR._MSG_TIMED_OUT, ERR._PURGE_QUEUE])
const STATUS_POSSIBLY_PERSISTED = PERSISTED_STATUS.indexOf('possibly-persisted')

/** What a failed send is told; once the producer is fatal, every failure is the FatalError. */
export class Outcomes {
  fatal: FatalError | undefined
  /** Set while the producer purges its queue because every broker refused it: the cause. */
  refusedBy: KafkaError | undefined

  constructor(
    /** What every broker is down for now, if retrying cannot cure it (ClientEvents.downFor). */
    private readonly downFor: () => KafkaError | undefined = () => undefined,
    /** Whether no broker connection has ever come up (ClientEvents.neverConnected). */
    private readonly neverConnected: () => boolean = () => false,
  ) {}

  failure(errno: number, status: number, topic: string, record: unknown): KafkaError {
    const persisted = PERSISTED_STATUS[status] ?? 'possibly-persisted'
    if (this.fatal) return this.fatalFor(record, persisted)
    if (errno === ERR._PURGE_QUEUE && this.refusedBy !== undefined) {
      // librdkafka cannot say whether a purged record went out before (see ENDS_AFTER_RETRY),
      // but with no broker connection ever up, nothing did.
      return this.refusal(this.refusedBy, topic, record, this.neverConnected() ? 'not-persisted' : persisted)
    }
    const code = errorName(errno)
    const retriable = RETRIABLE_CODES.has(code)
    const down = this.downFor()
    if (down !== undefined && down.code !== code) {
      // A timeout says when, the broker's refusal says why: the message names both.
      return new KafkaError(`${topic}: ${errorDescription(errno)}, while every broker is down for ${down.code}: ${down.message}`, {
        code, errno, retriable, persisted, record, cause: down,
      })
    }
    return new KafkaError(`${topic}: ${errorDescription(errno)}`, { code, errno, retriable, persisted, record })
  }

  /** A send failed because every broker refused the client (REFUSAL_CAUSES): code of the cause. */
  refusal(cause: KafkaError, topic: string, record: unknown, persisted: PersistedStatus): KafkaError {
    return new KafkaError(`${topic}: not delivered, every broker refused this client: ${cause.message}`, {
      code: cause.code, errno: cause.errno, retriable: false, persisted, record, cause,
    })
  }

  fatalFor(record: unknown, persisted: PersistedStatus): FatalError {
    const f = this.fatal!
    return new FatalError(f.message, { code: f.code, errno: f.errno, cause: f.cause, persisted, record })
  }
}

export class ReportDrain {
  readonly report = new Float64Array(DRAIN_ITEMS * REPORT.stride)
  readonly #events: NativeEvent[] = []
  #native: NativeProducer | undefined
  /** Rows drained but not yet settled (a slice ran out of time), from #at to #rows. */
  #rows = 0
  #at = 0
  #more = false
  #scheduled = false
  readonly #next = (): void => this.drain()

  constructor(
    private readonly slots: SlotTable,
    private readonly settler: Settler,
    private readonly topicNames: readonly string[],
    private readonly outcomes: Outcomes,
    private readonly events: ClientEvents,
    /** Checks librdkafka's fatal state (reports failed by a fatal error can come before it). */
    private readonly checkFatal: () => void,
    /** Runs after each slice: room may have appeared, or nothing may be pending any more. */
    private readonly afterSlice: () => void,
  ) {}

  attach(native: NativeProducer): void {
    this.#native = native
    native.onwake = this.#next
  }

  drain(): void {
    this.#scheduled = false
    const native = this.#native
    if (native === undefined) return
    if (this.#at === this.#rows) {
      const events = this.#events
      this.#rows = native.drain(DRAIN_ITEMS, events)
      this.#at = 0
      this.#more = this.#rows + events.length >= DRAIN_ITEMS
      if (this.outcomes.fatal === undefined && this.#hasFailure()) this.checkFatal()
      if (events.length > 0) this.events.handle(events.splice(0))
    }
    const done = this.#settleRows()
    this.afterSlice()
    if ((!done || this.#more) && !this.#scheduled) {
      // Yield to the event loop between slices so a burst of reports never stalls it.
      this.#scheduled = true
      setImmediate(this.#next)
    }
  }

  #hasFailure(): boolean {
    const r = this.report
    for (let i = 0, o = REPORT.error; i < this.#rows; i++, o += REPORT.stride) if (r[o] !== 0) return true
    return false
  }

  /** Settles drained rows for one slice of time; false if some are left. */
  #settleRows(): boolean {
    const r = this.report
    const slots = this.slots
    const end = sliceStart()
    let i = this.#at
    for (; i < this.#rows; i++) {
      if ((i - this.#at) % CLOCK_EVERY === CLOCK_EVERY - 1 && sliceOver(end)) break
      const o = i * REPORT.stride
      const id = r[o + REPORT.id]!
      if (!slots.isUsed(id)) continue
      const errno = r[o + REPORT.error]!
      if (errno === 0) {
        if (slots.kind[id] === Kind.Fire) {
          slots.release(id) // nobody to tell: no metadata object is built
          continue
        }
        // Acknowledged without an offset (a duplicate answer, or librdkafka's implicit ack of
        // records a later batch confirmed) comes as RD_KAFKA_OFFSET_INVALID (-1001): -1.
        const offset = r[o + REPORT.offset]!
        this.settler.settle(id, null, {
          topic: this.topicNames[slots.topic[id]!]!,
          partition: r[o + REPORT.partition]!,
          offset: offset < 0 ? -1 : offset,
          timestamp: r[o + REPORT.timestamp]!,
        })
      } else {
        let status = r[o + REPORT.status]!
        if (status === 0 && ENDS_AFTER_RETRY.has(errno)) status = STATUS_POSSIBLY_PERSISTED
        this.settler.settle(id, this.outcomes.failure(errno, status, this.topicNames[slots.topic[id]!]!, slots.record[id]), undefined)
      }
    }
    this.#at = i
    return i === this.#rows
  }
}
