// librdkafka as this project builds it (deps/build.sh, with deps/librdkafka/patches/): a
// re-bootstrap scheduled because every broker went down survives a Metadata response handled
// before it runs. Without that, a client whose learned brokers were all decommissioned by
// such a response (seen when a whole cluster restarts: brokers in controlled shutdown leave
// the metadata) had no broker left and never connected again. The exact interleaving is
// forced in C (test/native/rebootstrap.c); here it is built against the static librdkafka
// the addon links, and run.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

test('a re-bootstrap scheduled when every broker was down still runs after a Metadata response handled before it, and later ones still can', { timeout: 600_000 }, () => {
  const prefix = execFileSync('bash', [path.join(root, 'deps/build.sh'), 'host'], {
    encoding: 'utf8',
    env: { ...process.env, IRONKAFKA_SANITIZE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()
  const share = path.join(prefix, 'share/ironkafka')
  const libs = fs.readFileSync(path.join(share, 'link.txt'), 'utf8').trim().split('\n')
  const include = fs.readFileSync(path.join(share, 'include'), 'utf8').trim()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ironkafka-rebootstrap-'))
  try {
    const bin = path.join(dir, 'rebootstrap')
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-o', bin, path.join(root, 'test/native/rebootstrap.c'),
      `-I${include}`, '-DLIBRDKAFKA_STATICLIB', ...libs, '-lpthread', '-lrt', '-ldl', '-lm'], { stdio: 'inherit' })
    const r = spawnSync(bin, { encoding: 'utf8', timeout: 60_000 })
    assert.equal(r.error, undefined)
    assert.equal(r.status, 0, `${r.stdout}${r.stderr.slice(-2000)}`)
    assert.match(r.stdout, /handled before it ran: re-bootstraps ran after it/)
    assert.match(r.stdout, /a later re-bootstrap: it ran/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
