#!/usr/bin/env bash
# `make dev`: everything needed to run edge-login locally, in one command.
#   1. installs what is missing (scripts/install-tools.sh)
#   2. builds the Ember frontend into frontend/dist (when frontend/ exists)
#   3. creates .dev.vars (git-ignored) when missing: a random SECRET_KEY, a test
#      OAuth client, and GOOGLE_*_URL pointing at the Google stand-in on
#      127.0.0.1:9400
#   4. starts the stand-in (tests/mock-oidc/server.mjs) when .dev.vars points
#      the GOOGLE_*_URL at loopback; with real Google credentials and no URL
#      overrides in .dev.vars, Google itself is used. Likewise the GitHub
#      stand-in (tests/mock-github/server.mjs, 127.0.0.1:9401) when
#      GITHUB_AUTH_URL is on loopback, and the OpenID Connect stand-in
#      (tests/mock-oidc/issuer.mjs, 127.0.0.1:9402) when OIDC_ISSUER is: the
#      sign-in page then offers all three providers
#   5. starts the app's backend example (examples/flask-api, the notes API, with
#      the project venv's Python) on 127.0.0.1:5001 when .dev.vars points
#      BACKEND_URL there; a .dev.vars without ASSERTION_KEY gets a new dev key
#      and that BACKEND_URL
#   6. runs `wrangler dev` on http://127.0.0.1:8787 (its [build] command builds
#      the Worker)
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

PORT="${PORT:-8787}"
MOCK_DEFAULT_PORT=9400
GITHUB_MOCK_PORT=9401
ISSUER_MOCK_PORT=9402
API_DEFAULT_PORT=5001

# ---------------------------------------------------------------- processes
pids=()
cleanup() {
  # Ignore further signals until the children are gone: `make dev` killed
  # with SIGTERM (kill -- -PGID) passes a second SIGTERM on to this script,
  # which would otherwise end it mid-cleanup and leave wrangler and the
  # stand-in running on their ports.
  trap - EXIT
  trap '' INT TERM
  if [ "${#pids[@]}" -gt 0 ]; then
    say "stopping what dev.sh started"
    for pid in "${pids[@]}"; do
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      alive=false
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=true; done
      $alive || break
      sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

# Starts a command in its own process group (so that stopping it stops its children).
start_group() {
  setsid "$@" &
  pids+=("$!")
}

# ---------------------------------------------------------------- 1. tools
say "checking the tools (scripts/install-tools.sh)"
bash scripts/install-tools.sh

# ---------------------------------------------------------------- 2. frontend
if [ -f frontend/package.json ]; then
  if [ -f scripts/build-frontend.sh ]; then
    bash scripts/build-frontend.sh
  else
    if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
      say "installing the frontend's npm packages (npm --prefix frontend ci)"
      npm --prefix frontend ci --no-audit --no-fund
    fi
    say "building the frontend into frontend/dist"
    npm --prefix frontend run build
  fi
else
  say "frontend/package.json not found: skipping the frontend build"
  if [ ! -d frontend/dist ]; then
    say "creating a placeholder frontend/dist so that wrangler has assets to serve"
    mkdir -p frontend/dist/torii
    printf '<!doctype html>\n<title>edge-login</title>\n<p>The Ember frontend is not built yet.</p>\n' > frontend/dist/index.html
    printf '<!doctype html>\n<title>torii</title>\n<p>torii redirect placeholder</p>\n' > frontend/dist/torii/redirect.html
  fi
fi

# ---------------------------------------------------------------- 3. .dev.vars
if [ ! -f .dev.vars ]; then
  say "creating .dev.vars (git-ignored) with a random SECRET_KEY and the Google stand-in on 127.0.0.1:$MOCK_DEFAULT_PORT"
  secret_key=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')
  client_secret=$(node -e 'process.stdout.write("dev-" + require("crypto").randomBytes(16).toString("hex"))')
  umask 077
  cat > .dev.vars <<EOF
# Local development only; created by scripts/dev.sh, git-ignored.
# To sign in with real Google: set OAUTH2_CLIENT_ID / OAUTH2_CLIENT_SECRET to your
# OAuth client's (redirect URI http://127.0.0.1:$PORT/torii/redirect.html) and delete
# the three GOOGLE_*_URL lines.
SECRET_KEY="$secret_key"
OAUTH2_CLIENT_ID="edge-login-dev.apps.googleusercontent.com"
OAUTH2_CLIENT_SECRET="$client_secret"
GOOGLE_AUTH_URL="http://127.0.0.1:$MOCK_DEFAULT_PORT/authorize"
GOOGLE_TOKEN_URL="http://127.0.0.1:$MOCK_DEFAULT_PORT/token"
GOOGLE_USERINFO_URL="http://127.0.0.1:$MOCK_DEFAULT_PORT/userinfo"
EOF
  umask 022
else
  say "using the existing .dev.vars"
fi

# The other providers' stand-ins, added once to a .dev.vars this script made
# (a hand-made one is left as it is).
if grep -q '^# Local development only; created by scripts/dev.sh' .dev.vars \
  && ! grep -qE '^[[:space:]]*(GITHUB_CLIENT_ID|OIDC_ISSUER)[[:space:]]*=' .dev.vars; then
  say "adding the GitHub and OpenID Connect stand-ins to .dev.vars"
  cat >> .dev.vars <<EOF
# GitHub and one OpenID Connect provider, each on its loopback stand-in. For
# the real ones, see the README (a GitHub OAuth App; an Entra ID app registration).
GITHUB_CLIENT_ID="Iv1.edgelogindev0001"
GITHUB_CLIENT_SECRET="dev-github-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
GITHUB_AUTH_URL="http://127.0.0.1:$GITHUB_MOCK_PORT/login/oauth/authorize"
GITHUB_TOKEN_URL="http://127.0.0.1:$GITHUB_MOCK_PORT/login/oauth/access_token"
GITHUB_API_URL="http://127.0.0.1:$GITHUB_MOCK_PORT/api"
OIDC_ISSUER="http://127.0.0.1:$ISSUER_MOCK_PORT/tenant/v2.0"
OIDC_CLIENT_ID="edge-login-dev-oidc"
OIDC_CLIENT_SECRET="dev-oidc-$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')"
OIDC_NAME="Corp Directory"
EOF
fi

# The app's backend (examples/flask-api): a .dev.vars from before it gets a
# dev signing key and BACKEND_URL too. The key is on one line, its line
# breaks written as \n (the Worker reads both forms).
if ! grep -qE '^[[:space:]]*ASSERTION_KEY[[:space:]]*=' .dev.vars; then
  say "adding a dev ASSERTION_KEY and BACKEND_URL=http://127.0.0.1:$API_DEFAULT_PORT (examples/flask-api) to .dev.vars"
  assertion_key=$(node -e '
    const { generateKeyPairSync } = require("crypto");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256",
      privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    process.stdout.write(privateKey.trim().split("\n").join("\\n"));')
  cat >> .dev.vars <<EOF
# The app's backend: examples/flask-api, started by scripts/dev.sh. The key
# signs the Edge-Login-Assertion it verifies (dev only: make your own with
# openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).
BACKEND_URL="http://127.0.0.1:$API_DEFAULT_PORT"
ASSERTION_KEY="$assertion_key"
EOF
fi

# A value from .dev.vars (KEY=value, KEY="value" or KEY='value'); empty if absent.
devvar() {
  local line
  line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$1[[:space:]]*=" .dev.vars | tail -n 1 || true)
  line="${line#*=}"
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  case "$line" in
    \"*\") line="${line:1:${#line}-2}" ;;
    \'*\') line="${line:1:${#line}-2}" ;;
  esac
  printf '%s' "$line"
}

# ---------------------------------------------------------------- 4. stand-in
auth_url=$(devvar GOOGLE_AUTH_URL)
token_url=$(devvar GOOGLE_TOKEN_URL)
userinfo_url=$(devvar GOOGLE_USERINFO_URL)
loopback_host=""
loopback_port=""
for url in "$auth_url" "$token_url" "$userinfo_url"; do
  [ -n "$url" ] || continue
  if [[ "$url" =~ ^http://(127\.0\.0\.1|localhost|\[::1\])(:([0-9]+))?(/|$) ]]; then
    if [ -z "$loopback_host" ]; then
      loopback_host="${BASH_REMATCH[1]}"
      loopback_port="${BASH_REMATCH[3]:-80}"
    elif [ "$loopback_host:$loopback_port" != "${BASH_REMATCH[1]}:${BASH_REMATCH[3]:-80}" ]; then
      say "warning: the GOOGLE_*_URL in .dev.vars point at different loopback addresses; the stand-in serves $loopback_host:$loopback_port"
    fi
  fi
done

if [ -n "$loopback_host" ]; then
  mock_host="$loopback_host"
  [ "$mock_host" = "[::1]" ] && mock_host="::1"
  say "starting the Google stand-in on $loopback_host:$loopback_port (tests/mock-oidc/server.mjs)"
  OAUTH2_CLIENT_ID="$(devvar OAUTH2_CLIENT_ID)" OAUTH2_CLIENT_SECRET="$(devvar OAUTH2_CLIENT_SECRET)" \
    start_group node tests/mock-oidc/server.mjs --port "$loopback_port" --host "$mock_host"
  for _ in $(seq 1 50); do
    if curl -fsS -o /dev/null "http://$loopback_host:$loopback_port/.well-known/openid-configuration" 2>/dev/null; then
      break
    fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      say "the Google stand-in did not start (is port $loopback_port busy?)"
      exit 1
    fi
    sleep 0.2
  done
else
  if [ -z "$auth_url$token_url$userinfo_url" ]; then
    say "no GOOGLE_*_URL overrides in .dev.vars: signing in with the real Google (OAUTH2_CLIENT_ID from .dev.vars)"
  else
    say "GOOGLE_*_URL in .dev.vars point away from loopback: not starting the stand-in"
  fi
fi

# Waits until a stand-in answers `url`, or says so and stops.
wait_for() {
  local url="$1" what="$2"
  for _ in $(seq 1 50); do
    if curl -sS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      say "the $what stand-in did not start (is its port busy?)"
      exit 1
    fi
    sleep 0.2
  done
}

github_auth_url=$(devvar GITHUB_AUTH_URL)
if [[ "$github_auth_url" =~ ^http://127\.0\.0\.1:([0-9]+)/ ]]; then
  port="${BASH_REMATCH[1]}"
  say "starting the GitHub stand-in on 127.0.0.1:$port (tests/mock-github/server.mjs)"
  GITHUB_CLIENT_ID="$(devvar GITHUB_CLIENT_ID)" GITHUB_CLIENT_SECRET="$(devvar GITHUB_CLIENT_SECRET)" \
    start_group node tests/mock-github/server.mjs --port "$port"
  wait_for "http://127.0.0.1:$port/api/user" "GitHub"
fi

oidc_issuer=$(devvar OIDC_ISSUER)
if [[ "$oidc_issuer" =~ ^http://127\.0\.0\.1:([0-9]+)/tenant/v2\.0$ ]]; then
  port="${BASH_REMATCH[1]}"
  say "starting the OpenID Connect stand-in on 127.0.0.1:$port (tests/mock-oidc/issuer.mjs)"
  OIDC_CLIENT_ID="$(devvar OIDC_CLIENT_ID)" OIDC_CLIENT_SECRET="$(devvar OIDC_CLIENT_SECRET)" \
    start_group node tests/mock-oidc/issuer.mjs --port "$port"
  wait_for "$oidc_issuer/.well-known/openid-configuration" "OpenID Connect"
fi

# ---------------------------------------------------------------- 5. the app's backend
backend_url=$(devvar BACKEND_URL)
if [[ "$backend_url" =~ ^http://127\.0\.0\.1:([0-9]+)/?$ ]]; then
  api_port="${BASH_REMATCH[1]}"
  bash scripts/python-env.sh
  say "starting the app's backend example on $backend_url (examples/flask-api)"
  EDGE_LOGIN_URL="http://127.0.0.1:$PORT" start_group .venv/bin/python examples/flask-api/app.py --port "$api_port"
elif [ -n "$backend_url" ]; then
  say "BACKEND_URL in .dev.vars is not the local example: not starting examples/flask-api"
fi

# ---------------------------------------------------------------- 6. wrangler dev
say "starting wrangler dev on http://127.0.0.1:$PORT (it builds the Worker first: cargo, wasm-bindgen, wasm-opt; a few minutes the first time)"
start_group node_modules/.bin/wrangler dev --ip 127.0.0.1 --port "$PORT" --show-interactive-dev-session=false
say "open http://127.0.0.1:$PORT  (Ctrl-C stops everything)"
# Stop everything when either process ends, or on Ctrl-C.
wait -n "${pids[@]}" || true
say "a process ended"
