import { module, test } from 'qunit';
import { setupTest, installFakeApi } from 'frontend/tests/helpers';
import TokenAuthenticator from 'frontend/authenticators/token';
import { USER } from 'frontend/tests/helpers/fake-api';

const TORII_RESULT = Object.freeze({
  authorizationCode: '4/0Ab-code',
  provider: 'google-oauth2',
  redirectUri: 'http://localhost:8787/torii/redirect.html',
  state: 'server-state',
});

module('Unit | Authenticator | token', function (hooks) {
  setupTest(hooks);
  installFakeApi(hooks);

  hooks.beforeEach(function () {
    this.authenticator = new TokenAuthenticator(this.owner);
  });

  test('its id is "token"', function (assert) {
    assert.strictEqual(TokenAuthenticator.id, 'token');
  });

  test('authenticate() posts torii’s result and the state to /login', async function (assert) {
    const data = await this.authenticator.authenticate(TORII_RESULT);

    const [call, ...more] = this.api.calls('POST /login');
    assert.strictEqual(more.length, 0, 'one request');
    assert.deepEqual(call.body, {
      authorizationCode: '4/0Ab-code',
      redirectUri: 'http://localhost:8787/torii/redirect.html',
      provider: 'google-oauth2',
      state: 'server-state',
    });
    assert.strictEqual(call.headers['content-type'], 'application/json');
    assert.strictEqual(call.credentials, 'same-origin', 'sends the sign-in cookie');
    assert.deepEqual(data, { auth_token: 'token-1', user_info: USER }, 'session data');
  });

  test('authenticate() without a code fails without calling the server', async function (assert) {
    await assert.rejects(this.authenticator.authenticate({ provider: 'google-oauth2' }), (e) => e.code === 'no_code');
    assert.strictEqual(this.api.requests.length, 0);
  });

  const refusals = [
    [401, 'invalid_grant'],
    [403, 'access_denied'],
    [400, 'invalid_state'],
    [400, 'redirect_uri_not_allowed'],
    [429, 'rate_limited'],
    [500, 'server_misconfigured'],
    [502, 'upstream_error'],
  ];
  for (const [status, code] of refusals) {
    test(`authenticate() rejects with ${code} when /login answers ${status}`, async function (assert) {
      this.api.on('POST /login', {
        status,
        body: { error: code, message: 'One human sentence.' },
        headers: status === 429 ? { 'Retry-After': '30' } : {},
      });
      await assert.rejects(this.authenticator.authenticate(TORII_RESULT), (e) => {
        assert.strictEqual(e.code, code);
        assert.strictEqual(e.status, status);
        if (status === 429) assert.strictEqual(e.retryAfter, 30, 'Retry-After is read');
        return true;
      });
    });
  }

  test('authenticate() turns a non-JSON error page into http_<status>', async function (assert) {
    this.api.on('POST /login', { status: 502, raw: '<html>Bad gateway</html>' });
    await assert.rejects(this.authenticator.authenticate(TORII_RESULT), (e) => e.code === 'http_502' && e.status === 502);
  });

  test('authenticate() reports a network failure as network_error', async function (assert) {
    this.api.on('POST /login', () => {
      throw new TypeError('Failed to fetch');
    });
    await assert.rejects(this.authenticator.authenticate(TORII_RESULT), (e) => e.code === 'network_error');
  });

  test('authenticate() refuses an answer without a token', async function (assert) {
    this.api.on('POST /login', { body: { user_info: USER } });
    await assert.rejects(this.authenticator.authenticate(TORII_RESULT), (e) => e.code === 'bad_response');
  });

  test('restore() posts the token to /reauth and keeps the renewed one', async function (assert) {
    this.api.on('POST /reauth', { body: { auth_token: 'renewed', user_info: USER } });
    const data = await this.authenticator.restore({ auth_token: 'old', user_info: { email: 'stale@example.com' } });

    const [call] = this.api.calls('POST /reauth');
    assert.deepEqual(call.body, { auth_token: 'old' }, 'only the token is sent');
    assert.strictEqual(call.headers['content-type'], 'application/json');
    assert.deepEqual(data, { auth_token: 'renewed', user_info: USER }, 'the answer replaces the session data');
  });

  test('restore() rejects and reports why when /reauth refuses the token', async function (assert) {
    const reported = [];
    this.authenticator.onRestoreFailure = (e) => reported.push(e.code);
    this.api.on('POST /reauth', { status: 401, body: { error: 'token_expired', message: 'Expired.' } });
    await assert.rejects(this.authenticator.restore({ auth_token: 'old' }), (e) => e.code === 'token_expired');
    assert.deepEqual(reported, ['token_expired']);
  });

  test('restore() without a token rejects without calling the server', async function (assert) {
    await assert.rejects(this.authenticator.restore({}));
    await assert.rejects(this.authenticator.restore(undefined));
    assert.strictEqual(this.api.requests.length, 0);
  });

  test('invalidate() resolves without calling the server', async function (assert) {
    await this.authenticator.invalidate({ auth_token: 'x' });
    assert.strictEqual(this.api.requests.length, 0);
  });
});
