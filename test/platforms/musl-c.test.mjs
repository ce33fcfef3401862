// musl (Alpine): no musl Node runs here, so the musl builds of librdkafka, OpenSSL, zstd and
// zlib -- the very archives linked into the musl prebuilds -- are proven by a statically linked
// C producer (test/fixtures/c/smoke-producer.c): it runs on any Linux (the arm64 one under
// qemu-aarch64-static) and delivers to a mock cluster, read back with kcat.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { startCluster } from '../helpers/cluster.mjs'
import { readTopic } from '../helpers/kcat.mjs'

for (const target of ['x86_64-linux-musl', 'aarch64-linux-musl']) {
  test(`${target}: a static C producer on the musl libraries delivers to a mock cluster`, { timeout: 1_800_000 }, async (t) => {
    const prefix = execFileSync('bash', [path.join(root, 'deps/build.sh'), target], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim()
    const tc = execFileSync('bash', ['-c', `eval "$(bash "$0" "$1")"; printf %s "$CC"`, path.join(root, 'deps/toolchain.sh'), target], { encoding: 'utf8' })
    const libs = readFileSync(path.join(prefix, 'share/ironkafka/link.txt'), 'utf8').trim().split('\n')
    const include = readFileSync(path.join(prefix, 'share/ironkafka/include'), 'utf8').trim()
    const bin = path.join(mkdtempSync(path.join(tmpdir(), 'ironkafka-musl-')), 'smoke-producer')
    execFileSync(tc, ['-O2', '-static', '-o', bin, path.join(root, 'test/fixtures/c/smoke-producer.c'), `-I${include}`, ...libs, '-lpthread', '-lm'], { stdio: 'inherit' })
    const file = execFileSync('readelf', ['-h', '-l', bin], { encoding: 'utf8' })
    assert.doesNotMatch(file, /Requesting program interpreter/, 'the smoke producer must be static')
    assert.match(file, target.startsWith('aarch64') ? /AArch64/ : /X86-64/)

    const cluster = await startCluster(t, { brokers: 1, topics: { musl: { partitions: 2, replicationFactor: 1 } } })
    const cmd = target.startsWith('aarch64') ? ['qemu-aarch64-static', [bin]] : [bin, []]
    const out = await new Promise((resolve, reject) => {
      execFile(cmd[0], [...cmd[1], cluster.bootstrapServers, 'musl', '500', 'zstd'], { encoding: 'utf8', timeout: 600_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))
    })
    assert.match(out, /^2\.14\.2 delivered 500 failed 0$/m)
    const log = await readTopic(cluster.bootstrapServers, 'musl')
    assert.deepEqual(log.map((m) => m.payload).sort(), Array.from({ length: 500 }, (_, i) => `m${i}`).sort())
  })
}
