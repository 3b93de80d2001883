// The hardening rules (CONTRACT.md ◊) on bindings: a SECRET_KEY shorter than
// 32 bytes of UTF-8, and GOOGLE_*_URL with http:// on a host that is not
// loopback, are 500 server_misconfigured naming the binding; http:// on
// localhost, 127.0.0.0/8 and [::1] (as the URL parser normalizes them) and
// https:// anywhere are fine.
//
// Every "wrong" URL below still points at a stand-in on this machine (0.0.0.0,
// [::] and [::ffff:127.0.0.1] all reach a listener on "::"), so a Worker that
// broke the rule would sign in through it instead of going off the machine,
// and the stand-in's records show whether the Worker called it at all.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startStack, request, signIn, startSignIn, authorize, postLogin, mintToken, randomSecret, now, PROVIDER } from '../support/stack.mjs';
import { startMockGoogle } from '../mock-oidc/server.mjs';
import { expectOk, expectError } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const USER = { sub: '1', email: 'a@example.com' };
const SHORT_KEY = randomBytes(31).toString('base64url').slice(0, 31); // 31 bytes
const LONG_FALLBACK = randomSecret();

const stacks = {};
const mocks = [];

/** A stand-in listening on every address of both families, its URLs naming `urlHost`. */
async function dualStackMock(urlHost = '127.0.0.1') {
  const m = await startMockGoogle({ host: '::', urlHost });
  mocks.push(m);
  return m;
}

before(async () => {
  const [mAuth, mToken, mUserinfo, mLocal, mSpelled, mHttps] = await Promise.all([
    dualStackMock(), dualStackMock(), dualStackMock(), dualStackMock('localhost'), dualStackMock('localhost'), dualStackMock(),
  ]);
  const entries = await Promise.all([
    ['shortKey', { secrets: { SECRET_KEY: SHORT_KEY, SECRET_KEY_FALLBACKS: LONG_FALLBACK } }],
    ['httpAuth', { mock: mAuth, vars: { GOOGLE_AUTH_URL: `http://[::]:${mAuth.port}/authorize`, GOOGLE_ISSUER: mAuth.issuer } }],
    ['httpToken', { mock: mToken, vars: { GOOGLE_TOKEN_URL: `http://0.0.0.0:${mToken.port}/token` } }],
    ['httpUserinfo', { mock: mUserinfo, vars: { GOOGLE_USERINFO_URL: `http://[::ffff:127.0.0.1]:${mUserinfo.port}/userinfo` } }],
    ['loopback', {
      mock: mLocal,
      vars: {
        GOOGLE_AUTH_URL: `http://localhost:${mLocal.port}/authorize`,
        GOOGLE_TOKEN_URL: `http://127.45.6.7:${mLocal.port}/token`,
        GOOGLE_USERINFO_URL: `http://[::1]:${mLocal.port}/userinfo`,
      },
    }],
    ['spelled', {
      mock: mSpelled,
      vars: {
        GOOGLE_AUTH_URL: `http://LocalHost:${mSpelled.port}/authorize`,
        GOOGLE_ISSUER: mSpelled.issuer,
        GOOGLE_TOKEN_URL: `http://0x7f.1:${mSpelled.port}/token`,
        GOOGLE_USERINFO_URL: `http://[0:0:0:0:0:0:0:1]:${mSpelled.port}/userinfo`,
      },
    }],
    ['https', {
      mock: mHttps,
      vars: {
        GOOGLE_AUTH_URL: 'https://0.0.0.0:1/authorize',
        GOOGLE_ISSUER: mHttps.issuer,
        GOOGLE_TOKEN_URL: 'https://0.0.0.0:1/token',
      },
    }],
  ].map(async ([name, o]) => [name, await startStack(o)]));
  Object.assign(stacks, Object.fromEntries(entries));
});
after(async () => {
  await Promise.all(Object.values(stacks).map((s) => s.stop()));
  await Promise.all(mocks.map((m) => m.stop()));
});

function expectNames(r, binding, ...values) {
  expectError(r, 500, 'server_misconfigured');
  assert.ok(r.body.message.includes(binding), `the message names ${binding}: ${r.body.message}`);
  for (const v of values) assert.ok(!r.text.includes(v), 'the answer must not carry a binding value');
}

/** The whole sign-in, with the cookie, as far as the stack lets it go. */
async function fullLogin(stack) {
  const start = await startSignIn(stack);
  assert.equal(start.status, 200, start.text);
  // The user's trip to the stand-in, on its own address (whatever the Worker was given).
  const auth = await authorize(stack, { state: start.state, codeChallenge: start.codeChallenge });
  assert.ok(auth.code, `the stand-in gave a code (${auth.status} ${auth.location})`);
  const body = { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state };
  return { r: await postLogin(stack, body, { cookie: start.cookie }), code: auth.code };
}

describe('◊ SECRET_KEY shorter than 32 bytes of UTF-8', () => {
  const s = () => stacks.shortKey;
  it('the key is 31 bytes', () => assert.equal(Buffer.byteLength(SHORT_KEY), 31));
  it('/auth/start is 500 naming SECRET_KEY, not its value', T, async () => {
    expectNames(await request(s(), 'POST', '/auth/start', { json: {} }), 'SECRET_KEY', SHORT_KEY);
  });
  it('/login is 500 naming SECRET_KEY', T, async () => {
    expectNames(await request(s(), 'POST', '/login', { json: { authorizationCode: 'c', state: 's' } }), 'SECRET_KEY', SHORT_KEY);
  });
  it('/reauth with a token signed by that key is 500 naming SECRET_KEY', T, async () => {
    const t = mintToken(SHORT_KEY, { user_info: USER, auth_time: now() }, now());
    expectNames(await request(s(), 'POST', '/reauth', { json: { auth_token: t } }), 'SECRET_KEY', SHORT_KEY);
  });
  it('/reauth with a token signed by the (long) fallback is 500 naming SECRET_KEY: a fallback does not stand in for it', T, async () => {
    const t = mintToken(LONG_FALLBACK, { user_info: USER, auth_time: now() }, now());
    expectNames(await request(s(), 'POST', '/reauth', { json: { auth_token: t } }), 'SECRET_KEY', SHORT_KEY, LONG_FALLBACK);
  });
  it('/api/me is 500 naming SECRET_KEY', T, async () => {
    const t = mintToken(SHORT_KEY, { user_info: USER, auth_time: now() }, now());
    expectNames(await request(s(), 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } }), 'SECRET_KEY', SHORT_KEY);
  });
  it('/auth/config does not need it (200)', T, async () => {
    expectOk(await request(s(), 'GET', '/auth/config'));
  });
  it('the Worker logged it and did not panic, and no log line carries the key', T, async () => {
    assert.ok(await s().waitForLog('SECRET_KEY', 3000), 'the log names SECRET_KEY');
    assert.ok(!/panicked|RuntimeError: unreachable/i.test(s().logs()), 'no panic in the log');
    assert.ok(!s().logs().includes(SHORT_KEY), 'the key is not in the log');
  });
});

describe('◊ GOOGLE_*_URL: http:// only on loopback', () => {
  it('GOOGLE_AUTH_URL http://[::]:port: /auth/config is 500 naming GOOGLE_AUTH_URL', T, async () => {
    const r = await request(stacks.httpAuth, 'GET', '/auth/config');
    expectNames(r, 'GOOGLE_AUTH_URL');
    assert.ok(!r.text.includes('[::]'), 'not the value either');
  });
  it('GOOGLE_TOKEN_URL http://0.0.0.0:port: /login is 500 naming GOOGLE_TOKEN_URL, and Google was not called', T, async () => {
    const stack = stacks.httpToken;
    const { r } = await fullLogin(stack);
    expectNames(r, 'GOOGLE_TOKEN_URL', stack.mock.clientSecret);
    assert.equal(stack.mock.seen.length, 0, 'no token request reached the stand-in');
  });
  it('GOOGLE_TOKEN_URL http://0.0.0.0:port: /auth/config and /auth/start still work', T, async () => {
    expectOk(await request(stacks.httpToken, 'GET', '/auth/config'));
    expectOk(await request(stacks.httpToken, 'POST', '/auth/start', { json: {} }));
  });
  it('GOOGLE_USERINFO_URL http://[::ffff:127.0.0.1]:port: /login is 500 naming GOOGLE_USERINFO_URL before the code is spent', T, async () => {
    const stack = stacks.httpUserinfo;
    const { r } = await fullLogin(stack);
    expectNames(r, 'GOOGLE_USERINFO_URL', stack.mock.clientSecret);
    assert.equal(stack.mock.seen.length, 0, 'no token request reached the stand-in');
    assert.equal(stack.mock.seenUserinfo.length, 0, 'no userinfo request reached the stand-in');
  });
  it('http://localhost, http://127.45.6.7 and http://[::1] sign in, each endpoint called on its own host', T, async () => {
    const stack = stacks.loopback;
    const cfg = await request(stack, 'GET', '/auth/config');
    expectOk(cfg);
    assert.equal(cfg.body.authorization_endpoint, `http://localhost:${stack.mock.port}/authorize`);
    const { r, code } = await fullLogin(stack);
    expectOk(r);
    assert.equal(r.body.user_info.email, 'ada@example.com');
    assert.equal(stack.mock.tokenRequestFor(code).localAddress, '::ffff:127.45.6.7', 'the token endpoint was called on 127.45.6.7');
    assert.equal(stack.mock.seenUserinfo.at(-1).localAddress, '::1', 'the userinfo endpoint was called on [::1]');
  });
  it('http://LocalHost, http://0x7f.1 and http://[0:0:0:0:0:0:0:1] (loopback once normalized) sign in', T, async () => {
    const stack = stacks.spelled;
    expectOk(await request(stack, 'GET', '/auth/config'));
    const { r, code } = await fullLogin(stack);
    expectOk(r);
    assert.equal(stack.mock.tokenRequestFor(code).localAddress, '::ffff:127.0.0.1');
    assert.equal(stack.mock.seenUserinfo.at(-1).localAddress, '::1');
  });
  it('https:// on a host that is not loopback is accepted: /auth/config answers it, /login tries it (502, not 500)', T, async () => {
    const stack = stacks.https;
    const cfg = await request(stack, 'GET', '/auth/config');
    expectOk(cfg);
    assert.equal(cfg.body.authorization_endpoint, 'https://0.0.0.0:1/authorize');
    const { r } = await fullLogin(stack);
    expectError(r, 502, 'upstream_error');
  });
});
