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

  for (const [what, answer, code] of [
    ['503 store_unavailable', { status: 503, body: { error: 'store_unavailable', message: 'Store down.' }, headers: { 'Retry-After': '3' } }, 'store_unavailable'],
    ['a network failure', () => { throw new TypeError('Failed to fetch'); }, 'network_error'],
    ['a proxy’s 504 page', { status: 504, raw: '<html>Gateway Timeout</html>' }, 'http_504'],
  ]) {
    test(`restore() keeps the session, unchecked, on ${what}`, async function (assert) {
      const unchecked = [];
      const failures = [];
      this.authenticator.onRestoreUnchecked = (e) => unchecked.push(e);
      this.authenticator.onRestoreFailure = (e) => failures.push(e);
      this.api.on('POST /reauth', answer);
      const data = { auth_token: 'kept', user_info: USER };
      assert.deepEqual(await this.authenticator.restore(data), data, 'resolves with the stored data: still signed in');
      assert.deepEqual(unchecked.map((e) => e.code), [code]);
      if (code === 'store_unavailable') assert.strictEqual(unchecked[0].retryAfter, 3);
      assert.deepEqual(failures, [], 'not reported as a refusal');
    });
  }

  for (const [status, code] of [[401, 'session_ended'], [401, 'invalid_token'], [403, 'access_denied'], [500, 'server_misconfigured']]) {
    test(`restore() drops the session on ${status} ${code}`, async function (assert) {
      const unchecked = [];
      this.authenticator.onRestoreUnchecked = (e) => unchecked.push(e);
      this.api.on('POST /reauth', { status, body: { error: code, message: 'No.' } });
      await assert.rejects(this.authenticator.restore({ auth_token: 'old' }), (e) => e.code === code);
      assert.deepEqual(unchecked, []);
    });
  }

  test('restore() without a token rejects without calling the server', async function (assert) {
    await assert.rejects(this.authenticator.restore({}));
    await assert.rejects(this.authenticator.restore(undefined));
    assert.strictEqual(this.api.requests.length, 0);
  });

  test('invalidate() without a session store does not call the server', async function (assert) {
    this.authenticator.sessionsEnabled = () => Promise.resolve(false);
    await this.authenticator.invalidate({ auth_token: 'x' });
    assert.strictEqual(this.api.requests.length, 0);
  });

  module('with a session store', function (hooks) {
    hooks.beforeEach(function () {
      this.api.enableSessions();
      this.authenticator.sessionsEnabled = () => Promise.resolve(true);
      this.unconfirmed = [];
      this.authenticator.onLogoutUnconfirmed = (e) => this.unconfirmed.push(e.code);
    });

    test('invalidate() ends the session at POST /logout with the bearer token', async function (assert) {
      await this.authenticator.invalidate({ auth_token: 'token-1' });
      const [call, ...more] = this.api.calls('POST /logout');
      assert.strictEqual(more.length, 0, 'one request');
      assert.strictEqual(call.headers.authorization, 'Bearer token-1');
      assert.strictEqual(call.headers['content-type'], 'application/json');
      assert.deepEqual(call.body, {});
      assert.notOk(this.api.sessionOf('token-1'), 'the session ended on the server');
      assert.deepEqual(this.unconfirmed, []);
    });

    test('invalidate() of a session that had ended already is quiet (sessions_ended 0)', async function (assert) {
      await this.authenticator.invalidate({ auth_token: 'gone-token' });
      assert.strictEqual(this.api.calls('POST /logout').length, 1);
      assert.deepEqual(this.unconfirmed, []);
    });

    test('invalidate() taking 401 from /logout is quiet: the server holds no session for it', async function (assert) {
      this.api.on('POST /logout', { status: 401, body: { error: 'invalid_token', message: 'Bad signature.' } });
      await this.authenticator.invalidate({ auth_token: 'token-1' });
      assert.deepEqual(this.unconfirmed, []);
    });

    for (const [what, answer, code] of [
      ['the network fails', () => { throw new TypeError('Failed to fetch'); }, 'network_error'],
      ['the store does not answer (503)', { status: 503, body: { error: 'store_unavailable', message: 'Down.' } }, 'store_unavailable'],
      ['a proxy answers 502', { status: 502, raw: '<html>Bad gateway</html>' }, 'http_502'],
    ]) {
      test(`invalidate() still resolves, and says the server was not told, when ${what}`, async function (assert) {
        this.api.on('POST /logout', answer);
        await this.authenticator.invalidate({ auth_token: 'token-1' });
        assert.deepEqual(this.unconfirmed, [code]);
      });
    }

    test('invalidate() when /auth/config cannot be fetched: resolves, not told', async function (assert) {
      this.authenticator.sessionsEnabled = () => Promise.reject(Object.assign(new Error('x'), { code: 'network_error' }));
      await this.authenticator.invalidate({ auth_token: 'token-1' });
      assert.deepEqual(this.unconfirmed, ['network_error']);
      assert.strictEqual(this.api.calls('POST /logout').length, 0);
    });

    test('invalidate() after the server ended the session does not call it again', async function (assert) {
      await this.authenticator.invalidate({ auth_token: 'token-1' }, { serverKnows: true });
      assert.strictEqual(this.api.requests.length, 0);
    });
  });
});
