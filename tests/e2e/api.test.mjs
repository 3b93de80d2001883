// Routes, request checks and their order, headers, static assets, and the
// session token (/reauth, /api/me): CONTRACT.md against `wrangler dev`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  startStack, request, signIn, mintToken, mintPythonToken, mintFlaskToken, loadPythonToken, signRaw, decodeToken, randomSecret, now,
} from '../support/stack.mjs';
import {
  expectOk, expectError, expectApiHeaders, expectAllow, expectSecurityHeaders, expectBearerChallenge, parseCsp,
} from '../support/expect.mjs';

const T = { timeout: 30_000 };
const KEY = randomSecret();
const FALLBACK_1 = randomSecret();
const FALLBACK_2 = randomSecret();
const DEFAULT_MAX_TOKEN_AGE = 604800;
const DEFAULT_MAX_SESSION_AGE = 2592000;
const USER = { sub: '1234567890', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true };

let stack;
let token; // from a real sign-in
let userInfo;

before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY, SECRET_KEY_FALLBACKS: ` ${FALLBACK_1} , ,${FALLBACK_2}, ` },
  });
  const r = await signIn(stack);
  assert.equal(r.status, 200, `sign-in for the token tests: ${r.status} ${r.text}`);
  token = r.token;
  userInfo = r.userInfo;
});

after(async () => {
  await stack?.stop();
});

const reauth = (t, opts) => request(stack, 'POST', '/reauth', { json: { auth_token: t }, ...opts });
const me = (authorization) =>
  request(stack, 'GET', '/api/me', { headers: authorization === undefined ? {} : { authorization } });

// A raw HTTP/1.1 exchange over one keep-alive agent (to check what happens to
// the connection after a 413).
function rawRequest(agent, { method = 'POST', path, headers = {}, chunks = [] }) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, stack.baseUrl);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method, headers, agent },
      (res) => {
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString();
          let body;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({
            status: res.statusCode,
            headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])),
            text,
            body,
            reusedSocket: req.reusedSocket,
          });
        });
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    (async () => {
      for (const c of chunks) {
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

// ---------------------------------------------------------------------------

describe('GET /auth/config', () => {
  it('answers client_id, the authorization endpoint, scope and redirect path', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.deepEqual(r.body, {
      client_id: stack.mock.clientId,
      authorization_endpoint: stack.mock.authorizeUrl,
      scope: 'openid email profile',
      redirect_path: '/torii/redirect.html',
      // whether SESSIONS is bound
      sessions: stack.sessions,
      // every configured provider: here Google alone
      providers: [
        {
          name: 'google-oauth2',
          label: 'Google',
          client_id: stack.mock.clientId,
          authorization_endpoint: stack.mock.authorizeUrl,
          scope: 'openid email profile',
        },
      ],
      // whether the app's backend is configured: not in this stack
      backend: false,
    });
  });
});

describe('happy path: /login -> /reauth -> /api/me', () => {
  it('/login answered the token and the userinfo exactly as the stand-in sent it', T, async () => {
    assert.deepEqual(userInfo, {
      sub: USER.sub,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      picture: stack.mock.pictureUrl,
      email: 'ada@example.com',
      email_verified: true,
    });
    assert.equal(typeof token, 'string');
  });

  it('the token is itsdangerous URLSafeTimedSerializer(SECRET_KEY, sha256) with user_info and auth_time', T, async () => {
    const parts = token.split('.');
    assert.equal(parts.length, 3, 'uncompressed token: payload.timestamp.signature');
    const { payload, timestamp } = decodeToken(token);
    assert.equal(signRaw(KEY, parts[0], timestamp), token, 'signature must be HMAC-SHA256 with the django-concat key of SECRET_KEY');
    assert.deepEqual(payload.user_info, userInfo);
    assert.ok(Math.abs(timestamp - now()) < 120, `timestamp ${timestamp} is now`);
    assert.equal(typeof payload.auth_time, 'number', 'payload carries auth_time');
    assert.ok(Math.abs(payload.auth_time - now()) < 120, 'auth_time is the sign-in time');
    // and the real library agrees
    const py = loadPythonToken([KEY], token, { maxAge: DEFAULT_MAX_TOKEN_AGE });
    assert.equal(py.result, 'ok', `itsdangerous loads it: ${JSON.stringify(py)}`);
    assert.deepEqual(py.obj.user_info, userInfo);
  });

  it('/reauth with a fresh token answers the same token and the user_info', T, async () => {
    const r = await reauth(token);
    expectOk(r);
    assert.equal(r.body.auth_token, token, 'a young token comes back unchanged');
    assert.deepEqual(r.body.user_info, userInfo);
  });

  it('/api/me with the Bearer token answers {user_info}', T, async () => {
    const r = await me(`Bearer ${token}`);
    expectOk(r);
    assert.deepEqual(r.body, { user_info: userInfo });
  });

  it('a token minted by Python itsdangerous is accepted by /reauth and /api/me', T, async () => {
    const info = { sub: '42', email: 'py@example.com', name: 'Py Thon' };
    const t = mintPythonToken(KEY, { user_info: info, auth_time: now() - 10 }, now() - 10, 'urlsafe');
    const r = await reauth(t);
    expectOk(r);
    assert.deepEqual(r.body.user_info, info);
    const m = await me(`Bearer ${t}`);
    expectOk(m);
    assert.deepEqual(m.body.user_info, info);
  });
});

describe('400 invalid_json', () => {
  for (const [name, body] of [
    ['not JSON at all', 'this is not json'],
    ['truncated JSON', '{"auth_token": "abc"'],
    ['an empty body', ''],
    ['a JSON array', '["auth_token"]'],
    ['a JSON string', '"auth_token"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ]) {
    it(`/reauth refuses ${name}`, T, async () => {
      expectError(await request(stack, 'POST', '/reauth', { json: body }), 400, 'invalid_json');
    });
  }
  it('/login refuses a JSON array', T, async () => {
    expectError(await request(stack, 'POST', '/login', { json: '[{"authorizationCode":"x"}]' }), 400, 'invalid_json');
  });
  it('/auth/start refuses non-object JSON', T, async () => {
    expectError(await request(stack, 'POST', '/auth/start', { json: '[]' }), 400, 'invalid_json');
  });
});

describe('400 invalid_request', () => {
  const cases = [
    ['/reauth without auth_token', '/reauth', {}],
    ['/reauth with auth_token null (null counts as absent)', '/reauth', { auth_token: null }],
    ['/reauth with an empty auth_token', '/reauth', { auth_token: '' }],
    ['/reauth with a numeric auth_token', '/reauth', { auth_token: 12345 }],
    ['/reauth with an object auth_token', '/reauth', { auth_token: { t: 'x' } }],
    ['/login without authorizationCode', '/login', { provider: 'google-oauth2', state: 's' }],
    ['/login with authorizationCode null', '/login', { authorizationCode: null, state: 's' }],
    ['/login with an empty authorizationCode', '/login', { authorizationCode: '', state: 's' }],
    ['/login with a numeric authorizationCode', '/login', { authorizationCode: 5, state: 's' }],
    ['/login with a numeric redirectUri', '/login', { authorizationCode: 'c', redirectUri: 5, state: 's' }],
    ['/login with an object redirectUri', '/login', { authorizationCode: 'c', redirectUri: {}, state: 's' }],
    ['/login with provider github', '/login', { authorizationCode: 'c', provider: 'github', state: 's' }],
    ['/login with provider google (not google-oauth2)', '/login', { authorizationCode: 'c', provider: 'google', state: 's' }],
    ['/login with a numeric provider', '/login', { authorizationCode: 'c', provider: 1, state: 's' }],
  ];
  for (const [name, path, body] of cases) {
    it(`${name} is invalid_request`, T, async () => {
      expectError(await request(stack, 'POST', path, { json: body }), 400, 'invalid_request');
    });
  }
});

describe('401 invalid_token / token_expired on /reauth', () => {
  const info = { sub: '7', email: 'x@example.com' };
  it('garbage strings are invalid_token', T, async () => {
    for (const g of ['abc', 'a.b.c', '...', 'eyJ.!!!.###', 'x'.repeat(4000), 'ünïcödé.tökén.sïg']) {
      expectError(await reauth(g), 401, 'invalid_token');
    }
  });
  it('a tampered payload is invalid_token', T, async () => {
    const [p, ts, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ user_info: { ...userInfo, email: 'eve@example.com' } })).toString('base64url');
    expectError(await reauth(`${other}.${ts}.${sig}`), 401, 'invalid_token');
    const flipped = p.slice(0, -2) + (p.at(-2) === 'A' ? 'B' : 'A') + p.at(-1);
    expectError(await reauth(`${flipped}.${ts}.${sig}`), 401, 'invalid_token');
  });
  it('a tampered timestamp is invalid_token', T, async () => {
    const [p, , sig] = token.split('.');
    const ts = Buffer.from([0x70, 0, 0, 0]).toString('base64url');
    expectError(await reauth(`${p}.${ts}.${sig}`), 401, 'invalid_token');
  });
  it('a tampered signature is invalid_token', T, async () => {
    const [p, ts, sig] = token.split('.');
    const bad = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expectError(await reauth(`${p}.${ts}.${bad}`), 401, 'invalid_token');
  });
  it('a token signed with an unknown key is invalid_token', T, async () => {
    expectError(await reauth(mintToken(randomSecret(), { user_info: info, auth_time: now() }, now())), 401, 'invalid_token');
  });
  it('a token signed with another salt is invalid_token', T, async () => {
    expectError(await reauth(mintToken(KEY, { user_info: info, auth_time: now() }, now(), { salt: 'edge-login.signin' })), 401, 'invalid_token');
  });
  it('a token signed with HMAC-SHA1 (itsdangerous default digest) is invalid_token', T, async () => {
    expectError(await reauth(mintToken(KEY, { user_info: info, auth_time: now() }, now(), { digest: 'sha1' })), 401, 'invalid_token');
  });
  it('a token signed with the first SECRET_KEY_FALLBACKS key is accepted', T, async () => {
    const r = await reauth(mintToken(FALLBACK_1, { user_info: info, auth_time: now() }, now()));
    expectOk(r);
    assert.deepEqual(r.body.user_info, info);
  });
  it('a token signed with a later fallback key (list with spaces and empty items) is accepted', T, async () => {
    const r = await reauth(mintToken(FALLBACK_2, { user_info: info, auth_time: now() }, now()));
    expectOk(r);
    assert.deepEqual(r.body.user_info, info);
  });
  it('a token older than MAX_TOKEN_AGE is token_expired', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE - 30;
    expectError(await reauth(mintToken(KEY, { user_info: info, auth_time: ts }, ts)), 401, 'token_expired');
  });
  it('a fallback-key token older than MAX_TOKEN_AGE is token_expired', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE - 30;
    expectError(await reauth(mintToken(FALLBACK_1, { user_info: info, auth_time: ts }, ts)), 401, 'token_expired');
  });
  it('a token just younger than MAX_TOKEN_AGE is accepted', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE + 60;
    expectOk(await reauth(mintToken(KEY, { user_info: info, auth_time: ts }, ts)));
  });
  it('a timestamp more than 60 s in the future is invalid_token', T, async () => {
    expectError(await reauth(mintToken(KEY, { user_info: info, auth_time: now() }, now() + 120)), 401, 'invalid_token');
  });
  it('a timestamp less than 60 s in the future is accepted (clock skew)', T, async () => {
    expectOk(await reauth(mintToken(KEY, { user_info: info, auth_time: now() }, now() + 30)));
  });
  it('a compressed (".") payload is accepted', T, async () => {
    const big = { ...info, name: 'A'.repeat(300) };
    const t = mintToken(KEY, { user_info: big, auth_time: now() }, now(), { compress: true });
    assert.ok(t.startsWith('.'));
    const r = await reauth(t);
    expectOk(r);
    assert.deepEqual(r.body.user_info, big);
  });
  it('a zlib bomb is refused quickly as invalid_token and the server still answers', T, async () => {
    // 8 MiB of spaces deflate to ~8 KiB: fits the 16 KiB body, inflates far past 64 KiB.
    const bomb = '.' + deflateSync(Buffer.alloc(8 * 1024 * 1024, 0x20), { level: 9 }).toString('base64url');
    const t = signRaw(KEY, bomb, now());
    const t0 = Date.now();
    const r = await reauth(t);
    const ms = Date.now() - t0;
    expectError(r, 401, 'invalid_token');
    assert.ok(ms < 3000, `refused in ${ms} ms`);
    const m = await me(`Bearer ${t}`);
    expectError(m, 401, 'invalid_token');
    expectOk(await request(stack, 'GET', '/auth/config'));
    expectOk(await reauth(token));
  });
  it('a Flask TimedSerializer token is refused when ACCEPT_FLASK_TOKENS is unset', T, async () => {
    expectError(await reauth(mintFlaskToken(KEY, { user_info: info }, now() - 5)), 401, 'invalid_token');
  });
});

describe('sliding sessions (MAX_TOKEN_AGE default 7 days, MAX_SESSION_AGE default 30 days)', () => {
  const info = { sub: '9', email: 's@example.com' };
  it('a token older than half of MAX_TOKEN_AGE is renewed with the same auth_time', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE / 2 - 600;
    const authTime = ts - 1000;
    const old = mintToken(KEY, { user_info: info, auth_time: authTime }, ts);
    const r = await reauth(old);
    expectOk(r);
    assert.notEqual(r.body.auth_token, old, 'a new token');
    const d = decodeToken(r.body.auth_token);
    assert.equal(d.payload.auth_time, authTime, 'same auth_time');
    assert.deepEqual(d.payload.user_info, info);
    assert.ok(Math.abs(d.timestamp - now()) < 60, 'freshly signed');
    const seg = r.body.auth_token.split('.').slice(0, -2).join('.');
    assert.equal(signRaw(KEY, seg, d.timestamp), r.body.auth_token, 'signed with the current SECRET_KEY');
    expectOk(await me(`Bearer ${r.body.auth_token}`));
  });
  it('a fallback-signed token older than half is renewed with the current SECRET_KEY', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE / 2 - 600;
    const r = await reauth(mintToken(FALLBACK_1, { user_info: info, auth_time: ts }, ts));
    expectOk(r);
    const d = decodeToken(r.body.auth_token);
    const seg = r.body.auth_token.split('.').slice(0, -2).join('.');
    assert.equal(signRaw(KEY, seg, d.timestamp), r.body.auth_token, 'signed with SECRET_KEY, not the fallback');
    assert.equal(d.payload.auth_time, ts);
  });
  it('a token without auth_time counts from its own timestamp when renewed', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE / 2 - 600;
    const r = await reauth(mintToken(KEY, { user_info: info }, ts));
    expectOk(r);
    assert.equal(decodeToken(r.body.auth_token).payload.auth_time, ts);
  });
  it('/reauth refuses with token_expired once auth_time is older than MAX_SESSION_AGE', T, async () => {
    const t = mintToken(KEY, { user_info: info, auth_time: now() - DEFAULT_MAX_SESSION_AGE - 60 }, now() - 5);
    expectError(await reauth(t), 401, 'token_expired');
  });
  it('/api/me refuses with token_expired once auth_time is older than MAX_SESSION_AGE', T, async () => {
    const t = mintToken(KEY, { user_info: info, auth_time: now() - DEFAULT_MAX_SESSION_AGE - 60 }, now() - 5);
    const r = await me(`Bearer ${t}`);
    expectError(r, 401, 'token_expired');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('a token without auth_time whose timestamp is older than MAX_SESSION_AGE is refused', T, async () => {
    // (older than MAX_TOKEN_AGE too, so token_expired either way)
    const ts = now() - DEFAULT_MAX_SESSION_AGE - 60;
    expectError(await reauth(mintToken(KEY, { user_info: info }, ts)), 401, 'token_expired');
  });
});

describe('GET /api/me and WWW-Authenticate', () => {
  it('no Authorization header: 401 invalid_token, Bearer realm without error', T, async () => {
    const r = await me();
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r);
  });
  it('a Basic Authorization header is malformed credentials: realm without error', T, async () => {
    const r = await me(`Basic ${Buffer.from('a:b').toString('base64')}`);
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r);
  });
  it('"Bearer" without a token is malformed credentials: realm without error', T, async () => {
    const r = await me('Bearer');
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r);
  });
  it('a bad token: 401 invalid_token with error="invalid_token"', T, async () => {
    const r = await me('Bearer not.a.token');
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('a token signed with an unknown key: error="invalid_token"', T, async () => {
    const r = await me(`Bearer ${mintToken(randomSecret(), { user_info: USER, auth_time: now() }, now())}`);
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('an expired token: 401 token_expired with error="invalid_token"', T, async () => {
    const ts = now() - DEFAULT_MAX_TOKEN_AGE - 30;
    const r = await me(`Bearer ${mintToken(KEY, { user_info: USER, auth_time: ts }, ts)}`);
    expectError(r, 401, 'token_expired');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('a future token (> 60 s): 401 invalid_token', T, async () => {
    const r = await me(`Bearer ${mintToken(KEY, { user_info: USER, auth_time: now() }, now() + 300)}`);
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('a token signed with a fallback key is accepted', T, async () => {
    const r = await me(`Bearer ${mintToken(FALLBACK_2, { user_info: USER, auth_time: now() }, now())}`);
    expectOk(r);
    assert.deepEqual(r.body, { user_info: USER });
  });
  it('a Flask token is refused by /api/me', T, async () => {
    const r = await me(`Bearer ${mintFlaskToken(KEY, { user_info: USER }, now())}`);
    expectError(r, 401, 'invalid_token');
  });
});

describe('404 under /api/', () => {
  for (const p of ['/api/nope', '/api/me/extra', '/api/', '/api/ME']) {
    it(`GET ${p} is 404 not_found (JSON)`, T, async () => {
      expectError(await request(stack, 'GET', p), 404, 'not_found');
    });
  }
  it('POST /api/nope is 404 not_found too', T, async () => {
    expectError(await request(stack, 'POST', '/api/nope', { json: {} }), 404, 'not_found');
  });
});

describe('405 method_not_allowed with Allow', () => {
  const cases = [
    ['GET', '/login', 'POST'],
    ['PUT', '/login', 'POST'],
    ['GET', '/reauth', 'POST'],
    ['DELETE', '/reauth', 'POST'],
    ['POST', '/api/me', 'GET'],
    ['PUT', '/api/me', 'GET'],
    ['GET', '/auth/start', 'POST'],
    ['POST', '/auth/config', 'GET'],
  ];
  for (const [method, path, allowed] of cases) {
    it(`${method} ${path} is 405 with Allow: ${allowed}`, T, async () => {
      const r = await request(stack, method, path, method === 'GET' ? {} : { json: {} });
      expectError(r, 405, 'method_not_allowed');
      expectAllow(r, allowed, method);
    });
  }
});

describe('415 unsupported_media_type', () => {
  it('text/plain on /login', T, async () => {
    expectError(await request(stack, 'POST', '/login', { body: '{"authorizationCode":"x"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });
  it('no Content-Type on /reauth', T, async () => {
    const r = await request(stack, 'POST', '/reauth', { body: new Blob([JSON.stringify({ auth_token: token })]) });
    expectError(r, 415, 'unsupported_media_type');
  });
  it('form-encoded on /reauth', T, async () => {
    const r = await request(stack, 'POST', '/reauth', { body: 'auth_token=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(r, 415, 'unsupported_media_type');
  });
  it('text/plain on /auth/start', T, async () => {
    expectError(await request(stack, 'POST', '/auth/start', { body: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
  });
  it('application/json; charset=utf-8 is accepted (not 415)', T, async () => {
    const r = await request(stack, 'POST', '/reauth', { body: JSON.stringify({ auth_token: token }), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expectOk(r);
  });
});

describe('413 payload_too_large', () => {
  const big = (n) => JSON.stringify({ auth_token: 'x'.repeat(n) });
  it('a body over 16 KiB (with Content-Length) is 413', T, async () => {
    expectError(await request(stack, 'POST', '/reauth', { json: big(17 * 1024) }), 413, 'payload_too_large');
  });
  it('a body of exactly 16 KiB is not 413', T, async () => {
    const body = big(16 * 1024 - big(0).length);
    assert.equal(Buffer.byteLength(body), 16 * 1024);
    expectError(await request(stack, 'POST', '/reauth', { json: body }), 401, 'invalid_token');
  });
  it('a body of 16 KiB + 1 byte is 413', T, async () => {
    const body = big(16 * 1024 + 1 - big(0).length);
    expectError(await request(stack, 'POST', '/reauth', { json: body }), 413, 'payload_too_large');
  });
  it('/login and /auth/start refuse big bodies too', T, async () => {
    expectError(await request(stack, 'POST', '/login', { json: JSON.stringify({ authorizationCode: 'x'.repeat(20000) }) }), 413, 'payload_too_large');
    expectError(await request(stack, 'POST', '/auth/start', { json: JSON.stringify({ pad: 'x'.repeat(20000) }) }), 413, 'payload_too_large');
  });
  it('a chunked body over 16 KiB is 413, and the next request on the keep-alive connection works', T, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const chunk = Buffer.alloc(4096, 0x61);
      const r1 = await rawRequest(agent, {
        path: '/reauth',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        chunks: [Buffer.from('{"auth_token":"'), ...Array(16).fill(chunk), Buffer.from('"}')],
      });
      expectError(r1, 413, 'payload_too_large');
      const r2 = await rawRequest(agent, { method: 'GET', path: '/auth/config' });
      assert.equal(r2.status, 200, `the next request on the connection: ${r2.status} ${r2.text}`);
      if ((r1.headers.get('connection') ?? '').toLowerCase() !== 'close') {
        assert.equal(r2.reusedSocket, true, 'the connection was kept alive and reused');
      }
      const r3 = await rawRequest(agent, {
        path: '/reauth',
        headers: { 'content-type': 'application/json' },
        chunks: [Buffer.from(JSON.stringify({ auth_token: token }))],
      });
      expectOk(r3);
    } finally {
      agent.destroy();
    }
  });
  it('a 20 KiB Content-Length body is 413 and the next request on the same connection works', T, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.from(big(20 * 1024));
      const r1 = await rawRequest(agent, {
        path: '/login',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        chunks: [body],
      });
      expectError(r1, 413, 'payload_too_large');
      const r2 = await rawRequest(agent, {
        path: '/reauth',
        headers: { 'content-type': 'application/json' },
        chunks: [Buffer.from(JSON.stringify({ auth_token: token }))],
      });
      expectOk(r2);
    } finally {
      agent.destroy();
    }
  });
});

describe('the order of the checks', () => {
  it('405 beats 415: PUT /login with text/plain', T, async () => {
    const r = await request(stack, 'PUT', '/login', { body: 'x', headers: { 'content-type': 'text/plain' } });
    expectError(r, 405, 'method_not_allowed');
  });
  it('405 beats 413: PUT /reauth with a 20 KiB JSON body', T, async () => {
    expectError(await request(stack, 'PUT', '/reauth', { json: big20() }), 405, 'method_not_allowed');
  });
  it('415 beats 413: a 20 KiB text/plain body', T, async () => {
    const r = await request(stack, 'POST', '/reauth', { body: big20(), headers: { 'content-type': 'text/plain' } });
    expectError(r, 415, 'unsupported_media_type');
  });
  it('413 beats 400: 20 KiB of invalid JSON', T, async () => {
    expectError(await request(stack, 'POST', '/reauth', { json: 'x'.repeat(20 * 1024) }), 413, 'payload_too_large');
  });
  it('invalid_json beats invalid_state: /login with a non-object body and no cookie', T, async () => {
    expectError(await request(stack, 'POST', '/login', { json: '"code"' }), 400, 'invalid_json');
  });
  it('invalid_request beats invalid_state: provider github and no cookie', T, async () => {
    expectError(await request(stack, 'POST', '/login', { json: { authorizationCode: 'c', provider: 'github', state: 's' } }), 400, 'invalid_request');
  });
  it('invalid_state beats redirect_uri_not_allowed: a foreign redirectUri and no cookie', T, async () => {
    const r = await request(stack, 'POST', '/login', { json: { authorizationCode: 'c', redirectUri: 'https://evil.example/torii/redirect.html', state: 's' } });
    expectError(r, 400, 'invalid_state');
  });
});
function big20() {
  return JSON.stringify({ auth_token: 'y'.repeat(20 * 1024) });
}

describe('Cache-Control, Content-Type and security headers on API answers', () => {
  const probes = [
    ['GET /auth/config (200)', () => request(stack, 'GET', '/auth/config')],
    ['POST /auth/start (200)', () => request(stack, 'POST', '/auth/start', { json: {} })],
    ['POST /reauth (200)', () => reauth(token)],
    ['GET /api/me (200)', () => me(`Bearer ${token}`)],
    ['GET /api/me without credentials (401)', () => me()],
    ['POST /reauth invalid_token (401)', () => reauth('a.b.c')],
    ['POST /reauth token_expired (401)', () => reauth(mintToken(KEY, { user_info: USER, auth_time: 1 }, now() - DEFAULT_MAX_TOKEN_AGE - 60))],
    ['POST /reauth invalid_json (400)', () => request(stack, 'POST', '/reauth', { json: '[]' })],
    ['POST /reauth invalid_request (400)', () => request(stack, 'POST', '/reauth', { json: {} })],
    ['POST /login invalid_state (400)', () => request(stack, 'POST', '/login', { json: { authorizationCode: 'c', state: 's' } })],
    ['GET /api/nope (404)', () => request(stack, 'GET', '/api/nope')],
    ['GET /login (405)', () => request(stack, 'GET', '/login')],
    ['POST /login (413)', () => request(stack, 'POST', '/login', { json: big20() })],
    ['POST /login (415)', () => request(stack, 'POST', '/login', { body: 'x', headers: { 'content-type': 'text/plain' } })],
  ];
  for (const [name, probe] of probes) {
    it(`${name} is application/json; charset=utf-8 and Cache-Control: no-store`, T, async () => {
      expectApiHeaders(await probe());
    });
  }
  for (const [name, probe] of probes) {
    it(`${name} carries the security headers`, T, async () => {
      expectSecurityHeaders((await probe()).headers, name);
    });
  }
});

describe('static assets (Ember build)', () => {
  let index;
  before(async () => {
    index = await request(stack, 'GET', '/');
  });
  it('GET / answers the index page', T, async () => {
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(index.text, /<html/i);
  });
  it('an unknown path gets the SPA fallback (the index page, 200)', T, async () => {
    const r = await request(stack, 'GET', '/some/client/side/route');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(r.text, index.text);
  });
  it('/torii/redirect.html answers 200 itself, not a redirect', T, async () => {
    const r = await request(stack, 'GET', '/torii/redirect.html');
    assert.equal(r.status, 200, `status ${r.status} Location ${r.headers.get('location')}`);
    assert.equal(r.headers.get('location'), null);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.text, /<script/i);
    assert.notEqual(r.text, index.text, 'the redirect page itself, not the SPA index');
  });
  it('the index page carries the security headers', T, async () => {
    expectSecurityHeaders(index.headers, 'GET /');
  });
  it('the SPA fallback carries the security headers', T, async () => {
    expectSecurityHeaders((await request(stack, 'GET', '/deep/link')).headers, 'SPA fallback');
  });
  it('/torii/redirect.html carries the security headers, and its inline script hash is in script-src', T, async () => {
    const r = await request(stack, 'GET', '/torii/redirect.html');
    expectSecurityHeaders(r.headers, '/torii/redirect.html');
    const scriptSrc = parseCsp(r.headers.get('content-security-policy')).get('script-src') ?? [];
    const inline = [...r.text.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
    assert.ok(inline.length > 0, 'torii redirect page has an inline script');
    for (const code of inline) {
      const h = `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
      assert.ok(scriptSrc.includes(h), `script-src must allow ${h}: ${scriptSrc.join(' ')}`);
    }
  });
  it('a JS asset of the build carries the security headers', T, async () => {
    const src = /<script[^>]+src="([^"]+\.js)"/i.exec(index.text)?.[1];
    assert.ok(src, 'the index page references a script');
    const r = await request(stack, 'GET', new URL(src, stack.baseUrl).pathname);
    assert.equal(r.status, 200, `GET ${src}`);
    assert.match(r.headers.get('content-type') ?? '', /javascript/);
    expectSecurityHeaders(r.headers, src);
  });
});
