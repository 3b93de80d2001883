// The benchmark's measuring half (scripts/bench.sh builds first and runs the
// criterion bench, then this): wasm size, start-up, the first request after
// `wrangler dev` is ready, /reauth throughput against a trivial route, and
// /login's own time on top of the Google stand-in. Prints the table of issue
// 5's budgets and writes every figure to bench/results/ (JSON).
//
//   node bench/run.mjs [--quick]
// env: BENCH_NODE  a Node (>= 22) able to compile the module, for the start-up
//                  samples (scripts/bench.sh finds or installs one)
//      BENCH_QUICK=1  shorter runs (rougher figures)
//
// Only loopback traffic; every loop is bounded.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, createPublicKey, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const RESULTS = path.join(REPO, 'bench', 'results');
const WASM = path.join(REPO, 'build', 'index_bg.wasm');
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

const BUDGETS = {
  // the same budget as scripts/check-size.sh
  wasm_gzip_bytes: 235_000,
  unsign_ns: 3_000,
  reauth_ratio: 0.9,
  // /reauth with the store (one Durable Object call) at least 70 % of
  // GET /auth/config; /login's own time with the store at most 4 ms
  reauth_store_ratio: 0.7,
  login_own_ms_p50: 4,
  // GET /api/notes forwarded: what edge-login (without the store) adds over
  // the direct request at most this much more than the proxy floor adds;
  // the store's check at most one object round trip (the floor with one
  // object call, minus the floor)
  forward_over_floor_ms: 1.0,
  startup_ms: 10,
  first_request_ms: 50,
};

// measureLogin's far-provider rows: what the stand-in waits before each answer.
const FAR_PROVIDER_MS = 20;
// /login: fresh stacks per Worker, and sign-ins before the steady-state row.
const LOGIN_ROUNDS = QUICK ? 1 : 3;
const STEADY_AFTER = QUICK ? 50 : 300;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}
const say = (...a) => console.error('==>', ...a);

// ---------------------------------------------------------------- timing hook
// Time the stand-ins' own work from their side: wrap the handler of every
// http server this process creates (Google's, GitHub's and the OpenID
// Connect provider's stand-ins), recording for each request when its headers
// arrived and when the answer's last byte was handed to the socket.
const upstream = [];
// How long the stand-in waits before it handles a request (measureLogin's
// `providerMs`): 0 but for the rows that model a provider as far away as
// Google's is from a Worker. Inside the timed span, so it is subtracted.
let providerDelayMs = 0;
{
  const original = http.createServer;
  http.createServer = function createServerTimed(...args) {
    const i = args.findIndex((a) => typeof a === 'function');
    if (i >= 0) {
      const handler = args[i];
      args[i] = function timed(req, res) {
        const start = performance.now();
        res.once('finish', () => upstream.push({ path: req.url, start, end: performance.now() }));
        if (providerDelayMs > 0) {
          setTimeout(() => handler.call(this, req, res), providerDelayMs);
          return undefined;
        }
        return handler.call(this, req, res);
      };
    }
    return original.apply(this, args);
  };
}
const { startStack, startMockGoogle, signIn, startSignIn, authorize, freePort, PROVIDER } = await import(
  '../tests/support/stack.mjs'
);
const { startMockGitHub } = await import('../tests/mock-github/server.mjs');
const { startMockIssuer } = await import('../tests/mock-oidc/issuer.mjs');
const { newAssertionKey } = await import('../tests/support/flask-api.mjs');

// ---------------------------------------------------------------- HTTP client
// A bare keep-alive client: less overhead than fetch, one connection reused.
// One per stack and per measurement: a pooled socket must not outlive the
// wrangler dev it was opened to (a new stack can be given the same free
// port), nor sit idle long enough for the server to close it as a request
// goes out on it; either ends in "socket hang up".
let agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function freshAgent() {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
}
function timedRequest(baseUrl, method, pathname, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(pathname, baseUrl);
    const h = { ...headers };
    if (body !== undefined) {
      h['content-type'] = 'application/json';
      h['content-length'] = Buffer.byteLength(body);
    }
    const t0 = performance.now();
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: performance.now() - t0, start: t0, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- 1. size
function measureSize() {
  const raw = readFileSync(WASM).length;
  const gzip = Number(execFileSync('bash', ['-c', `gzip -9 -n -c ${JSON.stringify(WASM)} | wc -c`]).toString().trim());
  return { raw_bytes: raw, gzip_bytes: gzip, method: 'gzip -9 -n of build/index_bg.wasm' };
}

// ---------------------------------------------------------------- 2. start-up
function measureStartup() {
  const node = process.env.BENCH_NODE || process.execPath;
  const samples = [];
  const n = QUICK ? 7 : 21;
  for (let i = 0; i < n; i++) {
    const r = spawnSync(node, [path.join(HERE, 'wasm-startup.mjs'), WASM], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`start-up sample failed (${node}): ${r.stderr}`);
    samples.push(JSON.parse(r.stdout));
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    node: version,
    samples: n,
    compile_ms_p50: median(samples.map((s) => s.compile_ms)),
    instantiate_ms_p50: median(samples.map((s) => s.instantiate_ms)),
    total_ms_p50: median(samples.map((s) => s.total_ms)),
    total_ms_max: Math.max(...samples.map((s) => s.total_ms)),
    method: 'WebAssembly.compile + WebAssembly.instantiate (stub imports), one fresh process per sample, median',
  };
}

// ---------------------------------------------------------------- assets
// The benchmark only calls Worker routes; a two-file assets dir spares the
// Ember build.
export function makeAssets() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-login-bench-assets-'));
  mkdirSync(path.join(dir, 'torii'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>edge-login bench</title>\n');
  writeFileSync(path.join(dir, 'torii', 'redirect.html'), '<!doctype html><title>torii</title>\n');
  return dir;
}

// ---------------------------------------------------------------- 3. first request
// Start `wrangler dev` on the stack's own config, wait for its "Ready on"
// line, then send GET /auth/config at once: the time from "Ready" to the
// answer. Connection refusals (the runtime still coming up) are retried
// within the same clock, so they count against it.
export async function firstRequestOnce(configDir, pathname = '/auth/config', delayMs = 0) {
  const { port, inspectorPort } = await (async () => {
    const free = () =>
      new Promise((resolve) => {
        const s = http.createServer();
        s.listen(0, '127.0.0.1', () => {
          const p = s.address().port;
          s.close(() => resolve(p));
        });
      });
    return { port: await free(), inspectorPort: await free() };
  })();
  const persist = mkdtempSync(path.join(os.tmpdir(), 'edge-login-bench-state-'));
  const child = spawn(
    path.join(REPO, 'node_modules', '.bin', 'wrangler'),
    [
      'dev', '--config', path.join(configDir, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--local', '--persist-to', persist,
      '--show-interactive-dev-session=false', '--log-level', 'log',
    ],
    {
      cwd: configDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  let out = '';
  const kill = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  try {
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev not ready in 90 s:\n${out}`)), 90_000);
      const onData = (chunk) => {
        out += chunk;
        if (/Ready on/.test(out)) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${out}`)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    if (delayMs) await sleep(delayMs);
    let refused = 0;
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        const r = await new Promise((resolve, reject) => {
          const req = http.get(`${baseUrl}${pathname}`, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode, at: performance.now() }));
          });
          req.on('error', reject);
          req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
        });
        // and a second one, for comparison: the same request once warm
        const t = performance.now();
        const second = await new Promise((resolve, reject) => {
          http.get(`${baseUrl}${pathname}`, (res) => {
            res.resume();
            res.on('end', () => resolve(performance.now() - t));
          }).on('error', reject);
        });
        return { path: pathname, ms: r.at - ready, status: r.status, refused, second_ms: second };
      } catch (e) {
        if (e.code !== 'ECONNREFUSED' && e.code !== 'ECONNRESET') throw e;
        refused++;
        await sleep(2);
      }
    }
    throw new Error('no answer after 500 attempts');
  } finally {
    kill();
    await sleep(300);
    rmSync(persist, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- 4. wrk
function wrk({ url, script, seconds, connections }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s'];
  if (script) args.push('-s', script);
  args.push(url);
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const out = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const toMs = (v, unit) => Number(v) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
  const pct = {};
  for (const m of out.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$/gm)) pct[m[1]] = toMs(m[2], m[3]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(out)?.[0] ?? null;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  return { rps, p50_ms: pct['50'], p90_ms: pct['90'], p99_ms: pct['99'], requests, non2xx, socket_errors: errors };
}

export async function measureReauth(stack, token, logLevel = 'log') {
  freshAgent();
  // Check both routes answer 200 before loading them.
  const cfg = await timedRequest(stack.baseUrl, 'GET', '/auth/config');
  const re = await timedRequest(stack.baseUrl, 'POST', '/reauth', { body: JSON.stringify({ auth_token: token }) });
  if (cfg.status !== 200 || re.status !== 200) throw new Error(`/auth/config ${cfg.status}, /reauth ${re.status}: ${re.text}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-login-bench-wrk-'));
  const script = path.join(dir, 'reauth.lua');
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(
      JSON.stringify({ auth_token: token }),
    )}\n`,
  );
  const seconds = QUICK ? 3 : 8;
  const rounds = QUICK ? 2 : 3;
  const connections = 8;
  const trivialUrl = `${stack.baseUrl}/auth/config`;
  const reauthUrl = `${stack.baseUrl}/reauth`;
  // Warm both paths (JIT, isolate), then alternate so that drift hits both alike.
  wrk({ url: trivialUrl, seconds: 2, connections });
  wrk({ url: reauthUrl, script, seconds: 2, connections });
  const trivial = [];
  const reauth = [];
  for (let i = 0; i < rounds; i++) {
    trivial.push(wrk({ url: trivialUrl, seconds, connections }));
    reauth.push(wrk({ url: reauthUrl, script, seconds, connections }));
  }
  rmSync(dir, { recursive: true, force: true });
  const summary = (runs) => ({
    rps: median(runs.map((r) => r.rps)),
    p50_ms: median(runs.map((r) => r.p50_ms)),
    p99_ms: median(runs.map((r) => r.p99_ms)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    runs,
  });
  const t = summary(trivial);
  const r = summary(reauth);
  return {
    trivial_route: 'GET /auth/config',
    wrangler_log_level: logLevel,
    tool: `wrk -t1 -c${connections} -d${seconds}s, ${rounds} alternating rounds, medians`,
    trivial: t,
    reauth: r,
    ratio: r.rps / t.rps,
  };
}

// ---------------------------------------------------------------- 5. /login
export async function measureLogin(stack, { providerMs = 0, provider = PROVIDER } = {}) {
  providerDelayMs = providerMs;
  try {
    return { ...(await measureLoginNow(stack, provider)), provider, provider_delay_ms: providerMs };
  } finally {
    providerDelayMs = 0;
  }
}

// The upstream calls one /login makes, once the provider's discovery
// document and keys are cached: Google's token and userinfo calls, GitHub's
// token call then /user and /user/emails side by side, the OpenID Connect
// provider's token and userinfo calls.
const UPSTREAM_CALLS = { 'google-oauth2': 2, 'github-oauth2': 3, oidc: 2 };

async function measureLoginNow(stack, provider) {
  // Not a socket left idle through the wrk runs: the server may close it
  // just as a request goes out on it ("socket hang up").
  freshAgent();
  const n = QUICK ? 15 : 60;
  const warm = 5;
  // The runtime's own round trip for a request that does no work worth
  // naming: GET /auth/config, one at a time on the same connection.
  const trivial = [];
  for (let i = 0; i < warm + n; i++) {
    const r = await timedRequest(stack.baseUrl, 'GET', '/auth/config');
    if (i >= warm) trivial.push(r.ms);
  }
  const rows = [];
  let skipped = 0;
  for (let i = 0; i < warm + n; i++) {
    // Google's /auth/start without a body field, as the frontend sends it.
    const start = await startSignIn(stack, provider === PROVIDER ? {} : { provider });
    const auth = await authorize(stack, { state: start.state, codeChallenge: start.codeChallenge, provider });
    if (start.status !== 200 || !auth.code) throw new Error(`sign-in setup failed: ${start.status} ${auth.status}`);
    const body = JSON.stringify({
      authorizationCode: auth.code,
      redirectUri: `${stack.baseUrl}/torii/redirect.html`,
      provider,
      state: start.state,
    });
    upstream.length = 0;
    const r = await timedRequest(stack.baseUrl, 'POST', '/login', { body, headers: { cookie: start.cookie } });
    if (r.status !== 200) throw new Error(`/login (${provider}) answered ${r.status}: ${r.text}`);
    const end = r.start + r.ms;
    const calls = upstream.filter((u) => u.start >= r.start && u.end <= end).sort((a, b) => a.start - b.start);
    if (calls.length !== UPSTREAM_CALLS[provider]) {
      // Not like for like (a discovery or keys fetch, say): left out, counted.
      if (i >= warm) skipped++;
      continue;
    }
    // The stand-ins' time: the union of the calls' spans (GitHub's two API
    // calls overlap).
    let up = 0;
    let [spanStart, spanEnd] = [calls[0].start, calls[0].end];
    for (const c of calls.slice(1)) {
      if (c.start > spanEnd) {
        up += spanEnd - spanStart;
        [spanStart, spanEnd] = [c.start, c.end];
      } else spanEnd = Math.max(spanEnd, c.end);
    }
    up += spanEnd - spanStart;
    const lastEnd = Math.max(...calls.map((c) => c.end));
    if (i >= warm) {
      const before = calls[0].start - r.start;
      const after = end - lastEnd;
      rows.push({
        total: r.ms,
        upstream: up,
        on_top: r.ms - up,
        // where the time on top goes: before the first call, between the
        // calls, after the last
        before_token: before,
        between: r.ms - up - before - after,
        after_userinfo: after,
      });
    }
  }
  if (rows.length < n / 2) throw new Error(`/login (${provider}): ${skipped} of ${n} sign-ins made other upstream calls than the ${UPSTREAM_CALLS[provider]} expected`);
  const trivialP50 = median(trivial);
  const onTop = rows.map((r) => r.on_top);
  return {
    samples: rows.length,
    skipped_other_calls: skipped,
    sign_ins: warm + n,
    total_ms_p50: median(rows.map((r) => r.total)),
    upstream_ms_p50: median(rows.map((r) => r.upstream)),
    on_top_ms_p50: median(onTop),
    on_top_ms_p90: quantile(onTop, 0.9),
    before_token_ms_p50: median(rows.map((r) => r.before_token)),
    between_calls_ms_p50: median(rows.map((r) => r.between)),
    after_userinfo_ms_p50: median(rows.map((r) => r.after_userinfo)),
    trivial_round_trip_ms_p50: trivialP50,
    own_ms_p50: median(onTop) - trivialP50,
    method:
      "per /login: client-side latency minus the stand-in's time for its upstream calls as seen by the stand-in " +
      '(handler entry to last byte written; overlapping calls counted once); own = that minus the p50 round trip of GET /auth/config (the runtime\'s ' +
      'fixed cost of carrying a request to the Worker and back), measured in the same run',
  };
}

// Free ports are picked then bound later; on a shared machine another process
// can take one in between. Retry a start-up a few times (bounded).
async function withRetries(what, fn, attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw e;
      say(`${what} failed (${String(e.message).split('\n')[0]}); retrying (${i}/${attempts - 1})`);
      await sleep(1000);
    }
  }
}

// A failure says which measurement it ended.
async function phase(what, fn) {
  try {
    return await fn();
  } catch (e) {
    throw new Error(`${what}: ${e.message}`, { cause: e });
  }
}

// ---------------------------------------------------------------- /login rounds
// A sign-in that must succeed; not tests/support/sessions.mjs's signedIn,
// which decodes the token, and the floor's is no token. The first request to
// a new stack can meet a pooled keep-alive socket of the one just stopped
// (same free port): callers retry it.
async function signedIn(stack, provider) {
  const r = await signIn(stack, provider ? { provider } : {});
  if (r.status !== 200 || !r.token) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
  return r;
}

// Another revision's Worker, built by scripts/bench.sh (BENCH_BEFORE): its
// entry module. Its /login and /reauth with the store are measured beside
// the current Worker's, in the same rounds.
const BEFORE_MAIN = process.env.BENCH_BEFORE_MAIN || null;
const BEFORE_REVISION = process.env.BENCH_BEFORE || null;

const ALL_PROVIDERS = ['google-oauth2', 'github-oauth2', 'oidc'];
const LOGIN_WORKERS = [
  { key: 'login', what: 'with the store', options: { sessions: true }, providers: [PROVIDER], far: true },
  { key: 'login_stateless', what: 'without the store', options: { sessions: false }, providers: ALL_PROVIDERS, far: true },
  // A JavaScript Worker doing only /login's I/O (floor-worker.mjs): what a
  // Worker measures above it is its own.
  {
    key: 'login_floor',
    what: 'the JavaScript floor',
    options: { sessions: false, main: path.join(HERE, 'floor-worker.mjs') },
    providers: ALL_PROVIDERS,
    far: true,
  },
  ...(BEFORE_MAIN
    ? [{ key: 'login_before', what: `with the store, ${BEFORE_REVISION}`, options: { sessions: true, main: BEFORE_MAIN }, providers: [PROVIDER], far: false }]
    : []),
];
// A row's key for a provider: Google's keeps the Worker's key.
const loginKey = (key, provider) => (provider === PROVIDER ? key : `${key}_${provider === 'oidc' ? 'oidc' : 'github'}`);

// Each Worker on a fresh `wrangler dev` (a fresh isolate, as a cold
// deployment meets it), LOGIN_ROUNDS times, the order turned by one each
// round: on a shared machine one measurement per Worker moved by ±2 ms
// between runs, and Workers measured once each would be ranked partly by
// when they ran. Every round's figure is kept; the table shows their median.
// Every stack has the three providers configured, each on its stand-in.
export async function measureLoginRounds(mock, assets, standIns) {
  const runs = {};
  const push = (key, m) => (runs[key] ??= []).push(m);
  let steady = null;
  for (let round = 0; round < LOGIN_ROUNDS; round++) {
    const order = LOGIN_WORKERS.map((_, i) => LOGIN_WORKERS[(i + round) % LOGIN_WORKERS.length]);
    for (const worker of order) {
      say(`/login round ${round + 1}/${LOGIN_ROUNDS}: ${worker.what}`);
      const stack = await withRetries('wrangler dev', () => startStack({ mock, assets, ...standIns, ...worker.options }));
      try {
        await withRetries('sign-in', () => signedIn(stack));
        let signIns = 0;
        for (const provider of worker.providers) {
          // The first sign-in with a provider fetches what the isolate then
          // keeps (OpenID Connect's discovery document and keys).
          if (provider !== PROVIDER) await withRetries('sign-in', () => signedIn(stack, provider));
          const m = await phase(`/login, ${worker.what}, ${provider}`, () => measureLogin(stack, { provider }));
          push(loginKey(worker.key, provider), m);
          signIns += m.sign_ins;
        }
        if (!worker.far) continue;
        // Google is tens of milliseconds from a Worker, the stand-in a
        // fraction of one: the session is created beside the userinfo call,
        // so with a provider that far the create is hidden, which the
        // loopback stand-in cannot show.
        const far = await phase(`/login, ${worker.what}, far provider`, () =>
          measureLogin(stack, { providerMs: FAR_PROVIDER_MS }),
        );
        push(`${worker.key}_far`, far);
        if (worker.key === 'login' && round === LOGIN_ROUNDS - 1) {
          // The same isolate after many more sign-ins: V8 runs a wasm
          // function in its baseline compiler until it has run enough to be
          // optimized. A long-lived isolate serving sign-ins looks like this.
          say(`/login again after ${STEADY_AFTER} more sign-ins (steady state)`);
          steady = await phase('/login, steady state', async () => {
            for (let i = 0; i < STEADY_AFTER; i++) await signedIn(stack);
            return { ...(await measureLogin(stack)), after_sign_ins: STEADY_AFTER + signIns + far.sign_ins };
          });
        }
      } finally {
        await stack.stop();
        freshAgent();
      }
    }
  }
  const out = Object.fromEntries(Object.entries(runs).map(([key, list]) => [key, medianOfRounds(list)]));
  out.login_steady = steady;
  return out;
}

// ---------------------------------------------------------------- /api/* forwarded
// GET /api/notes of examples/flask-api, straight to the backend and through
// the Worker under test. The backend verifies an Edge-Login-Assertion on
// every request; the direct requests and the floor's carry one the bench
// signs with the key edge-login would use, so the backend does the same
// work whoever asks.
const FORWARD_ROUNDS = QUICK ? 1 : 3;
const FLOOR_PROXY = path.join(HERE, 'floor-proxy.mjs');
const FORWARD_WORKERS = [
  { key: 'api_store', what: 'edge-login with the store', options: { sessions: true }, edge: true },
  { key: 'api_stateless', what: 'edge-login without the store', options: { sessions: false }, edge: true },
  // A JavaScript Worker that only proxies (floor-proxy.mjs), and the same
  // making one call to a Durable Object first: one object round trip.
  { key: 'api_floor', what: 'the proxy floor', options: { sessions: false, main: FLOOR_PROXY } },
  { key: 'api_floor_object', what: 'the proxy floor + one object call', options: { sessions: true, main: FLOOR_PROXY } },
];

// ES256 assertions as edge-login signs them (RFC 7638 thumbprint as kid,
// iss and aud the Worker's origin, 60 s), and the JWKS of their key.
function assertionMinter(keyPem, origin) {
  const { crv, kty, x, y } = createPublicKey(keyPem).export({ format: 'jwk' });
  const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    jwks: JSON.stringify({ keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] }),
    mint(sub) {
      const iat = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64({ iss: origin, aud: origin, sub, iat, exp: iat + 60, jti: randomUUID() })}`;
      const sig = sign('sha256', Buffer.from(input), { key: keyPem, dsaEncoding: 'ieee-p1363' });
      return `${input}.${sig.toString('base64url')}`;
    },
  };
}

// The four Workers run side by side, each on its own `wrangler dev` with its
// own backend (started for that Worker's origin: the assertion's issuer and
// where the backend fetches the keys), and are asked in turn: request i goes
// to every Worker, the order turned by one each time, and to each Worker's
// backend straight beside it (which of the two first alternates). Measured
// one Worker after another, the machine's load moved each Worker's figure
// by more than the budget; asked in turn, every Worker meets the same load.
async function measureForwardRound(entries) {
  freshAgent();
  const n = QUICK ? 50 : 200;
  const warm = 20;
  for (const e of entries) {
    e.via = [];
    e.direct = [];
    e.mintedAt = -Infinity;
  }
  for (let i = 0; i < warm + n; i++) {
    for (let j = 0; j < entries.length; j++) {
      const e = entries[(i + j) % entries.length];
      // well within the assertion's 60 s
      if (performance.now() - e.mintedAt > 20_000) {
        e.assertion = e.minter.mint('bench-user');
        e.mintedAt = performance.now();
      }
      const own = { 'edge-login-assertion': e.assertion };
      const straight = () => timedRequest(e.stack.api.url, 'GET', '/api/notes', { headers: own });
      const through = () =>
        timedRequest(e.stack.baseUrl, 'GET', '/api/notes', { headers: e.token ? { authorization: `Bearer ${e.token}` } : own });
      let d;
      let v;
      if (i % 2) {
        d = await straight();
        v = await through();
      } else {
        v = await through();
        d = await straight();
      }
      if (d.status !== 200 || v.status !== 200)
        throw new Error(`GET /api/notes, ${e.worker.what}: direct ${d.status}, through the Worker ${v.status}: ${v.text}`);
      if (i >= warm) {
        e.direct.push(d.ms);
        e.via.push(v.ms);
      }
      // The backend's test hooks keep every request: not for long.
      if (i % 50 === 49) await e.stack.api.forget();
    }
  }
  return Object.fromEntries(
    entries.map((e) => {
      const [viaP50, viaP99, directP50, directP99] = [median(e.via), quantile(e.via, 0.99), median(e.direct), quantile(e.direct, 0.99)];
      return [
        e.worker.key,
        {
          samples: n,
          via_ms_p50: viaP50,
          via_ms_p99: viaP99,
          direct_ms_p50: directP50,
          direct_ms_p99: directP99,
          added_ms_p50: viaP50 - directP50,
          added_ms_p99: viaP99 - directP99,
          method:
            `GET /api/notes, ${n} after ${warm}, one at a time, the Workers asked in turn; each request through the ` +
            'Worker beside one straight to its backend (which first alternates); added = through − direct, at p50 and at p99',
        },
      ];
    }),
  );
}

export async function measureForwardRounds(mock, assets) {
  const runs = {};
  for (let round = 0; round < FORWARD_ROUNDS; round++) {
    say(`GET /api/notes round ${round + 1}/${FORWARD_ROUNDS}: ${FORWARD_WORKERS.length} Workers side by side`);
    const entries = [];
    try {
      for (const worker of FORWARD_WORKERS) {
        const key = newAssertionKey();
        const port = await freePort();
        const minter = assertionMinter(key, `http://127.0.0.1:${port}`);
        const vars = worker.edge ? {} : { vars: { JWKS: minter.jwks } };
        const stack = await withRetries('wrangler dev', () =>
          startStack({ mock, assets, port, backend: { key }, ...worker.options, ...vars }),
        );
        entries.push({ worker, stack, minter });
      }
      for (const e of entries) if (e.worker.edge) e.token = (await withRetries('sign-in', () => signedIn(e.stack))).token;
      const measured = await phase('GET /api/notes', () => measureForwardRound(entries));
      for (const [key, m] of Object.entries(measured)) (runs[key] ??= []).push(m);
    } finally {
      for (const e of entries) await e.stack.stop();
      freshAgent();
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([k, list]) => [k, medianOfRounds(list)]));
}

// Each figure the median of its rounds' figures; the rounds themselves kept.
function medianOfRounds(list) {
  const merged = { rounds: list };
  for (const [field, value] of Object.entries(list[0])) {
    merged[field] = typeof value === 'number' ? median(list.map((m) => m[field])) : value;
  }
  return merged;
}

// ---------------------------------------------------------------- table rows
const ms2 = (a, b) => `${fmt(a)} / ${fmt(b)} ms`;
const roundsOf = (m, field) => m.rounds.map((r) => fmt(r[field])).join(' / ');

// GET /api/notes: the budget rows, then each Worker's own figures.
function forwardRows(r) {
  const [store, stateless, floor, object] = [r.api_store, r.api_stateless, r.api_floor, r.api_floor_object];
  if (!store || !stateless || !floor || !object) return [['GET /api/notes forwarded', 'not measured', '', null]];
  const overFloor = stateless.added_ms_p50 - floor.added_ms_p50;
  const storeCheck = store.added_ms_p50 - stateless.added_ms_p50;
  const objectTrip = object.added_ms_p50 - floor.added_ms_p50;
  const row = (what, m) => [
    `  ${what}: through / direct, p50 and p99`,
    `${ms2(m.via_ms_p50, m.via_ms_p99)} / ${ms2(m.direct_ms_p50, m.direct_ms_p99)}; adds ${ms2(m.added_ms_p50, m.added_ms_p99)} (p50 rounds ${roundsOf(m, 'added_ms_p50')})`,
    '',
    null,
  ];
  return [
    [
      'GET /api/notes: edge-login adds over direct (no store)',
      `${fmt(stateless.added_ms_p50)} ms p50 (p99 ${fmt(stateless.added_ms_p99)}); the proxy floor ${fmt(floor.added_ms_p50)} (p99 ${fmt(floor.added_ms_p99)}): ${fmt(overFloor)} ms more`,
      `≤ floor + ${fmt(BUDGETS.forward_over_floor_ms, 1)} ms`,
      overFloor <= BUDGETS.forward_over_floor_ms,
    ],
    [
      '  the store\'s check (store − no store, p50)',
      `${fmt(storeCheck)} ms (p99 ${fmt(store.added_ms_p99 - stateless.added_ms_p99)}); one object round trip ${fmt(objectTrip)} ms (p99 ${fmt(object.added_ms_p99 - floor.added_ms_p99)})`,
      '≤ 1 object round trip',
      storeCheck <= objectTrip,
    ],
    row('edge-login, store', store),
    row('edge-login, no store', stateless),
    row('proxy floor', floor),
    row('proxy floor + 1 object call', object),
  ];
}

// /login with GitHub and OpenID Connect beside Google's: the Worker without
// the store against the floor doing the same upstream calls.
function providerRows(r) {
  const rows = [];
  for (const [label, suffix, calls] of [
    ['Google', '', 2],
    ['GitHub', '_github', 3],
    ['OpenID Connect (warm)', '_oidc', 2],
  ]) {
    const [worker, floor] = [r[`login_stateless${suffix}`], r[`login_floor${suffix}`]];
    if (!worker || !floor) {
      rows.push([`/login own time, ${label}`, 'not measured', '', null]);
      continue;
    }
    rows.push([
      `/login own time, ${label} (${calls} calls): no store / floor`,
      `${ms2(worker.own_ms_p50, floor.own_ms_p50)}: ${fmt(worker.own_ms_p50 - floor.own_ms_p50)} ms above the floor (rounds ${roundsOf(worker, 'own_ms_p50')} vs ${roundsOf(floor, 'own_ms_p50')}; upstream ${fmt(worker.upstream_ms_p50)} / ${fmt(floor.upstream_ms_p50)} ms)`,
      '',
      null,
    ]);
  }
  return rows;
}

// The store as another revision had it (BENCH_BEFORE) against this one.
function beforeRows(r) {
  if (!r.login_before) return [['/login and /reauth with the store, before', 'not measured (BENCH_BEFORE unset)', '', null]];
  const rows = [
    [
      `/login own time with the store: ${r.before.revision} / now`,
      `${ms2(r.login_before.own_ms_p50, r.login.own_ms_p50)} (rounds ${roundsOf(r.login_before, 'own_ms_p50')} vs ${roundsOf(r.login, 'own_ms_p50')}; after the userinfo call ${ms2(r.login_before.after_userinfo_ms_p50, r.login.after_userinfo_ms_p50)})`,
      '',
      null,
    ],
  ];
  if (r.reauth_before) {
    rows.push([
      `/reauth vs GET /auth/config with the store: ${r.before.revision} / now`,
      `${fmt(r.reauth_before.ratio * 100, 1)} % / ${fmt(r.reauth.ratio * 100, 1)} % (${fmt(r.reauth_before.reauth.rps, 0)} / ${fmt(r.reauth.reauth.rps, 0)} req/s; p50 ${ms2(r.reauth_before.reauth.p50_ms, r.reauth.reauth.p50_ms)})`,
      '',
      null,
    ]);
  }
  return rows;
}

// ---------------------------------------------------------------- main
function machine() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? null,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
  };
}

function fmt(v, digits = 2) {
  return v === null || v === undefined || Number.isNaN(v) ? 'n/a' : Number(v).toFixed(digits);
}

async function main() {
  if (!existsSync(WASM)) throw new Error(`${WASM} is missing: build first (bash scripts/build-worker.sh)`);
  mkdirSync(RESULTS, { recursive: true });
  const result = { date: new Date().toISOString(), quick: QUICK, machine: machine(), budgets: BUDGETS };

  say('wasm size');
  result.size = measureSize();
  say('start-up: WebAssembly.compile + instantiate');
  result.startup = measureStartup();

  const tokenPath = path.join(RESULTS, 'token.json');
  result.token = existsSync(tokenPath) ? JSON.parse(readFileSync(tokenPath, 'utf8')) : null;
  const routesPath = path.join(RESULTS, 'routes.json');
  result.routes_native = existsSync(routesPath) ? JSON.parse(readFileSync(routesPath, 'utf8')) : null;

  const assets = makeAssets();
  const mock = await startMockGoogle();
  const standIns = { github: await startMockGitHub(), oidc: await startMockIssuer() };
  result.before = BEFORE_MAIN ? { revision: BEFORE_REVISION, main: BEFORE_MAIN } : null;
  let stack;
  try {
    say("/login: each Worker's time on top of its upstream calls, in rounds");
    Object.assign(result, await measureLoginRounds(mock, assets, standIns));
    // Kept even if a later phase fails: what was measured so far.
    writeFileSync(path.join(REPO, 'bench', 'results', 'partial.json'), JSON.stringify(result, null, 2));

    say('GET /api/notes: direct, through edge-login and through the floor, in rounds');
    Object.assign(result, await measureForwardRounds(mock, assets));
    writeFileSync(path.join(REPO, 'bench', 'results', 'partial.json'), JSON.stringify(result, null, 2));

    // wrangler.toml's configuration: with the session store (SESSIONS).
    say('/reauth vs GET /auth/config throughput (wrk), with the session store');
    stack = await withRetries('wrangler dev', () => startStack({ mock, assets, keepDir: true, sessions: true }));
    const configDir = stack.dir;
    const login = await withRetries('sign-in', () => signedIn(stack));
    result.reauth = await phase('/reauth, with the store', () => measureReauth(stack, login.token));
    await stack.stop();
    stack = null;
    freshAgent();

    if (BEFORE_MAIN) {
      say(`/reauth vs GET /auth/config again, with the store, ${BEFORE_REVISION}`);
      stack = await withRetries('wrangler dev', () => startStack({ mock, assets, sessions: true, main: BEFORE_MAIN }));
      const before = await withRetries('sign-in', () => signedIn(stack));
      result.reauth_before = await phase('/reauth, with the store, before', () => measureReauth(stack, before.token));
      await stack.stop();
      stack = null;
      freshAgent();
    }

    // The stateless Worker (SESSIONS removed) in the same run: /reauth
    // without the store's call.
    say('/reauth again, without the session store');
    stack = await withRetries('wrangler dev', () => startStack({ mock, assets, sessions: false }));
    const stateless = await withRetries('sign-in', () => signedIn(stack));
    result.reauth_stateless = await phase('/reauth, stateless', () => measureReauth(stack, stateless.token));
    await stack.stop();
    stack = null;
    freshAgent();

    // The same with wrangler's own per-request logging off (--log-level none):
    // the runtime's cost halves, so what /reauth adds shows more.
    say('/reauth vs GET /auth/config again, wrangler dev --log-level none');
    stack = await withRetries('wrangler dev', () => startStack({ mock, assets, logLevel: 'none', sessions: true }));
    const quiet = await withRetries('sign-in', () => signedIn(stack));
    result.reauth_quiet_runtime = await phase('/reauth, --log-level none', () => measureReauth(stack, quiet.token, 'none'));
    await stack.stop();
    stack = null;
    freshAgent();

    const twiggy = path.join(RESULTS, 'twiggy-top20.txt');
    result.twiggy_top20 = existsSync(twiggy) ? readFileSync(twiggy, 'utf8') : null;

    say('first request after wrangler dev is ready');
    // Alternating with a static asset, which never reaches the Worker: the
    // same cold path through wrangler dev minus our Worker.
    const first = [];
    const asset = [];
    for (let i = 0; i < (QUICK ? 2 : 3); i++) {
      first.push(await withRetries('wrangler dev', () => firstRequestOnce(configDir, '/auth/config')));
      asset.push(await withRetries('wrangler dev', () => firstRequestOnce(configDir, '/index.html')));
    }
    result.first_request = {
      route: 'GET /auth/config',
      samples: first,
      ms_p50: median(first.map((f) => f.ms)),
      ms_max: Math.max(...first.map((f) => f.ms)),
      static_asset_samples: asset,
      static_asset_ms_p50: median(asset.map((f) => f.ms)),
      method:
        'time from wrangler dev printing "Ready on" to the answer of the first request (refused connections retried on ' +
        'the same clock); a fresh wrangler dev each sample; baseline: the same for GET /index.html (static assets only)',
    };
    rmSync(configDir, { recursive: true, force: true });
  } finally {
    if (stack) await stack.stop();
    await mock.stop();
    await standIns.github.stop();
    await standIns.oidc.stop();
    rmSync(assets, { recursive: true, force: true });
    agent.destroy();
  }

  // ------------------------------------------------------------ table
  const ownRounds = (m) => m.rounds.map((r) => fmt(r.own_ms_p50)).join(' / ');
  const t = result.token ?? {};
  const rows = [
    ['wasm size (gzip -9)', `${fmt(result.size.gzip_bytes / 1000, 1)} KB (raw ${fmt(result.size.raw_bytes / 1000, 1)} KB)`, `≤ ${fmt(BUDGETS.wasm_gzip_bytes / 1000, 0)} KB`, result.size.gzip_bytes <= BUDGETS.wasm_gzip_bytes],
    ['unsign, native (criterion median)', t.rust_unsign_ns ? `${fmt(t.rust_unsign_ns / 1000)} µs; itsdangerous ${fmt(t.python?.unsign_ns / 1000)} µs (${fmt(t.ratio_unsign, 1)}× slower)` : 'not measured', '≤ 3 µs', t.rust_unsign_ns ? t.rust_unsign_ns <= BUDGETS.unsign_ns : null],
    ['  + JSON payload (verify / loads)', t.rust_verify_ns ? `${fmt(t.rust_verify_ns / 1000)} µs; itsdangerous ${fmt(t.python?.loads_ns / 1000)} µs (${fmt(t.ratio_loads_vs_verify, 1)}×)` : 'n/a', '', null],
    ['/reauth vs GET /auth/config, with the store', `${fmt(result.reauth.reauth.rps, 0)} vs ${fmt(result.reauth.trivial.rps, 0)} req/s = ${fmt(result.reauth.ratio * 100, 1)} %`, '≥ 70 %', result.reauth.ratio >= BUDGETS.reauth_store_ratio],
    ['  without the store (SESSIONS removed)', `${fmt(result.reauth_stateless.reauth.rps, 0)} vs ${fmt(result.reauth_stateless.trivial.rps, 0)} req/s = ${fmt(result.reauth_stateless.ratio * 100, 1)} %`, '≥ 90 %', result.reauth_stateless.ratio >= BUDGETS.reauth_ratio],
    ['  /reauth latency p50 / p99', `${fmt(result.reauth.reauth.p50_ms)} / ${fmt(result.reauth.reauth.p99_ms)} ms`, '', null],
    ['  same, wrangler dev --log-level none', `${fmt(result.reauth_quiet_runtime.reauth.rps, 0)} vs ${fmt(result.reauth_quiet_runtime.trivial.rps, 0)} req/s = ${fmt(result.reauth_quiet_runtime.ratio * 100, 1)} %`, '', null],
    ['  /auth/config latency p50 / p99', `${fmt(result.reauth.trivial.p50_ms)} / ${fmt(result.reauth.trivial.p99_ms)} ms`, '', null],
    ['/login on top of upstream, p50', `${fmt(result.login.on_top_ms_p50)} ms = total ${fmt(result.login.total_ms_p50)} − stand-in ${fmt(result.login.upstream_ms_p50)}`, '', null],
    ['  of which before / between / after the calls', `${fmt(result.login.before_token_ms_p50)} / ${fmt(result.login.between_calls_ms_p50)} / ${fmt(result.login.after_userinfo_ms_p50)} ms`, '', null],
    ['  minus GET /auth/config round trip (with the store)', `${fmt(result.login.own_ms_p50)} ms (rounds ${ownRounds(result.login)}; round trip ${fmt(result.login.trivial_round_trip_ms_p50)} ms)`, '≤ 4 ms', result.login.own_ms_p50 <= BUDGETS.login_own_ms_p50],
    ['  same, after more sign-ins (steady state, store)', `${fmt(result.login_steady.own_ms_p50)} ms after ${result.login_steady.after_sign_ins} more (before / between / after ${fmt(result.login_steady.before_token_ms_p50)} / ${fmt(result.login_steady.between_calls_ms_p50)} / ${fmt(result.login_steady.after_userinfo_ms_p50)} ms)`, '', null],
    ['  same, without the store', `${fmt(result.login_stateless.own_ms_p50)} ms (rounds ${ownRounds(result.login_stateless)})`, '', null],
    ['  same, a JavaScript Worker doing only the I/O (floor)', `${fmt(result.login_floor.own_ms_p50)} ms (rounds ${ownRounds(result.login_floor)}; before / between / after ${fmt(result.login_floor.before_token_ms_p50)} / ${fmt(result.login_floor.between_calls_ms_p50)} / ${fmt(result.login_floor.after_userinfo_ms_p50)} ms)`, '', null],
    [`  same, the stand-in ${FAR_PROVIDER_MS} ms away: store / stateless / floor`, `${fmt(result.login_far.own_ms_p50)} / ${fmt(result.login_stateless_far.own_ms_p50)} / ${fmt(result.login_floor_far.own_ms_p50)} ms (after the userinfo call: ${fmt(result.login_far.after_userinfo_ms_p50)} / ${fmt(result.login_stateless_far.after_userinfo_ms_p50)} / ${fmt(result.login_floor_far.after_userinfo_ms_p50)} ms)`, '', null],
    ['  /login Worker compute, native', result.routes_native?.login_ns ? `${fmt(result.routes_native.login_ns / 1000, 1)} µs (routes::handle, Google in memory; /reauth ${fmt(result.routes_native.reauth_ns / 1000, 1)} µs)` : 'not measured', '', null],
    ...forwardRows(result),
    ...providerRows(result),
    ...beforeRows(result),
    ['wasm compile + instantiate (Node)', `${fmt(result.startup.total_ms_p50)} ms (${fmt(result.startup.compile_ms_p50)} + ${fmt(result.startup.instantiate_ms_p50)}, ${result.startup.node})`, '≤ 10 ms', result.startup.total_ms_p50 <= BUDGETS.startup_ms],
    ['first request after "Ready"', `${fmt(result.first_request.ms_p50, 1)} ms (max ${fmt(result.first_request.ms_max, 1)}); static asset ${fmt(result.first_request.static_asset_ms_p50, 1)} ms`, '≤ 50 ms', result.first_request.ms_p50 <= BUDGETS.first_request_ms],
  ];
  result.table = rows.map(([what, measured, budget, holds]) => ({ what, measured, budget, holds }));
  result.all_hold = rows.every(([, , , holds]) => holds !== false);

  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length), ['what', 'measured', 'budget'][i].length));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  const m = result.machine;
  console.log(`\nedge-login benchmark, ${result.date}, commit ${m.commit ?? '?'}, ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, ${m.os}${QUICK ? ' (quick)' : ''}\n`);
  console.log(line(['what', 'measured', 'budget']) + ' holds |');
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|-------|`);
  for (const [what, measured, budget, holds] of rows) console.log(line([what, measured, budget]) + ` ${holds === null ? '     ' : holds ? 'yes  ' : 'NO   '} |`);

  const stamp = result.date.replace(/[:.]/g, '-');
  writeFileSync(path.join(RESULTS, `bench-${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  if (result.twiggy_top20) console.log(`\nThe twenty largest items of the wasm (twiggy top -n 20, a build with names):\n${result.twiggy_top20}`);
  console.log(`\nJSON: bench/results/latest.json (and bench-${stamp}.json)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
