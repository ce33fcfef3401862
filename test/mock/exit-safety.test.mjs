// No loss at exit: pending sends keep the process alive until they settle.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readTopic } from '../helpers/kcat.mjs'
import { startCluster } from '../helpers/cluster.mjs'

const run = promisify(execFile)
const fixture = new URL('../fixtures/send-and-exit.mjs', import.meta.url).pathname

test('a script that sends 1000 messages and ends without flush delivers all 1000', async (t) => {
  const cluster = await startCluster(t, { topics: { exit: { partitions: 3 } } })
  const { stderr } = await run(process.execPath, [fixture, cluster.bootstrapServers, 'exit', 'end'], { timeout: 60_000 })
  assert.equal(stderr, '')
  const log = await readTopic(cluster.bootstrapServers, 'exit')
  assert.equal(log.length, 1000)
  assert.deepEqual(new Set(log.map((m) => m.payload)), new Set(Array.from({ length: 1000 }, (_, i) => `msg-${i}`)))
})

test('process.exit() with records pending warns on stderr with the count', async (t) => {
  const cluster = await startCluster(t, { topics: { forced: { partitions: 1 } } })
  const { stderr } = await run(process.execPath, [fixture, cluster.bootstrapServers, 'forced', 'exit'], { timeout: 60_000 })
  const m = /process exiting with (\d+) record\(s\) not yet acknowledged/.exec(stderr)
  assert.ok(m, `no warning in stderr: ${stderr}`)
  assert.ok(Number(m[1]) > 0 && Number(m[1]) <= 1000)
})

test('a script whose last send is refused on the spot (no such partition) still ends on its own', async (t) => {
  const cluster = await startCluster(t, { topics: { refused: { partitions: 1 } } })
  const script = `
    import { Producer } from 'ironkafka'
    const p = new Producer({ 'bootstrap.servers': process.argv[1] })
    await p.send({ topic: 'refused', value: 'warm' })
    await p.send({ topic: 'refused', partition: 5, value: 'x' }).catch((e) => console.log(e.code, p.pending))
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, cluster.bootstrapServers], {
    timeout: 20_000,
    cwd: new URL('../..', import.meta.url).pathname,
  })
  assert.equal(stdout.trim(), '_UNKNOWN_PARTITION 0')
})
