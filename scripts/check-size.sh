#!/usr/bin/env bash
# The wasm size budget: the module `wrangler deploy` uploads,
# build/index_bg.wasm, gzip -9 compressed, must stay within 235 KB (235,000
# bytes). The runtime fetches, compiles and instantiates this module when an
# isolate starts, so its size is part of every cold start. Size is
# deterministic for a given build, so this is a plain test: it prints the
# size and the budget and fails when the budget is broken. It measures what
# scripts/build-worker.sh built (scripts/test.sh builds it just before);
# WASM=path checks another file. `make bench` lists the twenty largest items,
# so that the next kilobyte is a choice. The app's backend (forwarding, the
# identity assertion through WebCrypto, forward auth, the JWKS, the key
# checks) measured 14.6 KB of it.
#   bash scripts/check-size.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=235000
wasm="${WASM:-build/index_bg.wasm}"

if [ ! -f "$wasm" ]; then
  echo "check-size: $wasm is missing: build the Worker first (bash scripts/build-worker.sh)" >&2
  exit 1
fi

raw=$(wc -c < "$wasm")
# -n: no name or time stamp in the header, so the same wasm always gives the same count.
gz=$(gzip -9 -n -c "$wasm" | wc -c)
raw=$((raw)); gz=$((gz))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1000 }'; }

echo "wasm size: $wasm  raw $raw B ($(kb "$raw")), gzip -9 $gz B ($(kb "$gz")); budget $BUDGET B ($(kb "$BUDGET")) gzipped"
if [ "$gz" -gt "$BUDGET" ]; then
  echo "FAIL: the gzipped wasm is $((gz - BUDGET)) B over the budget." >&2
  echo "      See what grew with twiggy (make bench) before raising the budget." >&2
  exit 1
fi
echo "ok: $((BUDGET - gz)) B under the budget"
