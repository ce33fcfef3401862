// Every prebuilt addon under prebuilds/ (scripts/prebuild.mjs) is for the architecture its
// directory names, needs nothing from the system but the C library, requires no C++ runtime
// version, exports only the N-API entry points, and imports no OpenSSL or librdkafka symbol;
// the glibc ones require no symbol version above GLIBC_2.28 (Node 20's own floor).
// With IRONKAFKA_REQUIRE_PREBUILDS=all (CI), all four platforms must be there, built by zig.
import test from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { root } from '../helpers/paths.mjs'
import { LIBC_PARTS, MUSL_PARTS, exportedSymbols, machine, maxGlibc, needed, requiredVersions, undefinedSymbols } from '../helpers/elf.mjs'

const dir = path.join(root, 'prebuilds')
const info = existsSync(path.join(dir, 'build-info.json')) ? JSON.parse(readFileSync(path.join(dir, 'build-info.json'), 'utf8')) : {}
const files = existsSync(dir)
  ? readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(path.join(dir, d.name)).filter((f) => f.endsWith('.node')).map((f) => `${d.name}/${f}`))
  : []
const ALL = ['linux-arm64/ironkafka.glibc.node', 'linux-arm64/ironkafka.musl.node', 'linux-x64/ironkafka.glibc.node', 'linux-x64/ironkafka.musl.node']

test('the four platforms are prebuilt, each by zig for its target', { skip: process.env.IRONKAFKA_REQUIRE_PREBUILDS !== 'all' && 'only with IRONKAFKA_REQUIRE_PREBUILDS=all' }, () => {
  assert.deepEqual(files.sort(), ALL)
  for (const f of ALL) assert.notEqual(info[f]?.target, 'host', `${f} was built with the host compiler`)
})

for (const f of files) {
  const file = path.join(dir, f)
  const [, arch] = f.split('/')[0].split('-')
  const libc = f.includes('.musl.') ? 'musl' : 'glibc'
  test(`${f}: ${arch} ${libc}, needs only libc, no C++ runtime version, exports only N-API, imports no OpenSSL/librdkafka symbol`, () => {
    assert.equal(machine(file), arch)
    const libs = needed(file)
    assert.deepEqual(libs.filter((l) => !(libc === 'musl' ? MUSL_PARTS : LIBC_PARTS).test(l)), [], `NEEDED: ${libs.join(', ')}`)
    assert.deepEqual(requiredVersions(file).filter((v) => !v.startsWith('GLIBC_')), [])
    assert.deepEqual(exportedSymbols(file).sort(), ['napi_register_module_v1', 'node_api_module_get_api_version_v1'])
    const imported = undefinedSymbols(file).filter((s) => /^(SSL|TLS|OPENSSL|OSSL|EVP|X509|PEM|BIO|CRYPTO|ERR|ZSTD|rd_kafka)_/.test(s))
    assert.deepEqual(imported, [])
    assert.ok(statSync(file).size < 12 * 1024 * 1024, `${f} is ${statSync(file).size} bytes`)
  })
  if (libc === 'glibc' && info[f]?.target !== 'host') {
    test(`${f}: requires no symbol version above GLIBC_2.28`, () => {
      const [major, minor] = maxGlibc(file) ?? [0, 0]
      assert.ok(major < 2 || (major === 2 && minor <= 28), `requires GLIBC_${major}.${minor}`)
    })
  }
}
