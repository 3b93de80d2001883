#!/usr/bin/env node
// The GitHub stand-in: an OAuth App's endpoints and the two REST calls
// edge-login makes, on loopback, answering as GitHub does where it matters
// (see ../../../shared/CONTRACT.md, "Providers"):
//
//  - GET  /login/oauth/authorize   issues single-use codes (10 min) for the
//    client id, bound to redirect_uri and the PKCE challenge; redirects to
//    redirect_uri?code=…&state=… (or ?error=access_denied when told).
//  - POST /login/oauth/access_token  form body with client_id, client_secret,
//    code, redirect_uri, code_verifier. JSON when asked (Accept:
//    application/json), else form-encoded, as GitHub. Refusals are 200 with an
//    `error`, as GitHub answers them: bad_verification_code (unknown, used,
//    expired code, wrong verifier), incorrect_client_credentials,
//    redirect_uri_mismatch.
//  - GET  /api/user, /api/user/emails  (GITHUB_API_URL = {url}/api) with
//    `Authorization: Bearer|token <access token>`; 401 "Bad credentials"
//    otherwise, 403 without a User-Agent (GitHub's rule).
//
// Per test: mock.user / mock.emails (the signed-in account), mock.nextToken =
// { error } or { status, body } (one-shot), mock.nextAuthorize = { error },
// mock.nextUser / mock.nextEmails = { status, body } (one-shot). Every request
// is recorded in mock.seen ({method, path, headers, body}); mock.reset().
//
// CLI: node tests/mock-github/server.mjs [--port 9401] [--host 127.0.0.1]
//        [--client-id ID] [--client-secret SECRET]
//      env: MOCK_GITHUB_PORT, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET

import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const DEFAULT_GITHUB_CLIENT_ID = 'Iv1.edgelogintest0001';
export const DEFAULT_GITHUB_CLIENT_SECRET = 'edge-login-github-test-secret';

export const DEFAULT_GITHUB_USER = Object.freeze({
  login: 'octocat',
  id: 583231,
  name: 'The Octocat',
  // avatar_url: filled in with `${url}/avatar.png`
});

/** Three addresses: a verified secondary, the primary verified one, an unverified one. */
export const DEFAULT_GITHUB_EMAILS = Object.freeze([
  { email: 'octo@old.example', primary: false, verified: true, visibility: null },
  { email: 'octocat@github.example', primary: true, verified: true, visibility: 'public' },
  { email: 'octocat@unverified.example', primary: false, verified: false, visibility: null },
]);

const s256 = (v) => createHash('sha256').update(v).digest('base64url');

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, body, contentType = 'application/json; charset=utf-8') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts the GitHub stand-in.
 * @param {object} [opts]
 * @param {number} [opts.port=0]
 * @param {string} [opts.host='127.0.0.1']
 * @param {string} [opts.clientId]
 * @param {string} [opts.clientSecret]
 * @param {object} [opts.user]     merged into DEFAULT_GITHUB_USER
 * @param {object[]} [opts.emails] replaces DEFAULT_GITHUB_EMAILS
 * @param {boolean} [opts.log=false]
 */
export async function startMockGitHub(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ? (...a) => console.error('[mock-github]', ...a) : () => {};
  const codes = new Map();
  const tokens = new Map();
  const sockets = new Set();

  const mock = {
    clientId: opts.clientId ?? DEFAULT_GITHUB_CLIENT_ID,
    clientSecret: opts.clientSecret ?? DEFAULT_GITHUB_CLIENT_SECRET,
    url: undefined,
    authorizeUrl: undefined,
    tokenUrl: undefined,
    apiUrl: undefined,
    user: undefined,
    emails: undefined,
    nextToken: undefined,
    nextAuthorize: undefined,
    nextUser: undefined,
    nextEmails: undefined,
    /** every request: {at, method, path, query, headers, body} */
    seen: [],
    reset() {
      mock.user = { ...DEFAULT_GITHUB_USER, avatar_url: `${mock.url}/avatar.png`, ...opts.user };
      mock.emails = (opts.emails ?? DEFAULT_GITHUB_EMAILS).map((e) => ({ ...e }));
      mock.nextToken = mock.nextAuthorize = mock.nextUser = mock.nextEmails = undefined;
    },
    clearSeen() {
      mock.seen.length = 0;
    },
    /** The recorded requests to `path` (e.g. '/login/oauth/access_token'). */
    seenAt(path) {
      return mock.seen.filter((s) => s.path === path);
    },
    stop,
  };

  function authorize(res, q) {
    if (q.client_id !== mock.clientId) return send(res, 404, '<h1>404: the OAuth App was not found</h1>', 'text/html');
    let redirect;
    try {
      redirect = new URL(q.redirect_uri);
    } catch {
      return send(res, 400, '<h1>redirect_uri is not a URL</h1>', 'text/html');
    }
    const o = mock.nextAuthorize;
    mock.nextAuthorize = undefined;
    if (o?.error) {
      redirect.searchParams.set('error', o.error);
    } else {
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        redirectUri: q.redirect_uri,
        challenge: q.code_challenge,
        method: q.code_challenge_method,
        scope: q.scope,
        user: { ...mock.user },
        emails: mock.emails.map((e) => ({ ...e })),
        expiresAt: Date.now() + 600_000,
        used: false,
      });
      redirect.searchParams.set('code', code);
    }
    if (q.state) redirect.searchParams.set('state', q.state);
    res.writeHead(302, { Location: redirect.href });
    res.end();
  }

  // GitHub's answer to a token request: JSON when asked, else form-encoded.
  function tokenAnswer(req, res, body) {
    if ((req.headers.accept ?? '').includes('application/json')) return send(res, 200, body);
    return send(res, 200, new URLSearchParams(body).toString(), 'application/x-www-form-urlencoded; charset=utf-8');
  }

  function refusal(req, res, error) {
    const descriptions = {
      bad_verification_code: 'The code passed is incorrect or expired.',
      incorrect_client_credentials: 'The client_id and/or client_secret passed are incorrect.',
      redirect_uri_mismatch: 'The redirect_uri MUST match the registered callback URL for this application.',
    };
    return tokenAnswer(req, res, {
      error,
      error_description: descriptions[error] ?? error,
      error_uri: `https://docs.github.com/apps/troubleshooting#${error}`,
    });
  }

  function accessToken(req, res, rawBody) {
    const o = mock.nextToken;
    mock.nextToken = undefined;
    if (o?.error) return refusal(req, res, o.error);
    if (o?.status !== undefined || o?.body !== undefined) return send(res, o.status ?? 200, o.body ?? '');
    const p = Object.fromEntries(new URLSearchParams(rawBody));
    if (p.client_id !== mock.clientId || p.client_secret !== mock.clientSecret)
      return refusal(req, res, 'incorrect_client_credentials');
    const rec = codes.get(p.code ?? '');
    if (!rec || rec.used || rec.expiresAt < Date.now()) return refusal(req, res, 'bad_verification_code');
    rec.used = true;
    if (p.redirect_uri !== undefined && p.redirect_uri !== rec.redirectUri) return refusal(req, res, 'redirect_uri_mismatch');
    if (rec.challenge !== undefined) {
      const ok = p.code_verifier && (rec.method === 'S256' ? s256(p.code_verifier) === rec.challenge : p.code_verifier === rec.challenge);
      if (!ok) return refusal(req, res, 'bad_verification_code');
    }
    const token = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(token, rec);
    return tokenAnswer(req, res, { access_token: token, token_type: 'bearer', scope: rec.scope ?? '' });
  }

  function api(req, res, path) {
    if (!req.headers['user-agent'])
      return send(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.' });
    const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const rec = m ? tokens.get(m[1]) : undefined;
    if (!rec) return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const next = path === '/api/user' ? 'nextUser' : 'nextEmails';
    const o = mock[next];
    mock[next] = undefined;
    if (o) return send(res, o.status ?? 200, o.body ?? '');
    if (path === '/api/user') return send(res, 200, { ...rec.user, type: 'User', site_admin: false });
    return send(res, 200, rec.emails);
  }

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = await readBody(req);
      mock.seen.push({
        at: Date.now(),
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers },
        body,
      });
      log(req.method, url.pathname);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /login/oauth/authorize') return authorize(res, Object.fromEntries(url.searchParams));
      if (route === 'POST /login/oauth/access_token') return accessToken(req, res, body);
      if (route === 'GET /api/user' || route === 'GET /api/user/emails') return api(req, res, url.pathname);
      if (route === 'GET /avatar.png') return send(res, 200, Buffer.alloc(0), 'image/png');
      return send(res, 404, { message: 'Not Found' });
    } catch (e) {
      if (!res.headersSent) send(res, 500, { message: String(e) });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  mock.port = server.address().port;
  mock.url = `http://${host}:${mock.port}`;
  mock.authorizeUrl = `${mock.url}/login/oauth/authorize`;
  mock.tokenUrl = `${mock.url}/login/oauth/access_token`;
  mock.apiUrl = `${mock.url}/api`;
  mock.reset();

  let stopped;
  function stop() {
    stopped ??= new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return stopped;
  }
  return mock;
}

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => {
      if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
      return acc;
    }, []),
  );
  const env = process.env;
  const mock = await startMockGitHub({
    port: Number(args.port ?? env.MOCK_GITHUB_PORT ?? 9401),
    host: args.host ?? '127.0.0.1',
    clientId: args['client-id'] ?? env.GITHUB_CLIENT_ID,
    clientSecret: args['client-secret'] ?? env.GITHUB_CLIENT_SECRET,
    log: true,
  });
  console.log(`GitHub stand-in listening on ${mock.url}`);
  for (const [k, v] of [
    ['GITHUB_AUTH_URL', mock.authorizeUrl],
    ['GITHUB_TOKEN_URL', mock.tokenUrl],
    ['GITHUB_API_URL', mock.apiUrl],
    ['client_id', mock.clientId],
    ['test user', `${mock.user.login} <${mock.emails.find((e) => e.primary).email}> (id ${mock.user.id})`],
  ])
    console.log(`  ${k.padEnd(18)} ${v}`);
  const shutdown = async () => {
    await mock.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
