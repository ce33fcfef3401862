// Bad input gets a clear typed error before anything is queued, and nothing else is affected.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer, KafkaError, MockCluster, ConfigError, FatalError } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster, waitFor } from '../helpers/cluster.mjs'
import { Oracle } from '../helpers/oracle.mjs'

test('invalid records throw synchronously; valid sends around them are all delivered', async (t) => {
  const cluster = await startCluster(t, { topics: { bad: { partitions: 2 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'message.max.bytes': 10_000 })
  const good = []
  const bad = [
    [{ topic: 'bad', value: 42 }, TypeError],
    [{ topic: 'bad', value: { a: 1 } }, TypeError],
    [{ topic: 'bad', key: 7, value: 'x' }, TypeError],
    [{ topic: 'bad' }, TypeError],
    [{ topic: 42, value: 'x' }, TypeError],
    [{ topic: 'has space', value: 'x' }, KafkaError],
    [{ topic: '', value: 'x' }, KafkaError],
    [{ topic: 'bad', value: 'x', partition: -1 }, TypeError],
    [{ topic: 'bad', value: 'x', partition: NaN }, TypeError],
    [{ topic: 'bad', value: 'x', partition: 1.5 }, TypeError],
    [{ topic: 'bad', value: 'x', timestamp: -5 }, TypeError],
    [{ topic: 'bad', value: 'x', timestamp: 'yesterday' }, TypeError],
    [{ topic: 'bad', value: 'x', headers: 'nope' }, TypeError],
    [{ topic: 'bad', value: 'x', headers: { h: 5 } }, TypeError],
    [{ topic: 'bad', value: 'x', headers: [['only-name']] }, TypeError],
    [{ topic: 'bad', value: 'x'.repeat(10_001) }, KafkaError],
    [{ topic: 'bad', value: Buffer.alloc(10_001) }, KafkaError],
    [{ topic: 'bad', value: '€'.repeat(4_000) }, KafkaError], // 12000 bytes of UTF-8
    [null, TypeError],
    ['bad', TypeError],
  ]
  for (const [i, [record, type]] of bad.entries()) {
    good.push(producer.send({ topic: 'bad', key: 'k', value: `good-${i}` }))
    for (const call of [() => producer.send(record), () => producer.produce(record), () => producer.send(record, () => {})]) {
      assert.throws(call, (e) => e instanceof type, `record #${i} ${JSON.stringify(record)?.slice(0, 60)}`)
    }
  }
  assert.throws(() => producer.sendBatch([{ topic: 'bad', value: 'ok' }, { topic: 'bad', value: 1 }]), TypeError)
  assert.throws(() => producer.send({ topic: 'bad', value: 'x' }, 'not a function'), TypeError)
  assert.equal(producer.pending, bad.length) // only the good ones were queued
  const tooBig = (() => { try { producer.send({ topic: 'bad', value: 'x'.repeat(10_001) }) } catch (e) { return e } })()
  assert.equal(tooBig.code, 'MSG_SIZE_TOO_LARGE')
  assert.equal(tooBig.record.topic, 'bad')

  await Promise.all(good)
  await producer.close()
  const log = await readTopic(cluster.bootstrapServers, 'bad')
  assert.deepEqual(log.map((m) => m.payload).sort(), bad.map((_, i) => `good-${i}`).sort())
})

test('a partition that does not exist fails that send only, with a typed error', async (t) => {
  const cluster = await startCluster(t, { topics: { few: { partitions: 2 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  await producer.send({ topic: 'few', value: 'warm' }) // metadata known
  const [bad, ok] = await Promise.allSettled([
    producer.send({ topic: 'few', value: 'nowhere', partition: 99 }),
    producer.send({ topic: 'few', value: 'fine', partition: 1 }),
  ])
  assert.equal(bad.status, 'rejected')
  assert.ok(bad.reason instanceof KafkaError)
  assert.equal(bad.reason.code, '_UNKNOWN_PARTITION')
  assert.equal(bad.reason.persisted, 'not-persisted')
  assert.equal(ok.status, 'fulfilled')
  await producer.close()
})

test('bad producer and mock-cluster arguments are typed errors', async () => {
  // Config problems are ConfigErrors (a KafkaError) naming the key; test/config covers them all.
  const configError = (key) => (e) => e instanceof ConfigError && e.issues.some((i) => i.key === key)
  assert.throws(() => new Producer(null), configError(''))
  assert.throws(() => new Producer({ 'bootstrap.servers': 'x', 'max.block.ms': 'soon' }), configError('max.block.ms'))
  assert.throws(() => new Producer({ 'bootstrap.servers': 'x', valueSerializer: 'xml' }), configError('valueSerializer'))
  assert.throws(() => new Producer({ 'bootstrap.servers': 'x', acks: 'most' }), configError('acks'))
  await assert.rejects(MockCluster.start({ brokers: 0 }), TypeError)
  const c = await MockCluster.start({ brokers: 1 })
  assert.throws(() => c.pushRequestErrors('NoSuchApi', ['NOT_LEADER_OR_FOLLOWER']), TypeError)
  assert.throws(() => c.pushRequestErrors('Produce', ['NO_SUCH_ERROR']), TypeError)
  assert.throws(() => c.setBrokerDown(42), KafkaError)
  await c.close()
  await c.close()
  assert.throws(() => c.createTopic('t'), KafkaError)
})

test('sends librdkafka refuses because it went fatal before the producer heard of it fail with the FatalError too', async (t) => {
  const cluster = await startCluster(t, { topics: { rf: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 1 })
  producer.on('fatal', () => {})
  t.after(() => producer.close({ timeoutMs: 1_000 }))
  await producer.send({ topic: 'rf', value: 'warm' })
  cluster.pushRequestErrors('Produce', ['OUT_OF_ORDER_SEQUENCE_NUMBER'])
  const errors = []
  // Only microtasks run between these rounds (each hands the staged records over), never the
  // wake-up that drains librdkafka's queue: librdkafka turns fatal on its own thread meanwhile
  // and refuses the next records on the spot, with the fatal error's code.
  const until = Date.now() + 3_000
  let refusedOnTheSpot = false
  while (Date.now() < until && !refusedOnTheSpot) {
    for (let i = 0; i < 50; i++) producer.send({ topic: 'rf', value: `v${i}` }, (err) => err && errors.push(err))
    await Promise.resolve()
    await new Promise((resolve) => process.nextTick(resolve))
    refusedOnTheSpot = errors.length > 0
  }
  assert.ok(refusedOnTheSpot, 'librdkafka never refused a record within 3 s')
  await waitFor(() => producer.pending === 0, { timeoutMs: 20_000, what: `pending 0 (is ${producer.pending})` })
  assert.ok(producer.fatalError instanceof FatalError)
  for (const e of errors) assert.ok(e instanceof FatalError, `${e.name} ${e.code}: ${e.message}`)
})

test('close() called from the fatal event, mid-stream: every send settles once, typed; the log bears out each outcome', async (t) => {
  const cluster = await startCluster(t, { topics: { cf: { partitions: 2 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 2 })
  const oracle = new Oracle('cf')
  let closing
  producer.on('fatal', () => {
    closing = producer.close({ timeoutMs: 5_000 })
  })
  for (let i = 0; i < 5000; i++) {
    const { record, settle } = oracle.next(`k${i % 50}`)
    producer.send(record, settle)
    if (i === 2000) cluster.pushRequestErrors('Produce', ['OUT_OF_ORDER_SEQUENCE_NUMBER'])
  }
  await waitFor(() => closing !== undefined, { what: 'the fatal event' })
  await closing
  assert.equal(producer.close(), closing)
  assert.equal(producer.pending, 0)
  const counts = await oracle.check(cluster.bootstrapServers)
  t.diagnostic(`sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
  assert.ok(counts.failed > 0)
  for (const e of oracle.outcomes.filter((x) => x.error).map((x) => x.error)) {
    assert.ok(e instanceof FatalError, `${e.name} ${e.code}`)
    assert.equal(e.code, 'OUT_OF_ORDER_SEQUENCE_NUMBER')
  }
  await assert.rejects(producer.send({ topic: 'cf', value: 'after' }), FatalError)
})
