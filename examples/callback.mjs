// 3. Asynchronous with a callback: send() and handle the outcome when it arrives. No
// Promise is allocated per record; the callback runs exactly once.
import { Producer, MockCluster } from 'ironkafka'

const cluster = await MockCluster.start({ brokers: 3 })
cluster.createTopic('payments', { partitions: 3 })
const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })

let acked = 0
for (let i = 0; i < 100; i++) {
  producer.send({ topic: 'payments', key: `account-${i % 5}`, value: `payment ${i}` }, (err, md) => {
    if (err) console.error(`payment ${i} failed: ${err.code}, ${err.persisted}`)
    else acked++
  })
}
await producer.flush(10_000)
console.log(`${acked} payments acknowledged`)
await producer.close()
await cluster.close()
