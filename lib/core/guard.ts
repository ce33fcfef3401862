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

  constructor(logger: Logger | undefined) {
    this.#logger = logger
  }

  log(level: LogLevel, line: string): boolean {
    const l = this.#logger
    const fn = l?.[level]
    if (typeof fn !== 'function') return false
    try {
      fn.call(l, line)
    } catch (e) {
      process.stderr.write(`ironkafka: logger.${level} threw (${e instanceof Error ? e.message : String(e)}); the line was: ${line}\n`)
    }
    return true
  }
}
