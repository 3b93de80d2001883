// Key rotation, end to end (SECURITY.md): a browser signed in under the old
// SECRET_KEY stays signed in after the Worker restarts with a new SECRET_KEY
// and the old one in SECRET_KEY_FALLBACKS; once the old key is dropped
// without the session having been renewed, the same browser lands on login.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, randomSecret, startStack } from '../support/stack.mjs';
import { launch, newContext, screenshot } from './browser.mjs';

const EMAIL = 'ada@example.com';
const T = { timeout: 180_000 };
const OLD_KEY = randomSecret();
const NEW_KEY = randomSecret();

let browser;
let port;
let stack;
let state;

before(async () => {
  browser = await launch();
  // The session lives in localStorage, which belongs to the origin: every
  // stack of this test serves the same one.
  port = await freePort();
  // And with a session store (SESSIONS), the session lives in wrangler's
  // persisted state: every restart keeps it, as a deploy does.
  state = mkdtempSync(path.join(os.tmpdir(), 'edge-login-rotation-'));
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

async function restart(secrets) {
  await stack?.stop();
  stack = await startStack({ port, secrets, persistTo: state });
}

describe('rotating SECRET_KEY', () => {
  it('keeps a signed-in browser signed in while the old key is a fallback', T, async () => {
    await restart({ SECRET_KEY: OLD_KEY });
    const { context, problems } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/#/login`);
    const button = page.getByRole('button', { name: 'Sign in with Google' });
    await button.and(page.locator('[aria-disabled="false"]')).waitFor();
    const popup = page.waitForEvent('popup', { timeout: 15_000 });
    await button.click();
    await popup;
    await page.waitForURL(/#\/private$/, { timeout: 30_000 });
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor();

    // Step 1 of the procedure: new key in SECRET_KEY, old one in fallbacks.
    await restart({ SECRET_KEY: NEW_KEY, SECRET_KEY_FALLBACKS: OLD_KEY });
    const reauth = page.waitForResponse((r) => new URL(r.url()).pathname === '/reauth');
    await page.reload();
    assert.equal((await reauth).status(), 200, '/reauth accepts the old-key token');
    await page.waitForURL(/#\/private$/);
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor();
    await page.locator('[data-test-api-ok]').filter({ hasText: EMAIL }).waitFor();
    await screenshot(page, 'rotation-01-still-signed-in');

    // Dropping the old key too early signs this browser out, cleanly.
    await restart({ SECRET_KEY: NEW_KEY });
    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/reauth');
    await page.reload();
    assert.equal((await refused).status(), 401, 'the old-key token is refused without its key');
    await page.goto(`${stack.baseUrl}/#/private`);
    await page.waitForURL(/#\/login$/);
    await screenshot(page, 'rotation-02-signed-out');
    assert.deepEqual(problems, [], 'no page error or CSP violation');
  });
});
