// Long loops over many items (settling reports, failing waiting records) run in slices
// bounded by time, yielding to the event loop between them, so a burst never stalls it.
import { performance } from 'node:perf_hooks'

/** Time one slice may hold the event loop. */
export const SLICE_MS = 4
/** Items between two looks at the clock. */
export const CLOCK_EVERY = 64

export function sliceStart(): number {
  return performance.now() + SLICE_MS
}

/** Whether the slice that ends at `end` has used its time. */
export function sliceOver(end: number): boolean {
  return performance.now() > end
}
