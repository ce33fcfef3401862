// `npm run demo`: the embedded default. Starts librdkafka's mock cluster inside this process,
// produces a few thousand keyed messages with idempotence on (the default), and prints what
// the cluster acknowledged. No broker to install, nothing to configure.
import { Producer, MockCluster, librdkafkaVersion } from 'ironkafka'

const COUNT = Number(process.env.DEMO_MESSAGES ?? 5000)
const TOPIC = 'demo'

const cluster = await MockCluster.start({ brokers: 3 })
cluster.createTopic(TOPIC, { partitions: 6, replicationFactor: 3 })
console.log(`librdkafka ${librdkafkaVersion().versionString}; mock cluster at ${cluster.bootstrapServers}`)

const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 })
const started = performance.now()
const sends = []
for (let i = 0; i < COUNT; i++) {
  sends.push(producer.send({ topic: TOPIC, key: `user-${i % 100}`, value: JSON.stringify({ i, at: Date.now() }) }))
}
const results = await Promise.allSettled(sends)
const elapsed = performance.now() - started

const perPartition = new Map()
let failed = 0
for (const r of results) {
  if (r.status === 'rejected') {
    failed++
    continue
  }
  const { partition, offset } = r.value
  const p = perPartition.get(partition) ?? { count: 0, min: Infinity, max: -Infinity }
  p.count++
  p.min = Math.min(p.min, offset)
  p.max = Math.max(p.max, offset)
  perPartition.set(partition, p)
}

console.log(`delivered ${COUNT - failed} of ${COUNT} messages to '${TOPIC}' in ${elapsed.toFixed(0)} ms ` +
  `(${Math.round((COUNT - failed) / (elapsed / 1000))} msgs/s, idempotent, acks=all)`)
for (const [partition, p] of [...perPartition].sort((a, b) => a[0] - b[0])) {
  console.log(`  partition ${partition}: ${String(p.count).padStart(5)} messages, offsets ${p.min}..${p.max}`)
}
await producer.close()
await cluster.close()
process.exitCode = failed === 0 ? 0 : 1
