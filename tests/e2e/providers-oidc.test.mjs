// Sign in with an OpenID Connect provider (CONTRACT.md "Providers") over
// wrangler dev, against a second oauth2-mock-server as the issuer
// (tests/mock-oidc/issuer.mjs): discovery, the id_token's signature checked
// with WebCrypto (RS256 and ES256; alg none, HS256, a bad signature, an
// unknown key refused), the keys fetched again after a rotation, the
// allow-lists by verified email, and the provider bound to the cookie.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, startSignIn, postLogin, authorize, decodeToken } from '../support/stack.mjs';
import { reauth, me, listSessions } from '../support/sessions.mjs';
import { expectOk, expectError } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const OIDC = 'oidc';

let stack;
let issuer;

before(async () => {
  stack = await startStack({ oidc: true });
  issuer = stack.oidc;
});
after(async () => {
  await stack?.stop();
});
afterEach(() => {
  issuer.nextIdToken = undefined;
  issuer.reset();
});

const withOidc = (target = stack, opts = {}) => signIn(target, { provider: OIDC, ...opts });

describe('/auth/config with an OpenID Connect provider', () => {
  it('lists it after Google, its endpoint from discovery, its name from OIDC_NAME', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.deepEqual(r.body.providers.map((p) => p.name), ['google-oauth2', OIDC]);
    assert.deepEqual(r.body.providers[1], {
      name: OIDC,
      label: 'Corp Directory',
      client_id: issuer.clientId,
      authorization_endpoint: issuer.authorizeUrl,
      scope: 'openid email profile',
    });
  });
});

describe('a sign-in with the OpenID Connect provider', () => {
  it('signs in (RS256), then /reauth, /api/me and the session list take the token', T, async () => {
    const r = await withOidc();
    expectOk(r);
    assert.equal(r.body.user_info.provider, OIDC);
    assert.equal(r.body.user_info.sub, issuer.user.sub);
    assert.equal(r.body.user_info.email, 'grace@corp.example');
    expectOk(await reauth(stack, r.token));
    const mine = await me(stack, r.token);
    expectOk(mine);
    assert.deepEqual(mine.body.user_info, r.body.user_info);
    if (stack.sessions) {
      assert.ok(decodeToken(r.token).payload.sid);
      const list = await listSessions(stack, r.token);
      expectOk(list);
      assert.equal(list.body.sessions.filter((s) => s.current).length, 1);
    }
  });

  it('uses client_secret_basic when the document lists it', T, async () => {
    issuer.clearSeen();
    expectOk(await withOidc());
    assert.equal(issuer.seen.at(-1).clientAuth, 'client_secret_basic');
  });

  it('fetched discovery and the keys once for all these sign-ins', T, async () => {
    // /auth/config and the sign-ins above: one isolate, one fetch of each.
    assert.equal(issuer.seenDiscovery.length, 1, JSON.stringify(issuer.seenDiscovery));
    assert.equal(issuer.seenJwks.length, 1);
  });
});

describe('id_tokens whose signature does not hold are 502 upstream_error', () => {
  for (const how of ['bad-signature', 'alg-none', 'hs256']) {
    it(how, T, async () => {
      issuer.nextIdToken = how;
      const r = await withOidc();
      expectError(r, 502, 'upstream_error');
      assert.doesNotMatch(r.body.message, /Google/);
    });
  }

  it('a kid the JWKS does not hold, the keys unchanged', T, async () => {
    const before = issuer.seenJwks.length;
    issuer.nextIdToken = 'unknown-kid';
    expectError(await withOidc(), 502, 'upstream_error');
    // It looked once more (the first unknown kid), found nothing.
    assert.equal(issuer.seenJwks.length, before + 1);
  });
});

describe('the provider is bound to the sign-in cookie', () => {
  it('an OpenID Connect sign-in posted as Google is 400 invalid_state', T, async () => {
    const start = await startSignIn(stack, { provider: OIDC });
    const auth = await authorize(stack, { provider: OIDC, state: start.state, codeChallenge: start.codeChallenge });
    issuer.clearSeen();
    const r = await postLogin(stack, { authorizationCode: auth.code, provider: 'google-oauth2', state: start.state }, { cookie: start.cookie });
    expectError(r, 400, 'invalid_state');
    assert.equal(issuer.seen.length, 0, 'the code went nowhere');
  });
});

describe('allow-lists for the OpenID Connect provider, by verified email', () => {
  let listed;
  before(async () => {
    listed = await startStack({
      oidc: issuer,
      vars: { ALLOWED_EMAIL_DOMAINS: 'corp.example' },
      // The same key: a token from the Worker without lists is checked here too.
      secrets: { SECRET_KEY: stack.secrets.SECRET_KEY },
    });
  });
  after(async () => {
    await listed?.stop();
  });

  it('a verified address in the list signs in', T, async () => {
    expectOk(await withOidc(listed));
  });

  it('the same address unverified is 403 access_denied', T, async () => {
    issuer.setUser({ email_verified: false });
    expectError(await withOidc(listed), 403, 'access_denied');
  });

  it('without allow-lists, an unverified address signs in', T, async () => {
    issuer.setUser({ email_verified: false });
    expectOk(await withOidc(stack));
  });

  it('at every use: an unverified address in a listed domain is 403 access_denied', T, async () => {
    issuer.setUser({ email_verified: false });
    const r = await withOidc(stack);
    expectOk(r);
    expectError(await me(listed, r.token), 403, 'access_denied');
  });

  it('an address outside the list is 403 access_denied', T, async () => {
    issuer.setUser({ email: 'grace@elsewhere.example' });
    expectError(await withOidc(listed), 403, 'access_denied');
  });
});

// Last: a rotation leaves this file's Worker with keys it may not fetch
// again for a minute.
describe('key rotation', () => {
  it('within a minute of the last refetch, a new kid is not fetched again', T, async () => {
    // The previous test's unknown kid refetched the keys just now.
    const before = issuer.seenJwks.length;
    issuer.rotate();
    expectError(await withOidc(), 502, 'upstream_error');
    assert.equal(issuer.seenJwks.length, before, 'no fetch within the minute');
  });

  it('on a fresh Worker, a rotation after the first sign-in is picked up (ES256)', T, async () => {
    const fresh = await startStack({ oidc: issuer });
    try {
      expectOk(await withOidc(fresh));
      const fetched = issuer.seenJwks.length;
      issuer.rotate({ alg: 'ES256' });
      const r = await withOidc(fresh);
      expectOk(r);
      assert.equal(issuer.seenJwks.length, fetched + 1, 'the keys fetched again, once');
      expectOk(await withOidc(fresh));
      assert.equal(issuer.seenJwks.length, fetched + 1, 'and then reused');
    } finally {
      await fresh.stop();
    }
  });
});
