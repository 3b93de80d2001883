#!/usr/bin/env bash
# Runs one Node test suite: `node --test` over the files the patterns name,
# one file at a time, and fails loudly when a pattern names no file, when
# a file holds no test, or when a test was skipped.
#
# The patterns are expanded here, by bash, and Node is given file names:
# Node 20 takes only file and directory names (a quoted glob is "Could not
# find"), Node 21 and later only files and globs (a directory is "Cannot find
# module"). File names are the one form every supported Node runs alike.
#
#   bash scripts/node-test.sh [node options] PATTERN...
#   bash scripts/node-test.sh 'tests/e2e/*.test.mjs'
#   bash scripts/node-test.sh --test-name-pattern=CSP 'tests/browser/*.test.mjs'
# Uses the `node` first on PATH (its version is printed). The TAP record of
# the run goes to tests/artifacts/node-test/. NODE_TEST_ALLOW_SKIP=1 lets
# skipped tests pass (for a deliberately partial run).
set -euo pipefail
cd "$(dirname "$0")/.."

opts=()
patterns=()
for a in "$@"; do
  case "$a" in
    --*) opts+=("$a") ;;
    *) patterns+=("$a") ;;
  esac
done
[ "${#patterns[@]}" -gt 0 ] || { echo "usage: node-test.sh [node options] PATTERN..." >&2; exit 2; }

files=()
shopt -s nullglob
for p in "${patterns[@]}"; do
  # shellcheck disable=SC2206 # the pattern is meant to be expanded
  matched=($p)
  if [ "${#matched[@]}" -eq 0 ]; then
    echo "error: no test file matches '$p' (in $PWD): nothing to run is a failure, not a pass" >&2
    exit 1
  fi
  files+=("${matched[@]}")
done
shopt -u nullglob

mkdir -p tests/artifacts/node-test
slug=$(printf '%s' "${patterns[*]}" | tr -c 'A-Za-z0-9._-' '_')
# A long list of files (scripts/test.sh names them one by one) would pass the
# file system's 255-byte name limit: keep a prefix and a hash of the rest.
if [ "${#slug}" -gt 100 ]; then
  slug="${slug:0:60}-$(printf '%s' "$slug" | sha256sum | cut -c1-16)"
fi
tap="tests/artifacts/node-test/$slug.tap"
printf '%s\n' "node $(node --version), ${#files[@]} test files: ${files[*]}" >&2

set +e
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${opts[@]}" "${files[@]}"
rc=$?
set -e

# The run's totals, from the last summary block of the TAP record.
count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$tap" | tail -n 1; }
tests=$(count tests); pass=$(count pass); fail=$(count fail)
skipped=$(count skipped); todo=$(count todo); cancelled=$(count cancelled)
echo "node-test: ${#files[@]} files, ${tests:-?} tests: ${pass:-?} pass, ${fail:-?} fail, ${cancelled:-?} cancelled, ${skipped:-?} skipped, ${todo:-?} todo" >&2

if [ "$rc" -ne 0 ]; then
  echo "error: node --test failed (exit $rc)" >&2
  exit "$rc"
fi
if [ -z "$tests" ] || [ "$tests" -eq 0 ]; then
  echo "error: node --test ran no test from ${files[*]}" >&2
  exit 1
fi
# Node reports a file that declared no test as one passing "test" named by
# the file's path: a file that tests nothing is a failure too.
empty=()
for f in "${files[@]}"; do
  if awk -v a="$PWD/$f" -v r="$f" '
      /^ok [0-9]+ - / { n = $0; sub(/^ok [0-9]+ - /, "", n); if (n == a || n == r) hit = 1 }
      END { exit !hit }' "$tap"; then
    empty+=("$f")
  fi
done
if [ "${#empty[@]}" -gt 0 ]; then
  echo "error: no test declared in ${empty[*]}" >&2
  exit 1
fi
if [ "${skipped:-0}" -gt 0 ] && [ "${NODE_TEST_ALLOW_SKIP:-}" != 1 ]; then
  echo "error: skipped tests: $skipped; a skipped test is not a pass (the reasons are above)" >&2
  exit 1
fi
