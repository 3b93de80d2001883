// Sessions that can be ended (CONTRACT.md §), in a real browser: two browser
// contexts are two devices of the same user, signed in through the Google
// stand-in against `wrangler dev` with the SESSIONS Durable Object.
// Screenshots of the "Where you're signed in" card go to
// tests/artifacts/screenshots/; frontend/docs/sessions-card.png is refreshed
// when missing or with UPDATE_DOCS_SCREENSHOT=1.
//
//   bash scripts/build-worker.sh && bash scripts/build-frontend.sh
//   node --test --test-concurrency=1 tests/browser/sessions.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO, request, startStack } from '../support/stack.mjs';
import { SCREENSHOTS, newContext, readyLoginPage, screenshot, signInFromPrivate, stackAndBrowser } from './browser.mjs';

const EMAIL = 'ada@example.com';
const T = { timeout: 180_000 };

// What each device says it is; the card names them from these.
const LAPTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';

const run = stackAndBrowser();

/** Signs in from the private page through the popup; waits for the card. */
function signInOn(page) {
  return signInFromPrivate(page, run.stack.baseUrl, { waitFor: [['[data-test-user-email]', EMAIL], '[data-test-session-list]'] });
}

async function storedToken(page) {
  const raw = await page.evaluate(() => localStorage.getItem('ember_simple_auth-session'));
  return raw ? (JSON.parse(raw).authenticated?.auth_token ?? null) : null;
}

/**
 * What the card shows: one `{device, current, canEnd}` per row, by device
 * name (the server orders by last activity, kept to the minute: two devices
 * active in the same minute come in either order).
 */
async function cardRows(page) {
  const rows = await page.locator('[data-test-session]').evaluateAll((els) =>
    els.map((row) => ({
      device: row.querySelector('[data-test-session-device]').textContent.trim(),
      current: row.querySelector('[data-test-this-device]') !== null,
      canEnd: row.querySelector('[data-test-end-session]') !== null,
    })),
  );
  return rows.sort((a, b) => a.device.localeCompare(b.device));
}

/**
 * Records the Worker's answers to `method path` requests of `page` as they
 * pass (its body read before the app can reload the page):
 * `[{status, body, authorization}]`.
 */
async function recordAnswers(page, method, pathname) {
  const seen = [];
  await page.route(
    (url) => url.pathname === pathname,
    async (route) => {
      if (route.request().method() !== method) return route.fallback();
      const response = await route.fetch();
      seen.push({ status: response.status(), body: await response.json(), authorization: route.request().headers().authorization });
      await route.fulfill({ response });
    },
  );
  return seen;
}

/** Fails at once, saying why, against a Worker without its session store. */
async function requireSessionStore() {
  const config = await request(run.stack, 'GET', '/auth/config');
  assert.equal(config.body?.sessions, true, 'the Worker under test has its session store (SESSIONS): /auth/config says "sessions": true');
}

function reauth(token) {
  return request(run.stack, 'POST', '/reauth', { json: { auth_token: token } });
}

// EDGE_LOGIN_SESSIONS=off runs every stack stateless (tests/support/stack.mjs):
// then only the stateless case below applies, and the skip says so.
const STATELESS_RUN = process.env.EDGE_LOGIN_SESSIONS === 'off';
const WITH_STORE = STATELESS_RUN ? { skip: 'EDGE_LOGIN_SESSIONS=off: no session store in this run' } : {};

describe('"Where you’re signed in" with two devices', WITH_STORE, () => {
  it('the laptop sees both sessions, ends the phone’s, the phone is signed out; "Sign out everywhere" ends the laptop’s too', T, async () => {
    await requireSessionStore();

    const laptop = await newContext(run.browser, { userAgent: LAPTOP_UA });
    const phone = await newContext(run.browser, { userAgent: PHONE_UA });
    const laptopPage = await laptop.context.newPage();
    const phonePage = await phone.context.newPage();

    await signInOn(laptopPage);
    assert.deepEqual(await cardRows(laptopPage), [{ device: 'Chrome on Linux', current: true, canEnd: false }]);
    await signInOn(phonePage);
    assert.deepEqual(await cardRows(phonePage), [
      { device: 'Chrome on Linux', current: false, canEnd: true },
      { device: 'Safari on iOS', current: true, canEnd: false },
    ]);
    const laptopToken = await storedToken(laptopPage);
    const phoneToken = await storedToken(phonePage);
    assert.ok(laptopToken && phoneToken && laptopToken !== phoneToken, 'two sessions, two tokens');

    // The laptop reloads: two sessions, its own marked.
    await laptopPage.reload();
    await laptopPage.locator('[data-test-session]').nth(1).waitFor();
    assert.deepEqual(await cardRows(laptopPage), [
      { device: 'Chrome on Linux', current: true, canEnd: false },
      { device: 'Safari on iOS', current: false, canEnd: true },
    ]);
    const card = laptopPage.locator('[data-test-sessions-card]');
    assert.match(await card.innerText(), /This device/);
    assert.match(await card.innerText(), /last active just now/);
    await screenshot(laptopPage, '07-sessions-two-devices');
    const cardShot = path.join(SCREENSHOTS, '07-sessions-card.png');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await card.screenshot({ path: cardShot });
    const docsShot = path.join(REPO, 'frontend', 'docs', 'sessions-card.png');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(docsShot)) copyFileSync(cardShot, docsShot);
    await laptopPage.setViewportSize({ width: 390, height: 760 });
    await screenshot(laptopPage, '07-sessions-two-devices-phone-width');
    await laptopPage.setViewportSize({ width: 1100, height: 760 });

    // The laptop ends the phone's session.
    const ended = laptopPage.waitForResponse((r) => r.request().method() === 'DELETE' && /\/auth\/sessions\/[^/]+$/.test(new URL(r.url()).pathname));
    await laptopPage.getByRole('button', { name: /^Sign out Safari on iOS/ }).click();
    const endedAnswer = await ended;
    assert.equal(endedAnswer.status(), 200);
    assert.deepEqual(await endedAnswer.json(), { sessions_ended: 1 });
    await laptopPage.locator('[data-test-sessions-status]').filter({ hasText: 'Signed out of that device.' }).waitFor();
    assert.deepEqual(await cardRows(laptopPage), [{ device: 'Chrome on Linux', current: true, canEnd: false }]);
    await screenshot(laptopPage, '08-sessions-ended-the-phone');
    assert.equal((await reauth(phoneToken)).body?.error, 'session_ended', 'the phone’s token is refused from now on');

    // The phone's next load: /reauth says session_ended; the sign-in page says why.
    const phoneReauth = phonePage.waitForResponse((r) => new URL(r.url()).pathname === '/reauth');
    await phonePage.reload();
    const phoneAnswer = await phoneReauth;
    assert.equal(phoneAnswer.status(), 401);
    assert.equal((await phoneAnswer.json()).error, 'session_ended');
    await readyLoginPage(phonePage);
    const notice = phonePage.locator('[data-test-signed-out-notice="session_ended"]');
    await notice.waitFor();
    assert.equal(
      (await notice.innerText()).trim(),
      'This device was signed out because its session was ended: from another device, by “Sign out everywhere”, or by the site.',
    );
    assert.equal(await storedToken(phonePage), null, 'the phone forgot its token');
    await screenshot(phonePage, '09-signed-out-from-another-device');

    // The phone signs in again: two sessions once more; the laptop signs out everywhere.
    await signInOn(phonePage);
    const phoneToken2 = await storedToken(phonePage);
    await laptopPage.reload();
    await laptopPage.locator('[data-test-session]').nth(1).waitFor();
    const all = await recordAnswers(laptopPage, 'DELETE', '/auth/sessions');
    await laptopPage.getByRole('button', { name: 'Sign out everywhere' }).click();
    // The app reloads at its root, signed out, saying so.
    await laptopPage.locator('[data-test-signed-out-notice="signed_out_everywhere"]').waitFor({ timeout: 15_000 });
    assert.deepEqual(all.map((a) => [a.status, a.body]), [[200, { sessions_ended: 2 }]], 'one DELETE /auth/sessions, both sessions ended');
    assert.match(all[0].authorization ?? '', /^Bearer /);
    assert.ok(await laptopPage.locator('[data-test-signed-out]').isVisible());
    assert.equal(await storedToken(laptopPage), null, 'the laptop forgot its token');
    await screenshot(laptopPage, '10-signed-out-everywhere');
    for (const [who, token] of [['laptop', laptopToken], ['phone', phoneToken2]]) {
      const r = await reauth(token);
      assert.equal(r.status, 401, `${who}: refused`);
      assert.equal(r.body?.error, 'session_ended', `${who}: its session ended`);
    }

    // The phone's next load lands on the sign-in page too.
    await phonePage.reload();
    await readyLoginPage(phonePage);
    await phonePage.locator('[data-test-signed-out-notice="session_ended"]').waitFor();

    assert.deepEqual(laptop.problems, [], 'laptop: no CSP violations or page errors');
    assert.deepEqual(phone.problems, [], 'phone: no CSP violations or page errors');
    await laptop.context.close();
    await phone.context.close();
  });

  it('"Sign out" ends the session on the server (POST /logout), not only in this browser', T, async () => {
    await requireSessionStore();
    const { context, problems } = await newContext(run.browser);
    const page = await context.newPage();
    await signInOn(page);
    const token = await storedToken(page);
    assert.equal((await reauth(token)).status, 200, 'live before');

    const logout = await recordAnswers(page, 'POST', '/logout');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('[data-test-signed-out]').waitFor();
    assert.deepEqual(logout.map((a) => [a.status, a.body]), [[200, { sessions_ended: 1 }]], 'one POST /logout, its session ended');
    assert.equal(logout[0].authorization, `Bearer ${token}`);
    assert.equal(await page.locator('[data-test-signed-out-notice]').count(), 0, 'the server was told: nothing to explain');
    assert.equal((await reauth(token)).body?.error, 'session_ended', 'the token no longer works anywhere');

    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('without a session store (the stateless Worker)', () => {
  let stateless;

  before(async () => {
    stateless = await startStack({ sessions: false });
  });

  after(async () => {
    await stateless?.stop();
  });

  it('no card, and "Sign out" only forgets the token (no POST /logout)', T, async () => {
    const config = await request(stateless, 'GET', '/auth/config');
    assert.equal(config.body?.sessions, false, 'this Worker says it has no session store');

    const { context, problems } = await newContext(run.browser);
    const page = await context.newPage();
    const logouts = [];
    const listed = [];
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p === '/logout') logouts.push(r);
      if (p.startsWith('/auth/sessions')) listed.push(r);
    });
    await signInFromPrivate(page, stateless.baseUrl, { waitFor: [['[data-test-api-ok]', EMAIL]] });
    assert.equal(await page.locator('[data-test-sessions-card]').count(), 0, 'no "Where you’re signed in"');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('[data-test-signed-out]').waitFor();
    assert.equal(await page.locator('[data-test-signed-out-notice]').count(), 0, 'nothing to explain: there was nothing to tell');
    assert.equal(await storedToken(page), null);
    assert.deepEqual([logouts.length, listed.length], [0, 0], 'neither /logout nor /auth/sessions asked');

    assert.deepEqual(problems, []);
    await context.close();
  });
});
