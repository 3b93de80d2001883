import { module, test } from 'qunit';
import { PROVIDER_ERRORS, POPUP_FAILURES, readPopupAnswer } from 'frontend/lib/popup-answer';
import { messageFor } from 'frontend/lib/messages';

const STATE = 'srv-state_1';
// What a page that opens /torii/redirect.html itself could put in the URL.
const PLANTED = 'Your account is locked. Call 555-0100 now';
const enc = encodeURIComponent;

function refusal(answer, state = STATE) {
  try {
    readPopupAnswer(answer, state);
  } catch (error) {
    return error;
  }
  return null;
}

module('Unit | lib | popup-answer', function () {
  test('an answer with this attempt’s state and a code gives the code', function (assert) {
    assert.strictEqual(readPopupAnswer({ code: enc('4/0Ab-code'), state: enc(STATE) }, STATE), '4/0Ab-code');
  });

  test('state is checked before error: a forged or missing state is refused whatever the error says', function (assert) {
    for (const state of [enc('forged'), undefined, '', enc(`${STATE}x`), '%E0%A4%A']) {
      for (const error of ['access_denied', 'server_error', enc(PLANTED), undefined]) {
        const e = refusal({ error, state, code: 'c' });
        assert.strictEqual(e?.code, 'state_mismatch', `state ${state}, error ${error}`);
        assert.strictEqual(e.providerError, null, 'nothing of the error is kept');
      }
    }
  });

  test('no expected state refuses every answer', function (assert) {
    assert.strictEqual(refusal({ code: 'c', state: '' }, '')?.code, 'state_mismatch');
    assert.strictEqual(refusal({ code: 'c' }, undefined)?.code, 'state_mismatch');
  });

  test('with the right state, each known error becomes its kind', function (assert) {
    for (const [error, kind] of Object.entries(PROVIDER_ERRORS)) {
      const e = refusal({ error, state: enc(STATE), code: 'c' });
      assert.strictEqual(e?.code, kind, error);
      assert.strictEqual(e.providerError, error);
    }
    assert.strictEqual(refusal({ error: 'access_denied', state: STATE })?.code, 'consent_denied');
  });

  test('with the right state, an unknown error is provider_error and its text is dropped', function (assert) {
    for (const error of [enc(PLANTED), '', 'ACCESS_DENIED', enc('access_denied '), 'constructor', '__proto__', '%ZZ']) {
      const e = refusal({ error, state: enc(STATE) });
      assert.strictEqual(e?.code, 'provider_error', `error=${error}`);
      assert.strictEqual(e.providerError, null);
      assert.notOk(e.message.includes('555'), 'not in the message');
      assert.notOk(messageFor(e).includes('555'), 'not in the sentence');
    }
  });

  test('with the right state and no error, a missing code is no_code', function (assert) {
    assert.strictEqual(refusal({ state: enc(STATE) })?.code, 'no_code');
    assert.strictEqual(refusal({ state: enc(STATE), code: '' })?.code, 'no_code');
  });

  test('every refusal has its own fixed sentence, none of it from the URL', function (assert) {
    const sentences = new Set();
    for (const code of POPUP_FAILURES) {
      const text = messageFor({ code, providerError: PLANTED, detail: PLANTED, message: PLANTED });
      assert.ok(/^[A-Z].*[.!]$/s.test(text), `${code}: ${text}`);
      assert.notOk(text.includes('555'), `${code}: nothing planted`);
      sentences.add(text);
    }
    assert.strictEqual(sentences.size, POPUP_FAILURES.length, 'one sentence per kind');
  });
});
