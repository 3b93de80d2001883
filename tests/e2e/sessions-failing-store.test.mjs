// A failing session store under `wrangler dev` (CONTRACT.md "Sessions" ∆):
// SESSIONS bound to FlakyStore (tests/support/flaky-store-entry.mjs), the
// real store whose calls the test makes throw, or never answer, and then
// work again. Every route that needs the store answers 503 store_unavailable
// with Retry-After (within the 5 s deadline plus a margin when it hangs);
// /login says the sign-in must start again; and once the store is back the
// same token is accepted, its session intact.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack, request, signIn, REPO } from '../support/stack.mjs';
import { expectOk, expectError } from '../support/expect.mjs';
import { bearer, reauth, me, logout, listSessions, endSession, endAll, signedIn } from '../support/sessions.mjs';

const T = { timeout: 120_000 };

let stack;
before(async () => {
  stack = await startStack({
    main: path.join(REPO, 'tests', 'support', 'flaky-store-entry.mjs'),
    sessionsClass: 'FlakyStore',
    sessions: true,
    backendWorker: true,
  });
});
after(async () => {
  await stack?.stop();
});

async function storeMode(mode) {
  const r = await request(stack, 'POST', '/auth/__test/store-mode', { json: { mode } });
  assert.equal(r.status, 200, r.text);
}

/** Every route that needs the store, with `token` (and another session's id). */
const everyStoreRoute = (token, otherSid) => [
  ['POST /reauth', () => reauth(stack, token)],
  ['GET /api/me', () => me(stack, token)],
  ['GET /api/whoami (forwarded to the backend)', () => request(stack, 'GET', '/api/whoami', { headers: bearer(token) })],
  ['GET /auth/sessions', () => listSessions(stack, token)],
  ['DELETE /auth/sessions/{id}', () => endSession(stack, token, otherSid)],
  ['DELETE /auth/sessions', () => endAll(stack, token)],
  ['POST /logout', () => logout(stack, token)],
];

function expectUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.body?.error, 'store_unavailable', what);
  assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/, `${what}: Retry-After`);
}

for (const mode of ['throw', 'hang']) {
  describe(`a store that ${mode === 'throw' ? 'throws' : 'never answers'}`, () => {
    it('503 store_unavailable with Retry-After on every route that needs it, then the same token works again', T, async () => {
      const user = { sub: `73000000${mode.length}`, email: `${mode}@example.com` };
      const s = await signedIn(stack, { user });
      const other = await signedIn(stack, { user });
      await storeMode(mode);
      try {
        const started = Date.now();
        const answers = await Promise.all(everyStoreRoute(s.token, other.sid).map(async ([what, go]) => [what, await go()]));
        for (const [what, r] of answers) expectUnavailable(r, what);
        if (mode === 'hang') {
          // The Worker's 5 s deadline, not the client's patience, ended them.
          const took = Date.now() - started;
          assert.ok(took >= 4500 && took < 30_000, `answered after ${took} ms`);
        }
        const login = await signIn(stack);
        expectUnavailable(login, 'POST /login');
        assert.match(login.body.message, /sign in again/, 'the sign-in must start again');
        assert.doesNotMatch(login.body.message, /try again in/);
      } finally {
        await storeMode('ok');
      }
      // Nothing the client holds was lost: the same tokens, the same sessions.
      expectOk(await reauth(stack, s.token));
      expectOk(await me(stack, s.token));
      expectOk(await request(stack, 'GET', '/api/whoami', { headers: bearer(s.token) }));
      const list = await listSessions(stack, s.token);
      expectOk(list);
      assert.deepEqual(list.body.sessions.map((x) => x.id).sort(), [s.sid, other.sid].sort());
      expectOk(await logout(stack, other.token));
      expectError(await me(stack, other.token), 401, 'session_ended');
    });
  });
}
