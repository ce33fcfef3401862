// The packed package on arm64 Linux (Graviton, Apple-silicon Docker), emulated: the official
// arm64 Node under qemu-aarch64-static, with an arm64 glibc unpacked from Debian's packages as
// its sysroot. Installed with --ignore-scripts, it loads its arm64 glibc prebuild and delivers
// to a mock cluster inside the emulated process; the host's kcat reads the topic back.
import test from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { arm64Node, arm64Sysroot, installTarball, packTarball } from '../helpers/platforms.mjs'
import { runApp } from './run-app.mjs'

test('arm64 glibc under qemu: the official arm64 Node loads the arm64 prebuild and delivers', { timeout: 1_800_000 }, async () => {
  const node = arm64Node()
  const sysroot = arm64Sysroot()
  const { file } = packTarball(root)
  const app = path.join(mkdtempSync(path.join(tmpdir(), 'ironkafka-arm64-')), 'app')
  installTarball(file, app)
  copyFileSync(path.join(root, 'test/fixtures/platform-app.cjs'), path.join(app, 'run.cjs'))
  const r = await runApp('qemu-aarch64-static', ['-L', sysroot, node, 'run.cjs'], { cwd: app, timeoutMs: 1_200_000 })
  assert.equal(r.arch, 'arm64')
  assert.equal(r.version, '2.14.2')
  assert.equal(r.addonPath, path.join(app, 'node_modules/ironkafka/prebuilds/linux-arm64/ironkafka.glibc.node'))
  assert.deepEqual(r.offsets, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(r.kcat, Array.from({ length: 10 }, (_, i) => `${i}:p${i}`), r.kcatError)
  assert.ok(r.ca.some((l) => /Using statically linked OpenSSL version OpenSSL 3\.5\.7/.test(l)), r.ca.join('\n'))
  assert.equal(r.code, 0, r.stderr)
})
