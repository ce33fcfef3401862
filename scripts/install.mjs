#!/usr/bin/env node
// npm install hook.
//  - Installed from the registry: the prebuilt addon under prebuilds/ is used as is; no
//    compiler, no download. We only check that it loads, so a missing system library is
//    reported here, by name, instead of at the first require().
//  - A git checkout (no prebuilds) or a platform without a prebuild: build from source
//    (scripts/build-native.mjs -> cmake-js -> CMakeLists.txt; needs cmake, a C/C++
//    toolchain and the -dev packages listed in the README).
import { createRequire } from 'node:module'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const nodeGypBuild = require('node-gyp-build')

let found
try {
  found = nodeGypBuild.path(root)
} catch {
  found = undefined
}

if (found) {
  try {
    require(found)
    process.exit(0)
  } catch (err) {
    // Most likely a missing system library. Try a source build: node-gyp-build prefers
    // build/ over prebuilds/, so a successful build here is what gets loaded.
    console.error(`ironkafka: the addon ${path.relative(root, found)} does not load: ${err.message}`)
    console.error('ironkafka: it needs these system libraries: libssl3, libsasl2-2, libzstd1, zlib1g, liblz4-1, libcurl4')
    console.error('ironkafka: trying to build from source instead')
  }
} else {
  console.error('ironkafka: no prebuilt addon for this platform; building from source')
}

const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), 'rebuild'], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(r.status ?? 1)
