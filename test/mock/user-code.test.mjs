// Every call into user code (logger, listeners, callbacks, getters) is guarded: one bad
// record or logger affects nothing else, and an error nobody listens for reaches stderr.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Producer } from 'ironkafka'
import { startCluster, waitFor } from '../helpers/cluster.mjs'

test('a record whose topic can no longer be read after send() settles like the rest', async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { p: { partitions: 1 } } })
  const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers })
  t.after(() => producer.close())
  const { proxy, revoke } = Proxy.revocable({ topic: 'p', value: 'draft' }, {})
  const results = []
  producer.send(proxy, (err, md) => results.push(err ?? md.topic))
  revoke() // as an Immer draft is after its producer function returned
  for (let i = 0; i < 1000; i++) producer.send({ topic: 'p', value: `v${i}` }, (err) => results.push(err ?? 'ok'))
  await producer.flush(20_000)
  assert.equal(results.length, 1001)
  assert.equal(results[0], 'p')
  assert.equal(results.filter((r) => r === 'ok').length, 1000)
})

for (const [name, makeLogger] of [
  ['throws', () => ({ error() { throw new Error('logger broke') }, warn() { throw new Error('logger broke') } })],
  ['uses unbound methods', () => {
    class Log { #lines = []; error(l) { this.#lines.push(l) } warn(l) { this.#lines.push(l) } }
    const log = new Log()
    return { error: log.error, warn: log.warn }
  }],
]) {
  test(`a logger that ${name} does not strand fire-and-forget records`, async (t) => {
    const cluster = await startCluster(t, { brokers: 1, topics: { f: { partitions: 2 } } })
    const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, logger: makeLogger() })
    t.after(() => producer.close({ timeoutMs: 0 }))
    await producer.send({ topic: 'f', value: 'warm' })
    // 500 records to a partition that does not exist: each fails, and the logger hears of it.
    for (let i = 0; i < 500; i++) producer.produce({ topic: 'f', partition: 7, value: `v${i}` })
    await waitFor(() => producer.pending === 0, { timeoutMs: 20_000, what: `pending 0 (is ${producer.pending})` })
    await producer.send({ topic: 'f', value: 'still works' })
  })
}

test('fire-and-forget failures with no listener and no logger reach stderr', async () => {
  const cluster = await (await import('ironkafka')).MockCluster.start({ brokers: 1 })
  try {
    cluster.createTopic('u', { partitions: 1 })
    const script = `
      import { Producer } from 'ironkafka'
      const p = new Producer({ 'bootstrap.servers': process.argv[1] })
      await p.send({ topic: 'u', value: 'warm' })
      for (let i = 0; i < 3; i++) p.produce({ topic: 'u', partition: 5, value: 'lost' })
      await p.close()
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, cluster.bootstrapServers], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    assert.equal(code, 0, err)
    assert.match(err, /3 record\(s\).*UNKNOWN_PARTITION/s)
  } finally {
    await cluster.close()
  }
})

test('a client error with no error listener and no logger reaches stderr', async () => {
  const script = `
    import { Producer } from 'ironkafka'
    const p = new Producer({ 'bootstrap.servers': '127.0.0.1:9', 'reconnect.backoff.ms': 10 })
    p.produce({ topic: 'x', value: 'v' })
    setTimeout(() => p.close({ timeoutMs: 0 }), 1500)
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) })
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  await new Promise((resolve) => child.on('exit', resolve))
  assert.match(err, /ironkafka: .*(_TRANSPORT|_ALL_BROKERS_DOWN)/)
})
