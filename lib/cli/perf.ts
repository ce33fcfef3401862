// The producer benchmark harness, shared by `npx ironkafka perf-test` and `npm run bench`
// (bench/run.mjs runs each mode in its own process through bench/client.mjs, so peak RSS and
// the event loop's delay belong to that mode alone).
//
// It measures what kafka-producer-perf-test measures: records/s, MB/s, delivery latency
// (enqueue -> the application sees the outcome) avg/p50/p99/max, plus the event loop's max
// delay and peak RSS. The workload is the C baseline's (bench/c/producer.c): values of
// `recordSize` bytes, keys key-0 .. key-(keys-1) in turn.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import * as path from 'node:path'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { Producer } from '../producer/producer.js'
import type { ProducerRecord } from '../producer/types.js'
import type { ProducerConfig } from '../config/types.js'
import type { KafkaError } from '../errors.js'

import type { PerfMode } from './perf-modes.js'
export { PERF_MODES, type PerfMode } from './perf-modes.js'

export interface PerfOptions {
  bootstrap: string
  topic: string
  records: number
  recordSize: number
  mode: PerfMode
  /** Records in flight for awaited and batch (default 10000). */
  concurrency?: number
  /** Records per sendBatch (default 1000). */
  batchSize?: number
  /** Records per second; 0 (default) = as fast as the producer takes them. */
  rate?: number
  /** Distinct keys (default 10000). */
  keys?: number
  /** Producer settings on top of bootstrap.servers. */
  config?: Partial<ProducerConfig>
  /** Called about every progressMs with the records settled in that window. */
  progress?: (w: PerfWindow) => void
  progressMs?: number
}

export interface Latency {
  avg: number
  p50: number
  p95: number
  p99: number
  p999: number
  max: number
}

export interface PerfWindow {
  records: number
  seconds: number
  latencyAvg: number
  latencyMax: number
}

export interface PerfResult {
  mode: PerfMode
  records: number
  record_size: number
  seconds: number
  records_per_sec: number
  mb_per_sec: number
  /** Milliseconds; null for produce (fire-and-forget reports nothing per record). */
  latency: Latency | null
  failed: number
  first_error: string | null
  max_rss_kb: number
  loop_delay_max_ms: number
}

/** Records sent per turn of the event loop in produce and callback modes. */
const CHUNK = 1000

export async function runPerf(o: PerfOptions): Promise<PerfResult> {
  const { records, recordSize, mode } = o
  const concurrency = o.concurrency ?? 10_000
  const batchSize = o.batchSize ?? 1000
  const rate = o.rate ?? 0
  const keyCount = o.keys ?? 10_000
  const keys = Array.from({ length: keyCount }, (_, i) => `key-${i}`)
  const value = Buffer.alloc(recordSize, 'abcdefghijklmnopqrstuvwxyz')
  const topic = o.topic
  const record = (i: number): ProducerRecord => ({ topic, key: keys[i % keyCount]!, value })

  const producer = new Producer({ ...o.config, 'bootstrap.servers': o.bootstrap } as ProducerConfig)
  let failed = 0
  let firstError: string | null = null
  const fail = (e: KafkaError): void => {
    if (failed++ === 0) firstError = `${e.code}: ${e.message}`
  }
  producer.on('delivery-error', fail)
  producer.on('error', () => {}) // transient broker noise; outcomes are what count

  // Latency per record: enqueue time in, settle time out (performance.now(), ms).
  const timed = mode !== 'produce'
  const enqueued = timed ? new Float64Array(records) : null
  const latency = timed ? new Float32Array(records) : null
  let settled = 0
  const win = { n: 0, sum: 0, max: 0, from: performance.now() }
  const done = (i: number): void => {
    const l = performance.now() - enqueued![i]!
    latency![settled++] = l
    win.n++
    win.sum += l
    if (l > win.max) win.max = l
  }
  const progressTimer = o.progress
    ? setInterval(() => {
        const now = performance.now()
        o.progress!({ records: win.n, seconds: (now - win.from) / 1000, latencyAvg: win.n ? win.sum / win.n : 0, latencyMax: win.max })
        win.n = 0
        win.sum = 0
        win.max = 0
        win.from = now
      }, o.progressMs ?? 5000)
    : undefined

  // Warm-up, not measured (as in bench/c/producer.c): connections, metadata and the producer
  // id are in place before the clock starts.
  await Promise.all(Array.from({ length: Math.min(100, records) }, (_, i) => producer.send(record(i))))

  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const start = performance.now()
  win.from = start
  /** Paced runs: wait until record i is due. */
  const due = async (i: number): Promise<void> => {
    const wait = start + (i * 1000) / rate - performance.now()
    if (wait > 0.5) await new Promise((r) => setTimeout(r, wait))
  }

  if (mode === 'produce' || mode === 'callback') {
    let i = 0
    while (i < records) {
      if (rate > 0) await due(i)
      const end = Math.min(records, i + (rate > 0 ? 1 : CHUNK))
      let room = true
      if (mode === 'produce') {
        for (; i < end; i++) room = producer.produce(record(i))
      } else {
        for (; i < end; i++) {
          const n = i
          enqueued![n] = performance.now()
          room = producer.send(record(n), (err) => (err ? fail(err) : done(n)))
        }
      }
      // The producer's queue is full: wait for it to take records again (no unbounded buffering).
      // (Not events.once: it would reject on the producer's non-fatal 'error' events.)
      if (!room) await new Promise((resolve) => producer.once('drain', resolve))
      else if (rate === 0) await yieldToLoop()
    }
  } else if (mode === 'awaited' && rate > 0) {
    // Paced (the latency run): each record awaited on its own, sent when due.
    const all: Array<Promise<void>> = []
    for (let i = 0; i < records; i++) {
      await due(i)
      enqueued![i] = performance.now()
      all.push(producer.send(record(i)).then(() => done(i), fail))
    }
    await Promise.all(all)
  } else if (mode === 'awaited') {
    let next = 0
    const worker = async (): Promise<void> => {
      for (let i = next++; i < records; i = next++) {
        enqueued![i] = performance.now()
        try {
          await producer.send(record(i))
          done(i)
        } catch (e) {
          fail(e as KafkaError)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, records) }, worker))
  } else {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < records) {
        const from = next
        const n = Math.min(batchSize, records - from)
        next += n
        const batch = new Array<ProducerRecord>(n)
        for (let j = 0; j < n; j++) batch[j] = record(from + j)
        const t0 = performance.now()
        for (let j = 0; j < n; j++) enqueued![from + j] = t0
        try {
          await producer.sendBatch(batch)
          for (let j = 0; j < n; j++) done(from + j)
        } catch (e) {
          fail(e as KafkaError)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency / batchSize)) }, worker))
  }
  await producer.flush(600_000)
  const seconds = (performance.now() - start) / 1000
  loop.disable()
  if (progressTimer) clearInterval(progressTimer)
  await producer.close()

  return {
    mode,
    records,
    record_size: recordSize,
    seconds,
    records_per_sec: records / seconds,
    mb_per_sec: (records * recordSize) / seconds / (1024 * 1024),
    latency: latency ? summarize(latency.subarray(0, settled)) : null,
    failed,
    first_error: firstError,
    max_rss_kb: process.resourceUsage().maxRSS,
    loop_delay_max_ms: loop.max / 1e6,
  }
}

/** avg and percentiles of latencies (sorted in place). */
export function summarize(l: Float32Array): Latency | null {
  if (l.length === 0) return null
  l.sort()
  let sum = 0
  for (let i = 0; i < l.length; i++) sum += l[i]!
  const at = (q: number): number => l[Math.min(l.length - 1, Math.floor(l.length * q))]!
  return { avg: sum / l.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), p999: at(0.999), max: l[l.length - 1]! }
}

/**
 * A mock cluster (librdkafka's, through ironkafka) in a child process, so the broker's work
 * is not inside the measured process. Ends when stop() is called or this process exits.
 */
export class BrokerProcess {
  readonly bootstrap: string
  readonly #child: ChildProcess

  private constructor(child: ChildProcess, bootstrap: string) {
    this.#child = child
    this.bootstrap = bootstrap
  }

  static async start({ brokers = 1, topics = [] as Array<{ name: string; partitions: number }> } = {}): Promise<BrokerProcess> {
    const child = spawn(process.execPath, [path.join(__dirname, 'perf-broker.js'), JSON.stringify({ brokers, topics })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout!.setEncoding('utf8')
    const line = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`mock broker process exited (${code}) before it was ready`)))
      child.stdout!.on('data', (d: string) => {
        out += d
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')))
      })
    })
    child.removeAllListeners('exit')
    return new BrokerProcess(child, (JSON.parse(line) as { bootstrap: string }).bootstrap)
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return
    const exited = once(this.#child, 'exit')
    this.#child.stdin!.end() // the broker process ends when its stdin closes
    await exited
  }
}
