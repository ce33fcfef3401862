// D4 on 3 brokers: two of them stop, so every partition's ISR shrinks to the survivor, below
// min.insync.replicas 2 (acks=all writes are refused with NOT_ENOUGH_REPLICAS). The brokers
// here are broker-only with a dedicated controller, because with combined nodes stopping two
// of three would take the controller quorum down too, and the ISR could not shrink at all.
import test, { before, after } from 'node:test'
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'
import { ITERATIONS, outageBrief, outageLong } from './scenarios.mjs'

let kafka

before(async () => {
  kafka = await KafkaCluster.start({ nodes: 3, dedicatedController: true, brokerConfig: { 'replica.lag.time.max.ms': 5000 } })
})
after(async () => {
  await kafka?.stop()
})

const opts = { timeout: 900_000 }
for (let it = 1; it <= ITERATIONS; it++) {
  test(`D4 #${it}: 2 of 3 brokers stop for a few seconds (ISR below min.insync): everything delivered once, in order`, opts, (t) => outageBrief(t, kafka, it))
  test(`D4 #${it}: 2 of 3 brokers stop for longer than delivery.timeout.ms: _MSG_TIMED_OUT with a persisted status the log bears out, then delivery resumes`, opts, (t) => outageLong(t, kafka, it))
}
