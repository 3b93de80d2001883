#!/usr/bin/env bash
# The tests' Python: a project virtual environment in .venv/ (git-ignored),
# made from the `python3` on PATH, holding tests/python/requirements.txt and
# examples/flask-api/requirements.txt (the app's backend example, which
# `make dev` and the backend tests run).
# Nothing is ever installed into that python3 itself: Debian's and Ubuntu's
# refuse it (PEP 668, "externally-managed-environment"), and a user's Python
# is theirs. Safe to run again: it only acts when .venv is missing, broken
# (its python3 moved away) or older than the requirements file.
# `make dev` does not need Python; `make test` and `make bench` do.
#   bash scripts/python-env.sh      # then use .venv/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
REQ=tests/python/requirements.txt
EXAMPLE_REQ=examples/flask-api/requirements.txt
STAMP="$VENV/.requirements.txt"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

venv_hint() {
  local v
  v=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)
  cat >&2 <<EOF
error: $1
The tests need a Python 3 that can make a virtual environment with pip in it
(python3 -m venv). Install what is missing, then run this again:
  Debian/Ubuntu: sudo apt-get install python3-venv   (or python$v-venv)
  macOS:         brew install python   (or python.org's installer)
Nothing is installed into the system Python; the tests' packages go into .venv/.
EOF
  exit 1
}

command -v python3 >/dev/null 2>&1 ||
  die "python3 not found (Debian/Ubuntu: sudo apt-get install python3 python3-venv; macOS: brew install python)"

if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
  say "$VENV is broken (the python3 it was made from is gone?): making it again"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the project venv $VENV with $(command -v python3) ($(python3 --version 2>&1))"
  if ! out=$(python3 -m venv "$VENV" 2>&1); then
    rm -rf "$VENV"
    printf '%s\n' "$out" >&2
    venv_hint "python3 -m venv failed"
  fi
fi
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$VENV"
  venv_hint "the venv made by $(command -v python3) has no pip (ensurepip is missing)"
fi

if [ ! -f "$STAMP" ] || ! cat "$REQ" "$EXAMPLE_REQ" | cmp -s - "$STAMP"; then
  say "installing the tests' Python packages into $VENV ($REQ, $EXAMPLE_REQ)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$REQ"
  # Apart: the first file is hash-pinned, which pip then asks of every line.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$EXAMPLE_REQ"
  cat "$REQ" "$EXAMPLE_REQ" > "$STAMP"
fi

"$VENV/bin/python" -c 'import itsdangerous, flask, jwt' ||
  die "$VENV/bin/python cannot import itsdangerous, flask or jwt; remove $VENV and run this again"
