// The producer: all policy lives here (state, pending sends, promises, events); the addon
// only maps librdkafka's C API (native/producer.cc).
//
// Delivery path: librdkafka's threads signal "main queue became non-empty" through one
// thread-safe function; the addon calls `onwake` on the JS thread; #drain copies reports
// out in bounded slices (typed-array rows, no object per report on the native side) and
// settles the matching pending sends. No timer polls anything.
import { EventEmitter } from 'node:events'
import { addon, errorName, errorDescription, type NativeEvent, type NativeProducer } from './binding.js'
import { ClosedError, KafkaError, PERSISTED_STATUS, TimeoutError } from './errors.js'

export type Bytes = Buffer | string | null

export interface ProducerRecord {
  topic: string
  key?: Bytes
  value: Bytes
  /** Explicit partition; omitted = chosen by the partitioner from the key. */
  partition?: number
  headers?: Record<string, Buffer | string> | Array<[string, Buffer | string]>
  /** Milliseconds since the epoch (or a Date); omitted = time of send. */
  timestamp?: number | Date
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 when the broker acknowledged without an offset (e.g. DUPLICATE_SEQUENCE_NUMBER). */
  offset: number
  timestamp: number
}

export type ProducerConfig = Record<string, string | number | boolean>

export type SendCallback = (err: KafkaError | null, metadata?: RecordMetadata) => void

interface Pending {
  topic: string
  record: ProducerRecord
  resolve?: (md: RecordMetadata) => void
  reject?: (err: KafkaError) => void
  callback?: SendCallback
}

const STRIDE = addon.Producer.REPORT_STRIDE
/** Reports settled per drain slice: bounds how long one slice holds the event loop. */
const SLICE = 8192
const PURGE_QUEUE = 0x1
const PURGE_INFLIGHT = 0x2

/**
 * Defaults that differ from librdkafka's own: the Java client's safe choices.
 * (Full validation of user config comes with the config module.)
 */
const DEFAULTS: ProducerConfig = {
  'enable.idempotence': true,
  acks: 'all',
  partitioner: 'murmur2_random',
}

/** Producers with unsettled sends: kept reachable so nothing pending is collected. */
const busy = new Set<Producer>()

export class Producer extends EventEmitter {
  readonly #native: NativeProducer
  readonly #report = new Float64Array(SLICE * STRIDE)
  readonly #events: NativeEvent[] = []
  readonly #topics = new Map<string, number>()
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #state: 'open' | 'closing' | 'closed' = 'open'
  #drainScheduled = false
  #closePromise: Promise<void> | undefined
  /** Resolved (true) when the last pending send settles. */
  #idleWaiters: Array<(idle: boolean) => void> = []

  constructor(config: ProducerConfig) {
    super()
    const merged: ProducerConfig = { ...DEFAULTS, ...config, 'log.queue': true }
    const pairs: string[] = []
    for (const [k, v] of Object.entries(merged)) pairs.push(k, String(v))
    this.#native = new addon.Producer(pairs, this.#report)
    this.#native.onwake = () => this.#drain()
  }

  /** Number of sends accepted and not yet settled. */
  get pending(): number {
    return this.#pending.size
  }

  /** Sends a record; resolves with its metadata once the broker acknowledged it. */
  send(record: ProducerRecord): Promise<RecordMetadata>
  /** Sends a record; calls back once with its outcome (no Promise is allocated). */
  send(record: ProducerRecord, callback: SendCallback): void
  send(record: ProducerRecord, callback?: SendCallback): Promise<RecordMetadata> | void {
    if (callback) {
      this.#enqueue(record, { topic: record.topic, record, callback })
      return
    }
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.#enqueue(record, { topic: record.topic, record, resolve, reject })
    })
  }

  #enqueue(record: ProducerRecord, p: Pending): void {
    if (this.#state !== 'open') {
      this.#settleError(p, new ClosedError('send() after close()', { record }))
      return
    }
    const id = this.#nextId++
    const headers = flattenHeaders(record.headers)
    const ts = record.timestamp instanceof Date ? record.timestamp.getTime() : (record.timestamp ?? 0)
    const err = this.#native.produce(
      this.#topicIndex(record.topic),
      record.partition ?? -1,
      record.key ?? null,
      record.value,
      ts,
      headers,
      id,
    )
    if (err !== 0) {
      this.#settleError(p, this.#error(err, record, 0))
      return
    }
    if (this.#pending.size === 0) this.#hold()
    this.#pending.set(id, p)
  }

  #topicIndex(topic: string): number {
    let idx = this.#topics.get(topic)
    if (idx === undefined) {
      idx = this.#native.topic(topic)
      this.#topics.set(topic, idx)
    }
    return idx
  }

  /** Pending sends keep the process alive (no loss when a script just ends). */
  #hold(): void {
    busy.add(this)
    this.#native.ref()
  }

  #release(): void {
    busy.delete(this)
    this.#native.unref()
  }

  #drain(): void {
    this.#drainScheduled = false
    const report = this.#report
    const events = this.#events
    const rows = this.#native.drain(SLICE, events)
    for (let i = 0, o = 0; i < rows; i++, o += STRIDE) {
      const id = report[o]!
      const p = this.#pending.get(id)
      if (p === undefined) continue
      this.#pending.delete(id)
      const errno = report[o + 4]!
      if (errno === 0) {
        const md: RecordMetadata = {
          topic: p.topic,
          partition: report[o + 1]!,
          offset: report[o + 2]!,
          timestamp: report[o + 3]!,
        }
        if (p.callback) p.callback(null, md)
        else p.resolve!(md)
      } else {
        this.#settleError(p, this.#error(errno, p.record, report[o + 5]!))
      }
    }
    const more = rows + events.length >= SLICE
    if (events.length > 0) this.#handleEvents(events.splice(0))
    if (rows > 0 && this.#pending.size === 0) {
      this.#release()
      for (const w of this.#idleWaiters.splice(0)) w(true)
    }
    if (more && !this.#drainScheduled) {
      this.#drainScheduled = true
      setImmediate(() => this.#drain())
    }
  }

  #handleEvents(events: NativeEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'error') {
        const err = new KafkaError(ev.message, { code: ev.code, errno: ev.errno, fatal: ev.fatal })
        if (this.listenerCount('error') > 0) this.emit('error', err)
      } else if (ev.type === 'stats') {
        this.emit('stats', JSON.parse(ev.json))
      } else {
        this.emit('log', ev)
      }
    }
  }

  #error(errno: number, record: ProducerRecord, status: number): KafkaError {
    return new KafkaError(`${record.topic}: ${errorDescription(errno)}`, {
      code: errorName(errno),
      errno,
      persisted: PERSISTED_STATUS[status] ?? 'possibly-persisted',
      record,
    })
  }

  #settleError(p: Pending, err: KafkaError): void {
    if (p.callback) p.callback(err)
    else p.reject!(err)
  }

  /** Resolves true once nothing is pending, false if timeoutMs passes first. */
  #whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.#pending.size === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== done)
        resolve(false)
      }, timeoutMs)
      const done = (idle: boolean): void => {
        clearTimeout(timer)
        resolve(idle)
      }
      this.#idleWaiters.push(done)
    })
  }

  /** Waits until every pending send has settled; rejects with TimeoutError after timeoutMs. */
  async flush(timeoutMs = 30_000): Promise<void> {
    if (this.#state === 'closed') return
    const err = await this.#native.flush(timeoutMs)
    this.#drain()
    if (err !== 0 || this.#pending.size > 0) {
      throw new TimeoutError(`flush timed out after ${timeoutMs} ms with ${this.#pending.size} sends pending`)
    }
  }

  /**
   * Flushes until the deadline, then purges what is left (each remaining send rejects with
   * _PURGE_QUEUE / _PURGE_INFLIGHT and its persisted status), then destroys the handle off
   * the JS thread. Safe to call twice.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closePromise ??= this.#close(options.timeoutMs ?? 30_000)
    return this.#closePromise
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#state = 'closing'
    const deadline = Date.now() + timeoutMs
    try {
      await this.flush(timeoutMs)
    } catch {
      // timed out: what is left is purged below
    }
    if (this.#pending.size > 0) {
      this.#native.purge(PURGE_QUEUE | PURGE_INFLIGHT)
      // Purged reports arrive through the queue like any other; wait for them (bounded).
      await this.#whenIdle(Math.max(0, deadline - Date.now()) + 5_000)
    }
    this.#state = 'closed'
    await this.#native.close()
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id)
      this.#settleError(p, new ClosedError('producer destroyed before the delivery report', {
        record: p.record,
        persisted: 'possibly-persisted',
      }))
    }
    busy.delete(this)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

function flattenHeaders(h: ProducerRecord['headers']): Array<string | Buffer> | null {
  if (h === undefined) return null
  const out: Array<string | Buffer> = []
  for (const [k, v] of Array.isArray(h) ? h : Object.entries(h)) out.push(k, v)
  return out
}
