// The addon's transactional calls against librdkafka's mock cluster (which has a transaction
// coordinator), below any policy: each blocking call resolves with null or a KafkaError that
// carries librdkafka's own classification (retriable, abortable, fatal), a call given too
// little time fails retriably and resumes when called again, and offsets can be sent into a
// transaction. Visibility of committed and aborted records is for real Kafka (test/kafka).
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import path from 'node:path'
import { MockCluster, KafkaError } from 'ironkafka'
import { root } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const { addon } = require(path.join(root, 'dist', 'core', 'native.js'))
const REPORT_STRIDE = addon.Producer.REPORT_COLUMNS.stride

/** A native producer with a transactional.id, on the mock cluster. */
function nativeProducer(t, cluster, id) {
  const pairs = ['bootstrap.servers', cluster.bootstrapServers, 'transactional.id', id, 'log.queue', 'true']
  const native = new addon.Producer(pairs, new Float64Array(16 * REPORT_STRIDE), false)
  t.after(() => native.close())
  return native
}

test('init, begin, commit and abort resolve with null; a call out of order is a KafkaError with the _STATE code and no flags', async (t) => {
  const cluster = await MockCluster.start({ brokers: 3 })
  t.after(() => cluster.close())
  const native = nativeProducer(t, cluster, 'tx-order')
  assert.equal(await native.initTransactions(10_000), null)
  assert.equal(native.beginTransaction(), null)
  const again = native.beginTransaction()
  assert.ok(again instanceof KafkaError, String(again))
  assert.equal(again.code, '_STATE')
  assert.equal(again.retriable, false)
  assert.equal(again.abortable, false)
  assert.equal(again.fatal, false)
  assert.equal(await native.commitTransaction(10_000), null)
  const commitNone = await native.commitTransaction(1_000)
  assert.equal(commitNone?.code, '_STATE')
  assert.equal(native.beginTransaction(), null)
  assert.equal(await native.abortTransaction(10_000), null)
})

test('offsets sent into a transaction with a plain group id are accepted by the coordinator', async (t) => {
  const cluster = await MockCluster.start({ brokers: 3 })
  t.after(() => cluster.close())
  cluster.createTopic('in', { partitions: 2 })
  const native = nativeProducer(t, cluster, 'tx-offsets')
  assert.equal(await native.initTransactions(10_000), null)
  assert.equal(native.beginTransaction(), null)
  assert.equal(await native.sendOffsetsToTransaction(['in', 0, 42, 'in', 1, 7], 'readers', 10_000), null)
  assert.equal(await native.commitTransaction(10_000), null)
  assert.throws(() => native.sendOffsetsToTransaction(['in', 0], 'readers', 1_000), TypeError)
})

test('a commit given too little time fails retriably and resumes when called again', async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.createTopic('in', { partitions: 1 })
  const native = nativeProducer(t, cluster, 'tx-slow')
  assert.equal(await native.initTransactions(10_000), null)
  assert.equal(native.beginTransaction(), null)
  // Something in the transaction (an empty one is committed without asking the coordinator).
  assert.equal(await native.sendOffsetsToTransaction(['in', 0, 1], 'readers', 10_000), null)
  // EndTxn answered only after 600 ms: a 50 ms commit cannot see it through.
  cluster.setBrokerRtt(1, 600)
  const first = await native.commitTransaction(50)
  assert.ok(first instanceof KafkaError, String(first))
  assert.equal(first.code, '_TIMED_OUT')
  assert.equal(first.retriable, true)
  let result = first
  for (let i = 0; i < 100 && result !== null; i++) {
    result = await native.commitTransaction(200)
    if (result !== null) assert.equal(result.retriable, true, `${result.code}: ${result.message}`)
  }
  assert.equal(result, null, 'the commit never completed')
  cluster.setBrokerRtt(1, 0)
  assert.equal(native.beginTransaction(), null)
})

test('PRODUCER_FENCED on InitProducerId is a fatal KafkaError', async (t) => {
  const cluster = await MockCluster.start({ brokers: 1 })
  t.after(() => cluster.close())
  cluster.pushRequestErrors('InitProducerId', ['PRODUCER_FENCED'])
  const native = nativeProducer(t, cluster, 'tx-fenced')
  const e = await native.initTransactions(10_000)
  assert.ok(e instanceof KafkaError, String(e))
  assert.equal(e.fatal, true, `${e.code}: ${e.message}`)
  assert.ok(native.fatalError() instanceof Error)
})
