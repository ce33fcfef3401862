#!/usr/bin/env node
// npm install hook.
//  - Installed from the registry: the package carries self-contained prebuilt addons under
//    prebuilds/<platform>-<arch>/ (glibc and musl); node-gyp-build picks the one for this
//    machine. Nothing is compiled or downloaded. We only check that it loads, so a problem is
//    reported here instead of at the first require().
//  - No prebuild fits: fail with one precise message (what was detected, what is prebuilt, how
//    to build from source), unless a source build was asked for (npm's --build-from-source).
//  - A git checkout has no prebuilds/ at all: it is a development tree, built from source
//    (scripts/build-native.mjs -> cmake-js -> CMakeLists.txt; the dev dependencies are there).
import { createRequire } from 'node:module'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const prebuildsDir = path.join(root, 'prebuilds')
const fromSource = /^(true|1)$/.test(process.env.npm_config_build_from_source ?? '') || process.env.IRONKAFKA_BUILD_FROM_SOURCE === '1'

function sourceBuild() {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), 'rebuild'], { cwd: root, stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

if (fromSource || !existsSync(prebuildsDir)) sourceBuild()

/** What node-gyp-build matches a prebuild against: platform, arch and libc. */
function detected() {
  // node-gyp-build's own rule: $LIBC, else musl where Alpine's marker is, else glibc.
  const libc = process.env.LIBC || (existsSync('/etc/alpine-release') ? 'musl' : 'glibc')
  return `${process.platform}-${process.arch} (${libc})`
}

function prebuilt() {
  const out = []
  for (const dir of readdirSync(prebuildsDir)) {
    for (const file of readdirSync(path.join(prebuildsDir, dir))) {
      const libc = file.split('.').find((tag) => tag === 'glibc' || tag === 'musl')
      out.push(`${dir}${libc ? ` (${libc})` : ''}`)
    }
  }
  return out.sort()
}

const howToBuild =
  'To build from source instead (needs cmake, make, perl and a C/C++ compiler; about 5 minutes):\n' +
  '  npm install --save-dev cmake-js@8 node-addon-api@8 && npm rebuild ironkafka --build-from-source'

let found
try {
  found = require('node-gyp-build').path(root)
} catch {
  console.error(
    `ironkafka: no prebuilt addon for this machine: ${detected()}.\n` +
      `ironkafka: prebuilt for: ${prebuilt().join(', ')}.\n${howToBuild}`,
  )
  process.exit(1)
}
try {
  require(found)
} catch (err) {
  console.error(`ironkafka: the prebuilt addon ${path.relative(root, found)} does not load on ${detected()}: ${err.message}\n${howToBuild}`)
  process.exit(1)
}
