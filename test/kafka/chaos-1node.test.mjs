// The chaos scenarios (scenarios.mjs) on a single KRaft node (RF 1, min.insync.replicas 1):
// here every fault takes the only broker away, so the producer has nowhere to fail over to
// and must hold, retry and deduplicate by itself.
import test, { before, after } from 'node:test'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { ITERATIONS, killLeader, pauseLeader, outageBrief, outageLong, producerIdExpiry, restartCluster } from './scenarios.mjs'

let kafka

before(async () => {
  kafka = await KafkaCluster.start({ nodes: 1, brokerConfig: { 'producer.id.expiration.check.interval.ms': 1000 } })
})
after(async () => {
  await kafka?.stop()
})

const opts = { timeout: 900_000 }
for (let it = 1; it <= ITERATIONS; it++) {
  test(`1 node, D1 #${it}: kill -9 the broker mid-stream, restart it`, opts, (t) => killLeader(t, kafka, it))
  test(`1 node, D2 #${it}: SIGSTOP the broker past request.timeout.ms, then SIGCONT`, opts, (t) => pauseLeader(t, kafka, it))
  test(`1 node, D4 #${it}: the broker stops for a few seconds`, opts, (t) => outageBrief(t, kafka, it))
  test(`1 node, D4 #${it}: the broker stops for longer than delivery.timeout.ms`, opts, (t) => outageLong(t, kafka, it))
  test(`1 node, D5 #${it}: producer id expiry while idle, then produce`, opts, (t) => producerIdExpiry(t, kafka, it))
  test(`1 node, D6 #${it}: the broker restarts during a steady stream`, opts, (t) => restartCluster(t, kafka, it))
}
