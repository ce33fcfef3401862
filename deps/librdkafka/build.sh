#!/usr/bin/env bash
# Builds librdkafka (fetched by fetch.sh) as a static, position-independent library and
# prints the install prefix (containing lib/librdkafka.a and lib/cmake/RdKafka) on stdout.
#
# The result is cached per (version, this script, compiler, sanitizer) under the ironkafka cache
# dir, so every clone on a machine builds librdkafka once; the addon build (CMakeLists.txt)
# calls this script at configure time. Set IRONKAFKA_SANITIZE=address for an ASan build.
#
# Features on: SSL (OpenSSL), SASL (Cyrus), zstd, lz4, zlib, curl (OIDC); snappy is built in.
# These link dynamically against the system libraries: see README "Building from source".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/pin.env"

cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
sanitize=${IRONKAFKA_SANITIZE:-}
cc=${CC:-cc}
key=$( { cat "$here/pin.env" "$here/build.sh"; "$cc" --version | head -n1; echo "$sanitize"; } \
       | sha256sum | cut -c1-12)
prefix="$cache/librdkafka-${LIBRDKAFKA_VERSION}-$key"

if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi

src=$("$here/fetch.sh")
log() { echo "build-librdkafka: $*" >&2; }
log "building librdkafka $LIBRDKAFKA_VERSION (static, PIC) into $prefix"

# librdkafka's CMake build never defines HAVE_ATOMICS_{32,64}_ATOMIC (its ./configure does),
# which leaves rd_atomic32_set() a plain store that returns the new value instead of the old
# one; librdkafka's exactly-once flags (_ALL_BROKERS_DOWN, rebootstrap) then never fire.
# Every supported compiler has the __atomic builtins the try_compile above them found.
cflags="-fPIC -DHAVE_ATOMICS_32_ATOMIC=1 -DHAVE_ATOMICS_64_ATOMIC=1"
[ -n "$sanitize" ] && cflags="$cflags -fsanitize=$sanitize -fno-omit-frame-pointer -g"

bdir=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-rdk-build.XXXXXX")
trap 'rm -rf "$bdir"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)
{
  cmake -S "$src" -B "$bdir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix.tmp" \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DCMAKE_C_FLAGS="$cflags" -DCMAKE_CXX_FLAGS="$cflags" \
    -DRDKAFKA_BUILD_STATIC=ON \
    -DRDKAFKA_BUILD_EXAMPLES=OFF \
    -DRDKAFKA_BUILD_TESTS=OFF \
    -DWITH_SSL=ON -DWITH_SASL=ON -DWITH_ZSTD=ON -DWITH_ZLIB=ON -DWITH_CURL=ON \
    -DENABLE_LZ4_EXT=ON -DWITH_PLUGINS=OFF
  # The generated configuration is checked before anything is built with it.
  CC="$cc" CFLAGS="$cflags" bash "$here/check-config.sh" "$bdir/generated/config.h" "$src"
  cmake --build "$bdir" --parallel "$jobs"
  rm -rf "$prefix.tmp"
  cmake --install "$bdir"
} >"$bdir.log" 2>&1 || { log "build failed; last lines of $bdir.log:"; tail -n 30 "$bdir.log" >&2; exit 1; }
rm -f "$bdir.log"
# Kept for test/build: the config and the flags it was compiled with, to re-check later.
mkdir -p "$prefix.tmp/share/ironkafka"
cp "$bdir/generated/config.h" "$prefix.tmp/share/ironkafka/config.h"
printf '%s\n' "$cflags" > "$prefix.tmp/share/ironkafka/cflags"
# The C++ wrapper library (rdkafka++) is not used: the addon maps the C API only.
rm -rf "$prefix"
mv "$prefix.tmp" "$prefix"
touch "$prefix/.complete"
log "done"
echo "$prefix"
