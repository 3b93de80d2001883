// Expiry in real time: a stack with MAX_TOKEN_AGE=4 and MAX_SESSION_AGE=10.
// A real sign-in, renewed by /reauth past half of MAX_TOKEN_AGE, expiring
// after MAX_TOKEN_AGE, and refused for good after MAX_SESSION_AGE.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, decodeToken, mintToken, randomSecret, now } from '../support/stack.mjs';
import { expectOk, expectError, expectBearerChallenge } from '../support/expect.mjs';

const KEY = randomSecret();
const STEP_MS = 3200; // > MAX_TOKEN_AGE / 2 and < MAX_TOKEN_AGE, with integer-second rounding
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
before(async () => {
  stack = await startStack({ secrets: { SECRET_KEY: KEY }, vars: { MAX_TOKEN_AGE: '4', MAX_SESSION_AGE: '10' } });
});
after(async () => {
  await stack?.stop();
});

const reauth = (t) => request(stack, 'POST', '/reauth', { json: { auth_token: t } });
const me = (t) => request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } });

describe('short MAX_TOKEN_AGE / MAX_SESSION_AGE', () => {
  it('a minted token older than MAX_TOKEN_AGE is token_expired, a younger one is not', { timeout: 30_000 }, async () => {
    const info = { sub: 'm' };
    expectError(await reauth(mintToken(KEY, { user_info: info, auth_time: now() - 6 }, now() - 6)), 401, 'token_expired');
    expectOk(await reauth(mintToken(KEY, { user_info: info, auth_time: now() - 1 }, now() - 1)));
  });

  it('sign in, renew while young enough, expire after MAX_TOKEN_AGE, end after MAX_SESSION_AGE', { timeout: 60_000 }, async () => {
    const s = await signIn(stack);
    expectOk(s);
    const t0 = s.token;
    const authTime = decodeToken(t0).payload.auth_time;
    assert.equal(typeof authTime, 'number');

    // young: the same token back
    const r0 = await reauth(t0);
    expectOk(r0);
    assert.equal(r0.body.auth_token, t0, 'a token younger than half of MAX_TOKEN_AGE comes back unchanged');

    await sleep(STEP_MS);
    const r1 = await reauth(t0);
    expectOk(r1);
    const t1 = r1.body.auth_token;
    assert.notEqual(t1, t0, 'renewed past half of MAX_TOKEN_AGE');
    assert.equal(decodeToken(t1).payload.auth_time, authTime, 'same auth_time');
    assert.ok(decodeToken(t1).timestamp > decodeToken(t0).timestamp);

    await sleep(STEP_MS);
    // t0 is now older than MAX_TOKEN_AGE
    expectError(await reauth(t0), 401, 'token_expired');
    const m0 = await me(t0);
    expectError(m0, 401, 'token_expired');
    expectBearerChallenge(m0, { error: 'invalid_token' });
    // t1 is past half: renewed again
    const r2 = await reauth(t1);
    expectOk(r2);
    const t2 = r2.body.auth_token;
    assert.notEqual(t2, t1);
    assert.equal(decodeToken(t2).payload.auth_time, authTime);
    expectOk(await me(t2));

    await sleep(STEP_MS);
    const r3 = await reauth(t2); // auth_time is ~9.6 s old: still within MAX_SESSION_AGE
    expectOk(r3);
    const t3 = r3.body.auth_token;
    assert.equal(decodeToken(t3).payload.auth_time, authTime);

    await sleep(STEP_MS);
    // t3 itself is young enough (~3 s), but the session began ~13 s ago
    assert.ok(now() - decodeToken(t3).timestamp <= 4, 'the token itself is not expired');
    expectError(await reauth(t3), 401, 'token_expired');
    const m3 = await me(t3);
    expectError(m3, 401, 'token_expired');
    expectBearerChallenge(m3, { error: 'invalid_token' });
  });
});
