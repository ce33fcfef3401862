// Mass settlement yields to the event loop: records failing together settle in slices, with
// other callbacks running between them, instead of in one long synchronous loop.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { startCluster, waitFor } from '../helpers/cluster.mjs'

/** The most failures settled within one event-loop turn (between two setImmediate ticks). */
function burstsOfFailures(producer, total) {
  let failed = 0
  let sinceTick = 0
  let largest = 0
  producer.on('delivery-error', () => {
    failed++
    largest = Math.max(largest, ++sinceTick)
  })
  const tick = () => {
    sinceTick = 0
    if (failed < total) setImmediate(tick)
  }
  setImmediate(tick)
  return { failed: () => failed, largest: () => largest }
}

test('200k records failing at max.block.ms settle in slices', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { w: { partitions: 1 } } })
  cluster.setBrokerDown(1)
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'queue.buffering.max.messages': 100,
    'max.block.ms': 300,
  })
  t.after(() => producer.close({ timeoutMs: 0 }))
  const total = 200_000
  const seen = burstsOfFailures(producer, total - 100)
  for (let i = 0; i < total; i++) producer.produce({ topic: 'w', value: 'v' })
  await waitFor(() => seen.failed() >= total - 100, { timeoutMs: 60_000, what: 'the waiting records to fail' })
  assert.ok(seen.largest() < total / 4, `${seen.largest()} of ${total - 100} failures settled in one event-loop turn`)
})

test('200k records purged by close() settle in slices', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { c: { partitions: 1 } } })
  cluster.setBrokerDown(1)
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, 'queue.buffering.max.messages': 100, 'max.block.ms': 60_000 })
  const total = 200_000
  const seen = burstsOfFailures(producer, total)
  for (let i = 0; i < total; i++) producer.produce({ topic: 'c', value: 'v' })
  await producer.close({ timeoutMs: 0 })
  assert.equal(seen.failed(), total)
  assert.ok(seen.largest() < total / 4, `${seen.largest()} of ${total} failures settled in one event-loop turn`)
})
