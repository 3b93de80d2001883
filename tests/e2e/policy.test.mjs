// Account policy (ALLOWED_EMAIL_DOMAINS / ALLOWED_EMAILS / hd / email_verified),
// rate limiting (LOGIN_LIMITER, 429 + Retry-After, keyed by CF-Connecting-IP),
// and the Flask migration (ACCEPT_FLASK_TOKENS=true), on one stack.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startStack, request, signIn, mintFlaskToken, mintToken, decodeToken, signRaw, randomSecret, now,
} from '../support/stack.mjs';
import { expectOk, expectError, expectApiHeaders, expectSecurityHeaders } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const KEY = randomSecret();
const FALLBACK = randomSecret();
const LIMIT = 5;

let stack;
let mock;
let ipCounter = 10;
const freshIp = () => `198.51.100.${ipCounter++}`;

before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY, SECRET_KEY_FALLBACKS: FALLBACK },
    vars: {
      ACCEPT_FLASK_TOKENS: 'true',
      ALLOWED_EMAIL_DOMAINS: ' corp.example , ,Partner.Example ',
      ALLOWED_EMAILS: 'Grace@Example.ORG, ',
    },
    rateLimit: { limit: LIMIT, period: 60 },
  });
  mock = stack.mock;
});
after(async () => {
  await stack?.stop();
});
afterEach(() => mock.reset());

// Each sign-in from its own client IP, so that the limiter stays out of the way.
const login = (opts = {}) => signIn(stack, { ...opts, headers: { 'CF-Connecting-IP': freshIp(), ...opts.headers } });

function user(email, extra = {}) {
  mock.setUser({ email, sub: `sub-${email}`, hd: undefined, ...extra });
}

describe('403 access_denied: ALLOWED_EMAIL_DOMAINS and ALLOWED_EMAILS', () => {
  it('an email outside both lists is refused', T, async () => {
    expectError(await login(), 403, 'access_denied'); // ada@example.com
  });
  it('an email whose domain is listed is allowed', T, async () => {
    user('bob@corp.example');
    expectOk(await login());
  });
  it('domains compare case-insensitively (Partner.Example vs carol@partner.example)', T, async () => {
    user('carol@partner.example');
    expectOk(await login());
  });
  it('an email with an upper-case domain is allowed (DAVE@PARTNER.EXAMPLE)', T, async () => {
    user('DAVE@PARTNER.EXAMPLE');
    expectOk(await login());
  });
  it('an email listed in ALLOWED_EMAILS is allowed, compared case-insensitively', T, async () => {
    user('grace@example.org');
    expectOk(await login());
  });
  it('another address on a listed address\'s domain is refused', T, async () => {
    user('notgrace@example.org');
    expectError(await login(), 403, 'access_denied');
  });
  it('the hd claim of the id_token alone makes a Workspace account allowed', T, async () => {
    user('erin@mail.corp-hosted.test');
    mock.setIdTokenClaims({ hd: 'corp.example' });
    expectOk(await login());
  });
  it('a different hd (and email domain) is refused', T, async () => {
    user('eve@evil.test', { hd: 'evil.test' });
    expectError(await login(), 403, 'access_denied');
  });
  it('hd only in the userinfo answer (not in the id_token) does not count', T, async () => {
    user('frank@other.test', { hd: 'corp.example' });
    mock.setIdTokenClaims({ hd: undefined });
    expectError(await login(), 403, 'access_denied');
  });
  it('a subdomain of a listed domain is not the listed domain', T, async () => {
    user('mallory@sub.corp.example');
    expectError(await login(), 403, 'access_denied');
  });
  it('a look-alike domain ending in a listed one is refused', T, async () => {
    user('mallory@evilcorp.example');
    expectError(await login(), 403, 'access_denied');
  });
  it('the 403 answer is application/json; charset=utf-8 and no-store', T, async () => {
    const r = await login();
    assert.equal(r.status, 403);
    expectApiHeaders(r);
  });
  it('email_verified false is refused even for a listed email', T, async () => {
    user('grace@example.org', { email_verified: false });
    mock.setIdTokenClaims({ email_verified: false });
    expectError(await login(), 403, 'access_denied');
  });
});

describe('429 rate_limited (LOGIN_LIMITER, keyed by CF-Connecting-IP)', () => {
  const ip = '203.0.113.77';
  const start = (h = {}) => request(stack, 'POST', '/auth/start', { json: {}, headers: { 'CF-Connecting-IP': ip, ...h } });
  it(`/auth/start is limited to ${LIMIT} per period per IP, then 429 with Retry-After`, T, async () => {
    for (let i = 0; i < LIMIT; i++) expectOk(await start());
    const r = await start();
    expectError(r, 429, 'rate_limited');
    const ra = r.headers.get('retry-after');
    assert.match(ra ?? '', /^\d+$/, `Retry-After in seconds: ${ra}`);
    assert.ok(Number(ra) > 0 && Number(ra) <= 60, `Retry-After within the period: ${ra}`);
  });
  it('/login from the same IP is limited too', T, async () => {
    const r = await request(stack, 'POST', '/login', { json: { authorizationCode: 'c', state: 's' }, headers: { 'CF-Connecting-IP': ip } });
    expectError(r, 429, 'rate_limited');
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
  });
  it('the 429 answer is application/json; charset=utf-8, no-store, with the security headers', T, async () => {
    const r = await start();
    assert.equal(r.status, 429);
    expectApiHeaders(r);
    expectSecurityHeaders(r.headers, '429');
  });
  it('another IP is not limited', T, async () => {
    expectOk(await start({ 'CF-Connecting-IP': '203.0.113.78' }));
  });
  it('405 beats 429: GET /login from the limited IP', T, async () => {
    expectError(await request(stack, 'GET', '/login', { headers: { 'CF-Connecting-IP': ip } }), 405, 'method_not_allowed');
  });
  it('429 beats 415: text/plain /login from the limited IP', T, async () => {
    const r = await request(stack, 'POST', '/login', { body: 'x', headers: { 'CF-Connecting-IP': ip, 'content-type': 'text/plain' } });
    expectError(r, 429, 'rate_limited');
  });
  it('/reauth, /api/me and /auth/config are not limited', T, async () => {
    expectError(await request(stack, 'POST', '/reauth', { json: { auth_token: 'x.y.z' }, headers: { 'CF-Connecting-IP': ip } }), 401, 'invalid_token');
    expectError(await request(stack, 'GET', '/api/me', { headers: { 'CF-Connecting-IP': ip } }), 401, 'invalid_token');
    expectOk(await request(stack, 'GET', '/auth/config', { headers: { 'CF-Connecting-IP': ip } }));
  });
});

describe('ACCEPT_FLASK_TOKENS=true', () => {
  // On the allow-lists: they apply to every token too.
  const info = { sub: '5', email: 'flask@corp.example', name: 'Old Session' };
  const reauth = (t) => request(stack, 'POST', '/reauth', { json: { auth_token: t } });
  it('/reauth accepts a Python TimedSerializer(SECRET_KEY) token and answers a new-format token', T, async () => {
    const ts = now() - 3600;
    const flask = mintFlaskToken(KEY, { user_info: info }, ts);
    assert.ok(flask.startsWith('{'), 'a classic token: raw JSON payload');
    const r = await reauth(flask);
    expectOk(r);
    assert.deepEqual(r.body.user_info, info);
    const t = r.body.auth_token;
    assert.notEqual(t, flask);
    const d = decodeToken(t);
    assert.equal(d.payload.auth_time, ts, "auth_time is the old token's timestamp");
    assert.deepEqual(d.payload.user_info, info);
    const seg = t.split('.').slice(0, -2).join('.');
    assert.equal(signRaw(KEY, seg, d.timestamp), t, 'the new token is URLSafeTimedSerializer/SHA-256 with SECRET_KEY');
    expectOk(await request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } }));
  });
  it('/reauth accepts a Flask token signed with a fallback key', T, async () => {
    const r = await reauth(mintFlaskToken(FALLBACK, { user_info: info }, now() - 60));
    expectOk(r);
    assert.deepEqual(r.body.user_info, info);
  });
  it('/reauth refuses a Flask token signed with an unknown key', T, async () => {
    expectError(await reauth(mintFlaskToken(randomSecret(), { user_info: info }, now() - 60)), 401, 'invalid_token');
  });
  it('/reauth refuses a tampered Flask token', T, async () => {
    const flask = mintFlaskToken(KEY, { user_info: info }, now() - 60);
    expectError(await reauth(flask.replace('Old Session', 'New Session')), 401, 'invalid_token');
  });
  it('/reauth refuses a Flask token older than MAX_TOKEN_AGE with token_expired', T, async () => {
    expectError(await reauth(mintFlaskToken(KEY, { user_info: info }, now() - 604800 - 60)), 401, 'token_expired');
  });
  it('/api/me does not accept Flask tokens (only /reauth does)', T, async () => {
    const r = await request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${mintFlaskToken(KEY, { user_info: info }, now())}` } });
    expectError(r, 401, 'invalid_token');
  });
  it('new-format tokens still work alongside', T, async () => {
    expectOk(await reauth(mintToken(KEY, { user_info: info, auth_time: now() }, now())));
  });
});
