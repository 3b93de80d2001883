// Expiry without waiting: MAX_TOKEN_AGE=600 and MAX_SESSION_AGE=3600, and the
// passage of time played by back-dated tokens. A real sign-in's payload is
// signed again (with the stack's SECRET_KEY, as the Worker would have signed
// it) with its timestamp and its auth_time both moved into the past, so each
// step sees the token as it would be that many seconds after the sign-in.
// Every boundary is tested from both sides with 10 s of margin, so the second
// the requests take cannot tip one over.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, decodeToken, mintToken, signRaw, randomSecret, now } from '../support/stack.mjs';
import { expectOk, expectError, expectBearerChallenge } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const KEY = randomSecret();
const MAX_TOKEN_AGE = 600;
const MAX_SESSION_AGE = 3600;
const MARGIN = 10;

let stack;
let signedIn; // the real sign-in: { token, payload, timestamp }
before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY },
    vars: { MAX_TOKEN_AGE: String(MAX_TOKEN_AGE), MAX_SESSION_AGE: String(MAX_SESSION_AGE) },
  });
  const s = await signIn(stack);
  expectOk(s);
  const { payload, timestamp } = decodeToken(s.token);
  assert.equal(typeof payload.auth_time, 'number', 'the sign-in token carries auth_time');
  signedIn = { token: s.token, payload, timestamp };
});
after(async () => {
  await stack?.stop();
});

const reauth = (t) => request(stack, 'POST', '/reauth', { json: { auth_token: t } });
const me = (t) => request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } });

/**
 * The sign-in's token as it would be `tokenAge` seconds after it was signed,
 * for a session begun `sessionAge` seconds ago (default: the same).
 */
function aged(tokenAge, sessionAge = tokenAge) {
  const t = now();
  const payload = { ...signedIn.payload, auth_time: t - sessionAge };
  return { token: mintToken(KEY, payload, t - tokenAge), authTime: payload.auth_time };
}

/** A renewed token: new, fresh, signed with SECRET_KEY, same payload and auth_time. */
function expectRenewed(r, old, authTime) {
  expectOk(r);
  const t = r.body.auth_token;
  assert.notEqual(t, old, 'a new token');
  const d = decodeToken(t);
  assert.equal(d.payload.auth_time, authTime, 'the renewed token keeps auth_time');
  assert.deepEqual(d.payload.user_info, signedIn.payload.user_info);
  if ('sid' in signedIn.payload) assert.equal(d.payload.sid, signedIn.payload.sid, 'the renewed token keeps its sid');
  assert.ok(Math.abs(d.timestamp - now()) <= MARGIN, `freshly signed (timestamp ${d.timestamp}, now ${now()})`);
  const seg = t.split('.').slice(0, -2).join('.');
  assert.equal(signRaw(KEY, seg, d.timestamp), t, 'signed with SECRET_KEY');
  return t;
}

describe('MAX_TOKEN_AGE=600, MAX_SESSION_AGE=3600 (back-dated tokens)', () => {
  it('the sign-in token itself comes back unchanged while young', T, async () => {
    const r = await reauth(signedIn.token);
    expectOk(r);
    assert.equal(r.body.auth_token, signedIn.token);
    expectOk(await me(signedIn.token));
  });

  it('a token just younger than half of MAX_TOKEN_AGE comes back unchanged', T, async () => {
    const { token } = aged(MAX_TOKEN_AGE / 2 - MARGIN);
    const r = await reauth(token);
    expectOk(r);
    assert.equal(r.body.auth_token, token, 'not renewed before half of MAX_TOKEN_AGE');
  });

  it('a token just older than half of MAX_TOKEN_AGE is renewed, with the same auth_time', T, async () => {
    const { token, authTime } = aged(MAX_TOKEN_AGE / 2 + MARGIN);
    const renewed = expectRenewed(await reauth(token), token, authTime);
    const again = await reauth(renewed);
    expectOk(again);
    assert.equal(again.body.auth_token, renewed, 'the renewed token is young: it comes back unchanged');
    expectOk(await me(renewed));
  });

  it('a token just younger than MAX_TOKEN_AGE is still accepted (and renewed)', T, async () => {
    const { token, authTime } = aged(MAX_TOKEN_AGE - MARGIN);
    expectRenewed(await reauth(token), token, authTime);
    expectOk(await me(token));
  });

  it('a token just older than MAX_TOKEN_AGE is token_expired on /reauth and /api/me', T, async () => {
    const { token } = aged(MAX_TOKEN_AGE + MARGIN);
    expectError(await reauth(token), 401, 'token_expired');
    const m = await me(token);
    expectError(m, 401, 'token_expired');
    expectBearerChallenge(m, { error: 'invalid_token' });
  });

  it('renewal keeps a session going past MAX_TOKEN_AGE: a renewed token outlives the one it replaced', T, async () => {
    // Session begun 900 s ago (past MAX_TOKEN_AGE); its last token was renewed 310 s after it was signed.
    const { token, authTime } = aged(MAX_TOKEN_AGE / 2 + MARGIN, 900);
    const renewed = expectRenewed(await reauth(token), token, authTime);
    expectOk(await me(renewed));
  });

  it('a young token of a session just younger than MAX_SESSION_AGE is accepted', T, async () => {
    const { token } = aged(MARGIN, MAX_SESSION_AGE - MARGIN);
    expectOk(await reauth(token));
    expectOk(await me(token));
  });

  it('a young token of a session just older than MAX_SESSION_AGE is token_expired on /reauth and /api/me', T, async () => {
    const { token } = aged(MARGIN, MAX_SESSION_AGE + MARGIN);
    expectError(await reauth(token), 401, 'token_expired');
    const m = await me(token);
    expectError(m, 401, 'token_expired');
    expectBearerChallenge(m, { error: 'invalid_token' });
  });

  it('renewing near MAX_SESSION_AGE does not move auth_time: the renewed token ends with the session', T, async () => {
    const { token, authTime } = aged(MAX_TOKEN_AGE / 2 + MARGIN, MAX_SESSION_AGE - MARGIN);
    const renewed = expectRenewed(await reauth(token), token, authTime);
    // The renewed token, 2 * MARGIN seconds later (every time in it moved back
    // by as much): the session is now past MAX_SESSION_AGE.
    const d = decodeToken(renewed);
    const later = mintToken(KEY, { ...d.payload, auth_time: d.payload.auth_time - 2 * MARGIN }, d.timestamp - 2 * MARGIN);
    expectError(await reauth(later), 401, 'token_expired');
  });
});
