// The client core that the producer (and the consumer and admin client to come) build on:
// the native handle's config, the routing of what librdkafka reports besides messages
// (client errors, fatal errors, logs, stats) to listeners, the logger or stderr, and the
// safe emission of events. Nothing a user sees is silent: an error no listener and no logger
// takes goes to stderr.
import type { EventEmitter } from 'node:events'
import { fallbackCaPem } from '../config/ca.js'
import { KafkaError, RETRIABLE_CODES } from '../errors.js'
import { rethrowLater, SafeLogger, type LogLevel } from './guard.js'
import { ERR } from './codes.js'
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

/**
 * The persistent causes that mean a broker refused this client: its certificate or its
 * credentials. Like Java (AuthenticationException, and SslAuthenticationException for TLS),
 * pending sends fail on them at once instead of waiting out their delivery timeout. A TLS
 * verification error is one: no retry makes an untrusted or expired certificate acceptable.
 */
export const REFUSAL_CAUSES: ReadonlySet<string> = new Set([
  '_SSL',
  '_AUTHENTICATION',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
])

/** librdkafka's broker name at the start of a connection error: "host:port/id: ...". */
const BROKER_PREFIX = /^(\S+\/(?:\d+|bootstrap)): /
/** The parts of an error line that differ between repeats of the same cause. */
const BROKER_NAMES = /\S+\/(?:\d+|bootstrap): /g
const ATTEMPT_SUFFIX = / \(after \d+ms in state .*$/
/** librdkafka's log line for a broker certificate that failed our check (native VerifyBrokerCertificate). */
const CERT_REFUSED = /(?:(\S+\/(?:\d+|bootstrap)): )?Certificate \((subject=.*), (issuer=.*)\) verification callback failed: (.*)$/
/**
 * A TLS alert from the broker refusing the client's certificate (or its absence: mTLS). With
 * TLS 1.3 it arrives after the handshake, and librdkafka reports it as _TRANSPORT.
 */
const CERTIFICATE_ALERT = /ssl\/tls alert (bad certificate|certificate required|unknown ca|certificate expired|certificate revoked|certificate unknown|unsupported certificate|access denied)/i

/**
 * librdkafka's client-level error when no OAUTHBEARER token could be had (its OIDC request
 * was refused, or an oauthBearerProvider failed): no broker connection can authenticate.
 */
const TOKEN_FAILURE = /^Failed to acquire SASL OAUTHBEARER token/
/** How often, while every broker is down, the native broker states are read. */
const WATCH_MS = 250
/** Repeats of one cause within this long are counted, not printed, on stderr. */
const STDERR_REPEAT_MS = 60_000

/** Reads the native client's broker states: [brokers up now, refused connection attempts]. */
export type BrokerStates = () => number[]

/** syslog levels (librdkafka's) to logger methods. */
function levelOf(syslog: number): LogLevel {
  return syslog <= 3 ? 'error' : syslog === 4 ? 'warn' : syslog <= 6 ? 'info' : 'debug'
}

export class ClientEvents {
  /** The last error each broker reported, by librdkafka's broker name. */
  readonly #brokerErrors = new Map<string, KafkaError>()
  readonly #allDownWatchers = new Set<(cause: KafkaError | undefined) => void>()
  #brokerStates: BrokerStates | undefined
  #onTokenRefresh: ((config: string) => void) | undefined
  #onAuthFailure: ((cause: KafkaError) => void) | undefined
  #onRefused: ((cause: KafkaError) => void) | undefined
  /** What every broker is down for now (persistentCause() while no broker is up). */
  #downFor: KafkaError | undefined
  #seenRefusals = 0
  #watch: ReturnType<typeof setInterval> | undefined
  /** stderr lines by cause: when last printed, and how many repeats were held back since. */
  readonly #printed = new Map<string, { at: number; held: number }>()
  /** Why each broker's certificate was last refused, from librdkafka's log, by broker name. */
  readonly #certRefusals = new Map<string, string>()
  /** The last failure to get an OAUTHBEARER token, until a token is set or a broker is up. */
  #tokenFailure: KafkaError | undefined

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
    else if (!this.logger.log(level, `ironkafka: ${line()}`)) this.#stderr(this.logger.redact.apply(line()))
  }

  /**
   * stderr, the last resort, once per distinct cause: a broker that keeps refusing the client
   * must not flood it. Repeats of a cause (the same error from another broker, or the next
   * attempt) are held back for a minute, and the next line says how many there were.
   */
  #stderr(line: string): void {
    const key = line.replace(BROKER_NAMES, '').replace(ATTEMPT_SUFFIX, '')
    const now = Date.now()
    const seen = this.#printed.get(key)
    if (seen !== undefined && now - seen.at < STDERR_REPEAT_MS) {
      seen.held++
      return
    }
    const more = seen !== undefined && seen.held > 0 ? ` (${seen.held} more like it in the last ${Math.round((now - seen.at) / 1000)} s)` : ''
    if (this.#printed.size >= 1000) this.#printed.clear() // bounded: causes can carry varying text
    this.#printed.set(key, { at: now, held: 0 })
    process.stderr.write(`ironkafka: ${line}${more}\n`)
  }

  /**
   * Starts following the native client's broker states. From then on `onRefused` runs when
   * every broker is down for a refusal cause (REFUSAL_CAUSES), and again at each further
   * connection attempt refused while that lasts: librdkafka reports a repeated error only
   * every 30 s, the native states count every attempt. It stops once a broker is up.
   */
  followBrokers(states: BrokerStates, onRefused: (cause: KafkaError) => void): void {
    this.#brokerStates = states
    this.#onRefused = onRefused
  }

  /** Called at each broker error saying the credentials were refused (a CredentialsRenewer). */
  onAuthFailure(handler: (cause: KafkaError) => void): void {
    this.#onAuthFailure = handler
  }

  /** Where librdkafka's OAUTHBEARER token-refresh requests go (a TokenRefresher). */
  onTokenRefresh(handler: (config: string) => void): void {
    this.#onTokenRefresh = handler
  }

  /** Stops following the broker states (the client closed). */
  stopFollowing(): void {
    if (this.#watch !== undefined) clearInterval(this.#watch)
    this.#watch = undefined
    this.#brokerStates = undefined
    this.#downFor = undefined
  }

  /**
   * The cause every broker is down for now, when it is one retrying does not cure; undefined
   * while any broker is up. A send that fails meanwhile carries it.
   */
  get downFor(): KafkaError | undefined {
    return this.#downFor
  }

  #afterBrokerError(): void {
    const states = this.#brokerStates
    if (states === undefined) return
    const cause = this.persistentCause()
    const [up, refusals] = states()
    if (cause === undefined || up! > 0) {
      this.#downFor = undefined
      return
    }
    this.#downFor = cause
    this.#seenRefusals = refusals!
    if (this.#watch === undefined) {
      this.#watch = setInterval(() => this.#checkBrokers(), WATCH_MS)
      this.#watch.unref()
    }
    if (REFUSAL_CAUSES.has(cause.code)) this.#refused(cause)
  }

  #checkBrokers(): void {
    const states = this.#brokerStates
    const cause = this.#downFor
    const [up, refusals] = states?.() ?? [0, 0]
    if (states === undefined || cause === undefined || up! > 0) {
      this.#downFor = undefined
      if (up! > 0) this.#tokenFailure = undefined
      clearInterval(this.#watch)
      this.#watch = undefined
      return
    }
    if (refusals === this.#seenRefusals) return
    this.#seenRefusals = refusals!
    if (REFUSAL_CAUSES.has(cause.code)) this.#refused(cause)
  }

  #refused(cause: KafkaError): void {
    try {
      this.#onRefused?.(cause)
    } catch (e) {
      rethrowLater(e) // our own code: a bug must surface, not stop the events behind it
    }
  }

  /**
   * The cause every broker is down for, when each broker's last error is the same persistent
   * one (PERSISTENT_CAUSES): the most recent of them.
   */
  persistentCause(): KafkaError | undefined {
    if (this.#tokenFailure !== undefined) return this.#tokenFailure
    let latest: KafkaError | undefined
    for (const e of this.#brokerErrors.values()) {
      if (!PERSISTENT_CAUSES.has(e.code) || (latest !== undefined && e.code !== latest.code)) return undefined
      latest = e
    }
    return latest
  }

  /** An OAUTHBEARER token was set: a token failure before it no longer stands. */
  tokenAcquired(): void {
    this.#tokenFailure = undefined
  }

  /** True until a broker connection has come up once (nothing can have reached a broker). */
  neverConnected(): boolean {
    return this.#brokerStates !== undefined && this.#brokerStates()[2] === 0
  }

  #noteCertificateRefusal(line: string): void {
    const m = CERT_REFUSED.exec(line)
    if (m === null) return
    if (this.#certRefusals.size >= 100) this.#certRefusals.clear()
    this.#certRefusals.set(m[1] ?? '', `${m[4]}; the certificate: ${m[2]}, ${m[3]}`)
  }

  /**
   * librdkafka's TLS handshake error says only "certificate verify failed" and suggests the CA
   * settings, also for an expired certificate or one for another host name. The reason
   * OpenSSL gave (logged by librdkafka just before) goes first.
   */
  #withCertificateReason(message: string): string {
    if (!/certificate verify failed/.test(message)) return message
    const broker = BROKER_PREFIX.exec(message)?.[1]
    const reason = this.#certRefusals.get(broker ?? '') ?? this.#certRefusals.get('')
    if (reason === undefined) return message
    this.#certRefusals.delete(broker ?? '')
    const rest = broker === undefined ? message : message.slice(broker.length + 2)
    return `${broker === undefined ? '' : `${broker}: `}the broker's certificate was refused: ${reason} (${rest})`
  }

  /** Calls `watch` at each _ALL_BROKERS_DOWN with persistentCause() then; returns the unsubscribe. */
  onAllBrokersDown(watch: (cause: KafkaError | undefined) => void): () => void {
    this.#allDownWatchers.add(watch)
    return () => this.#allDownWatchers.delete(watch)
  }

  handle(events: NativeEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'error') {
        ev.message = this.logger.redact.apply(ev.message)
        if (ev.code === '_SSL') ev.message = this.#withCertificateReason(ev.message)
        if (ev.fatal) this.onFatal(ev)
        else {
          // Client-level, non-fatal errors (e.g. all brokers down): librdkafka keeps retrying.
          if (ev.code === '_TRANSPORT' && CERTIFICATE_ALERT.test(ev.message)) {
            // The broker refused the client's certificate: a TLS refusal, not a network failure.
            ev.code = '_SSL'
            ev.errno = ERR._SSL
            ev.message = ev.message.replace(BROKER_PREFIX, (p) => `${p}the broker refused this client's TLS certificate (or its absence; see ssl.certificate.location / ssl.keystore.location): `)
          }
          const err = new KafkaError(ev.message, { code: ev.code, errno: ev.errno, retriable: RETRIABLE_CODES.has(ev.code) })
          const broker = BROKER_PREFIX.exec(ev.message)?.[1]
          if (broker !== undefined) this.#brokerErrors.set(broker, err)
          // No token: librdkafka does not even try the brokers, so no broker reports anything.
          const noToken = broker === undefined && err.code === '_AUTHENTICATION' && TOKEN_FAILURE.test(err.message)
          if (noToken) this.#tokenFailure = err
          this.tell('error', err, 'warn', () => `${err.code}: ${err.message}`)
          if (this.#onAuthFailure !== undefined && (err.code === '_AUTHENTICATION' || err.code === 'SASL_AUTHENTICATION_FAILED')) this.#onAuthFailure(err)
          if (broker !== undefined || noToken) this.#afterBrokerError()
          if (noToken && this.#downFor !== undefined) for (const w of [...this.#allDownWatchers]) w(err)
          if (ev.code === '_ALL_BROKERS_DOWN' && this.#allDownWatchers.size > 0) {
            const cause = this.persistentCause()
            for (const w of [...this.#allDownWatchers]) w(cause)
          }
        }
      } else if (ev.type === 'oauthbearer-refresh') {
        this.#onTokenRefresh?.(ev.config)
      } else if (ev.type === 'stats') {
        if (this.listens('stats')) this.emit('stats', JSON.parse(ev.json))
      } else {
        const entry: LogEntry = { level: ev.level, facility: ev.facility, message: this.logger.redact.apply(ev.message) }
        if (entry.facility === 'SSLCERTVRFY') this.#noteCertificateRefusal(entry.message)
        this.logger.log(levelOf(entry.level), `librdkafka ${entry.facility}: ${entry.message}`)
        this.emit('log', entry)
      }
    }
  }
}
