#!/usr/bin/env bash
# Builds the Ember app into frontend/dist, the directory wrangler.toml's
# [assets] serves; installs its npm packages first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing the frontend's npm packages" >&2
  npm ci --no-audit --no-fund
fi
echo "==> building the frontend into frontend/dist" >&2
npm run build
