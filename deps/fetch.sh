#!/usr/bin/env bash
# Fetches one pinned C dependency's source archive, verifies its sha256 and extracts it.
#
#   deps/fetch.sh NAME      (NAME: librdkafka, openssl, zstd, zlib, curl; pinned in deps/NAME/pin.env)
#                           -> prints the path of the extracted source tree
#
# Sources, tried in order (the first one that yields a file with the pinned sha256 wins):
#   1. $<NAME>_TARBALL        a path given by the user (e.g. LIBRDKAFKA_TARBALL, OPENSSL_TARBALL)
#   2. the local cache        $IRONKAFKA_CACHE_DIR (default ~/.cache/ironkafka)
#   3. UPSTREAM_URL           the project's release download, where the pin names one
#   4. Debian's source package: apt-get source --download-only with a private apt
#      configuration whose deb-src URI is copied from this machine's configured Debian
#      sources, so the system's apt state is never modified. Any Debian revision of the
#      pinned upstream version will do: they share the .orig archive, whose sha256 is pinned.
# A file whose checksum differs is refused (exit 3) and never extracted or cached.
# Nothing of a dependency ever enters git: the cache lives outside the repo and the extracted
# tree under deps/NAME/src is git-ignored.
set -euo pipefail

deps=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=${1:?usage: deps/fetch.sh NAME}
pin="$deps/$name/pin.env"
[ -f "$pin" ] || { echo "fetch: no pin for $name ($pin)" >&2; exit 2; }
VERSION='' SHA256='' ARCHIVE='' UPSTREAM_URL='' DEBIAN_PACKAGE='' DEBIAN_UPSTREAM='' DEBIAN_SUITES=''
# shellcheck source=librdkafka/pin.env
. "$pin"

cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
cached="$cache/sources/$ARCHIVE"
src_root="$deps/$name/src"
src_dir="$src_root/$name-$VERSION"
tarball_var="$(echo "$name" | tr '[:lower:]' '[:upper:]')_TARBALL"
tarball=${!tarball_var:-}

log() { echo "fetch-$name: $*" >&2; }

# verify FILE: 0 when its sha256 is the pinned one; otherwise says why and returns 1
verify() {
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$SHA256" ]; then
    log "REFUSED $1: sha256 $got, expected $SHA256"
    return 1
  fi
}

# accept FILE: verify, then store in the cache (atomically) so later builds skip the network
accept() {
  verify "$1" || return 1
  if [ "$1" != "$cached" ]; then
    mkdir -p "$(dirname "$cached")"
    cp "$1" "$cached.tmp.$$" && mv -f "$cached.tmp.$$" "$cached"
  fi
}

try_upstream() {
  [ -n "$UPSTREAM_URL" ] && command -v curl >/dev/null || return 1
  local tmp; tmp=$(mktemp -d)
  log "trying the upstream release download"
  if curl -fsSL --connect-timeout 10 --max-time 300 -o "$tmp/a" "$UPSTREAM_URL" 2>/dev/null; then
    accept "$tmp/a" && { rm -rf "$tmp"; return 0; }
  fi
  rm -rf "$tmp"; return 1
}

try_debian() {
  [ -n "$DEBIAN_PACKAGE" ] && command -v apt-get >/dev/null || return 1
  local uri; uri=$(bash "$deps/debian-mirror.sh") || return 1
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local tmp; tmp=$(mktemp -d)
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
  local suite
  for suite in $DEBIAN_SUITES; do
    echo "deb-src [signed-by=$keyring] $uri $suite main"
  done > "$tmp/sources.list"
  # Check-Valid-Until off: a mirror may serve a frozen snapshot whose Release file is past its
  # Valid-Until date. That check guards against replayed indexes; here the archive's sha256 is
  # pinned, so a stale index can yield no other archive.
  local opts=(-q -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache"
              -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)
  log "trying Debian source package $DEBIAN_PACKAGE $DEBIAN_UPSTREAM ($DEBIAN_SUITES)"
  if ! apt-get "${opts[@]}" update >"$tmp/log" 2>&1; then
    log "apt-get update failed:"; tail -n 5 "$tmp/log" >&2; rm -rf "$tmp"; return 1
  fi
  # Every Debian revision of the pinned upstream version (epoch stripped), newest first.
  local versions v
  versions=$(apt-cache "${opts[@]}" showsrc "$DEBIAN_PACKAGE" 2>/dev/null \
    | awk '/^Version:/ { print $2 }' | sort -ruV \
    | while read -r v; do case "${v#*:}" in "$DEBIAN_UPSTREAM"-*) echo "$v" ;; esac; done)
  for v in $versions; do
    if (cd "$tmp/dl" && apt-get "${opts[@]}" source --download-only "$DEBIAN_PACKAGE=$v") >>"$tmp/log" 2>&1 \
       && [ -f "$tmp/dl/$ARCHIVE" ] && accept "$tmp/dl/$ARCHIVE"; then
      rm -rf "$tmp"; return 0
    fi
  done
  log "no Debian revision of $DEBIAN_PACKAGE $DEBIAN_UPSTREAM yielded $ARCHIVE${versions:+ (tried: $(echo $versions))}"
  tail -n 3 "$tmp/log" >&2
  rm -rf "$tmp"; return 1
}

obtain() {
  if [ -n "$tarball" ]; then
    # An explicit tarball is the user's choice: never fall back silently when it is wrong.
    [ -f "$tarball" ] || { log "$tarball_var=$tarball does not exist"; exit 2; }
    accept "$tarball" || exit 3
    return 0
  fi
  if [ -f "$cached" ]; then
    verify "$cached" && return 0
    rm -f "$cached" # a corrupt cache entry is discarded and fetched again
  fi
  try_upstream && return 0
  try_debian && return 0
  log "could not obtain $name $VERSION from any source"
  exit 4
}

stamp="$src_dir/.ironkafka-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$SHA256" ] && [ -z "$tarball" ]; then
  echo "$src_dir"; exit 0
fi

obtain
# Extract into a temporary dir first so an interrupted run never leaves a half tree behind.
mkdir -p "$src_root"
tmp=$(mktemp -d "$src_root/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# cmake's own tar reads every format the pins use (.tar.gz, .tar.xz) where a fresh machine may
# have no xz; cmake is needed for the build anyway.
(cd "$tmp" && cmake -E tar xf "$cached")
top=$(find "$tmp" -mindepth 1 -maxdepth 1)
[ "$(echo "$top" | wc -l)" = 1 ] && [ -d "$top" ] || { log "$ARCHIVE does not hold one top directory"; exit 5; }
echo "$SHA256" > "$top/.ironkafka-sha256"
rm -rf "$src_dir"
mv "$top" "$src_dir"
rm -rf "$tmp"
trap - EXIT
log "$name $VERSION ready in $src_dir"
echo "$src_dir"
