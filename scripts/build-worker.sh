#!/usr/bin/env bash
# Builds the Worker's wasm and its JavaScript bindings into build/ (index.js,
# index_bg.wasm, snippets/), which src/edge/entry.mjs imports; wrangler runs
# this as its [build] command and bundles entry.mjs with them. Three steps:
# cargo (release, wasm32), wasm-bindgen (the version Cargo.lock pins, from
# scripts/install-tools.sh), wasm-opt (npm's binaryen).
#   bash scripts/build-worker.sh
#   bash scripts/build-worker.sh --out-dir DIR    # another output directory
#   bash scripts/build-worker.sh --names          # keep function names (twiggy)
#   bash scripts/build-worker.sh --features F     # cargo features (tests only)
# CARGO_TARGET_DIR is honoured (--names changes the profile: give it a
# target dir of its own, or every dependency is compiled again); other
# binaries: WASM_BINDGEN_BIN, WASM_OPT_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

out=build
names=false
features=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out=${2:?--out-dir needs a directory}; shift 2 ;;
    --names) names=true; shift ;;
    --features) features=(--features "${2:?--features needs a list}"); shift 2 ;;
    *) echo "build-worker: unknown option: $1" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

bindgen=${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen || true)}
wasm_opt=${WASM_OPT_BIN:-$PWD/node_modules/.bin/wasm-opt}
# The CLI must be the version of the wasm-bindgen crate it reads the output
# of, or it refuses the module (its schema differs between versions).
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
have=$("${bindgen:-wasm-bindgen}" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)
if [ "$have" != "$want" ]; then
  echo "build-worker: wasm-bindgen ${have:-(none)} found, Cargo.lock wants $want: run bash scripts/install-tools.sh" >&2
  exit 1
fi
if [ ! -x "$wasm_opt" ]; then
  echo "build-worker: $wasm_opt is missing: run bash scripts/install-tools.sh" >&2
  exit 1
fi

opt_flags=(-Oz --converge)
if $names; then
  # rustc's name section, and wasm-opt keeping it: what twiggy reads.
  export CARGO_PROFILE_RELEASE_STRIP=false
  opt_flags+=(--debuginfo)
fi

say "building the Worker: cargo (release wasm)"
# wasm-bindgen's macros then take futures from js-sys, as workers-rs expects
# of its builds (read when the macros expand, so cargo does not see it).
# (The ${a[@]+...} form: bash 3.2, macOS's, calls an empty array unbound.)
WASM_BINDGEN_USE_JS_SYS=1 cargo build --lib --release --target wasm32-unknown-unknown \
  ${features[@]+"${features[@]}"}
wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/edge_login.wasm"

# Built in the target dir and swapped in at the end, so that a failed step
# never leaves half a build where wrangler looks.
stage=$(mktemp -d "${CARGO_TARGET_DIR:-target}/build-worker.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage" # mktemp's 700 would carry over to build/
say "wasm-bindgen $have -> $out/"
# --target module: index.js imports the wasm as a module the runtime compiled
# (wrangler's CompiledWasm). The two flags let src/edge/entry.mjs start a new
# instance after a panic: __wbg_reset_state, and the abort handler that marks
# the instance as terminated when the wasm traps.
"$bindgen" "$wasm" --out-dir "$stage" --out-name index --target module --no-typescript \
  --experimental-reset-state-function --force-enable-abort-handler
# `import source` (source-phase imports) is not syntax wrangler's bundler
# reads; a plain import of a .wasm gives the same WebAssembly.Module there.
sed 's/^import source /import /' "$stage/index.js" > "$stage/index.js.new"
mv "$stage/index.js.new" "$stage/index.js"
if grep -q 'import source ' "$stage/index.js"; then
  echo "build-worker: $stage/index.js still has an 'import source' the rewrite missed" >&2
  exit 1
fi

say "wasm-opt ${opt_flags[*]}"
# Exactly the Wasm features workerd runs, not --all-features: a newer
# binaryen could otherwise emit encodings the runtime does not read yet.
# Exception handling is what wasm-bindgen's catch wrappers use.
"$wasm_opt" "$stage/index_bg.wasm" -o "$stage/index_bg.opt.wasm" "${opt_flags[@]}" \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-bulk-memory --enable-multivalue --enable-reference-types \
  --enable-exception-handling
mv "$stage/index_bg.opt.wasm" "$stage/index_bg.wasm"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$stage" "$out"
say "built $out/ ($(wc -c < "$out/index_bg.wasm") B of wasm)"
