#!/usr/bin/env bash
# Prints the Chrome or Chromium the browser tests drive (tests/browser,
# frontend/testem.cjs), or fails if there is none:
#   1. $CHROME_BIN, as is (it must be an executable file)
#   2. Debian's /usr/bin/chromium
#   3. chromium, chromium-browser, google-chrome or google-chrome-stable on PATH
#   4. macOS: Google Chrome or Chromium in /Applications
# scripts/install-tools.sh --browser installs Debian's chromium when none is found.
set -euo pipefail

if [ -n "${CHROME_BIN:-}" ]; then
  if [ -f "$CHROME_BIN" ] && [ -x "$CHROME_BIN" ]; then
    printf '%s\n' "$CHROME_BIN"
    exit 0
  fi
  echo "error: CHROME_BIN=$CHROME_BIN is not an executable file" >&2
  exit 2
fi

for c in /usr/bin/chromium chromium chromium-browser google-chrome google-chrome-stable \
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" \
  "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
  if p=$(command -v "$c" 2>/dev/null) && [ -x "$p" ]; then
    printf '%s\n' "$p"
    exit 0
  fi
done
exit 1
