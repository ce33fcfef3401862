// Deadlines: any finite number of ms >= 0, or Infinity to wait without limit. Node's timers
// hold at most 2^31-1 ms (longer ones fire after 1 ms, with a TimeoutOverflowWarning), and a
// native blocking call holds a libuv pool thread, so long waits are made of slices.

/** The longest single timer Node can arm. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A deadline argument: TypeError unless a number of ms >= 0 or Infinity. */
export function checkTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new TypeError(`${what} must be a number of ms >= 0, or Infinity, got ${typeof value === 'number' ? value : typeof value}`)
  }
  return value
}

/** The absolute time (Date.now() ms) `timeoutMs` from now: Infinity for never. */
export function deadlineAt(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs
}

export function remainingMs(at: number): number {
  return at === Infinity ? Infinity : Math.max(0, at - Date.now())
}

/**
 * Calls `fn` once `at` has passed, however far away (re-arming in steps Node's timers can
 * hold; never for Infinity). Returns the cancel function. unref'd: a deadline alone does not
 * keep the process alive (what it guards does, while pending).
 */
export function onDeadline(at: number, fn: () => void, keepAlive = false): () => void {
  if (at === Infinity) return () => undefined
  let timer: NodeJS.Timeout
  // Never calls fn synchronously, even for a deadline already passed.
  const arm = (first: boolean): void => {
    const left = at - Date.now()
    if (left <= 0 && !first) return fn()
    timer = setTimeout(() => arm(false), Math.min(Math.max(0, left), MAX_TIMER_MS))
    if (!keepAlive) timer.unref()
  }
  arm(true)
  return () => clearTimeout(timer)
}
