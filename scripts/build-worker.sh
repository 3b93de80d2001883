#!/usr/bin/env bash
# Builds the Worker (build/index.js + wasm, which src/edge/entry.mjs loads)
# with the locally installed wasm-bindgen and wasm-opt; wrangler runs this as
# its [build] command.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
export WASM_OPT_BIN="${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}"
echo "==> building the Worker (release wasm)" >&2
exec worker-build --release
