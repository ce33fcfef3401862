// Bad input on a real broker (1 KRaft node, topic auto-creation off), in the middle of a
// stream of good records: every bad call gets a clear typed error at once or a typed
// rejection, nothing crashes or hangs, and the oracle shows every good record delivered
// exactly once, in order, with nothing else in the log. Then close() during flush(), a second
// close(), and sends after close.
import test, { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Producer, KafkaError, ClosedError } from 'ironkafka'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { Oracle } from '../helpers/oracle.mjs'
import { readTopic } from '../helpers/kcat.mjs'

let kafka

before(async () => {
  kafka = await KafkaCluster.start({ nodes: 1 })
})
after(async () => {
  await kafka?.stop()
})

test('bad calls amid 20k in-flight sends: typed errors, and every good record delivered once, in order', { timeout: 300_000 }, async (t) => {
  const topic = `bad-${Date.now()}`
  await kafka.createTopic(topic, { partitions: 3 })
  const oracle = new Oracle(topic)
  const producer = new Producer({
    'bootstrap.servers': kafka.bootstrapServers,
    'max.request.size': 10_000,
    // How long librdkafka waits for a topic missing from metadata to appear before failing
    // its records (30 s by default).
    'topic.metadata.propagation.max.ms': 2000,
  })
  const throwsNow = [
    // [what, record, error class]
    ['number value', { topic, value: 42 }, TypeError],
    ['object value', { topic, value: { a: 1 } }, TypeError],
    ['number key', { topic, key: 7, value: 'x' }, TypeError],
    ['no value', { topic }, TypeError],
    ['number topic', { topic: 42, value: 'x' }, TypeError],
    ['invalid topic name', { topic: 'has space', value: 'x' }, KafkaError],
    ['NaN partition', { topic, value: 'x', partition: NaN }, TypeError],
    ['negative partition', { topic, value: 'x', partition: -1 }, TypeError],
    ['fractional partition', { topic, value: 'x', partition: 1.5 }, TypeError],
    ['partition beyond int32', { topic, value: 'x', partition: 2 ** 31 }, TypeError],
    ['headers not an object', { topic, value: 'x', headers: 'nope' }, TypeError],
    ['header value a number', { topic, value: 'x', headers: { h: 5 } }, TypeError],
    ['header pair without value', { topic, value: 'x', headers: [['only-name']] }, TypeError],
    ['value over max.request.size', { topic, value: 'x'.repeat(10_001) }, KafkaError],
    ['negative timestamp', { topic, value: 'x', timestamp: -5 }, TypeError],
    ['not a record', null, TypeError],
  ]
  const rejectsLater = [
    // [what, record, codes]: accepted, then failed by librdkafka with a typed error (the
    // unknown topic as the broker's metadata answer, or librdkafka's own once it gives up)
    ['partition that does not exist', { topic, value: 'nowhere', partition: 99 }, ['_UNKNOWN_PARTITION']],
    ['unknown topic', { topic: `missing-${Date.now()}`, value: 'lost?' }, ['UNKNOWN_TOPIC_OR_PART', '_UNKNOWN_TOPIC']],
  ]
  const later = []
  const GOOD = 20_000
  const every = Math.floor(GOOD / (throwsNow.length + rejectsLater.length + 1))
  let bad = 0
  for (let i = 0; i < GOOD; i++) {
    const { record, settle } = oracle.next(`key-${i % 500}`)
    producer.send(record, settle)
    if (i % every !== every - 1) continue
    if (bad < throwsNow.length) {
      const [what, rec, type] = throwsNow[bad++]
      for (const call of [() => producer.send(rec), () => producer.produce(rec), () => producer.send(rec, () => {})]) {
        assert.throws(call, (e) => e instanceof type && typeof e.message === 'string' && e.message.length > 0, what)
      }
    } else if (bad - throwsNow.length < rejectsLater.length) {
      const [what, rec, codes] = rejectsLater[bad++ - throwsNow.length]
      later.push(producer.send(rec).then(
        () => assert.fail(`${what}: resolved`),
        (e) => {
          assert.ok(e instanceof KafkaError, what)
          assert.ok(codes.includes(e.code), `${what}: ${e.code}`)
          assert.equal(e.persisted, 'not-persisted', what)
          assert.equal(e.record, rec, what)
        },
      ))
    }
  }
  assert.equal(bad, throwsNow.length + rejectsLater.length)
  await Promise.all(later)
  await producer.flush(120_000)

  // close() during flush(), twice; sends afterwards are ClosedErrors.
  const { record, settle } = oracle.next('last')
  producer.send(record, settle)
  const flushing = producer.flush(60_000)
  const closing = producer.close()
  assert.equal(producer.close(), closing, 'a second close() returns the same promise')
  await Promise.all([flushing, closing])
  await assert.rejects(producer.send({ topic, value: 'after close' }), ClosedError)
  assert.throws(() => producer.produce({ topic, value: 'after close' }), ClosedError)
  await new Promise((resolve, reject) => producer.send({ topic, value: 'after close' }, (e) => (e instanceof ClosedError ? resolve() : reject(e))))
  await producer.close()

  const counts = await oracle.check(kafka.bootstrapServers, { allowFailures: false })
  t.diagnostic(`sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
  assert.equal(counts.inLog, GOOD + 1)
  // Only the oracle's records are in the log (none of the bad ones, none after close).
  assert.equal((await readTopic(kafka.bootstrapServers, topic)).length, GOOD + 1)
  const topics = (await kafka.metadata()).topics.map((x) => x.topic)
  assert.ok(!topics.some((name) => name.startsWith('missing-')), 'the unknown topic was not created')
})
