#!/usr/bin/env bash
# Fetches Apache Kafka's broker jars (pom.xml next to this script) from Maven Central into a
# cache shared by every clone on the machine, verifies each jar against jars.sha256, and
# prints the directory holding them. Maven's own repository (~/.m2) is a second cache.
#
#   scripts/kafka/fetch.sh            -> prints <cache>/kafka-<version>/libs
#   IRONKAFKA_CACHE_DIR=...           -> cache root (default ~/.cache/ironkafka)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
cache="${IRONKAFKA_CACHE_DIR:-$HOME/.cache/ironkafka}"
key="$(cat "$here/pom.xml" "$here/jars.sha256" | sha256sum | cut -c1-12)"
dest="$cache/kafka-$version-$key"

if [ -f "$dest/.complete" ]; then
  echo "$dest/libs"
  exit 0
fi
command -v mvn >/dev/null || { echo "fetch.sh: mvn (Maven) is required" >&2; exit 2; }
command -v java >/dev/null || { echo "fetch.sh: java (17+) is required" >&2; exit 2; }

tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "fetch.sh: resolving Apache Kafka $version from Maven Central" >&2
# --strict-checksums: Maven refuses artifacts whose repository checksum does not match.
mvn -q -B --strict-checksums -f "$here/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$tmp/libs" -DincludeScope=runtime >&2
# Every jar must be exactly the one pinned, and nothing else may be there.
(cd "$tmp/libs" && sha256sum --quiet -c "$here/jars.sha256") >&2 || {
  echo "fetch.sh: REFUSED: a jar does not match scripts/kafka/jars.sha256" >&2
  exit 3
}
extra="$(cd "$tmp/libs" && ls | grep -vxF -f <(awk '{print $2}' "$here/jars.sha256") || true)"
if [ -n "$extra" ]; then
  echo "fetch.sh: REFUSED: unpinned jars: $extra" >&2
  exit 3
fi
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "$dest/libs"
