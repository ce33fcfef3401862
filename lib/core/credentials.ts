// SASL PLAIN/SCRAM credentials from the user's code (the saslCredentialsProvider option), for
// passwords that rotate: when a broker refuses the client's credentials, the provider is
// asked, and if it has other ones they are used from the next authentication on
// (rd_kafka_sasl_set_credentials) instead of failing the pending sends. The provider may be
// async; librdkafka's threads never wait for it.
import type { SaslCredentials, SaslCredentialsProvider } from '../config/types.js'
import { KafkaError } from '../errors.js'
import type { ClientEvents } from './client.js'
import { ERR } from './codes.js'
import { askProvider, type Redactor } from './guard.js'

/** The most a provider may take to answer before the attempt counts as failed. */
export const CREDENTIALS_PROVIDER_TIMEOUT_MS = 30_000

export interface CredentialsSink {
  setCredentials(username: string, password: string): string | null
}

export class CredentialsRenewer {
  #current: SaslCredentials
  #changedAt = -Infinity
  #renewing: Promise<boolean> | undefined
  #closed = false

  constructor(
    private readonly provider: SaslCredentialsProvider,
    private readonly sink: CredentialsSink,
    private readonly events: ClientEvents,
    private readonly redact: Redactor,
    initial: SaslCredentials,
    /** How long after a change a refusal may still be an attempt made with the old ones. */
    private readonly graceMs: number,
  ) {
    this.#current = initial
  }

  /**
   * Asks the provider (one call at a time: callers meanwhile share its answer). True when it
   * had other credentials and librdkafka took them: the next attempt may succeed.
   */
  renew(): Promise<boolean> {
    this.#renewing ??= this.#ask().finally(() => (this.#renewing = undefined))
    return this.#renewing
  }

  close(): void {
    this.#closed = true
  }

  async #ask(): Promise<boolean> {
    try {
      const got: unknown = await askProvider(() => this.provider(), CREDENTIALS_PROVIDER_TIMEOUT_MS)
      if (this.#closed) return false
      const c = checkCredentials(got)
      this.redact.add(c.password)
      if (c.username === this.#current.username && c.password === this.#current.password) {
        // Refused again right after a change: that attempt may have begun with the old ones.
        return Date.now() - this.#changedAt < this.graceMs
      }
      const refused = this.sink.setCredentials(c.username, c.password)
      if (refused !== null) throw new Error(`librdkafka refused them: ${refused}`)
      this.#current = { username: c.username, password: c.password }
      this.#changedAt = Date.now()
      return true
    } catch (e) {
      if (this.#closed) return false
      const err = new KafkaError(`saslCredentialsProvider failed: ${this.redact.apply(e instanceof Error ? e.message : String(e))}`, {
        code: '_AUTHENTICATION',
        errno: ERR._AUTHENTICATION,
        retriable: true,
        cause: e,
      })
      this.events.tell('error', err, 'error', () => `${err.code}: ${err.message}`)
      return false
    }
  }
}

function checkCredentials(c: unknown): SaslCredentials {
  if (typeof c !== 'object' || c === null) throw new TypeError(`it returned ${c === null ? 'null' : typeof c}, not { username, password }`)
  const { username, password } = c as Record<string, unknown>
  if (typeof username !== 'string' || username === '') throw new TypeError('username must be a non-empty string')
  if (typeof password !== 'string') throw new TypeError('password must be a string')
  return { username, password }
}
