#!/usr/bin/env node
// `npm run prebuild`: the self-contained prebuilt addons, one per platform, into
// prebuilds/<platform>-<arch>/ironkafka.<libc>.node (prebuildify's layout, which
// node-gyp-build loads), cached per target (deps/build.sh, build/cmake-<target>).
//
//   npm run prebuild                 linux x64 and arm64, glibc (2.28 floor) and musl, by zig
//   npm run prebuild -- --host       this machine's compiler only (no zig, so no Python needed);
//                                    the result needs the build machine's glibc version
//   npm run prebuild -- --only=x64-glibc,arm64-musl    some of the four
//
// prebuildify only knows node-gyp; --node-gyp points it at our build entry, which speaks
// node-gyp's command line, reads prebuildify's PREBUILD_ARCH/PREBUILD_LIBC to pick the zig
// target, and drives cmake-js (one build description: CMakeLists.txt). --target is the
// running Node version so prebuildify never downloads headers; an N-API build runs on every
// Node version that has N-API 8. prebuilds/build-info.json records how each file was built,
// for the checks in test/build/prebuilds.test.mjs.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const prebuildify = path.join(path.dirname(require.resolve('prebuildify/package.json')), 'bin.js')
// Spawned without a shell, so it must be one executable path (the script has a shebang).
const entry = path.join(root, 'scripts', 'build-native.mjs')

export const PREBUILD_TARGETS = [
  { arch: 'x64', libc: 'glibc', target: 'x86_64-linux-gnu.2.28' },
  { arch: 'arm64', libc: 'glibc', target: 'aarch64-linux-gnu.2.28' },
  { arch: 'x64', libc: 'musl', target: 'x86_64-linux-musl' },
  { arch: 'arm64', libc: 'musl', target: 'aarch64-linux-musl' },
]

const host = process.argv.includes('--host')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',')
const targets = host
  ? [{ arch: process.arch, libc: 'glibc', target: 'host' }]
  : PREBUILD_TARGETS.filter((t) => !only || only.includes(`${t.arch}-${t.libc}`))
if (targets.length === 0) {
  console.error(`prebuild: no target matches ${only}; known: ${PREBUILD_TARGETS.map((t) => `${t.arch}-${t.libc}`).join(', ')}`)
  process.exit(2)
}
const infoPath = path.join(root, 'prebuilds', 'build-info.json')
const info = existsSync(infoPath) ? JSON.parse(readFileSync(infoPath, 'utf8')) : {}

for (const t of targets) {
  const file = `linux-${t.arch}/ironkafka.${t.libc}.node`
  console.error(`prebuild: ${file} (${t.target})`)
  const r = spawnSync(
    process.execPath,
    [prebuildify, '--napi', '--tag-libc', '--arch', t.arch, '--libc', t.libc, '--target', process.versions.node, '--node-gyp', entry],
    { cwd: root, stdio: 'inherit', env: { ...process.env, IRONKAFKA_TARGET: t.target, IRONKAFKA_STRIP: '1' } },
  )
  if (r.status !== 0) process.exit(r.status ?? 1)
  info[file] = { target: t.target, arch: t.arch, libc: t.libc }
}
mkdirSync(path.dirname(infoPath), { recursive: true })
writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`)
// prebuildify leaves the last target's binary in build/Release, where node-gyp-build would
// prefer it over prebuilds/: remove it, so this tree loads the prebuild that fits it.
rmSync(path.join(root, 'build', 'Release', 'ironkafka.node'), { force: true })
