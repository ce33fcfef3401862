// Backpressure waits instead of throwing QUEUE_FULL; close() settles every send exactly once.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, TimeoutError, ClosedError, KafkaError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster, allBrokers, waitFor } from '../helpers/cluster.mjs'

test('queue of 100, brokers down: 1000 sends wait; brokers up: all delivered in call order', async (t) => {
  const cluster = await startCluster(t, { topics: { bp: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 100,
    'message.timeout.ms': 60_000,
  })
  producer.on('error', () => {})
  await producer.send({ topic: 'bp', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const settled = new Array(1000).fill(0)
  const sends = Array.from({ length: 1000 }, (_, i) =>
    producer.send({ topic: 'bp', value: `m${i}` }).finally(() => settled[i]++),
  )
  assert.equal(producer.pending, 1000) // nothing thrown, nothing lost: 100 queued + 900 waiting
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(settled.reduce((a, b) => a + b), 0)
  allBrokers(cluster, (id) => cluster.setBrokerUp(id))
  const mds = await Promise.all(sends)
  await producer.close()
  assert.ok(settled.every((n) => n === 1))
  for (let i = 1; i < mds.length; i++) assert.equal(mds[i].offset, mds[i - 1].offset + 1)
  const log = (await readTopic(cluster.bootstrapServers, 'bp')).filter((m) => m.payload !== 'warm')
  assert.deepEqual(log.map((m) => m.payload), Array.from({ length: 1000 }, (_, i) => `m${i}`))
})

// Not events.once(): that rejects on 'error', and the producer's 'error' events are the
// non-fatal kind (brokers down) that these tests cause on purpose.
const drain = (producer) => new Promise((resolve) => producer.once('drain', resolve))

test("produce() and send(record, cb) return false once records wait for queue space; 'drain' says when to go on", async (t) => {
  const cluster = await startCluster(t, { topics: { fc: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 100,
    'message.timeout.ms': 60_000,
  })
  producer.on('error', () => {})
  await producer.send({ topic: 'fc', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  let drains = 0
  producer.on('drain', () => drains++)
  // An application that honours the signal: produce until false, then wait for 'drain'.
  const returned = []
  let callbacks = 0
  for (let i = 0; i < 150; i++) {
    returned.push(i % 2 ? producer.produce({ topic: 'fc', value: `m${i}` }) : producer.send({ topic: 'fc', value: `m${i}` }, (err) => err || callbacks++))
  }
  assert.deepEqual(returned.slice(0, 100), new Array(100).fill(true)) // librdkafka's queue took them
  assert.deepEqual(returned.slice(100), new Array(50).fill(false)) // these wait in memory
  assert.equal(producer.pending, 150)
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(drains, 0, "'drain' while records still wait")
  allBrokers(cluster, (id) => cluster.setBrokerUp(id))
  await drain(producer)
  assert.equal(drains, 1)
  producer.produce({ topic: 'fc', value: 'm150' })
  await producer.flush()
  assert.equal(callbacks, 75)
  await producer.close()
  assert.ok(drains <= 2, "one 'drain' per wait")
  const log = (await readTopic(cluster.bootstrapServers, 'fc')).filter((m) => m.payload !== 'warm')
  assert.deepEqual(log.map((m) => m.payload), Array.from({ length: 151 }, (_, i) => `m${i}`))
})

test("a waiter for 'drain' is never stuck: it fires when the waiting records fail (max.block.ms, close)", async (t) => {
  const cluster = await startCluster(t, { topics: { fd: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 10,
    'max.block.ms': 300,
    'message.timeout.ms': 60_000,
  })
  producer.on('error', () => {})
  producer.on('delivery-error', () => {})
  await producer.send({ topic: 'fd', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  let room = true
  for (let i = 0; i < 20; i++) room = producer.produce({ topic: 'fd', value: `a${i}` })
  assert.equal(room, false)
  await drain(producer) // the 10 waiting records expired after max.block.ms
  assert.equal(producer.pending, 10)
  for (let i = 0; i < 5; i++) room = producer.produce({ topic: 'fd', value: `b${i}` })
  assert.equal(room, false)
  const drained = drain(producer)
  const closed = producer.close({ timeoutMs: 200 }) // purges what waits
  await drained
  assert.throws(() => producer.produce({ topic: 'fd', value: 'late' }), ClosedError)
  await closed
})

test('with max.block.ms 500 the records still waiting for space fail with TimeoutError (not persisted)', async (t) => {
  const cluster = await startCluster(t, { topics: { mb: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 100,
    'max.block.ms': 500,
    'message.timeout.ms': 60_000,
  })
  producer.on('error', () => {})
  await producer.send({ topic: 'mb', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const started = Date.now()
  const outcomes = Array.from({ length: 1000 }, (_, i) => producer.send({ topic: 'mb', value: `m${i}` }).then(
    (md) => ({ ok: true, md }),
    (err) => ({ ok: false, err, at: Date.now() - started }),
  ))
  const timedOut = (await Promise.all(outcomes.slice(100)))
  for (const o of timedOut) {
    assert.equal(o.ok, false)
    assert.ok(o.err instanceof TimeoutError)
    assert.equal(o.err.persisted, 'not-persisted')
    assert.ok(o.at >= 450, `failed after ${o.at} ms, before max.block.ms`)
  }
  allBrokers(cluster, (id) => cluster.setBrokerUp(id))
  const queued = await Promise.all(outcomes.slice(0, 100))
  assert.ok(queued.every((o) => o.ok)) // the 100 inside librdkafka's queue are delivered
  await producer.close()
  const log = (await readTopic(cluster.bootstrapServers, 'mb')).filter((m) => m.payload !== 'warm')
  assert.deepEqual(log.map((m) => m.payload), Array.from({ length: 100 }, (_, i) => `m${i}`))
})

test('close() with brokers down finishes by its deadline and rejects every pending send once', async (t) => {
  const cluster = await startCluster(t, { topics: { cl: { partitions: 2 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 200,
    'message.timeout.ms': 120_000,
  })
  producer.on('error', () => {})
  await producer.send({ topic: 'cl', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const counts = new Array(500).fill(0)
  const errors = new Array(500)
  const done = Array.from({ length: 500 }, (_, i) =>
    new Promise((resolve) => producer.send({ topic: 'cl', key: String(i), value: `c${i}` }, (err) => {
      counts[i]++
      errors[i] = err
      resolve()
    })),
  )
  const started = Date.now()
  await producer.close({ timeoutMs: 1_000 })
  const took = Date.now() - started
  assert.ok(took < 1_000 + 6_000, `close took ${took} ms`)
  await Promise.all(done)
  await new Promise((r) => setTimeout(r, 100)) // nothing settles twice afterwards
  assert.ok(counts.every((n) => n === 1), 'every send settled exactly once')
  for (const err of errors) {
    assert.ok(err instanceof KafkaError)
    assert.ok(['_PURGE_QUEUE', '_PURGE_INFLIGHT'].includes(err.code), err.code)
    assert.ok(['not-persisted', 'possibly-persisted'].includes(err.persisted))
  }
  // records waiting for queue space never reached librdkafka: purged as not persisted
  assert.ok(errors.slice(200).every((e) => e.code === '_PURGE_QUEUE' && e.persisted === 'not-persisted'))
  await assert.rejects(producer.send({ topic: 'cl', value: 'late' }), ClosedError)
  assert.throws(() => producer.produce({ topic: 'cl', value: 'late' }), ClosedError)
  await producer.close() // twice is fine
})

test('close() during flush(), and flush() timing out with the count left', async (t) => {
  const cluster = await startCluster(t, { topics: { fl: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'message.timeout.ms': 60_000 })
  producer.on('error', () => {})
  await producer.send({ topic: 'fl', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const sends = Array.from({ length: 20 }, (_, i) => producer.send({ topic: 'fl', value: `f${i}` }).catch((e) => e))
  await assert.rejects(producer.flush(300), (e) => e instanceof TimeoutError && /20 send\(s\) still pending/.test(e.message))
  const longFlush = producer.flush(60_000)
  const started = Date.now()
  await producer.close({ timeoutMs: 500 })
  await longFlush // settles once close() purged everything
  assert.ok(Date.now() - started < 8_000)
  const outcomes = await Promise.all(sends)
  assert.ok(outcomes.every((e) => e instanceof KafkaError && e.code.startsWith('_PURGE')))
  await waitFor(() => producer.pending === 0)
})
