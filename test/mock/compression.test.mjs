// Every codec we build with delivers messages an independent reader decodes.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
  test(`compression.type=${codec} delivers messages kcat reads back`, async (t) => {
    const cluster = await startCluster(t, { brokers: 1, topics: { [codec]: { partitions: 2 } } })
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'compression.type': codec, 'linger.ms': 10 })
    // Compressible payloads, batched so the codec actually runs on multi-record batches.
    const values = Array.from({ length: 500 }, (_, i) => `${codec}-${i}-` + 'abcdefgh'.repeat(40))
    await producer.sendBatch(values.map((value, i) => ({ topic: codec, key: String(i % 5), value })))
    await producer.close()
    const log = await readTopic(cluster.bootstrapServers, codec)
    assert.deepEqual(log.map((m) => m.payload).sort(), [...values].sort())
  })
}
