#!/usr/bin/env bash
# Makes the kind profile's "pull the published image" path run on a machine without a container
# registry: Debian's docker-registry on 127.0.0.1 serves this suite's own offline builds under their
# published names, as the Docker Hub mirror of the second engine (.ci/docker-engine.sh). The suite
# then pulls them like a user's machine pulls Docker Hub's, and says that what it pulled carries its
# offline label: these are local builds, never the published images.
#
#   bash .ci/published-mirror.sh start   # after a kind run on the second engine built the images
#   bash .ci/published-mirror.sh stop
#
# Served (by tag, as the values name them): Dragonfly's manager, scheduler and client at the pinned
# tags, and busybox 1.36.1. Pins by digest (kindest/node, busybox, registry) cannot be served by a
# mirror of local builds: the run names busybox by its tag (D7Y_INIT_CONTAINER_IMAGE=busybox:1.36.1)
# and the node image by its local name; the registry's pull by digest fails through the mirror and
# falls back to Debian's build, as offline.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${D7Y_MIRROR_PORT:-5055}
ROOT=${D7Y_MIRROR_DIR:-/var/lib/d7y-published-mirror}
ENGINE=unix:///run/d7y-docker26/docker.sock
MIRROR=127.0.0.1:$PORT

say() { printf 'published-mirror: %s\n' "$*" >&2; }
e26() { DOCKER_HOST=$ENGINE docker "$@"; }

# local image → the name Docker Hub gives it (official images under library/)
images() {
  cat <<EOF
dragonflyoss/manager:v2.5.1 dragonflyoss/manager:v2.5.1
dragonflyoss/scheduler:v2.5.1 dragonflyoss/scheduler:v2.5.1
dragonflyoss/client:v1.5.0 dragonflyoss/client:v1.5.0
busybox:1.36.1 library/busybox:1.36.1
EOF
}

start() {
  mkdir -p "$ROOT/data"
  cat >"$ROOT/config.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $ROOT/data
http:
  addr: $MIRROR
EOF
  if ! curl -fsS "http://$MIRROR/v2/" >/dev/null 2>&1; then
    setsid nohup /usr/bin/docker-registry serve "$ROOT/config.yml" >"$ROOT/registry.log" 2>&1 </dev/null &
    echo $! >"$ROOT/registry.pid"
    for _ in $(seq 1 30); do curl -fsS "http://$MIRROR/v2/" >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  curl -fsS "http://$MIRROR/v2/" >/dev/null || { say "the registry did not start: $ROOT/registry.log"; exit 1; }
  while read -r local published; do
    [[ -n $local ]] || { say "no local build of $published: run the kind profile on the second engine first"; exit 1; }
    e26 image inspect "$local" >/dev/null
    e26 tag "$local" "$MIRROR/$published"
    e26 push -q "$MIRROR/$published" >/dev/null
    e26 rmi -f "$MIRROR/$published" >/dev/null
    say "$published ← $local"
  done < <(images)
  # the engine pulls through the mirror from now on; the served images leave its store
  bash .ci/docker-engine.sh stop
  D7Y_DOCKER_ENGINE_MIRROR=http://$MIRROR bash .ci/docker-engine.sh start >/dev/null
  while read -r local published; do
    e26 rmi -f "$local" >/dev/null 2>&1 || true
  done < <(images)
  say "serving on http://$MIRROR, the second engine's Docker Hub mirror"
}

stop() {
  [[ -f $ROOT/registry.pid ]] && kill "$(cat "$ROOT/registry.pid")" 2>/dev/null || true
  rm -f "$ROOT/registry.pid"
  say "stopped (images kept in $ROOT/data)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
