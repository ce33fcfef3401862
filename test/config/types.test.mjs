// ProducerConfig's types: autocomplete keys, literal enums, strings for numbers, and errors
// for typos, consumer keys, managed keys and wrong literals (checked by tsc itself).
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

test('ProducerConfig accepts what is valid and rejects typos and wrong literals at compile time', { timeout: 120_000 }, () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const r = spawnSync(process.execPath, [
    tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--types', 'node', '--skipLibCheck', path.join(root, 'test', 'fixtures', 'types', 'config-types.ts'),
  ], { cwd: root, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
})
