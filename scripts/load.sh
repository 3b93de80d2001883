#!/usr/bin/env bash
# `make load`, in two runs against the Worker under `wrangler dev`:
#  1. the token check: 100,000 POST /reauth through wrk, a mix of valid,
#     expired and tampered session tokens, every answer checked against its
#     token, without the store (tests/load/run.mjs, tests/load/reauth.lua);
#  2. the store's soak: 2,000 sign-ins by 200 users, then 100,000 /reauth,
#     /api/me and /api/whoami forwarded to the app's backend (examples/
#     worker-api as BACKEND), with sign-outs mixed in, every answer checked
#     against what was ended before it was sent, and the persisted store
#     holding exactly the live sessions at the end (tests/load/soak.mjs;
#     SOAK_* in its header).
#
#   LOAD_PART=reauth | soak bash scripts/load.sh   # one of the two only
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

part="${LOAD_PART:-all}"
case "$part" in all | reauth | soak) ;; *) echo "LOAD_PART must be reauth or soak, not $part" >&2; exit 2 ;; esac
if [ "$part" != soak ]; then
  echo "==> 1. the token check under wrk (tests/load/run.mjs)" >&2
  node tests/load/run.mjs "$@"
fi
if [ "$part" != reauth ]; then
  echo "==> 2. the session store's soak (tests/load/soak.mjs)" >&2
  node tests/load/soak.mjs
fi
