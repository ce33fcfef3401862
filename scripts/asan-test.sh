#!/usr/bin/env bash
# Runs the native and mock-cluster tests against an AddressSanitizer build of the addon and
# of librdkafka, and fails on any ASan report (in the test processes and in every child they
# spawn: Workers, exit-safety scripts, tarball installs).
#
# The ASan addon is built into build-asan/ (its librdkafka is cached separately by
# deps/build.sh, keyed on the sanitizer) and loaded through node-gyp-build's
# IRONKAFKA_PREBUILD override, so the normal build is untouched. Node itself is not
# instrumented, so the ASan runtime is preloaded. Leak checking is off: Node and V8 keep
# allocations to exit by design, and the lifecycle tests measure our leaks as RSS instead.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$PWD/build-asan
echo "asan: building the addon with -fsanitize=address into $out" >&2
IRONKAFKA_SANITIZE=address IRONKAFKA_BUILD_DIR="$out/build" node scripts/build-native.mjs rebuild
npm run --silent build:ts

# The tests must load this build, not the normal one.
addon=$(IRONKAFKA_PREBUILD="$out" node -p "require('node-gyp-build').path('.')")
case "$addon" in "$out"/*) ;; *) echo "asan: node-gyp-build resolves $addon, not the ASan build" >&2; exit 1;; esac
grep -q __asan_report <(nm -u "$addon") || { echo "asan: $addon is not instrumented" >&2; exit 1; }

runtime=$(g++ -print-file-name=libasan.so)
[ -f "$runtime" ] || { echo "asan: libasan.so not found ($runtime)" >&2; exit 1; }
reports=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-asan.XXXXXX")
mapfile -t tests < <(find test/native test/mock -name '*.test.mjs' | sort)

status=0
env IRONKAFKA_PREBUILD="$out" IRONKAFKA_ASAN=1 LD_PRELOAD="$runtime" \
    ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:log_path=$reports/asan" \
    node --test --test-concurrency=1 "${tests[@]}" || status=$?

if compgen -G "$reports/asan*" >/dev/null; then
  cat "$reports"/asan* >&2
  echo "asan: AddressSanitizer reported errors (above)" >&2
  exit 1
fi
rm -rf "$reports"
[ "$status" -eq 0 ] || { echo "asan: tests failed under AddressSanitizer (exit $status)" >&2; exit "$status"; }
echo "asan: ${#tests[@]} test files passed, no AddressSanitizer report" >&2
