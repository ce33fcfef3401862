// A real Apache Kafka cluster per test (scripts/kafka/cluster.mjs), stopped when the test ends.
import { KafkaCluster } from '../../scripts/kafka/cluster.mjs'

export async function startKafka(t, opts = {}) {
  const cluster = await KafkaCluster.start(opts)
  t.after(() => cluster.stop())
  return cluster
}
