#!/usr/bin/env node
// The single entry point that builds the addon, by running cmake-js on CMakeLists.txt.
//
// It speaks just enough of node-gyp's command line (`rebuild|build|configure|clean`,
// `--release|--debug`, `--arch=`, `--target=`, others ignored) to stand in for node-gyp:
//   - prebuildify runs it through `--node-gyp scripts/build-native.mjs` (scripts/prebuild.mjs),
//   - binding.gyp's only action runs it, for tools that insist on `node-gyp rebuild`,
//   - scripts/install.mjs and `npm run build:native` run it directly.
// Whatever the caller, the addon ends up at build/Release/ironkafka.node (where prebuildify
// and node-gyp-build look), and the sources are listed only in CMakeLists.txt.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const argv = process.argv.slice(2)
const command = argv.find((a) => !a.startsWith('-')) ?? 'rebuild'
const flag = (name) => {
  const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  return hit === undefined ? undefined : (hit.split('=')[1] ?? true)
}
const config = flag('debug') === true ? 'Debug' : 'Release'
const arch = flag('arch') || process.arch

const cmakeJs = require.resolve('cmake-js/bin/cmake-js')
const action = { rebuild: 'rebuild', build: 'compile', configure: 'configure', clean: 'clean' }[command]
if (!action) {
  console.error(`build-native: unsupported command ${command}`)
  process.exit(2)
}
// IRONKAFKA_BUILD_DIR puts a second build (e.g. the AddressSanitizer one, scripts/asan-test.sh)
// beside the normal one instead of over it.
const buildDir = path.resolve(root, process.env.IRONKAFKA_BUILD_DIR ?? 'build')
const args = [
  cmakeJs, action,
  '--directory', root,
  '--out', path.join(buildDir, 'cmake'),
  '--config', config,
  '--arch', arch,
  `--CDIRONKAFKA_OUTPUT_DIR=${path.join(buildDir, config)}`,
  '--log-level', process.env.IRONKAFKA_BUILD_LOG ?? 'warn',
]
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
