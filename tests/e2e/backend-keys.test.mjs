// The app's backend (CONTRACT.md "The app's backend" ⊕): the assertion key's
// rotation (the old key published as a fallback still verifies, the new one
// signs), a backend that is down, and the bindings that are wrong. Several
// stacks, one after the other, around one examples/flask-api.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startStack, request, randomSecret, freePort } from '../support/stack.mjs';
import { expectError } from '../support/expect.mjs';
import { bearer, signedIn } from '../support/sessions.mjs';
import { newAssertionKey, startFlaskApi } from '../support/flask-api.mjs';

const T = { timeout: 120_000 };
const KEY = randomSecret();
const kidOf = (jws) => JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString()).kid;

describe('key rotation', () => {
  let api;
  let port;
  before(async () => {
    port = await freePort();
    api = await startFlaskApi({ edgeLoginUrl: `http://127.0.0.1:${port}`, port: await freePort() });
  });
  after(async () => {
    await api?.stop();
  });

  it('after a rotation the old key, published as a fallback, still verifies and the new one signs', T, async () => {
    const oldKey = newAssertionKey();
    const newKey = newAssertionKey();
    const first = await startStack({ port, secrets: { SECRET_KEY: KEY }, backend: { api, key: oldKey } });
    let before;
    let oldJwks;
    try {
      const s = await signedIn(first);
      before = await request(first, 'GET', '/api/whoami', { headers: bearer(s.token) });
      assert.equal(before.status, 200, before.text);
      oldJwks = (await request(first, 'GET', '/.well-known/jwks.json')).body;
    } finally {
      await first.stop();
    }
    const second = await startStack({
      port,
      secrets: { SECRET_KEY: KEY },
      sessions: false,
      backend: { api, key: newKey, fallbacks: [oldKey] },
    });
    try {
      const jwks = (await request(second, 'GET', '/.well-known/jwks.json')).body;
      assert.equal(jwks.keys.length, 2);
      assert.deepEqual(jwks.keys[1], oldJwks.keys[0], 'the old key, as it was published');
      const oldAssertion = before.body.assertion;
      assert.equal(kidOf(oldAssertion), jwks.keys[1].kid);
      const verified = await api.verify(oldAssertion);
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      const s = await signedIn(second);
      const after = await request(second, 'GET', '/api/whoami', { headers: bearer(s.token) });
      assert.equal(after.status, 200, after.text);
      assert.equal(kidOf(after.body.assertion), jwks.keys[0].kid, 'the new key signs');
      assert.notEqual(jwks.keys[0].kid, jwks.keys[1].kid);
    } finally {
      await second.stop();
    }
  });
});

describe('a backend that is down', () => {
  it('is 502 upstream_error naming the app\'s backend', T, async () => {
    const stack = await startStack({ secrets: { SECRET_KEY: KEY }, sessions: false, backend: true });
    try {
      const s = await signedIn(stack);
      await stack.api.stop();
      const r = await request(stack, 'GET', '/api/notes', { headers: bearer(s.token) });
      expectError(r, 502, 'upstream_error');
      assert.match(r.body.message, /app's backend/);
      assert.doesNotMatch(r.body.message, /Google/);
    } finally {
      await stack.stop();
    }
  });
});

describe('wrong bindings', () => {
  it('a key that is not P-256 is 500 naming ASSERTION_KEY, before the token is looked at', T, async () => {
    const p384 = generateKeyPairSync('ec', {
      namedCurve: 'P-384',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const stack = await startStack({ secrets: { SECRET_KEY: KEY }, sessions: false, backend: { key: p384 } });
    try {
      const r = await request(stack, 'GET', '/api/notes');
      expectError(r, 500, 'server_misconfigured');
      assert.match(r.body.message, /ASSERTION_KEY/);
      assert.doesNotMatch(r.body.message, /BEGIN/);
      expectError(await request(stack, 'GET', '/.well-known/jwks.json'), 500, 'server_misconfigured');
      assert.equal((await stack.api.received()).count, 0);
    } finally {
      await stack.stop();
    }
  });

  it('BACKEND_URL off loopback over http, or without ASSERTION_KEY, is 500 naming the binding', T, async () => {
    const stack = await startStack({
      secrets: { SECRET_KEY: KEY },
      sessions: false,
      vars: { BACKEND_URL: 'http://api.example' },
    });
    try {
      const r = await request(stack, 'POST', '/api/notes');
      expectError(r, 500, 'server_misconfigured');
      assert.match(r.body.message, /BACKEND_URL/);
    } finally {
      await stack.stop();
    }
    const keyless = await startStack({ secrets: { SECRET_KEY: KEY }, sessions: false, vars: { BACKEND_URL: 'http://127.0.0.1:9' } });
    try {
      const r = await request(keyless, 'GET', '/api/notes');
      expectError(r, 500, 'server_misconfigured');
      assert.match(r.body.message, /ASSERTION_KEY/);
    } finally {
      await keyless.stop();
    }
  });
});
