#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to find: style and lints,
# host unit tests, the wasm build and its size budget, then the Worker under
# `wrangler dev` (HTTP end-to-end), the Ember tests, and a real browser.
# No suite is optional: one whose files are missing fails the run, as does a
# test runner that finds no test (scripts/node-test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }

step "installing what is missing"
bash scripts/install-tools.sh --python --browser
# Everything that runs Python uses the project venv (scripts/python-env.sh):
# cargo test's interop test, the e2e tests' token minting.
export PYTHON="$PWD/.venv/bin/python"
CHROME_BIN=$(bash scripts/find-chrome.sh)
export CHROME_BIN

step "cargo fmt --check (the crate and fuzz/)"
cargo fmt --check
cargo fmt --check --manifest-path fuzz/Cargo.toml

step "cargo clippy (host and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -- -D warnings

# fuzz/ is a workspace of its own, so the commands above never see it. Its
# targets build on stable (libfuzzer-sys compiles libFuzzer with the C++
# compiler); only running them with coverage needs nightly (`make fuzz`).
step "fuzz targets: lint on stable (not run; make fuzz runs them)"
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

step "host unit tests"
cargo test

step "release wasm build"
bash scripts/build-worker.sh

step "wasm size budget"
bash scripts/check-size.sh

# Only for tests/e2e/panic.test.mjs: a build whose GET /api/panic-probe
# panics, beside build/ and never in it (the same target dir: only the
# crate itself is compiled again, a few seconds).
step "release wasm build with the panic probe (target/panic-probe/)"
bash scripts/build-worker.sh --features panic-probe --out-dir target/panic-probe/build

step "frontend build"
bash scripts/build-frontend.sh

# With the session store and without it (scripts/e2e.sh says which files).
bash scripts/e2e.sh

step "Ember tests (qunit, headless Chromium)"
ember_log=tests/artifacts/ember-test.log
mkdir -p tests/artifacts
npm --prefix frontend test 2>&1 | tee "$ember_log"
# testem's TAP totals: a build that finds no test, or skips one, must not pass.
ember_tests=$(sed -n 's/^# tests *\([0-9][0-9]*\)$/\1/p' "$ember_log" | tail -n 1)
ember_skipped=$(sed -n 's/^# skip *\([0-9][0-9]*\)$/\1/p' "$ember_log" | tail -n 1)
if [ -z "$ember_tests" ] || [ "$ember_tests" -eq 0 ]; then
  echo "error: the Ember tests ran no test (see $ember_log)" >&2
  exit 1
fi
if [ "${ember_skipped:-0}" -gt 0 ]; then
  echo "error: $ember_skipped Ember tests were skipped; a skipped test is not a pass (see $ember_log)" >&2
  exit 1
fi

step "browser end-to-end tests (Playwright + Chromium)"
bash scripts/node-test.sh 'tests/browser/*.test.mjs'

step "all tests passed"
