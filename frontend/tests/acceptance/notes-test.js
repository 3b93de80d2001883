import { module, test } from 'qunit';
import { visit, currentURL, click, fillIn, settled, waitFor, waitUntil } from '@ember/test-helpers';
import { setupApplicationTest } from 'frontend/tests/helpers';
import { USER } from 'frontend/tests/helpers/fake-api';
import { signedOutMessage } from 'frontend/lib/messages';

// CONTRACT.md "The app's backend" from the browser's side: the "Your notes"
// card talks to the app's own API through the Worker (/api/notes), and a
// session the Worker says is over signs this device out from there too.
// Then: once the session is forgotten here, or being signed out, no private
// data stays on screen, whatever the network's timing.

const SIGNED_OUT = signedOutMessage({ code: 'session_ended' });

async function signIn() {
  await visit('/login');
  await click('[data-test-sign-in]');
  await settled();
}

function session(owner) {
  return owner.lookup('service:session');
}

function notes() {
  return [...document.querySelectorAll('[data-test-note-text]')].map((n) => n.textContent.trim());
}

module('Acceptance | your notes (the app’s backend)', function (hooks) {
  setupApplicationTest(hooks);

  test('without a backend (/auth/config says nothing of it) there is no card and no call', async function (assert) {
    await signIn();
    assert.dom('[data-test-user-email]').hasText(USER.email);
    assert.dom('[data-test-notes-card]').doesNotExist();
    assert.strictEqual(this.api.calls('GET /api/notes').length, 0);
  });

  test('lists, adds and deletes notes through /api/notes with the session’s token', async function (assert) {
    this.api.enableBackend([{ id: 1, text: 'Buy milk', created_at: 1 }]);
    await signIn();

    const [list] = this.api.calls('GET /api/notes');
    assert.strictEqual(list.headers.authorization, 'Bearer token-1');
    assert.dom('[data-test-notes-card] h2').hasText('Your notes');
    assert.deepEqual(notes(), ['Buy milk']);

    await fillIn('[data-test-note-input]', '  Call <Ada>  ');
    await click('[data-test-add-note]');
    const [add] = this.api.calls('POST /api/notes');
    assert.deepEqual(add.body, { text: 'Call <Ada>' }, 'trimmed, sent as JSON');
    assert.strictEqual(add.headers.authorization, 'Bearer token-1');
    assert.strictEqual(add.headers['content-type'], 'application/json');
    assert.deepEqual(notes(), ['Buy milk', 'Call <Ada>'], 'shown as text, not markup');
    assert.dom('[data-test-note-input]').hasValue('', 'the field empties');

    await click('[data-test-delete-note="1"]');
    const [del] = this.api.calls('DELETE /api/notes/:id');
    assert.strictEqual(del.path, '/api/notes/1');
    assert.strictEqual(del.headers.authorization, 'Bearer token-1');
    assert.deepEqual(notes(), ['Call <Ada>'], '204: gone from the list');
    assert.dom('[data-test-notes-error]').doesNotExist();
  });

  test('an empty note is not sent', async function (assert) {
    this.api.enableBackend();
    await signIn();
    assert.dom('[data-test-notes-empty]').hasText('No notes yet.');
    await fillIn('[data-test-note-input]', '   ');
    await click('[data-test-add-note]');
    assert.strictEqual(this.api.calls('POST /api/notes').length, 0);
  });

  test('the backend down (502): a sentence about the app’s backend, still signed in, "Try again"', async function (assert) {
    this.api.enableBackend();
    this.api.on('GET /api/notes', { status: 502, body: { error: 'upstream_error', message: 'The app’s backend did not answer.' } });
    await signIn();
    assert.dom('[data-test-notes-error="upstream_error"]').includesText('The app’s backend cannot be reached right now.');
    assert.true(session(this.owner).isAuthenticated);
    this.api.on('GET /api/notes', { body: { notes: [{ id: 'a', text: 'Back' }] } });
    await click('[data-test-notes-retry]');
    assert.deepEqual(notes(), ['Back']);
  });

  for (const call of ['GET /api/notes', 'POST /api/notes', 'DELETE /api/notes/:id']) {
    test(`${call} answering 401 session_ended: the sign-in page, saying this device was signed out`, async function (assert) {
      this.api.enableSessions();
      this.api.enableBackend([{ id: 7, text: 'Secret plan' }]);
      if (call === 'GET /api/notes') this.api.on(call, { status: 401, body: { error: 'session_ended', message: 'Ended.' } });
      await signIn();
      if (call !== 'GET /api/notes') {
        assert.deepEqual(notes(), ['Secret plan']);
        // Ended meanwhile, from another device ("Sign out everywhere").
        this.api.sessions = [];
        if (call === 'POST /api/notes') {
          await fillIn('[data-test-note-input]', 'more');
          await click('[data-test-add-note]');
        } else {
          await click('[data-test-delete-note="7"]');
        }
      }
      assert.strictEqual(this.api.calls(call).length, 1);
      assert.strictEqual(currentURL(), '/login');
      assert.false(session(this.owner).isAuthenticated);
      assert.dom('[data-test-signed-out-notice="session_ended"]').hasText(SIGNED_OUT);
      assert.dom('[data-test-notes-card]').doesNotExist();
      assert.notOk(document.querySelector('#ember-testing').textContent.includes('Secret plan'), 'no note stays on screen');
    });
  }
});

module('Acceptance | signing out leaves nothing on screen', function (hooks) {
  setupApplicationTest(hooks);

  /** Holds POST /logout's answer until release() (a slow server or network). */
  function holdLogout(api) {
    let release;
    const gate = new Promise((r) => (release = r));
    const answer = api.routes['POST /logout'];
    api.on('POST /logout', async (req) => {
      await gate;
      return answer(req);
    });
    return () => release();
  }

  function privateDataShown() {
    const text = document.querySelector('#ember-testing').textContent;
    return ['Ada Lovelace', USER.email, 'Secret plan', 'Where you’re signed in', 'The API accepted'].filter((t) => text.includes(t));
  }

  test('"Sign out", then the private page again while /logout has not answered: nothing of the session, before or after', async function (assert) {
    this.api.enableSessions();
    this.api.enableBackend([{ id: 1, text: 'Secret plan' }]);
    await signIn();
    assert.deepEqual(privateDataShown(), ['Ada Lovelace', USER.email, 'Secret plan', 'Where you’re signed in', 'The API accepted'], 'shown while signed in');

    const release = holdLogout(this.api);
    // (a plain DOM click: the click() helper would wait for /logout)
    document.querySelector('[data-test-sign-out]').click();
    await waitUntil(() => this.api.calls('POST /logout').length === 1);
    await waitFor('[data-test-signing-out]');
    assert.deepEqual(privateDataShown(), [], 'signing out: nothing private');

    const going = visit('/private').catch(() => {});
    await waitUntil(() => currentURL() !== '/private' && document.querySelector('[data-test-signing-out]'));
    assert.deepEqual(privateDataShown(), [], 'the private page does not open while signing out');

    release();
    await going;
    await settled();
    assert.false(session(this.owner).isAuthenticated, 'signed out');
    assert.notStrictEqual(currentURL(), '/private');
    assert.deepEqual(privateDataShown(), [], 'and nothing after /logout answered');
    await visit('/private');
    assert.strictEqual(currentURL(), '/login', 'the private page now asks to sign in');
    assert.deepEqual(privateDataShown(), []);
  });

  test('the session forgotten while the private page shows (another tab signed out): its data goes at once', async function (assert) {
    this.api.enableSessions();
    this.api.enableBackend([{ id: 1, text: 'Secret plan' }]);
    await signIn();
    assert.strictEqual(currentURL(), '/private');
    // Forgotten here without this tab's "Sign out" (as when another tab
    // clears localStorage): whatever happens next, its data goes now.
    session(this.owner)._token.forget();
    await settled();
    assert.deepEqual(privateDataShown(), []);
    assert.notStrictEqual(currentURL(), '/private');
  });

  test('an answer that arrives after signing out (a late /api/notes 401) changes nothing and shows nothing', async function (assert) {
    this.api.enableSessions();
    this.api.enableBackend([{ id: 1, text: 'Secret plan' }]);
    let releaseNotes;
    const notesGate = new Promise((r) => (releaseNotes = r));
    this.api.on('GET /api/notes', async () => {
      await notesGate;
      return { status: 401, body: { error: 'session_ended', message: 'Ended.' } };
    });
    const visiting = signIn();
    await waitFor('[data-test-sign-out]');
    await waitUntil(() => this.api.calls('GET /api/notes').length === 1);
    // (a plain DOM click: the click() helper would wait for /api/notes)
    document.querySelector('[data-test-sign-out]').click();
    releaseNotes();
    await visiting;
    await settled();
    assert.false(session(this.owner).isAuthenticated);
    assert.deepEqual(privateDataShown(), []);
    assert.dom('[data-test-signed-out-notice="session_ended"]').doesNotExist('this device signed itself out: no "ended elsewhere" sentence');
  });
});
