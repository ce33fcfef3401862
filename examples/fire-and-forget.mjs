// 1. Fire-and-forget: produce() and move on. Highest throughput; failures arrive as
// 'delivery-error' events (never as unhandled rejections). The process stays alive until
// every record is acknowledged, so ending the script without flush() loses nothing.
import { Producer, MockCluster } from 'ironkafka'

const cluster = await MockCluster.start({ brokers: 3 })
cluster.createTopic('clicks', { partitions: 3 })
const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
producer.on('delivery-error', (err) => console.error(`lost ${err.record.value}: ${err.code} (${err.persisted})`))

for (let i = 0; i < 1000; i++) producer.produce({ topic: 'clicks', key: `user-${i % 10}`, value: `click ${i}` })
await producer.close() // flushes first
console.log('1000 clicks produced')
await cluster.close()
