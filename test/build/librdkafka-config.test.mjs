// The librdkafka the addon links has the configuration its code relies on: atomics whose set
// returns the previous value, and the TLS, SASL and compression features the README promises.
// deps/librdkafka/check-config.sh runs in every librdkafka build; these tests re-run it on the
// installed configuration and show that it rejects one that has lost the atomics defines.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

const dir = path.join(root, 'deps', 'librdkafka')
const built = spawnSync('bash', [path.join(root, 'deps', 'build.sh'), 'host'], { encoding: 'utf8' })
const prefix = built.stdout.trim()
const installed = path.join(prefix, 'share', 'ironkafka')
const src = spawnSync('bash', [path.join(dir, 'fetch.sh')], { encoding: 'utf8' }).stdout.trim()

function check(configH, cflags) {
  return spawnSync('bash', [path.join(dir, 'check-config.sh'), configH, src], {
    env: { ...process.env, CFLAGS: cflags },
    encoding: 'utf8',
  })
}

test('the built librdkafka passes the configuration check, probe run included', () => {
  assert.equal(built.status, 0, built.stderr)
  const r = check(path.join(installed, 'config.h'), readFileSync(path.join(installed, 'cflags'), 'utf8').trim())
  assert.equal(r.status, 0, r.stderr)
})

test('a configuration without HAVE_ATOMICS_32_ATOMIC is rejected, naming rd_atomic32_set', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ironkafka-config-'))
  const broken = path.join(tmp, 'config.h')
  const lines = readFileSync(path.join(installed, 'config.h'), 'utf8').split('\n')
  writeFileSync(broken, lines.filter((l) => !/HAVE_ATOMICS_32_ATOMIC/.test(l)).join('\n'))
  const cflags = readFileSync(path.join(installed, 'cflags'), 'utf8').replace(/-DHAVE_ATOMICS_32_ATOMIC=1/g, '').trim()
  const r = check(broken, cflags)
  assert.equal(r.status, 1)
  assert.match(r.stderr, /rd_atomic32_set\(\) would be a non-atomic store/)
  assert.doesNotMatch(r.stderr, /rd_atomic64_set/)
})
