#!/usr/bin/env bash
# Fetches librdkafka's pinned release archive, verifies its sha256 and extracts it.
#
#   deps/librdkafka/fetch.sh            -> prints the path of the extracted source tree
#
# Sources, tried in order (the first one that yields a file with the pinned sha256 wins):
#   1. $LIBRDKAFKA_TARBALL            a path given by the user
#   2. the local cache                $IRONKAFKA_CACHE_DIR (default ~/.cache/ironkafka)
#   3. the upstream release download  (github; unreachable on our build machines)
#   4. Debian's source package        apt-get source --download-only, suite sid, using a
#                                     private apt configuration whose deb-src URI is copied
#                                     from this machine's configured Debian sources, so the
#                                     system's apt state is never modified.
# A file whose checksum differs is refused (exit 3) and never extracted or cached.
# Nothing of librdkafka ever enters git: the cache lives outside the repo and the extracted
# tree under deps/librdkafka/src is git-ignored.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=pin.env
. "$here/pin.env"

cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
archive_name="librdkafka-${LIBRDKAFKA_VERSION}.tar.gz"
cached="$cache/$archive_name"
src_root="$here/src"
src_dir="$src_root/librdkafka-${LIBRDKAFKA_VERSION}"

log() { echo "fetch-librdkafka: $*" >&2; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# verify FILE: 0 when its sha256 is the pinned one; otherwise says why and returns 1
verify() {
  local got
  got=$(sha_of "$1")
  if [ "$got" != "$LIBRDKAFKA_SHA256" ]; then
    log "REFUSED $1: sha256 $got, expected $LIBRDKAFKA_SHA256"
    return 1
  fi
}

# accept FILE: verify, then store in the cache (atomically) so later builds skip the network
accept() {
  verify "$1" || return 1
  if [ "$1" != "$cached" ]; then
    mkdir -p "$cache"
    cp "$1" "$cached.tmp.$$" && mv -f "$cached.tmp.$$" "$cached"
  fi
}

try_upstream() {
  command -v curl >/dev/null || return 1
  local url="https://github.com/confluentinc/librdkafka/archive/refs/tags/v${LIBRDKAFKA_VERSION}.tar.gz"
  local tmp; tmp=$(mktemp -d)
  log "trying upstream release download"
  if curl -fsSL --connect-timeout 10 --max-time 120 -o "$tmp/a.tar.gz" "$url"; then
    accept "$tmp/a.tar.gz" && { rm -rf "$tmp"; return 0; }
  fi
  rm -rf "$tmp"; return 1
}

# The first Debian archive URI configured on this machine (deb822 or one-line format).
debian_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
  done | head -n1
  grep -hsE '^deb(-src)?[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -oE '[a-z]+://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]'
}

try_debian() {
  command -v apt-get >/dev/null || return 1
  local uri; uri=$(debian_uri | head -n1)
  [ -n "$uri" ] || { log "no Debian source configured in /etc/apt"; return 1; }
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local tmp; tmp=$(mktemp -d)
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
  echo "deb-src [signed-by=$keyring] $uri $LIBRDKAFKA_DEBIAN_SUITE main" > "$tmp/sources.list"
  local opts=(-q -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
              -o APT::Sandbox::User=root)
  log "trying Debian source package librdkafka=$LIBRDKAFKA_DEBIAN_VERSION ($LIBRDKAFKA_DEBIAN_SUITE)"
  if apt-get "${opts[@]}" update >"$tmp/log" 2>&1 &&
     (cd "$tmp/dl" && apt-get "${opts[@]}" source --download-only \
        "librdkafka=$LIBRDKAFKA_DEBIAN_VERSION") >>"$tmp/log" 2>&1; then
    local orig="$tmp/dl/librdkafka_${LIBRDKAFKA_VERSION}.orig.tar.gz"
    if [ -f "$orig" ] && accept "$orig"; then rm -rf "$tmp"; return 0; fi
  else
    log "apt-get failed:"; tail -n 5 "$tmp/log" >&2
  fi
  rm -rf "$tmp"; return 1
}

obtain() {
  if [ -n "${LIBRDKAFKA_TARBALL:-}" ]; then
    # An explicit tarball is the user's choice: never fall back silently when it is wrong.
    [ -f "$LIBRDKAFKA_TARBALL" ] || { log "LIBRDKAFKA_TARBALL=$LIBRDKAFKA_TARBALL does not exist"; exit 2; }
    accept "$LIBRDKAFKA_TARBALL" || exit 3
    return 0
  fi
  if [ -f "$cached" ]; then
    verify "$cached" && return 0
    rm -f "$cached" # a corrupt cache entry is discarded and fetched again
  fi
  try_upstream && return 0
  try_debian && return 0
  log "could not obtain librdkafka $LIBRDKAFKA_VERSION from any source"
  exit 4
}

stamp="$src_dir/.ironkafka-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$LIBRDKAFKA_SHA256" ] && [ -z "${LIBRDKAFKA_TARBALL:-}" ]; then
  echo "$src_dir"; exit 0
fi

obtain
# Extract into a temporary dir first so an interrupted run never leaves a half tree behind.
mkdir -p "$src_root"
tmp=$(mktemp -d "$src_root/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$cached" -C "$tmp" --strip-components=1
echo "$LIBRDKAFKA_SHA256" > "$tmp/.ironkafka-sha256"
rm -rf "$src_dir"
mv "$tmp" "$src_dir"
trap - EXIT
log "librdkafka $LIBRDKAFKA_VERSION ready in $src_dir"
echo "$src_dir"
