#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find: style and lints,
# host unit tests, the wasm build and its size budget, then the Worker under
# `wrangler dev` (HTTP end-to-end), the Ember tests, and a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }

step "installing what is missing"
bash scripts/install-tools.sh --browser

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy (host and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -- -D warnings

step "host unit tests"
cargo test

step "release wasm build"
bash scripts/build-worker.sh

if [ -f scripts/check-size.sh ]; then
  step "wasm size budget"
  bash scripts/check-size.sh
fi

step "frontend build"
bash scripts/build-frontend.sh

# The session store's files (issue 10) choose their configuration
# themselves; every other e2e file runs against the stateless Worker
# (SESSIONS removed, EDGE_LOGIN_SESSIONS=off): the classic design the
# contract keeps, whose tests mint tokens no session store holds.
step "end-to-end HTTP tests against wrangler dev: the session store"
node --test --test-concurrency=1 tests/e2e/sessions*.test.mjs

step "end-to-end HTTP tests against wrangler dev: the rest, stateless (SESSIONS removed)"
stateless=()
for f in tests/e2e/*.test.mjs; do
  case "$f" in tests/e2e/sessions*) ;; *) stateless+=("$f") ;; esac
done
EDGE_LOGIN_SESSIONS=off node --test --test-concurrency=1 "${stateless[@]}"

if [ -f frontend/package.json ]; then
  step "Ember tests (qunit, headless Chromium)"
  npm --prefix frontend test
fi

if [ -d tests/browser ]; then
  step "browser end-to-end tests (Playwright + Chromium)"
  node --test --test-concurrency=1 tests/browser/
fi

step "all tests passed"
