#!/usr/bin/env bash
# Checks a librdkafka build's generated configuration: compiles config-probe.c against that
# config.h and librdkafka's own headers with the flags librdkafka was built with, and runs the
# probe where the target can run here. Fails (exit 1, with the compiler's reason) when an
# atomics define or a promised feature is missing, so a later pin or build change that loses
# them stops the build instead of shipping a silently broken client.
#
#   check-config.sh CONFIG_H SRC_DIR [--no-run]     (compiler: $CC, flags: $CFLAGS)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config=$1 src=$2 run=${3:-}
cc=${CC:-cc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-rdk-probe.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# librdkafka's headers include "../config.h"; a directory one level below the copy resolves it.
mkdir -p "$tmp/inc"
cp "$config" "$tmp/config.h"
# shellcheck disable=SC2086 # CFLAGS is a list of flags
if ! $cc ${CFLAGS:-} -iquote "$tmp/inc" -I "$src/src" -o "$tmp/probe" "$here/config-probe.c" -lpthread 2>"$tmp/err"; then
  echo "check-config: librdkafka's configuration ($config) is not what ironkafka ships:" >&2
  grep -E 'error' "$tmp/err" >&2 || cat "$tmp/err" >&2
  exit 1
fi
if [ "$run" != "--no-run" ]; then
  "$tmp/probe" || { echo "check-config: the probe built against $config failed at run time" >&2; exit 1; }
fi
