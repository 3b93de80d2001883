// Sign in with GitHub (CONTRACT.md "Providers") over wrangler dev, against
// the GitHub stand-in (tests/mock-github): the whole sign-in through
// /reauth, /api/me and the session list, what the Worker sends GitHub, every
// refusal of the contract, the allow-lists, and the provider bound to the
// sign-in cookie. Runs with the session store and stateless (scripts/e2e.sh).
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, startSignIn, postLogin, authorize, decodeToken } from '../support/stack.mjs';
import { reauth, me, listSessions } from '../support/sessions.mjs';
import { expectOk, expectError } from '../support/expect.mjs';

const T = { timeout: 30_000 };
const GITHUB = 'github-oauth2';

let stack;
let github;

before(async () => {
  stack = await startStack({ github: true });
  github = stack.github;
});
after(async () => {
  await stack?.stop();
});
afterEach(() => {
  github.reset();
  github.clearSeen();
});

const withGitHub = (opts = {}) => signIn(stack, { provider: GITHUB, ...opts });

describe('/auth/config with GitHub beside Google', () => {
  it('lists Google then GitHub, Google still at the top level', T, async () => {
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.deepEqual(
      r.body.providers.map((p) => [p.name, p.label]),
      [['google-oauth2', 'Google'], [GITHUB, 'GitHub']],
    );
    const gh = r.body.providers[1];
    assert.equal(gh.client_id, github.clientId);
    assert.equal(gh.authorization_endpoint, github.authorizeUrl);
    assert.equal(gh.scope, 'read:user user:email');
    assert.equal(r.body.client_id, stack.vars.OAUTH2_CLIENT_ID);
  });
});

describe('a sign-in with GitHub', () => {
  it('signs in, then /reauth, /api/me and the session list take the token', T, async () => {
    const r = await withGitHub();
    expectOk(r);
    assert.deepEqual(r.body.user_info, {
      provider: GITHUB,
      sub: String(github.user.id),
      login: 'octocat',
      name: 'The Octocat',
      email: 'octocat@github.example',
      email_verified: true,
      picture: github.user.avatar_url,
    });
    const again = await reauth(stack, r.token);
    expectOk(again);
    assert.equal(again.body.user_info.login, 'octocat');
    const mine = await me(stack, r.token);
    expectOk(mine);
    assert.deepEqual(mine.body.user_info, r.body.user_info);
    if (stack.sessions) {
      assert.ok(decodeToken(r.token).payload.sid, 'the token names its session');
      const list = await listSessions(stack, r.token);
      expectOk(list);
      assert.equal(list.body.sessions.filter((s) => s.current).length, 1);
    }
  });

  it('sends GitHub what the contract says', T, async () => {
    const r = await withGitHub();
    expectOk(r);
    const [token] = github.seenAt('/login/oauth/access_token');
    assert.equal(token.method, 'POST');
    assert.match(token.headers.accept, /application\/json/);
    const form = Object.fromEntries(new URLSearchParams(token.body));
    assert.equal(form.client_id, github.clientId);
    assert.equal(form.client_secret, github.clientSecret);
    assert.equal(form.code, r.code);
    assert.equal(form.redirect_uri, `${stack.baseUrl}/torii/redirect.html`);
    assert.ok(form.code_verifier, 'the PKCE verifier');
    for (const path of ['/api/user', '/api/user/emails']) {
      const [call] = github.seenAt(path);
      assert.ok(call, `GET ${path}`);
      assert.equal(call.headers.accept, 'application/vnd.github+json');
      assert.ok(call.headers['user-agent'], 'a User-Agent');
      assert.match(call.headers.authorization, /^Bearer gho_/);
    }
  });

  it('two GitHub accounts with one address are two users', T, async () => {
    const a = await withGitHub();
    github.user = { ...github.user, id: 99, login: 'copycat' };
    const b = await withGitHub();
    expectOk(a);
    expectOk(b);
    assert.equal(a.body.user_info.email, b.body.user_info.email);
    assert.notEqual(a.body.user_info.sub, b.body.user_info.sub);
    if (stack.sessions) {
      // Each sees its own sessions only: no linking by email.
      const listA = await listSessions(stack, a.token);
      const listB = await listSessions(stack, b.token);
      const ids = (l) => l.body.sessions.map((s) => s.id);
      assert.ok(ids(listA).every((id) => !ids(listB).includes(id)));
    }
  });
});

describe("GitHub's refusals", () => {
  it('no primary verified email: 403 access_denied', T, async () => {
    github.emails = [
      { email: 'a@primary.example', primary: true, verified: false },
      { email: 'b@secondary.example', primary: false, verified: true },
    ];
    expectError(await withGitHub(), 403, 'access_denied');
  });

  for (const [error, status, code] of [
    ['bad_verification_code', 401, 'invalid_grant'],
    ['incorrect_client_credentials', 500, 'server_misconfigured'],
    ['redirect_uri_mismatch', 400, 'redirect_uri_not_allowed'],
  ]) {
    it(`200 with error ${error}: ${status} ${code}, in our words`, T, async () => {
      github.nextToken = { error };
      const r = await withGitHub();
      expectError(r, status, code);
      assert.doesNotMatch(r.body.message, /docs\.github\.com|incorrect or expired|MUST match/);
      assert.doesNotMatch(r.body.message, /Google/);
    });
  }

  it('a code used twice is bad_verification_code: 401 invalid_grant', T, async () => {
    const first = await withGitHub();
    expectOk(first);
    const start = await startSignIn(stack, { provider: GITHUB });
    const r = await postLogin(
      stack,
      { authorizationCode: first.code, provider: GITHUB, state: start.state, redirectUri: `${stack.baseUrl}/torii/redirect.html` },
      { cookie: start.cookie },
    );
    expectError(r, 401, 'invalid_grant');
  });

  it('the API refusing the token: 502 upstream_error', T, async () => {
    github.nextUser = { status: 401, body: { message: 'Bad credentials' } };
    expectError(await withGitHub(), 502, 'upstream_error');
  });
});

describe('the provider is bound to the sign-in cookie', () => {
  it('a GitHub sign-in posted as Google is 400 invalid_state', T, async () => {
    const start = await startSignIn(stack, { provider: GITHUB });
    const auth = await authorize(stack, { provider: GITHUB, state: start.state, codeChallenge: start.codeChallenge });
    const r = await postLogin(
      stack,
      { authorizationCode: auth.code, provider: 'google-oauth2', state: start.state },
      { cookie: start.cookie },
    );
    expectError(r, 400, 'invalid_state');
    assert.equal(github.seenAt('/login/oauth/access_token').length, 0, 'the code went nowhere');
  });

  it('a Google sign-in posted as GitHub is 400 invalid_state', T, async () => {
    const start = await startSignIn(stack);
    const r = await postLogin(stack, { authorizationCode: 'x', provider: GITHUB, state: start.state }, { cookie: start.cookie });
    expectError(r, 400, 'invalid_state');
  });

  it('an unknown provider is 400 invalid_request at /auth/start and /login', T, async () => {
    expectError(await startSignIn(stack, { provider: 'oidc' }), 400, 'invalid_request');
    const start = await startSignIn(stack, { provider: GITHUB });
    const r = await postLogin(stack, { authorizationCode: 'x', provider: 'gitlab', state: start.state }, { cookie: start.cookie });
    expectError(r, 400, 'invalid_request');
  });
});

describe('allow-lists for GitHub, by its primary verified email', () => {
  let listed;
  before(async () => {
    listed = await startStack({
      github: github,
      vars: { ALLOWED_EMAIL_DOMAINS: 'github.example', ALLOWED_EMAILS: 'someone@elsewhere.example' },
      // The same key: a token from the Worker without lists is checked here too.
      secrets: { SECRET_KEY: stack.secrets.SECRET_KEY },
    });
  });
  after(async () => {
    await listed?.stop();
  });

  it('its primary verified address matches', T, async () => {
    expectOk(await signIn(listed, { provider: GITHUB }));
  });

  it('at every use: a token whose address is not listed is 403 access_denied', T, async () => {
    github.emails = [{ email: 'octocat@other.example', primary: true, verified: true }];
    const r = await signIn(stack, { provider: GITHUB });
    expectOk(r);
    expectError(await me(listed, r.token), 403, 'access_denied');
    expectError(await reauth(listed, r.token), 403, 'access_denied');
  });

  it('a verified secondary address does not', T, async () => {
    github.emails = [
      { email: 'octocat@other.example', primary: true, verified: true },
      { email: 'octocat@github.example', primary: false, verified: true },
    ];
    expectError(await signIn(listed, { provider: GITHUB }), 403, 'access_denied');
  });
});
