// The three send methods and sendBatch deliver; order, headers and timestamps are checked
// in the log with kcat.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

test('fire-and-forget, awaited, callback and batch sends all land in the log', async (t) => {
  const cluster = await startCluster(t, { topics: { m: { partitions: 3 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const deliveryErrors = []
  producer.on('delivery-error', (e) => deliveryErrors.push(e))

  producer.produce({ topic: 'm', key: 'a', value: 'fire' })
  const md = await producer.send({ topic: 'm', key: 'a', value: 'awaited' })
  assert.equal(md.topic, 'm')
  const viaCallback = await new Promise((resolve, reject) =>
    producer.send({ topic: 'm', key: 'a', value: 'callback' }, (err, md) => (err ? reject(err) : resolve(md))),
  )
  const batch = await producer.sendBatch(['b0', 'b1', 'b2', 'b3'].map((v) => ({ topic: 'm', key: 'a', value: v })))
  await producer.flush(10_000)
  assert.equal(producer.pending, 0)
  await producer.close()
  assert.deepEqual(deliveryErrors, [])

  // Same key -> same partition, so the log order is the call order.
  const log = await readTopic(cluster.bootstrapServers, 'm')
  assert.deepEqual(log.map((m) => m.payload), ['fire', 'awaited', 'callback', 'b0', 'b1', 'b2', 'b3'])
  assert.ok(log.every((m) => m.partition === md.partition))
  assert.equal(viaCallback.offset, md.offset + 1)
  assert.deepEqual(batch.map((b) => b.offset), [md.offset + 2, md.offset + 3, md.offset + 4, md.offset + 5])
})

test('sendBatch resolves metadata in record order across partitions', async (t) => {
  const cluster = await startCluster(t, { topics: { ord: { partitions: 4 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 2 })
  const records = Array.from({ length: 2000 }, (_, i) => ({ topic: 'ord', key: `k${i % 13}`, value: `v${i}` }))
  const mds = await producer.sendBatch(records)
  await producer.close()
  const log = await readTopic(cluster.bootstrapServers, 'ord')
  const at = new Map(log.map((m) => [`${m.partition}/${m.offset}`, m.payload]))
  mds.forEach((md, i) => assert.equal(at.get(`${md.partition}/${md.offset}`), `v${i}`))
  // per partition, offsets follow batch order
  const lastOffset = new Map()
  for (const md of mds) {
    assert.ok((lastOffset.get(md.partition) ?? -1) < md.offset)
    lastOffset.set(md.partition, md.offset)
  }
})

test('consecutive batches carry their own bytes: a Buffer reused after sendBatch returns, and a serializer that sends a batch itself', async (t) => {
  const cluster = await startCluster(t, { topics: { r: { partitions: 1 }, inner: { partitions: 1 } } })
  let producer
  let nested
  // The value serializer of the outer batch's record 1 sends a batch of its own (so two
  // batches are being encoded at once).
  const valueSerializer = (v) => {
    if (v === 'send-inner' && nested === undefined) nested = producer.sendBatch([{ topic: 'inner', value: 'i0' }, { topic: 'inner', value: 'i1' }])
    return Buffer.isBuffer(v) ? v : Buffer.from(String(v))
  }
  producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, valueSerializer })
  t.after(() => producer.close())
  const buf = Buffer.alloc(8)
  const batches = []
  for (let b = 0; b < 3; b++) {
    const records = []
    for (let i = 0; i < 5; i++) {
      buf.write(`b${b}-r${i}`.padEnd(8, '.'))
      records.push({ topic: 'r', value: Buffer.from(buf) })
    }
    records[1] = { topic: 'r', value: b === 0 ? 'send-inner' : `b${b}-r1`.padEnd(8, '.') }
    records[2] = { topic: 'r', value: buf } // the caller's buffer, overwritten right after
    buf.write(`b${b}-r2`.padEnd(8, '.'))
    batches.push(producer.sendBatch(records))
    buf.write('XXXXXXXX')
  }
  await Promise.all(batches)
  await nested
  const r = (await readTopic(cluster.bootstrapServers, 'r')).map((m) => m.payload)
  const want = []
  for (let b = 0; b < 3; b++) for (let i = 0; i < 5; i++) want.push(b === 0 && i === 1 ? 'send-inner' : `b${b}-r${i}`.padEnd(8, '.'))
  assert.deepEqual(r, want)
  assert.deepEqual((await readTopic(cluster.bootstrapServers, 'inner')).map((m) => m.payload), ['i0', 'i1'])
})

test('headers (strings, binary, repeated names) and timestamps round-trip', async (t) => {
  const cluster = await startCluster(t, { topics: { h: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  const ts = new Date('2024-05-01T12:00:00Z')
  await producer.send({ topic: 'h', value: 'with-headers', timestamp: ts, headers: [['trace', 'abc'], ['trace', 'def'], ['bin', Buffer.from('xyz')]] })
  await producer.send({ topic: 'h', value: 'object-headers', timestamp: 1_600_000_000_123, headers: { a: '1', b: Buffer.from('2') } })
  await producer.send({ topic: 'h', key: null, value: null }) // tombstone
  await producer.close()
  const log = await readTopic(cluster.bootstrapServers, 'h')
  assert.equal(log.length, 3)
  assert.deepEqual(log[0].headers, ['trace', 'abc', 'trace', 'def', 'bin', 'xyz'])
  assert.equal(log[0].ts, ts.getTime())
  assert.deepEqual(log[1].headers, ['a', '1', 'b', '2'])
  assert.equal(log[1].ts, 1_600_000_000_123)
  assert.equal(log[2].payload, null)
  assert.equal(log[2].key, null)
})

test('serializers: json values, string keys, function serializers, typed errors for wrong types', async (t) => {
  const cluster = await startCluster(t, { topics: { s: { partitions: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    keySerializer: (k, topic) => `${topic}:${k.id}`,
    valueSerializer: 'json',
  })
  await producer.send({ topic: 's', key: { id: 7 }, value: { order: 1, items: ['a'] } })
  assert.throws(() => producer.send({ topic: 's', key: { id: 1 }, value: 1n }), TypeError) // BigInt is not JSON
  const strict = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, valueSerializer: 'string' })
  assert.throws(() => strict.send({ topic: 's', value: Buffer.from('x') }), /must be a string/)
  await strict.close()
  await producer.close()
  const log = await readTopic(cluster.bootstrapServers, 's')
  assert.equal(log.length, 1)
  assert.equal(log[0].key, 's:7')
  assert.deepEqual(JSON.parse(log[0].payload), { order: 1, items: ['a'] })
})

// Node 20 cannot parse `await using`; this is the protocol it (and TypeScript's downlevel
// emit) calls at the end of the block.
test('Symbol.asyncDispose (await using) closes the producer', async (t) => {
  const cluster = await startCluster(t, { topics: { u: { partitions: 1 } } })
  const p = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  p.produce({ topic: 'u', value: 'disposed' })
  await p[Symbol.asyncDispose]()
  await assert.rejects(p.send({ topic: 'u', value: 'late' }), { name: 'ClosedError' })
  const log = await readTopic(cluster.bootstrapServers, 'u')
  assert.deepEqual(log.map((m) => m.payload), ['disposed'])
})

test('connect() resolves against a live cluster and rejects when no broker answers', async (t) => {
  const cluster = await startCluster(t, { brokers: 1 })
  const ok = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  await ok.connect(5_000)
  await ok.close()
  const bad = new Producer({ 'bootstrap.servers': '127.0.0.1:9' })
  const started = Date.now()
  await assert.rejects(bad.connect(1_000), (e) => e.name === 'KafkaError' && e.retriable === true)
  assert.ok(Date.now() - started < 5_000)
  await bad.close({ timeoutMs: 1_000 })
})

test('connect() rejects at once with the cause when every broker fails for one that retrying does not cure, and waits out a mix', async () => {
  const quiet = { warn() {}, error() {} }
  const unresolvable = new Producer({ 'bootstrap.servers': 'no-such-host-1.invalid:9092,no-such-host-2.invalid:9092', logger: quiet })
  const started = Date.now()
  await assert.rejects(unresolvable.connect(30_000), (e) => {
    assert.equal(e.name, 'KafkaError')
    assert.equal(e.code, '_RESOLVE')
    assert.equal(e.retriable, false)
    assert.match(e.message, /no-such-host-\d\.invalid/)
    assert.equal(e.cause.code, '_RESOLVE')
    return true
  })
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`)
  await unresolvable.close({ timeoutMs: 1_000 })
  // One host unresolvable, one refusing connections (which a broker starting up does): not
  // one persistent cause, so connect() keeps trying until its timeout.
  const mixed = new Producer({ 'bootstrap.servers': 'no-such-host-1.invalid:9092,127.0.0.1:9', logger: quiet })
  const t0 = Date.now()
  await assert.rejects(mixed.connect(2_500), (e) => e.retriable === true && /no broker answered within 2500 ms/.test(e.message))
  assert.ok(Date.now() - t0 >= 2_400, `gave up after ${Date.now() - t0} ms`)
  await mixed.close({ timeoutMs: 1_000 })
})

test('a send that times out while every broker is down for a cause retrying does not cure carries that cause and names it', async () => {
  const producer = new Producer({ 'bootstrap.servers': 'no-such-host-3.invalid:9092', 'delivery.timeout.ms': 1_500, 'request.timeout.ms': 1_000, 'linger.ms': 0, logger: { warn() {}, error() {} } })
  await assert.rejects(producer.send({ topic: 't', value: 'v' }), (e) => {
    assert.equal(e.code, '_MSG_TIMED_OUT')
    assert.equal(e.cause?.code, '_RESOLVE')
    assert.match(e.message, /Message timed out, while every broker is down for _RESOLVE: .*no-such-host-3\.invalid/)
    return true
  })
  await producer.close({ timeoutMs: 1_000 })
})

test("'stats' events arrive parsed when statistics.interval.ms is set", async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { st: {} } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'statistics.interval.ms': 100 })
  // An idle producer does not hold the event loop open (by design), so the test does.
  const keepAlive = setTimeout(() => {}, 10_000)
  // Not events.once(): it rejects on an 'error' event, and a transient one (the mock broker's
  // connection still being set up) is not what this test is about.
  producer.on('error', () => {})
  const stats = await new Promise((resolve) => producer.once('stats', resolve))
  clearTimeout(keepAlive)
  assert.equal(stats.type, 'producer')
  assert.equal(typeof stats.msg_cnt, 'number')
  await producer.close()
})
