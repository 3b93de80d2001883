// The app's backend (CONTRACT.md "The app's backend" ⊕), end to end:
// `wrangler dev` forwarding /api/… to examples/flask-api, which verifies the
// Edge-Login-Assertion with PyJWT against the Worker's JWKS and counts what
// reached it. Runs with the session store and, in the stateless pass
// (EDGE_LOGIN_SESSIONS=off), without it: the stateless Worker forwards too,
// without `sid`.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { startStack, request, mintToken, randomSecret, now, COOKIE_NAME } from '../support/stack.mjs';
import { expectOk, expectError, expectSecurityHeaders, expectBearerChallenge } from '../support/expect.mjs';
import { bearer, logout, endAll, signedIn } from '../support/sessions.mjs';

const T = { timeout: 60_000 };
const KEY = randomSecret();
const WITH_STORE = process.env.EDGE_LOGIN_SESSIONS !== 'off';
const BOB = { sub: '2222222222', email: 'bob@example.com', name: 'Bob' };

let stack;
let ada;
before(async () => {
  stack = await startStack({ secrets: { SECRET_KEY: KEY }, backend: true });
  ada = await signedIn(stack);
});
after(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  await stack.api.forget();
});

const api = (method, path, token, opts = {}) =>
  request(stack, method, path, { ...opts, headers: { ...(token ? bearer(token) : {}), ...opts.headers } });
const received = async () => (await stack.api.received()).count;
const decode = (jws) => JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString());

describe('the app\'s backend behind the Worker', () => {
  it('/auth/config says backend: true', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.equal(r.body.backend, true);
  });

  it('the notes API: methods, bodies and status codes pass through', T, async () => {
    const added = await api('POST', '/api/notes', ada.token, { json: { text: 'milk' } });
    expectOk(added, 201);
    const id = added.body.note.id;
    const list = await api('GET', '/api/notes', ada.token);
    expectOk(list);
    assert.ok(list.body.notes.some((n) => n.id === id && n.text === 'milk'));
    assert.equal((await api('DELETE', `/api/notes/${id}`, ada.token)).status, 204);
    expectError(await api('DELETE', `/api/notes/${id}`, ada.token), 404, 'not_found');
    expectError(await api('POST', '/api/notes', ada.token, { json: { text: '' } }), 400, 'invalid_request');
    assert.equal(await received(), 5);
  });

  it('each user sees their own notes only', T, async () => {
    const bob = await signedIn(stack, { user: BOB });
    expectOk(await api('POST', '/api/notes', bob.token, { json: { text: 'bob only' } }), 201);
    const adas = await api('GET', '/api/notes', ada.token);
    assert.ok(!adas.body.notes.some((n) => n.text === 'bob only'));
  });

  it('the answer gets the security headers it lacks, and keeps its own', T, async () => {
    const list = await api('GET', '/api/notes', ada.token);
    expectSecurityHeaders(list.headers, 'a forwarded answer');
    const moved = await api('GET', '/api/redirect', ada.token);
    assert.equal(moved.status, 302, 'a redirect is passed back, not followed');
    assert.equal(moved.headers.get('location'), '/api/notes');
    assert.equal(moved.headers.get('content-security-policy'), "default-src 'none'");
    assert.match(moved.headers.get('strict-transport-security') ?? '', /max-age=/);
  });

  it('a 1 MiB binary body goes through byte for byte, both ways', T, async () => {
    const bytes = randomBytes(1 << 20);
    const r = await fetch(`${stack.baseUrl}/api/echo`, {
      method: 'POST',
      headers: { ...bearer(ada.token), 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(r.status, 200);
    const back = Buffer.from(await r.arrayBuffer());
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.equal(r.headers.get('x-body-sha256'), sha, 'the backend got every byte');
    assert.equal(back.length, bytes.length);
    assert.ok(back.equals(bytes), 'the answer came back byte for byte');
  });

  it('a non-JSON body goes through as sent (no 16 KiB limit, no JSON check)', T, async () => {
    const csv = 'id,text\n' + 'x'.repeat(40_000) + '\n';
    const r = await api('PUT', '/api/echo', ada.token, { body: csv, headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, csv);
    assert.equal(r.headers.get('content-type'), 'text/csv');
  });

  it('the assertion verifies with PyJWT and carries the contract\'s claims', T, async () => {
    const r = await api('GET', '/api/whoami?x=1', ada.token);
    expectOk(r);
    const { claims, assertion } = r.body;
    assert.equal(claims.sub, ada.userInfo.sub);
    assert.equal(claims.email, ada.userInfo.email);
    assert.equal(claims.iss, stack.baseUrl);
    assert.equal(claims.aud, stack.baseUrl);
    assert.equal(claims.exp - claims.iat, 60);
    assert.ok(Math.abs(claims.iat - now()) < 30);
    assert.match(claims.jti, /^[A-Za-z0-9_-]{22,}$/);
    assert.equal(typeof claims.auth_time, 'number');
    if (WITH_STORE) assert.equal(claims.sid, ada.sid);
    else assert.equal(claims.sid, undefined, 'the stateless Worker has no sid');
    const header = decode(assertion);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
    assert.equal(header.alg, 'ES256');
    const jwks = await request(stack, 'GET', '/.well-known/jwks.json');
    assert.equal(jwks.body.keys[0].kid, header.kid);
    const again = await api('GET', '/api/whoami', ada.token);
    assert.notEqual(again.body.claims.jti, claims.jti, 'a unique jti each time');
    const got = (await stack.api.received()).requests;
    assert.equal(got[0].path, '/api/whoami?x=1', 'path and query as sent');
  });

  it('headers: the token and a client\'s identity headers are dropped, the Worker\'s added', T, async () => {
    const r = await api('GET', '/api/whoami', ada.token, {
      headers: {
        'x-auth-request-user': 'admin',
        'x-auth-request-email': 'root@example.com',
        'edge-login-assertion': 'forged',
        'x-forwarded-host': 'evil.example',
        cookie: `${COOKIE_NAME}=signin-state; theme=dark`,
        'x-app': 'kept',
      },
    });
    expectOk(r);
    const h = r.body.headers;
    assert.equal(h.authorization, undefined);
    assert.equal(h['x-auth-request-user'], ada.userInfo.sub);
    assert.equal(h['x-auth-request-email'], ada.userInfo.email);
    assert.notEqual(h['edge-login-assertion'], 'forged');
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${stack.port}`);
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.ok(h['x-forwarded-for'], 'the client\'s address');
    assert.equal(h.cookie, 'theme=dark');
    assert.equal(h['x-app'], 'kept');
  });

  it('a refused request never reaches the backend', T, async () => {
    const expired = mintToken(KEY, { user_info: ada.userInfo, auth_time: now() - 800_000 }, now() - 700_000);
    const forged = mintToken(randomSecret(), { user_info: ada.userInfo, sid: ada.sid });
    const cases = [
      [undefined, 'invalid_token'],
      ['garbage', 'invalid_token'],
      [expired, 'token_expired'],
      [forged, 'invalid_token'],
    ];
    for (const [token, code] of cases) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const r = await api(method, '/api/notes', token, method === 'POST' ? { json: { text: 'x' } } : {});
        expectError(r, 401, code);
        expectBearerChallenge(r, token ? { error: 'invalid_token' } : {});
      }
    }
    expectError(await request(stack, 'GET', '/auth/check'), 401, 'invalid_token');
    assert.equal(await received(), 0, 'the backend saw a refused request');
  });

  it('the Worker\'s own /api/me is not forwarded, nor a wrong method on it', T, async () => {
    expectOk(await api('GET', '/api/me', ada.token));
    assert.equal((await api('POST', '/api/me', ada.token)).status, 405);
    assert.equal(await received(), 0);
  });

  it('GET /auth/check: 204 with the identity and an assertion PyJWT verifies', T, async () => {
    const r = await api('GET', '/auth/check', ada.token);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('x-auth-request-user'), ada.userInfo.sub);
    assert.equal(r.headers.get('x-auth-request-email'), ada.userInfo.email);
    const checked = await stack.api.verify(r.headers.get('edge-login-assertion'));
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    assert.equal(checked.body.claims.sub, ada.userInfo.sub);
    assert.equal(await received(), 0, '/auth/check forwards nothing');
  });

  it('GET /.well-known/jwks.json: the public key, cacheable for 5 minutes', T, async () => {
    const r = await request(stack, 'GET', '/.well-known/jwks.json');
    expectOk(r);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(r.body.keys.length, 1);
    const [k] = r.body.keys;
    assert.deepEqual(Object.keys(k).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.equal(k.kty, 'EC');
    assert.equal(k.crv, 'P-256');
    assert.equal(k.alg, 'ES256');
    assert.equal(k.use, 'sig');
    assert.equal(k.d, undefined, 'never the private key');
    const thumbprint = createHash('sha256')
      .update(JSON.stringify({ crv: k.crv, kty: k.kty, x: k.x, y: k.y }))
      .digest('base64url');
    assert.equal(k.kid, thumbprint, 'kid is the RFC 7638 thumbprint');
  });
});

// Only with a store can a session end before its token expires.
if (WITH_STORE) describe('ending a session cuts the backend off', () => {
  it('after /logout the very next forwarded request is 401 session_ended, and the backend saw nothing', T, async () => {
    const s = await signedIn(stack);
    expectOk(await api('GET', '/api/notes', s.token));
    await stack.api.forget();
    expectOk(await logout(stack, s.token));
    const r = await api('GET', '/api/notes', s.token);
    expectError(r, 401, 'session_ended');
    expectBearerChallenge(r, { error: 'invalid_token' });
    expectError(await api('GET', '/auth/check', s.token), 401, 'session_ended');
    assert.equal(await received(), 0);
  });

  it('after "sign out everywhere" from another session, the very next forwarded request is refused', T, async () => {
    const laptop = await signedIn(stack, { user: BOB, userAgent: 'laptop' });
    const phone = await signedIn(stack, { user: BOB, userAgent: 'phone' });
    expectOk(await api('GET', '/api/notes', laptop.token));
    await stack.api.forget();
    const ended = await endAll(stack, phone.token);
    expectOk(ended);
    assert.ok(ended.body.sessions_ended >= 2);
    expectError(await api('POST', '/api/notes', laptop.token, { json: { text: 'late' } }), 401, 'session_ended');
    expectError(await api('GET', '/api/notes', phone.token), 401, 'session_ended');
    assert.equal(await received(), 0);
  });

  it('a token minted with the right key but no session in the store never reaches the backend', T, async () => {
    const minted = mintToken(KEY, { user_info: ada.userInfo, auth_time: now() });
    expectError(await api('GET', '/api/notes', minted), 401, 'session_ended');
    assert.equal(await received(), 0);
  });
});
