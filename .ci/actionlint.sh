#!/usr/bin/env bash
# Lints .github/workflows with a pinned actionlint, installed once with `go install` (GOPROXY as
# the environment sets it) into the suite's tool cache (<cache>/tools/actionlint/<version>/bin,
# like every other tool the suite obtains).
# Usage: bash .ci/actionlint.sh [extra actionlint flags]
set -euo pipefail

VERSION=v1.7.12
MODULE=github.com/rhysd/actionlint
CACHE_DIR="${D7Y_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/d7y-conformance}"
BIN_DIR="$CACHE_DIR/tools/actionlint/$VERSION/bin"
BIN="$BIN_DIR/actionlint"

cd "$(dirname "$0")/.."

installed() {
  [ -x "$BIN" ] && "$BIN" -version 2>/dev/null | head -1 | grep -qx "${VERSION}"
}

install_with_go_install() {
  GOBIN="$BIN_DIR" GOFLAGS='' CGO_ENABLED=0 go install "$MODULE/cmd/actionlint@$VERSION"
}

# go install refuses modules whose go.mod has replace directives; a throwaway module that requires
# the module builds it all the same (a dependency's replace directives are ignored).
install_with_throwaway_module() {
  local dir
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' RETURN
  (
    cd "$dir"
    printf 'module actionlint-build\n\ngo 1.22\n' >go.mod
    GOFLAGS=-mod=mod go get "$MODULE@$VERSION"
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $MODULE.version=$VERSION" -o "$BIN" "$MODULE/cmd/actionlint"
  )
}

if ! installed; then
  if ! command -v go >/dev/null 2>&1; then
    echo "actionlint.sh: Go is needed to install actionlint $VERSION (Debian: apt-get install -y golang-go)" >&2
    exit 1
  fi
  # GOPROXY is left to the environment: unset, go uses its own default.
  mkdir -p "$BIN_DIR"
  echo "installing actionlint $VERSION into $BIN_DIR" >&2
  install_with_go_install || install_with_throwaway_module
  installed || { echo "actionlint.sh: $BIN does not report $VERSION" >&2; exit 1; }
fi

echo "actionlint $("$BIN" -version | head -1) ($BIN)"
exec "$BIN" -no-color "$@"
