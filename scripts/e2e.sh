#!/usr/bin/env bash
# The HTTP end-to-end suite against `wrangler dev`, in its two passes, as
# `make test` and CI's Node 24 check both run it (the Worker and the
# frontend already built; $PYTHON naming the venv's Python).
#
# wrangler.toml's configuration has the session store. The "classic" files
# mint tokens no store holds (every such token is `session_ended` there, as
# the contract says), so they run against the stateless Worker only; every
# other file runs with the store. The stateless pass (SESSIONS removed) runs
# every file but the store's own (sessions*, except sessions-stateless, which
# is the stateless Worker's), the panic test (which runs its own build, with
# the store, once), backend-keys (which picks the store or not per stack
# itself) and backend-worker; backend runs in both, since the stateless
# Worker forwards too.
#   bash scripts/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

classic=" api config expiry policy signin "
with_store=()
stateless=()
for f in tests/e2e/*.test.mjs; do
  name=${f#tests/e2e/}; name=${name%.test.mjs}
  case "$classic" in *" $name "*) ;; *) with_store+=("$f") ;; esac
  case "$name" in sessions-stateless) stateless+=("$f") ;; sessions | sessions-* | panic | backend-keys | backend-worker) ;; *) stateless+=("$f") ;; esac
done
[ "${#with_store[@]}" -gt 0 ] || { echo "error: no e2e file runs with the store" >&2; exit 1; }

step "end-to-end HTTP tests against wrangler dev, with the session store"
bash scripts/node-test.sh "${with_store[@]}"

step "end-to-end HTTP tests against wrangler dev, stateless (SESSIONS removed)"
EDGE_LOGIN_SESSIONS=off bash scripts/node-test.sh "${stateless[@]}"
