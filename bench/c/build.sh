#!/usr/bin/env bash
# Builds the C baseline (bench/c/producer.c) against the same static librdkafka the addon
# links (deps/build.sh, cached per machine) and prints the binary's path.
# Rebuilt when the source or the librdkafka build changes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=$(IRONKAFKA_SANITIZE= bash "$here/../../deps/build.sh" host)
out="$here/build"
bin="$out/producer"
stamp="$out/.prefix"
mkdir -p "$out"
if [ -x "$bin" ] && [ "$bin" -nt "$here/producer.c" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$prefix" ]; then
  echo "$bin"; exit 0
fi
# The addon's optimisation level (CMake Release: -O3 -DNDEBUG), linked with the same static
# libraries (librdkafka, OpenSSL, zstd, zlib: share/ironkafka/link.txt).
mapfile -t libs < "$prefix/share/ironkafka/link.txt"
${CC:-cc} -O3 -DNDEBUG -Wall -o "$bin.tmp" "$here/producer.c" \
  -I"$(cat "$prefix/share/ironkafka/include")" -DLIBRDKAFKA_STATICLIB "${libs[@]}" -lpthread -lrt -ldl -lm
mv "$bin.tmp" "$bin"
echo "$prefix" > "$stamp"
echo "$bin"
