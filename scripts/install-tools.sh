#!/usr/bin/env bash
# Installs what building, running and testing edge-login needs, skipping
# whatever is already there. Safe to run again; every step says what it does.
#   scripts/install-tools.sh            # build + dev + API tests
#   scripts/install-tools.sh --browser  # also Debian's Chromium for browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=true ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# worker-build would download wasm-bindgen from GitHub, which build machines
# cannot reach; install the exact version Cargo.lock pins from crates.io.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
version_of() { "$@" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1; }
if [ "$(version_of wasm-bindgen)" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 5 minutes on 2 cores)"
  # Not --locked: one of its locked dependencies is gone from crates.io.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

worker_build_version=0.8.7
if [ "$(version_of worker-build)" != "$worker_build_version" ]; then
  say "installing worker-build $worker_build_version (about 5 minutes on 2 cores)"
  cargo install worker-build --version "$worker_build_version" --locked
fi

if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tooling (wrangler, oauth2-mock-server, binaryen, playwright-core)"
  npm ci --no-audit --no-fund
fi

if ! python3 -c 'import itsdangerous' 2>/dev/null; then
  say "installing Python itsdangerous (the token format's reference)"
  python3 -m pip install --quiet 'itsdangerous==2.2.0'
fi

if $want_browser && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
