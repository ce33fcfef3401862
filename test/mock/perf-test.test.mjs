// `ironkafka perf-test`: the benchmark harness as a command. Only its behaviour is checked
// (output shape, records really written, exit codes), never its timings: these machines are
// too noisy for that (bench/RESULTS.md holds the measured numbers).
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

const run = promisify(execFile)
const bin = path.join(root, 'bin', 'ironkafka.mjs')
const cli = (args) => run(process.execPath, [bin, 'perf-test', ...args], { timeout: 120_000 }).then(
  (r) => ({ code: 0, ...r }),
  (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
)
// "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ..." as
// kafka-producer-perf-test prints it.
const SUMMARY = /^(\d+) records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, [\d.]+ ms 50th, [\d.]+ ms 95th, [\d.]+ ms 99th, [\d.]+ ms 99\.9th\.$/m

for (const mode of ['callback', 'awaited', 'batch', 'produce']) {
  test(`perf-test --mode ${mode} against a broker: prints the summary, and the log holds every record`, async (t) => {
    const cluster = await startCluster(t, { brokers: 1, topics: { perf: { partitions: 4 } } })
    const r = await cli(['--bootstrap', cluster.bootstrapServers, '--topic', 'perf', '--records', '5000', '--record-size', '64', '--mode', mode, '--producer-props', 'linger.ms=1'])
    assert.equal(r.code, 0, r.stderr)
    if (mode === 'produce') assert.match(r.stdout, /^5000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\) \(fire-and-forget/m)
    else assert.equal(r.stdout.match(SUMMARY)?.[1], '5000', r.stdout)
    assert.match(r.stdout, /^0 failed, event loop max delay [\d.]+ ms, peak RSS \d+ MiB$/m)
    const log = await readTopic(cluster.bootstrapServers, 'perf')
    assert.equal(log.length, 5000 + 100) // plus the unmeasured warm-up
    assert.ok(log.every((m) => m.payload.length === 64 && /^key-\d+$/.test(m.key)))
  })
}

test('perf-test without --bootstrap runs on a mock cluster in a child process, with progress lines', async () => {
  const r = await cli(['--records', '30000', '--record-size', '100', '--reporting-interval', '20'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /mock cluster \(1 broker, 4 partitions\) in a separate process/)
  assert.equal(r.stdout.match(SUMMARY)?.[1], '30000')
  const windows = r.stdout.split('\n').filter((l) => /^\d+ records sent, [\d.]+ records\/sec .* ms max latency\.$/.test(l))
  assert.ok(windows.length >= 1, `no progress line in:\n${r.stdout}`)
})

test('perf-test usage errors exit 2 and config errors exit 1, before anything is sent', async () => {
  assert.equal((await cli([])).code, 2)
  assert.equal((await cli(['--records', '10'])).code, 2)
  assert.equal((await cli(['--records', 'x', '--record-size', '10'])).code, 2)
  assert.equal((await cli(['--records', '10', '--record-size', '10', '--mode', 'fast'])).code, 2)
  const bad = await cli(['--records', '10', '--record-size', '10', '--producer-props', 'acks=0', 'enable.idempotence=true'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /acks/)
})
