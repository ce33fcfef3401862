#!/usr/bin/env bash
# Prints the path of a kcat to run: the one on PATH, else one fetched into the ironkafka cache
# without root and without touching the system: kcat's Debian package and the libraries it
# needs that this machine lacks are downloaded with a private apt configuration (lists in a
# temporary dir; the Debian mirror and suite are this machine's own) and unpacked with
# dpkg -x; a wrapper script runs it with LD_LIBRARY_PATH pointing at them.
# kcat is the tests' independent reader of Kafka contents: its own librdkafka, not ours.
set -euo pipefail
if [ -z "${IRONKAFKA_FETCH_KCAT:-}" ] && command -v kcat >/dev/null; then command -v kcat; exit 0; fi

# The package pinned: version and the sha256 of its .deb for amd64 (Debian 12).
KCAT_VERSION=1.7.1-2
KCAT_SHA256_amd64=c7634113d7db8e9ca840f7f865afd1d13b43014f2dcf591ed3b5744de80030d3
cache=${IRONKAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ironkafka}
arch=$(dpkg --print-architecture)
dir="$cache/kcat-$KCAT_VERSION-$arch"
log() { echo "fetch-kcat: $*" >&2; }
if [ -x "$dir/kcat" ]; then echo "$dir/kcat"; exit 0; fi

command -v apt-get >/dev/null || { log "no kcat on PATH and no apt-get to fetch one: install kcat"; exit 2; }
. /etc/os-release
uri=$(bash "$(dirname "${BASH_SOURCE[0]}")/../deps/debian-mirror.sh") || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ironkafka-kcat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/debs" "$tmp/root"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $VERSION_CODENAME main" > "$tmp/sources.list"
# (Check-Valid-Until off: the mirror may serve a frozen snapshot; see deps/fetch.sh.)
opts=(-q -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "Dir::State::status=/var/lib/dpkg/status"
      -o Acquire::Check-Valid-Until=false
      -o APT::Sandbox::User="$(id -un)")
log "fetching kcat $KCAT_VERSION ($VERSION_CODENAME) and the libraries it needs"
apt-get "${opts[@]}" update >"$tmp/log" 2>&1 || { tail -n 5 "$tmp/log" >&2; exit 1; }
# kcat's run-time closure, minus what this machine already has installed.
need=$(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
         --no-breaks --no-replaces --no-enhances "kcat=$KCAT_VERSION" | grep -v '^ ' | sort -u)
get=()
for p in $need; do
  [ "$p" = kcat ] && { get+=("kcat=$KCAT_VERSION"); continue; }
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || get+=("$p")
done
(cd "$tmp/debs" && apt-get "${opts[@]}" download "${get[@]}") >>"$tmp/log" 2>&1 || { tail -n 5 "$tmp/log" >&2; exit 1; }
deb=$(ls "$tmp/debs"/kcat_*.deb)
sum_var="KCAT_SHA256_$arch"
got=$(sha256sum "$deb" | cut -d' ' -f1)
[ "$got" = "${!sum_var:-}" ] || { log "REFUSED $(basename "$deb"): sha256 $got, expected ${!sum_var:-(none pinned for $arch)}"; exit 3; }
for d in "$tmp"/debs/*.deb; do dpkg -x "$d" "$tmp/root"; done
libs=$(find "$tmp/root" -name '*.so*' -printf '%h\n' | sort -u | sed "s|^$tmp/root|$dir/root|" | paste -sd:)
if [ -n "$libs" ]; then
  printf '#!/bin/sh\nLD_LIBRARY_PATH=%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s "$@"\n' "$libs" "$dir/root/usr/bin/kcat"
else
  printf '#!/bin/sh\nexec %s "$@"\n' "$dir/root/usr/bin/kcat"
fi > "$tmp/kcat"
chmod +x "$tmp/kcat"
rm -rf "$dir"; mkdir -p "$dir"
mv "$tmp/root" "$dir/root"; mv "$tmp/kcat" "$dir/kcat"
"$dir/kcat" -V >/dev/null || { log "the fetched kcat does not run: $("$dir/kcat" -V 2>&1 | head -n 3)"; rm -rf "$dir"; exit 1; }
log "kcat ready: $dir/kcat"
echo "$dir/kcat"
