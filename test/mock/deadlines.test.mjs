// Deadlines: any finite number of ms or Infinity, long waits in slices, anything else a
// TypeError; and a flush never holds a libuv pool thread or delays the process's exit.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { Producer, TimeoutError } from 'ironkafka'
import { startCluster } from '../helpers/cluster.mjs'

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

for (const timeoutMs of [Infinity, 3e9, 2 ** 31]) {
  test(`close({ timeoutMs: ${timeoutMs} }) waits for a slow broker instead of purging`, async (t) => {
    const cluster = await startCluster(t, { brokers: 1, topics: { slow: { partitions: 1 } } })
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 })
    await producer.send({ topic: 'slow', value: 'warm' })
    cluster.setBrokerRtt(1, 400)
    const sends = Array.from({ length: 20 }, (_, i) => producer.send({ topic: 'slow', value: `v${i}` }))
    await producer.close({ timeoutMs })
    const outcomes = await Promise.allSettled(sends)
    assert.deepEqual(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.code), [])
  })
}

for (const timeoutMs of [Infinity, 2 ** 31]) {
  test(`flush(${timeoutMs}) waits for a slow broker without a timer overflow`, async (t) => {
    const cluster = await startCluster(t, { brokers: 1, topics: { slow: { partitions: 1 } } })
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 0 })
    t.after(() => producer.close())
    await producer.send({ topic: 'slow', value: 'warm' })
    cluster.setBrokerRtt(1, 400)
    const warnings = []
    const onWarning = (w) => warnings.push(w.name)
    process.on('warning', onWarning)
    t.after(() => process.off('warning', onWarning))
    const sends = Array.from({ length: 5 }, (_, i) => producer.send({ topic: 'slow', value: `v${i}` }))
    await producer.flush(timeoutMs)
    assert.equal(producer.pending, 0)
    await Promise.all(sends)
    assert.deepEqual(warnings.filter((n) => n === 'TimeoutOverflowWarning'), [])
  })
}

test('a deadline that is not a number of ms >= 0 or Infinity is a TypeError, and changes nothing', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { d: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  t.after(() => producer.close())
  const sent = producer.send({ topic: 'd', value: 'kept' })
  for (const bad of [-1, NaN, -Infinity, '100', null, {}]) {
    await assert.rejects(producer.flush(bad), TypeError, `flush(${String(bad)})`)
    await assert.rejects(producer.close({ timeoutMs: bad }), TypeError, `close({ timeoutMs: ${String(bad)} })`)
    await assert.rejects(producer.connect(bad), TypeError, `connect(${String(bad)})`)
  }
  await sent // the producer is still open and delivered the record
  await producer.flush(0).catch((e) => assert.ok(e instanceof TimeoutError))
})

test('a flush against dead brokers does not hold a libuv pool thread: file reads go on', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { dead: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'message.timeout.ms': 60_000 })
  await producer.send({ topic: 'dead', value: 'warm' })
  cluster.setBrokerDown(1)
  for (let i = 0; i < 10; i++) producer.send({ topic: 'dead', value: `v${i}` }).catch(() => {})
  // More concurrent flushes than the pool (4 threads by default) has threads.
  const flushes = Array.from({ length: 16 }, () => producer.flush(3000).catch((e) => e))
  const t0 = Date.now()
  await readFile(fixture('send-and-exit.mjs'))
  const readMs = Date.now() - t0
  await Promise.all(flushes)
  await producer.close({ timeoutMs: 0 })
  // Before slicing, the read waited for whole 3 s flushes to free a pool thread.
  assert.ok(readMs < 1500, `readFile took ${readMs} ms while 16 flushes ran`)
})

test('process.exit() during a long flush against dead brokers exits at once', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { dead: { partitions: 1 } } })
  cluster.setBrokerDown(1)
  const child = spawn(process.execPath, [fixture('exit-during-flush.mjs'), cluster.bootstrapServers, 'dead', 'exit'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stderr.on('data', (d) => (out += d))
  // 'flushing' comes once a flush(20000) runs; the child calls process.exit() 200 ms later.
  const t0 = await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('flushing') && resolve(Date.now())))
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)))
  const exitMs = Date.now() - t0
  assert.equal(code, 0, out)
  assert.ok(exitMs < 3000, `the child exited ${exitMs} ms after its flush began (process.exit() at 200 ms)`)
})

test('worker.terminate() during a long flush against dead brokers ends the worker at once', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { dead: { partitions: 1 } } })
  cluster.setBrokerDown(1)
  const worker = new Worker(fixture('exit-during-flush.mjs'), { argv: [cluster.bootstrapServers, 'dead', 'worker'], stdout: true })
  let out = ''
  worker.stdout.on('data', (d) => (out += d))
  await new Promise((resolve, reject) => {
    worker.on('error', reject)
    worker.stdout.on('data', () => out.includes('flushing') && resolve())
  })
  const t0 = Date.now()
  await worker.terminate()
  const ms = Date.now() - t0
  assert.ok(ms < 3000, `terminate() took ${ms} ms (flush(90000) running)`)
})
