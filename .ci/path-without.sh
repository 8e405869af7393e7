#!/usr/bin/env bash
# Prints a directory to use as PATH: every command on the current PATH except the ones named, so a
# run with it shows those commands are never needed (the cluster profile: no docker, podman or kind).
#   PATH="$(bash .ci/path-without.sh docker podman kind)" npm test
set -euo pipefail
dir=$(mktemp -d /tmp/d7y-path-XXXXXX)
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    [ -x "$f" ] && [ ! -d "$f" ] || continue
    b=$(basename "$f")
    for skip in "$@"; do [ "$b" = "$skip" ] && continue 2; done
    [ -e "$dir/$b" ] || ln -s "$f" "$dir/$b"
  done
done
for skip in "$@"; do
  if PATH=$dir command -v "$skip" >/dev/null; then echo "$skip is still reachable" >&2; exit 1; fi
done
echo "$dir"
