// "Your notes": the app's own backend (examples/flask-api, with PyJWT
// checking the Worker's assertion) behind the Worker, in a real Chromium,
// on two devices of the same user: the card works on both; "Sign out
// everywhere" on one; the other's next notes call lands it on the sign-in
// page with the signed-out sentence, and the backend never sees that call.
// A screenshot of the card goes to frontend/docs/notes-card.png when missing
// or with UPDATE_DOCS_SCREENSHOT=1.
//
//   bash scripts/build-worker.sh && bash scripts/build-frontend.sh
//   node --test --test-concurrency=1 tests/browser/notes.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO, startStack } from '../support/stack.mjs';
import { SCREENSHOTS, clickSignIn, launch, newContext, readyLoginPage, screenshot } from './browser.mjs';

const EMAIL = 'ada@example.com';
const T = { timeout: 180_000 };
const LAPTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';

// EDGE_LOGIN_SESSIONS=off runs every stack stateless: "Sign out everywhere" needs the store.
const STATELESS_RUN = process.env.EDGE_LOGIN_SESSIONS === 'off';
const WITH_STORE = STATELESS_RUN ? { skip: 'EDGE_LOGIN_SESSIONS=off: no session store in this run' } : {};

let stack;
let browser;

before(async () => {
  if (STATELESS_RUN) return;
  stack = await startStack({ backend: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signInOn(page) {
  await page.goto(`${stack.baseUrl}/#/private`);
  await readyLoginPage(page);
  await clickSignIn(page);
  await page.waitForURL(/#\/private$/, { timeout: 30_000 });
  await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor();
  await page.locator('[data-test-notes-card] form').waitFor();
}

function notes(page) {
  return page.locator('[data-test-note-text]').allInnerTexts();
}

async function add(page, text) {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/notes');
  await page.locator('[data-test-note-input]').fill(text);
  await page.locator('[data-test-add-note]').click();
  return answer;
}

/** The requests the backend got for `method` /api/notes… (its own record). */
async function backendGot(method) {
  const { requests } = await stack.api.received();
  return requests.filter((r) => r.method === method && r.path.startsWith('/api/notes'));
}

describe('"Your notes" on two devices, through the Worker to the app’s backend', WITH_STORE, () => {
  it('both devices use the notes; "Sign out everywhere" on one; the other’s next notes call lands on the sign-in page', T, async () => {
    const config = await (await fetch(`${stack.baseUrl}/auth/config`)).json();
    assert.equal(config.backend, true, 'the Worker under test forwards to a backend: /auth/config says "backend": true');
    assert.equal(config.sessions, true, 'and has its session store');

    const laptop = await newContext(browser, { userAgent: LAPTOP_UA });
    const phone = await newContext(browser, { userAgent: PHONE_UA });
    const laptopPage = await laptop.context.newPage();
    const phonePage = await phone.context.newPage();

    await signInOn(laptopPage);
    assert.deepEqual(await notes(laptopPage), [], 'a new user has no notes');
    assert.equal((await add(laptopPage, 'From the laptop')).status(), 201);
    await laptopPage.locator('[data-test-note-text]').filter({ hasText: 'From the laptop' }).waitFor();

    await signInOn(phonePage);
    await phonePage.locator('[data-test-note-text]').first().waitFor();
    assert.deepEqual(await notes(phonePage), ['From the laptop'], 'the same user’s notes on the other device');
    assert.equal((await add(phonePage, 'From the phone')).status(), 201);
    await phonePage.locator('[data-test-note-text]').filter({ hasText: 'From the phone' }).waitFor();

    await laptopPage.reload();
    await laptopPage.locator('[data-test-note-text]').nth(1).waitFor();
    assert.deepEqual(await notes(laptopPage), ['From the laptop', 'From the phone']);
    const card = laptopPage.locator('[data-test-notes-card]');
    const cardShot = path.join(SCREENSHOTS, '15-notes-card.png');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await card.screenshot({ path: cardShot });
    const docsShot = path.join(REPO, 'frontend', 'docs', 'notes-card.png');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(docsShot)) copyFileSync(cardShot, docsShot);
    await screenshot(laptopPage, '15-notes-two-devices');

    // Deleting: DELETE /api/notes/{id}, 204 through the Worker.
    const deleted = laptopPage.waitForResponse((r) => r.request().method() === 'DELETE' && /^\/api\/notes\/\d+$/.test(new URL(r.url()).pathname));
    await laptopPage.getByRole('button', { name: 'Delete note: From the phone' }).click();
    assert.equal((await deleted).status(), 204);
    await laptopPage.locator('[data-test-note-text]').filter({ hasText: 'From the phone' }).waitFor({ state: 'detached' });
    assert.deepEqual(await notes(laptopPage), ['From the laptop']);

    // The laptop signs out everywhere.
    await laptopPage.getByRole('button', { name: 'Sign out everywhere' }).click();
    await laptopPage.locator('[data-test-signed-out-notice="signed_out_everywhere"]').waitFor({ timeout: 15_000 });
    await screenshot(laptopPage, '16-notes-signed-out-everywhere');

    // The phone still shows its page; its next notes call is refused by the
    // Worker before the backend sees it.
    const postsBefore = (await backendGot('POST')).length;
    const refused = await add(phonePage, 'After signing out everywhere');
    assert.equal(refused.status(), 401);
    assert.equal((await refused.json()).error, 'session_ended');
    await phonePage.waitForURL(/#\/login$/, { timeout: 15_000 });
    const notice = phonePage.locator('[data-test-signed-out-notice="session_ended"]');
    await notice.waitFor();
    assert.equal(
      (await notice.innerText()).trim(),
      'This device was signed out because its session was ended: from another device, by “Sign out everywhere”, or by the site.',
    );
    assert.equal(await phonePage.locator('[data-test-notes-card]').count(), 0, 'no note stays on screen');
    assert.doesNotMatch(await phonePage.locator('body').innerText(), /From the laptop/);
    const stored = await phonePage.evaluate(() => localStorage.getItem('ember_simple_auth-session'));
    assert.doesNotMatch(stored ?? '', /auth_token/, 'the phone forgot its token');
    assert.equal((await backendGot('POST')).length, postsBefore, 'the backend never got the refused note');
    await screenshot(phonePage, '17-notes-phone-signed-out');

    assert.deepEqual(laptop.problems, [], 'laptop: no CSP violations or page errors');
    assert.deepEqual(phone.problems, [], 'phone: no CSP violations or page errors');
    await laptop.context.close();
    await phone.context.close();
  });
});
