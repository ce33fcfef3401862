// The minimal pipeline end to end: produce -> delivery report in JS -> close, checked
// against what an independent reader (kcat) finds in the mock cluster.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, MockCluster, ClosedError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'

test('a send gets a delivery report whose partition and offset hold that message', async (t) => {
  const cluster = await MockCluster.start({ brokers: 3 })
  t.after(() => cluster.close())
  cluster.createTopic('orders', { partitions: 4, replicationFactor: 3 })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })

  const sent = []
  for (let i = 0; i < 200; i++) {
    const record = { topic: 'orders', key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) }, timestamp: 1_700_000_000_000 + i }
    sent.push({ record, md: producer.send(record) })
  }
  const reports = await Promise.all(sent.map((s) => s.md))
  await producer.close()

  const found = await readTopic(cluster.bootstrapServers, 'orders')
  assert.equal(found.length, 200)
  const at = new Map(found.map((m) => [`${m.partition}/${m.offset}`, m]))
  for (let i = 0; i < sent.length; i++) {
    const md = reports[i]
    assert.equal(md.topic, 'orders')
    assert.ok(md.partition >= 0 && md.partition < 4)
    const m = at.get(`${md.partition}/${md.offset}`)
    assert.ok(m, `no message at ${md.partition}/${md.offset}`)
    assert.equal(m.payload, `v${i}`)
    assert.equal(m.key, `k${i % 7}`)
    assert.deepEqual(m.headers, ['n', String(i)])
    assert.equal(m.ts, 1_700_000_000_000 + i)
  }
})

test('the callback form reports once, and send after close fails with ClosedError', async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.createTopic('cb', { partitions: 1 })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const md = await new Promise((resolve, reject) => {
    let calls = 0
    producer.send({ topic: 'cb', value: Buffer.from([1, 2, 3]) }, (err, md) => {
      calls++
      if (calls > 1) reject(new Error('callback called twice'))
      if (err) reject(err)
      else setTimeout(() => resolve(md), 50)
    })
  })
  assert.equal(md.partition, 0)
  assert.equal(md.offset, 0)
  await producer.close()
  await producer.close() // twice is safe
  await assert.rejects(producer.send({ topic: 'cb', value: 'late' }), ClosedError)
  const found = await readTopic(cluster.bootstrapServers, 'cb')
  assert.deepEqual(found.map((m) => Buffer.from(m.payload, 'latin1')), [Buffer.from([1, 2, 3])])
})
