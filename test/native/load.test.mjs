// The addon loads, is the pinned librdkafka with the features we build, and keeps
// librdkafka's symbols to itself.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { librdkafkaVersion } from 'ironkafka'
import { root } from '../helpers/paths.mjs'

const require = createRequire(import.meta.url)
const addonPath = require('node-gyp-build').path(root)

test('reports librdkafka 2.14.2 (rd_kafka_version_str) with the built-in features', () => {
  const v = librdkafkaVersion()
  assert.equal(v.versionString, '2.14.2')
  assert.equal(v.version, 0x020e02ff)
  for (const f of ['gzip', 'snappy', 'lz4', 'zstd', 'ssl', 'sasl_scram', 'sasl_gssapi', 'http']) {
    assert.ok(v.features.includes(f), `feature ${f} missing from ${v.features}`)
  }
})

test('librdkafka is linked statically: ldd shows no librdkafka', () => {
  const ldd = execFileSync('ldd', [addonPath], { encoding: 'utf8' })
  assert.doesNotMatch(ldd, /rdkafka/)
  assert.match(ldd, /libssl\.so/) // system libraries stay dynamic (see README)
})

test('no librdkafka or OpenSSL symbol is exported by the addon', () => {
  const syms = execFileSync('nm', ['-D', '--defined-only', addonPath], { encoding: 'utf8' })
  const names = syms.split('\n').map((l) => l.trim().split(/\s+/)[2]).filter(Boolean)
  assert.ok(names.includes('napi_register_module_v1'))
  const leaked = names.filter((n) => /^(rd_|SSL_|EVP_|ZSTD_|LZ4)/.test(n))
  assert.deepEqual(leaked, [])
})
