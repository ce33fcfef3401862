// librdkafka raises _ALL_BROKERS_DOWN when every broker connection is down. That event rests
// on rd_atomic32_set() returning the previous value; a librdkafka built without its atomics
// defines returns the new one instead, and the event (and rebootstrap) silently never happen.
import test from 'node:test'
import assert from 'node:assert/strict'
import { Producer } from 'ironkafka'
import { startCluster, waitFor } from '../helpers/cluster.mjs'

test('the only broker going down is reported as _ALL_BROKERS_DOWN within seconds, and sends deliver once it is back', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { lone: { partitions: 1, replicationFactor: 1 } } })
  const producer = new Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'reconnect.backoff.ms': 50,
    'reconnect.backoff.max.ms': 200,
  })
  t.after(() => producer.close({ timeoutMs: 1000 }))
  const codes = []
  producer.on('error', (err) => codes.push(err.code))
  await producer.send({ topic: 'lone', value: 'before' }) // connected, metadata known

  cluster.setBrokerDown(1)
  const downAt = Date.now()
  await waitFor(() => codes.includes('_ALL_BROKERS_DOWN'), { timeoutMs: 10_000, what: '_ALL_BROKERS_DOWN' }).catch((err) => {
    throw new Error(`${err.message}; seen: ${[...new Set(codes)].join(', ') || 'none'}`)
  })
  t.diagnostic(`_ALL_BROKERS_DOWN after ${Date.now() - downAt} ms`)

  cluster.setBrokerUp(1)
  const md = await producer.send({ topic: 'lone', value: 'after' })
  assert.equal(md.partition, 0)
  assert.ok(md.offset >= 1)
})
