// Waiting for the producer to go idle (flush, close), and the native flush behind it.
// rd_kafka_flush makes librdkafka send lingering batches at once, but it blocks the libuv
// pool thread it runs on, and environment teardown (process.exit, worker.terminate) waits for
// it. So it runs in short slices, one at a time per producer however many callers flush,
// only while someone waits; settling is tracked here, not by the native call.
import { onDeadline } from '../core/deadline.js'
import type { NativeProducer } from '../core/native.js'

/** The longest a native flush holds a pool thread. */
export const FLUSH_SLICE_MS = 100

interface Waiter {
  flush: boolean
  done: (idle: boolean) => void
}

export class Flusher {
  #waiters = new Set<Waiter>()
  #sliceRunning = false
  #stopped = false

  constructor(
    private readonly native: NativeProducer,
    private readonly pending: () => number,
  ) {}

  /** Resolves true once nothing is pending, false once `at` passes; `flush` runs native flush slices meanwhile. */
  whenIdle(at: number, flush: boolean): Promise<boolean> {
    if (this.pending() === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const waiter: Waiter = {
        flush,
        done: (idle) => {
          cancel()
          this.#waiters.delete(waiter)
          resolve(idle)
        },
      }
      const cancel = onDeadline(at, () => waiter.done(false), true)
      this.#waiters.add(waiter)
      this.#slice()
    })
  }

  /** Call whenever the pending count may have reached 0. */
  checkIdle(): void {
    if (this.pending() !== 0) return
    for (const w of [...this.#waiters]) w.done(true)
  }

  /** The native handle is going away: no more slices. */
  stop(): void {
    this.#stopped = true
  }

  #slice(): void {
    if (this.#sliceRunning || this.#stopped) return
    let wanted = false
    for (const w of this.#waiters) wanted ||= w.flush
    if (!wanted) return
    this.#sliceRunning = true
    let call: Promise<number>
    try {
      call = this.native.flush(FLUSH_SLICE_MS)
    } catch {
      this.#sliceRunning = false // closed meanwhile
      return
    }
    const next = (): void => {
      this.#sliceRunning = false
      if (this.pending() > 0) this.#slice()
    }
    call.then(next, next)
  }
}
