// The client core that the producer (and the consumer and admin client to come) build on:
// the native handle's config, the routing of what librdkafka reports besides messages
// (client errors, fatal errors, logs, stats) to listeners, the logger or stderr, and the
// safe emission of events. Nothing a user sees is silent: an error no listener and no logger
// takes goes to stderr.
import type { EventEmitter } from 'node:events'
import { fallbackCaPem } from '../config/ca.js'
import { KafkaError, RETRIABLE_CODES } from '../errors.js'
import { rethrowLater, SafeLogger, type LogLevel } from './guard.js'
import type { NativeEvent } from './native.js'

export interface LogEntry {
  level: number
  facility: string
  message: string
}

/** The native config pairs for validated librdkafka settings. */
export function nativeConfig(librdkafka: Record<string, unknown>): string[] {
  const native: Record<string, unknown> = { ...librdkafka }
  native['log.queue'] = 'true' // librdkafka logs reach us as events, on the JS thread
  const caPem = fallbackCaPem(native)
  if (caPem !== undefined) native['ssl.ca.pem'] = caPem
  return Object.entries(native).flatMap(([k, v]) => [k, String(v)])
}

/**
 * Errors a broker connection ends with that retrying will not cure: the certificate, the
 * credentials or the host name is wrong. (librdkafka keeps retrying them all the same.)
 */
export const PERSISTENT_CAUSES: ReadonlySet<string> = new Set([
  '_SSL',
  '_AUTHENTICATION',
  '_RESOLVE',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
])

/** librdkafka's broker name at the start of a connection error: "host:port/id: ...". */
const BROKER_PREFIX = /^(\S+\/(?:\d+|bootstrap)): /

/** syslog levels (librdkafka's) to logger methods. */
function levelOf(syslog: number): LogLevel {
  return syslog <= 3 ? 'error' : syslog === 4 ? 'warn' : syslog <= 6 ? 'info' : 'debug'
}

export class ClientEvents {
  /** The last error each broker reported, by librdkafka's broker name. */
  readonly #brokerErrors = new Map<string, KafkaError>()
  readonly #allDownWatchers = new Set<(cause: KafkaError | undefined) => void>()

  constructor(
    private readonly emitter: EventEmitter,
    readonly logger: SafeLogger,
    private readonly onFatal: (ev: Extract<NativeEvent, { type: 'error' }>) => void,
  ) {}

  /** Emits to the listeners; a listener that throws surfaces as an uncaught exception. */
  emit(event: string, arg: unknown): void {
    try {
      this.emitter.emit(event, arg)
    } catch (e) {
      rethrowLater(e)
    }
  }

  listens(event: string): boolean {
    return this.emitter.listenerCount(event) > 0
  }

  /**
   * Tells whoever listens: the event's listeners, else the logger at `level`, else stderr.
   * `line` is only built when needed.
   */
  tell(event: string, arg: unknown, level: LogLevel, line: () => string): void {
    if (this.listens(event)) this.emit(event, arg)
    else if (!this.logger.log(level, `ironkafka: ${line()}`)) process.stderr.write(`ironkafka: ${line()}\n`)
  }

  /**
   * The cause every broker is down for, when each broker's last error is the same persistent
   * one (PERSISTENT_CAUSES): the most recent of them.
   */
  persistentCause(): KafkaError | undefined {
    let latest: KafkaError | undefined
    for (const e of this.#brokerErrors.values()) {
      if (!PERSISTENT_CAUSES.has(e.code) || (latest !== undefined && e.code !== latest.code)) return undefined
      latest = e
    }
    return latest
  }

  /** Calls `watch` at each _ALL_BROKERS_DOWN with persistentCause() then; returns the unsubscribe. */
  onAllBrokersDown(watch: (cause: KafkaError | undefined) => void): () => void {
    this.#allDownWatchers.add(watch)
    return () => this.#allDownWatchers.delete(watch)
  }

  handle(events: NativeEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'error') {
        if (ev.fatal) this.onFatal(ev)
        else {
          // Client-level, non-fatal errors (e.g. all brokers down): librdkafka keeps retrying.
          const err = new KafkaError(ev.message, { code: ev.code, errno: ev.errno, retriable: RETRIABLE_CODES.has(ev.code) })
          const broker = BROKER_PREFIX.exec(ev.message)?.[1]
          if (broker !== undefined) this.#brokerErrors.set(broker, err)
          this.tell('error', err, 'warn', () => `${err.code}: ${err.message}`)
          if (ev.code === '_ALL_BROKERS_DOWN' && this.#allDownWatchers.size > 0) {
            const cause = this.persistentCause()
            for (const w of [...this.#allDownWatchers]) w(cause)
          }
        }
      } else if (ev.type === 'stats') {
        if (this.listens('stats')) this.emit('stats', JSON.parse(ev.json))
      } else {
        const entry: LogEntry = { level: ev.level, facility: ev.facility, message: ev.message }
        this.logger.log(levelOf(entry.level), `librdkafka ${entry.facility}: ${entry.message}`)
        this.emit('log', entry)
      }
    }
  }
}
