#!/usr/bin/env bash
# The compilers for one build target, as shell assignments on stdout (eval them, or read
# them from node): CC, CXX, AR, RANLIB, TARGET_ARCH (x86_64|aarch64), TARGET_LIBC (gnu|musl),
# TOOLCHAIN_ID (what a cache key must change with), and for cross targets
# CMAKE_SYSTEM_PROCESSOR.
#
#   deps/toolchain.sh host                    the machine's own cc/c++ (a source build)
#   deps/toolchain.sh x86_64-linux-gnu.2.28   zig cc, glibc 2.28 symbols at most (prebuilds)
#   deps/toolchain.sh aarch64-linux-gnu.2.28
#   deps/toolchain.sh x86_64-linux-musl
#   deps/toolchain.sh aarch64-linux-musl
set -euo pipefail
deps=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=${1:-host}
q() { printf '%s=%q\n' "$1" "$2"; }

if [ "$target" = host ]; then
  cc=${CC:-cc} cxx=${CXX:-c++}
  q CC "$cc"; q CXX "$cxx"; q AR "${AR:-ar}"; q RANLIB "${RANLIB:-ranlib}"
  arch=$(uname -m)
  case "$arch" in x86_64|aarch64) ;; *) echo "toolchain: unsupported machine $arch" >&2; exit 2 ;; esac
  libc=gnu; ldd --version 2>&1 | grep -qi musl && libc=musl
  q TARGET_ARCH "$arch"; q TARGET_LIBC "$libc"
  q TOOLCHAIN_ID "host $arch-$libc $("$cc" --version | head -n1) / $("$cxx" --version | head -n1)"
  exit 0
fi

case "$target" in
  x86_64-linux-gnu.2.28|aarch64-linux-gnu.2.28|x86_64-linux-musl|aarch64-linux-musl) ;;
  *) echo "toolchain: unknown target $target" >&2; exit 2 ;;
esac
zig=$(bash "$deps/zig/fetch.sh")
bin="$(dirname "$(dirname "$zig")")/bin/$target"
wrappers=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-zigbin.XXXXXX")
(
  # Build systems take one compiler path; these wrappers carry zig's subcommand and target.
  # zig cc turns on a trapping UBSan when a compile names no -O level (its Debug mode):
  # configure checks and try_compiles do, and must behave like the real compiles.
  for tool in cc c++; do
    printf '#!/bin/sh\nexec %q %s -target %s -fno-sanitize=undefined "$@"\n' "$zig" "$tool" "$target" > "$wrappers/$tool"
  done
  for tool in ar ranlib; do printf '#!/bin/sh\nexec %q %s "$@"\n' "$zig" "$tool" > "$wrappers/$tool"; done
  chmod +x "$wrappers"/*
)
# Rewritten only when they differ, so a build that is using them is never disturbed.
if ! diff -rq "$wrappers" "$bin" >/dev/null 2>&1; then
  mkdir -p "$(dirname "$bin")"; rm -rf "$bin"; mv "$wrappers" "$bin"
else
  rm -rf "$wrappers"
fi
arch=${target%%-*}
libc=gnu; case "$target" in *musl*) libc=musl ;; esac
q CC "$bin/cc"; q CXX "$bin/c++"; q AR "$bin/ar"; q RANLIB "$bin/ranlib"
q TARGET_ARCH "$arch"; q TARGET_LIBC "$libc"; q CMAKE_SYSTEM_PROCESSOR "$arch"
q TOOLCHAIN_ID "zig $("$zig" version) $target"
