#!/usr/bin/env bash
# A second Docker engine, Debian trixie's 26.1, beside this machine's Debian 12 engine (20.10), for
# kind's default (Docker) provider: an engine of version 23 or later gives a --privileged container
# the daemon's own capabilities, where 20.10 asks for every capability and fails on a machine whose
# bounding set lacks one (this kind of machine lacks CAP_SYS_RESOURCE: "unable to apply caps").
#
#   bash .ci/docker-engine.sh start   # prints the DOCKER_HOST line to export
#   bash .ci/docker-engine.sh stop
#   D7Y_DOCKER_ENGINE_MIRROR=http://127.0.0.1:5055 bash .ci/docker-engine.sh start   # a Docker Hub mirror
#
# Nothing of the system engine is touched: the packages are unpacked under $ROOT (dpkg -x, a private
# apt state), the engine has its own containerd, socket, data root and bridges (named d7yd26*),
# and no iptables management of its own (two engines would fight over Docker's chains); two FORWARD
# rules let traffic through its bridges (this machine bridges through iptables, policy DROP).
# trixie's runc and dynamic tini need glibc 2.38: bookworm's own runc serves instead.
set -euo pipefail

ENGINE_VERSION=26.1.5+dfsg1-9+deb13u1+b1
CONTAINERD_VERSION=1.7.24~ds1-6+deb13u1
TINI_VERSION=0.19.0-3+b8
ROOT=${D7Y_DOCKER_ENGINE_DIR:-/var/lib/d7y-docker26}
RUN=/run/d7y-docker26
SOCK=$RUN/docker.sock
BRIDGE=d7yd26br0
SUBNET=172.30.0.1/24
KIND_BRIDGE=d7yd26kind
KIND_SUBNET=172.30.1.0/24

say() { printf 'docker-engine: %s\n' "$*" >&2; }

unpack() {
  [[ -x $ROOT/pkg/usr/sbin/dockerd ]] && return
  say "fetching docker.io $ENGINE_VERSION, containerd $CONTAINERD_VERSION, tini $TINI_VERSION (Debian trixie)"
  local apt=$ROOT/apt
  mkdir -p "$apt"/{lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d,debs}
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
    >"$apt/etc/sources.list"
  cat >"$apt/apt.conf" <<EOF
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "$apt/etc/sources.list.d";
Dir::Etc::preferencesparts "$apt/etc/preferences.d";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt/cache";
EOF
  export APT_CONFIG=$apt/apt.conf
  apt-get update -qq
  (cd "$apt/debs" && apt-get download -qq "docker.io=$ENGINE_VERSION" "docker-cli=$ENGINE_VERSION" \
    "containerd=$CONTAINERD_VERSION" "tini=$TINI_VERSION")
  rm -rf "$ROOT/pkg.partial"
  for deb in "$apt"/debs/*.deb; do dpkg -x "$deb" "$ROOT/pkg.partial"; done
  # glibc 2.38 binaries out of the way: dockerd would find trixie's runc beside itself first
  rm -f "$ROOT/pkg.partial/usr/sbin/runc" "$ROOT/pkg.partial/usr/bin/runc" "$ROOT/pkg.partial/usr/bin/tini"
  mv "$ROOT/pkg.partial" "$ROOT/pkg"
}

start() {
  if [[ -S $SOCK ]] && DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1; then
    say "already running"
    echo "export DOCKER_HOST=unix://$SOCK"
    return
  fi
  command -v runc >/dev/null || { say "runc missing: apt-get install runc"; exit 1; }
  unpack
  mkdir -p "$RUN" "$ROOT/containerd" "$ROOT/data"
  cat >"$ROOT/containerd.toml" <<EOF
version = 2
root = "$ROOT/containerd/root"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$RUN/containerd.sock"
[ttrpc]
  address = "$RUN/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  if [[ -n ${D7Y_DOCKER_ENGINE_MIRROR:-} ]]; then
    printf '{"registry-mirrors": ["%s"]}\n' "$D7Y_DOCKER_ENGINE_MIRROR" >"$ROOT/daemon.json"
  else
    echo '{}' >"$ROOT/daemon.json"
  fi
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add name "$BRIDGE" type bridge
    ip addr add "$SUBNET" dev "$BRIDGE"
  }
  ip link set "$BRIDGE" up
  for dir in -i -o; do
    iptables -C FORWARD "$dir" 'd7yd26+' -j ACCEPT 2>/dev/null || iptables -I FORWARD "$dir" 'd7yd26+' -j ACCEPT
  done
  local path=$ROOT/pkg/usr/bin:$ROOT/pkg/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin
  PATH=$path setsid nohup "$ROOT/pkg/usr/bin/containerd" --config "$ROOT/containerd.toml" \
    >"$ROOT/containerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [[ -S $RUN/containerd.sock ]] && break; sleep 0.2; done
  PATH=$path setsid nohup "$ROOT/pkg/usr/sbin/dockerd" --config-file "$ROOT/daemon.json" \
    --host "unix://$SOCK" --data-root "$ROOT/data" --exec-root "$RUN/exec" --pidfile "$RUN/docker.pid" \
    --containerd "$RUN/containerd.sock" --bridge "$BRIDGE" --iptables=false --ip6tables=false \
    >"$ROOT/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1 && break; sleep 1; done
  DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1 || { say "dockerd did not start: $ROOT/dockerd.log"; exit 1; }
  # kind's network, made here so its bridge has a name the FORWARD rules match (kind reuses it)
  DOCKER_HOST=unix://$SOCK docker network inspect kind >/dev/null 2>&1 ||
    DOCKER_HOST=unix://$SOCK docker network create -d bridge --subnet "$KIND_SUBNET" \
      -o com.docker.network.bridge.name="$KIND_BRIDGE" -o com.docker.network.driver.mtu=1500 kind >/dev/null
  say "engine $(DOCKER_HOST=unix://$SOCK docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') on $SOCK"
  echo "export DOCKER_HOST=unix://$SOCK"
}

stop() {
  [[ -f $RUN/docker.pid ]] && kill "$(cat "$RUN/docker.pid")" 2>/dev/null || true
  for _ in $(seq 1 30); do pgrep -f "dockerd --config-file $ROOT/daemon.json" >/dev/null || break; sleep 1; done
  pkill -f "containerd --config $ROOT/containerd.toml" 2>/dev/null || true
  for dir in -i -o; do iptables -D FORWARD "$dir" 'd7yd26+' -j ACCEPT 2>/dev/null || true; done
  say "stopped (data kept in $ROOT/data)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
