// Sessions that can be ended (CONTRACT.md "Sessions" §): the
// SESSIONS Durable Object under `wrangler dev`, with real sign-ins through
// the stand-in.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, authorize, mintToken, mintFlaskToken, decodeToken, randomSecret, now } from '../support/stack.mjs';
import { expectOk, expectError, expectApiHeaders, expectAllow, expectBearerChallenge } from '../support/expect.mjs';
import {
  bearer, reauth, me, logout, listSessions, endSession, endAll, signedIn, auditLines, waitForAudit,
} from '../support/sessions.mjs';

const T = { timeout: 60_000 };
const KEY = randomSecret();
const MAX_TOKEN_AGE = 604800;
const BOB = { sub: '2222222222', email: 'bob@example.com', name: 'Bob' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
before(async () => {
  stack = await startStack({ secrets: { SECRET_KEY: KEY }, sessions: true, vars: { ACCEPT_FLASK_TOKENS: 'true' } });
});
after(async () => {
  await stack?.stop();
});

describe('with the session store', () => {
  it('/auth/config says sessions: true', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.equal(r.body.sessions, true);
  });

  it('/login puts an unguessable sid in the token, and the token works', T, async () => {
    const a = await signedIn(stack);
    const b = await signedIn(stack);
    assert.match(a.sid, /^[A-Za-z0-9_-]{22,}$/, 'at least 128 bits, base64url');
    assert.notEqual(a.sid, b.sid);
    expectOk(await reauth(stack, a.token));
    expectOk(await me(stack, a.token));
  });

  it('logout ends the session: the token is session_ended everywhere after the answer', T, async () => {
    const s = await signedIn(stack);
    const r = await logout(stack, s.token);
    expectOk(r);
    expectApiHeaders(r);
    assert.deepEqual(r.body, { sessions_ended: 1 });
    expectError(await reauth(stack, s.token), 401, 'session_ended');
    const m = await me(stack, s.token);
    expectError(m, 401, 'session_ended');
    expectBearerChallenge(m, { error: 'invalid_token' });
    expectError(await listSessions(stack, s.token), 401, 'session_ended');
  });

  it('a second logout answers sessions_ended: 0', T, async () => {
    const s = await signedIn(stack);
    expectOk(await logout(stack, s.token));
    const again = await logout(stack, s.token);
    expectOk(again);
    assert.deepEqual(again.body, { sessions_ended: 0 });
  });

  it('logout takes an empty body or a JSON object, and checks the signature only', T, async () => {
    const s = await signedIn(stack);
    const withBody = await request(stack, 'POST', '/logout', { headers: bearer(s.token), json: { any: 'thing' } });
    expectOk(withBody);
    assert.deepEqual(withBody.body, { sessions_ended: 1 });
    // Past MAX_TOKEN_AGE, same session: /reauth refuses it, /logout still ends it.
    const s2 = await signedIn(stack);
    const old = mintToken(KEY, s2.payload, now() - MAX_TOKEN_AGE - 100);
    expectError(await reauth(stack, old), 401, 'token_expired');
    const r = await logout(stack, old);
    expectOk(r);
    assert.deepEqual(r.body, { sessions_ended: 1 });
    expectError(await reauth(stack, s2.token), 401, 'session_ended');
  });

  it('logout refuses a bad signature or no token with invalid_token', T, async () => {
    const s = await signedIn(stack);
    const forged = mintToken(randomSecret(), s.payload);
    expectError(await logout(stack, forged), 401, 'invalid_token');
    expectError(await logout(stack, undefined), 401, 'invalid_token');
    expectError(await logout(stack, 'not.a.token'), 401, 'invalid_token');
    expectOk(await reauth(stack, s.token));
  });

  it('lists the live sessions of the user, most recently seen first, marking the current one', T, async () => {
    const ua = (n) => `Mozilla/5.0 (device ${n}) ` + 'x'.repeat(300);
    const d1 = await signedIn(stack, { user: { sub: '3000000001', email: 'lister@example.com' }, userAgent: ua(1) });
    const d2 = await signedIn(stack, { user: { sub: '3000000001', email: 'lister@example.com' }, userAgent: ua(2) });
    const other = await signedIn(stack, { user: { sub: '3000000002', email: 'other@example.com' } });
    const r = await listSessions(stack, d1.token);
    expectOk(r);
    expectApiHeaders(r);
    const ids = r.body.sessions.map((s) => s.id);
    assert.deepEqual(new Set(ids), new Set([d1.sid, d2.sid]), 'both devices, nobody else');
    assert.ok(!ids.includes(other.sid));
    const mine = r.body.sessions.find((s) => s.id === d1.sid);
    assert.equal(mine.current, true);
    assert.equal(r.body.sessions.find((s) => s.id === d2.sid).current, false);
    assert.equal(mine.user_agent, ua(1).slice(0, 256), 'the first 256 characters of User-Agent');
    assert.equal(mine.created_at, d1.payload.auth_time);
    assert.ok(Math.abs(mine.last_seen_at - now()) < 120);
    for (const s of r.body.sessions) {
      assert.deepEqual(Object.keys(s).sort(), ['created_at', 'current', 'id', 'last_seen_at', 'user_agent']);
    }
    const seen = r.body.sessions.map((s) => s.last_seen_at);
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'most recently seen first');
  });

  it('ends one session of the user: that token is refused, the caller goes on', T, async () => {
    const user = { sub: '4000000001', email: 'ender@example.com' };
    const a = await signedIn(stack, { user });
    const b = await signedIn(stack, { user });
    const r = await endSession(stack, a.token, b.sid);
    expectOk(r);
    assert.deepEqual(r.body, { sessions_ended: 1 });
    expectError(await reauth(stack, b.token), 401, 'session_ended');
    expectOk(await reauth(stack, a.token));
    const list = await listSessions(stack, a.token);
    assert.deepEqual(list.body.sessions.map((s) => s.id), [a.sid]);
    // Again: no longer a live session of this user.
    expectError(await endSession(stack, a.token, b.sid), 404, 'not_found');
  });

  it('ends its own session by id', T, async () => {
    const a = await signedIn(stack, { user: { sub: '4000000002', email: 'self@example.com' } });
    const r = await endSession(stack, a.token, a.sid);
    expectOk(r);
    assert.deepEqual(r.body, { sessions_ended: 1 });
    expectError(await reauth(stack, a.token), 401, 'session_ended');
  });

  it("another user's session id is 404 and their session survives", T, async () => {
    const ada = await signedIn(stack);
    const bob = await signedIn(stack, { user: BOB });
    expectError(await endSession(stack, ada.token, bob.sid), 404, 'not_found');
    expectOk(await reauth(stack, bob.token));
    expectError(await endSession(stack, ada.token, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    expectError(await endSession(stack, ada.token, 'x'.repeat(300)), 404, 'not_found');
  });

  it('ends every session of the user, its own included', T, async () => {
    const user = { sub: '5000000001', email: 'everywhere@example.com' };
    const devices = [];
    for (let i = 0; i < 3; i++) devices.push(await signedIn(stack, { user }));
    const bob = await signedIn(stack, { user: BOB });
    const r = await endAll(stack, devices[0].token);
    expectOk(r);
    assert.deepEqual(r.body, { sessions_ended: 3 });
    for (const d of devices) expectError(await reauth(stack, d.token), 401, 'session_ended');
    expectOk(await reauth(stack, bob.token));
    expectError(await endAll(stack, devices[1].token), 401, 'session_ended');
  });

  it('/auth/sessions allows GET, DELETE; /auth/sessions/{id} DELETE; /logout POST', T, async () => {
    const s = await signedIn(stack);
    const put = await request(stack, 'PUT', '/auth/sessions', { headers: bearer(s.token) });
    expectError(put, 405, 'method_not_allowed');
    expectAllow(put, 'GET');
    expectAllow(put, 'DELETE');
    const post = await request(stack, 'POST', `/auth/sessions/${s.sid}`, { headers: bearer(s.token) });
    expectError(post, 405, 'method_not_allowed');
    expectAllow(post, 'DELETE', 'GET');
    const get = await request(stack, 'GET', '/logout', { headers: bearer(s.token) });
    expectError(get, 405, 'method_not_allowed');
    expectAllow(get, 'POST');
    expectOk(await reauth(stack, s.token));
  });

  it('tokens minted outside /login are session_ended, even with the right key', T, async () => {
    const real = await signedIn(stack);
    const { sid, ...noSid } = real.payload;
    assert.ok(sid);
    const withoutSid = mintToken(KEY, noSid);
    const madeUpSid = mintToken(KEY, { ...noSid, sid: 'AAAAAAAAAAAAAAAAAAAAAA' });
    const otherUsersSid = mintToken(KEY, { ...noSid, user_info: { ...noSid.user_info, sub: BOB.sub }, sid });
    for (const t of [withoutSid, madeUpSid, otherUsersSid]) {
      expectError(await reauth(stack, t), 401, 'session_ended');
      const m = await me(stack, t);
      expectError(m, 401, 'session_ended');
      expectBearerChallenge(m, { error: 'invalid_token' });
      expectError(await listSessions(stack, t), 401, 'session_ended');
      expectError(await endAll(stack, t), 401, 'session_ended');
    }
    expectOk(await reauth(stack, real.token));
  });

  it('the order of checks: signature and age before the store', T, async () => {
    const { sid, ...noSid } = (await signedIn(stack)).payload;
    assert.ok(sid);
    // No session, and also expired: token_expired, not session_ended.
    expectError(await reauth(stack, mintToken(KEY, noSid, now() - MAX_TOKEN_AGE - 10)), 401, 'token_expired');
    expectError(await me(stack, mintToken(KEY, noSid, now() - MAX_TOKEN_AGE - 10)), 401, 'token_expired');
    // No session, and a bad signature: invalid_token.
    expectError(await reauth(stack, mintToken(randomSecret(), noSid)), 401, 'invalid_token');
    expectError(await listSessions(stack, mintToken(randomSecret(), noSid)), 401, 'invalid_token');
  });

  it('a renewed token keeps its sid, and ends with its session', T, async () => {
    const s = await signedIn(stack);
    // The same session's payload, signed as if issued past half of MAX_TOKEN_AGE.
    const aged = mintToken(KEY, s.payload, now() - MAX_TOKEN_AGE / 2 - 60);
    const r = await reauth(stack, aged);
    expectOk(r);
    const renewed = r.body.auth_token;
    assert.notEqual(renewed, aged, 'renewed');
    assert.equal(decodeToken(renewed).payload.sid, s.sid);
    expectOk(await me(stack, renewed));
    expectOk(await logout(stack, renewed));
    expectError(await reauth(stack, s.token), 401, 'session_ended');
    expectError(await reauth(stack, renewed), 401, 'session_ended');
  });

  it('a Flask token upgraded by /reauth starts a new session', T, async () => {
    const info = { sub: '8000000001', email: 'flask@example.com', name: 'Old Session' };
    const ts = now() - 3600;
    const r = await reauth(stack, mintFlaskToken(KEY, { user_info: info }, ts));
    expectOk(r);
    const upgraded = decodeToken(r.body.auth_token).payload;
    assert.match(upgraded.sid, /^[A-Za-z0-9_-]{22,}$/);
    assert.equal(upgraded.auth_time, ts);
    expectOk(await me(stack, r.body.auth_token));
    const list = await listSessions(stack, r.body.auth_token);
    expectOk(list);
    const mine = list.body.sessions.find((s) => s.id === upgraded.sid);
    assert.ok(mine && mine.current, 'listed as the current session');
    assert.equal(mine.created_at, ts, 'the session counts from the old sign-in');
    expectOk(await logout(stack, r.body.auth_token));
    expectError(await me(stack, r.body.auth_token), 401, 'session_ended');
  });

  it('a Flask token is upgraded once; none signed before "sign out everywhere" is upgraded after it', T, async () => {
    const info = { sub: '8000000002', email: 'flask2@example.com', name: 'Old Session' };
    const first = mintFlaskToken(KEY, { user_info: info }, now() - 3600);
    const older = mintFlaskToken(KEY, { user_info: { ...info, name: 'Older' } }, now() - 7200);
    const r = await reauth(stack, first);
    expectOk(r);
    expectError(await reauth(stack, first), 401, 'session_ended');
    const list = await listSessions(stack, r.body.auth_token);
    assert.equal(list.body.sessions.length, 1, 'the second /reauth started no session');
    expectOk(await endAll(stack, r.body.auth_token));
    expectError(await reauth(stack, older), 401, 'session_ended');
    // One signed after that moment is a new sign-in's, and is upgraded.
    await sleep(1100);
    expectOk(await reauth(stack, mintFlaskToken(KEY, { user_info: info }, now())));
  });

  it('/reauth and /api/me keep last_seen_at', T, async () => {
    const user = { sub: '6000000001', email: 'seen@example.com' };
    const s = await signedIn(stack, { user });
    const list = await listSessions(stack, s.token);
    const entry = list.body.sessions.find((x) => x.id === s.sid);
    assert.ok(entry.last_seen_at >= entry.created_at);
    assert.ok(now() - entry.last_seen_at <= 61, 'seen within the last minute');
  });

  it('a replayed sign-in state is refused and creates nothing: it was spent in the user\'s object', T, async () => {
    const s = await signedIn(stack, { user: { sub: '5151515151', email: 'replay@example.com' } });
    // The same code would fail at Google (invalid_grant): the replay brings a
    // fresh code for the same state and PKCE challenge, with the same cookie.
    const saved = { ...stack.mock.user };
    stack.mock.setUser({ sub: '5151515151', email: 'replay@example.com' });
    try {
      const auth = await authorize(stack, { state: s.state, codeChallenge: s.start.codeChallenge });
      assert.ok(auth.code && auth.code !== s.code, 'a second code for the same state');
      const again = await request(stack, 'POST', '/login', {
        json: { ...s.loginBody, authorizationCode: auth.code },
        cookie: s.cookie,
      });
      expectError(again, 400, 'invalid_state');
    } finally {
      stack.mock.user = saved;
    }
    const list = await listSessions(stack, s.token);
    expectOk(list);
    assert.deepEqual(list.body.sessions.map((x) => x.id), [s.sid], 'the replay created no session');
  });

  it('16 clients reusing a token while it is signed out: nothing sent after the answer is accepted', T, async () => {
    const s = await signedIn(stack);
    const results = [];
    let stop = false;
    const client = async (i) => {
      while (!stop) {
        const sentAt = performance.now();
        const r = i % 2 ? await me(stack, s.token) : await reauth(stack, s.token);
        results.push({ sentAt, status: r.status, error: r.body?.error });
      }
    };
    const clients = Array.from({ length: 16 }, (_, i) => client(i));
    await sleep(500);
    const lo = await logout(stack, s.token);
    const answeredAt = performance.now();
    expectOk(lo);
    assert.deepEqual(lo.body, { sessions_ended: 1 });
    await sleep(700);
    stop = true;
    await Promise.all(clients);

    const before = results.filter((r) => r.sentAt < answeredAt);
    const afterAnswer = results.filter((r) => r.sentAt > answeredAt);
    assert.ok(before.some((r) => r.status === 200), 'the token worked before the logout');
    assert.ok(afterAnswer.length >= 16, `enough requests after the answer (${afterAnswer.length})`);
    const accepted = afterAnswer.filter((r) => !(r.status === 401 && r.error === 'session_ended'));
    assert.deepEqual(accepted, [], 'every request sent after the logout answered is session_ended');
    const odd = results.filter((r) => r.status !== 200 && !(r.status === 401 && r.error === 'session_ended'));
    assert.deepEqual(odd, [], 'only 200 or session_ended, never a server error');
  });

  it('audit: one line per ending, with the count, never a token or sid', T, async () => {
    const user = { sub: '7000000001', email: 'audit@example.com' };
    const from = auditLines(stack).length; // lines of earlier tests do not count
    const a = await signedIn(stack, { user });
    const b = await signedIn(stack, { user });
    const c = await signedIn(stack, { user });
    expectOk(await endSession(stack, a.token, b.sid));
    expectOk(await logout(stack, c.token));
    const d = await signedIn(stack, { user });
    expectOk(await endAll(stack, d.token));
    const one = await waitForAudit(stack, (l) => l.event === 'session_ended' && l.outcome === 'ok', { from });
    assert.equal(one.sessions_ended, 1);
    const out = await waitForAudit(stack, (l) => l.event === 'logout' && l.outcome === 'ok' && l.sessions_ended === 1, { from });
    assert.ok(out);
    const all = await waitForAudit(stack, (l) => l.event === 'sessions_ended_all' && l.outcome === 'ok', { from });
    assert.equal(all.sessions_ended, 2, 'a and d were live');
    const logs = stack.logs();
    for (const secret of [a.token, b.token, c.token, d.token, KEY]) {
      assert.ok(!logs.includes(secret), 'a token reached the log');
    }
    // The Worker's own lines: wrangler's access log names the path of
    // DELETE /auth/sessions/{id}, which is the contract's URL, not our log.
    const ours = logs.split('\n').filter((l) => !l.startsWith('[wrangler:'));
    for (const sid of [a.sid, b.sid, c.sid, d.sid]) {
      assert.ok(!ours.some((l) => l.includes(sid)), 'a sid reached the Worker\'s log');
    }
    assert.ok(auditLines(stack).length > from);
  });
});
