import { module, test } from 'qunit';
import { setupTest, installFakePopup } from 'frontend/tests/helpers';

const SETTINGS = Object.freeze({
  authorizationEndpoint: 'https://accounts.example.test/o/oauth2/v2/auth',
  clientId: 'client-123.apps.googleusercontent.com',
  scope: 'openid email profile',
  redirectUri: 'http://127.0.0.1:8787/torii/redirect.html',
  state: 'srv-state_1',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
});

module('Unit | torii | google-oauth2 provider', function (hooks) {
  setupTest(hooks);

  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
    this.provider = this.owner.lookup('torii-provider:google-oauth2');
    this.provider.configure(SETTINGS);
  });

  test('the authorization URL carries the runtime config, the server state and PKCE', function (assert) {
    const url = new URL(this.provider.buildUrl());
    assert.strictEqual(url.origin + url.pathname, SETTINGS.authorizationEndpoint, 'baseUrl from /auth/config');
    const q = Object.fromEntries(url.searchParams);
    assert.deepEqual(q, {
      response_type: 'code',
      client_id: SETTINGS.clientId,
      redirect_uri: SETTINGS.redirectUri,
      state: SETTINGS.state,
      code_challenge: SETTINGS.codeChallenge,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
  });

  test('a new attempt gets a new state and challenge', function (assert) {
    this.provider.configure({ ...SETTINGS, state: 'second', codeChallenge: 'challenge-2' });
    const q = new URL(this.provider.buildUrl()).searchParams;
    assert.strictEqual(q.get('state'), 'second');
    assert.strictEqual(q.get('code_challenge'), 'challenge-2');
  });

  test('open() resolves with torii’s result plus the state', async function (assert) {
    const result = await this.provider.open();
    assert.deepEqual(result, {
      authorizationCode: 'auth-code/1',
      provider: 'google-oauth2',
      redirectUri: SETTINGS.redirectUri,
      state: SETTINGS.state,
    });
    assert.deepEqual(this.popup.opened[0].keys, ['code', 'state', 'error']);
  });

  test('open() refuses an answer whose state is not the server’s', async function (assert) {
    this.popup.answer = () => ({ code: 'c', state: 'forged' });
    await assert.rejects(this.provider.open(), (e) => e.code === 'state_mismatch');
  });

  test('open() reports Google’s refusal', async function (assert) {
    this.popup.answer = (url) => ({ error: 'access_denied', state: url.searchParams.get('state') });
    await assert.rejects(this.provider.open(), (e) => e.code === 'consent_denied');
    this.popup.answer = (url) => ({ error: 'server_error', state: url.searchParams.get('state') });
    await assert.rejects(this.provider.open(), (e) => e.code === 'provider_error' && e.detail === 'server_error');
  });

  test('open() reports an answer without a code', async function (assert) {
    this.popup.answer = (url) => ({ state: url.searchParams.get('state') });
    await assert.rejects(this.provider.open(), (e) => e.code === 'no_code');
  });

  test('open() tells a blocked popup from a closed one', async function (assert) {
    this.popup.answer = () => {
      throw new Error('remote could not open or was closed');
    };
    await assert.rejects(this.provider.open(), (e) => e.code === 'popup_blocked');
    this.popup.answer = () => {
      throw new Error('remote was closed, authorization was denied, or an authentication message otherwise not received before the window closed.');
    };
    await assert.rejects(this.provider.open(), (e) => e.code === 'popup_closed');
  });

  test('open() before configure() fails instead of opening a half-built URL', async function (assert) {
    this.provider.configure({ ...SETTINGS, state: null });
    await assert.rejects(this.provider.open(), (e) => e.code === 'not_ready');
    assert.strictEqual(this.popup.opened.length, 0);
  });
});

module('Unit | torii | popup service', function (hooks) {
  setupTest(hooks);

  test('a popup that looks closed gets a grace period before giving up', function (assert) {
    const popup = this.owner.lookup('torii-service:popup');
    let closes = 0;
    popup.on('didClose', () => closes++);
    const realNow = Date.now;
    let now = 1_000_000;
    Date.now = () => now;
    try {
      popup.remote = { closed: true };
      popup.pollRemote();
      now += 500;
      popup.pollRemote();
      assert.strictEqual(closes, 0, 'still waiting for the redirect page’s answer');
      now += 1500;
      popup.pollRemote();
      assert.strictEqual(closes, 1, 'then the close is reported');
      popup.remote = { closed: false };
      popup._closedSince = null;
      popup.pollRemote();
      assert.strictEqual(closes, 1, 'an open popup is not closed');
    } finally {
      Date.now = realNow;
      popup.remote = null;
    }
  });
});
