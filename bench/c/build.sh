#!/usr/bin/env bash
# Builds the C baseline (bench/c/producer.c) against the same static librdkafka the addon
# links (deps/librdkafka/build.sh, cached per machine) and prints the binary's path.
# Rebuilt when the source or the librdkafka build changes.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=$(IRONKAFKA_SANITIZE= bash "$here/../../deps/librdkafka/build.sh")
out="$here/build"
bin="$out/producer"
stamp="$out/.prefix"
mkdir -p "$out"
if [ -x "$bin" ] && [ "$bin" -nt "$here/producer.c" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$prefix" ]; then
  echo "$bin"; exit 0
fi
# The same optimisation level librdkafka is built with (CMake Release: -O3 -DNDEBUG).
${CC:-cc} -O3 -DNDEBUG -Wall -o "$bin.tmp" "$here/producer.c" \
  -I"$prefix/include" -DLIBRDKAFKA_STATICLIB "$prefix/lib/librdkafka.a" \
  -lssl -lcrypto -lsasl2 -lzstd -llz4 -lz -lcurl -lpthread -lrt -ldl -lm
mv "$bin.tmp" "$bin"
echo "$prefix" > "$stamp"
echo "$bin"
