// The packed package on a minimal Debian 12 root -- what the official node:20-bookworm-slim
// image holds: no OpenSSL, no libsasl2, no libcurl, no CA certificates -- installed with
// `npm install --ignore-scripts` (nothing compiled, no apt package added): it loads its x64
// glibc prebuild, delivers to a mock cluster (read back by the host's kcat), and a TLS client
// there trusts Node's root certificates. Needs root (chroot) and debootstrap.
import test from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { installTarball, packTarball, slimRoot } from '../helpers/platforms.mjs'
import { runApp } from './run-app.mjs'

test('slim Debian root: the tarball installs with at most 3 other packages, loads its prebuild and delivers', { timeout: 1_800_000 }, async (t) => {
  const rootfs = slimRoot()
  // The case being tested: none of the libraries the old addon needed, and no CA store.
  for (const missing of ['usr/lib/x86_64-linux-gnu/libssl.so.3', 'usr/lib/x86_64-linux-gnu/libsasl2.so.2', 'usr/lib/x86_64-linux-gnu/libcurl.so.4', 'etc/ssl/certs/ca-certificates.crt']) {
    assert.ok(!existsSync(path.join(rootfs, missing)), `${missing} is in the root`)
  }
  const { file } = packTarball(root)
  const app = path.join(rootfs, 'app')
  execFileSync('rm', ['-rf', app])
  const packages = installTarball(file, app)
  assert.ok(packages.includes('ironkafka'))
  assert.ok(packages.length - 1 <= 3, `npm install added ${packages.length - 1} packages besides ironkafka: ${packages.join(', ')}`)
  copyFileSync(path.join(root, 'test/fixtures/platform-app.cjs'), path.join(app, 'run.cjs'))

  mkdirSync(path.join(rootfs, 'proc'), { recursive: true })
  execFileSync('mount', ['-t', 'proc', 'proc', path.join(rootfs, 'proc')])
  t.after(() => execFileSync('umount', ['-l', path.join(rootfs, 'proc')]))
  const r = await runApp('/usr/sbin/chroot', [rootfs, '/usr/local/bin/node', '/app/run.cjs'], { env: { PATH: '/usr/bin:/bin', HOME: '/root' } })
  assert.equal(r.arch, 'x64')
  assert.equal(r.version, '2.14.2')
  assert.equal(r.addonPath, '/app/node_modules/ironkafka/prebuilds/linux-x64/ironkafka.glibc.node')
  assert.deepEqual(r.offsets, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(r.kcat, Array.from({ length: 10 }, (_, i) => `${i}:p${i}`), r.kcatError)
  assert.ok(r.ca.some((l) => /Using statically linked OpenSSL version OpenSSL 3\.5\.7/.test(l)), r.ca.join('\n'))
  assert.ok(r.ca.some((l) => /Loaded \d{3,} CA certificate\(s\) from string/.test(l)), `no CA certificates loaded from Node's roots:\n${r.ca.join('\n')}`)
  assert.equal(r.code, 0, r.stderr)
})
