// What a record may be: rules checked at send time, before anything is queued, and what the
// producer captures from the record then (so later changes to the caller's objects change
// nothing). Contents are read back with kcat.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, KafkaError, ClosedError, ConfigError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

async function open(t, topics, config = {}) {
  const cluster = await startCluster(t, { brokers: 1, topics })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, ...config })
  t.after(() => producer.close({ timeoutMs: 0 }))
  return { cluster, producer }
}

test('headers given as a Map are sent; a Set or other non-plain object is a TypeError', async (t) => {
  const { cluster, producer } = await open(t, { h: { partitions: 1 } })
  await producer.send({ topic: 'h', value: 'm', headers: new Map([['trace-id', 'abc'], ['bin', Buffer.from([1, 2])]]) })
  for (const headers of [new Set([['trace-id', 'abc']]), new Date(), new (class H { a = 'x' })()]) {
    assert.throws(() => producer.send({ topic: 'h', value: 'bad', headers }), TypeError, String(headers))
  }
  assert.equal(producer.pending, 0)
  const [m] = await readTopic(cluster.bootstrapServers, 'h')
  assert.deepEqual(m.headers, ['trace-id', 'abc', 'bin', '\u0001\u0002'])
})

test('a sparse sendBatch is a TypeError naming the hole, and nothing of it is queued', async (t) => {
  const { cluster, producer } = await open(t, { s: { partitions: 1 } })
  const records = new Array(3)
  records[0] = { topic: 's', value: 'a' }
  records[2] = { topic: 's', value: 'c' }
  assert.throws(() => producer.sendBatch(records), (e) => e instanceof TypeError && /records\[1\]/.test(e.message))
  assert.equal(producer.pending, 0)
  await producer.send({ topic: 's', value: 'after' })
  const log = await readTopic(cluster.bootstrapServers, 's')
  assert.deepEqual(log.map((m) => m.payload), ['after'])
})

test('timestamps: 1 and the largest Date are kept; 0, fractions and beyond the Date range are TypeErrors', async (t) => {
  const { cluster, producer } = await open(t, { ts: { partitions: 1 } })
  const max = 8.64e15
  await producer.send({ topic: 'ts', value: 'one', timestamp: 1 })
  await producer.send({ topic: 'ts', value: 'max', timestamp: new Date(max) })
  for (const timestamp of [0, 1e20, 1.5, max + 1, new Date(NaN)]) {
    assert.throws(() => producer.send({ topic: 'ts', value: 'bad', timestamp }), TypeError, String(timestamp))
  }
  const log = await readTopic(cluster.bootstrapServers, 'ts')
  assert.deepEqual(log.map((m) => [m.payload, m.ts]), [['one', 1], ['max', max]])
})

test("the topic names '.' and '..' are refused like other illegal names", async (t) => {
  const { producer } = await open(t, {})
  for (const topic of ['.', '..']) {
    assert.throws(() => producer.send({ topic, value: 'x' }), (e) => e instanceof KafkaError && e.code === 'TOPIC_EXCEPTION', topic)
  }
})

test('after close(), every send form reports a ClosedError, also for a topic never used', async (t) => {
  const { producer } = await open(t, { used: { partitions: 1 } })
  await producer.send({ topic: 'used', value: 'x' })
  await producer.close()
  for (const topic of ['used', 'never-used']) {
    const record = { topic, value: 'late' }
    await assert.rejects(producer.send(record), ClosedError, `send ${topic}`)
    await assert.rejects(producer.sendBatch([record]), ClosedError, `sendBatch ${topic}`)
    const err = await new Promise((resolve) => producer.send(record, (e) => resolve(e)))
    assert.ok(err instanceof ClosedError, `send with callback ${topic}: ${err}`)
    assert.throws(() => producer.produce(record), ClosedError, `produce ${topic}`)
  }
})

test('a record that can never fit buffer.memory is refused at once; the records behind it go out', async (t) => {
  const { cluster, producer } = await open(t, { big: { partitions: 1 } }, {
    'buffer.memory': 1024 * 1024,
    'max.request.size': 2 * 1024 * 1024,
    'max.block.ms': 30_000,
  })
  const t0 = Date.now()
  assert.throws(
    () => producer.send({ topic: 'big', value: Buffer.alloc(1.5 * 1024 * 1024) }),
    (e) => e instanceof KafkaError && e.code === 'MSG_SIZE_TOO_LARGE' && /buffer\.memory/.test(e.message),
  )
  await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic: 'big', value: `small-${i}` })))
  assert.ok(Date.now() - t0 < 20_000)
  const log = await readTopic(cluster.bootstrapServers, 'big')
  assert.equal(log.length, 10)
})

test('buffer.memory below its minimum is a ConfigError', () => {
  assert.throws(() => new Producer({ 'bootstrap.servers': '127.0.0.1:1', 'buffer.memory': 1 }), ConfigError)
})

test('a missing or empty bootstrap.servers is a ConfigError', () => {
  for (const servers of ['', undefined, '  ']) {
    assert.throws(() => new Producer({ 'bootstrap.servers': servers }), ConfigError, JSON.stringify(servers))
  }
  assert.throws(() => new Producer({}), ConfigError)
})

test("the size check counts librdkafka's per-record overhead: a record it would refuse fails at send()", async (t) => {
  const limit = 10_000
  const { cluster, producer } = await open(t, { o: { partitions: 1 } }, { 'message.max.bytes': limit })
  // Key + value exactly at the limit: librdkafka adds up to 36 bytes of record framing.
  assert.throws(
    () => producer.send({ topic: 'o', key: 'k', value: 'x'.repeat(limit - 1) }),
    (e) => e instanceof KafkaError && e.code === 'MSG_SIZE_TOO_LARGE',
  )
  assert.throws(
    () => producer.send({ topic: 'o', value: 'x'.repeat(limit - 100), headers: { h: 'y'.repeat(80) } }),
    (e) => e instanceof KafkaError && e.code === 'MSG_SIZE_TOO_LARGE',
  )
  // The largest record the check lets through is one librdkafka takes.
  await producer.send({ topic: 'o', key: 'k', value: 'x'.repeat(limit - 1 - 36) })
  const log = await readTopic(cluster.bootstrapServers, 'o')
  assert.equal(log.length, 1)
})

test('a record that waits for queue space keeps the bytes it had at send(), not later writes to the Buffer', async (t) => {
  const { cluster, producer } = await open(t, { reuse: { partitions: 1 } }, {
    'queue.buffering.max.messages': 10,
    'linger.ms': 50,
  })
  const buf = Buffer.alloc(8)
  const sends = []
  for (let i = 0; i < 200; i++) {
    buf.write(String(i).padStart(8, '0'))
    sends.push(producer.send({ topic: 'reuse', value: buf }))
  }
  buf.fill('!')
  await Promise.all(sends)
  const log = await readTopic(cluster.bootstrapServers, 'reuse')
  assert.deepEqual(log.map((m) => m.payload), Array.from({ length: 200 }, (_, i) => String(i).padStart(8, '0')))
})

test('RecordMetadata names the topic the record went to, even if record.topic changed after send()', async (t) => {
  const { producer } = await open(t, { first: { partitions: 1 }, second: { partitions: 1 } })
  const record = { topic: 'first', value: 'x' }
  const sent = producer.send(record)
  record.topic = 'second'
  const md = await sent
  assert.equal(md.topic, 'first')
})
