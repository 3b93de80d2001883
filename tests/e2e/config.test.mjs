// Missing or invalid bindings: 500 server_misconfigured naming the binding,
// never its value, logged, never a panic; and the checks that come before it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, startSignIn, mintToken, mintFlaskToken, randomSecret, now } from '../support/stack.mjs';
import { expectOk, expectError, expectApiHeaders } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const USER = { sub: '1', email: 'a@example.com' };

let noSecretKey; // SECRET_KEY missing
let noClientId; // OAUTH2_CLIENT_ID missing, MAX_TOKEN_AGE=abc
let noClientSecret; // OAUTH2_CLIENT_SECRET missing, ACCEPT_FLASK_TOKENS=True (not exactly "true")
const KEY_2 = randomSecret();
const KEY_3 = randomSecret();

before(async () => {
  [noSecretKey, noClientId, noClientSecret] = await Promise.all([
    startStack({ secrets: { SECRET_KEY: undefined } }),
    startStack({ secrets: { SECRET_KEY: KEY_2 }, vars: { OAUTH2_CLIENT_ID: undefined, MAX_TOKEN_AGE: 'abc' } }),
    startStack({ secrets: { SECRET_KEY: KEY_3, OAUTH2_CLIENT_SECRET: undefined }, vars: { ACCEPT_FLASK_TOKENS: 'True' } }),
  ]);
});
after(async () => {
  await Promise.all([noSecretKey?.stop(), noClientId?.stop(), noClientSecret?.stop()]);
});

function expectNames(r, binding, ...secretValues) {
  expectError(r, 500, 'server_misconfigured');
  assert.ok(r.body.message.includes(binding), `the message names ${binding}: ${r.body.message}`);
  for (const v of secretValues) assert.ok(!r.text.includes(v), 'the answer must not carry a binding value');
}

describe('SECRET_KEY missing', () => {
  it('/reauth is 500 naming SECRET_KEY', T, async () => {
    expectNames(await request(noSecretKey, 'POST', '/reauth', { json: { auth_token: 'a.b.c' } }), 'SECRET_KEY', noSecretKey.mock.clientSecret);
  });
  it('/api/me is 500 naming SECRET_KEY', T, async () => {
    expectNames(await request(noSecretKey, 'GET', '/api/me', { headers: { authorization: 'Bearer a.b.c' } }), 'SECRET_KEY');
  });
  it('/auth/start is 500 naming SECRET_KEY', T, async () => {
    expectNames(await request(noSecretKey, 'POST', '/auth/start', { json: {} }), 'SECRET_KEY');
  });
  it('/login is 500 naming SECRET_KEY', T, async () => {
    const r = await request(noSecretKey, 'POST', '/login', { json: { authorizationCode: 'c', state: 's' } });
    expectNames(r, 'SECRET_KEY', noSecretKey.mock.clientSecret);
  });
  it('the 500 answer is application/json; charset=utf-8 and no-store', T, async () => {
    expectApiHeaders(await request(noSecretKey, 'POST', '/reauth', { json: { auth_token: 'a.b.c' } }));
  });
  it('/auth/config does not need it (200)', T, async () => {
    expectOk(await request(noSecretKey, 'GET', '/auth/config'));
  });
  it('invalid JSON is still 400 invalid_json (JSON shape beats missing bindings)', T, async () => {
    expectError(await request(noSecretKey, 'POST', '/reauth', { json: 'nope' }), 400, 'invalid_json');
  });
  it('a missing field is still 400 invalid_request (JSON shape beats missing bindings)', T, async () => {
    expectError(await request(noSecretKey, 'POST', '/reauth', { json: {} }), 400, 'invalid_request');
    expectError(await request(noSecretKey, 'POST', '/login', { json: { provider: 'github', authorizationCode: 'c' } }), 400, 'invalid_request');
  });
  it('405, 415 and 413 still come first', T, async () => {
    expectError(await request(noSecretKey, 'GET', '/reauth'), 405, 'method_not_allowed');
    expectError(await request(noSecretKey, 'POST', '/reauth', { body: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectError(await request(noSecretKey, 'POST', '/reauth', { json: JSON.stringify({ auth_token: 'x'.repeat(20000) }) }), 413, 'payload_too_large');
  });
  it('the Worker logged the missing binding (and did not panic)', T, async () => {
    assert.ok(await noSecretKey.waitForLog('SECRET_KEY', 3000), 'the log names SECRET_KEY');
    assert.ok(!/panicked|RuntimeError: unreachable/i.test(noSecretKey.logs()), 'no panic in the log');
  });
});

describe('OAUTH2_CLIENT_ID missing and MAX_TOKEN_AGE=abc', () => {
  it('/auth/config is 500 naming OAUTH2_CLIENT_ID', T, async () => {
    expectNames(await request(noClientId, 'GET', '/auth/config'), 'OAUTH2_CLIENT_ID', KEY_2);
  });
  it('/reauth with a good token is 500 naming MAX_TOKEN_AGE, not its value', T, async () => {
    const t = mintToken(KEY_2, { user_info: USER, auth_time: now() }, now());
    const r = await request(noClientId, 'POST', '/reauth', { json: { auth_token: t } });
    expectNames(r, 'MAX_TOKEN_AGE', KEY_2);
    assert.ok(!/\babc\b/.test(r.body.message), `the value is not repeated: ${r.body.message}`);
  });
  it('/api/me with a good token is 500 naming MAX_TOKEN_AGE', T, async () => {
    const t = mintToken(KEY_2, { user_info: USER, auth_time: now() }, now());
    expectNames(await request(noClientId, 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } }), 'MAX_TOKEN_AGE', KEY_2);
  });
  it('/login is 500 (a required binding is missing)', T, async () => {
    const start = await startSignIn(noClientId);
    const r = await request(noClientId, 'POST', '/login', { json: { authorizationCode: 'c', state: start.state ?? 's' }, cookie: start.cookie });
    expectError(r, 500, 'server_misconfigured');
    assert.match(r.body.message, /OAUTH2_CLIENT_ID|MAX_TOKEN_AGE/);
    assert.ok(!r.text.includes(KEY_2) && !r.text.includes(noClientId.mock.clientSecret));
  });
  it('the Worker logged the missing binding', T, async () => {
    assert.ok(await noClientId.waitForLog('OAUTH2_CLIENT_ID', 3000));
    assert.ok(!/panicked|RuntimeError: unreachable/i.test(noClientId.logs()), 'no panic in the log');
  });
});

describe('OAUTH2_CLIENT_SECRET missing', () => {
  it('/login is 500 naming OAUTH2_CLIENT_SECRET (before the sign-in cookie is checked)', T, async () => {
    const r = await request(noClientSecret, 'POST', '/login', { json: { authorizationCode: 'c', state: 's' } });
    expectNames(r, 'OAUTH2_CLIENT_SECRET', KEY_3);
  });
  it('/auth/start, /auth/config and /reauth still work', T, async () => {
    expectOk(await request(noClientSecret, 'POST', '/auth/start', { json: {} }));
    expectOk(await request(noClientSecret, 'GET', '/auth/config'));
    const t = mintToken(KEY_3, { user_info: USER, auth_time: now() }, now());
    expectOk(await request(noClientSecret, 'POST', '/reauth', { json: { auth_token: t } }));
  });
  it('ACCEPT_FLASK_TOKENS=True (not exactly "true") does not accept Flask tokens', T, async () => {
    const r = await request(noClientSecret, 'POST', '/reauth', { json: { auth_token: mintFlaskToken(KEY_3, { user_info: USER }, now()) } });
    expectError(r, 401, 'invalid_token');
  });
  it('no log line carries SECRET_KEY', T, async () => {
    assert.ok(!noClientSecret.logs().includes(KEY_3));
    assert.ok(!noClientId.logs().includes(KEY_2));
  });
});
