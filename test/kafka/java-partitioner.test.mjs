// Java compatibility of partitioning: for 10k random keys and several partition counts, the
// partition ironkafka's producer writes to equals the one the Java client's built-in
// partitioner (kafka-clients from Maven Central, run here) computes for the same key bytes.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Producer } from 'ironkafka'
import { kafkaLibs } from '../../scripts/kafka/cluster.mjs'
import { startCluster } from '../helpers/cluster.mjs'

const COUNTS = [1, 2, 3, 6, 7, 12, 50, 100]

test('10k random keys land on the partition the Java client chooses, for 8 partition counts', { timeout: 300_000 }, async (t) => {
  // Keys of every length 1..64 bytes, random content (so all murmur2 tail cases occur), plus
  // UTF-8 string keys as a Java app would send them.
  const keys = Array.from({ length: 10_000 }, (_, i) => (i % 5 === 4 ? Buffer.from(`order-${i}-ü`) : randomBytes(1 + (i % 64))))
  const source = fileURLToPath(new URL('../fixtures/java/Partitions.java', import.meta.url))
  const out = execFileSync('java', ['-cp', `${kafkaLibs()}/*`, source, ...COUNTS.map(String)], {
    input: keys.map((k) => k.toString('hex')).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  })
  const java = out.trim().split('\n').map((l) => l.split(' ').map(Number))
  assert.equal(java.length, keys.length)

  const cluster = await startCluster(t, { brokers: 1, topics: Object.fromEntries(COUNTS.map((n) => [`p${n}`, { partitions: n }])) })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'linger.ms': 20 })
  let mismatches = 0
  for (const [c, n] of COUNTS.entries()) {
    const mds = await Promise.all(keys.map((key) => producer.send({ topic: `p${n}`, key, value: null })))
    mds.forEach((md, i) => {
      if (md.partition !== java[i][c]) mismatches++
    })
    const spread = new Set(mds.map((m) => m.partition)).size
    assert.equal(spread, n, `${n} partitions: keys should reach every partition`)
  }
  await producer.close()
  assert.equal(mismatches, 0)
})
