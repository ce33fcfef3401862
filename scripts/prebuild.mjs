#!/usr/bin/env node
// `npm run prebuild`: builds the addon into prebuilds/<platform>-<arch>/ with prebuildify.
// prebuildify only knows node-gyp; --node-gyp points it at our build entry, which speaks
// node-gyp's command line and drives cmake-js (one build description: CMakeLists.txt).
// --target is the running Node version so prebuildify never needs to download headers;
// an N-API build runs on every Node version that has N-API 8.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const prebuildify = path.join(path.dirname(require.resolve('prebuildify/package.json')), 'bin.js')
// Spawned without a shell, so it must be one executable path (the script has a shebang).
const entry = path.join(root, 'scripts', 'build-native.mjs')

const r = spawnSync(
  process.execPath,
  [prebuildify, '--napi', '--strip', '--target', process.versions.node, '--node-gyp', entry],
  { cwd: root, stdio: 'inherit' },
)
process.exit(r.status ?? 1)
