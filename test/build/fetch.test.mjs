// deps/fetch.sh (here through deps/librdkafka/fetch.sh) verifies the pinned sha256 before it
// extracts or caches anything.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'

const fetch = path.join(root, 'deps', 'librdkafka', 'fetch.sh')
const pin = Object.fromEntries(
  readFileSync(path.join(root, 'deps', 'librdkafka', 'pin.env'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => l.split('=')),
)

test('the pin is librdkafka 2.14.2 with the release archive checksum', () => {
  assert.equal(pin.VERSION, '2.14.2')
  assert.equal(pin.SHA256, '4d53568c13717b167d12c7b2a0fe12aeb5d6bfe02de53df5b68f86d870a81b33')
})

test('a tarball whose sha256 differs is refused and neither cached nor extracted', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-fetch-'))
  const bad = path.join(dir, 'librdkafka-2.14.2.tar.gz')
  writeFileSync(bad, 'not the release archive')
  const cache = path.join(dir, 'cache')
  const srcBefore = existsSync(path.join(root, 'deps/librdkafka/src')) ? readdirSync(path.join(root, 'deps/librdkafka/src')) : []
  const r = spawnSync('bash', [fetch], {
    env: { ...process.env, LIBRDKAFKA_TARBALL: bad, IRONKAFKA_CACHE_DIR: cache },
    encoding: 'utf8',
  })
  assert.equal(r.status, 3, r.stderr)
  assert.match(r.stderr, /REFUSED/)
  assert.match(r.stderr, new RegExp(pin.SHA256)) // names the expected checksum
  assert.equal(r.stdout, '') // no source path printed
  assert.ok(!existsSync(path.join(cache, 'sources', pin.ARCHIVE)), 'bad tarball must not be cached')
  const srcAfter = existsSync(path.join(root, 'deps/librdkafka/src')) ? readdirSync(path.join(root, 'deps/librdkafka/src')) : []
  assert.deepEqual(srcAfter, srcBefore)
})

test('a missing LIBRDKAFKA_TARBALL path is an error, not a silent fallback', () => {
  const r = spawnSync('bash', [fetch], {
    env: { ...process.env, LIBRDKAFKA_TARBALL: '/nonexistent/librdkafka.tar.gz' },
    encoding: 'utf8',
  })
  assert.equal(r.status, 2)
  assert.match(r.stderr, /does not exist/)
})

/** Runs deps/build.sh host with an empty cache and the extra environment; returns the cache too. */
function buildWithEmptyCache(env) {
  const cache = mkdtempSync(path.join(tmpdir(), 'ironkafka-build-'))
  const r = spawnSync('bash', [path.join(root, 'deps', 'build.sh'), 'host'], {
    env: { ...process.env, IRONKAFKA_CACHE_DIR: cache, ...env },
    encoding: 'utf8',
  })
  return { r, cache }
}

test('a dependency that cannot be fetched stops deps/build.sh at once, before any build step', () => {
  const { r } = buildWithEmptyCache({ ZLIB_TARBALL: '/nonexistent/zlib.tar.gz' })
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /ZLIB_TARBALL=\/nonexistent\/zlib.tar.gz does not exist/)
  assert.doesNotMatch(r.stderr, /building zstd|cannot copy|No such file or directory|No rule to make/)
  assert.equal(r.stdout, '')
})

test('a failing build step stops deps/build.sh and caches nothing as complete', () => {
  // zlib's configure runs its compiler first: a compiler that always fails breaks the first step.
  const { r, cache } = buildWithEmptyCache({ CC: 'false' })
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /zlib failed \(exit \d+\)/)
  assert.doesNotMatch(r.stderr, /building zstd/)
  const built = path.join(cache, 'build', 'host')
  const complete = existsSync(built) ? readdirSync(built).filter((d) => existsSync(path.join(built, d, '.complete'))) : []
  assert.deepEqual(complete, [])
})
