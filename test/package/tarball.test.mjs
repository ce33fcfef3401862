// The npm package as users get it: the prebuilds (`npm run prebuild`; when this tree has none
// yet, the host-compiler one, `npm run prebuild -- --host`, which needs no zig), `npm pack`,
// then `npm install --ignore-scripts <tgz>` into an empty folder -- no compiler runs there --
// and the installed package loads its prebuilt addon and produces to a mock cluster.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, existsSync, copyFileSync, statSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { kcat } from '../helpers/kcat.mjs'

const npm = (args, cwd) => {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } })
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

test('packed tarball installs without scripts, adds at most 3 packages, and runs on its prebuilt addon', { timeout: 1_200_000 }, () => {
  const prebuilt = path.join(root, 'prebuilds', 'linux-x64', 'ironkafka.glibc.node')
  if (!existsSync(prebuilt)) npm(['run', 'prebuild', '--', '--host'], root)
  assert.ok(existsSync(prebuilt))

  const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-pack-'))
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root))
  const files = packed.files.map((f) => f.path)
  assert.ok(statSync(path.join(dir, packed.filename)).size <= 30 * 1024 * 1024, `tarball is ${statSync(path.join(dir, packed.filename)).size} bytes`)
  for (const f of ['prebuilds/linux-x64/ironkafka.glibc.node', 'deps/build.sh', 'deps/openssl/pin.env', 'deps/librdkafka/check-config.sh', 'bin/ironkafka.mjs', 'dist/cli/main.js', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'CMakeLists.txt', 'binding.gyp']) {
    assert.ok(files.includes(f), `${f} missing from the tarball`)
  }
  assert.ok(!files.some((f) => /^deps\/[^/]+\/src\//.test(f) || f.startsWith('build/') || f.startsWith('test/')), 'tarball holds only the package')

  const app = path.join(dir, 'app')
  execFileSync('mkdir', ['-p', app])
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, packed.filename)], app)
  const added = readdirSync(path.join(app, 'node_modules')).filter((n) => !n.startsWith('.') && n !== 'ironkafka')
  assert.ok(added.length <= 3, `npm install added ${added.join(', ')}`)
  const installed = path.join(app, 'node_modules', 'ironkafka')
  // Only what runs: the source-build tools (cmake-js, node-addon-api) are not dependencies.
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).dependencies).sort(), ['node-gyp-build', 'zod'])
  assert.ok(!existsSync(path.join(installed, 'build')), 'nothing was built at install')

  copyFileSync(new URL('../fixtures/tarball-app.cjs', import.meta.url), path.join(app, 'run.cjs'))
  const out = JSON.parse(execFileSync(process.execPath, ['run.cjs'], { cwd: app, encoding: 'utf8', timeout: 120_000, env: { ...process.env, KCAT: kcat() } }))
  assert.equal(out.sameClass, true)
  assert.equal(out.version, '2.14.2')
  assert.equal(out.addonPath, path.join(installed, 'prebuilds', 'linux-x64', 'ironkafka.glibc.node'))
  assert.deepEqual(out.offsets, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(out.kcat, Array.from({ length: 10 }, (_, i) => `${i}:p${i}`))

  // The installed package's bin, as a deploy step would run it.
  writeFileSync(path.join(app, 'good.properties'), 'bootstrap.servers=${BROKERS}\nlinger.ms=10\n')
  writeFileSync(path.join(app, 'bad.json'), JSON.stringify({ acks: 1 }))
  const npx = (file) => spawnSync('npx', ['--no-install', 'ironkafka', 'check-config', file], { cwd: app, encoding: 'utf8', env: { ...process.env, BROKERS: 'k:9092' } })
  const good = npx('good.properties')
  assert.equal(good.status, 0, `${good.error ?? ''}${good.stdout}${good.stderr}`)
  assert.match(good.stdout, /valid, 0 errors/)
  const bad = npx('bad.json')
  assert.equal(bad.status, 1, bad.stdout + bad.stderr)
  assert.match(bad.stdout, /acks=all/)
})
