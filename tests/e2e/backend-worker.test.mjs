// The app's backend as a Worker (CONTRACT.md "The app's backend" ⊕):
// examples/worker-api bound to edge-login as `BACKEND` (a service binding),
// both run by one `wrangler dev` with two -c configs. No ASSERTION_KEY: over
// a service binding the headers are what edge-login vouched for.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, randomSecret } from '../support/stack.mjs';
import { expectOk, expectError, expectSecurityHeaders } from '../support/expect.mjs';
import { bearer, logout, signedIn } from '../support/sessions.mjs';

const T = { timeout: 60_000 };
let stack;
before(async () => {
  stack = await startStack({ secrets: { SECRET_KEY: randomSecret() }, backendWorker: true });
});
after(async () => {
  await stack?.stop();
});

const api = (method, path, token, opts = {}) =>
  request(stack, method, path, { ...opts, headers: { ...(token ? bearer(token) : {}), ...opts.headers } });

describe('BACKEND, a service binding', () => {
  it('/auth/config says backend: true', T, async () => {
    assert.equal((await request(stack, 'GET', '/auth/config')).body.backend, true);
  });

  it('the notes API through the binding', T, async () => {
    const s = await signedIn(stack);
    const added = await api('POST', '/api/notes', s.token, { json: { text: 'from a Worker' } });
    expectOk(added, 201);
    const list = await api('GET', '/api/notes', s.token);
    expectOk(list);
    assert.deepEqual(list.body.notes, [added.body.note]);
    expectSecurityHeaders(list.headers, 'a forwarded answer');
    assert.equal((await api('DELETE', `/api/notes/${added.body.note.id}`, s.token)).status, 204);
    expectError(await api('DELETE', `/api/notes/${added.body.note.id}`, s.token), 404, 'not_found');
  });

  it('the backend gets the identity headers, never the token, and no assertion without a key', T, async () => {
    const s = await signedIn(stack);
    const r = await api('GET', '/api/whoami', s.token, { headers: { 'x-auth-request-user': 'admin' } });
    expectOk(r);
    assert.equal(r.body.user, s.userInfo.sub);
    assert.equal(r.body.email, s.userInfo.email);
    assert.equal(r.body.headers.authorization, undefined);
    assert.equal(r.body.headers['edge-login-assertion'], undefined);
  });

  it('a refused request is answered by edge-login, not the backend', T, async () => {
    expectError(await api('GET', '/api/notes', undefined), 401, 'invalid_token');
    if (stack.sessions) {
      const s = await signedIn(stack);
      expectOk(await logout(stack, s.token));
      expectError(await api('GET', '/api/notes', s.token), 401, 'session_ended');
    }
  });
});
