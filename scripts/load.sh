#!/usr/bin/env bash
# `make load`: 100,000 POST /reauth through wrk against the Worker under
# `wrangler dev`, a mix of valid, expired and tampered session tokens, every
# answer checked against its token (tests/load/run.mjs, tests/load/reauth.lua).
#
#   bash scripts/load.sh                    # 100,000 requests, 4 connections
#   LOAD_TOTAL=10000 LOAD_THREADS=2 bash scripts/load.sh
#   LOAD_MIX=1:1:1 bash scripts/load.sh     # valid:expired:tampered weights
#
# Builds the Worker if build/ has none (the frontend is not needed: the load
# run gives wrangler a one-file assets dir). Exits non-zero on any 5xx, any
# wrong answer, any socket error, or a count other than LOAD_TOTAL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -x node_modules/.bin/wrangler ] || [ ! -f build/index.js ]; then
  echo "==> building the Worker (build/index.js is missing)" >&2
  bash scripts/install-tools.sh
  bash scripts/build-worker.sh
fi

if ! command -v wrk >/dev/null; then
  echo "==> installing wrk (Debian package)" >&2
  bash scripts/apt-install.sh wrk -- "macOS: brew install wrk"
fi

exec node tests/load/run.mjs "$@"
