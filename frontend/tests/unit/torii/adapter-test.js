import { module, test } from 'qunit';
import { setupTest, installFakePopup } from 'frontend/tests/helpers';
import {
  CLOSE_GRACE_MS,
  GoogleProvider,
  GracefulPopupService,
  ToriiSessionStub,
  GithubProvider,
  OidcProvider,
  authorizationUrl,
  configurePopup,
  openPopup,
  replacePopupService,
} from 'frontend/torii/adapter';

const G = 'google-oauth2';
const configureGooglePopup = (owner, settings) => configurePopup(owner, G, settings);
const googleAuthorizationUrl = (owner) => authorizationUrl(owner, G);
const openGooglePopup = (owner) => openPopup(owner, G);

const SETTINGS = Object.freeze({
  authorizationEndpoint: 'https://accounts.example.test/o/oauth2/v2/auth',
  clientId: 'client-123.apps.googleusercontent.com',
  scope: 'openid email profile',
  redirectUri: 'http://127.0.0.1:8787/torii/redirect.html',
  state: 'srv-state_1',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
});

// Every source file of the app, as text (Vite's ?raw): the adapter's promise
// is about where torii is used, so it is checked on the sources themselves.
const SOURCES = import.meta.glob('/app/**/*.{js,gjs}', { query: '?raw', import: 'default', eager: true });

module('Unit | torii adapter | what torii sees', function (hooks) {
  setupTest(hooks);

  test('this app’s provider and popup service are the ones torii looks up', function (assert) {
    assert.ok(this.owner.lookup('torii-provider:google-oauth2') instanceof GoogleProvider, 'Google');
    assert.ok(this.owner.lookup('torii-provider:github-oauth2') instanceof GithubProvider, 'GitHub');
    assert.ok(this.owner.lookup('torii-provider:oidc') instanceof OidcProvider, 'OIDC');
    assert.ok(this.owner.lookup('torii-service:popup') instanceof GracefulPopupService, 'popup service');
    assert.ok(this.owner.lookup('service:torii-session') instanceof ToriiSessionStub, 'torii’s session service is the stub');
  });

  test('replacePopupService() swaps the window torii opens', function (assert) {
    class Stand {
      static create() {
        return new Stand();
      }
    }
    const popup = replacePopupService(this.owner, Stand);
    assert.ok(popup instanceof Stand);
    assert.strictEqual(this.owner.lookup('torii-service:popup'), popup);
  });

  test('only the adapter imports torii; the shadowing files only re-export from it', function (assert) {
    const paths = Object.keys(SOURCES);
    assert.ok(paths.includes('/app/torii/adapter.js'), `the sources are read (${paths.length} files)`);
    assert.ok(paths.length > 20, 'all of them');

    const importsTorii = /from\s+['"]torii(\/|['"])|import\s+['"]torii\//;
    const usesToriiNames = /['"`](torii-provider|torii-service|service:torii)[:'"`]/;
    const offenders = paths.filter(
      (p) => p !== '/app/torii/adapter.js' && (importsTorii.test(SOURCES[p]) || usesToriiNames.test(SOURCES[p])),
    );
    assert.deepEqual(offenders, [], 'no other module imports torii or uses its container names');

    const shadows = {
      '/app/initializers/edge-torii.js': 'edgeToriiInitializer',
      '/app/initializers/initialize-torii-callback.js': 'toriiCallbackInitializer',
      '/app/initializers/initialize-torii-session.js': 'toriiSessionInitializer',
      '/app/instance-initializers/setup-routes.js': 'toriiSetupRoutesInitializer',
      '/app/services/torii-session.js': 'ToriiSessionStub',
    };
    for (const [path, name] of Object.entries(shadows)) {
      assert.strictEqual(
        SOURCES[path]?.trim(),
        `export { ${name} as default } from '../torii/adapter';`,
        `${path} is one re-export`,
      );
    }
  });
});

module('Unit | torii adapter | the Google popup', function (hooks) {
  setupTest(hooks);

  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
    configureGooglePopup(this.owner, SETTINGS);
  });

  test('the authorization URL carries the runtime config, the server state and PKCE', function (assert) {
    const url = new URL(googleAuthorizationUrl(this.owner));
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
    configureGooglePopup(this.owner, { ...SETTINGS, state: 'second', codeChallenge: 'challenge-2' });
    const q = new URL(googleAuthorizationUrl(this.owner)).searchParams;
    assert.strictEqual(q.get('state'), 'second');
    assert.strictEqual(q.get('code_challenge'), 'challenge-2');
  });

  test('openGooglePopup() opens the authorization URL and resolves with POST /login’s body', async function (assert) {
    const result = await openGooglePopup(this.owner);
    assert.deepEqual(result, {
      authorizationCode: 'auth-code/1',
      provider: 'google-oauth2',
      redirectUri: SETTINGS.redirectUri,
      state: SETTINGS.state,
    });
    assert.strictEqual(this.popup.opened.length, 1);
    assert.strictEqual(this.popup.opened[0].url.href, googleAuthorizationUrl(this.owner));
    assert.deepEqual(this.popup.opened[0].keys, ['code', 'state', 'error']);
    assert.strictEqual(this.popup.opened[0].options.width, 500);
  });

  test('openGooglePopup() refuses an answer whose state is not the server’s', async function (assert) {
    this.popup.answer = () => ({ code: 'c', state: 'forged' });
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'state_mismatch');
  });

  test('openGooglePopup() reports Google’s refusal by its kind', async function (assert) {
    this.popup.answer = (url) => ({ error: 'access_denied', state: url.searchParams.get('state') });
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'consent_denied');
    this.popup.answer = (url) => ({ error: 'server_error', state: url.searchParams.get('state') });
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'provider_unavailable');
  });

  test('openGooglePopup() reports an answer without a code', async function (assert) {
    this.popup.answer = (url) => ({ state: url.searchParams.get('state') });
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'no_code');
  });

  test('openGooglePopup() tells a blocked popup from a closed one', async function (assert) {
    this.popup.answer = () => {
      throw new Error('remote could not open or was closed');
    };
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'popup_blocked');
    this.popup.answer = () => {
      throw new Error('remote was closed, authorization was denied, or an authentication message otherwise not received before the window closed.');
    };
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'popup_closed');
  });

  test('openGooglePopup() before it is configured fails instead of opening a half-built URL', async function (assert) {
    configureGooglePopup(this.owner, { ...SETTINGS, state: null });
    await assert.rejects(openGooglePopup(this.owner), (e) => e.code === 'not_ready');
    assert.strictEqual(this.popup.opened.length, 0);
  });
});

module('Unit | torii adapter | GitHub and the OIDC provider', function (hooks) {
  setupTest(hooks);

  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
  });

  for (const [name, endpoint, clientId, scope] of [
    ['github-oauth2', 'https://github.example.test/login/oauth/authorize', 'Iv1.abc', 'read:user user:email'],
    ['oidc', 'https://login.contoso.test/tenant/oauth2/v2.0/authorize', 'oidc-client', 'openid email profile'],
  ]) {
    test(`${name}: the URL is /auth/config's endpoint with its client, scope, the state and PKCE`, async function (assert) {
      configurePopup(this.owner, name, { ...SETTINGS, authorizationEndpoint: endpoint, clientId, scope });
      const url = new URL(authorizationUrl(this.owner, name));
      assert.strictEqual(url.origin + url.pathname, endpoint);
      assert.deepEqual(Object.fromEntries(url.searchParams), {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: SETTINGS.redirectUri,
        state: SETTINGS.state,
        code_challenge: SETTINGS.codeChallenge,
        code_challenge_method: 'S256',
        scope,
      });

      const result = await openPopup(this.owner, name);
      assert.deepEqual(result, { authorizationCode: 'auth-code/1', provider: name, redirectUri: SETTINGS.redirectUri, state: SETTINGS.state });
      assert.strictEqual(this.popup.opened[0].url.href, url.href);
    });

    test(`${name}: the popup's state is checked before its error or code`, async function (assert) {
      configurePopup(this.owner, name, { ...SETTINGS, authorizationEndpoint: endpoint, clientId, scope });
      this.popup.answer = () => ({ error: 'access_denied', state: 'forged' });
      await assert.rejects(openPopup(this.owner, name), (e) => e.code === 'state_mismatch');
      this.popup.answer = (u) => ({ error: '<b>evil</b>', state: u.searchParams.get('state') });
      await assert.rejects(openPopup(this.owner, name), (e) => e.code === 'provider_error' && !e.message.includes('evil'));
    });
  }

  test('configuring one provider leaves the others as they were', function (assert) {
    configurePopup(this.owner, 'github-oauth2', { ...SETTINGS, state: 'github-state' });
    configurePopup(this.owner, G, { ...SETTINGS, state: 'google-state' });
    assert.strictEqual(new URL(authorizationUrl(this.owner, 'github-oauth2')).searchParams.get('state'), 'github-state');
  });

  test('an unknown provider name is refused, not looked up', async function (assert) {
    await assert.rejects(openPopup(this.owner, 'facebook-oauth2'), (e) => e.code === 'not_ready');
    assert.strictEqual(this.popup.opened.length, 0);
  });
});

module('Unit | torii adapter | popup window service', function (hooks) {
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
      now += CLOSE_GRACE_MS - 1;
      popup.pollRemote();
      assert.strictEqual(closes, 0, 'still waiting for the redirect page’s answer');
      now += 1;
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

  test('a window reserved in the click is the one sent to the provider, and released when unused', function (assert) {
    const popup = this.owner.lookup('torii-service:popup');
    const realOpen = window.open;
    const opened = [];
    const fakeWindow = () => ({
      closed: false,
      replaced: [],
      location: {
        replace(url) {
          this.owner.replaced.push(url);
        },
      },
      close() {
        this.closed = true;
      },
    });
    window.open = (...args) => {
      const w = fakeWindow();
      w.location.owner = w;
      opened.push({ args, w });
      return w;
    };
    try {
      assert.true(popup.reserve(), 'a window opened');
      assert.strictEqual(opened[0].args[0], 'about:blank', 'empty, its address to come');
      popup.openRemote('https://github.example.test/login/oauth/authorize?state=s', 'key', {});
      assert.strictEqual(opened.length, 1, 'no second window');
      assert.deepEqual(opened[0].w.replaced, ['https://github.example.test/login/oauth/authorize?state=s']);
      assert.strictEqual(popup.remote, opened[0].w);

      popup.remote = null;
      popup.reserve();
      popup.release();
      assert.true(opened[1].w.closed, 'an unused reserved window is closed');
      popup.openRemote('https://accounts.example.test/auth', 'key', {});
      assert.strictEqual(opened.length, 3, 'without a reservation, a window of its own (torii’s way)');
    } finally {
      window.open = realOpen;
      popup.remote = null;
    }
  });

  test('a popup blocker refusing the reserved window is reported', function (assert) {
    const popup = this.owner.lookup('torii-service:popup');
    const realOpen = window.open;
    window.open = () => null;
    try {
      assert.false(popup.reserve());
    } finally {
      window.open = realOpen;
    }
  });

  test('a popup that reopens restarts the grace period', function (assert) {
    const popup = this.owner.lookup('torii-service:popup');
    let closes = 0;
    popup.on('didClose', () => closes++);
    const realNow = Date.now;
    let now = 1_000_000;
    Date.now = () => now;
    try {
      popup.remote = { closed: true };
      popup.pollRemote();
      now += CLOSE_GRACE_MS - 100;
      popup.remote.closed = false;
      popup.pollRemote();
      popup.remote.closed = true;
      popup.pollRemote();
      now += CLOSE_GRACE_MS - 1;
      popup.pollRemote();
      assert.strictEqual(closes, 0, 'counted from the last time it looked closed');
    } finally {
      Date.now = realNow;
      popup.remote = null;
    }
  });
});
