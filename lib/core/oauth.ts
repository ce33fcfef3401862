// OAUTHBEARER tokens from the user's code (the oauthBearerProvider option). librdkafka asks
// for a token with a refresh event on the client's queue (before the first connection, then
// at 80% of each token's lifetime); the event reaches the JS thread through the one wake-up
// path, the provider runs here, and its token goes back with rd_kafka_oauthbearer_set_token.
// librdkafka's threads never run JS and never wait for it: until a token is set, connections
// wait. A provider that throws, rejects, returns something that is not a token or does not
// answer in time is reported with rd_kafka_oauthbearer_set_token_failure: librdkafka raises
// it as an _AUTHENTICATION error event ("Failed to acquire SASL OAUTHBEARER token: ...") and
// asks again 10 s later.
import type { OAuthBearerProvider, OAuthBearerToken } from '../config/types.js'
import { askProvider } from './guard.js'

/** The most a provider may take to answer before the attempt counts as failed. */
export const TOKEN_PROVIDER_TIMEOUT_MS = 30_000

export interface TokenSink {
  setToken(value: string, lifetimeMs: number, principal: string, extensions: string[]): string | null
  setTokenFailure(reason: string): void
}

export class TokenRefresher {
  #running = false
  #again: string | undefined
  #closed = false

  constructor(
    private readonly provider: OAuthBearerProvider,
    private readonly sink: TokenSink,
    /** Told when a token was set (ClientEvents.tokenAcquired). */
    private readonly acquired: () => void,
  ) {}

  /** A refresh event: runs the provider (one call at a time; a request meanwhile runs after). */
  refresh(config: string): void {
    if (this.#running) {
      this.#again = config
      return
    }
    this.#running = true
    void this.#run(config)
  }

  /** The client is closing: answers that arrive later are dropped. */
  close(): void {
    this.#closed = true
  }

  async #run(config: string): Promise<void> {
    try {
      const token: unknown = await askProvider(() => this.provider(config), TOKEN_PROVIDER_TIMEOUT_MS)
      if (this.#closed) return
      const t = checkToken(token)
      const refused = this.sink.setToken(t.value, t.lifetime, t.principal, Object.entries(t.extensions ?? {}).flat())
      if (refused !== null) throw new Error(`librdkafka refused the token: ${refused}`)
      this.acquired()
    } catch (e) {
      if (this.#closed) return
      const reason = e instanceof Error ? e.message : String(e)
      try {
        this.sink.setTokenFailure(`oauthBearerProvider failed: ${reason}`)
      } catch {
        // the client closed meanwhile
      }
    } finally {
      this.#running = false
      const again = this.#again
      this.#again = undefined
      if (again !== undefined && !this.#closed) this.refresh(again)
    }
  }
}

/** The provider's answer as a token, or a throw saying what is wrong with it. */
function checkToken(t: unknown): OAuthBearerToken {
  if (typeof t !== 'object' || t === null) throw new TypeError(`it returned ${t === null ? 'null' : typeof t}, not { value, principal, lifetime }`)
  const { value, principal, lifetime, extensions } = t as Record<string, unknown>
  if (typeof value !== 'string' || value === '') throw new TypeError('token.value must be a non-empty string')
  if (typeof principal !== 'string' || principal === '') throw new TypeError('token.principal must be a non-empty string')
  if (typeof lifetime !== 'number' || !Number.isFinite(lifetime)) throw new TypeError('token.lifetime must be the expiry time in ms since the epoch (a finite number)')
  if (lifetime <= Date.now()) throw new TypeError(`token.lifetime ${new Date(lifetime).toISOString()} is in the past: it must be the expiry time in ms since the epoch`)
  if (extensions !== undefined) {
    if (typeof extensions !== 'object' || extensions === null) throw new TypeError('token.extensions must be an object of strings')
    for (const [k, v] of Object.entries(extensions)) if (typeof v !== 'string') throw new TypeError(`token.extensions.${k} must be a string`)
  }
  return t as OAuthBearerToken
}
