// Real Apache Kafka, 3 KRaft nodes (combined broker+controller; RF 3, min.insync.replicas 2,
// unclean election off): the producer's promise under broker faults, checked by the oracle
// (test/helpers/oracle.mjs) against what kcat reads back. Each scenario (scenarios.mjs) runs
// IRONKAFKA_CHAOS_ITERATIONS times (3 by default) and reports sent / delivered / failed /
// found in log. D4 (ISR below min.insync) is in chaos-3node-isr.test.mjs: it needs the
// controller quorum to survive two stopped brokers.
import test, { before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { Oracle } from '../helpers/oracle.mjs'
import { ITERATIONS, killLeader, pauseLeader, producerIdExpiry, restartCluster } from './scenarios.mjs'

let kafka

before(async () => {
  kafka = await KafkaCluster.start({
    nodes: 3,
    brokerConfig: { 'replica.lag.time.max.ms': 5000, 'producer.id.expiration.check.interval.ms': 1000 },
  })
})
after(async () => {
  await kafka?.stop()
})

const opts = { timeout: 900_000 }
for (let it = 1; it <= ITERATIONS; it++) {
  test(`D1 #${it}: kill -9 the partition leader mid-stream, restart it: nothing lost, no duplicate, order kept`, opts, (t) => killLeader(t, kafka, it))
  test(`D2 #${it}: SIGSTOP the leader past request.timeout.ms, then SIGCONT: lost acks are deduplicated by the broker`, opts, (t) => pauseLeader(t, kafka, it))
  test(`D5 #${it}: the broker expires the producer id while the producer is idle; sending again loses and duplicates nothing`, opts, (t) => producerIdExpiry(t, kafka, it))
  test(`D6 #${it}: the whole cluster restarts during a steady stream: nothing lost, no duplicate, order kept`, opts, (t) => restartCluster(t, kafka, it))
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
