// The benchmark's send modes, apart from perf.ts so the CLI can parse them without loading
// the native addon.

/**
 * How the application sends:
 * - produce: fire-and-forget, producer.produce(), pausing on its backpressure signal;
 * - callback: producer.send(record, callback), likewise;
 * - awaited: `concurrency` loops each awaiting producer.send(record);
 * - batch: producer.sendBatch() of `batchSize` records, `concurrency / batchSize` in flight.
 */
export type PerfMode = 'produce' | 'callback' | 'awaited' | 'batch'
export const PERF_MODES: readonly PerfMode[] = ['produce', 'callback', 'awaited', 'batch']
