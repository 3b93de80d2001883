import { module, test } from 'qunit';
import { settled } from '@ember/test-helpers';
import { setupTest, installFakeApi, installFakePopup } from 'frontend/tests/helpers';
import { authorizationUrl } from 'frontend/torii/adapter';

const googleAuthorizationUrl = (owner) => authorizationUrl(owner, 'google-oauth2');

module('Unit | Service | sign-in', function (hooks) {
  setupTest(hooks);
  installFakeApi(hooks);

  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
    this.signIn = this.owner.lookup('service:sign-in');
  });

  test('prepare() fetches /auth/config once and /auth/start each time', async function (assert) {
    assert.strictEqual(this.signIn.status, 'idle');
    await this.signIn.prepare();
    assert.strictEqual(this.signIn.status, 'ready');
    await this.signIn.prepare();
    assert.strictEqual(this.api.calls('GET /auth/config').length, 1);
    const starts = this.api.calls('POST /auth/start');
    assert.strictEqual(starts.length, 2);
    assert.deepEqual(starts[0].body, { provider: 'google-oauth2' }, 'the provider it is for');
    assert.strictEqual(starts[0].headers['content-type'], 'application/json');
    assert.strictEqual(starts[0].credentials, 'same-origin');

    const q = new URL(googleAuthorizationUrl(this.owner)).searchParams;
    assert.strictEqual(q.get('state'), 'state-2', 'the latest attempt’s state');
    assert.strictEqual(q.get('redirect_uri'), `${window.location.origin}/torii/redirect.html`);
  });

  test('signIn() opens the popup synchronously, before anything is awaited', async function (assert) {
    await this.signIn.prepare();
    const attempt = this.signIn.signIn();
    assert.strictEqual(this.popup.opened.length, 1, 'the popup opened inside the call');
    assert.strictEqual(this.signIn.status, 'busy');
    await attempt;
    await settled();
    assert.strictEqual(this.api.calls('POST /login')[0].body.state, 'state-1');
    assert.strictEqual(this.signIn.status, 'ready', 'ready again after a fresh /auth/start');
    assert.strictEqual(this.api.calls('POST /auth/start').length, 2);
  });

  test('signIn() does nothing until ready', async function (assert) {
    this.api.on('POST /auth/start', { status: 429, body: { error: 'rate_limited', message: 'Slow down.' }, headers: { 'Retry-After': '12' } });
    await this.signIn.prepare();
    assert.strictEqual(this.signIn.status, 'unavailable');
    assert.strictEqual(this.signIn.errorCode, 'rate_limited');
    assert.ok(this.signIn.errorMessage.includes('12 seconds'));
    await this.signIn.signIn();
    assert.strictEqual(this.popup.opened.length, 0);
  });

  test('an attempt about to expire is renewed on the login page, and dropped elsewhere', async function (assert) {
    const renewals = [];
    const realSetTimeout = window.setTimeout;
    window.setTimeout = (fn, ms, ...rest) => {
      if (ms === 8 * 60 * 1000) {
        renewals.push(fn);
        return 0;
      }
      return realSetTimeout(fn, ms, ...rest);
    };
    try {
      await this.signIn.prepare();
      assert.strictEqual(renewals.length, 1, 'a renewal is scheduled');
      const router = this.owner.lookup('service:router');

      Object.defineProperty(router, 'currentRouteName', { value: 'private', configurable: true });
      renewals[0]();
      assert.strictEqual(this.signIn.status, 'idle', 'off the login page: forgotten');
      assert.strictEqual(this.api.calls('POST /auth/start').length, 1);

      await this.signIn.prepare();
      Object.defineProperty(router, 'currentRouteName', { value: 'login', configurable: true });
      renewals[1]();
      await settled();
      assert.strictEqual(this.api.calls('POST /auth/start').length, 3, 'on the login page: a fresh /auth/start');
      assert.strictEqual(this.signIn.status, 'ready');
    } finally {
      window.setTimeout = realSetTimeout;
    }
  });
});
