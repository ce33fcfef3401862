// The module is context-aware: it loads and produces inside worker_threads, and a Worker
// torn down with a live producer neither crashes nor hangs the process.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Worker } from 'node:worker_threads'
import { once } from 'node:events'
import { MockCluster, Producer } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'

const fixture = new URL('../fixtures/worker-producer.mjs', import.meta.url)

test('a producer created and used inside a Worker delivers', async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.createTopic('w', { partitions: 2 })
  // The main thread uses the addon at the same time: each environment has its own instance.
  const main = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const mainSend = main.send({ topic: 'w', value: 'from-main' })

  const worker = new Worker(fixture, { workerData: { bootstrap: cluster.bootstrapServers, topic: 'w', count: 100 } })
  const [msg] = await once(worker, 'message')
  await once(worker, 'exit')
  assert.equal(msg.mds.length, 100)
  assert.ok(msg.mds.every((md) => md.offset >= 0 && md.topic === 'w'))
  await mainSend
  await main.close()

  const found = await readTopic(cluster.bootstrapServers, 'w')
  assert.equal(found.filter((m) => m.payload.startsWith('from-worker-')).length, 100)
  assert.equal(found.filter((m) => m.payload === 'from-main').length, 1)
})

test('terminating a Worker whose producer was never closed is safe', async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.createTopic('w2', { partitions: 1 })
  for (let round = 0; round < 5; round++) {
    const worker = new Worker(fixture, {
      workerData: { bootstrap: cluster.bootstrapServers, topic: 'w2', count: 50, leaveOpen: true },
    })
    const [msg] = await once(worker, 'message')
    assert.equal(msg.queued, 50)
    const code = await worker.terminate()
    assert.equal(code, 1) // terminated, not crashed
  }
  // The process is still healthy: a new producer on the main thread works.
  const p = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const md = await p.send({ topic: 'w2', value: 'after' })
  assert.ok(md.offset >= 0)
  await p.close()
})
