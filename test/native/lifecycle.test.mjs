// Lifecycle hygiene: many create/send/close cycles (main thread and Worker) keep RSS flat;
// producers garbage-collected without close() neither crash nor hang nor lose pending sends.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { once } from 'node:events'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { cycles } from '../fixtures/cycles.mjs'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

const MB = 1024 * 1024
// Under AddressSanitizer (scripts/asan-test.sh) freed memory sits in ASan's quarantine, so RSS
// says nothing about leaks there; the cycles still run for ASan to check every free.
const ASAN = process.env.IRONKAFKA_ASAN === '1'
const flat = (grew, limit, msg) => {
  if (!ASAN) assert.ok(grew < limit, msg)
}
const run = promisify(execFile)

test('1000 create/send/close cycles on the main thread: no crash, flat RSS', { timeout: 300_000 }, async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { cyc: { partitions: 1 } } })
  const { warm, end } = await cycles(cluster.bootstrapServers, 'cyc', 1000)
  t.diagnostic(`RSS after 200 cycles ${(warm / MB).toFixed(1)} MB, after 1000 ${(end / MB).toFixed(1)} MB`)
  flat(end - warm, 40 * MB, `RSS grew ${((end - warm) / MB).toFixed(1)} MB over 800 cycles`)
  const log = await readTopic(cluster.bootstrapServers, 'cyc')
  assert.equal(log.length, 1000)
})

test('1000 cycles inside a Worker, then 1000 more over 20 Workers started and ended in turn: no crash, flat RSS', { timeout: 600_000 }, async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { wcyc: { partitions: 1 } } })
  const inWorker = async (n) => {
    const worker = new Worker(new URL('../fixtures/cycles.mjs', import.meta.url), {
      workerData: { bootstrap: cluster.bootstrapServers, topic: 'wcyc', cycles: n },
    })
    const exited = once(worker, 'exit') // listening from the start: a short Worker may end first
    const [result] = await once(worker, 'message')
    assert.deepEqual(await exited, [0])
    return result
  }
  const { warm, end } = await inWorker(1000)
  t.diagnostic(`Worker RSS after 200 cycles ${(warm / MB).toFixed(1)} MB, after 1000 ${(end / MB).toFixed(1)} MB`)
  flat(end - warm, 40 * MB, `RSS grew ${((end - warm) / MB).toFixed(1)} MB over 800 cycles`)
  // Each Worker's environment is torn down with its addon instance (env cleanup hooks).
  const rss = []
  for (let w = 0; w < 20; w++) {
    await inWorker(50)
    if (w === 4 || w === 19) rss.push(process.memoryUsage().rss)
  }
  t.diagnostic(`process RSS after 5 Workers ${(rss[0] / MB).toFixed(1)} MB, after 20 ${(rss[1] / MB).toFixed(1)} MB`)
  flat(rss[1] - rss[0], 60 * MB, `RSS grew ${((rss[1] - rss[0]) / MB).toFixed(1)} MB over 15 Workers`)
  const log = await readTopic(cluster.bootstrapServers, 'wcyc')
  assert.equal(log.length, 2000)
})

test('producers collected without close() do not crash or hang, and pending sends survive', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { gc: { partitions: 1 } } })
  const fixture = new URL('../fixtures/gc-without-close.mjs', import.meta.url).pathname
  const { stderr } = await run(process.execPath, [fixture, cluster.bootstrapServers, 'gc'], { timeout: 60_000 })
  assert.equal(stderr, '')
  const log = await readTopic(cluster.bootstrapServers, 'gc')
  assert.equal(log.filter((m) => m.payload.startsWith('idle-')).length, 10)
  assert.equal(log.filter((m) => m.payload.startsWith('dropped-')).length, 100)
})
