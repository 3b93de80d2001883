import { module, test } from 'qunit';
import { visit, currentURL, click, settled, waitFor } from '@ember/test-helpers';
import { setupApplicationTest } from 'frontend/tests/helpers';
import { USER } from 'frontend/tests/helpers/fake-api';
import { signIn } from 'frontend/tests/helpers/sign-in';

module('Acceptance | sign in', function (hooks) {
  setupApplicationTest(hooks);

  test('the home page says you are not signed in', async function (assert) {
    await visit('/');
    assert.dom('[data-test-signed-out]').hasText('You are not signed in.');
    assert.dom('[data-test-nav-sign-in]').exists();
  });

  test('the private page sends you to login, whose button waits for /auth/config and /auth/start', async function (assert) {
    let release;
    const gate = new Promise((r) => (release = r));
    const start = this.api.routes['POST /auth/start'];
    this.api.on('POST /auth/start', async (req) => {
      await gate;
      return start(req);
    });

    const visiting = visit('/private');
    await waitFor('[data-test-sign-in]');
    assert.dom('[data-test-sign-in]').hasAttribute('aria-disabled', 'true', 'not pressable before /auth/start answers');
    // (a plain DOM click: the click() helper would wait for /auth/start)
    document.querySelector('[data-test-sign-in]').click();
    assert.strictEqual(this.popup.opened.length, 0, 'a click before then does nothing');

    release();
    await visiting;
    assert.strictEqual(currentURL(), '/login');
    assert.dom('[data-test-sign-in]').hasAttribute('aria-disabled', 'false');
    assert.dom('[data-test-sign-in]').hasText('Sign in with Google');
    assert.dom('[data-test-nav-sign-in]').doesNotExist('no second "Sign in" on the login page');
    assert.strictEqual(this.api.calls('GET /auth/config').length, 1);
  });

  test('signing in shows the private page with the session’s user and /api/me', async function (assert) {
    await visit('/private');
    await click('[data-test-sign-in]');
    await settled();

    const [opened] = this.popup.opened;
    assert.strictEqual(opened.url.origin + opened.url.pathname, 'https://accounts.example.test/o/oauth2/v2/auth');
    assert.strictEqual(opened.url.searchParams.get('state'), 'state-1', 'the server’s state');
    assert.strictEqual(opened.url.searchParams.get('code_challenge'), 'challenge-1');
    assert.strictEqual(opened.url.searchParams.get('code_challenge_method'), 'S256');

    const [login] = this.api.calls('POST /login');
    assert.deepEqual(login.body, {
      authorizationCode: 'auth-code/1',
      redirectUri: `${window.location.origin}/torii/redirect.html`,
      provider: 'google-oauth2',
      state: 'state-1',
    });

    assert.strictEqual(currentURL(), '/private', 'back to the page that asked for a session');
    assert.dom('[data-test-user-name]').hasText(USER.name);
    assert.dom('[data-test-user-email]').hasText(USER.email);
    assert.dom('[data-test-picture]').hasAttribute('src', USER.picture);
    assert.dom('[data-test-nav-user]').hasText(USER.email);

    const [me] = this.api.calls('GET /api/me');
    assert.strictEqual(me.headers.authorization, 'Bearer token-1');
    assert.dom('[data-test-api-ok]').includesText(USER.email);
    assert.dom('[data-test-api-answer]').includesText('"email": "ada@example.com"');

    assert.strictEqual(this.api.calls('POST /auth/start').length, 2, 'a fresh /auth/start after the attempt');
  });

  test('signing in from the login page lands on the private page; home then says so', async function (assert) {
    await signIn();
    assert.strictEqual(currentURL(), '/private');
    await visit('/');
    assert.dom('[data-test-signed-in]').includesText('Ada Lovelace');
    await visit('/login');
    assert.strictEqual(currentURL(), '/private', 'login is not for signed-in users');
  });

  test('signing out ends the session: /private goes to login again', async function (assert) {
    await signIn();
    await click('[data-test-sign-out]');
    await settled();
    assert.false(this.owner.lookup('service:session').isAuthenticated);
    // (outside tests ember-simple-auth reloads the app at / here)
    await visit('/');
    assert.dom('[data-test-signed-out]').exists();
    await visit('/private');
    assert.strictEqual(currentURL(), '/login');
  });

  test('a picture that does not load shows initials', async function (assert) {
    this.api.on('POST /login', { body: { auth_token: 't', user_info: { ...USER, picture: undefined } } });
    await signIn();
    assert.dom('[data-test-picture]').doesNotExist();
    assert.dom('.avatar-initials').hasText('AL');
  });

  test('an unknown address shows a page, not a blank screen', async function (assert) {
    await visit('/no/such/page');
    assert.dom('h1').hasText('Page not found');
  });
});

module('Acceptance | restoring the session', function (hooks) {
  setupApplicationTest(hooks);

  hooks.beforeEach(async function () {
    // What a previous visit left in the session store.
    const session = this.owner.lookup('service:session');
    await session.store.persist({
      authenticated: { authenticator: 'token', auth_token: 'stored-token', user_info: USER },
    });
  });

  test('a load restores the session through /reauth and keeps the renewed token', async function (assert) {
    this.api.on('POST /reauth', { body: { auth_token: 'renewed-token', user_info: USER } });
    await visit('/private');

    const [reauth] = this.api.calls('POST /reauth');
    assert.deepEqual(reauth.body, { auth_token: 'stored-token' });
    assert.strictEqual(currentURL(), '/private');
    const session = this.owner.lookup('service:session');
    assert.strictEqual(session.data.authenticated.auth_token, 'renewed-token');
    const stored = await session.store.restore();
    assert.strictEqual(stored.authenticated.auth_token, 'renewed-token', 'the renewed token is stored');
    assert.strictEqual(this.api.calls('GET /api/me')[0].headers.authorization, 'Bearer renewed-token');
    assert.dom('[data-test-user-email]').hasText(USER.email);
  });

  test('a refused restore ends the session cleanly and lands on login with a notice', async function (assert) {
    this.api.on('POST /reauth', { status: 401, body: { error: 'token_expired', message: 'Expired.' } });
    await visit('/private');

    assert.strictEqual(currentURL(), '/login');
    const session = this.owner.lookup('service:session');
    assert.false(session.isAuthenticated);
    const stored = await session.store.restore();
    assert.notOk(stored.authenticated?.auth_token, 'the token is gone from the store');
    assert.dom('[data-test-restore-notice]').hasText('Your session has expired. Please sign in again.');
    assert.strictEqual(this.api.calls('GET /api/me').length, 0);
  });

  test('/api/me refusing the token offers to sign in again', async function (assert) {
    this.api.on('GET /api/me', { status: 401, body: { error: 'invalid_token', message: 'Bad.' } });
    await visit('/private');
    assert.dom('[data-test-api-error="invalid_token"]').includesText('Your session is no longer valid');
  });
});
