import { module, test } from 'qunit';
import { visit, currentURL, click, settled } from '@ember/test-helpers';
import { setupApplicationTest } from 'frontend/tests/helpers';
import { GITHUB_USER, OIDC_USER, PROVIDERS, USER } from 'frontend/tests/helpers/fake-api';

// CONTRACT.md "Providers" from the browser's side: one button per provider
// of /auth/config, in its order; the sign-in cookie holds one provider's
// attempt, so the armed provider opens at once and another one reserves its
// window in the click, then asks /auth/start for itself.

function buttons() {
  return [...document.querySelectorAll('[data-test-sign-in]')].map((b) => [b.getAttribute('data-test-sign-in'), b.textContent.trim()]);
}

module('Acceptance | sign in with GitHub or an OIDC provider', function (hooks) {
  setupApplicationTest(hooks);

  hooks.beforeEach(function () {
    this.api.providers = PROVIDERS;
  });

  test('one button per provider of /auth/config, in its order, with its label', async function (assert) {
    await visit('/login');
    assert.deepEqual(buttons(), [
      ['google-oauth2', 'Sign in with Google'],
      ['github-oauth2', 'Sign in with GitHub'],
      ['oidc', 'Sign in with Contoso'],
    ]);
    assert.dom('[data-test-sign-in-intro]').hasText('Choose how to sign in. The provider asks you to confirm, then brings you back here.');
    const [start, ...more] = this.api.calls('POST /auth/start');
    assert.strictEqual(more.length, 0, 'one attempt prepared');
    assert.deepEqual(start.body, { provider: 'google-oauth2' }, 'for the first provider');
    for (const [name] of buttons()) {
      assert.dom(`[data-test-sign-in="${name}"]`).hasAttribute('aria-disabled', 'false', `${name} can be pressed`);
    }
  });

  test('the order is the server’s, and a provider it does not list gets no button', async function (assert) {
    this.api.providers = [PROVIDERS[2], { ...PROVIDERS[1] }, { name: 'facebook-oauth2', label: 'Facebook', client_id: 'x', authorization_endpoint: 'https://f.test/' }];
    await visit('/login');
    assert.deepEqual(buttons().map(([n]) => n), ['oidc', 'github-oauth2']);
    assert.deepEqual(this.api.calls('POST /auth/start')[0].body, { provider: 'oidc' });
  });

  test('a Worker without `providers` offers Google, from its top-level fields', async function (assert) {
    this.api.providers = null;
    await visit('/login');
    assert.deepEqual(buttons(), [['google-oauth2', 'Sign in with Google']]);
    assert.dom('[data-test-sign-in-intro]').hasText('Use your Google account to sign in. Google asks you to confirm, then brings you back here.');
  });

  test('GitHub: its window is reserved in the click, /auth/start is asked for GitHub, /login gets github-oauth2', async function (assert) {
    this.api.on('POST /login', { body: { auth_token: 'gh-token', user_info: GITHUB_USER } });
    await visit('/private');
    await click('[data-test-sign-in="github-oauth2"]');
    await settled();

    assert.strictEqual(this.popup.reserved, 1, 'a window opened inside the click, before /auth/start answered');
    assert.strictEqual(this.popup.released, 0);
    const starts = this.api.calls('POST /auth/start');
    assert.deepEqual(starts[1].body, { provider: 'github-oauth2' }, 'the second attempt is GitHub’s');

    const [opened] = this.popup.opened;
    assert.strictEqual(opened.url.origin + opened.url.pathname, 'https://github.example.test/login/oauth/authorize');
    assert.strictEqual(opened.url.searchParams.get('client_id'), 'Iv1.github-client');
    assert.strictEqual(opened.url.searchParams.get('scope'), 'read:user user:email');
    assert.strictEqual(opened.url.searchParams.get('state'), 'state-2', 'GitHub’s attempt’s state');
    assert.strictEqual(opened.url.searchParams.get('code_challenge'), 'challenge-2');

    const [login] = this.api.calls('POST /login');
    assert.deepEqual(login.body, {
      authorizationCode: 'auth-code/1',
      redirectUri: `${window.location.origin}/torii/redirect.html`,
      provider: 'github-oauth2',
      state: 'state-2',
    });
    assert.strictEqual(currentURL(), '/private');
    assert.dom('[data-test-user-name]').hasText('The Octocat');
    assert.dom('[data-test-user-email]').hasText(GITHUB_USER.email);
    assert.dom('[data-test-user-provider]').hasText('GitHub', 'the private page says which provider');
  });

  test('the OIDC provider: its endpoint and label come from /auth/config', async function (assert) {
    this.api.on('POST /login', { body: { auth_token: 'oidc-token', user_info: OIDC_USER } });
    await visit('/login');
    await click('[data-test-sign-in="oidc"]');
    await settled();

    assert.deepEqual(this.api.calls('POST /auth/start')[1].body, { provider: 'oidc' });
    const [opened] = this.popup.opened;
    assert.strictEqual(opened.url.origin + opened.url.pathname, 'https://login.contoso.test/tenant/oauth2/v2.0/authorize');
    assert.strictEqual(opened.url.searchParams.get('client_id'), 'oidc-client');
    assert.strictEqual(this.api.calls('POST /login')[0].body.provider, 'oidc');
    assert.dom('[data-test-user-provider]').hasText('Contoso');
  });

  test('Google, the armed provider, opens without reserving a window and the page says Google', async function (assert) {
    await visit('/login');
    await click('[data-test-sign-in="google-oauth2"]');
    await settled();
    assert.strictEqual(this.popup.reserved, 0);
    assert.strictEqual(this.api.calls('POST /login')[0].body.provider, 'google-oauth2');
    assert.dom('[data-test-user-provider]').hasText('Google', 'user_info without `provider` is Google');
    assert.dom('[data-test-user-email]').hasText(USER.email);
  });

  test('after a GitHub attempt fails, GitHub is armed for the next press', async function (assert) {
    await visit('/login');
    this.popup.answer = (url) => ({ error: 'access_denied', state: url.searchParams.get('state') });
    await click('[data-test-sign-in="github-oauth2"]');
    await settled();
    assert.dom('[data-test-error="consent_denied"]').hasText('You cancelled signing in at GitHub. Press “Sign in with GitHub” to try again.');
    const starts = this.api.calls('POST /auth/start');
    assert.deepEqual(starts.map((s) => s.body.provider), ['google-oauth2', 'github-oauth2', 'github-oauth2']);

    this.popup.answer = (url) => ({ code: 'second', state: url.searchParams.get('state') });
    await click('[data-test-sign-in="github-oauth2"]');
    await settled();
    assert.strictEqual(this.popup.reserved, 1, 'the second press opened the armed popup directly');
    assert.deepEqual(this.api.calls('POST /login')[0].body.state, 'state-3');
  });

  test('GitHub’s answer with another state is ignored, in a sentence naming GitHub', async function (assert) {
    await visit('/login');
    this.popup.answer = () => ({ code: 'stolen', state: 'forged' });
    await click('[data-test-sign-in="github-oauth2"]');
    await settled();
    assert.dom('[data-test-error="state_mismatch"]').hasText(
      'The answer from GitHub did not belong to this sign-in attempt, so it was ignored. Press “Sign in with GitHub” to try again.',
    );
    assert.strictEqual(this.api.calls('POST /login').length, 0, 'the code never reaches the server');
  });

  test('/auth/start failing for GitHub closes the reserved window and says why', async function (assert) {
    await visit('/login');
    this.api.on('POST /auth/start', (req) =>
      req.body.provider === 'github-oauth2'
        ? { status: 502, body: { error: 'upstream_error', message: 'GitHub is down.' } }
        : { body: { state: 's', code_challenge: 'c', code_challenge_method: 'S256' } },
    );
    await click('[data-test-sign-in="github-oauth2"]');
    await settled();
    assert.strictEqual(this.popup.released, 1, 'the empty window is closed');
    assert.strictEqual(this.popup.opened.length, 0);
    assert.dom('[data-test-error="upstream_error"] p').hasText('GitHub cannot be reached from the server right now. Please try again in a few minutes.');
  });

  test('a popup blocker refusing even the reserved window: the blocked sentence, nothing sent', async function (assert) {
    await visit('/login');
    this.popup.canReserve = false;
    await click('[data-test-sign-in="oidc"]');
    await settled();
    assert.dom('[data-test-error="popup_blocked"]').includesText('Your browser blocked the Contoso sign-in window.');
    assert.strictEqual(this.api.calls('POST /login').length, 0);
  });
});
