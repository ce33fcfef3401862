// The Java client's names do what they say on a running producer (not only in the resolved
// config): delivery.timeout.ms bounds delivery, buffer.memory + max.block.ms give
// backpressure, max.request.size limits records, key.serializer and compression.type apply.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, KafkaError, TimeoutError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster, allBrokers, waitFor } from '../helpers/cluster.mjs'

test('a producer configured with Java names delivers; kcat reads keys, values and the codec applied', async (t) => {
  const cluster = await startCluster(t, { topics: { java: { partitions: 3 } } })
  const warnings = []
  const producer = new Producer({
    'bootstrap.servers': [cluster.bootstrapServers],
    'client.id': 'java-named',
    acks: 'all',
    'enable.idempotence': 'true',
    'compression.type': 'gzip',
    'linger.ms': '5',
    'batch.size': 16384,
    'buffer.memory': 33554432,
    'delivery.timeout.ms': 120000,
    'request.timeout.ms': 30000,
    'max.in.flight.requests.per.connection': 5,
    retries: 2147483647,
    'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
    'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
    'partitioner.class': 'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
    logger: { warn: (m) => warnings.push(m) },
  })
  const mds = await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send({ topic: 'java', key: `k${i % 5}`, value: `v${i}` })))
  await producer.close()
  assert.equal(mds.length, 30)
  assert.deepEqual(warnings, [])
  const log = await readTopic(cluster.bootstrapServers, 'java')
  assert.deepEqual(log.map((m) => m.payload).sort(), Array.from({ length: 30 }, (_, i) => `v${i}`).sort())
  // Same key, same partition (murmur2 via DefaultPartitioner).
  const partOf = new Map()
  for (const m of log) {
    if (partOf.has(m.key)) assert.equal(partOf.get(m.key), m.partition)
    partOf.set(m.key, m.partition)
  }
  // A string key serializer refuses a Buffer, as Java's StringSerializer would a byte[].
  const p2 = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer' })
  assert.throws(() => p2.produce({ topic: 'java', key: Buffer.from('x'), value: 'v' }), TypeError)
  await p2.close()
})

test('delivery.timeout.ms bounds how long a record may take: brokers down → _MSG_TIMED_OUT', { timeout: 60_000 }, async (t) => {
  const cluster = await startCluster(t, { topics: { dt: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'delivery.timeout.ms': 1500, 'request.timeout.ms': 1000, 'linger.ms': 0 })
  producer.on('error', () => {})
  await producer.send({ topic: 'dt', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const started = Date.now()
  await assert.rejects(producer.send({ topic: 'dt', value: 'late' }), (e) => e instanceof KafkaError && e.code === '_MSG_TIMED_OUT')
  // Far below librdkafka's own 300 s default: the Java name reached librdkafka.
  assert.ok(Date.now() - started < 30_000)
  await producer.close()
})

test('buffer.memory and max.block.ms: a full buffer makes sends wait, then fail with TimeoutError', { timeout: 60_000 }, async (t) => {
  const cluster = await startCluster(t, { topics: { bm: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'buffer.memory': 16 * 1024, // 16 KiB
    'max.block.ms': 300,
    'delivery.timeout.ms': 60_000,
  })
  producer.on('error', () => {})
  await producer.send({ topic: 'bm', value: 'warm' })
  allBrokers(cluster, (id) => cluster.setBrokerDown(id))
  const value = 'x'.repeat(1024)
  const outcomes = []
  const sends = Array.from({ length: 40 }, (_, i) =>
    producer.send({ topic: 'bm', value }).then(
      () => outcomes.push(['ok', i]),
      (e) => outcomes.push([e instanceof TimeoutError ? 'timeout' : e.code, i, e.persisted]),
    ),
  )
  // 40 KiB asked, 16 KiB of buffer: the records that found no room give up after max.block.ms.
  await waitFor(() => outcomes.length >= 20, { what: 'sends blocked past max.block.ms to fail' })
  const timedOut = outcomes.filter((o) => o[0] === 'timeout')
  assert.equal(timedOut.length, outcomes.length, JSON.stringify(outcomes))
  for (const o of timedOut) assert.equal(o[2], 'not-persisted')
  allBrokers(cluster, (id) => cluster.setBrokerUp(id))
  await Promise.all(sends)
  await producer.close()
  const delivered = outcomes.filter((o) => o[0] === 'ok').length
  assert.ok(delivered > 0 && delivered + outcomes.filter((o) => o[0] === 'timeout').length === 40, JSON.stringify(outcomes))
  // The records that had room were kept and delivered once the brokers came back.
  assert.equal((await readTopic(cluster.bootstrapServers, 'bm')).length, delivered + 1)
})

test('max.request.size limits one record, and the error names that key', async (t) => {
  const cluster = await startCluster(t, { topics: { mr: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'max.request.size': 2000 })
  assert.throws(() => producer.produce({ topic: 'mr', value: 'y'.repeat(5000) }), (e) => e instanceof KafkaError && /max\.request\.size \(2000\)/.test(e.message))
  await producer.send({ topic: 'mr', value: 'y'.repeat(500) })
  await producer.close()
  assert.equal((await readTopic(cluster.bootstrapServers, 'mr')).length, 1)
})

test('config warnings go to the logger when one is given', async (t) => {
  const cluster = await startCluster(t, { brokers: 1 })
  const warnings = []
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'enable.idempotence': false, acks: 1, logger: { warn: (m) => warnings.push(m) } })
  await producer.close()
  assert.ok(warnings.some((w) => /acks=1/.test(w)), warnings.join('\n'))
  assert.ok(warnings.some((w) => /enable\.idempotence=false/.test(w)), warnings.join('\n'))
})
