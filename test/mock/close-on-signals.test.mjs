// closeOnSignals(): a SIGTERM (Kubernetes, Docker) closes the producer -- stop accepting, flush
// up to the deadline, purge, settle every send -- and then ends the process as the signal
// would have. Without it, Node exits at once and every send in flight is lost unreported.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Producer } from 'ironkafka'
import { startCluster } from '../helpers/cluster.mjs'
import { readTopic } from '../helpers/kcat.mjs'

const fixture = fileURLToPath(new URL('../fixtures/sigterm-sender.mjs', import.meta.url))

/** Runs the fixture, sends it SIGTERM once every send is in flight; returns its outcomes. */
function runAndTerminate(bootstrap, topic, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, bootstrap, topic, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let terminated = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.stdout.on('data', (d) => {
      out += d
      if (!terminated && out.includes('sending\n')) {
        terminated = true
        child.kill('SIGTERM')
      }
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const lines = out.split('\n').filter((l) => /^(ok|err) /.test(l)).map((l) => l.split(' '))
      resolve({ code, signal, stderr: err, ok: lines.filter((l) => l[0] === 'ok'), failed: lines.filter((l) => l[0] === 'err') })
    })
  })
}

for (const [mode, what] of [
  ['close-on-signals', 'they are delivered within the close deadline'],
  ['close-on-signals-purge', 'a deadline of 0 purges them, each rejecting with its persisted status'],
]) {
test(`SIGTERM with closeOnSignals: all 1000 in-flight sends settle (${what}), every resolved one is in the log, and the process ends by SIGTERM`, { timeout: 120_000 }, async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { term: { partitions: 3, replicationFactor: 1 } } })
  cluster.setBrokerRtt(1, 300) // acknowledgements take a while: the sends are in flight at SIGTERM
  const r = await runAndTerminate(cluster.bootstrapServers, 'term', mode)
  assert.equal(r.signal, 'SIGTERM', `exit ${r.code} ${r.signal}; stderr: ${r.stderr}`)
  assert.equal(r.ok.length + r.failed.length, 1000, `settled ${r.ok.length} + ${r.failed.length}; stderr: ${r.stderr}`)
  if (mode === 'close-on-signals') assert.equal(r.ok.length, 1000)
  else assert.ok(r.failed.length > 0 && r.failed.every(([, , code]) => /^_PURGE_/.test(code)), JSON.stringify(r.failed.slice(0, 3)))
  const log = await readTopic(cluster.bootstrapServers, 'term')
  const at = new Map(log.map((m) => [`${m.partition}:${m.offset}`, m.payload]))
  for (const [, i, partition, offset] of r.ok) assert.equal(at.get(`${partition}:${offset}`), `v${i}`)
  for (const [, i, code, persisted] of r.failed) {
    if (persisted === 'not-persisted') assert.ok(!log.some((m) => m.payload === `v${i}`), `v${i} (${code}) reported not persisted but is in the log`)
  }
  t.diagnostic(`resolved ${r.ok.length}, rejected ${r.failed.length}`)
})
}

test('without closeOnSignals, SIGTERM ends the process at once and the in-flight sends never settle', { timeout: 120_000 }, async (t) => {
  const cluster = await startCluster(t, { brokers: 1, topics: { term: { partitions: 3, replicationFactor: 1 } } })
  cluster.setBrokerRtt(1, 300)
  const r = await runAndTerminate(cluster.bootstrapServers, 'term', 'default')
  assert.equal(r.signal, 'SIGTERM')
  assert.ok(r.ok.length + r.failed.length < 1000, `settled ${r.ok.length + r.failed.length}`)
})

test('closeOnSignals refuses bad signals and timeouts; close() unregisters its listener', async (t) => {
  const producer = new Producer({ 'bootstrap.servers': '127.0.0.1:1' })
  assert.throws(() => producer.closeOnSignals({ signals: ['SIGNOPE'] }), TypeError)
  assert.throws(() => producer.closeOnSignals({ signals: [] }), TypeError)
  assert.throws(() => producer.closeOnSignals({ timeoutMs: -1 }), TypeError)
  assert.throws(() => producer.closeOnSignals({ timeoutMs: Infinity }), TypeError)
  const before = process.listenerCount('SIGTERM')
  producer.closeOnSignals()
  assert.equal(process.listenerCount('SIGTERM'), before + 1)
  await producer.close({ timeoutMs: 100 })
  assert.equal(process.listenerCount('SIGTERM'), before)
})
