// What a built addon needs from the system, read with readelf (binutils' readelf reads ELF
// files of every architecture, so the arm64 prebuilds are checked on an x64 machine too).
import { execFileSync } from 'node:child_process'

const readelf = (args, file) => execFileSync('readelf', ['-W', ...args, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })

/** The shared libraries the file names as NEEDED. */
export function needed(file) {
  return [...readelf(['-d'], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
}

/** The only libraries a self-contained glibc addon may need: the C library's parts and its loader. */
export const LIBC_PARTS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-(x86-64|aarch64)\.so\.[12])$/
/** The same for musl, whose dynamic linker is its libc and answers to the name libc.so. */
export const MUSL_PARTS = /^(libc\.so|libc\.musl-(x86_64|aarch64)\.so\.1|ld-musl-(x86_64|aarch64)\.so\.1)$/

/** Symbol versions the file requires (GLIBC_2.17, GLIBCXX_3.4.29, ...). */
export function requiredVersions(file) {
  const out = readelf(['-V'], file)
  const section = out.split(/Version needs section/)[1] ?? ''
  return [...new Set([...section.matchAll(/Name: ((?:GLIBC|GLIBCXX|CXXABI|GCC)_[0-9.]+)/g)].map((m) => m[1]))]
}

/** The highest GLIBC_x.y the file requires, as [x, y] (or undefined). */
export function maxGlibc(file) {
  return requiredVersions(file)
    .filter((v) => v.startsWith('GLIBC_'))
    .map((v) => v.slice(6).split('.').map(Number))
    .sort((a, b) => a[0] - b[0] || (a[1] ?? 0) - (b[1] ?? 0))
    .at(-1)
}

/** Names of the dynamic symbols the file leaves undefined (to be bound by the loader). */
export function undefinedSymbols(file) {
  return readelf(['--dyn-syms'], file)
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[6] === 'UND' && f[7])
    .map((f) => f[7].replace(/@.*/, ''))
}

/** Names of the dynamic symbols the file defines (exports). */
export function exportedSymbols(file) {
  return readelf(['--dyn-syms'], file)
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+:$/.test(f[0] ?? '') && f[6] !== 'UND' && f[7] && f[4] !== 'LOCAL')
    .map((f) => f[7].replace(/@.*/, ''))
}

/** The ELF machine: 'x64' or 'arm64' (Node's names). */
export function machine(file) {
  const m = readelf(['-h'], file).match(/Machine:\s+(.+)/)?.[1] ?? ''
  if (/X86-64/.test(m)) return 'x64'
  if (/AArch64/.test(m)) return 'arm64'
  return m
}
