// Signing out leaves nothing on screen, whatever the network's timing: a
// real Chromium against `wrangler dev`, with POST /logout's answer held back
// (Playwright intercepts it) while the user opens the private page again.
//
// Every document of the tab (reloads included) runs a watch from its first
// line: on every change of the page it notes whether the session's data is
// on screen, and whether the session is still stored (ember-simple-auth's
// localStorage). Private data shown while the session is forgotten, or after
// "Sign out" was pressed, is recorded in sessionStorage (it survives the
// reload that follows signing out) and fails the test.
//
//   bash scripts/build-worker.sh && bash scripts/build-frontend.sh
//   node --test --test-concurrency=1 tests/browser/signout.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/stack.mjs';
import { clickSignIn, launch, newContext, readyLoginPage, screenshot } from './browser.mjs';

const EMAIL = 'ada@example.com';
const T = { timeout: 180_000 };

// What only a signed-in page shows: the user's email (private page, header),
// the API's answer, the sessions and notes cards.
const PRIVATE = ['[data-test-user-email]', '[data-test-nav-user]', '[data-test-api-ok]', '[data-test-sessions-card]', '[data-test-notes-card]'];

// Ember renders a change a moment after it happens: what shows for less
// than this after the session is forgotten (or "Sign out" pressed) is that
// moment, not a page left behind.
const RENDER_GRACE_MS = 300;

function watch({ email, selectors, graceMs }) {
  // The app's pages only (not the popup's about:blank, which has no storage).
  if (!location.protocol.startsWith('http')) return;
  const KEY = 'ember_simple_auth-session';
  const note = (what) => {
    const seen = JSON.parse(sessionStorage.getItem('watch-violations') ?? '[]');
    seen.push(what);
    sessionStorage.setItem('watch-violations', JSON.stringify(seen));
  };
  const stored = () => {
    try {
      return Boolean(JSON.parse(localStorage.getItem(KEY) ?? '{}').authenticated?.auth_token);
    } catch {
      return false;
    }
  };
  const since = (key) => {
    const t = Number(sessionStorage.getItem(key));
    return t ? Date.now() - t : -1;
  };
  document.addEventListener(
    'click',
    (e) => {
      if (e.target.closest?.('[data-test-sign-out]')) sessionStorage.setItem('watch-signing-out', String(Date.now()));
    },
    true,
  );
  const check = () => {
    if (stored()) {
      sessionStorage.setItem('watch-had-session', '1');
      sessionStorage.removeItem('watch-forgotten');
    } else if (sessionStorage.getItem('watch-had-session') && !sessionStorage.getItem('watch-forgotten')) {
      sessionStorage.setItem('watch-forgotten', String(Date.now()));
    }
    if (!document.body) return;
    const shown = selectors.filter((s) => document.querySelector(s));
    if (document.body.innerText.includes(email)) shown.push(`the text ${email}`);
    if (shown.length === 0) return;
    const where = `${location.hash}, ${new Date().toISOString()}`;
    if (since('watch-forgotten') > graceMs) note(`forgotten, yet showing ${shown.join(', ')} (${where})`);
    if (since('watch-signing-out') > graceMs) note(`after "Sign out", showing ${shown.join(', ')} (${where})`);
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  addEventListener('storage', check);
  setInterval(check, 50);
}

let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(page) {
  await page.goto(`${stack.baseUrl}/#/private`);
  await readyLoginPage(page);
  await clickSignIn(page);
  await page.waitForURL(/#\/private$/, { timeout: 30_000 });
  await page.locator('[data-test-api-ok]').filter({ hasText: EMAIL }).waitFor();
}

async function violations(page) {
  return JSON.parse((await page.evaluate(() => sessionStorage.getItem('watch-violations'))) ?? '[]');
}

/** Holds each POST /logout's answer until `release()`; `forward`: the server gets (and ends) it at once. */
async function holdLogout(page, { forward }) {
  let release;
  const gate = new Promise((r) => (release = r));
  const held = [];
  await page.route(
    (url) => url.pathname === '/logout',
    async (route) => {
      held.push(route.request());
      const response = forward ? await route.fetch() : null;
      await gate;
      if (response) await route.fulfill({ response });
      else await route.continue();
    },
  );
  return { held, release: () => release() };
}

/**
 * Holds the next page loads (documents) for `ms`, as a loaded machine or a
 * slow network does: the page signing out reloads the app at `/`, and until
 * that answer comes the browser keeps showing the page it had.
 */
async function slowDocuments(page, ms) {
  await page.route(
    (url) => url.pathname === '/' || url.pathname === '/index.html',
    async (route) => {
      if (route.request().resourceType() === 'document') await new Promise((r) => setTimeout(r, ms));
      await route.fallback();
    },
  );
}

/** Samples the page for `ms`, failing at once if private data shows. */
async function nothingPrivateFor(page, ms, what) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const shown = await page
      .evaluate((selectors) => selectors.filter((s) => document.querySelector(s)), PRIVATE)
      .catch(() => []); // between two documents of a reload
    assert.deepEqual(shown, [], `${what}: nothing private on screen`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('"Sign out" leaves nothing on screen', () => {
  for (const [label, forward] of [
    ['the server ends the session at once, its answer comes late', true],
    ['the server gets /logout late', false],
  ]) {
    it(`${label}: the private page opened meanwhile shows nothing, then or after`, T, async () => {
      const { context, problems } = await newContext(browser);
      await context.addInitScript(watch, { email: EMAIL, selectors: PRIVATE, graceMs: RENDER_GRACE_MS });
      const page = await context.newPage();
      await signIn(page);
      assert.deepEqual(await violations(page), []);

      const logout = await holdLogout(page, { forward });
      await slowDocuments(page, 3000);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      while (logout.held.length === 0) await new Promise((r) => setTimeout(r, 50));

      // As a user would: the private page again, from the address bar and from the header's link.
      await page.evaluate(() => (location.hash = '#/private'));
      await nothingPrivateFor(page, 1500, '/#/private typed while /logout is pending');
      await page.getByRole('link', { name: 'Private page' }).click();
      await nothingPrivateFor(page, 1500, 'the "Private page" link while /logout is pending');
      await screenshot(page, `11-signing-out-${forward ? 'answer-late' : 'request-late'}`);

      logout.release();
      await page.locator('[data-test-nav-sign-in]').waitFor({ timeout: 30_000 });
      await nothingPrivateFor(page, 2000, 'once /logout answered');
      await page.evaluate(() => (location.hash = '#/private'));
      await readyLoginPage(page);
      await nothingPrivateFor(page, 1000, 'the private page after signing out');
      const stored = await page.evaluate(() => localStorage.getItem('ember_simple_auth-session'));
      assert.doesNotMatch(stored ?? '', /auth_token/, 'the token is forgotten');

      assert.deepEqual(await violations(page), [], 'the watch saw no private data once signing out began');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
