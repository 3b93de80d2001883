import { module, test } from 'qunit';
import { visit, currentURL, click, settled } from '@ember/test-helpers';
import { setupApplicationTest } from 'frontend/tests/helpers';
import { USER, NOW } from 'frontend/tests/helpers/fake-api';
import { signedOutMessage } from 'frontend/lib/messages';
import { NOTICE_KEY } from 'frontend/services/session';

// CONTRACT.md § from the browser's side: sign-out that tells the server, the
// "Where you're signed in" card, and what the app does when the server says
// the session is over (401 session_ended, 403 access_denied) or could not
// check it (503 store_unavailable).

const SIGNED_OUT = signedOutMessage({ code: 'session_ended' });

async function signIn() {
  await visit('/login');
  await click('[data-test-sign-in]');
  await settled();
}

function session(owner) {
  return owner.lookup('service:session');
}

module('Acceptance | where you’re signed in', function (hooks) {
  setupApplicationTest(hooks);

  test('without a session store (/auth/config "sessions": false) there is no card', async function (assert) {
    await signIn();
    assert.strictEqual(currentURL(), '/private');
    assert.dom('[data-test-user-email]').hasText(USER.email);
    assert.dom('[data-test-sessions-card]').doesNotExist();
    assert.strictEqual(this.api.calls('GET /auth/sessions').length, 0, 'nothing asked');
  });

  test('the card lists each live session: device, when it started, when last active, This device', async function (assert) {
    this.api.enableSessions();
    await signIn();

    const [list] = this.api.calls('GET /auth/sessions');
    assert.strictEqual(list.headers.authorization, 'Bearer token-1');
    assert.dom('[data-test-sessions-card] h2').hasText('Where you’re signed in');
    const rows = [...document.querySelectorAll('[data-test-session]')];
    assert.deepEqual(
      rows.map((r) => r.getAttribute('data-test-session')),
      ['sid-this', 'sid-phone', 'sid-work'],
      'most recently seen first, as the server sent them',
    );

    assert.dom('[data-test-session="sid-this"] [data-test-session-device]').hasText('Firefox on Linux');
    assert.dom('[data-test-session="sid-this"] [data-test-this-device]').hasText('This device');
    assert.dom('[data-test-session="sid-this"] [data-test-session-started]').hasText('3 days ago');
    assert.dom('[data-test-session="sid-this"] [data-test-session-last-active]').hasText('just now');
    assert.dom('[data-test-session="sid-this"] [data-test-end-session]').doesNotExist('no Sign out on this device’s own row');

    assert.dom('[data-test-session="sid-phone"] [data-test-session-device]').hasText('Safari on iOS');
    assert.dom('[data-test-session="sid-phone"] [data-test-this-device]').doesNotExist();
    assert.dom('[data-test-session="sid-phone"] [data-test-session-started]').hasText('10 days ago');
    assert.dom('[data-test-session="sid-phone"] [data-test-session-last-active]').hasText('2 minutes ago');
    assert
      .dom('[data-test-session="sid-phone"] [data-test-session-last-active]')
      .hasAttribute('datetime', new Date((NOW - 120) * 1000).toISOString());
    assert
      .dom('[data-test-end-session="sid-phone"]')
      .hasText('Sign out')
      .hasAttribute('aria-label', 'Sign out Safari on iOS, last active 2 minutes ago');

    assert.dom('[data-test-session="sid-work"] [data-test-session-device]').hasText('Edge on Windows');
    assert.dom('[data-test-session="sid-work"] [data-test-session-last-active]').hasText('5 hours ago');
    assert.dom('[data-test-sign-out-everywhere]').hasText('Sign out everywhere');
    assert.dom('[data-test-sessions-card]').doesNotIncludeText('Mozilla', 'the raw User-Agent is never shown');
  });

  test('relative times follow the clock', async function (assert) {
    this.api.enableSessions();
    await signIn();
    this.clock.advance(3 * 60);
    await settled();
    assert.dom('[data-test-session="sid-phone"] [data-test-session-last-active]').hasText('5 minutes ago');
  });

  test('"Sign out" on another session ends it (DELETE /auth/sessions/{id}) and it leaves the list', async function (assert) {
    this.api.enableSessions();
    await signIn();
    await click('[data-test-end-session="sid-phone"]');

    const [del, ...more] = this.api.calls('DELETE /auth/sessions/:id');
    assert.strictEqual(more.length, 0);
    assert.strictEqual(del.path, '/auth/sessions/sid-phone');
    assert.strictEqual(del.headers.authorization, 'Bearer token-1');
    assert.notOk(this.api.sessionOf('phone-token'), 'ended on the server');
    assert.dom('[data-test-session="sid-phone"]').doesNotExist();
    assert.dom('[data-test-session]').exists({ count: 2 });
    assert.dom('[data-test-sessions-status]').hasText('Signed out of that device.');
    assert.strictEqual(this.api.calls('GET /auth/sessions').length, 2, 'the list is fetched again');
    assert.true(session(this.owner).isAuthenticated, 'this device stays signed in');
    assert.strictEqual(this.api.calls('POST /logout').length, 0);
  });

  test('ending a session that had ended meanwhile (404) says so and refreshes the list', async function (assert) {
    this.api.enableSessions();
    await signIn();
    this.api.sessions = this.api.sessions.filter((s) => s.id !== 'sid-work');
    await click('[data-test-end-session="sid-work"]');
    assert.dom('[data-test-sessions-status]').hasText('That session had already ended.');
    assert.dom('[data-test-sessions-error]').doesNotExist();
    assert.dom('[data-test-session="sid-work"]').doesNotExist();
  });

  test('the store failing while ending one: a message, nothing signed out, the row still there', async function (assert) {
    this.api.enableSessions();
    await signIn();
    this.api.on('DELETE /auth/sessions/:id', {
      status: 503,
      body: { error: 'store_unavailable', message: 'Down.' },
      headers: { 'Retry-After': '5' },
    });
    await click('[data-test-end-session="sid-phone"]');
    assert.dom('[data-test-sessions-error="store_unavailable"]').includesText('The server could not check your session just now.');
    assert.true(session(this.owner).isAuthenticated);
    assert.dom('[data-test-session="sid-phone"]').exists();
  });

  test('"Sign out everywhere" ends every session (DELETE /auth/sessions) and signs this device out', async function (assert) {
    this.api.enableSessions();
    await signIn();
    await click('[data-test-sign-out-everywhere]');

    const [del, ...more] = this.api.calls('DELETE /auth/sessions');
    assert.strictEqual(more.length, 0);
    assert.strictEqual(del.headers.authorization, 'Bearer token-1');
    assert.deepEqual(this.api.sessions, [], 'every session ended on the server');
    assert.false(session(this.owner).isAuthenticated, 'signed out here');
    assert.strictEqual(this.api.calls('POST /logout').length, 0, 'no /logout for a session the server ended');
    assert.strictEqual(window.sessionStorage.getItem(NOTICE_KEY), 'signed_out_everywhere', 'kept for after the reload');

    // (outside tests ember-simple-auth reloads the app at / here)
    await visit('/');
    assert.dom('[data-test-signed-out]').exists();
    assert.dom('[data-test-signed-out-notice="signed_out_everywhere"]').hasText(signedOutMessage({ code: 'signed_out_everywhere' }));
  });

  test('the list failing with 503: a message and "Try again", still signed in', async function (assert) {
    this.api.enableSessions();
    this.api.on('GET /auth/sessions', { status: 503, body: { error: 'store_unavailable', message: 'Down.' }, headers: { 'Retry-After': '5' } });
    await signIn();
    assert.dom('[data-test-sessions-error="store_unavailable"]').includesText('Please try again in 5 seconds.');
    assert.true(session(this.owner).isAuthenticated);

    this.api.on('GET /auth/sessions', { body: { sessions: [{ id: 'sid-this', created_at: NOW, last_seen_at: NOW, user_agent: '', current: true }] } });
    await click('[data-test-sessions-retry]');
    assert.dom('[data-test-sessions-error]').doesNotExist();
    assert.dom('[data-test-session="sid-this"] [data-test-session-device]').hasText('Unknown device');
  });
});

module('Acceptance | signing out', function (hooks) {
  setupApplicationTest(hooks);

  test('with a session store: POST /logout with the token, then signed out here', async function (assert) {
    this.api.enableSessions();
    await signIn();
    await click('[data-test-sign-out]');

    const [logout, ...more] = this.api.calls('POST /logout');
    assert.strictEqual(more.length, 0, 'one /logout');
    assert.strictEqual(logout.headers.authorization, 'Bearer token-1');
    assert.notOk(this.api.sessionOf('token-1'), 'the session ended on the server');
    assert.false(session(this.owner).isAuthenticated);
    await visit('/');
    assert.dom('[data-test-signed-out]').exists();
    assert.dom('[data-test-signed-out-notice]').doesNotExist('nothing to explain');
  });

  test('without a session store: no /logout (the stateless Worker keeps nothing to end)', async function (assert) {
    await signIn();
    await click('[data-test-sign-out]');
    assert.strictEqual(this.api.calls('POST /logout').length, 0);
    assert.false(session(this.owner).isAuthenticated);
  });

  for (const [what, answer] of [
    ['the server cannot be reached', () => { throw new TypeError('Failed to fetch'); }],
    ['the session store does not answer (503)', { status: 503, body: { error: 'store_unavailable', message: 'Down.' }, headers: { 'Retry-After': '5' } }],
  ]) {
    test(`when ${what}: signed out here anyway, and told the server was not`, async function (assert) {
      this.api.enableSessions();
      await signIn();
      this.api.on('POST /logout', answer);
      await click('[data-test-sign-out]');

      assert.strictEqual(this.api.calls('POST /logout').length, 1);
      assert.false(session(this.owner).isAuthenticated, 'signed out locally');
      const stored = await session(this.owner).store.restore();
      assert.notOk(stored.authenticated?.auth_token, 'the token is gone from the store');
      await visit('/');
      assert
        .dom('[data-test-signed-out-notice="logout_unconfirmed"]')
        .hasText('You are signed out on this device, but the server could not be reached to end the session, so it stays valid there until it expires.');
    });
  }

  test('the notice survives the reload after signing out (sessionStorage), once', async function (assert) {
    window.sessionStorage.setItem(NOTICE_KEY, 'logout_unconfirmed');
    await visit('/');
    assert.dom('[data-test-signed-out-notice="logout_unconfirmed"]').exists();
    assert.strictEqual(window.sessionStorage.getItem(NOTICE_KEY), null, 'read once');
  });

  test('a stored notice the app did not write shows nothing', async function (assert) {
    window.sessionStorage.setItem(NOTICE_KEY, 'Your account is locked. Call 555-0100');
    await visit('/');
    assert.dom('[data-test-signed-out-notice]').doesNotExist();
    assert.notOk(document.querySelector('#ember-testing').innerHTML.includes('555'));
  });
});

module('Acceptance | the server ends the session', function (hooks) {
  setupApplicationTest(hooks);

  test('/api/me answering 401 session_ended: signed out here, the sign-in page says why', async function (assert) {
    this.api.enableSessions();
    this.api.on('GET /api/me', { status: 401, body: { error: 'session_ended', message: 'Ended.' } });
    await signIn();

    assert.strictEqual(currentURL(), '/login');
    assert.false(session(this.owner).isAuthenticated);
    assert.dom('[data-test-signed-out-notice="session_ended"]').hasText(SIGNED_OUT);
    assert.strictEqual(this.api.calls('POST /logout').length, 0, 'the server already knows');
    const stored = await session(this.owner).store.restore();
    assert.notOk(stored.authenticated?.auth_token, 'the token is gone from the store');
  });

  test('ended from another device: the next call (GET /auth/sessions) signs this one out', async function (assert) {
    this.api.enableSessions();
    this.api.on('GET /api/me', { body: { user_info: USER } });
    this.api.sessions = this.api.sessions.filter((s) => s.id !== 'sid-this');
    await signIn();
    assert.strictEqual(currentURL(), '/login');
    assert.dom('[data-test-signed-out-notice="session_ended"]').hasText(SIGNED_OUT);
  });

  test('/api/me answering 403 access_denied: signed out, the account is no longer allowed', async function (assert) {
    this.api.on('GET /api/me', { status: 403, body: { error: 'access_denied', message: 'Not allowed.' } });
    await signIn();
    assert.strictEqual(currentURL(), '/login');
    assert.dom('[data-test-signed-out-notice="no_longer_allowed"]').includesText('no longer allowed');
  });

  test('/api/me answering 401 invalid_token still offers "Sign in again" (not a session end)', async function (assert) {
    this.api.on('GET /api/me', { status: 401, body: { error: 'invalid_token', message: 'Bad.' } });
    await signIn();
    assert.strictEqual(currentURL(), '/private');
    assert.dom('[data-test-api-error="invalid_token"]').exists();
  });
});

module('Acceptance | restoring a session with a session store', function (hooks) {
  setupApplicationTest(hooks);

  hooks.beforeEach(async function () {
    this.api.enableSessions();
    await session(this.owner).store.persist({
      authenticated: { authenticator: 'token', auth_token: 'stored-token', user_info: USER },
    });
  });

  test('/reauth answering 401 session_ended: the sign-in page says this device was signed out', async function (assert) {
    this.api.sessions = this.api.sessions.filter((s) => s.id !== 'sid-this');
    await visit('/private');
    assert.strictEqual(currentURL(), '/login');
    assert.false(session(this.owner).isAuthenticated);
    assert.dom('[data-test-signed-out-notice="session_ended"]').hasText(SIGNED_OUT);
    const stored = await session(this.owner).store.restore();
    assert.notOk(stored.authenticated?.auth_token, 'the token is gone from the store');
  });

  test('/reauth answering 403 access_denied: the account is no longer allowed', async function (assert) {
    this.api.on('POST /reauth', { status: 403, body: { error: 'access_denied', message: 'Not allowed.' } });
    await visit('/private');
    assert.strictEqual(currentURL(), '/login');
    assert
      .dom('[data-test-restore-notice]')
      .hasText('This device was signed out because this account is no longer allowed to use this site.');
  });

  test('/reauth answering 503: still signed in, told it could not be checked, checked again with backoff', async function (assert) {
    this.api.storeDown = true;
    await visit('/private');

    assert.strictEqual(currentURL(), '/private', 'not signed out for it');
    assert.true(session(this.owner).isAuthenticated);
    assert.dom('[data-test-user-email]').hasText(USER.email);
    assert
      .dom('[data-test-session-check="store_unavailable"]')
      .includesText('The server could not check your session just now, so you stay signed in here; it will be checked again in 2 seconds.');
    const stored = await session(this.owner).store.restore();
    assert.strictEqual(stored.authenticated.auth_token, 'stored-token', 'the token is kept');

    assert.deepEqual(this.clock.pending.map((t) => t.ms), [2000], 'a check is due: Retry-After (2 s) and the first backoff step');
    this.clock.fireNext();
    await settled();
    assert.strictEqual(this.api.calls('POST /reauth').length, 2, 'checked again');
    assert.deepEqual(this.clock.pending.map((t) => t.ms), [4000], 'still down: the delay doubles');
    this.clock.fireNext();
    await settled();
    assert.deepEqual(this.clock.pending.map((t) => t.ms), [8000]);
    assert.dom('[data-test-session-check]').includesText('8 seconds');
    assert.true(session(this.owner).isAuthenticated, 'never signed out for it');

    this.api.storeDown = false;
    this.api.on('POST /reauth', { body: { auth_token: 'renewed-token', user_info: USER } });
    this.clock.fireNext();
    await settled();
    assert.dom('[data-test-session-check]').doesNotExist('checked: the message goes');
    assert.deepEqual(this.clock.pending, [], 'no more checks');
    assert.strictEqual(session(this.owner).authToken, 'renewed-token', 'the answer’s token is kept');
    const after = await session(this.owner).store.restore();
    assert.strictEqual(after.authenticated.auth_token, 'renewed-token', 'and stored');
  });

  test('the backoff stops growing at a minute, and a longer Retry-After is honoured', async function (assert) {
    this.api.storeDown = true;
    await visit('/private');
    const delays = [];
    for (let i = 0; i < 7; i++) {
      delays.push(this.clock.pending[0].ms);
      this.clock.fireNext();
      await settled();
    }
    assert.deepEqual(delays, [2000, 4000, 8000, 16000, 32000, 60000, 60000]);

    this.api.on('POST /reauth', { status: 503, body: { error: 'store_unavailable', message: 'Down.' }, headers: { 'Retry-After': '120' } });
    this.clock.fireNext();
    await settled();
    assert.strictEqual(this.clock.pending[0].ms, 120_000);
  });

  test('"Check now" checks at once', async function (assert) {
    this.api.storeDown = true;
    await visit('/private');
    this.api.storeDown = false;
    await click('[data-test-check-now]');
    assert.strictEqual(this.api.calls('POST /reauth').length, 2);
    assert.dom('[data-test-session-check]').doesNotExist();
    assert.deepEqual(this.clock.pending, [], 'the scheduled check is cancelled');
  });

  test('a check that finds the session ended signs this device out, saying why', async function (assert) {
    this.api.storeDown = true;
    await visit('/private');
    this.api.storeDown = false;
    this.api.sessions = [];
    this.clock.fireNext();
    await settled();
    assert.strictEqual(currentURL(), '/login');
    assert.false(session(this.owner).isAuthenticated);
    assert.dom('[data-test-signed-out-notice="session_ended"]').hasText(SIGNED_OUT);
    assert.dom('[data-test-session-check]').doesNotExist();
  });

  test('the server unreachable at restore: kept and checked again, as for 503', async function (assert) {
    this.api.on('POST /reauth', () => {
      throw new TypeError('Failed to fetch');
    });
    await visit('/');
    assert.true(session(this.owner).isAuthenticated);
    assert.dom('[data-test-session-check="network_error"]').includesText('could not be reached');
  });

  test('signing out stops the checks', async function (assert) {
    this.api.storeDown = true;
    await visit('/private');
    this.api.storeDown = false;
    await click('[data-test-sign-out]');
    assert.false(session(this.owner).isAuthenticated);
    assert.deepEqual(this.clock.pending, []);
    assert.dom('[data-test-session-check]').doesNotExist();
  });
});
