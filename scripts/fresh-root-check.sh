#!/usr/bin/env bash
# The quick start on a fresh machine that has only Node and a C/C++ toolchain: a minimal
# Debian 12 root (debootstrap --variant=minbase) with gcc, g++, make, cmake and perl
# installed in it, the node binary copied in, and nothing else: no -dev package, no Java, no
# kcat. A clone of this repository's HEAD runs `npm ci && npm run demo` and `npm ci && npm test`
# in it (chroot). Needs root and debootstrap; the Debian mirror is the one this machine's apt
# uses. The root is cached (~/.cache/ironkafka/roots), the clone and caches inside it are new.
#
#   scripts/fresh-root-check.sh [--keep]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
log() { echo "fresh-root: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap, chroot)"; exit 2; }

mirror=$(node -e "import('$repo/test/helpers/platforms.mjs').then((p) => console.log(p.debianMirror()))")
base="$cache/roots/bookworm-toolchain"
if [ ! -f "$base/.complete" ]; then
  log "debootstrap bookworm (minbase) with the toolchain into $base"
  rm -rf "$base.tmp"
  debootstrap --variant=minbase --include=gcc,g++,make,cmake,perl,git,ca-certificates bookworm "$base.tmp" "$mirror" >&2
  touch "$base.tmp/.complete"
  rm -rf "$base"; mv "$base.tmp" "$base"
fi

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-fresh-root.XXXXXX")
cleanup() {
  umount -l "$rootfs/proc" 2>/dev/null || true
  umount -l "$rootfs/dev" 2>/dev/null || true
  [ "${1:-}" = --keep ] || rm -rf "$rootfs"
}
trap 'cleanup "${KEEP:-}"' EXIT
[ "${1:-}" = --keep ] && KEEP=--keep
cp -a "$base/." "$rootfs/"
cp "$(command -v node)" "$rootfs/usr/local/bin/node"
# npm from this machine's Node installation (the node binary's own lib/node_modules/npm)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/lib/node_modules/npm
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# The network's trust: a machine on this network trusts what this one does (an egress proxy
# may present its own CA), so the root gets this machine's CA bundle.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"

# What the root must not have: the -dev packages the old build needed, Java, kcat.
for absent in usr/include/openssl usr/include/zstd.h usr/include/sasl usr/include/curl usr/bin/java usr/bin/kcat; do
  [ ! -e "$rootfs/$absent" ] || { log "the root has $absent"; exit 1; }
done

git clone -q "$repo" "$rootfs/work/ironkafka"
git -C "$rootfs/work/ironkafka" checkout -q "$(git -C "$repo" rev-parse HEAD)"
log "running the quick start in the root ($(git -C "$repo" rev-parse --short HEAD))"
chroot "$rootfs" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
  bash -c 'cd /work/ironkafka && npm ci && npm run demo && npm ci && npm test'
log "passed: npm ci && npm run demo, npm ci && npm test"
