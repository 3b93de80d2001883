// The sign-in: /auth/start (state + PKCE cookie), /login against the Google
// stand-in, redirect URI policy, and every upstream failure it maps.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startStack, request, signIn, startSignIn, authorize, postLogin, decodeToken, mintToken, signRaw, randomSecret, s256, now,
  COOKIE_NAME, PROVIDER,
} from '../support/stack.mjs';
import { expectOk, expectError, expectApiHeaders } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const KEY = randomSecret();
const EXTRA_REDIRECT = 'https://app.example.test/torii/redirect.html';
const OTHER_ALLOWED = 'http://127.0.0.1:1/torii/redirect.html';
const SIGNIN_SALT = 'edge-login.signin'; // the Worker's salt for the sign-in cookie (src/config.rs), not part of the contract

let stack;
let mock;
const issuedTokens = [];
const usedCodes = [];

before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY },
    vars: { ALLOWED_REDIRECT_URIS: ` ${EXTRA_REDIRECT} , , ${OTHER_ALLOWED}` },
  });
  mock = stack.mock;
});
after(async () => {
  await stack?.stop();
});
afterEach(() => mock.reset());

async function login(opts) {
  const r = await signIn(stack, opts);
  if (r.token) issuedTokens.push(r.token);
  if (r.code) usedCodes.push(r.code);
  return r;
}

describe('POST /auth/start', () => {
  it('answers state, an S256 code_challenge, and sets the sign-in cookie', T, async () => {
    const r = await startSignIn(stack);
    expectOk(r);
    assert.deepEqual(Object.keys(r.body).sort(), ['code_challenge', 'code_challenge_method', 'state']);
    assert.equal(r.body.code_challenge_method, 'S256');
    assert.match(r.body.state, /^\S{16,}$/, 'a random state');
    assert.match(r.body.code_challenge, /^[A-Za-z0-9_-]{43}$/, 'base64url SHA-256');
    assert.ok(r.cookie, `Set-Cookie ${COOKIE_NAME}`);
    const attrs = r.setCookie.split(';').slice(1).map((s) => s.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'), r.setCookie);
    assert.ok(attrs.includes('secure'), r.setCookie);
    assert.ok(attrs.includes('samesite=lax'), r.setCookie);
    assert.ok(attrs.includes('path=/'), r.setCookie);
    assert.ok(!attrs.some((a) => a.startsWith('domain=')), '__Host- cookies carry no Domain');
    const maxAge = attrs.find((a) => a.startsWith('max-age='));
    assert.ok(maxAge && Number(maxAge.slice(8)) > 0 && Number(maxAge.slice(8)) <= 600, `short-lived (10 min): ${r.setCookie}`);
  });
  it('two starts give different states and challenges', T, async () => {
    const a = await startSignIn(stack);
    const b = await startSignIn(stack);
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.codeChallenge, b.codeChallenge);
    assert.notEqual(a.cookie, b.cookie);
  });
  it('accepts an empty body with Content-Type application/json', T, async () => {
    const r = await request(stack, 'POST', '/auth/start', { json: '' });
    expectOk(r);
    assert.equal(r.body.code_challenge_method, 'S256');
  });
  it('accepts (and ignores) a JSON object body', T, async () => {
    expectOk(await request(stack, 'POST', '/auth/start', { json: { anything: [1, 2] } }));
  });
});

describe('POST /login: the full sign-in', () => {
  it('signs in and clears the sign-in cookie', T, async () => {
    const r = await login();
    expectOk(r);
    assert.equal(typeof r.body.auth_token, 'string');
    assert.deepEqual(Object.keys(r.body).sort(), ['auth_token', 'user_info']);
    const cleared = r.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`));
    assert.ok(cleared, 'the answer clears the sign-in cookie');
    assert.ok(/max-age=0/i.test(cleared) || /expires=Thu, 01 Jan 1970/i.test(cleared) || cleared.startsWith(`${COOKIE_NAME}=;`), cleared);
  });
  it('the stand-in saw a code_verifier whose S256 matches the challenge of /auth/start (PKCE)', T, async () => {
    const r = await login();
    expectOk(r);
    const seen = mock.tokenRequestFor(r.code);
    assert.ok(seen, 'a token request for the code');
    assert.equal(typeof seen.params.code_verifier, 'string', 'the Worker sent a code_verifier');
    assert.equal(s256(seen.params.code_verifier), r.start.codeChallenge);
    assert.equal(seen.pkceVerified, true);
  });
  it('the code exchange is form-encoded, authorization_code, with the client credentials and the redirect URI', T, async () => {
    const r = await login();
    expectOk(r);
    const seen = mock.tokenRequestFor(r.code);
    assert.match(seen.contentType ?? '', /^application\/x-www-form-urlencoded/);
    assert.equal(seen.params.grant_type, 'authorization_code');
    assert.equal(seen.params.redirect_uri, `${stack.baseUrl}/torii/redirect.html`);
    const id = seen.basic?.id ?? seen.params.client_id;
    const secret = seen.basic?.secret ?? seen.params.client_secret;
    assert.equal(id, mock.clientId);
    assert.equal(secret, mock.clientSecret);
  });
  it('the userinfo was fetched with the access token the stand-in issued', T, async () => {
    mock.clearSeen();
    expectOk(await login());
    assert.equal(mock.seenUserinfo.length, 1);
    assert.match(mock.seenUserinfo[0].authorization, /^Bearer \S+$/);
    assert.equal(mock.seenUserinfo[0].status, 200);
  });
  it('without redirectUri and provider (both optional) it signs in with the default redirect URI', T, async () => {
    expectOk(await login({ body: { redirectUri: undefined, provider: undefined } }));
  });
  it('redirectUri null and provider null count as absent', T, async () => {
    expectOk(await login({ body: { redirectUri: null, provider: null } }));
  });
  it('a redirect URI listed in ALLOWED_REDIRECT_URIS is sent to Google', T, async () => {
    const r = await login({ redirectUri: EXTRA_REDIRECT });
    expectOk(r);
    assert.equal(mock.tokenRequestFor(r.code).params.redirect_uri, EXTRA_REDIRECT);
  });
  it('the user_info of another user is what the stand-in answers', T, async () => {
    mock.setUser({ sub: '99', email: 'grace@example.org', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper', hd: 'example.org' });
    const r = await login();
    expectOk(r);
    assert.deepEqual(r.body.user_info, {
      sub: '99', name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper', picture: mock.pictureUrl,
      email: 'grace@example.org', email_verified: true, hd: 'example.org',
    });
    assert.deepEqual(decodeToken(r.token).payload.user_info, r.body.user_info);
  });
  it('the new token works on /reauth and /api/me', T, async () => {
    const r = await login();
    expectOk(r);
    expectOk(await request(stack, 'POST', '/reauth', { json: { auth_token: r.token } }));
    expectOk(await request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${r.token}` } }));
  });
});

describe('400 invalid_state', () => {
  it('no sign-in cookie', T, async () => {
    expectError(await login({ cookie: null }), 400, 'invalid_state');
  });
  it("another browser's cookie", T, async () => {
    const other = await startSignIn(stack);
    expectError(await login({ cookie: other.cookie }), 400, 'invalid_state');
  });
  it('a state that differs from the cookie', T, async () => {
    expectError(await login({ state: 'not-the-state-of-this-browser' }), 400, 'invalid_state');
  });
  it('a state that is missing from the body', T, async () => {
    expectError(await login({ state: undefined, body: { state: undefined } }), 400, 'invalid_state');
  });
  it('a state that is not a string', T, async () => {
    expectError(await login({ body: { state: 12345 } }), 400, 'invalid_state');
  });
  it('a sign-in cookie with a forged signature', T, async () => {
    const start = await startSignIn(stack);
    const forged = start.cookie.slice(0, -3) + (start.cookie.endsWith('AAA') ? 'BBB' : 'AAA');
    expectError(await login({ cookie: forged }), 400, 'invalid_state');
  });
  it('an expired sign-in cookie (older than 10 minutes)', T, async () => {
    // Mint the cookie as the Worker does, after checking that we do it the same way.
    const start = await startSignIn(stack);
    const value = start.cookie.slice(COOKIE_NAME.length + 1);
    const { payload, timestamp } = decodeToken(value);
    const seg = value.split('.').slice(0, -2).join('.');
    assert.equal(signRaw(KEY, seg, timestamp, { salt: SIGNIN_SALT }), value,
      'assumption: the cookie is an itsdangerous token (salt edge-login.signin, SECRET_KEY)');
    const auth = await authorize(stack, { state: payload.state, codeChallenge: start.codeChallenge });
    const expired = mintToken(KEY, payload, now() - 11 * 60, { salt: SIGNIN_SALT, compress: false });
    const r = await postLogin(stack, { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: payload.state }, { cookie: `${COOKIE_NAME}=${expired}` });
    expectError(r, 400, 'invalid_state');
    assert.equal(mock.tokenRequestFor(auth.code), undefined, 'Google was not asked');
  });
  it('a replay of the same cookie and state after a successful sign-in', T, async () => {
    const first = await login();
    expectOk(first);
    const again = await authorize(stack, { state: first.state, codeChallenge: first.start.codeChallenge });
    const r = await postLogin(stack, { ...first.loginBody, authorizationCode: again.code }, { cookie: first.cookie });
    expectError(r, 400, 'invalid_state');
    assert.equal(mock.tokenRequestFor(again.code), undefined, 'Google was not asked');
  });
});

describe('400 redirect_uri_not_allowed', () => {
  it('a redirectUri on another origin (policy)', T, async () => {
    const r = await login({ redirectUri: 'https://evil.example/torii/redirect.html' });
    expectError(r, 400, 'redirect_uri_not_allowed');
    assert.equal(mock.tokenRequestFor(r.code), undefined, 'Google was not asked');
  });
  it('a redirectUri on the right origin but another path', T, async () => {
    expectError(await login({ redirectUri: `${stack.baseUrl}/torii/redirect.html.evil` }), 400, 'redirect_uri_not_allowed');
  });
  it('a redirectUri with localhost instead of the request origin 127.0.0.1', T, async () => {
    expectError(await login({ redirectUri: `http://localhost:${stack.port}/torii/redirect.html` }), 400, 'redirect_uri_not_allowed');
  });
  it('an allow-listed URI only matches exactly (no prefix match)', T, async () => {
    expectError(await login({ redirectUri: `${EXTRA_REDIRECT}?x=1` }), 400, 'redirect_uri_not_allowed');
  });
  it("Google's redirect_uri_mismatch (the code was issued for another URI) says to register the URI", T, async () => {
    // The code comes back to the Worker's own page; /login claims an allowed, different URI.
    const r = await login({ redirectUri: OTHER_ALLOWED, authorizeRedirectUri: stack.redirectUri });
    expectError(r, 400, 'redirect_uri_not_allowed');
    assert.equal(mock.tokenRequestFor(r.code).error, 'redirect_uri_mismatch', 'the stand-in refused it');
    assert.match(r.body.message, /console/i, 'the message says to register the URI in the Google console');
  });
});

describe('401 invalid_grant', () => {
  it('a code used already', T, async () => {
    const first = await login();
    expectOk(first);
    const start = await startSignIn(stack);
    const r = await postLogin(stack, { authorizationCode: first.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state }, { cookie: start.cookie });
    expectError(r, 401, 'invalid_grant');
  });
  it('a code the stand-in never issued', T, async () => {
    const start = await startSignIn(stack);
    const r = await postLogin(stack, { authorizationCode: '4/0AeanSomethingMadeUp', redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state }, { cookie: start.cookie });
    expectError(r, 401, 'invalid_grant');
  });
  it("a code issued for another PKCE challenge (the cookie's verifier does not match)", T, async () => {
    const start = await startSignIn(stack);
    const auth = await authorize(stack, { state: start.state, codeChallenge: s256('x'.repeat(64)) });
    const r = await postLogin(stack, { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state }, { cookie: start.cookie });
    expectError(r, 401, 'invalid_grant');
    assert.equal(mock.tokenRequestFor(auth.code).error, 'invalid_grant');
  });
  it('an invalid_grant answer from Google', T, async () => {
    mock.nextToken = { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    expectError(await login(), 401, 'invalid_grant');
  });
});

describe('403 access_denied (no allow-lists configured)', () => {
  it('email_verified false is refused', T, async () => {
    mock.setUser({ email_verified: false });
    expectError(await login(), 403, 'access_denied');
  });
  it('email_verified false in the id_token only is refused', T, async () => {
    mock.setIdTokenClaims({ email_verified: false });
    expectError(await login(), 403, 'access_denied');
  });
});

describe('500 server_misconfigured from Google', () => {
  it("Google's invalid_client (wrong client secret) is server_misconfigured and never shows the secret", T, async () => {
    const configured = mock.clientSecret;
    mock.clientSecret = 'the-secret-google-now-expects';
    const r = await login();
    expectError(r, 500, 'server_misconfigured');
    assert.equal(mock.tokenRequestFor(r.code).error, 'invalid_client');
    assert.ok(!r.text.includes(configured), 'the client secret is not in the answer');
    assert.ok(!r.text.includes(KEY), 'SECRET_KEY is not in the answer');
  });
  it("Google's invalid_client for an unknown client id is server_misconfigured", T, async () => {
    mock.nextToken = { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
    expectError(await login(), 500, 'server_misconfigured');
  });
  it("Google's unauthorized_client is server_misconfigured", T, async () => {
    mock.nextToken = { status: 400, body: { error: 'unauthorized_client', error_description: 'Unauthorized' } };
    expectError(await login(), 500, 'server_misconfigured');
  });
});

describe('502 upstream_error', () => {
  it('the stand-in is down (connection refused)', T, async () => {
    const start = await startSignIn(stack);
    const auth = await authorize(stack, { state: start.state, codeChallenge: start.codeChallenge });
    await mock.goDown();
    try {
      const r = await postLogin(stack, { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state }, { cookie: start.cookie });
      expectError(r, 502, 'upstream_error');
    } finally {
      await mock.comeBack();
    }
    expectOk(await login(), 200);
  });
  it('the token endpoint answers 500', T, async () => {
    mock.nextToken = { status: 500 };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint answers 503 with HTML', T, async () => {
    mock.nextToken = { status: 503, rawBody: '<html><body>Service Unavailable</body></html>' };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint answers 200 with something that is not JSON', T, async () => {
    mock.nextToken = { status: 200, rawBody: '<!doctype html><title>Sign in</title>' };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint answers a redirect (not followed)', T, async () => {
    mock.nextToken = { status: 302, rawBody: '', headers: { Location: `${mock.url}/token` } };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint answers without an id_token', T, async () => {
    mock.nextToken = { body: (b) => { delete b.id_token; return b; } };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint answers without an access_token', T, async () => {
    mock.nextToken = { body: (b) => { delete b.access_token; return b; } };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the id_token is not a JWT', T, async () => {
    mock.nextToken = { body: (b) => ({ ...b, id_token: 'not-a-jwt' }) };
    expectError(await login(), 502, 'upstream_error');
  });
  it("the id_token's aud is another client", T, async () => {
    mock.nextToken = { idTokenClaims: { aud: 'someone-else.apps.googleusercontent.com' } };
    expectError(await login(), 502, 'upstream_error');
  });
  it("the id_token's iss is another issuer", T, async () => {
    mock.nextToken = { idTokenClaims: { iss: 'https://evil.example' } };
    expectError(await login(), 502, 'upstream_error');
  });
  it("the id_token's iss is Google's when GOOGLE_AUTH_URL points elsewhere and GOOGLE_ISSUER is unset", T, async () => {
    mock.nextToken = { idTokenClaims: { iss: 'https://accounts.google.com' } };
    expectError(await login(), 502, 'upstream_error');
  });
  it('userinfo refuses the access token (401)', T, async () => {
    mock.nextUserinfo = { status: 401, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } };
    expectError(await login(), 502, 'upstream_error');
  });
  it('userinfo answers 503', T, async () => {
    mock.nextUserinfo = { status: 503 };
    expectError(await login(), 502, 'upstream_error');
  });
  it('userinfo answers something that is not JSON', T, async () => {
    mock.nextUserinfo = { status: 200, rawBody: 'oops' };
    expectError(await login(), 502, 'upstream_error');
  });
  it('the token endpoint does not answer within 10 s', { timeout: 40_000 }, async () => {
    mock.nextToken = { hang: true };
    const t0 = Date.now();
    const r = await login();
    const s = (Date.now() - t0) / 1000;
    expectError(r, 502, 'upstream_error');
    assert.ok(s >= 8 && s < 20, `gave up after about 10 s (${s.toFixed(1)} s)`);
    expectOk(await request(stack, 'GET', '/auth/config'));
  });
});

describe('the log', () => {
  it('wrangler output never shows a secret, a code, a session token or a full email', T, async () => {
    const logs = stack.logs();
    assert.ok(logs.length > 0);
    assert.ok(!logs.includes(KEY), 'SECRET_KEY in the log');
    assert.ok(!logs.includes(mock.clientSecret), 'the client secret in the log');
    for (const t of issuedTokens) assert.ok(!logs.includes(t), 'a session token in the log');
    for (const c of usedCodes) assert.ok(!logs.includes(c), 'an authorization code in the log');
    assert.ok(!/ada@example\.com/i.test(logs), 'a full email in the log');
  });
});

describe('Content-Type and Cache-Control of /login answers', () => {
  const cases = [
    ['200 (signed in)', () => {}],
    ['400 redirect_uri_not_allowed', () => ({ redirectUri: 'https://evil.example/torii/redirect.html' })],
    ['401 invalid_grant', () => { mock.nextToken = { status: 400, body: { error: 'invalid_grant' } }; }],
    ['403 access_denied', () => { mock.setUser({ email_verified: false }); }],
    ['500 server_misconfigured (invalid_client)', () => { mock.nextToken = { status: 401, body: { error: 'invalid_client' } }; }],
    ['502 upstream_error', () => { mock.nextToken = { status: 500 }; }],
  ];
  for (const [name, arrange] of cases) {
    it(`${name} is application/json; charset=utf-8 and no-store`, T, async () => {
      const opts = arrange() ?? {};
      const r = await login(opts);
      assert.equal(r.status, Number(name.slice(0, 3)), r.text);
      expectApiHeaders(r);
    });
  }
});
