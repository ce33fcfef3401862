// Default partitioning is the Java client's: murmur2 for keys, sticky batches for null keys.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'
import { javaPartition } from '../helpers/murmur2.mjs'

test('the same key always goes to the same partition: murmur2, as the Java client', async (t) => {
  const cluster = await startCluster(t, { topics: { keyed: { partitions: 7 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 })
  const keys = Array.from({ length: 500 }, (_, i) => `customer-${i * 7919}`)
  const sends = []
  for (let i = 0; i < 10_000; i++) sends.push(producer.send({ topic: 'keyed', key: keys[i % keys.length], value: String(i) }))
  const mds = await Promise.all(sends)
  await producer.close()
  const seen = new Map()
  mds.forEach((md, i) => {
    const key = keys[i % keys.length]
    if (seen.has(key)) assert.equal(md.partition, seen.get(key), `key ${key} moved partitions`)
    seen.set(key, md.partition)
    assert.equal(md.partition, javaPartition(key, 7), `key ${key}`)
  })
  const log = await readTopic(cluster.bootstrapServers, 'keyed')
  assert.equal(log.length, 10_000)
  for (const m of log) assert.equal(m.partition, javaPartition(m.key, 7))
})

test('null keys are spread over partitions in sticky batches', async (t) => {
  const cluster = await startCluster(t, { topics: { unkeyed: { partitions: 4 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 5 })
  const mds = []
  for (let round = 0; round < 20; round++) {
    mds.push(...(await Promise.all(Array.from({ length: 200 }, (_, i) => producer.send({ topic: 'unkeyed', value: `r${round}-${i}` })))))
  }
  await producer.close()
  const partitions = new Set(mds.map((m) => m.partition))
  assert.ok(partitions.size >= 2, `null keys all went to ${[...partitions]}`)
  // Sticky: consecutive records share a partition far more often than random choice would.
  let switches = 0
  for (let i = 1; i < mds.length; i++) if (mds[i].partition !== mds[i - 1].partition) switches++
  assert.ok(switches < mds.length / 10, `${switches} partition switches in ${mds.length} records: not sticky`)
  const log = await readTopic(cluster.bootstrapServers, 'unkeyed')
  assert.equal(log.length, 4000)
})
