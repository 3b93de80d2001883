import { module, test } from 'qunit';
import { SIGNED_OUT_REASONS, checkFailureMessage, messageFor, signedOutMessage } from 'frontend/lib/messages';
import { ApiError } from 'frontend/lib/api';
import { SignInError } from 'frontend/lib/sign-in-error';

const CODES = [
  'popup_blocked',
  'popup_closed',
  'consent_denied',
  'provider_unavailable',
  'provider_rejected_request',
  'provider_account_refused',
  'provider_interaction_required',
  'provider_error',
  'state_mismatch',
  'no_code',
  'invalid_grant',
  'access_denied',
  'invalid_state',
  'rate_limited',
  'upstream_error',
  'server_misconfigured',
  'redirect_uri_not_allowed',
  'invalid_token',
  'token_expired',
  'session_ended',
  'store_unavailable',
  'network_error',
  'timeout',
  'bad_response',
];

function isSentence(assert, text, label) {
  assert.ok(/^[A-Z].*[.!]$/s.test(text), `${label}: a sentence (${text})`);
  assert.notOk(/[{}"]|undefined|null|\[object/.test(text), `${label}: nothing raw`);
}

module('Unit | lib | messages', function () {
  test('every error code has its own sentence', function (assert) {
    const seen = new Set();
    for (const code of CODES) {
      const text = messageFor(new ApiError(code, 'server text', { status: 400 }));
      isSentence(assert, text, code);
      assert.notOk(text.includes('server text'), `${code}: the server's message is not shown raw`);
      seen.add(text);
    }
    assert.strictEqual(seen.size, CODES.length, 'no two codes share a sentence');
  });

  test('a sign-in sentence names the provider of the attempt; Google when none is given', function (assert) {
    const closed = new SignInError('popup_closed');
    assert.strictEqual(messageFor(closed), 'The Google sign-in window was closed before signing in finished. Press “Sign in with Google” to try again.');
    assert.strictEqual(messageFor(closed, 'GitHub'), 'The GitHub sign-in window was closed before signing in finished. Press “Sign in with GitHub” to try again.');
    assert.ok(messageFor(new ApiError('upstream_error', '', { status: 502 }), 'Corp Directory').startsWith('Corp Directory cannot be reached'));
    for (const code of CODES) {
      assert.notOk(messageFor(new ApiError(code, '', { status: 400 }), 'GitHub').includes('Google'), `${code}: no Google in a GitHub sign-in's sentence`);
    }
  });

  test('policy refusal and Google consent refusal read differently', function (assert) {
    const policy = messageFor(new ApiError('access_denied', '', { status: 403 }));
    const consent = messageFor(new SignInError('consent_denied', { providerError: 'access_denied' }));
    assert.ok(policy.includes('not allowed'), policy);
    assert.ok(consent.includes('cancelled'), consent);
  });

  test('rate limiting says how long to wait', function (assert) {
    assert.ok(messageFor(new ApiError('rate_limited', '', { status: 429, retryAfter: 30 })).includes('30 seconds'));
    assert.ok(messageFor(new ApiError('rate_limited', '', { status: 429, retryAfter: 600 })).includes('10 minutes'));
    assert.ok(messageFor(new ApiError('rate_limited', '', { status: 429 })).includes('a moment'));
  });

  test('unknown failures still get a sentence', function (assert) {
    isSentence(assert, messageFor(new ApiError('http_503', '', { status: 503 })), '503');
    isSentence(assert, messageFor(new ApiError('teapot', '', { status: 418 })), '418');
    isSentence(assert, messageFor(new ApiError('http_500', '', { status: 500 })), '500');
    isSentence(assert, messageFor(new Error('boom')), 'Error');
    isSentence(assert, messageFor(undefined), 'undefined');
  });

  test('why this device is signed out: one sentence per reason', function (assert) {
    const seen = new Set();
    for (const code of SIGNED_OUT_REASONS) {
      const text = signedOutMessage({ code });
      isSentence(assert, text, code);
      seen.add(text);
    }
    assert.strictEqual(seen.size, SIGNED_OUT_REASONS.length);
    assert.ok(signedOutMessage({ code: 'session_ended' }).startsWith('This device was signed out'));
  });

  test('a refused restore reads as what happened to this device', function (assert) {
    const ended = signedOutMessage(new ApiError('session_ended', 'server text', { status: 401 }));
    assert.strictEqual(ended, signedOutMessage({ code: 'session_ended' }), '401 session_ended: signed out');
    const denied = signedOutMessage(new ApiError('access_denied', 'server text', { status: 403 }));
    assert.ok(denied.includes('no longer allowed'), denied);
    assert.strictEqual(signedOutMessage(new ApiError('token_expired', '', { status: 401 })), 'Your session has expired. Please sign in again.');
  });

  test('an unchecked session says it stays signed in, and when it is checked again', function (assert) {
    const store = checkFailureMessage(new ApiError('store_unavailable', '', { status: 503 }), 8000);
    assert.ok(store.includes('stay signed in') && store.includes('8 seconds'), store);
    const net = checkFailureMessage(new ApiError('network_error'), 120_000);
    assert.ok(net.includes('could not be reached') && net.includes('2 minutes'), net);
  });
});
