// Without the SESSIONS binding the Worker is stateless (CONTRACT.md
// "Sessions" §): no sid, tokens end only when they expire, the session
// routes are 500 naming SESSIONS, /auth/config says sessions: false, and
// the allow-lists are still applied again to every token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, mintToken, decodeToken, randomSecret, now } from '../support/stack.mjs';
import { expectOk, expectError } from '../support/expect.mjs';
import { bearer, reauth, me, logout, listSessions, endSession, endAll, auditLines, waitForAudit } from '../support/sessions.mjs';

const T = { timeout: 60_000 };
const KEY = randomSecret();
let stack;

before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY },
    sessions: false,
    vars: { ALLOWED_EMAIL_DOMAINS: 'example.com' },
  });
});
after(async () => {
  await stack?.stop();
});

describe('without the session store', () => {
  it('/auth/config says sessions: false', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.equal(r.body.sessions, false);
  });

  it('tokens carry no sid, and keep working after /logout is refused', T, async () => {
    const s = await signIn(stack);
    expectOk(s);
    assert.equal('sid' in decodeToken(s.token).payload, false);
    expectOk(await reauth(stack, s.token));
    expectOk(await me(stack, s.token));
  });

  it('the session routes are 500 server_misconfigured naming SESSIONS, in the answer and the log', T, async () => {
    const s = await signIn(stack);
    const from = auditLines(stack).length;
    for (const r of [
      await logout(stack, s.token),
      await listSessions(stack, s.token),
      await endAll(stack, s.token),
      await endSession(stack, s.token, 'AAAAAAAAAAAAAAAAAAAAAA'),
    ]) {
      expectError(r, 500, 'server_misconfigured');
      assert.match(r.body.message, /SESSIONS/);
    }
    const misconfigured = (a) => a.reason === 'server_misconfigured';
    await waitForAudit(stack, (a, i) => misconfigured(a) && auditLines(stack).slice(from).filter(misconfigured).length >= 4, { from });
    const lines = auditLines(stack).slice(from).filter(misconfigured);
    assert.equal(lines.length, 4, JSON.stringify(lines));
    for (const line of lines) assert.match(line.detail ?? '', /SESSIONS/, JSON.stringify(line));
    expectOk(await reauth(stack, s.token));
  });

  it('a token with a sid is session_ended: a store that is not bound cannot vouch for it', T, async () => {
    const t = mintToken(KEY, {
      user_info: { sub: '5', email: 'x@example.com' },
      auth_time: now(),
      sid: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    expectError(await reauth(stack, t), 401, 'session_ended');
    expectError(await me(stack, t), 401, 'session_ended');
  });

  it('a minted token (no session anywhere) is accepted, as in the classic design', T, async () => {
    const t = mintToken(KEY, { user_info: { sub: '1', email: 'x@example.com' }, auth_time: now() });
    expectOk(await reauth(stack, t));
    expectOk(await me(stack, t));
  });

  it('the allow-lists are applied again to every token', T, async () => {
    const t = mintToken(KEY, { user_info: { sub: '2', email: 'eve@elsewhere.test' }, auth_time: now() });
    expectError(await reauth(stack, t), 403, 'access_denied');
    expectError(await me(stack, t), 403, 'access_denied');
    const hd = mintToken(KEY, { user_info: { sub: '3', email: 'eve@elsewhere.test', hd: 'example.com' }, auth_time: now() });
    expectOk(await reauth(stack, hd));
    const upper = mintToken(KEY, { user_info: { sub: '4', email: 'Eve@EXAMPLE.com' }, auth_time: now() });
    expectOk(await me(stack, upper));
    const request401 = await request(stack, 'GET', '/api/me', { headers: bearer('x') });
    expectError(request401, 401, 'invalid_token');
  });
});
