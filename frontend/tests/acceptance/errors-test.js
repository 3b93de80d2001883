import { module, test } from 'qunit';
import { visit, currentURL, click, settled } from '@ember/test-helpers';
import { setupApplicationTest } from 'frontend/tests/helpers';
import { PROVIDER_ERRORS } from 'frontend/lib/popup-answer';
import { messageFor } from 'frontend/lib/messages';

// Each way signing in can fail: the login page says so in a sentence, stays
// usable, and the button works again after a fresh /auth/start.
const FAILURES = [
  {
    name: 'Google refuses the code',
    code: 'invalid_grant',
    login: { status: 401, body: { error: 'invalid_grant', message: 'Google refused the code.' } },
    text: 'Google did not accept the sign-in',
  },
  {
    name: 'the account policy refuses the user (403)',
    code: 'access_denied',
    login: { status: 403, body: { error: 'access_denied', message: 'Not allowed.' } },
    text: 'This Google account is not allowed to sign in here.',
  },
  {
    name: 'the sign-in cookie is missing or stale',
    code: 'invalid_state',
    login: { status: 400, body: { error: 'invalid_state', message: 'Bad state.' } },
    text: 'This sign-in attempt expired',
  },
  {
    name: 'rate limited',
    code: 'rate_limited',
    login: { status: 429, body: { error: 'rate_limited', message: 'Slow down.' }, headers: { 'Retry-After': '42' } },
    text: 'Please wait 42 seconds',
  },
  {
    name: 'Google is down (502)',
    code: 'upstream_error',
    login: { status: 502, body: { error: 'upstream_error', message: 'Google is down.' } },
    text: 'Google cannot be reached',
  },
  {
    name: 'the server is down (a proxy’s 502 page)',
    code: 'http_502',
    login: { status: 502, raw: '<html><h1>502 Bad Gateway</h1></html>' },
    text: 'The sign-in server is not answering right now.',
  },
  {
    name: 'the network fails',
    code: 'network_error',
    login: () => {
      throw new TypeError('Failed to fetch');
    },
    text: 'The server cannot be reached.',
  },
  {
    name: 'the popup is blocked',
    code: 'popup_blocked',
    popup: () => {
      throw new Error('remote could not open or was closed');
    },
    text: 'Your browser blocked the Google sign-in window.',
  },
  {
    name: 'the user closes the popup',
    code: 'popup_closed',
    popup: () => {
      throw new Error('remote was closed, authorization was denied, or an authentication message otherwise not received before the window closed.');
    },
    text: 'The Google sign-in window was closed',
  },
  {
    name: 'the user cancels at Google',
    code: 'consent_denied',
    popup: (url) => ({ error: 'access_denied', state: url.searchParams.get('state') }),
    text: 'You cancelled signing in at Google.',
  },
  {
    name: 'the popup answers with another attempt’s state',
    code: 'state_mismatch',
    popup: () => ({ code: 'c', state: 'someone-elses' }),
    text: 'did not belong to this sign-in attempt',
  },
  {
    name: 'Google is having trouble (server_error)',
    code: 'provider_unavailable',
    popup: (url) => ({ error: 'server_error', state: url.searchParams.get('state') }),
    text: 'Google could not handle the sign-in just now.',
  },
];

module('Acceptance | sign-in errors', function (hooks) {
  setupApplicationTest(hooks);

  for (const failure of FAILURES) {
    test(`${failure.name}: a message, and the button works again`, async function (assert) {
      if (failure.login) this.api.on('POST /login', failure.login);
      if (failure.popup) this.popup.answer = failure.popup;

      await visit('/login');
      await click('[data-test-sign-in]');
      await settled();

      assert.strictEqual(currentURL(), '/login');
      assert.dom(`[data-test-error="${failure.code}"]`).exists();
      assert.dom('[role="alert"]').includesText(failure.text);
      assert.dom('[role="alert"]').doesNotIncludeText('{', 'no raw JSON');
      assert.false(this.owner.lookup('service:session').isAuthenticated);
      if (failure.popup) {
        assert.strictEqual(this.api.calls('POST /login').length, 0, 'nothing sent to /login');
      }

      // A fresh /auth/start, then the button is usable again, and works.
      assert.strictEqual(this.api.calls('POST /auth/start').length, 2, 'a fresh /auth/start');
      assert.dom('[data-test-sign-in]').hasAttribute('aria-disabled', 'false');
      this.api.on('POST /login', { body: { auth_token: 't2', user_info: { email: 'ada@example.com', name: 'Ada' } } });
      this.popup.answer = (url) => ({ code: 'second', state: url.searchParams.get('state') });
      await click('[data-test-sign-in]');
      await settled();
      assert.strictEqual(currentURL(), '/private');
      const logins = this.api.calls('POST /login');
      assert.strictEqual(logins.at(-1).body.state, 'state-2', 'the second attempt uses the new state');
    });
  }

  test('/auth/config failing: a message and a working "Try again"', async function (assert) {
    this.api.on('GET /auth/config', () => {
      throw new TypeError('Failed to fetch');
    });
    await visit('/login');
    assert.dom('[data-test-error="network_error"]').includesText('The server cannot be reached.');
    assert.dom('[data-test-sign-in]').doesNotExist('which providers there are is not known yet: no button');

    this.api.on('GET /auth/config', { body: { client_id: 'c', authorization_endpoint: 'https://a.test/auth', scope: 'openid email profile', redirect_path: '/torii/redirect.html' } });
    await click('[data-test-retry]');
    assert.dom('[data-test-error]').doesNotExist();
    assert.dom('[data-test-sign-in]').hasAttribute('aria-disabled', 'false');
  });

  test('/auth/start answering 500: a message, not a hang', async function (assert) {
    this.api.on('POST /auth/start', { status: 500, body: { error: 'server_misconfigured', message: 'SECRET_KEY is missing.' } });
    await visit('/login');
    assert.dom('[data-test-error="server_misconfigured"]').includesText('Please tell the site’s administrator.');
    assert.dom('[data-test-error]').doesNotIncludeText('SECRET_KEY');
  });
});

// CONTRACT.md "Hardening": the popup's state is checked before anything else
// in its answer, and a provider error is shown as one fixed sentence per kind,
// never as text from the URL. Any page that can open a window on the site can
// load /torii/redirect.html with a query of its choosing during a sign-in.
const PLANTED = 'Your account is locked. Call 555-0100 now';

module('Acceptance | the popup’s answer', function (hooks) {
  setupApplicationTest(hooks);

  async function answerWith(context, answer) {
    context.popup.answer = answer;
    await visit('/login');
    await click('[data-test-sign-in]');
    await settled();
  }

  function assertNothingPlanted(assert) {
    const page = document.querySelector('#ember-testing');
    assert.notOk(page.innerHTML.includes('555-0100'), 'no text from the URL anywhere on the page');
    assert.notOk(page.innerHTML.includes('locked'), 'not even a word of it');
  }

  test('an error with a forged state is refused as not this attempt’s, before its error is read', async function (assert) {
    await answerWith(this, () => ({ error: 'access_denied', state: 'forged' }));
    assert.dom('[data-test-error="state_mismatch"]').exists('refused for its state');
    assert.dom('[data-test-error="consent_denied"]').doesNotExist('its error was not looked at');
    assert.strictEqual(this.api.calls('POST /login').length, 0);
  });

  test('an error with no state at all is refused for its state', async function (assert) {
    await answerWith(this, () => ({ error: PLANTED }));
    assert.dom('[data-test-error="state_mismatch"]').exists();
    assertNothingPlanted(assert);
  });

  test('an unknown error with the right state: the generic sentence, none of the URL’s text', async function (assert) {
    await answerWith(this, (url) => ({ error: PLANTED, state: url.searchParams.get('state') }));
    assert.dom('[data-test-error="provider_error"]').hasText('Google could not complete the sign-in. Press “Sign in with Google” to try again.');
    assertNothingPlanted(assert);
  });

  for (const [error, kind] of Object.entries(PROVIDER_ERRORS)) {
    test(`Google’s ${error}: the fixed sentence for ${kind}`, async function (assert) {
      await answerWith(this, (url) => ({ error, state: url.searchParams.get('state'), code: 'c' }));
      assert.dom(`[data-test-error="${kind}"]`).hasText(messageFor({ code: kind }));
      assert.dom('[role="alert"]').doesNotIncludeText(error, 'the code itself is not shown either');
      assert.strictEqual(this.api.calls('POST /login').length, 0, 'nothing sent to /login');
    });
  }
});
