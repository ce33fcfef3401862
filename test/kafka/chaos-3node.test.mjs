// Real Apache Kafka (3 KRaft nodes, RF 3, min.insync.replicas 2, unclean election off): the
// producer's promise under broker faults, checked by the oracle (test/helpers/oracle.mjs)
// against what kcat reads back. Each scenario runs IRONKAFKA_CHAOS_ITERATIONS times (3 by
// default) and reports sent / delivered / failed / found in the log.
import test, { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { KafkaCluster, waitUntil } from '../../scripts/kafka/cluster.mjs'
import { Oracle } from '../helpers/oracle.mjs'

const ITERATIONS = Number(process.env.IRONKAFKA_CHAOS_ITERATIONS ?? 3)
const MESSAGES = Number(process.env.IRONKAFKA_CHAOS_MESSAGES ?? 200_000)
let kafka

before(async () => {
  kafka = await KafkaCluster.start({ nodes: 3, brokerConfig: { 'replica.lag.time.max.ms': 5000 } })
})
after(async () => {
  await kafka?.stop()
})

/** Sends `total` keyed records through the callback API, calling `during(oracle)` once a third has been acknowledged. */
async function stream(t, topic, config, total, during) {
  const oracle = new Oracle(topic)
  const producer = new Producer({ 'bootstrap.servers': kafka.bootstrapServers, ...config })
  producer.on('error', () => {}) // broker-down noise; outcomes are what the oracle checks
  const faults = (async () => {
    await waitUntil(() => oracle.delivered >= total / 3, { timeoutMs: 300_000, intervalMs: 20, what: 'a third delivered' })
    const atFault = oracle.settled
    await during(oracle)
    t.diagnostic(`fault began with ${atFault} of ${total} settled; ${oracle.settled} settled when it ended`)
    // A fault after the stream had finished would prove nothing.
    assert.ok(atFault < total, 'the stream had already finished when the fault began')
  })()
  for (let i = 0; i < total; i++) {
    const { record, settle } = oracle.next(`key-${i % 1000}`)
    producer.send(record, settle)
  }
  await faults
  await producer.flush(600_000)
  await producer.close()
  const counts = await oracle.check(kafka.bootstrapServers, { allowFailures: false })
  t.diagnostic(`sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
  assert.equal(counts.inLog, total)
  return counts
}

for (let it = 1; it <= ITERATIONS; it++) {
  test(`D1 #${it}: kill -9 the partition leader mid-stream, restart it: nothing lost, no duplicate, order kept`, { timeout: 900_000 }, async (t) => {
    const topic = `d1-${it}-${Date.now()}`
    await kafka.createTopic(topic, { partitions: 6, replicationFactor: 3 })
    await stream(t, topic, { 'linger.ms': 5 }, MESSAGES, async () => {
      const leader = await kafka.leaderOf(topic, 0)
      t.diagnostic(`killing node ${leader} (leader of ${topic}/0)`)
      kafka.kill(leader)
      await kafka.waitExit(leader)
      await kafka.waitLeaders(topic, 6, { fullIsr: false })
      await kafka.startNode(leader)
    })
    await kafka.waitLeaders(topic, 6)
  })

  test(`D2 #${it}: SIGSTOP the leader past request.timeout.ms, then SIGCONT: lost acks are deduplicated by the broker`, { timeout: 900_000 }, async (t) => {
    const topic = `d2-${it}-${Date.now()}`
    await kafka.createTopic(topic, { partitions: 6, replicationFactor: 3 })
    await stream(t, topic, { 'linger.ms': 5, 'request.timeout.ms': 3000, 'delivery.timeout.ms': 300_000 }, MESSAGES, async () => {
      const leader = await kafka.leaderOf(topic, 0)
      t.diagnostic(`pausing node ${leader} (leader of ${topic}/0) for 6 s`)
      kafka.pause(leader)
      await new Promise((r) => setTimeout(r, 6000)) // the fault itself: longer than request.timeout.ms
      kafka.resume(leader)
    })
    await kafka.waitLeaders(topic, 6)
  })
}

/**
 * The duplication problem of retries: a follower is frozen, so acks=all requests wait at the
 * leader past request.timeout.ms although the leader has already appended them; the producer
 * retries. Returns how many records the log holds twice, and the oracle's counts.
 */
async function lostAcks(t, idempotent) {
  const topic = `lost-ack-${idempotent ? 'idem' : 'plain'}-${Date.now()}`
  await kafka.createTopic(topic, { partitions: 1, replicationFactor: 3 })
  const md = await kafka.metadata(topic)
  const p0 = md.topics[0].partitions[0]
  const follower = p0.replicas.map((r) => r.id).find((id) => id !== p0.leader)
  const oracle = new Oracle(topic)
  const config = {
    'bootstrap.servers': kafka.bootstrapServers,
    'enable.idempotence': idempotent,
    acks: 'all',
    'linger.ms': 5,
    'request.timeout.ms': 1500,
    'delivery.timeout.ms': 120_000,
    ...(idempotent ? {} : { 'max.in.flight.requests.per.connection': 1 }), // isolate duplication from reordering
    logger: { warn: () => {} },
  }
  const producer = new Producer(config)
  producer.on('error', () => {})
  for (let tick = 0; tick < 200; tick++) {
    if (tick === 30) kafka.pause(follower)
    if (tick === 170) kafka.resume(follower)
    for (let i = 0; i < 20; i++) {
      const { record, settle } = oracle.next(null)
      producer.send(record, settle)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  await producer.flush(300_000)
  await producer.close()
  await kafka.waitLeaders(topic, 1)
  const dups = await oracle.duplicates(kafka.bootstrapServers)
  t.diagnostic(`idempotence ${idempotent}: follower ${follower} paused 7 s; sent ${oracle.sent}, delivered ${oracle.delivered}, records written twice ${dups}`)
  return { oracle, dups }
}

test('lost acknowledgements: without idempotence the retries write duplicates; with it, none (and the oracle holds)', { timeout: 900_000 }, async (t) => {
  const plain = await lostAcks(t, false)
  assert.ok(plain.dups > 0, 'expected duplicates from retried requests without idempotence')
  const idem = await lostAcks(t, true)
  assert.equal(idem.dups, 0)
  const counts = await idem.oracle.check(kafka.bootstrapServers, { allowFailures: false })
  t.diagnostic(`idempotent: sent ${counts.sent}, delivered ${counts.delivered}, failed ${counts.failed}, found in log ${counts.inLog}`)
})
