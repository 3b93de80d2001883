#!/usr/bin/env bash
# Installs what building, running and testing edge-login needs, skipping
# whatever is already there. Safe to run again; every step says what it does.
# Nothing goes into the system Python; only the browser install needs root
# (through sudo when not root).
#   scripts/install-tools.sh                     # build + `make dev`: no Python
#   scripts/install-tools.sh --python            # also the tests' venv (.venv/)
#   scripts/install-tools.sh --python --browser  # also a Chromium: `make test`
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
want_python=false
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=true ;;
    --python) want_python=true ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# First: until the pinned toolchain is there, rustup runs no cargo in the repo.
bash scripts/rust-toolchain.sh

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# scripts/build-worker.sh runs wasm-bindgen's CLI, which must be the exact
# version of the wasm-bindgen crate Cargo.lock pins (crates.io, not a download).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
version_of() { "$@" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1; }
if [ "$(version_of wasm-bindgen)" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 5 minutes on 2 cores)"
  # Not --locked, the only install here without it: the crate's own
  # Cargo.lock pins webpki-roots 1.0.11, which the crates.io index does not
  # offer ("failed to select a version ... locked to 1.0.11"), so a locked
  # install cannot resolve at all. --version still pins the CLI itself.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tooling (wrangler, oauth2-mock-server, binaryen for wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund
fi

if $want_python; then
  # itsdangerous (the token format's reference) in the project venv .venv/
  bash scripts/python-env.sh
fi

if $want_browser; then
  # A Chrome or Chromium that is already there (CHROME_BIN, Debian's, one on
  # PATH, macOS's in /Applications) is used as it is.
  set +e
  chrome=$(bash scripts/find-chrome.sh)
  found=$?
  set -e
  case $found in
    0) ;;
    1)
      say "no Chrome or Chromium found: installing Debian's chromium for the browser tests"
      bash scripts/apt-install.sh chromium -- "Install Google Chrome or Chromium and, unless it is in /Applications or on PATH, set CHROME_BIN to its binary (macOS: CHROME_BIN=\"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\")."
      chrome=$(bash scripts/find-chrome.sh)
      ;;
    *) exit 1 ;;
  esac
  say "browser for the tests: $chrome"
fi
