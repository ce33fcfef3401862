// validateConfig / checkConfig: every rule between settings, with the messages checked for
// the keys they must name. Pure: no broker, no addon needed for these.
import test from 'node:test'
import assert from 'node:assert/strict'
import { checkConfig, validateConfig, producerConfigSchema, ConfigError, KafkaError, Producer } from 'ironkafka'

/** The one error about `key`; fails when there is none or several. */
function errorFor(config, key) {
  const r = checkConfig(config)
  const hits = r.errors.filter((e) => e.key === key)
  assert.equal(hits.length, 1, `expected one error for ${key}, got ${JSON.stringify(r.errors, null, 1)}`)
  return hits[0]
}
function names(message, ...keys) {
  for (const k of keys) assert.ok(message.includes(k), `message does not name ${k}: ${message}`)
}
const ok = (config) => {
  const r = checkConfig(config)
  assert.deepEqual(r.errors, [], JSON.stringify(r.errors))
  return r
}

test('safe defaults: idempotence on, acks=all, murmur2_random, max.block.ms 60000 — each marked as a default', () => {
  const r = ok({ 'bootstrap.servers': 'k:9092' })
  assert.deepEqual(r.warnings, [])
  const s = r.resolved.settings
  assert.deepEqual(s['enable.idempotence'], { value: true, source: 'default', keys: [] })
  assert.deepEqual(s['request.required.acks'], { value: -1, source: 'default', keys: [] })
  assert.deepEqual(s.partitioner, { value: 'murmur2_random', source: 'default', keys: [] })
  assert.equal(r.resolved.maxBlockMs, 60000)
  assert.deepEqual(s['metadata.broker.list'], { value: 'k:9092', source: 'user', keys: ['bootstrap.servers'] })
  // What librdkafka itself would adjust for idempotence is shown as implied.
  assert.deepEqual(s['max.in.flight.requests.per.connection'], { value: 5, source: 'implied', keys: [] })
  assert.equal(r.resolved.librdkafka['enable.idempotence'], 'true')
  assert.equal(r.resolved.librdkafka['request.required.acks'], '-1')
})

test('the user overrides defaults; explicit choices are kept', () => {
  const r = ok({ 'enable.idempotence': false, acks: 1, partitioner: 'consistent_random', 'max.block.ms': 5 })
  assert.equal(r.resolved.librdkafka['enable.idempotence'], 'false')
  assert.equal(r.resolved.librdkafka['request.required.acks'], '1')
  assert.equal(r.resolved.librdkafka.partitioner, 'consistent_random')
  assert.equal(r.resolved.maxBlockMs, 5)
  assert.equal(r.resolved.settings['request.required.acks'].source, 'user')
})

test('Java names map to librdkafka with unit conversion', () => {
  const r = ok({
    'bootstrap.servers': ['a:1', 'b:2'],
    'buffer.memory': 33554432,
    'max.request.size': '2097152',
    'delivery.timeout.ms': 120000,
    'linger.ms': 10,
    retries: 7,
    'max.in.flight.requests.per.connection': 5,
    'compression.type': 'zstd',
    'send.buffer.bytes': -1,
    'receive.buffer.bytes': 65536,
    'partitioner.class': 'org.apache.kafka.clients.producer.UniformStickyPartitioner',
    'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
    'value.serializer': 'org.apache.kafka.common.serialization.ByteArraySerializer',
    'connections.max.idle.ms': 540000,
    'request.timeout.ms': 30000,
    'retry.backoff.ms': 100,
    'batch.size': 16384,
    'client.id': 'svc',
  })
  assert.deepEqual(r.resolved.librdkafka, {
    'metadata.broker.list': 'a:1,b:2',
    'queue.buffering.max.kbytes': '32768',
    'message.max.bytes': '2097152',
    'message.timeout.ms': '120000',
    'queue.buffering.max.ms': '10',
    'message.send.max.retries': '7',
    'max.in.flight.requests.per.connection': '5',
    'compression.codec': 'zstd',
    'socket.send.buffer.bytes': '0',
    'socket.receive.buffer.bytes': '65536',
    partitioner: 'random',
    'connections.max.idle.ms': '540000',
    'request.timeout.ms': '30000',
    'retry.backoff.ms': '100',
    'batch.size': '16384',
    'client.id': 'svc',
    'enable.idempotence': 'true',
    'request.required.acks': '-1',
  })
  assert.equal(r.resolved.keySerializer, 'string')
  assert.equal(r.resolved.valueSerializer, 'buffer')
  // buffer.memory rounds up to whole KiB: never less than asked for.
  assert.equal(ok({ 'buffer.memory': 1025 }).resolved.librdkafka['queue.buffering.max.kbytes'], '2')
  assert.equal(ok({ 'partitioner.ignore.keys': 'true' }).resolved.librdkafka.partitioner, 'random')
  assert.equal(ok({ 'partitioner.ignore.keys': false }).resolved.librdkafka.partitioner, 'murmur2_random')
})

test('numbers and booleans given as strings are coerced; enums are matched case-insensitively', () => {
  const r = ok({ 'linger.ms': '12.5', 'enable.idempotence': 'TRUE', 'batch.num.messages': ' 500 ', 'compression.type': 'LZ4', acks: 'all', debug: 'broker, msg' })
  assert.equal(r.resolved.settings['queue.buffering.max.ms'].value, 12.5)
  assert.equal(r.resolved.settings['enable.idempotence'].value, true)
  assert.equal(r.resolved.settings['batch.num.messages'].value, 500)
  assert.equal(r.resolved.librdkafka['compression.codec'], 'lz4')
  assert.equal(r.resolved.librdkafka.debug, 'broker,msg')
  assert.equal(ok({ debug: ['broker', 'topic'] }).resolved.librdkafka.debug, 'broker,topic')
})

test('idempotence with acks other than all is rejected, naming both settings', () => {
  for (const acks of [0, 1, '1', '0']) {
    const e = errorFor({ acks }, 'acks')
    names(e.message, 'acks', 'enable.idempotence', 'acks=all')
    assert.match(e.message, /ironkafka's default/) // idempotence came from our default
  }
  const e = errorFor({ 'enable.idempotence': 'true', acks: 1 }, 'acks')
  assert.doesNotMatch(e.message, /default/)
  assert.deepEqual(e.keys, ['acks', 'enable.idempotence'])
  ok({ 'enable.idempotence': false, acks: 1 })
})

test('idempotence with max.in.flight > 5 is rejected; 1..5 are fine', () => {
  const e = errorFor({ 'max.in.flight.requests.per.connection': 6 }, 'max.in.flight.requests.per.connection')
  names(e.message, 'max.in.flight.requests.per.connection', 'enable.idempotence', '1..5')
  const alias = errorFor({ 'max.in.flight': '100' }, 'max.in.flight')
  names(alias.message, 'max.in.flight', 'enable.idempotence')
  for (const n of [1, 5]) ok({ 'max.in.flight.requests.per.connection': n })
})

test('idempotence with retries = 0 is rejected (under either name)', () => {
  names(errorFor({ retries: 0 }, 'retries').message, 'retries', 'enable.idempotence')
  names(errorFor({ 'message.send.max.retries': '0' }, 'message.send.max.retries').message, 'message.send.max.retries', 'enable.idempotence')
  ok({ retries: 1 })
})

test('librdkafka\'s other idempotence rules: backpressure threshold, lifo queuing', () => {
  names(errorFor({ 'queue.buffering.backpressure.threshold': 2 }, 'queue.buffering.backpressure.threshold').message, 'enable.idempotence')
  names(errorFor({ 'queuing.strategy': 'lifo' }, 'queuing.strategy').message, 'queuing.strategy', 'enable.idempotence', 'fifo')
})

test('enable.gapless.guarantee without idempotence is rejected', () => {
  const e = errorFor({ 'enable.gapless.guarantee': true, 'enable.idempotence': false }, 'enable.gapless.guarantee')
  names(e.message, 'enable.gapless.guarantee', 'enable.idempotence')
  ok({ 'enable.gapless.guarantee': true })
})

test('transactional.id with enable.idempotence explicitly false is rejected; not explicitly set is fine', () => {
  const e = errorFor({ 'transactional.id': 'tx-1', 'enable.idempotence': false }, 'enable.idempotence')
  names(e.message, 'transactional.id', 'enable.idempotence')
  const r = ok({ 'transactional.id': 'tx-1' })
  // librdkafka uses transaction.timeout.ms as the message timeout of a transactional producer.
  assert.deepEqual(r.resolved.settings['message.timeout.ms'], { value: 60000, source: 'implied', keys: [] })
  names(errorFor({ 'transactional.id': 't', 'delivery.timeout.ms': 70000 }, 'delivery.timeout.ms').message, 'delivery.timeout.ms', 'transaction.timeout.ms')
  names(errorFor({ 'transactional.id': 't', 'socket.timeout.ms': 70000 }, 'socket.timeout.ms').message, 'socket.timeout.ms', 'transaction.timeout.ms')
})

test("delivery.timeout.ms < linger.ms + request.timeout.ms is rejected (Java's rule), naming all three", () => {
  const e = errorFor({ 'delivery.timeout.ms': 20000, 'linger.ms': 100, 'request.timeout.ms': 30000 }, 'delivery.timeout.ms')
  names(e.message, 'delivery.timeout.ms', 'linger.ms', 'request.timeout.ms', '30100')
  // Under librdkafka's name the message uses the user's name.
  names(errorFor({ 'message.timeout.ms': 1000 }, 'message.timeout.ms').message, 'message.timeout.ms', 'linger.ms')
  ok({ 'delivery.timeout.ms': 30100, 'linger.ms': 100, 'request.timeout.ms': 30000 })
  ok({ 'delivery.timeout.ms': 0, 'linger.ms': 100 }) // 0 = no timeout
  // Not set by the user: raised to fit, with a warning saying so.
  const r = ok({ 'request.timeout.ms': 400000 })
  assert.deepEqual(r.resolved.settings['message.timeout.ms'], { value: 400005, source: 'implied', keys: [] })
  assert.ok(r.warnings.some((w) => w.key === 'delivery.timeout.ms' && /raised to 400005/.test(w.message)))
})

test('reconnect.backoff.max.ms below reconnect.backoff.ms is rejected', () => {
  names(errorFor({ 'reconnect.backoff.ms': 5000, 'reconnect.backoff.max.ms': 1000 }, 'reconnect.backoff.max.ms').message, 'reconnect.backoff.ms')
  names(errorFor({ 'reconnect.backoff.ms': 20000 }, 'reconnect.backoff.max.ms').message, 'reconnect.backoff.ms', 'reconnect.backoff.max.ms')
})

test('one setting under two names: different values are rejected naming both keys; equal values are fine', () => {
  const e = errorFor({ 'linger.ms': 10, 'queue.buffering.max.ms': 20 }, 'queue.buffering.max.ms')
  names(e.message, 'linger.ms', 'queue.buffering.max.ms')
  assert.deepEqual(e.keys, ['linger.ms', 'queue.buffering.max.ms'])
  names(errorFor({ 'delivery.timeout.ms': 60000, 'message.timeout.ms': 90000 }, 'message.timeout.ms').message, 'delivery.timeout.ms', 'message.timeout.ms')
  names(errorFor({ acks: 'all', 'request.required.acks': 1 }, 'request.required.acks').message, 'acks', 'request.required.acks')
  names(errorFor({ keySerializer: 'json', 'key.serializer': 'string' }, 'key.serializer').message, 'keySerializer', 'key.serializer')
  // Units are converted before comparing: 32 MiB in bytes equals 32768 KiB.
  ok({ 'buffer.memory': 33554432, 'queue.buffering.max.kbytes': 32768 })
  names(errorFor({ 'buffer.memory': 33554432, 'queue.buffering.max.kbytes': 1024 }, 'queue.buffering.max.kbytes').message, 'buffer.memory')
  ok({ 'linger.ms': '10', 'queue.buffering.max.ms': 10 })
  names(errorFor({ partitioner: 'murmur2_random', 'partitioner.ignore.keys': true }, 'partitioner.ignore.keys').message, 'partitioner')
})

test('unknown keys get "did you mean" with the closest name; consumer-only keys say so', () => {
  const cases = {
    'lingr.ms': 'linger.ms',
    'linger.msec': 'linger.ms',
    lingerMs: 'linger.ms',
    bootstrap_servers: 'bootstrap.servers',
    'enable.idempotency': 'enable.idempotence',
    'acsk': 'acks',
    'compresion.type': 'compression.type',
    'max.block.sm': 'max.block.ms',
    'buffer.memroy': 'buffer.memory',
  }
  for (const [typo, meant] of Object.entries(cases)) {
    const e = errorFor({ [typo]: 1 }, typo)
    assert.match(e.message, new RegExp(`Did you mean ${meant.replace(/\./g, '\\.')}\\?`), `${typo}: ${e.message}`)
  }
  assert.doesNotMatch(errorFor({ 'totally.unrelated.thing': 1 }, 'totally.unrelated.thing').message, /Did you mean/)
  // Names of Object.prototype are keys like any other, not table hits.
  for (const k of ['toString', 'constructor', 'hasOwnProperty']) assert.equal(errorFor({ [k]: 1 }, k).rule, 'unknown-key', k)
  for (const k of ['group.id', 'auto.offset.reset', 'enable.auto.commit', 'session.timeout.ms', 'key.deserializer', 'max.poll.records']) {
    assert.match(errorFor({ [k]: 'x' }, k).message, /consumer setting/, k)
  }
})

test('Java-only, C-API-only and ironkafka-managed keys are rejected with what to do instead', () => {
  assert.match(errorFor({ 'sasl.jaas.config': 'x' }, 'sasl.jaas.config').message, /sasl\.username/)
  assert.match(errorFor({ 'ssl.truststore.location': '/x.jks' }, 'ssl.truststore.location').message, /ssl\.ca\.location/)
  assert.match(errorFor({ 'interceptor.classes': 'a.B' }, 'interceptor.classes').message, /Java/)
  assert.match(errorFor({ dr_msg_cb: 'x' }, 'dr_msg_cb').message, /C API/)
  assert.match(errorFor({ 'delivery.report.only.error': true }, 'delivery.report.only.error').message, /pending forever/)
  assert.match(errorFor({ 'log.queue': false }, 'log.queue').message, /logger/)
  assert.match(errorFor({ 'partitioner.class': 'org.apache.kafka.clients.producer.RoundRobinPartitioner' }, 'partitioner.class').message, /no librdkafka equivalent/)
  assert.match(errorFor({ 'key.serializer': 'io.confluent.kafka.serializers.KafkaAvroSerializer' }, 'key.serializer').message, /cannot run here/)
})

test('out-of-range and wrongly typed values name the key and the allowed range or values', () => {
  const cases = [
    [{ 'linger.ms': -1 }, 'linger.ms', /from 0 to 900000; got -1/],
    [{ 'linger.ms': 'soon' }, 'linger.ms', /from 0 to 900000; got "soon"/],
    [{ 'linger.ms': 1e6 }, 'linger.ms', /from 0 to 900000/],
    [{ 'batch.size': 1.5 }, 'batch.size', /an integer from 1 to 2147483647; got 1\.5/],
    [{ 'batch.size': NaN }, 'batch.size', /got NaN/],
    [{ 'buffer.memory': 0 }, 'buffer.memory', /from 1 to .* bytes/],
    [{ 'enable.idempotence': 'yes' }, 'enable.idempotence', /true or false; got "yes"/],
    [{ 'compression.type': 'brotli' }, 'compression.type', /none, gzip, snappy, lz4, zstd; got "brotli"/],
    [{ acks: 2 }, 'acks', /all \(or -1\), 0 or 1; got 2/],
    [{ partitioner: 'crc' }, 'partitioner', /murmur2_random/],
    [{ debug: 'everything' }, 'debug', /"everything" is not one of/],
    [{ 'client.id': { a: 1 } }, 'client.id', /must be a string; got an object/],
    [{ 'max.block.ms': -5 }, 'max.block.ms', /from 0 to 2147483647 ms/],
    [{ logger: 'console' }, 'logger', /logger must be an object/],
  ]
  for (const [config, key, re] of cases) assert.match(errorFor(config, key).message, re, JSON.stringify(config))
  assert.equal(checkConfig(null).errors[0].key, '')
  assert.equal(checkConfig([1]).ok, false)
})

test('all problems are reported at once, and validateConfig throws them in one ConfigError', () => {
  const config = { 'bootstrap.servers': 'k:9092', 'lingr.ms': 1, acks: 1, 'group.id': 'g', 'batch.size': -1, 'linger.ms': 5, 'queue.buffering.max.ms': 6, retries: 0 }
  const r = checkConfig(config)
  assert.deepEqual(r.errors.map((e) => e.key).sort(), ['acks', 'batch.size', 'group.id', 'lingr.ms', 'queue.buffering.max.ms', 'retries'])
  assert.throws(() => validateConfig(config), (e) => {
    assert.ok(e instanceof ConfigError && e instanceof KafkaError)
    assert.equal(e.code, '_INVALID_ARG')
    assert.equal(e.issues.length, 6)
    assert.match(e.message, /6 problems/)
    for (const i of e.issues) assert.ok(e.message.includes(i.message))
    return true
  })
})

test('warnings, in the words of the trade-off: acks 0/1, reordering retries, idempotence off', () => {
  const w = (config) => checkConfig(config).warnings
  const acks1 = w({ 'enable.idempotence': false, acks: 1, 'max.in.flight.requests.per.connection': 1 })
  assert.equal(acks1.length, 2)
  assert.match(acks1.find((x) => x.key === 'acks').message, /lost if the leader fails/)
  assert.match(w({ 'enable.idempotence': false, acks: 0, 'max.in.flight.requests.per.connection': 1 }).find((x) => x.key === 'acks').message, /never answers/)
  const reorder = w({ 'enable.idempotence': false, 'max.in.flight.requests.per.connection': 5 }).find((x) => x.key === 'max.in.flight.requests.per.connection')
  assert.match(reorder.message, /reorder/)
  names(reorder.message, 'retries', 'max.in.flight.requests.per.connection', 'enable.idempotence')
  assert.equal(w({ 'enable.idempotence': false, retries: 0 }).some((x) => /reorder/.test(x.message)), false)
  assert.equal(w({ 'enable.idempotence': false, 'max.in.flight.requests.per.connection': 1 }).some((x) => /reorder/.test(x.message)), false)
  assert.match(w({ 'enable.idempotence': false }).find((x) => x.key === 'enable.idempotence').message, /twice/)
  assert.deepEqual(w({ 'enable.idempotence': true }), [])
  assert.match(w({ 'produce.offset.report': true })[0].message, /deprecated/)
})

test('producerConfigSchema embeds the same validation in a zod schema (path = key)', () => {
  const bad = producerConfigSchema.safeParse({ acks: 1, 'lingr.ms': 3 })
  assert.equal(bad.success, false)
  assert.deepEqual(bad.error.issues.map((i) => i.path[0]).sort(), ['acks', 'lingr.ms'])
  const good = producerConfigSchema.safeParse({ 'linger.ms': '7' })
  assert.equal(good.success, true)
  assert.equal(good.data.librdkafka['queue.buffering.max.ms'], '7')
})

test('new Producer() validates first: a bad config throws every problem and creates nothing native', () => {
  assert.throws(
    () => new Producer({ 'bootstrap.servers': '127.0.0.1:1', acks: 1, 'lingr.ms': 5 }),
    (e) => e instanceof ConfigError && e.issues.length === 2,
  )
  assert.throws(() => new Producer({ 'transactional.id': 'tx' }), (e) => e instanceof ConfigError && /transactions/.test(e.message))
})

test('random inputs never crash the validator: it returns a report or throws ConfigError', async () => {
  const fc = (await import('fast-check')).default
  const keys = fc.oneof(fc.string(), fc.constantFrom('linger.ms', 'acks', 'buffer.memory', 'debug', 'partitioner', 'bootstrap.servers', '__proto__', 'constructor', 'toString', 'logger', 'key.serializer'))
  fc.assert(
    fc.property(fc.dictionary(keys, fc.anything()), (config) => {
      const r = checkConfig(config)
      assert.equal(r.ok, r.errors.length === 0)
      for (const i of [...r.errors, ...r.warnings]) assert.equal(typeof i.message, 'string')
      try {
        validateConfig(config)
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e
      }
    }),
    { numRuns: 2000 },
  )
  for (const weird of [undefined, 0, 'x', Symbol('s'), () => 1, new Map(), Object.create(null)]) checkConfig(weird)
})
