// Test harness: the Google stand-in + `wrangler dev` running the already built
// Worker (src/edge/entry.mjs with build/) and frontend (frontend/dist), with
// the bindings a test wants. Used by tests/e2e, tests/browser and the benchmark.
//
//   import { startStack, signIn } from '../support/stack.mjs';
//   const stack = await startStack({ vars: { MAX_TOKEN_AGE: '5' } });
//   const { status, body } = await signIn(stack);
//   await stack.stop();
//
// Nothing is rebuilt: build first (scripts/build-worker.sh,
// scripts/build-frontend.sh). Each stack gets its own temporary config dir (a
// wrangler.toml derived from the repo's, with absolute paths, without [build]),
// its own .dev.vars (the secrets), its own --persist-to dir and free ports.

import { spawn, execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import { startMockGoogle, s256 } from '../mock-oidc/server.mjs';
import { startMockIssuer } from '../mock-oidc/issuer.mjs';
import { startMockGitHub } from '../mock-github/server.mjs';
import { python } from './python.mjs';
import { newAssertionKey, startFlaskApi } from './flask-api.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COOKIE_NAME = '__Host-edge-login';
export const PROVIDER = 'google-oauth2';

const WRANGLER = path.join(REPO, 'node_modules', '.bin', 'wrangler');
const live = new Set(); // child processes to kill if the test process dies

process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

// ---------------------------------------------------------------- small utils

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function randomSecret(bytes = 32) {
  return randomBytes(bytes).toString('base64url');
}

const tomlString = (s) => JSON.stringify(String(s));

// The repo's wrangler.toml, split in sections; [build], [vars] and
// [[ratelimits]] are replaced, `main` and `assets.directory` made absolute.
function deriveConfig({ main, assetsDir, vars, rateLimit, name, sessions = true, sessionsClass }) {
  const src = readFileSync(path.join(REPO, 'wrangler.toml'), 'utf8');
  const sections = [];
  let current = { header: null, lines: [] };
  for (const line of src.split('\n')) {
    const h = /^\s*(\[\[?[^\]]+\]\]?)\s*(#.*)?$/.exec(line);
    if (h) {
      sections.push(current);
      current = { header: h[1].replace(/\s+/g, ''), lines: [line] };
    } else current.lines.push(line);
  }
  sections.push(current);

  const repoVars = {};
  const out = [];
  for (const sec of sections) {
    const hdr = sec.header;
    if (hdr === '[vars]') {
      for (const l of sec.lines.slice(1)) {
        const m = /^\s*([A-Za-z0-9_]+)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(l);
        if (m) repoVars[m[1]] = JSON.parse(`"${m[2]}"`);
      }
      continue;
    }
    if (hdr === '[build]' || hdr === '[[ratelimits]]' || hdr?.startsWith('[ratelimits') || hdr?.startsWith('[build.')) continue;
    if (hdr?.startsWith('[env.')) continue; // environments are not for tests
    // Without the SESSIONS binding and its migration the Worker is
    // stateless (CONTRACT.md "Sessions").
    if (!sessions && (hdr === '[[durable_objects.bindings]]' || hdr === '[[migrations]]')) continue;
    let lines = sec.lines;
    if (hdr === null) {
      lines = lines.map((l) =>
        /^\s*main\s*=/.test(l) ? `main = ${tomlString(main)}` : /^\s*name\s*=/.test(l) ? `name = ${tomlString(name)}` : l,
      );
    }
    // Another class behind SESSIONS (tests/support/flaky-store-entry.mjs),
    // in the binding and in the migration that makes it SQLite-backed.
    if (sessionsClass && (hdr === '[[durable_objects.bindings]]' || hdr === '[[migrations]]')) {
      lines = lines.map((l) => l.replace(/"SessionStore"/g, tomlString(sessionsClass)));
    }
    if (hdr === '[assets]') {
      lines = lines.map((l) => (/^\s*directory\s*=/.test(l) ? `directory = ${tomlString(assetsDir)}` : l));
    }
    out.push(...lines);
  }
  const allVars = { ...repoVars, ...vars };
  out.push('', '[vars]');
  for (const [k, v] of Object.entries(allVars)) {
    if (v === undefined || v === null) continue;
    out.push(`${k} = ${tomlString(v)}`);
  }
  if (rateLimit) {
    out.push(
      '',
      '[[ratelimits]]',
      'name = "LOGIN_LIMITER"',
      `namespace_id = ${tomlString(rateLimit.namespaceId ?? '1001')}`,
      `simple = { limit = ${Number(rateLimit.limit)}, period = ${Number(rateLimit.period ?? 60)} }`,
    );
  }
  return { toml: out.join('\n') + '\n', vars: allVars };
}

function dotenvValue(v) {
  // .dev.vars is dotenv: double quotes allow \n escapes; keep it simple.
  return JSON.stringify(String(v));
}

// Runs `fn(signal)` with a signal aborted after `ms`, and clears that timer
// when `fn` is done, rather than AbortSignal.timeout's: a CI run once hung for
// minutes in a hook whose seven stacks all answered (cause not found), and a
// hook has no test timeout to end it; this leaves no wait on a timer we do
// not own.
async function withDeadline(ms, reason, fn) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(reason), ms);
  try {
    return await fn(abort.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilUp(baseUrl, child, logs, timeoutMs, { readyLine = true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.once('exit', (code, sig) => (exited = { code, sig }));
  // Only wrangler's own "Ready on <baseUrl>" makes an answer ours: while it
  // starts, another process (a parallel stack's miniflare loopback server,
  // say) can hold the port it was given, and that server answers too (404).
  // Below --log-level info wrangler prints no such line; then a 404 is
  // taken as not ours (the Worker answers /auth/config 200 or 500).
  const ready = new RegExp(`Ready on ${baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited (${exited.code ?? exited.sig}) before answering:\n${logs()}`);
    const log = logs();
    if (/Address already in use/.test(log)) throw new Error(`wrangler dev could not bind ${baseUrl}: Address already in use\n${log}`);
    if (readyLine && !ready.test(log)) {
      await sleep(100);
      continue;
    }
    try {
      const status = await withDeadline(2000, undefined, async (signal) => {
        const r = await fetch(`${baseUrl}/auth/config`, { signal });
        await r.arrayBuffer();
        return r.status;
      });
      if (status !== 404) return;
      await sleep(250);
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`wrangler dev did not answer on ${baseUrl} within ${timeoutMs} ms:\n${logs()}`);
}

// ---------------------------------------------------------------- the stack

/**
 * Starts the stand-in (unless told otherwise) and `wrangler dev`.
 * @param {object} [o]
 * @param {object} [o.vars]     plain vars, merged over the repo's [vars] and the
 *        defaults (OAUTH2_CLIENT_ID and the GOOGLE_*_URL of the stand-in); a value
 *        of undefined/null removes the binding.
 * @param {object} [o.secrets]  written to .dev.vars, merged over the defaults
 *        (a random SECRET_KEY, the stand-in's OAUTH2_CLIENT_SECRET); undefined removes.
 * @param {boolean|object} [o.mock=true]  true: start a stand-in; an options object:
 *        start one with them; a running stand-in (from startMockGoogle): share it;
 *        false: none (also the default when vars.GOOGLE_TOKEN_URL is given).
 * @param {{limit:number, period?:number}|false} [o.rateLimit={limit:10000, period:60}]
 *        the LOGIN_LIMITER binding; false omits it.
 * @param {string} [o.main]     the Worker entry (default $EDGE_LOGIN_WORKER or src/edge/entry.mjs)
 * @param {string} [o.assets]   the assets dir (default $EDGE_LOGIN_ASSETS or frontend/dist)
 * @param {number} [o.port]     fixed port for wrangler dev (default: a free one)
 * @param {number} [o.timeoutMs=90000]
 * @param {boolean} [o.echo]    also print wrangler's output (or env STACK_ECHO=1)
 * @param {boolean} [o.sessions] keep the SESSIONS Durable Object binding and its
 *        migration from wrangler.toml (default: true, false when env
 *        EDGE_LOGIN_SESSIONS=off); false is the stateless Worker.
 * @param {string} [o.sessionsClass] the class SESSIONS binds (default SessionStore;
 *        FlakyStore with o.main = tests/support/flaky-store-entry.mjs: a store the
 *        test can make throw or hang).
 * @param {string} [o.persistTo] wrangler's --persist-to dir (default: a new one in
 *        the stack's temporary dir); the same dir again is a restart with the state kept.
 * @param {boolean|object} [o.github] the GitHub stand-in (tests/mock-github) and the
 *        GITHUB_* bindings: true starts one, an options object starts one with them,
 *        a running one is shared; absent: GitHub is not configured.
 * @param {boolean|object} [o.oidc] the OpenID Connect stand-in (tests/mock-oidc/issuer.mjs)
 *        and the OIDC_* bindings, likewise.
 * @param {boolean|object} [o.backend] the app's backend: examples/flask-api started
 *        on a free port (or `backend.api`, one already running, kept running by
 *        stop()), BACKEND_URL pointing at it, ASSERTION_KEY a new key (or
 *        `backend.key`), `backend.fallbacks` as ASSERTION_KEY_FALLBACKS. The stack
 *        then has `api` and `assertionKey`.
 * @param {boolean} [o.backendWorker] the app's backend as a Worker: examples/worker-api
 *        bound as BACKEND (a [[services]] entry) and run by the same `wrangler dev`
 *        (a second -c config).
 */
export async function startStack(o = {}) {
  // A free port is picked, then bound by workerd a few seconds later; on a
  // busy machine another process can take it in between ("Address already
  // in use"). Then start again on another port (bounded); a port the caller
  // chose is theirs to retry.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(o);
    } catch (e) {
      if (o.port !== undefined || attempt >= 3 || !/Address already in use/.test(String(e.message))) throw e;
    }
  }
}

async function startStackOnce(o) {
  const main = path.resolve(o.main ?? process.env.EDGE_LOGIN_WORKER ?? path.join(REPO, 'src', 'edge', 'entry.mjs'));
  const assetsDir = path.resolve(o.assets ?? process.env.EDGE_LOGIN_ASSETS ?? path.join(REPO, 'frontend', 'dist'));
  if (!existsSync(main))
    throw new Error(`${main} is missing: build the Worker first (bash scripts/install-tools.sh && bash scripts/build-worker.sh)`);
  if (!existsSync(assetsDir))
    throw new Error(`${assetsDir} is missing: build the frontend first (npm --prefix frontend ci && npm --prefix frontend run build)`);

  let mock = null;
  let ownMock = false;
  const wantMock = o.mock ?? !(o.vars && 'GOOGLE_TOKEN_URL' in o.vars);
  if (wantMock && typeof wantMock === 'object' && typeof wantMock.stop === 'function') {
    mock = wantMock;
  } else if (wantMock) {
    mock = await startMockGoogle(typeof wantMock === 'object' ? wantMock : {});
    ownMock = true;
  }

  // The other providers' stand-ins (CONTRACT.md "Providers").
  const own = [];
  const standIn = async (want, start) => {
    if (!want) return null;
    if (typeof want === 'object' && typeof want.stop === 'function') return want;
    const m = await start(typeof want === 'object' ? want : {});
    own.push(m);
    return m;
  };
  const github = await standIn(o.github, startMockGitHub);
  const oidc = await standIn(o.oidc, startMockIssuer);

  const defaults = {
    ...(mock
      ? {
          OAUTH2_CLIENT_ID: mock.clientId,
          GOOGLE_AUTH_URL: mock.authorizeUrl,
          GOOGLE_TOKEN_URL: mock.tokenUrl,
          GOOGLE_USERINFO_URL: mock.userinfoUrl,
        }
      : {}),
    ...(github
      ? {
          GITHUB_CLIENT_ID: github.clientId,
          GITHUB_AUTH_URL: github.authorizeUrl,
          GITHUB_TOKEN_URL: github.tokenUrl,
          GITHUB_API_URL: github.apiUrl,
        }
      : {}),
    ...(oidc ? { OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId, OIDC_NAME: 'Corp Directory' } : {}),
  };
  const secrets = {
    SECRET_KEY: randomSecret(),
    ...(mock ? { OAUTH2_CLIENT_SECRET: mock.clientSecret } : {}),
    ...(github ? { GITHUB_CLIENT_SECRET: github.clientSecret } : {}),
    ...(oidc ? { OIDC_CLIENT_SECRET: oidc.clientSecret } : {}),
    ...o.secrets,
  };
  const rateLimit = o.rateLimit === undefined ? { limit: 10000, period: 60 } : o.rateLimit;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-login-stack-'));
  const persist = o.persistTo ?? path.join(dir, 'state');
  mkdirSync(persist, { recursive: true });
  const name = 'edge-login';
  const sessions = o.sessions ?? process.env.EDGE_LOGIN_SESSIONS !== 'off';
  const port = o.port ?? (await freePort());

  // The app's backend knows the Worker's origin (its issuer and JWKS) before
  // the Worker starts, and the Worker its URL.
  let api = null;
  let ownApi = false;
  let assertionKey;
  if (o.backend) {
    const b = typeof o.backend === 'object' ? o.backend : {};
    api = b.api ?? null;
    if (!api) {
      api = await startFlaskApi({ edgeLoginUrl: `http://127.0.0.1:${port}`, port: await freePort(), audience: b.audience });
      ownApi = true;
    }
    assertionKey = b.key ?? newAssertionKey();
    defaults.BACKEND_URL = api.url;
    secrets.ASSERTION_KEY ??= assertionKey;
    if (b.fallbacks) secrets.ASSERTION_KEY_FALLBACKS ??= b.fallbacks.join(',');
  }
  let { toml, vars } = deriveConfig({
    main,
    assetsDir,
    vars: { ...defaults, ...o.vars },
    rateLimit,
    name,
    sessions,
    sessionsClass: o.sessionsClass,
  });
  if (o.backendWorker) toml += '\n[[services]]\nbinding = "BACKEND"\nservice = "edge-login-notes-api"\n';
  writeFileSync(path.join(dir, 'wrangler.toml'), toml);
  const devVars = Object.entries(secrets)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${dotenvValue(v)}`)
    .join('\n');
  writeFileSync(path.join(dir, '.dev.vars'), devVars + '\n');

  const inspectorPort = await freePort();
  const args = [
    'dev',
    '--config', path.join(dir, 'wrangler.toml'),
    ...(o.backendWorker ? ['--config', path.join(REPO, 'examples', 'worker-api', 'wrangler.toml')] : []),
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--inspector-port', String(inspectorPort),
    '--local',
    '--persist-to', persist,
    '--show-interactive-dev-session=false',
    '--log-level', o.logLevel ?? 'log',
  ];
  let out = '';
  let dropped = 0; // characters cut from the front of `out`, so log marks stay absolute
  const echo = o.echo ?? process.env.STACK_ECHO === '1';
  const child = spawn(WRANGLER, args, {
    cwd: dir,
    detached: true, // own process group: stop() kills wrangler and workerd together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_LOG_PATH: path.join(dir, 'logs'),
      CI: '1',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  live.add(child);
  const collect = (chunk) => {
    const s = chunk.toString();
    out += s;
    if (out.length > 4_000_000) {
      const cut = out.length - 2_000_000;
      out = out.slice(cut);
      dropped += cut;
    }
    if (echo) process.stderr.write(s);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitedResolve;
  const exited = new Promise((r) => (exitedResolve = r));
  child.once('exit', () => {
    live.delete(child);
    exitedResolve();
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 5000);
        await exited;
        clearTimeout(t);
      }
      // workerd may outlive wrangler for a moment; make sure the group is gone
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      if (ownMock) await mock.stop();
      for (const m of own) await m.stop();
      if (ownApi) await api.stop();
      if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitUntilUp(baseUrl, child, () => out, o.timeoutMs ?? 90_000, {
      readyLine: !['none', 'error', 'warn'].includes(o.logLevel ?? 'log'),
    });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    baseUrl,
    port,
    origin: baseUrl,
    redirectUri: `${baseUrl}/torii/redirect.html`,
    mock,
    github,
    oidc,
    api,
    assertionKey,
    vars,
    secrets,
    sessions,
    persistTo: persist,
    inspectorPort,
    dir,
    stop,
    logs: () => out,
    /** A mark in wrangler's output: logsSince(mark) is what it printed after. */
    logMark: () => dropped + out.length,
    logsSince: (mark) => out.slice(Math.max(0, mark - dropped)),
    /** Resolve only after wrangler printed `needle` (a string or RegExp), e.g. an audit line. */
    async waitForLog(needle, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      const test = (s) => (typeof needle === 'string' ? s.includes(needle) : needle.test(s));
      while (Date.now() < deadline) {
        if (test(out)) return true;
        await sleep(50);
      }
      return false;
    },
  };
}

// ---------------------------------------------------------------- HTTP helpers

/**
 * One request; answers {status, headers, text, body (parsed JSON or undefined), res}.
 * `json` sends a JSON body with Content-Type application/json.
 */
export async function request(stack, method, pathname, { json, body, headers = {}, cookie, timeoutMs = 30000 } = {}) {
  const h = { ...headers };
  let payload = body;
  if (json !== undefined) {
    payload = typeof json === 'string' ? json : JSON.stringify(json);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  if (cookie) h.cookie = cookie;
  const reason = new Error(`${method} ${pathname}: no answer in ${timeoutMs} ms`);
  return withDeadline(timeoutMs, reason, async (signal) => {
    const res = await fetch(new URL(pathname, stack.baseUrl), {
      method,
      headers: h,
      body: payload,
      redirect: 'manual',
      signal,
    });
    const text = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed, res };
  });
}

/** The `name=value` pair of the sign-in cookie from a response's Set-Cookie, or undefined. */
export function signInCookieFrom(headers) {
  for (const sc of headers.getSetCookie?.() ?? []) {
    const pair = sc.split(';', 1)[0].trim();
    if (pair.startsWith(`${COOKIE_NAME}=`)) return { pair, setCookie: sc, value: pair.slice(COOKIE_NAME.length + 1) };
  }
  return undefined;
}

/**
 * POST /auth/start (with `provider` when given) → {status, body, state,
 * codeChallenge, cookie ("name=value"), setCookie, headers}
 */
export async function startSignIn(stack, { headers, provider } = {}) {
  const r = await request(stack, 'POST', '/auth/start', { json: provider === undefined ? {} : { provider }, headers });
  const c = signInCookieFrom(r.headers);
  return {
    ...r,
    state: r.body?.state,
    codeChallenge: r.body?.code_challenge,
    codeChallengeMethod: r.body?.code_challenge_method,
    cookie: c?.pair,
    setCookie: c?.setCookie,
  };
}

/**
 * The user's trip to Google: GET the stand-in's authorize URL (not following
 * the redirect) and read the code from Location. Answers {code, location, status}.
 */
export async function authorize(stack, { state, codeChallenge, codeChallengeMethod = 'S256', redirectUri, clientId, scope, extra, provider = PROVIDER } = {}) {
  const mock = standInOf(stack, provider);
  if (!mock) throw new Error(`authorize(): this stack has no stand-in for ${provider}`);
  const u = new URL(mock.authorizeUrl);
  const ownClientId = {
    'google-oauth2': stack.vars.OAUTH2_CLIENT_ID,
    'github-oauth2': stack.vars.GITHUB_CLIENT_ID,
    oidc: stack.vars.OIDC_CLIENT_ID,
  }[provider];
  const params = {
    client_id: clientId ?? ownClientId ?? mock.clientId,
    redirect_uri: redirectUri ?? `${stack.baseUrl}/torii/redirect.html`,
    response_type: 'code',
    scope: scope ?? (provider === 'github-oauth2' ? 'read:user user:email' : 'openid email profile'),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: codeChallenge ? codeChallengeMethod : undefined,
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
  const res = await fetch(u, { redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  return { status: res.status, location, code, returnedState: location ? new URL(location).searchParams.get('state') : null };
}

/** The stand-in a provider's sign-in goes to. */
export function standInOf(stack, provider = PROVIDER) {
  return { 'google-oauth2': stack.mock, 'github-oauth2': stack.github, oidc: stack.oidc }[provider];
}

/** POST /login with a body (object or raw string) and optionally the sign-in cookie. */
export function postLogin(stack, body, { cookie, headers } = {}) {
  return request(stack, 'POST', '/login', { json: body, cookie, headers });
}

/**
 * The whole sign-in, as the browser does it with a cookie jar:
 * POST /auth/start → the stand-in's authorize URL (code from Location) →
 * POST /login {authorizationCode, redirectUri, provider, state} with the cookie.
 * Options: `body` (merged over the /login body; a key set to undefined is dropped),
 * `redirectUri` (sent to Google and in the body), `headers` (on both Worker calls),
 * `cookie` (replaces the jar's cookie; null sends none), `state` (replaces the state
 * in the /login body), `provider` (the provider to sign in with: /auth/start's,
 * the stand-in's and /login's; default google-oauth2).
 * Answers the /login result {status, body, headers, text} plus {token, userInfo,
 * start, auth, cookie, state, code}.
 */
export async function signIn(stack, opts = {}) {
  const provider = opts.provider ?? PROVIDER;
  const start = await startSignIn(stack, {
    headers: opts.headers,
    provider: opts.provider === undefined ? undefined : provider,
  });
  if (start.status !== 200)
    throw new Error(`POST /auth/start answered ${start.status}: ${start.text}`);
  const redirectUri = opts.redirectUri ?? `${stack.baseUrl}/torii/redirect.html`;
  const auth = await authorize(stack, {
    state: start.state,
    codeChallenge: start.codeChallenge,
    codeChallengeMethod: start.codeChallengeMethod ?? 'S256',
    redirectUri: opts.authorizeRedirectUri ?? redirectUri,
    provider,
  });
  if (!auth.code) throw new Error(`the stand-in gave no code (status ${auth.status}, Location ${auth.location})`);
  const body = {
    authorizationCode: auth.code,
    redirectUri,
    provider,
    state: 'state' in opts ? opts.state : start.state,
  };
  for (const [k, v] of Object.entries(opts.body ?? {})) {
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  const cookie = 'cookie' in opts ? opts.cookie : start.cookie;
  const r = await postLogin(stack, body, { cookie: cookie ?? undefined, headers: opts.headers });
  return {
    ...r,
    token: r.body?.auth_token,
    userInfo: r.body?.user_info,
    start,
    auth,
    cookie: start.cookie,
    state: start.state,
    code: auth.code,
    loginBody: body,
  };
}

// ---------------------------------------------------------------- tokens

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** itsdangerous' compact JSON: json.dumps(obj, separators=(",", ":"), ensure_ascii=False). */
export function compactJson(obj) {
  return JSON.stringify(obj);
}

function intToBytes(n) {
  let hex = BigInt(n).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const buf = Buffer.from(hex, 'hex');
  let i = 0;
  while (i < buf.length && buf[i] === 0) i++;
  return buf.subarray(i);
}

/**
 * Signs `payloadSegment.timestampSegment` like itsdangerous' TimestampSigner
 * (django-concat key derivation), for hand-made payload segments (zlib bombs...).
 */
export function signRaw(secret, payloadSegment, timestamp = Math.floor(Date.now() / 1000), { salt = 'itsdangerous', digest = 'sha256' } = {}) {
  const key = createHash(digest).update(Buffer.concat([Buffer.from(salt), Buffer.from('signer'), Buffer.from(secret)])).digest();
  const value = `${payloadSegment}.${b64url(intToBytes(timestamp))}`;
  const sig = createHmac(digest, key).update(value).digest();
  return `${value}.${b64url(sig)}`;
}

/**
 * itsdangerous URLSafeTimedSerializer(secret, signer_kwargs={"digest_method": sha256})
 * .dumps(payload) at `timestamp` (epoch seconds), written independently of the
 * Worker. Options: compress ('auto' as itsdangerous: zlib when it saves more than
 * a byte; true forces the "."-prefixed zlib form; false never), salt, digest.
 */
export function mintToken(secret, payload, timestamp = Math.floor(Date.now() / 1000), { compress = 'auto', salt, digest } = {}) {
  const json = Buffer.from(compactJson(payload));
  let seg = b64url(json);
  if (compress) {
    // itsdangerous compresses when it saves more than one byte ('auto'); true forces it.
    const z = deflateSync(json, { level: 6 });
    if (compress === true || z.length < json.length - 1) seg = '.' + b64url(z);
  }
  return signRaw(secret, seg, timestamp, { salt, digest });
}

/** Reads a token without checking it: {payload, timestamp, compressed}. */
export function decodeToken(token) {
  const parts = token.split('.');
  const sig = parts.pop();
  const ts = parts.pop();
  let seg = parts.join('.');
  const compressed = seg.startsWith('.');
  if (compressed) seg = seg.slice(1);
  let raw = Buffer.from(seg, 'base64url');
  if (compressed) raw = inflateSync(raw);
  const tsHex = Buffer.from(ts, 'base64url').toString('hex') || '0';
  return { payload: JSON.parse(raw.toString('utf8')), timestamp: Number(BigInt('0x' + tsHex)), signature: sig, compressed };
}

// The one place the e2e tests run Python: tests/python/interop.py, the real
// itsdangerous behind tests/python/itsd.py, as tests/token_interop.rs uses it.
// The interpreter is python.mjs' (the project venv's).
const PY_INTEROP = path.join(REPO, 'tests', 'python', 'interop.py');

function pythonItsdangerous(req) {
  const out = execFileSync(python(), [PY_INTEROP], { input: JSON.stringify(req), encoding: 'utf8' });
  return JSON.parse(out);
}

/**
 * Mints with the real Python itsdangerous at `timestamp` (its clock pinned, so
 * a back-dated token is as itsdangerous would have made it then). kind "flask":
 * TimedSerializer(secret) with its defaults (HMAC-SHA1, raw JSON payload), the
 * classic Flask backend's tokens; kind "urlsafe": the edge-login format.
 */
export function mintPythonToken(secret, payload, timestamp = Math.floor(Date.now() / 1000), kind = 'flask') {
  return pythonItsdangerous({ op: 'dumps', format: kind, secret, obj: payload, now: timestamp }).token;
}

/**
 * What the real Python itsdangerous makes of `token`: {result: "ok", obj,
 * payload, timestamp} or {result: "SignatureExpired" | "BadSignature" | ...}.
 * `secrets` newest first; `now` pins its clock (default: the real one).
 */
export function loadPythonToken(secrets, token, { maxAge = null, now: at, kind = 'urlsafe' } = {}) {
  return pythonItsdangerous({ op: 'loads', format: kind, secrets, token, max_age: maxAge, now: at });
}

export const mintFlaskToken = (secret, payload, timestamp) => mintPythonToken(secret, payload, timestamp, 'flask');

export const now = () => Math.floor(Date.now() / 1000);

export { startMockGoogle, startMockGitHub, startMockIssuer, s256 };
