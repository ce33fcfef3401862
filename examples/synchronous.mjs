// 2. Synchronous: await each send for its RecordMetadata. Simplest and slowest (one
// round trip per record); use it when the next step depends on the write.
import { Producer, MockCluster } from 'ironkafka'

const cluster = await MockCluster.start({ brokers: 3 })
cluster.createTopic('orders', { partitions: 6, replicationFactor: 3 })
const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })

const md = await producer.send({ topic: 'orders', key: 'order-1', value: JSON.stringify({ total: 42 }) })
console.log(`order-1 written to ${md.topic}[${md.partition}] at offset ${md.offset}`)
// Many awaited sends at once keep throughput; sendBatch does the same under one promise.
const mds = await producer.sendBatch([1, 2, 3].map((n) => ({ topic: 'orders', key: `order-${n}`, value: `#${n}` })))
console.log('batch offsets', mds.map((m) => `${m.partition}/${m.offset}`).join(' '))
await producer.close()
await cluster.close()
