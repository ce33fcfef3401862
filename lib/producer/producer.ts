// The public Producer: its API, its state machine (open -> closing -> closed, or fatal) and
// its events. Policy lives in lib/; the addon only maps librdkafka's C API.
//
// The path of one record: send() -> RecordEncoder.encode (validated, captured) -> the Intake:
// a slot (SlotTable.take: its id is its identity until it settles), then the Stage (bytes
// copied into the arena; one native produce() per batch) or, when librdkafka's queue is
// full, the WaitQueue (max.block.ms).
// The path of one report: librdkafka's thread signals the queue -> onwake on the JS thread
// -> ReportDrain (typed-array rows, slices bounded by time) -> Settler (promise, callback,
// batch, or 'delivery-error').
import { EventEmitter } from 'node:events'
import { validateConfig } from '../config/validate.js'
import type { Logger, OAuthBearerProvider, ProducerConfig, SaslCredentialsProvider, Serializer } from '../config/types.js'
import { ClientEvents, nativeConfig } from '../core/client.js'
import { checkTimeout, deadlineAt, remainingMs } from '../core/deadline.js'
import { Redactor, SafeLogger } from '../core/guard.js'
import { SECRET_SETTINGS } from '../config/java-security.js'
import { KeepAlive } from '../core/keepalive.js'
import { TokenRefresher } from '../core/oauth.js'
import { CredentialsRenewer } from '../core/credentials.js'
import { addon, type NativeEvent, type NativeProducer } from '../core/native.js'
import { ERR, errorDescription, errorName } from '../core/codes.js'
import { ClosedError, FatalError, KafkaError, TimeoutError } from '../errors.js'
import { closeOnSignals, type CloseOnSignalsOptions } from '../signals.js'
import { clearRecord, emptyRecord, RecordEncoder, type EncodedRecord } from './encode.js'
import { Flusher } from './flush.js'
import { Intake } from './intake.js'
import { Outcomes, ReportDrain } from './reports.js'
import { type Batch, Settler } from './settle.js'
import { Kind, SlotTable } from './slots.js'
import type { Bytes, ProducerRecord, RecordMetadata, SendCallback } from './types.js'

const PURGE_QUEUE = 0x1
const PURGE_INFLIGHT = 0x2
/** Extra time close() gives purged reports to come back after its deadline. */
const PURGE_GRACE_MS = 5_000
/** The longest one native metadata request of connect() holds a pool thread. */
const CONNECT_SLICE_MS = 1_000
/** The most encoded forms sendBatch keeps for reuse (larger batches allocate the rest). */
const BATCH_SCRATCH_MAX = 4096

/** Config warnings already emitted through process.emitWarning. */
const warned = new Set<string>()

export class Producer<K = Bytes, V = Bytes> extends EventEmitter {
  readonly #native: NativeProducer
  readonly #encoder: RecordEncoder
  /** The encoded form of a single send, reused: it is consumed (staged or copied) at once. */
  readonly #scratch = emptyRecord()
  /**
   * Encoded forms for sendBatch, reused across batches for the same reason (a batch is
   * consumed before sendBatch returns); null while a batch is being encoded, so a serializer
   * that sends a batch itself gets fresh ones.
   */
  #batchScratch: EncodedRecord[] | null = []
  readonly #slots: SlotTable
  readonly #intake: Intake
  readonly #settler: Settler
  readonly #reports: ReportDrain
  readonly #outcomes = new Outcomes(() => this.#events.downFor, () => this.#events.neverConnected())
  readonly #events: ClientEvents
  readonly #keep: KeepAlive
  readonly #flusher: Flusher
  #state: 'open' | 'closing' | 'closed' = 'open'
  #closePromise: Promise<void> | undefined
  #offSignals: (() => void) | undefined
  #tokens: TokenRefresher | undefined
  #credentials: CredentialsRenewer | undefined

  /**
   * Validates the whole config first (see validateConfig): a ConfigError lists every problem,
   * and nothing native is created. Warnings go to `logger.warn`, else process.emitWarning.
   */
  constructor(config: ProducerConfig<K, V>) {
    super()
    const resolved = validateConfig(config)
    const secrets = Object.entries(resolved.librdkafka).flatMap(([k, v]) => (SECRET_SETTINGS.has(k) ? [String(v)] : []))
    const logger = new SafeLogger(resolved.logger as Logger | undefined, new Redactor(secrets))
    for (const w of resolved.warnings) {
      if (logger.log('warn', `ironkafka config: ${w.message}`)) continue
      if (!warned.has(w.message)) {
        // Once per process: an app creating many producers from one config needs to hear it once.
        warned.add(w.message)
        process.emitWarning(w.message, { type: 'IronkafkaConfigWarning' })
      }
    }
    const lib = resolved.librdkafka
    const name = (t: string) => resolved.settings[t]?.keys[0] ?? t
    const bufferBytes = Number(lib['queue.buffering.max.kbytes'] ?? 1_048_576) * 1024
    this.#encoder = new RecordEncoder(resolved.keySerializer as Serializer<unknown> | undefined, resolved.valueSerializer as Serializer<unknown> | undefined, {
      refuse: (code, message, record) => new KafkaError(message, { code, errno: ERR[code], record }),
      maxMessageBytes: Number(lib['message.max.bytes'] ?? 1_000_000),
      maxMessageBytesName: name('message.max.bytes'),
      bufferBytes,
      bufferBytesName: name('queue.buffering.max.kbytes'),
    })
    this.#slots = new SlotTable(Number(lib['queue.buffering.max.messages'] ?? 100_000), bufferBytes)
    this.#events = new ClientEvents(this, logger, (ev) => this.#onFatal(ev))
    this.#settler = new Settler(this.#slots, this.#events)
    const topicNames: string[] = []
    this.#reports = new ReportDrain(this.#slots, this.#settler, topicNames, this.#outcomes, this.#events,
      () => this.#checkFatal(), () => this.#intake.afterReports())
    const provider = resolved.oauthBearerProvider as OAuthBearerProvider | undefined
    this.#native = new addon.Producer(nativeConfig(lib), this.#reports.report, provider !== undefined)
    if (provider !== undefined) {
      const tokens = new TokenRefresher(provider, this.#native, () => this.#events.tokenAcquired())
      this.#tokens = tokens
      this.#events.onTokenRefresh((config) => tokens.refresh(config))
    }
    const credentials = resolved.saslCredentialsProvider as SaslCredentialsProvider | undefined
    if (credentials !== undefined) {
      const initial = { username: lib['sasl.username'] ?? '', password: lib['sasl.password'] ?? '' }
      const graceMs = Number(lib['reconnect.backoff.max.ms'] ?? 10_000)
      const renewer = new CredentialsRenewer(credentials, this.#native, this.#events, logger.redact, initial, graceMs)
      this.#credentials = renewer
      this.#events.onAuthFailure(() => void renewer.renew())
    }
    this.#keep = new KeepAlive(this, this.#native)
    this.#flusher = new Flusher(this.#native, () => this.pending)
    this.#intake = new Intake(this.#native, addon.Producer.ROW_COLUMNS, this.#slots, this.#settler, this.#outcomes, topicNames, resolved.maxBlockMs, {
      hold: () => this.#keep.hold(),
      checkIdle: () => this.#checkIdle(),
      drained: () => this.#events.emit('drain', undefined),
      checkFatal: () => this.#checkFatal(),
    })
    this.#reports.attach(this.#native)
    this.#events.followBrokers(() => this.#native.brokerStates(), (cause) => this.#onRefused(cause))
    this.#reports.drain() // anything queued before wake-ups were enabled
  }

  /** Sends accepted and not yet settled (waiting for queue space or in librdkafka). */
  get pending(): number {
    return this.#slots.used
  }

  /** The fatal error, once the producer has hit one. */
  get fatalError(): FatalError | undefined {
    return this.#outcomes.fatal
  }

  /** For the message at a forced exit (keep-alive). */
  pendingDescription(): string | undefined {
    const n = this.pending
    return n > 0 ? `${n} record(s) not yet acknowledged; they may be lost` : undefined
  }

  /**
   * Optional: resolves once a broker answered a metadata request, rejects after timeoutMs.
   * Sends do not need it; it makes a wrong bootstrap.servers fail at startup. When every
   * broker is down for the same cause retrying does not cure (an unresolvable host, a TLS or
   * authentication failure), it rejects at once with that code, and the cause.
   */
  async connect(timeoutMs = 10_000): Promise<void> {
    checkTimeout(timeoutMs, 'connect(timeoutMs)')
    this.#assertOpen()
    const at = deadlineAt(timeoutMs)
    let refused: KafkaError | undefined
    let wake: (() => void) | undefined
    // Every broker down, each for the same cause retrying cannot cure (a certificate, the
    // credentials, the host name): connect() fails with it at once instead of at its timeout.
    const off = this.#events.onAllBrokersDown((cause) => {
      if (cause === undefined) return
      refused = new KafkaError(`connect(): every broker failed for a reason retrying does not cure: ${cause.message}`, {
        code: cause.code,
        errno: cause.errno,
        retriable: false,
        cause,
      })
      wake?.()
    })
    try {
      for (;;) {
        const started = Date.now()
        const slice = this.#native.metadata(Math.min(remainingMs(at), CONNECT_SLICE_MS))
        const r = await Promise.race([slice, new Promise<undefined>((resolve) => (wake = () => resolve(undefined)))])
        if (refused !== undefined) throw refused
        if (r === undefined) continue
        if (r.errno === 0) return
        if (remainingMs(at) === 0) {
          throw new KafkaError(`no broker answered within ${timeoutMs} ms: ${errorDescription(r.errno)}`, {
            code: errorName(r.errno),
            errno: r.errno,
            retriable: true,
          })
        }
        // A request that failed at once (no connection yet) is tried again shortly, not in a spin.
        if (Date.now() - started < 50) await new Promise((resolve) => setTimeout(resolve, 50))
      }
    } finally {
      off()
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
    return this.#accept(this.#encoder.encode(record, this.#scratch), Kind.Fire, undefined, undefined)
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
      const refusal = this.#refusal(record)
      if (refusal !== undefined) {
        process.nextTick(() => this.#settler.deliver(Kind.Callback, callback, undefined, refusal, undefined))
        return true
      }
      return this.#accept(this.#encoder.encode(record, this.#scratch), Kind.Callback, callback, undefined)
    }
    const refusal = this.#refusal(record)
    if (refusal !== undefined) return Promise.reject(refusal)
    const enc = this.#encoder.encode(record, this.#scratch)
    return new Promise<RecordMetadata>((resolve, reject) => this.#accept(enc, Kind.Promise, resolve, reject))
  }

  /**
   * Sends records in order under one promise: resolves with their metadata in the same order
   * once all are acknowledged; if any fails, rejects (after all have settled) with the
   * failure of the first failed record. Invalid input throws before anything is queued.
   */
  sendBatch(records: Array<ProducerRecord<K, V>>): Promise<RecordMetadata[]> {
    if (!Array.isArray(records)) throw new TypeError('sendBatch expects an array of records')
    const refusal = this.#refusal(records[0])
    if (refusal !== undefined) return Promise.reject(refusal)
    const n = records.length
    const pool = this.#batchScratch
    this.#batchScratch = null
    const encoded = pool ?? []
    try {
      for (let i = 0; i < n; i++) {
        if (!(i in records)) throw new TypeError(`records[${i}] is a hole in the array: sendBatch expects a record at every index`)
        if (i < BATCH_SCRATCH_MAX) encoded[i] = this.#encoder.encode(records[i]!, encoded[i] ?? emptyRecord())
        else encoded[i] = this.#encoder.encode(records[i]!)
      }
      return new Promise<RecordMetadata[]>((resolve, reject) => {
        if (n === 0) return resolve([])
        const batch: Batch = { results: new Array(n), left: n, error: undefined, errorIndex: Infinity, resolve, reject }
        for (let i = 0; i < n; i++) this.#accept(encoded[i]!, Kind.Batch, batch, i)
      })
    } finally {
      // The reused forms must not keep the caller's records and bytes alive until the next batch.
      for (let i = 0; i < Math.min(n, encoded.length); i++) clearRecord(encoded[i]!)
      if (encoded.length > BATCH_SCRATCH_MAX) encoded.length = BATCH_SCRATCH_MAX
      if (pool !== null) this.#batchScratch = pool
    }
  }

  #assertOpen(): void {
    if (this.#outcomes.fatal) throw this.#outcomes.fatal
    if (this.#state !== 'open') throw new ClosedError('producer is closed')
  }

  /** Why the producer cannot take a send now (closed, fatal), as the error the send reports. */
  #refusal(record: unknown): KafkaError | undefined {
    if (this.#outcomes.fatal) return this.#outcomes.fatalFor(record, 'not-persisted')
    if (this.#state !== 'open') return new ClosedError('send() after close()', { record })
    return undefined
  }

  /** Places the record (see Intake.place); false when it waits (the 'drain' signal). */
  #accept(enc: EncodedRecord, kind: Kind, a: unknown, b: unknown): boolean {
    const accepted = this.#intake.place(enc, kind, a, b)
    // The scratch must not keep the caller's record and bytes alive until the next send.
    if (enc === this.#scratch) clearRecord(enc)
    return accepted
  }

  #checkIdle(): void {
    if (this.pending > 0) return
    this.#keep.release()
    this.#flusher.checkIdle()
  }

  /**
   * Reports failed by a fatal error can be drained in the same slice as, and ahead of, the
   * fatal error event: ask librdkafka (cheap) first, so every failure after the producer
   * became fatal is rejected with the FatalError.
   */
  #checkFatal(): void {
    const cause = this.#native.fatalError()
    if (cause) this.#onFatal(cause as KafkaError)
  }

  #onFatal(ev: Extract<NativeEvent, { type: 'error' }> | KafkaError): void {
    if (this.#outcomes.fatal) return
    const cause =
      ev instanceof KafkaError
        ? ev
        : ((this.#native.fatalError() as KafkaError | null) ?? new KafkaError(ev.message, { code: ev.code, errno: ev.errno, fatal: true }))
    const fatal = new FatalError(`fatal error, the producer cannot continue: ${cause.code}: ${cause.message}`, {
      code: cause.code,
      errno: cause.errno,
      cause,
    })
    this.#outcomes.fatal = fatal
    // Waiting records never reached librdkafka; queued and in-flight ones come back through
    // the purge with their own persisted status and are rejected with the fatal error then.
    this.#intake.handOver()
    void this.#intake.failAllWaiting((_, enc) => this.#outcomes.fatalFor(enc.record, 'not-persisted'))
    this.#native.purge(PURGE_QUEUE | PURGE_INFLIGHT)
    this.#events.tell('fatal', fatal, 'error', () => fatal.message)
  }

  /**
   * Every broker refused this client (its certificate or credentials; see REFUSAL_CAUSES):
   * like Java, the sends waiting and queued fail now with that cause, not at their delivery
   * timeout. Sends made after this are queued as usual, so librdkafka keeps connecting (with
   * its backoff); each further refused attempt fails them, and once a broker accepts the
   * client (credentials rotated, certificate fixed) they are delivered.
   */
  #onRefused(cause: KafkaError): void {
    if (this.#outcomes.fatal || this.#state === 'closed') return
    const renewer = this.#credentials
    if (renewer !== undefined) {
      // Rotated credentials: the next attempt uses the new ones, and the pending sends wait for it.
      void renewer.renew().then((renewed) => renewed || this.#failRefused(cause))
      return
    }
    this.#failRefused(cause)
  }

  #failRefused(cause: KafkaError): void {
    if (this.#outcomes.fatal || this.#state === 'closed') return
    this.#outcomes.refusedBy = cause
    this.#intake.handOver()
    void this.#intake.failAllWaiting((_, enc) => this.#outcomes.refusal(cause, enc.topic, enc.record, 'not-persisted'))
    // Queued records only: none is in flight while no broker is up.
    this.#native.purge(PURGE_QUEUE)
  }

  /**
   * Resolves once every send accepted so far has settled (delivered or failed); rejects with a
   * TimeoutError saying how many remain if that takes longer than timeoutMs (Infinity: no
   * limit). librdkafka sends lingering batches at once while a flush runs.
   */
  async flush(timeoutMs = 30_000): Promise<void> {
    checkTimeout(timeoutMs, 'flush(timeoutMs)')
    this.#intake.handOver()
    if (this.pending === 0 || this.#state === 'closed') return
    if (!(await this.#flusher.whenIdle(deadlineAt(timeoutMs), true))) {
      throw new TimeoutError(`flush timed out after ${timeoutMs} ms with ${this.pending} send(s) still pending`)
    }
  }

  /**
   * Flushes until the deadline (default 30000 ms; Infinity: no limit), then purges what is
   * left: every remaining send rejects with _PURGE_QUEUE / _PURGE_INFLIGHT and its persisted
   * status. Then destroys the handle off the JS thread. Safe to call twice, during flush(),
   * or after a fatal error.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options?.timeoutMs === undefined ? 30_000 : options.timeoutMs
    try {
      checkTimeout(timeoutMs, 'close({ timeoutMs })')
    } catch (e) {
      return Promise.reject(e)
    }
    this.#closePromise ??= this.#close(timeoutMs)
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
    this.#intake.handOver() // staged records were accepted: they go out (or fail) like the rest
    if (this.pending > 0 && !this.#outcomes.fatal) {
      await this.#flusher.whenIdle(deadlineAt(timeoutMs), true)
    }
    if (this.pending > 0) {
      this.#outcomes.refusedBy = undefined // what is purged now is purged by close()
      await this.#intake.failAllWaiting((_, enc) => new KafkaError(`${enc.topic}: purged by close() before it was queued`, {
        code: '_PURGE_QUEUE',
        errno: ERR._PURGE_QUEUE,
        retriable: true,
        persisted: 'not-persisted',
        record: enc.record,
      }))
      this.#native.purge(PURGE_QUEUE | PURGE_INFLIGHT)
      await this.#flusher.whenIdle(deadlineAt(PURGE_GRACE_MS), false)
    }
    this.#state = 'closed'
    this.#flusher.stop()
    this.#events.stopFollowing()
    this.#tokens?.close()
    this.#credentials?.close()
    // The native close waits (off the JS thread) for any flush/metadata slice still running.
    await this.#native.close()
    for (const id of [...this.#slots.usedIds()]) {
      this.#settler.settle(id, new ClosedError('producer destroyed before the delivery report arrived', {
        record: this.#slots.record[id],
        persisted: 'possibly-persisted',
      }), undefined)
    }
    this.#checkIdle() // nothing is pending any more: releases the hold on the event loop
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
