// The producer: all policy lives here (state, validation, pending sends, backpressure,
// promises, events); the addon only maps librdkafka's C API (native/producer.cc).
//
// Delivery path: librdkafka's threads signal "main queue became non-empty" through one
// thread-safe function; the addon calls `onwake` on the JS thread; #drain copies reports out
// in bounded slices (typed-array rows) and settles the matching sends in one loop. No timer
// polls anything.
//
// Every accepted send is in exactly one place until it settles exactly once:
//   #waiting  (JS-side FIFO while librdkafka's queue is full: backpressure, max.block.ms)
//   the slots (handed to librdkafka, or staged to be: the slot index is the id passed as
//              its opaque; a slot is a row across parallel arrays, and free slots are
//              reused, so a staged send allocates no object of its own)
//
// Produce path: header-less records of ordinary size are staged (their numbers in a
// Float64Array row, their bytes copied into one arena Buffer) and handed over in one
// produceMany() call per batch: when the stage fills, and in a microtask after the code that
// sent them. One crossing per batch instead of one per record costs about a third less per
// record (bench/RESULTS.md). Anything that must see librdkafka's queue as it is (a record with
// headers, flush, close) hands the stage over first, so call order is always kept.
import { EventEmitter } from 'node:events'
import { validateConfig } from './config/validate.js'
import { closeOnSignals, type CloseOnSignalsOptions } from './signals.js'
import { fallbackCaPem } from './config/ca.js'
import type { Logger, ProducerConfig, Serializer } from './config/types.js'
import { addon, errorName, errorDescription, type NativeEvent, type NativeProducer } from './binding.js'
import {
  ClosedError,
  ConfigError,
  FatalError,
  KafkaError,
  PERSISTED_STATUS,
  RETRIABLE_CODES,
  TimeoutError,
  type PersistedStatus,
} from './errors.js'

export type Bytes = Buffer | string | null

export type RecordHeaders = Record<string, Buffer | string> | Array<[string, Buffer | string]>

export interface ProducerRecord<K = Bytes, V = Bytes> {
  topic: string
  key?: K | null
  value: V | null
  /** Explicit partition; omitted = chosen by the partitioner from the key. */
  partition?: number
  headers?: RecordHeaders
  /** Milliseconds since the epoch (or a Date); omitted = time of send. */
  timestamp?: number | Date
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 when the broker acknowledged without an offset (e.g. DUPLICATE_SEQUENCE_NUMBER). */
  offset: number
  /** The record's timestamp as librdkafka reports it (-1 if unknown). */
  timestamp: number
}

export type SendCallback = (err: KafkaError | null, metadata?: RecordMetadata) => void

export interface LogEntry {
  level: number
  facility: string
  message: string
}

const enum Kind {
  Promise,
  Callback,
  Fire,
  Batch,
}

interface Batch {
  results: RecordMetadata[]
  left: number
  error: KafkaError | undefined
  errorIndex: number
  resolve: (mds: RecordMetadata[]) => void
  reject: (err: KafkaError) => void
}

/** One accepted record, serialized and ready for librdkafka. One shape for every kind. */
interface Send {
  record: ProducerRecord<unknown, unknown>
  topic: number
  partition: number
  key: Bytes
  value: Bytes
  headers: Array<string | Buffer> | null
  timestamp: number
  kind: Kind
  /** Promise: resolve. Callback: the callback. Batch: the batch. */
  a: unknown
  /** Promise: reject. Batch: the index in the batch. */
  b: unknown
  /** max.block.ms deadline while waiting for queue space. */
  deadline: number
  /** Bytes as counted against the queue's byte limit (an upper bound for strings). */
  size: number
}

const STRIDE = addon.Producer.REPORT_STRIDE
/** Reports settled per drain slice: bounds how long one slice holds the event loop. */
const SLICE = 1024
const PURGE_QUEUE = 0x1
const PURGE_INFLIGHT = 0x2
const ERR_QUEUE_FULL = -184
/** Columns of a stage row (native ManyColumn). */
const ROW = addon.Producer.ROW_STRIDE
const ROW_ID = 3
const ROW_RESULT = 6
/** Records per produceMany() call. */
const STAGE_ROWS = 512
/** Key + value bytes (upper bound) above which a record goes through produce(), uncopied. */
const STAGE_MAX_BYTES = 16 * 1024
const ARENA_BYTES = 1024 * 1024
/** Strings up to this length are tried as ASCII by #put's own loop before Buffer.write. */
const ASCII_LOOP_MAX = 64
/**
 * What a buffered record costs beyond its key, value and headers, as ironkafka counts it
 * against buffer.memory, so that the limit bounds memory rather than payload alone. Measured
 * (bench/RESULTS.md): librdkafka keeps about 190 B per queued message (RSS growth per message
 * in a C program on the same build), and a pending send holds 180-400 B of JS heap (the send,
 * the record, a promise and its resolvers). Rounded up.
 */
const RECORD_OVERHEAD = 512
/**
 * Errors a record can end with after it was sent and retried: _MSG_TIMED_OUT, _PURGE_QUEUE.
 * librdkafka reports those 'not persisted' when the earlier attempt was answered
 * NOT_LEADER_OR_FOLLOWER, assuming the broker refused it before appending. But a leader that
 * loses leadership between the append and the acks=all completion answers exactly that with
 * the record in its log (test/kafka D4: the leader shuts down mid-stream). Such a record may be
 * in the log, so we report it possibly-persisted: 'not-persisted' must be safe to resend.
 */
const ENDS_AFTER_RETRY = new Set([-192, -152])
/** Extra time close() gives purged reports to come back after its deadline. */
const PURGE_GRACE_MS = 5_000

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/

/** Producers with unsettled sends: kept reachable so nothing pending is garbage-collected. */
const busy = new Set<Producer<any, any>>()
let exitHookInstalled = false
/** Config warnings already emitted through process.emitWarning. */
const warned = new Set<string>()

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Only reached when the process is forced out (process.exit) with sends pending: an
  // ordinary end of script waits for them, since pending sends hold the event loop.
  process.on('exit', () => {
    for (const p of busy) {
      if (p.pending > 0) {
        process.stderr.write(`ironkafka: process exiting with ${p.pending} record(s) not yet acknowledged; they may be lost\n`)
      }
    }
  })
}

export class Producer<K = Bytes, V = Bytes> extends EventEmitter {
  readonly #native: NativeProducer
  readonly #report = new Float64Array(SLICE * STRIDE)
  readonly #events: NativeEvent[] = []
  readonly #topics = new Map<string, number>()
  /**
   * Sends handed to librdkafka (or staged), by id = slot index (see #take / #freeSlot): the
   * record (undefined = a free slot), its Kind, Send.a / Send.b, and its counted size.
   */
  #slotRecord: Array<ProducerRecord<unknown, unknown> | undefined> = []
  #slotKind: Kind[] = []
  #slotA: unknown[] = []
  #slotB: unknown[] = []
  #slotSize: number[] = []
  /** Free slot ids, a stack; #freeTop of them are valid. */
  #free = new Int32Array(0)
  #freeTop = 0
  #inFlight = 0
  /** Bytes of the sends in the slots (size + RECORD_OVERHEAD each). */
  #slotBytes = 0
  /** librdkafka's queue limits (queue.buffering.max.messages / .kbytes). */
  readonly #queueMessages: number
  readonly #queueBytes: number
  /** produce()'s numeric arguments, shared with the addon (kArgTopic, kArgPartition, kArgTimestamp, kArgId). */
  readonly #args = new Float64Array(addon.Producer.PRODUCE_ARGS)
  /** The last topic sent to, and its index: most producers send to one topic at a time. */
  #lastTopic = ''
  #lastTopicIndex = -1
  /** The stage: rows of records not yet handed to librdkafka, and their bytes. */
  readonly #rows = new Float64Array(STAGE_ROWS * ROW)
  readonly #arena = Buffer.allocUnsafeSlow(ARENA_BYTES)
  #arenaAt = 0
  #staged = 0
  #stageQueued = false
  readonly #stageTask = (): void => {
    this.#stageQueued = false
    this.#handOver()
  }
  /**
   * The record #prepare validated and serialized last, read by #accept right after it (no
   * code runs in between): a send that is staged never becomes a Send object.
   */
  #pRecord: ProducerRecord<unknown, unknown> | undefined = undefined
  #pTopic = 0
  #pPartition = -1
  #pKey: Bytes = null
  #pValue: Bytes = null
  #pHeaders: Array<string | Buffer> | null = null
  #pTimestamp = 0
  #pSize = 0
  #waiting: Array<Send | undefined> = []
  #waitHead = 0
  #blockTimer: NodeJS.Timeout | undefined
  #held = false
  #state: 'open' | 'closing' | 'closed' = 'open'
  #fatal: FatalError | undefined
  #drainScheduled = false
  #needDrain = false
  #closePromise: Promise<void> | undefined
  #idleWaiters: Array<() => void> = []
  readonly #keyOut: (v: unknown, topic: string) => Bytes
  readonly #valueOut: (v: unknown, topic: string) => Bytes
  readonly #maxBlockMs: number
  readonly #maxMessageBytes: number
  /** The name the user gave the limit (max.request.size or message.max.bytes), for errors. */
  readonly #maxMessageBytesName: string
  readonly #logger: Logger | undefined
  #offSignals: (() => void) | undefined

  /**
   * Validates the whole config first (see validateConfig): a ConfigError lists every problem,
   * and nothing native is created. Warnings go to `logger.warn`, else process.emitWarning.
   */
  constructor(config: ProducerConfig<K, V>) {
    super()
    const resolved = validateConfig(config)
    if (resolved.librdkafka['transactional.id'] !== undefined) {
      throw new ConfigError([{ key: 'transactional.id', message: 'transactions are not available in this version of ironkafka; remove transactional.id' }])
    }
    this.#logger = resolved.logger as Logger | undefined
    for (const w of resolved.warnings) {
      if (this.#logger?.warn) this.#logger.warn(`ironkafka config: ${w.message}`)
      else if (!warned.has(w.message)) {
        // Once per process: an app creating many producers from one config needs to hear it once.
        warned.add(w.message)
        process.emitWarning(w.message, { type: 'IronkafkaConfigWarning' })
      }
    }
    this.#keyOut = serializer(resolved.keySerializer as Serializer<unknown> | undefined, 'key')
    this.#valueOut = serializer(resolved.valueSerializer as Serializer<unknown> | undefined, 'value')
    this.#maxBlockMs = resolved.maxBlockMs
    this.#maxMessageBytes = Number(resolved.librdkafka['message.max.bytes'] ?? 1_000_000)
    this.#maxMessageBytesName = resolved.settings['message.max.bytes']?.keys[0] ?? 'message.max.bytes'

    this.#queueMessages = Number(resolved.librdkafka['queue.buffering.max.messages'] ?? 100_000) || Infinity
    this.#queueBytes = Number(resolved.librdkafka['queue.buffering.max.kbytes'] ?? 1_048_576) * 1024 || Infinity
    const native = { ...resolved.librdkafka }
    native['log.queue'] = 'true' // librdkafka logs reach us as events, on the JS thread
    const caPem = fallbackCaPem(native)
    if (caPem !== undefined) native['ssl.ca.pem'] = caPem
    this.#native = new addon.Producer(Object.entries(native).flat(), this.#report, this.#args)
    this.#native.onwake = () => this.#drain()
    this.#drain() // anything queued before wake-ups were enabled
  }

  /** Sends accepted and not yet settled (waiting for queue space or in librdkafka). */
  get pending(): number {
    return this.#inFlight + (this.#waiting.length - this.#waitHead)
  }

  /** The fatal error, once the producer has hit one. */
  get fatalError(): FatalError | undefined {
    return this.#fatal
  }

  /**
   * Optional: resolves once a broker answered a metadata request, rejects after timeoutMs.
   * Sends do not need it; it makes a wrong bootstrap.servers fail at startup.
   */
  async connect(timeoutMs = 10_000): Promise<void> {
    this.#assertOpen()
    const r = await this.#native.metadata(timeoutMs)
    if (r.errno !== 0) {
      throw new KafkaError(`no broker answered within ${timeoutMs} ms: ${errorDescription(r.errno)}`, {
        code: errorName(r.errno),
        errno: r.errno,
        retriable: true,
      })
    }
  }

  /**
   * Fire-and-forget: failures are emitted as 'delivery-error' events.
   *
   * Returns false when the record had to wait for space in the producer's queue (buffer.memory
   * / queue.buffering.max.messages): it is still accepted, but the caller should stop and
   * wait for 'drain' before producing more, as with stream.write(). Records offered while
   * the queue is full wait in memory (up to max.block.ms each) until librdkafka takes them.
   */
  produce(record: ProducerRecord<K, V>): boolean {
    this.#assertOpen()
    this.#prepare(record)
    return this.#accept(Kind.Fire, undefined, undefined)
  }

  /** Sends a record; resolves with its metadata once the broker acknowledged it. */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata>
  /**
   * Sends a record; calls back once with its outcome (no Promise is allocated). Returns false
   * when the producer's queue is full, like produce(): wait for 'drain' before sending more.
   */
  send(record: ProducerRecord<K, V>, callback: SendCallback): boolean
  send(record: ProducerRecord<K, V>, callback?: SendCallback): Promise<RecordMetadata> | boolean {
    if (callback !== undefined) {
      if (typeof callback !== 'function') throw new TypeError('callback must be a function')
      this.#prepare(record)
      return this.#accept(Kind.Callback, callback, undefined)
    }
    this.#prepare(record)
    return new Promise<RecordMetadata>((resolve, reject) => this.#accept(Kind.Promise, resolve, reject))
  }

  /**
   * Sends records in order under one promise: resolves with their metadata in the same order
   * once all are acknowledged; if any fails, rejects (after all have settled) with the
   * failure of the first failed record. Invalid input throws before anything is queued.
   */
  sendBatch(records: Array<ProducerRecord<K, V>>): Promise<RecordMetadata[]> {
    if (!Array.isArray(records)) throw new TypeError('sendBatch expects an array of records')
    const prepared = records.map((r) => {
      this.#prepare(r)
      return this.#toSend(Kind.Batch, undefined, undefined)
    })
    return new Promise<RecordMetadata[]>((resolve, reject) => {
      const batch: Batch = { results: new Array(prepared.length), left: prepared.length, error: undefined, errorIndex: Infinity, resolve, reject }
      if (prepared.length === 0) resolve([])
      for (let i = 0; i < prepared.length; i++) {
        this.#load(prepared[i]!)
        this.#accept(Kind.Batch, batch, i)
      }
    })
  }

  #assertOpen(): void {
    if (this.#fatal) throw this.#fatal
    if (this.#state !== 'open') throw new ClosedError('producer is closed')
  }

  /**
   * Validates and serializes into the #p fields; throws synchronously, before anything is
   * queued.
   */
  #prepare(record: ProducerRecord<K, V>): void {
    if (record === null || typeof record !== 'object') throw new TypeError('record must be an object')
    const { topic } = record
    if (typeof topic !== 'string') throw new TypeError('record.topic must be a string')
    if (topic !== this.#lastTopic && !this.#topics.has(topic) && !LEGAL_TOPIC.test(topic)) {
      throw new KafkaError(`illegal topic name '${topic}': 1-249 characters of [a-zA-Z0-9._-]`, {
        code: 'TOPIC_EXCEPTION',
        errno: 17,
        record,
      })
    }
    let partition = -1
    if (record.partition !== undefined && record.partition !== null) {
      partition = record.partition
      if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
        throw new TypeError(`record.partition must be an integer >= 0, got ${String(record.partition)}`)
      }
    }
    let timestamp = 0
    if (record.timestamp !== undefined && record.timestamp !== null) {
      timestamp = record.timestamp instanceof Date ? record.timestamp.getTime() : record.timestamp
      if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
        throw new TypeError(`record.timestamp must be a Date or milliseconds >= 0, got ${String(record.timestamp)}`)
      }
    }
    if (!('value' in record)) throw new TypeError('record.value is required (use null for a tombstone)')
    const key = record.key === undefined || record.key === null ? null : this.#keyOut(record.key, topic)
    const value = record.value === null ? null : this.#valueOut(record.value, topic)
    const headers = flattenHeaders(record.headers)
    const size = recordSize(key, value, headers, this.#maxMessageBytes)
    if (size > this.#maxMessageBytes) {
      throw new KafkaError(`record of ${size} bytes exceeds ${this.#maxMessageBytesName} (${this.#maxMessageBytes})`, {
        code: 'MSG_SIZE_TOO_LARGE',
        errno: 10,
        record,
      })
    }
    this.#pTopic = this.#topicIndex(topic)
    this.#pRecord = record as ProducerRecord<unknown, unknown>
    this.#pPartition = partition
    this.#pKey = key
    this.#pValue = value
    this.#pHeaders = headers
    this.#pTimestamp = timestamp
    this.#pSize = size
  }

  /** The prepared record as a Send object: for the paths that keep it (waiting, one by one). */
  #toSend(kind: Kind, a: unknown, b: unknown): Send {
    const s: Send = {
      record: this.#pRecord!,
      topic: this.#pTopic,
      partition: this.#pPartition,
      key: this.#pKey,
      value: this.#pValue,
      headers: this.#pHeaders,
      timestamp: this.#pTimestamp,
      kind,
      a,
      b,
      deadline: 0,
      size: this.#pSize,
    }
    this.#forgetPrepared()
    return s
  }

  /** The prepared record is taken: its bytes must not stay referenced until the next send. */
  #forgetPrepared(): void {
    this.#pRecord = undefined
    this.#pKey = null
    this.#pValue = null
    this.#pHeaders = null
  }

  /** Makes a Send the prepared record again (sendBatch prepares all before accepting any). */
  #load(s: Send): void {
    this.#pRecord = s.record
    this.#pTopic = s.topic
    this.#pPartition = s.partition
    this.#pKey = s.key
    this.#pValue = s.value
    this.#pHeaders = s.headers
    this.#pTimestamp = s.timestamp
    this.#pSize = s.size
  }

  #topicIndex(topic: string): number {
    if (topic === this.#lastTopic) return this.#lastTopicIndex
    let idx = this.#topics.get(topic)
    if (idx === undefined) {
      idx = this.#native.topic(topic)
      this.#topics.set(topic, idx)
    }
    this.#lastTopic = topic
    this.#lastTopicIndex = idx
    return idx
  }

  /**
   * Hands the prepared record (#prepare) on as a send of `kind`; false when it had to wait
   * for queue space (the 'drain' signal).
   */
  #accept(kind: Kind, a: unknown, b: unknown): boolean {
    if (this.#fatal) {
      this.#settleLater(kind, a, b, this.#fatalFor(this.#pRecord!, 'not-persisted'))
      return true
    }
    if (this.#state !== 'open') {
      this.#settleLater(kind, a, b, new ClosedError('send() after close()', { record: this.#pRecord }))
      return true
    }
    // Records queue behind waiting ones, so call order is kept under backpressure.
    if (this.#waitHead === this.#waiting.length) {
      const size = this.#pSize
      if (!this.#fits(size)) {
        this.#handOver() // staged records go first: nothing is staged while records wait
        return this.#wait(this.#toSend(kind, a, b))
      }
      // Staged only within the budget (#fits), so produce() returns false as soon as a record
      // has to wait; should librdkafka's own count still refuse a staged record, it and the
      // rest wait in order (#handOver).
      if (this.#pHeaders === null && size <= STAGE_MAX_BYTES) {
        // size bounds the bytes #put writes (UTF-8 counted at its maximum, or exactly).
        if (this.#staged === STAGE_ROWS || this.#arenaAt + size > ARENA_BYTES) this.#handOver()
        // Handing over may have found the queue full: then this record waits too.
        if (this.#waitHead === this.#waiting.length) {
          this.#stage(kind, a, b)
          return true
        }
        return this.#wait(this.#toSend(kind, a, b))
      }
      this.#handOver()
      const s = this.#toSend(kind, a, b)
      if (this.#waitHead < this.#waiting.length) return this.#wait(s)
      const err = this.#produce(s)
      if (err === 0) {
        this.#hold()
        return true
      }
      if (err !== ERR_QUEUE_FULL) {
        this.#settleLater(kind, a, b, this.#sendError(err, s.record, 0))
        return true
      }
      return this.#wait(s)
    }
    return this.#wait(this.#toSend(kind, a, b))
  }

  /**
   * Whether the record may go to librdkafka now: within queue.buffering.max.messages, and
   * within buffer.memory (queue.buffering.max.kbytes) counting each buffered record's bytes
   * plus RECORD_OVERHEAD, so that the limit bounds memory rather than payload alone. A
   * record always fits when nothing is buffered, so one bigger than the budget is not stuck.
   */
  #fits(size: number): boolean {
    return this.#inFlight === 0 || (this.#inFlight < this.#queueMessages && this.#slotBytes + size + RECORD_OVERHEAD <= this.#queueBytes)
  }

  /** The record waits for queue space (max.block.ms) behind those already waiting. */
  #wait(s: Send): false {
    s.deadline = Date.now() + this.#maxBlockMs
    this.#waiting.push(s)
    this.#needDrain = true
    this.#hold()
    this.#armBlockTimer()
    return false
  }

  /** Adds a record to the stage; it holds a slot (and counts as pending) from here on. */
  #stage(kind: Kind, a: unknown, b: unknown): void {
    const id = this.#take(kind, a, b, this.#pRecord!, this.#pSize)
    const row = this.#staged++ * ROW
    const rows = this.#rows
    rows[row] = this.#pTopic
    rows[row + 1] = this.#pPartition
    rows[row + 2] = this.#pTimestamp
    rows[row + ROW_ID] = id
    rows[row + 4] = this.#put(this.#pKey)
    rows[row + 5] = this.#put(this.#pValue)
    this.#forgetPrepared()
    this.#hold()
    if (!this.#stageQueued) {
      this.#stageQueued = true
      queueMicrotask(this.#stageTask)
    }
  }

  /** Copies key or value bytes to the arena's end; their length, or -1 for null. */
  #put(p: Bytes): number {
    if (p === null) return -1
    let n: number
    if (typeof p === 'string') {
      // Short ASCII strings (most keys) are copied by this loop: Buffer.write's call into
      // C++ costs more than the copy (bench/RESULTS.md). Anything else is encoded by it,
      // over whatever the loop had written.
      const at = this.#arenaAt
      const len = p.length
      if (len <= ASCII_LOOP_MAX) {
        const arena = this.#arena
        let i = 0
        for (; i < len; i++) {
          const c = p.charCodeAt(i)
          if (c > 0x7f) break
          arena[at + i] = c
        }
        if (i === len) {
          this.#arenaAt = at + len
          return len
        }
      }
      n = this.#arena.write(p, at)
    } else {
      this.#arena.set(p, this.#arenaAt)
      n = p.length
    }
    this.#arenaAt += n
    return n
  }

  /**
   * Hands the staged records to librdkafka in one call. Those it refused for a full queue
   * (and all after them) wait, in order, ahead of anything sent later, with copies of their
   * bytes (the arena is reused); other refusals fail only their record.
   */
  #handOver(): void {
    const n = this.#staged
    if (n === 0) return
    this.#staged = 0
    this.#arenaAt = 0
    const rows = this.#rows
    const handled = this.#native.produceMany(rows, n, this.#arena)
    let at = 0 // arena offset of row i's key
    for (let i = 0, o = 0; i < handled; i++, o += ROW) {
      at += Math.max(0, rows[o + 4]!) + Math.max(0, rows[o + 5]!)
      const err = rows[o + ROW_RESULT]!
      if (err !== 0) this.#settleSlotLater(rows[o + ROW_ID]!, err)
    }
    for (let i = handled, o = handled * ROW; i < n; i++, o += ROW) {
      const id = rows[o + ROW_ID]!
      const keyLen = rows[o + 4]!
      const valueLen = rows[o + 5]!
      const key = keyLen < 0 ? null : Buffer.from(this.#arena.subarray(at, at + keyLen))
      at += Math.max(0, keyLen)
      const value = valueLen < 0 ? null : Buffer.from(this.#arena.subarray(at, at + valueLen))
      at += Math.max(0, valueLen)
      const s: Send = {
        record: this.#slotRecord[id]!,
        topic: rows[o]!,
        partition: rows[o + 1]!,
        key,
        value,
        headers: null,
        timestamp: rows[o + 2]!,
        kind: this.#slotKind[id]!,
        a: this.#slotA[id],
        b: this.#slotB[id],
        deadline: 0,
        size: this.#slotSize[id]!,
      }
      this.#freeSlot(id)
      this.#wait(s)
    }
  }

  /** A free slot (its id is librdkafka's opaque), taken for a send. */
  #take(kind: Kind, a: unknown, b: unknown, record: ProducerRecord<unknown, unknown>, size: number): number {
    let id: number
    if (this.#freeTop > 0) {
      id = this.#free[--this.#freeTop]!
      this.#slotRecord[id] = record
      this.#slotKind[id] = kind
      this.#slotA[id] = a
      this.#slotB[id] = b
      this.#slotSize[id] = size
    } else {
      id = this.#slotRecord.length
      this.#slotRecord.push(record)
      this.#slotKind.push(kind)
      this.#slotA.push(a)
      this.#slotB.push(b)
      this.#slotSize.push(size)
    }
    this.#inFlight++
    this.#slotBytes += size + RECORD_OVERHEAD
    return id
  }

  /** Hands one record to librdkafka; 0 when it was queued there. */
  #produce(s: Send): number {
    const id = this.#take(s.kind, s.a, s.b, s.record, s.size)
    const args = this.#args
    args[0] = s.topic
    args[1] = s.partition
    args[2] = s.timestamp
    args[3] = id
    const err = this.#native.produce(s.key, s.value, s.headers)
    if (err !== 0) this.#freeSlot(id) // not taken after all
    return err
  }

  /** Frees a taken slot for reuse (read what is needed from it first). */
  #freeSlot(id: number): void {
    this.#slotRecord[id] = undefined
    this.#slotA[id] = undefined
    this.#slotB[id] = undefined
    if (this.#freeTop === this.#free.length) {
      const grown = new Int32Array(Math.max(1024, this.#free.length * 2))
      grown.set(this.#free)
      this.#free = grown
    }
    this.#free[this.#freeTop++] = id
    this.#inFlight--
    this.#slotBytes -= this.#slotSize[id]! + RECORD_OVERHEAD
  }

  /** Settles the send in slot `id` (if taken) and frees the slot. */
  #settleSlot(id: number, err: KafkaError | null, md: RecordMetadata | undefined): void {
    const record = this.#slotRecord[id]
    if (record === undefined) return
    const kind = this.#slotKind[id]!
    const a = this.#slotA[id]
    const b = this.#slotB[id]
    this.#freeSlot(id)
    this.#deliver(kind, a, b, err, md)
  }

  /** The send in slot `id` failed with `errno` inside the call that sent it: settled later. */
  #settleSlotLater(id: number, errno: number): void {
    const record = this.#slotRecord[id]!
    const kind = this.#slotKind[id]!
    const a = this.#slotA[id]
    const b = this.#slotB[id]
    this.#freeSlot(id)
    this.#settleLater(kind, a, b, this.#sendError(errno, record, 0))
  }

  /** Moves waiting records into librdkafka while it has room. */
  #pump(): void {
    const w = this.#waiting
    while (this.#waitHead < w.length) {
      const s = w[this.#waitHead]!
      if (!this.#fits(s.size)) break
      const err = this.#produce(s)
      if (err === ERR_QUEUE_FULL) break
      w[this.#waitHead++] = undefined
      if (err !== 0) this.#settle(s, this.#sendError(err, s.record, 0), undefined)
    }
    this.#whenNoneWaiting()
  }

  /**
   * Once no record waits for queue space: resets the list and emits 'drain' if produce/send
   * returned false meanwhile. Also when the waiting records were failed (fatal error, close,
   * max.block.ms), so an application waiting for 'drain' is never stuck: its next call
   * then throws the FatalError or ClosedError.
   */
  #whenNoneWaiting(): void {
    if (this.#waitHead < this.#waiting.length) return
    this.#waiting = []
    this.#waitHead = 0
    if (this.#blockTimer) clearTimeout(this.#blockTimer)
    this.#blockTimer = undefined
    if (!this.#needDrain) return
    this.#needDrain = false
    this.#emitSafely('drain', undefined)
  }

  /** Fails waiting records from the head while `which` holds (they never reached librdkafka). */
  #failWaiting(which: (s: Send) => boolean, error: (s: Send) => KafkaError): void {
    const w = this.#waiting
    while (this.#waitHead < w.length && which(w[this.#waitHead]!)) {
      const s = w[this.#waitHead]!
      w[this.#waitHead++] = undefined
      this.#settle(s, error(s), undefined)
    }
    this.#whenNoneWaiting()
  }

  #armBlockTimer(): void {
    if (this.#blockTimer !== undefined || this.#waitHead === this.#waiting.length) return
    const head = this.#waiting[this.#waitHead]!
    this.#blockTimer = setTimeout(() => this.#expireWaiting(), Math.max(0, head.deadline - Date.now()))
  }

  /** max.block.ms passed for the oldest waiting records: they fail, never having been queued. */
  #expireWaiting(): void {
    this.#blockTimer = undefined
    const now = Date.now()
    this.#failWaiting(
      (s) => s.deadline <= now,
      (s) => new TimeoutError(`waited max.block.ms (${this.#maxBlockMs} ms) for space in the producer queue`, {
        record: s.record,
        persisted: 'not-persisted',
        retriable: true,
      }),
    )
    this.#pump()
    this.#armBlockTimer()
    this.#checkIdle()
  }

  /** Pending sends keep the process alive (no loss when a script just ends). */
  #hold(): void {
    if (this.#held) return
    this.#held = true
    busy.add(this)
    installExitHook()
    this.#native.ref()
  }

  #checkIdle(): void {
    if (!this.#held || this.pending > 0) return
    this.#held = false
    busy.delete(this)
    this.#native.unref()
    for (const w of this.#idleWaiters.splice(0)) w()
  }

  #drain(): void {
    this.#drainScheduled = false
    const report = this.#report
    const events = this.#events
    const rows = this.#native.drain(SLICE, events)
    if (this.#fatal === undefined && rows > 0) this.#checkFatal(rows)
    const slotRecord = this.#slotRecord
    for (let i = 0, o = 0; i < rows; i++, o += STRIDE) {
      const id = report[o]!
      const record = slotRecord[id]
      if (record === undefined) continue
      const kind = this.#slotKind[id]!
      const a = this.#slotA[id]
      const b = this.#slotB[id]
      this.#freeSlot(id)
      const errno = report[o + 4]!
      if (errno === 0) {
        if (kind === Kind.Fire) continue // nobody to tell: no metadata object is built
        // Acknowledged without an offset (a duplicate answer, or librdkafka's implicit ack of
        // records a later batch confirmed) comes as RD_KAFKA_OFFSET_INVALID (-1001): -1.
        const offset = report[o + 2]!
        this.#deliver(kind, a, b, null, { topic: record.topic, partition: report[o + 1]!, offset: offset < 0 ? -1 : offset, timestamp: report[o + 3]! })
      } else {
        const status = report[o + 5]!
        this.#deliver(kind, a, b, this.#sendError(errno, record, status === 0 && ENDS_AFTER_RETRY.has(errno) ? 1 : status), undefined)
      }
    }
    const more = rows + events.length >= SLICE
    if (events.length > 0) this.#handleEvents(events.splice(0))
    if (rows > 0 && this.#waitHead < this.#waiting.length) this.#pump()
    this.#checkIdle()
    if (more && !this.#drainScheduled) {
      // Yield to the event loop between slices so a burst of reports never stalls it.
      this.#drainScheduled = true
      setImmediate(() => this.#drain())
    }
  }

  #handleEvents(events: NativeEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'error') {
        if (ev.fatal) this.#onFatal(ev)
        else this.#onError(new KafkaError(ev.message, { code: ev.code, errno: ev.errno, retriable: RETRIABLE_CODES.has(ev.code) }))
      } else if (ev.type === 'stats') {
        this.#emitSafely('stats', JSON.parse(ev.json))
      } else {
        const entry: LogEntry = { level: ev.level, facility: ev.facility, message: ev.message }
        this.#log(entry)
        this.#emitSafely('log', entry)
      }
    }
  }

  /** Client-level, non-fatal errors (e.g. all brokers down): librdkafka keeps retrying. */
  #onError(err: KafkaError): void {
    if (this.listenerCount('error') > 0) this.#emitSafely('error', err)
    else this.#logger?.warn?.(`ironkafka: ${err.code}: ${err.message}`)
  }

  /**
   * Reports failed by a fatal error can be drained in the same slice as, and ahead of, the
   * fatal error event. So when a slice holds failures, ask librdkafka (cheap) first: every
   * send failing after the producer became fatal is rejected with the FatalError.
   */
  #checkFatal(rows: number): void {
    const report = this.#report
    for (let i = 0, o = 4; i < rows; i++, o += STRIDE) {
      if (report[o] !== 0) {
        const cause = this.#native.fatalError()
        if (cause) this.#onFatal(cause)
        return
      }
    }
  }

  #onFatal(ev: Extract<NativeEvent, { type: 'error' }> | KafkaError): void {
    if (this.#fatal) return
    const cause =
      ev instanceof KafkaError
        ? ev
        : (this.#native.fatalError() ?? new KafkaError(ev.message, { code: ev.code, errno: ev.errno, fatal: true }))
    this.#fatal = new FatalError(`fatal error, the producer cannot continue: ${cause.code}: ${cause.message}`, {
      code: cause.code,
      errno: cause.errno,
      cause,
    })
    // Waiting records never reached librdkafka; queued and in-flight ones come back through
    // the purge with their own persisted status and are rejected with the fatal error then.
    this.#failWaiting(() => true, (s) => this.#fatalFor(s.record, 'not-persisted'))
    this.#native.purge(PURGE_QUEUE | PURGE_INFLIGHT)
    if (this.listenerCount('fatal') > 0) this.#emitSafely('fatal', this.#fatal)
    else if (this.#logger?.error) this.#logger.error(`ironkafka: ${this.#fatal.message}`)
    else process.stderr.write(`ironkafka: ${this.#fatal.message}\n`)
  }

  #fatalFor(record: ProducerRecord<unknown, unknown>, persisted: PersistedStatus): FatalError {
    const f = this.#fatal!
    return new FatalError(f.message, { code: f.code, errno: f.errno, cause: f.cause, persisted, record })
  }

  #log(entry: LogEntry): void {
    const l = this.#logger
    if (!l) return
    const line = `librdkafka ${entry.facility}: ${entry.message}`
    if (entry.level <= 3) l.error?.(line)
    else if (entry.level === 4) l.warn?.(line)
    else if (entry.level <= 6) l.info?.(line)
    else l.debug?.(line)
  }

  #sendError(errno: number, record: ProducerRecord<unknown, unknown>, status: number): KafkaError {
    const persisted = PERSISTED_STATUS[status] ?? 'possibly-persisted'
    if (this.#fatal) return this.#fatalFor(record, persisted)
    const code = errorName(errno)
    return new KafkaError(`${record.topic}: ${errorDescription(errno)}`, {
      code,
      errno,
      retriable: RETRIABLE_CODES.has(code),
      persisted,
      record,
    })
  }

  /** Settles a send whose failure is known at once; never synchronously inside the call. */
  #settleLater(kind: Kind, a: unknown, b: unknown, err: KafkaError): void {
    process.nextTick(() => this.#deliver(kind, a, b, err, undefined))
  }

  #settle(s: Send, err: KafkaError | null, md: RecordMetadata | undefined): void {
    this.#deliver(s.kind, s.a, s.b, err, md)
  }

  /**
   * The one place a send is settled (a, b: see Send). User code that throws cannot break the
   * drain loop.
   */
  #deliver(kind: Kind, a: unknown, b: unknown, err: KafkaError | null, md: RecordMetadata | undefined): void {
    switch (kind) {
      case Kind.Promise:
        if (err) (b as (e: KafkaError) => void)(err)
        else (a as (md: RecordMetadata) => void)(md!)
        return
      case Kind.Callback:
        try {
          ;(a as SendCallback)(err, md)
        } catch (e) {
          process.nextTick(() => {
            throw e
          })
        }
        return
      case Kind.Fire:
        if (err) {
          if (this.listenerCount('delivery-error') > 0) this.#emitSafely('delivery-error', err)
          else this.#logger?.error?.(`ironkafka: delivery failed: ${err.code}: ${err.message}`)
        }
        return
      case Kind.Batch: {
        const batch = a as Batch
        const i = b as number
        if (err) {
          if (i < batch.errorIndex) {
            batch.error = err
            batch.errorIndex = i
          }
        } else batch.results[i] = md!
        if (--batch.left === 0) {
          if (batch.error) batch.reject(batch.error)
          else batch.resolve(batch.results)
        }
      }
    }
  }

  #emitSafely(event: string, arg: unknown): void {
    try {
      this.emit(event, arg)
    } catch (e) {
      process.nextTick(() => {
        throw e
      })
    }
  }

  /** Resolves true once nothing is pending, false if timeoutMs passes first. */
  #whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== done)
        resolve(false)
      }, timeoutMs)
      this.#idleWaiters.push(done)
    })
  }

  /**
   * Resolves once every send accepted so far has settled (delivered or failed); rejects with a
   * TimeoutError saying how many remain if that takes longer than timeoutMs. librdkafka sends
   * lingering batches at once while a flush runs.
   */
  async flush(timeoutMs = 30_000): Promise<void> {
    this.#handOver()
    if (this.pending === 0 || this.#state === 'closed') return
    // rd_kafka_flush makes librdkafka skip linger.ms; it runs on the worker pool and ends as
    // soon as librdkafka holds no message (or at the timeout). Settling is tracked here.
    this.#native.flush(timeoutMs).catch(() => undefined)
    if (!(await this.#whenIdle(timeoutMs))) {
      throw new TimeoutError(`flush timed out after ${timeoutMs} ms with ${this.pending} send(s) still pending`)
    }
  }

  /**
   * Flushes until the deadline, then purges what is left: every remaining send rejects with
   * _PURGE_QUEUE / _PURGE_INFLIGHT and its persisted status. Then destroys the handle off the
   * JS thread. Safe to call twice, during flush(), or after a fatal error.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#closePromise ??= this.#close(options.timeoutMs ?? 30_000)
    return this.#closePromise
  }

  /**
   * Closes this producer when the process gets one of the signals (default SIGTERM and
   * SIGINT), then lets the signal end the process as it would have: on the signal, the
   * producer stops accepting sends, flushes up to `timeoutMs` (default 25000), purges what is
   * left (so every send settles), and the signal is raised again with its default action.
   * Off by default: a listener replaces Node's default (exit at once) for the whole process,
   * which only the application may decide. Returns a function that unregisters it; close()
   * unregisters it too.
   */
  closeOnSignals(options: CloseOnSignalsOptions = {}): () => void {
    this.#offSignals?.()
    const off = closeOnSignals(this, options)
    this.#offSignals = off
    return off
  }

  async #close(timeoutMs: number): Promise<void> {
    this.#state = 'closing'
    this.#offSignals?.()
    this.#handOver() // staged records were accepted: they go out (or fail) like the rest
    if (this.pending > 0 && !this.#fatal) {
      try {
        await this.flush(timeoutMs)
      } catch {
        // deadline passed: what is left is purged below
      }
    }
    if (this.pending > 0) {
      this.#failWaiting(
        () => true,
        (s) => new KafkaError(`${s.record.topic}: purged by close() before it was queued`, {
          code: '_PURGE_QUEUE',
          errno: -152,
          retriable: true,
          persisted: 'not-persisted',
          record: s.record,
        }),
      )
      this.#pump()
      this.#native.purge(PURGE_QUEUE | PURGE_INFLIGHT)
      await this.#whenIdle(PURGE_GRACE_MS)
    }
    this.#state = 'closed'
    // The native close waits (off the JS thread) for any flush/metadata call still running.
    await this.#native.close()
    for (let id = 0; id < this.#slotRecord.length; id++) {
      const record = this.#slotRecord[id]
      if (record === undefined) continue
      this.#settleSlot(id, new ClosedError('producer destroyed before the delivery report arrived', {
        record,
        persisted: 'possibly-persisted',
      }), undefined)
    }
    this.#checkIdle() // nothing is pending any more: releases the hold on the event loop
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

function serializer<T>(s: Serializer<T> | undefined, what: 'key' | 'value'): (v: unknown, topic: string) => Bytes {
  if (s === undefined) return (v) => asBytes(v, what)
  if (typeof s === 'function') {
    return (v, topic) => {
      const out = s(v as T, topic)
      return out === null ? null : asBytes(out, `${what}Serializer result`)
    }
  }
  switch (s) {
    case 'buffer':
      return (v) => {
        if (Buffer.isBuffer(v)) return v
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        throw new TypeError(`record.${what} must be a Buffer (${what}Serializer 'buffer')`)
      }
    case 'string':
      return (v) => {
        if (typeof v === 'string') return v
        throw new TypeError(`record.${what} must be a string (${what}Serializer 'string')`)
      }
    case 'json':
      return (v) => {
        const out = JSON.stringify(v)
        if (out === undefined) throw new TypeError(`record.${what} cannot be serialized as JSON`)
        return out
      }
    default:
      throw new TypeError(`${what}Serializer must be 'buffer', 'string', 'json' or a function`)
  }
}

function asBytes(v: unknown, what: string): Bytes {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return v
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  throw new TypeError(`${what} must be a Buffer, a string or null, got ${v === null ? 'null' : typeof v}`)
}

/**
 * Bytes of key + value + headers, as librdkafka counts them against message.max.bytes.
 * UTF-8 takes at most 3 bytes per UTF-16 unit, so strings are only measured exactly when
 * that upper bound could exceed the limit (the common small record costs no encoding pass).
 */
function recordSize(key: Bytes, value: Bytes, headers: Array<string | Buffer> | null, limit: number): number {
  let bound = bytesBound(key) + bytesBound(value)
  if (headers !== null) for (const h of headers) bound += bytesBound(h)
  if (bound <= limit) return bound
  let exact = bytesExact(key) + bytesExact(value)
  if (headers !== null) for (const h of headers) exact += bytesExact(h)
  return exact
}

function bytesBound(p: Bytes): number {
  return p === null ? 0 : typeof p === 'string' ? p.length * 3 : p.length
}

function bytesExact(p: Bytes): number {
  return p === null ? 0 : typeof p === 'string' ? Buffer.byteLength(p) : p.length
}

function flattenHeaders(h: RecordHeaders | undefined): Array<string | Buffer> | null {
  if (h === undefined || h === null) return null
  if (typeof h !== 'object') throw new TypeError('record.headers must be an object or an array of [name, value]')
  const entries = Array.isArray(h) ? h : Object.entries(h)
  const out: Array<string | Buffer> = []
  for (const e of entries) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string') {
      throw new TypeError('record.headers entries must be [name: string, value: Buffer | string]')
    }
    const v: unknown = e[1]
    if (typeof v !== 'string' && !Buffer.isBuffer(v)) {
      if (v instanceof Uint8Array) {
        out.push(e[0], Buffer.from(v.buffer, v.byteOffset, v.byteLength))
        continue
      }
      throw new TypeError(`record.headers['${e[0]}'] must be a Buffer or a string`)
    }
    out.push(e[0], v)
  }
  return out
}
