#!/usr/bin/env bash
# `make fuzz`: cargo fuzz (libFuzzer) over the token parser, the request
# body parsing and the request headers' readers (Cookie, client address),
# one target at a time (the machine is shared).
#
#   bash scripts/fuzz.sh                 # every target, default run counts
#   bash scripts/fuzz.sh token           # one group: token | body | http
#   bash scripts/fuzz.sh body_json id_token
#   FUZZ_RUNS=100000 bash scripts/fuzz.sh   # N executions per target
#   FUZZ_TIME=60 bash scripts/fuzz.sh       # at most 60 s per target
#   FUZZ_SANITIZER=address bash scripts/fuzz.sh   # ASan (~5x slower)
#
# Groups and default executions per target (each group adds up to 10.5 M):
#   token: token_unsign 5.5M, token_roundtrip 4M, token_signed 1M
#   body:  body_json 4.5M, body_headers 3M, id_token 3M
#   http:  cookie 3M, client_key 3M (at least 1M each)
# FUZZ_RUNS replaces every default; with FUZZ_TIME alone the runs are
# unbounded and the time decides. Needs a nightly toolchain (installed with
# rustup if missing) and cargo-fuzz (installed if missing). Seeds come from
# fuzz/make_seeds.py; corpus, crashes and logs stay in fuzz/corpus and
# fuzz/artifacts (gitignored). Exits non-zero if any target finds a crash,
# a timeout (over 10 s on one input) or an out-of-memory (over 1 GiB).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

declare -A DEFAULT_RUNS=(
  [token_unsign]=5500000 [token_roundtrip]=4000000 [token_signed]=1000000
  [body_json]=4500000 [body_headers]=3000000 [id_token]=3000000
  [cookie]=3000000 [client_key]=3000000
)
declare -A GROUP_OF=(
  [token_unsign]=token [token_roundtrip]=token [token_signed]=token
  [body_json]=body [body_headers]=body [id_token]=body
  [cookie]=http [client_key]=http
)
declare -A DICT_OF=(
  [token_unsign]=token [token_roundtrip]=token [token_signed]=token
  [body_json]=json [body_headers]=headers [id_token]=json
  [cookie]=headers [client_key]=addr
)
ALL=(token_unsign token_roundtrip token_signed body_json body_headers id_token cookie client_key)

targets=()
for arg in "${@:-all}"; do
  case "$arg" in
    all) targets+=("${ALL[@]}") ;;
    token) targets+=(token_unsign token_roundtrip token_signed) ;;
    body) targets+=(body_json body_headers id_token) ;;
    http) targets+=(cookie client_key) ;;
    *)
      [[ -n "${GROUP_OF[$arg]:-}" ]] || { echo "unknown target or group: $arg (targets: ${ALL[*]}; groups: token body http)" >&2; exit 2; }
      targets+=("$arg") ;;
  esac
done

sanitizer="${FUZZ_SANITIZER:-none}"
if [[ -n "${FUZZ_RUNS:-}" && ! "$FUZZ_RUNS" =~ ^[0-9]+$ ]]; then echo "FUZZ_RUNS must be a number" >&2; exit 2; fi
if [[ -n "${FUZZ_TIME:-}" && ! "$FUZZ_TIME" =~ ^[0-9]+$ ]]; then echo "FUZZ_TIME must be a number of seconds" >&2; exit 2; fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "==> installing a nightly toolchain (cargo fuzz needs one)" >&2
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

flags=(--release --debug-assertions --sanitizer "$sanitizer")
echo "==> building the fuzz targets (sanitizer: $sanitizer, debug assertions on)" >&2
cargo +nightly fuzz build "${flags[@]}"

mkdir -p fuzz/artifacts/logs
# Every run (re)writes the seed-* files, so seeds added later reach corpora
# that exist already; what libFuzzer added to a corpus stays.
python3 fuzz/make_seeds.py fuzz/corpus >/dev/null
declare -A done_runs=() done_rate=() group_runs=()
failed=()
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  limits=()
  if [[ -n "${FUZZ_RUNS:-}" ]]; then
    limits+=("-runs=$FUZZ_RUNS")
  elif [[ -z "${FUZZ_TIME:-}" ]]; then
    limits+=("-runs=${DEFAULT_RUNS[$t]}")
  fi
  [[ -n "${FUZZ_TIME:-}" ]] && limits+=("-max_total_time=$FUZZ_TIME")
  log="fuzz/artifacts/logs/$t.log"
  echo "==> $t ${limits[*]} (log: $log)" >&2
  # -max_len: a request body is at most 16 KiB, so is anything in it.
  set +e
  cargo +nightly fuzz run "${flags[@]}" "$t" "$corpus" -- \
    "${limits[@]}" -max_len=16384 -timeout=10 -rss_limit_mb=1024 \
    -dict="fuzz/dict/${DICT_OF[$t]}.dict" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" >&2 || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  if [[ $rc -ne 0 || -z "$runs" ]] || grep -q '^==[0-9]*== ERROR: libFuzzer' "$log"; then
    failed+=("$t")
    echo "!! $t failed (exit $rc); the end of $log:" >&2
    tail -40 "$log" >&2
    runs=${runs:-0}
  fi
  done_runs[$t]=$runs
  done_rate[$t]=${rate:-?}
  g=${GROUP_OF[$t]}
  group_runs[$g]=$(( ${group_runs[$g]:-0} + runs ))
done

echo
printf '%-16s %14s %10s\n' target executions exec/s
for t in "${targets[@]}"; do printf '%-16s %14s %10s\n' "$t" "${done_runs[$t]}" "${done_rate[$t]}"; done
for g in token body http; do
  [[ -n "${group_runs[$g]:-}" ]] && printf '%-16s %14s\n' "group $g" "${group_runs[$g]}"
done
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]} (crash inputs under fuzz/artifacts/<target>/; reproduce with cargo +nightly fuzz run -s $sanitizer -a <target> <file>)" >&2
  exit 1
fi
echo "no crash"
