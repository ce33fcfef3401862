// Holds the validator to librdkafka's own verdict (rd_kafka_conf_set for every pair, then
// rd_kafka_new, through the addon's checkConfig probe):
//   - every config ironkafka accepts, librdkafka accepts (as ironkafka would pass it);
//   - every config ironkafka rejects only for reasons librdkafka also checks (conflicts it
//     enforces at rd_kafka_new, out-of-range values, unknown names), librdkafka rejects too.
// Rules that are ironkafka's own (Java's delivery.timeout.ms rule, one setting under two
// names, consumer-only keys, acks above 1) are stricter than librdkafka by design.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import fc from 'fast-check'
import { checkConfig } from 'ironkafka'
import { root as repoRoot } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const addon = require('node-gyp-build')(repoRoot)

const ENFORCED_BY_LIBRDKAFKA = new Set([
  'idempotence.acks',
  'idempotence.max-in-flight',
  'idempotence.retries',
  'idempotence.backpressure',
  'idempotence.queuing',
  'gapless.idempotence',
  'transactional.idempotence',
  'transactional.message-timeout',
  'transactional.socket-timeout',
  'delivery-timeout.linger',
  'reconnect-backoff',
  'ssl.keystore-password',
  'build-key',
  'unknown-key',
  'value',
])

const int = (min, max) => fc.integer({ min, max })
/** Mostly-valid values with edges and some out-of-range ones, as numbers or strings. */
const around = (min, max, edges = []) =>
  fc.oneof(
    { weight: 6, arbitrary: int(min, max) },
    { weight: 2, arbitrary: fc.constantFrom(min, max, ...edges) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1) },
  ).chain((n) => fc.constantFrom(n, String(n)))
const bool = fc.constantFrom(true, false, 'true', 'false')

/** librdkafka names only, so the raw config means the same thing to both. */
const RAW = {
  'enable.idempotence': bool,
  'enable.gapless.guarantee': bool,
  acks: fc.constantFrom('all', '-1', '0', '1', -1, 0, 1),
  'request.required.acks': fc.constantFrom(-1, 0, 1),
  'max.in.flight.requests.per.connection': around(1, 1000000, [5, 6]),
  retries: around(0, 2147483647, [1]),
  'message.send.max.retries': around(0, 10),
  'queue.buffering.backpressure.threshold': around(1, 1000000, [2]),
  'queuing.strategy': fc.constantFrom('fifo', 'lifo'),
  'linger.ms': around(0, 900000, [5, 1000, 40000]),
  'queue.buffering.max.ms': around(0, 900000),
  'message.timeout.ms': around(0, 2147483647, [3, 1000, 30005, 60000, 300000]),
  'delivery.timeout.ms': around(0, 2147483647, [1, 30000]),
  'request.timeout.ms': around(1, 900000, [1, 30000]),
  'transactional.id': fc.constantFrom('tx-a', 'tx-b'),
  'transaction.timeout.ms': around(1000, 2147483647, [60000, 900000]),
  'socket.timeout.ms': around(10, 300000, [60000, 60100, 60101]),
  'reconnect.backoff.ms': around(0, 3600000, [100, 20000]),
  'reconnect.backoff.max.ms': around(0, 3600000, [10000]),
  'batch.size': around(1, 2147483647, [16384]),
  'batch.num.messages': around(1, 1000000),
  'compression.type': fc.constantFrom('none', 'gzip', 'snappy', 'lz4', 'zstd', 'brotli'),
  'compression.level': around(-1, 12),
  'queue.buffering.max.kbytes': around(1, 2147483647),
  'queue.buffering.max.messages': around(0, 2147483647),
  'message.max.bytes': around(1000, 1000000000, [1000000]),
  partitioner: fc.constantFrom('random', 'consistent', 'consistent_random', 'murmur2', 'murmur2_random', 'fnv1a', 'fnv1a_random', 'crc'),
  'sticky.partitioning.linger.ms': around(0, 900000),
  'client.id': fc.constantFrom('a', 'svc-1'),
  'statistics.interval.ms': around(0, 86400000),
  'topic.metadata.refresh.interval.ms': around(-1, 3600000),
  'lingr.ms': fc.constant(5), // a typo: unknown to both
}
/** Java names ironkafka maps (librdkafka does not know some of them). */
const JAVA = {
  'buffer.memory': around(1, 2147483647 * 1024, [33554432, 1023]),
  'max.request.size': around(1000, 1000000000, [1048576]),
  'send.buffer.bytes': around(-1, 100000000),
  'receive.buffer.bytes': around(-1, 100000000),
  'partitioner.class': fc.constantFrom(
    'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
    'org.apache.kafka.clients.producer.UniformStickyPartitioner',
  ),
  'partitioner.ignore.keys': bool,
  'connections.max.idle.ms': around(0, 2147483647, [540000]),
  'retry.backoff.ms': around(1, 300000),
  'max.block.ms': around(0, 120000),
}

/** A config of up to maxKeys of the given fields: few keys, so some configs are valid. */
const configOf = (fields, maxKeys) =>
  fc
    .shuffledSubarray(Object.keys(fields), { minLength: 0, maxLength: maxKeys })
    .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, fields[k]]))))

function nativePairs(config) {
  return Object.entries(config).flatMap(([k, v]) => [k, String(v)])
}

test('every config ironkafka accepts, librdkafka accepts (rd_kafka_conf_set + rd_kafka_new)', async () => {
  let accepted = 0
  await fc.assert(
    fc.asyncProperty(configOf({ ...RAW, ...JAVA }, 6), async (config) => {
      const r = checkConfig(config)
      if (!r.ok) return
      accepted++
      const pairs = [...nativePairs(r.resolved.librdkafka), 'log.queue', 'true']
      const verdict = await addon.checkConfig(pairs)
      assert.equal(verdict, null, `ironkafka accepted ${JSON.stringify(config)} but librdkafka says: ${verdict}`)
    }),
    { numRuns: 800 },
  )
  assert.ok(accepted >= 80, `only ${accepted} of 800 random configs were accepted: the generator is too hostile to test anything`)
})

test("what ironkafka rejects for librdkafka's reasons, librdkafka rejects too", async () => {
  const seen = new Map()
  await fc.assert(
    fc.asyncProperty(configOf(RAW, 8), async (config) => {
      const r = checkConfig(config)
      if (r.ok) return
      // acks=2..1000 is librdkafka-legal (brokers refuse it); two names for one setting is
      // ironkafka's rule. Only configs whose every error librdkafka also checks count here.
      if (!r.errors.every((e) => ENFORCED_BY_LIBRDKAFKA.has(e.rule))) return
      for (const e of r.errors) seen.set(e.rule, (seen.get(e.rule) ?? 0) + 1)
      // As librdkafka would get it without ironkafka, plus ironkafka's one non-librdkafka default
      // that changes which rules apply (idempotence on).
      const raw = { 'enable.idempotence': 'true', ...config }
      const verdict = await addon.checkConfig(nativePairs(raw))
      assert.notEqual(verdict, null, `ironkafka rejected ${JSON.stringify(config)} (${r.errors.map((e) => e.message).join('; ')}) but librdkafka accepts it`)
    }),
    { numRuns: 1500 },
  )
  // The generator must actually reach the conflict rules, not only bad values.
  for (const rule of ['idempotence.acks', 'idempotence.max-in-flight', 'idempotence.retries', 'gapless.idempotence', 'value', 'unknown-key']) {
    assert.ok((seen.get(rule) ?? 0) > 0, `rule ${rule} never exercised: ${JSON.stringify([...seen])}`)
  }
})

test('each enforced conflict rule, one by one, is rejected by both', async () => {
  const cases = [
    [{ acks: 1 }, 'idempotence.acks'],
    [{ 'max.in.flight.requests.per.connection': 6 }, 'idempotence.max-in-flight'],
    [{ retries: 0 }, 'idempotence.retries'],
    [{ 'queue.buffering.backpressure.threshold': 2 }, 'idempotence.backpressure'],
    [{ 'queuing.strategy': 'lifo' }, 'idempotence.queuing'],
    [{ 'enable.idempotence': false, 'enable.gapless.guarantee': true }, 'gapless.idempotence'],
    [{ 'transactional.id': 't', 'enable.idempotence': false }, 'transactional.idempotence'],
    [{ 'transactional.id': 't', 'message.timeout.ms': 60001 }, 'transactional.message-timeout'],
    [{ 'transactional.id': 't', 'socket.timeout.ms': 60101 }, 'transactional.socket-timeout'],
    // librdkafka adds 100 to transaction.timeout.ms in a 32-bit int: near INT32_MAX it refuses any socket.timeout.ms.
    [{ 'transactional.id': 't', 'socket.timeout.ms': 10, 'transaction.timeout.ms': 2147483647 }, 'transactional.socket-timeout'],
    [{ 'linger.ms': 1000, 'message.timeout.ms': 1000 }, 'delivery-timeout.linger'],
    [{ 'reconnect.backoff.ms': 20000 }, 'reconnect-backoff'],
    [{ 'ssl.keystore.location': '/nonexistent.p12' }, 'ssl.keystore-password'],
    [{ 'plugin.library.paths': 'monitoring-interceptor' }, 'build-key'],
  ]
  for (const [config, rule] of cases) {
    const r = checkConfig(config)
    assert.ok(r.errors.some((e) => e.rule === rule), `${rule}: ${JSON.stringify(r.errors)}`)
    const verdict = await addon.checkConfig(nativePairs({ 'enable.idempotence': 'true', ...config }))
    assert.ok(typeof verdict === 'string' && verdict.length > 0, `${rule}: librdkafka accepted ${JSON.stringify(config)}`)
  }
})
