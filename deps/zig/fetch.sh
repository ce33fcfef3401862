#!/usr/bin/env bash
# Fetches the pinned zig (pin.env) into the ironkafka cache and prints the path of the zig
# binary. The wheel is downloaded with pip from the package index pip is configured with
# (never installed into any Python environment), checked against the pinned sha256, and
# unpacked once per machine; ZIG_WHEEL may name a local copy of the wheel instead.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/pin.env"
cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
dir="$cache/zig-$VERSION-${SHA256:0:12}"
log() { echo "fetch-zig: $*" >&2; }

if [ -x "$dir/ziglang/zig" ] && [ -f "$dir/.complete" ]; then echo "$dir/ziglang/zig"; exit 0; fi
[ "$(uname -m)" = x86_64 ] || { log "the pinned zig wheel is for x86_64 build machines, not $(uname -m)"; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-zig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
wheel=${ZIG_WHEEL:-}
if [ -z "$wheel" ]; then
  command -v python3 >/dev/null || { log "python3 (with pip) is needed to download zig"; exit 2; }
  log "downloading ziglang $VERSION (about 100 MB)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "ziglang==$VERSION" >&2
  wheel="$tmp/$WHEEL"
fi
[ -f "$wheel" ] || { log "no $WHEEL (pip downloaded: $(ls "$tmp"))"; exit 4; }
got=$(sha256sum "$wheel" | cut -d' ' -f1)
[ "$got" = "$SHA256" ] || { log "REFUSED $wheel: sha256 $got, expected $SHA256"; exit 3; }
mkdir -p "$tmp/x"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$tmp/x"
chmod +x "$tmp/x/ziglang/zig"
"$tmp/x/ziglang/zig" version >/dev/null
rm -rf "$dir"; mkdir -p "$(dirname "$dir")"
mv "$tmp/x" "$dir"
touch "$dir/.complete"
log "zig $VERSION ready in $dir"
echo "$dir/ziglang/zig"
