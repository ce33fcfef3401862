// Calls into user code. Nothing a user supplied (a callback, a listener, a logger) may break
// the loop that called it: a throw is caught, and still surfaces.
import type { Logger } from '../config/types.js'

/** An exception from a user callback surfaces as an uncaught exception, outside our loops. */
export function rethrowLater(e: unknown): void {
  process.nextTick(() => {
    throw e
  })
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

/**
 * The user's logger, called safely: a method that is missing does nothing; one that throws
 * (or was taken off its object and lost its `this`) writes the line and the failure to
 * stderr, and the caller goes on. Returns whether a logger method took the line.
 */
export class SafeLogger {
  readonly #logger: Logger | undefined

  constructor(
    logger: Logger | undefined,
    /** Masks the client's secrets in every line (see Redactor). */
    readonly redact: Redactor = new Redactor([]),
  ) {
    this.#logger = logger
  }

  log(level: LogLevel, text: string): boolean {
    const l = this.#logger
    const fn = l?.[level]
    if (typeof fn !== 'function') return false
    const line = this.redact.apply(text)
    try {
      fn.call(l, line)
    } catch (e) {
      process.stderr.write(`ironkafka: logger.${level} threw (${e instanceof Error ? e.message : String(e)}); the line was: ${line}\n`)
    }
    return true
  }
}

/**
 * Replaces the client's secret values (passwords, keys, the JAAS line) with *** in text that
 * leaves the client: log lines, error messages, stderr. librdkafka does not print them at the
 * default settings, but its debug contexts and broker messages are not ours to vouch for.
 */
export class Redactor {
  #secrets: string[] = []

  constructor(secrets: Iterable<string>) {
    for (const s of secrets) this.add(s)
  }

  /** Masks this value too from now on (a password a provider returned). */
  add(secret: string): void {
    // Longest first, so a secret containing another is masked whole. Very short values would
    // mask ordinary words and hide nothing worth hiding.
    if (secret.length < 4 || this.#secrets.includes(secret)) return
    this.#secrets = [...this.#secrets, secret].sort((a, b) => b.length - a.length)
  }

  apply(text: string): string {
    for (const s of this.#secrets) if (text.includes(s)) text = text.split(s).join('***')
    return text
  }
}

/**
 * Calls a user's provider function and waits at most `timeoutMs` for its answer. It is called
 * inside the promise chain, so a synchronous throw is a rejection like any other; the timer
 * never holds the process open.
 */
export async function askProvider<T>(call: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    timer.unref()
  })
  try {
    return await Promise.race([Promise.resolve().then(call), timeout])
  } finally {
    clearTimeout(timer)
  }
}
