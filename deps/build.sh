#!/usr/bin/env bash
# Builds librdkafka and every library it links (OpenSSL, zstd, zlib, libcurl) from their pinned
# sources (deps/fetch.sh) as static, position-independent libraries for one target, and
# prints the librdkafka prefix. Its share/ironkafka/ holds what the addon build needs:
#   link.txt    the static archives to link, in link order, one absolute path per line
#   include     the directory with rdkafka.h
#   config.h, cflags   librdkafka's generated configuration and its flags (check-config.sh)
#
#   deps/build.sh [TARGET]      TARGET: host (default) or a zig target (deps/toolchain.sh)
#
# Each library is cached under the ironkafka cache per (target, pin, this script, compiler),
# so a machine builds each once; IRONKAFKA_SANITIZE=address rebuilds librdkafka (only) with
# AddressSanitizer. Nothing links a system library: the addon then needs only libc.
#
# librdkafka is built with its own ./configure (mklove), the build its releases use, not its
# CMake build, which in 2.14 misses defines its ./configure sets (the atomics, strerror_r,
# strcasestr, getrusage) and cannot enable SASL SCRAM/OAUTHBEARER without Cyrus SASL.
# Features: TLS, SASL PLAIN/SCRAM/OAUTHBEARER (librdkafka's own; no GSSAPI, which needs
# Cyrus SASL and Kerberos), gzip, snappy, lz4 (librdkafka's bundled copy), zstd, and libcurl
# (HTTP and HTTPS only) for librdkafka's built-in OIDC token client (sasl.oauthbearer.method=oidc).
#
# deps/librdkafka/patches/*.patch are our fixes to librdkafka bugs this project's tests
# found, applied in name order to the verified source; each says in its text what it fixes.
set -euo pipefail
# A failing command inside $(...) (a fetch, a build step) must stop the build too.
shopt -s inherit_errexit

# The whole script is one function, parsed before it runs, so that editing this file while a
# build is running (it takes minutes) cannot change what the running build executes.
main() {
deps=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=${1:-host}
eval "$(bash "$deps/toolchain.sh" "$target")"
export CC CXX AR RANLIB
cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
sanitize=${IRONKAFKA_SANITIZE:-}
jobs=$(nproc 2>/dev/null || echo 2)
log() { echo "build-deps[$target]: $*" >&2; }

# The flags every library is compiled with. -O2 also keeps zig cc out of its Debug mode.
base_cflags="-O2 -fPIC"

# build NAME EXTRA_KEY FUNCTION: unless the cached prefix is complete, runs FUNCTION PREFIX
# in a scratch copy of NAME's source tree, to install into PREFIX; prints PREFIX. The cache
# key is the pin, the recipe (FUNCTION's own text), the flags, the compiler and EXTRA_KEY.
build() {
  local name=$1 extra=$2 fn=$3 prefix src work key
  key=$( { cat "$deps/$name/pin.env"; declare -f "$fn"; echo "$base_cflags"; echo "$TOOLCHAIN_ID"; echo "$extra"; } \
         | sha256sum | cut -c1-12)
  prefix="$cache/build/$target/$name-$(. "$deps/$name/pin.env"; echo "$VERSION")-$key"
  if [ ! -f "$prefix/.complete" ]; then
    src=$(bash "$deps/fetch.sh" "$name") || exit 1
    # Never copy anything but a fetched source tree (an empty path would copy /).
    [ -n "$src" ] && [ -d "$src" ] && [ "$src" != / ] || { log "no source tree for $name ('$src')"; exit 1; }
    work=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-$name.XXXXXX")
    log "building $name into $prefix"
    cp -a "$src/." "$work/src"
    rm -rf "$prefix"; mkdir -p "$prefix"
    # Not inside `if !` or `||`: such a context switches errexit off for the whole recipe
    # (even a `set -e` inside it), which then runs on past a failed step and is cached as
    # complete. A plain command with errexit paused around it keeps it on inside.
    local rc
    set +e
    (set -e; cd "$work/src"; "$fn" "$prefix") >"$work.log" 2>&1
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
      log "$name failed (exit $rc); last lines of $work.log:"; tail -n 40 "$work.log" >&2; exit 1
    fi
    rm -rf "$work" "$work.log"
    touch "$prefix/.complete"
  fi
  echo "$prefix"
}

build_zlib() {
  CFLAGS="$base_cflags" ./configure --static --prefix="$1"
  make -j"$jobs" libz.a
  make install
}

build_zstd() {
  # The library only (no CLI); multithreading off: librdkafka compresses one batch per call.
  # ZSTD_NO_TRACE: zstd's tracing hooks are weak undefined symbols, which the loader would
  # bind to any ZSTD_trace_* another library in the process happened to export.
  make -C lib -j"$jobs" libzstd.a CFLAGS="$base_cflags -DZSTD_NO_TRACE" ZSTD_LEGACY_SUPPORT=0
  make -C lib install-static install-includes install-pc PREFIX="$1" LIBDIR="$1/lib"
}

build_openssl() {
  local os=linux-x86_64
  [ "$TARGET_ARCH" = aarch64 ] && os=linux-aarch64
  # OPENSSLDIR is a directory that exists nowhere: a static OpenSSL must not read whatever
  # openssl.cnf the host distribution has (written for its own OpenSSL, possibly naming
  # provider modules this build cannot load). CA certificates are found by librdkafka's probe
  # of the usual system locations (see README: CA certificates), not through OPENSSLDIR.
  ./Configure "$os" no-shared no-module no-tests no-docs no-apps \
    --prefix="$1" --libdir=lib --openssldir=/nonexistent/ironkafka-openssl \
    $base_cflags
  make -j"$jobs" build_libs
  make install_dev
}

build_curl() {
  # HTTP(S) only, over the OpenSSL above, nothing else linked: librdkafka's OIDC client only
  # POSTs a token request (and may fetch a JWKS). No CA path is compiled in: librdkafka gives
  # curl the CAs itself (https.ca.location, or its probe of the system locations). Tools by
  # absolute path: CMake takes a bare name such as "ar" as relative to the source tree.
  local cross=()
  [ -n "${CMAKE_SYSTEM_PROCESSOR:-}" ] && cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="$CMAKE_SYSTEM_PROCESSOR")
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$1" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_C_COMPILER="$(command -v "$CC")" -DCMAKE_AR="$(command -v "$AR")" -DCMAKE_RANLIB="$(command -v "$RANLIB")" \
    -DCMAKE_C_FLAGS="$base_cflags" \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON "${cross[@]}" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
    -DBUILD_LIBCURL_DOCS=OFF -DBUILD_MISC_DOCS=OFF -DENABLE_CURL_MANUAL=OFF -DBUILD_EXAMPLES=OFF \
    -DHTTP_ONLY=ON -DCURL_USE_OPENSSL=ON -DOPENSSL_ROOT_DIR="$openssl" -DOPENSSL_USE_STATIC_LIBS=ON \
    -DCURL_USE_PKGCONFIG=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF \
    -DUSE_LIBIDN2=OFF -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF \
    -DCURL_USE_GSSAPI=OFF -DENABLE_ARES=OFF -DCURL_DISABLE_LDAP=ON -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none
  cmake --build build -j"$jobs"
  cmake --install build
}

# librdkafka's configure finds the dependencies by compile checks against the builds above,
# named by -I/-L, never the system's: pkg-config is switched off (PKG_CONFIG=false), so the
# result is the same on a machine without pkg-config (a fresh one) as on one with it.
build_librdkafka() {
  # WITH_STATIC_LIB_libcrypto is how librdkafka knows OpenSSL is linked in statically (its
  # configure sets it only for dependencies it builds itself): it then probes the usual CA
  # certificate locations, since the static OpenSSL's own default path exists nowhere.
  local cflags="$base_cflags -DWITH_STATIC_LIB_libcrypto=1"
  [ -n "$sanitize" ] && cflags="$cflags -fsanitize=$sanitize -fno-omit-frame-pointer -g"
  local dirs=("$curl" "$openssl" "$zstd" "$zlib") d incs='' libdirs='' p
  for p in "$deps"/librdkafka/patches/*.patch; do
    [ -e "$p" ] || continue
    # patch(1) comes with every toolchain package set (dpkg-dev); git apply is the fallback.
    if command -v patch >/dev/null; then patch -p1 --forward --batch < "$p"
    else git apply -p1 "$p"; fi
  done
  for d in "${dirs[@]}"; do incs="$incs -I$d/include"; libdirs="$libdirs -L$d/lib"; done
  # CURL_STATICLIB: the curl headers then declare no dllimport-style linkage; its static
  # archive needs OpenSSL and pthread after it, which librdkafka's own checks add.
  PKG_CONFIG=false ./configure --prefix="$1" --cc="$CC" --cxx="$CXX" --enable-static \
    --CFLAGS="$cflags$incs -DCURL_STATICLIB" --LDFLAGS="$libdirs$([ -n "$sanitize" ] && echo " -fsanitize=$sanitize")" \
    --enable-ssl --enable-zstd --enable-zlib --enable-curl \
    --disable-gssapi --disable-lz4-ext --disable-syslog
  # The generated configuration is checked before anything is built with it.
  local run=''
  # The probe runs where this machine can run it (its architecture; glibc 2.28 and static musl
  # binaries both run here); for the other architecture it is compiled only.
  [ "$TARGET_ARCH" = "$(uname -m)" ] || run=--no-run
  CFLAGS="$cflags" bash "$deps/librdkafka/check-config.sh" config.h "$PWD" $run
  make -C src -j"$jobs" librdkafka.a
  mkdir -p "$1/lib" "$1/include/librdkafka" "$1/share/ironkafka"
  cp src/librdkafka.a "$1/lib/"
  cp src/rdkafka.h src/rdkafka_mock.h "$1/include/librdkafka/"
  cp config.h "$1/share/ironkafka/config.h"
  printf '%s\n' "$cflags" > "$1/share/ironkafka/cflags"
  echo "$1/include" > "$1/share/ironkafka/include"
  # The configure result must have OIDC: without it the build silently lacks a feature.
  grep -q '^#define WITH_OAUTHBEARER_OIDC 1' config.h || { echo "librdkafka configured without OIDC (libcurl not found)"; return 1; }
  printf '%s\n' "$1/lib/librdkafka.a" "$curl/lib/libcurl.a" "$openssl/lib/libssl.a" "$openssl/lib/libcrypto.a" \
    "$zstd/lib/libzstd.a" "$zlib/lib/libz.a" > "$1/share/ironkafka/link.txt"
  local lib
  for lib in $(cat "$1/share/ironkafka/link.txt"); do [ -s "$lib" ] || { echo "missing $lib"; return 1; }; done
}

zlib=$(build zlib "" build_zlib)
zstd=$(build zstd "" build_zstd)
openssl=$(build openssl "" build_openssl)
curl=$(build curl "$openssl" build_curl)
patches=$(cat "$deps"/librdkafka/patches/*.patch 2>/dev/null | sha256sum | cut -c1-12)
build librdkafka "$sanitize $zlib $zstd $openssl $curl $patches" build_librdkafka
}
main "$@"
