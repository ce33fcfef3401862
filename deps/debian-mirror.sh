#!/usr/bin/env bash
# Prints the first Debian archive URI this machine's apt is configured with (deb822 .sources
# or one-line .list format), for the scripts that fetch Debian packages with a private apt
# configuration. Exit 1 when there is none.
set -euo pipefail
uri=''
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
  [ -n "$uri" ] && break
done
# (grep exits 2 for a missing file, e.g. an unmatched *.list glob: not a failure here)
[ -n "$uri" ] || uri=$( { grep -hsE '^deb(-src)?[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list || true; } \
  | grep -oE '[a-z]+://[^[:space:]]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]' || true)
[ -n "$uri" ] || { echo "no Debian mirror configured in /etc/apt" >&2; exit 1; }
echo "$uri"
