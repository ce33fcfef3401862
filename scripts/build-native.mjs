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
//
// The target: IRONKAFKA_TARGET, host (the machine's own compiler, the default) or a zig target
// of deps/toolchain.sh (scripts/prebuild.mjs sets it for each prebuild).
import { execFileSync, spawnSync } from 'node:child_process'
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

const target = process.env.IRONKAFKA_TARGET || 'host'

let cmakeJs
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js')
} catch {
  console.error('build-native: a source build needs cmake-js and node-addon-api: npm install --save-dev cmake-js@8 node-addon-api@8')
  process.exit(2)
}
const action = { rebuild: 'rebuild', build: 'compile', configure: 'configure', clean: 'clean' }[command]
if (!action) {
  console.error(`build-native: unsupported command ${command}`)
  process.exit(2)
}
// IRONKAFKA_BUILD_DIR puts a second build (e.g. the AddressSanitizer one, scripts/asan-test.sh)
// beside the normal one instead of over it.
const buildDir = path.resolve(root, process.env.IRONKAFKA_BUILD_DIR ?? 'build')
// The compilers of the target, for CMake (cross targets also name the target system).
const names = ['CC', 'CXX', 'AR', 'RANLIB', 'TARGET_ARCH']
const values = execFileSync(
  'bash',
  ['-c', `eval "$(bash "$0" "$1")" && printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`, path.join(root, 'deps', 'toolchain.sh'), target],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
).split('\0')
const toolchain = Object.fromEntries(names.map((n, i) => [n, values[i]]))
const cmakeDefs = {
  IRONKAFKA_TARGET: target,
  CMAKE_C_COMPILER: toolchain.CC,
  CMAKE_CXX_COMPILER: toolchain.CXX,
  CMAKE_AR: toolchain.AR,
  CMAKE_RANLIB: toolchain.RANLIB,
  ...(target === 'host' ? {} : { CMAKE_SYSTEM_NAME: 'Linux', CMAKE_SYSTEM_PROCESSOR: toolchain.TARGET_ARCH }),
  // What ships is stripped (scripts/prebuild.mjs asks, for the host prebuild too); a
  // developer's own build keeps its symbols for gdb.
  IRONKAFKA_STRIP: target !== 'host' || process.env.IRONKAFKA_STRIP === '1' ? 'ON' : 'OFF',
}
const args = [
  cmakeJs, action,
  '--directory', root,
  '--out', path.join(buildDir, `cmake-${target}`),
  '--config', config,
  '--arch', arch,
  `--CDIRONKAFKA_OUTPUT_DIR=${path.join(buildDir, config)}`,
  ...Object.entries(cmakeDefs).map(([k, v]) => `--CD${k}=${v}`),
  '--log-level', process.env.IRONKAFKA_BUILD_LOG ?? 'warn',
]
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
