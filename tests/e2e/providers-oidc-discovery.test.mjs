// What the OpenID Connect provider's discovery document decides (CONTRACT.md
// "Providers"), each on a Worker of its own (the document is fetched once
// per isolate): an issuer that is not OIDC_ISSUER, client_secret_post when
// that is all it lists, no userinfo endpoint; and Google-only configurations
// untouched by the other providers' code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, startMockIssuer, request, signIn } from '../support/stack.mjs';
import { me } from '../support/sessions.mjs';
import { expectOk, expectError } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const OIDC = 'oidc';

let issuer;
before(async () => {
  issuer = await startMockIssuer();
});
after(async () => {
  await issuer?.stop();
});

/** A Worker of its own with the document as `discovery` says. */
async function withDiscovery(discovery, fn) {
  issuer.reset();
  issuer.setDiscovery(discovery);
  const stack = await startStack({ oidc: issuer });
  try {
    await fn(stack);
  } finally {
    await stack.stop();
    issuer.reset();
  }
}

describe('discovery', () => {
  it("an issuer that is not OIDC_ISSUER: 502 upstream_error, no code sent", T, async () => {
    await withDiscovery({ issuer: 'http://127.0.0.1:1/tenant/v2.0' }, async (stack) => {
      const config = await request(stack, 'GET', '/auth/config');
      expectError(config, 502, 'upstream_error');
      issuer.clearSeen();
      // A code got at the stand-in all the same is never sent to it.
      const r = await signIn(stack, { provider: OIDC });
      expectError(r, 502, 'upstream_error');
      assert.doesNotMatch(r.body.message, /Google/);
      assert.equal(issuer.seen.length, 0, 'no token request');
    });
  });

  it('client_secret_post when that is all the document lists', T, async () => {
    await withDiscovery({ authMethods: ['client_secret_post'] }, async (stack) => {
      issuer.clearSeen();
      const r = await signIn(stack, { provider: OIDC });
      expectOk(r);
      const token = issuer.seen.at(-1);
      assert.equal(token.clientAuth, 'client_secret_post');
      assert.equal(token.params.client_secret, issuer.clientSecret);
    });
  });

  it('no userinfo endpoint: user_info is the id_token claims', T, async () => {
    await withDiscovery({ userinfo: false }, async (stack) => {
      issuer.seenUserinfo.length = 0;
      const r = await signIn(stack, { provider: OIDC });
      expectOk(r);
      assert.equal(issuer.seenUserinfo.length, 0);
      assert.equal(r.body.user_info.provider, OIDC);
      assert.equal(r.body.user_info.iss, issuer.issuer);
      assert.equal(r.body.user_info.aud, issuer.clientId);
      assert.equal(r.body.user_info.email, issuer.user.email);
      expectOk(await me(stack, r.token));
    });
  });
});

describe('configurations', () => {
  it('GitHub and OpenID Connect only: no top-level Google fields', T, async () => {
    const stack = await startStack({
      mock: false,
      github: true,
      oidc: issuer,
      vars: { OAUTH2_CLIENT_ID: undefined },
      secrets: { OAUTH2_CLIENT_SECRET: undefined },
    });
    try {
      const r = await request(stack, 'GET', '/auth/config');
      expectOk(r);
      assert.equal(r.body.client_id, undefined);
      assert.equal(r.body.authorization_endpoint, undefined);
      assert.deepEqual(r.body.providers.map((p) => p.name), ['github-oauth2', OIDC]);
      expectOk(await signIn(stack, { provider: 'github-oauth2' }));
      // Google is named but not configured: its binding is.
      const google = await request(stack, 'POST', '/login', { json: { authorizationCode: 'x' } });
      expectError(google, 500, 'server_misconfigured');
      assert.match(google.body.message, /OAUTH2_CLIENT_ID/);
    } finally {
      await stack.stop();
    }
  });

  it('no provider at all: 500 naming OAUTH2_CLIENT_ID', T, async () => {
    const stack = await startStack({ mock: false, vars: { OAUTH2_CLIENT_ID: undefined } });
    try {
      const r = await request(stack, 'GET', '/auth/config');
      expectError(r, 500, 'server_misconfigured');
      assert.match(r.body.message, /OAUTH2_CLIENT_ID/);
    } finally {
      await stack.stop();
    }
  });
});
