// The addon loads, is the pinned librdkafka with the features we build, needs nothing from the
// system but the C library, and keeps librdkafka's and OpenSSL's symbols to itself: its TLS
// calls bind to its own OpenSSL, never to the one the node binary exports.
import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { librdkafkaVersion } from 'ironkafka'
import { root } from '../helpers/paths.mjs'
import { LIBC_PARTS, exportedSymbols, needed, requiredVersions, undefinedSymbols } from '../helpers/elf.mjs'

const require = createRequire(import.meta.url)
const addonPath = require('node-gyp-build').path(root)
const OPENSSL_SYMBOL = /^(SSL_|SSL[a-z]|TLS_|OPENSSL_|OSSL_|EVP_|X509|PEM_|BIO_|ERR_|CRYPTO_|RAND_|d2i_|i2d_)/

test('reports librdkafka 2.14.2 (rd_kafka_version_str) with exactly the features the prebuilt promises', () => {
  const v = librdkafkaVersion()
  assert.equal(v.versionString, '2.14.2')
  assert.equal(v.version, 0x020e02ff)
  for (const f of ['gzip', 'snappy', 'lz4', 'zstd', 'ssl', 'sasl_plain', 'sasl_scram', 'sasl_oauthbearer', 'http', 'oidc']) {
    assert.ok(v.features.includes(f), `feature ${f} missing from ${v.features}`)
  }
  // No Cyrus SASL (GSSAPI/Kerberos): see README, Platforms.
  assert.ok(!v.features.includes('sasl_gssapi'), 'unexpected feature sasl_gssapi')
})

// The AddressSanitizer build (scripts/asan-test.sh) needs its runtime, and nothing else.
const ASAN = process.env.IRONKAFKA_ASAN === '1'

test('self-contained: the addon needs only the C library, and no version of libstdc++', () => {
  const libs = needed(addonPath)
  assert.deepEqual(libs.filter((l) => !LIBC_PARTS.test(l) && !(ASAN && /^libasan\.so/.test(l))), [], `NEEDED: ${libs.join(', ')}`)
  assert.deepEqual(requiredVersions(addonPath).filter((v) => !v.startsWith('GLIBC_')), [])
  assert.deepEqual(undefinedSymbols(addonPath).filter((s) => OPENSSL_SYMBOL.test(s) || /^rd_kafka/.test(s)), [])
})

test('exports only the N-API entry points: no librdkafka, OpenSSL or C++ runtime symbol', () => {
  assert.deepEqual(exportedSymbols(addonPath).sort(), ['napi_register_module_v1', 'node_api_module_get_api_version_v1'])
})

test('TLS calls bind inside the addon: LD_DEBUG=bindings shows no OpenSSL symbol bound to the node binary', () => {
  // LD_BIND_NOW makes the loader bind every reference at load time, so the log is complete;
  // the child also starts a TLS client, so OpenSSL initialises for real.
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Producer } = require(${JSON.stringify(root)});
       const p = new Producer({ 'bootstrap.servers': '127.0.0.1:1', 'security.protocol': 'ssl', 'ssl.ca.location': 'probe' });
       p.close({ timeoutMs: 100 }).then(() => console.log('closed'))`,
    ],
    { encoding: 'utf8', env: { ...process.env, LD_DEBUG: 'bindings', LD_BIND_NOW: '1' }, timeout: 60_000, maxBuffer: 1024 * 1024 * 1024 },
  )
  assert.equal(r.status, 0, r.stderr.slice(-2000))
  assert.match(r.stdout, /closed/)
  const fromAddon = r.stderr.split('\n').filter((l) => l.includes('binding file') && l.includes('ironkafka') && /\.node \[\d+\] to /.test(l))
  assert.ok(fromAddon.length > 0, 'LD_DEBUG printed no binding of the addon')
  const toOthers = fromAddon
    .map((l) => l.match(/to (\S+) \[\d+\]: normal symbol `([^']+)'(?: \[([^\]]+)\])?/))
    .filter((m) => m && !m[1].includes('ironkafka') && (OPENSSL_SYMBOL.test(m[2]) || /^OPENSSL_/.test(m[3] ?? '')))
    .map((m) => `${m[2]} -> ${m[1]}`)
  assert.deepEqual(toOthers, [])
})
