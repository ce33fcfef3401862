// The published .d.ts files compile in a strict TypeScript project that adds nothing for
// them (no `types: ["node"]`, skipLibCheck off), with TypeScript 5 and 7.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

const compilers = [
  ['TypeScript 5', path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')],
  ['TypeScript 7', path.join(root, 'node_modules', 'typescript7', 'bin', 'tsc')],
]

function consumerProject(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-consumer-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true })
  symlinkSync(root, path.join(dir, 'node_modules', 'ironkafka'))
  symlinkSync(path.join(root, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'))
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }))
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: false, noEmit: true },
    include: ['*.ts'],
  }))
  writeFileSync(path.join(dir, 'app.ts'), [
    "import { Producer, KafkaError, MockCluster, type RecordMetadata } from 'ironkafka'",
    "const cluster = await MockCluster.start({ brokers: 1 })",
    "const producer = new Producer({ 'bootstrap.servers': cluster.bootstrapServers, keySerializer: 'string' })",
    "const md: RecordMetadata = await producer.send({ topic: 't', key: 'k', value: Buffer.from('v'), headers: new Map([['h', 'x']]) })",
    "producer.on('delivery-error', (e: KafkaError) => console.log(e.code, md.offset))",
    "await producer.close({ timeoutMs: Infinity })",
    '',
  ].join('\n'))
  return dir
}

for (const [name, tsc] of compilers) {
  test(`a strict nodenext project compiles against the package types with ${name}`, { timeout: 120_000 }, (t) => {
    const dir = consumerProject(t)
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stdout + r.stderr)
  })
}
