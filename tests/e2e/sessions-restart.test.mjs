// The session store keeps what it holds across restarts of `wrangler dev`:
// the same --persist-to dir, a new process. A live session is
// still live, an ended one still ended. And the allow-lists are applied
// again to every token (CONTRACT.md "Account policy" §): a restart with
// ALLOWED_EMAILS no longer listing the user refuses their live session.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, startMockGoogle, randomSecret } from '../support/stack.mjs';
import { expectOk, expectError } from '../support/expect.mjs';
import { reauth, me, logout, listSessions, signedIn } from '../support/sessions.mjs';

const T = { timeout: 180_000 };
const KEY = randomSecret();
let mock;
let persistTo;

before(async () => {
  mock = await startMockGoogle();
  persistTo = mkdtempSync(path.join(os.tmpdir(), 'edge-login-sessions-'));
});
after(async () => {
  await mock?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

const stackWith = (vars = {}) => startStack({ mock, secrets: { SECRET_KEY: KEY }, persistTo, sessions: true, vars });

describe('the store across restarts', () => {
  it('a live session survives a restart and an ended one stays ended', T, async () => {
    let stack = await stackWith();
    let live;
    let ended;
    try {
      live = await signedIn(stack);
      ended = await signedIn(stack);
      expectOk(await logout(stack, ended.token));
    } finally {
      await stack.stop();
    }
    stack = await stackWith();
    try {
      expectOk(await reauth(stack, live.token));
      expectOk(await me(stack, live.token));
      expectError(await reauth(stack, ended.token), 401, 'session_ended');
      const list = await listSessions(stack, live.token);
      expectOk(list);
      assert.ok(list.body.sessions.some((s) => s.id === live.sid));
      assert.ok(!list.body.sessions.some((s) => s.id === ended.sid));
      const again = await logout(stack, ended.token);
      assert.deepEqual(again.body, { sessions_ended: 0 });
    } finally {
      await stack.stop();
    }
  });

  it('someone removed from ALLOWED_EMAILS is refused at the next request, before the store', T, async () => {
    let stack = await stackWith({ ALLOWED_EMAILS: 'ada@example.com, cy@example.com' });
    let ada;
    try {
      ada = await signedIn(stack);
      expectOk(await reauth(stack, ada.token));
    } finally {
      await stack.stop();
    }
    stack = await stackWith({ ALLOWED_EMAILS: 'cy@example.com' });
    try {
      expectError(await reauth(stack, ada.token), 403, 'access_denied');
      expectError(await me(stack, ada.token), 403, 'access_denied');
      expectError(await listSessions(stack, ada.token), 403, 'access_denied');
      // Signing out is still possible: /logout checks the signature only.
      expectOk(await logout(stack, ada.token));
    } finally {
      await stack.stop();
    }
    stack = await stackWith({ ALLOWED_EMAIL_DOMAINS: 'example.com' });
    try {
      // Allowed again, but the session was signed out meanwhile.
      expectError(await reauth(stack, ada.token), 401, 'session_ended');
    } finally {
      await stack.stop();
    }
  });
});
