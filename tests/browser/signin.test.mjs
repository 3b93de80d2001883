// The real thing: Chromium drives the built Ember app served by `wrangler dev`
// (the Worker, its static assets with their _headers), with the loopback
// Google stand-in in Google's place. Screenshots: tests/artifacts/screenshots/.
//
//   bash scripts/build-worker.sh && npm --prefix frontend run build
//   node --test --test-concurrency=1 tests/browser/

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../support/stack.mjs';
import { s256 } from '../mock-oidc/server.mjs';
import { SECURITY_HEADERS, clickSignIn, newContext, readyLoginPage, screenshot, stackAndBrowser } from './browser.mjs';

const EMAIL = 'ada@example.com';
const T = { timeout: 120_000 };

const run = stackAndBrowser();

function expectSecurityHeaders(headers, what) {
  for (const name of SECURITY_HEADERS) assert.ok(headers[name], `${what}: ${name} is missing`);
  const csp = headers['content-security-policy'];
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin-allow-popups');
}

describe('signing in with Google in a real browser', () => {
  it('private → login → Google popup → private page with /api/me → reload restores via /reauth → sign out', T, async () => {
    const { context, problems } = await newContext(run.browser);
    const page = await context.newPage();
    const reauths = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/reauth') reauths.push(r);
    });

    const doc = await page.goto(`${run.stack.baseUrl}/#/private`);
    expectSecurityHeaders(doc.headers(), 'index.html');
    await readyLoginPage(page);
    await screenshot(page, '01-login');

    const authorizeBefore = run.stack.mock.seenAuthorize.length;
    const popup = await clickSignIn(page);
    await page.waitForURL(/#\/private$/, { timeout: 30_000 });
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor();
    await page.locator('[data-test-api-ok]').filter({ hasText: EMAIL }).waitFor();
    await page.locator('[data-test-api-answer]').evaluate((el) => el.closest('details').setAttribute('open', ''));
    const shot = await screenshot(page, '02-signed-in');
    // The README's picture: refreshed when missing or asked for
    // (UPDATE_DOCS_SCREENSHOT=1), so a test run leaves the work tree clean.
    const docsShot = path.join(REPO, 'frontend', 'docs', 'signed-in.png');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(docsShot)) {
      mkdirSync(path.dirname(docsShot), { recursive: true });
      copyFileSync(shot, docsShot);
    }
    await page.setViewportSize({ width: 390, height: 760 });
    await screenshot(page, '02-signed-in-phone');
    await page.setViewportSize({ width: 1100, height: 760 });
    assert.ok(popup.isClosed(), 'the popup closed itself');

    // The popup went to the stand-in with the server's state and a PKCE
    // challenge, and the Worker's code exchange proved the verifier.
    const authorize = run.stack.mock.seenAuthorize.slice(authorizeBefore);
    assert.equal(authorize.length, 1, 'one trip to the authorize endpoint');
    const q = authorize[0].query;
    assert.equal(q.redirect_uri, `${run.stack.baseUrl}/torii/redirect.html`);
    assert.equal(q.code_challenge_method, 'S256');
    assert.ok(q.state && q.code_challenge, 'state and code_challenge sent');
    const exchange = run.stack.mock.seen.find((s) => s.code === authorize[0].code);
    assert.ok(exchange, 'the Worker exchanged the code');
    assert.equal(s256(exchange.params.code_verifier), q.code_challenge, 'the verifier matches the challenge');

    // A reload restores the session through /reauth.
    assert.equal(reauths.length, 0);
    const reauth = page.waitForResponse((r) => new URL(r.url()).pathname === '/reauth');
    await page.reload();
    assert.equal((await reauth).status(), 200);
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor();
    assert.match(page.url(), /#\/private$/);
    assert.equal(reauths.length, 1, 'one /reauth per load');
    assert.deepEqual(Object.keys(JSON.parse(reauths[0].postData())), ['auth_token']);

    // Sign out: the app reloads at its root, signed out; /private needs login again.
    // exact: with a session store the private page also has "Sign out everywhere".
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('[data-test-signed-out]').waitFor();
    await screenshot(page, '03-signed-out');
    const stored = await page.evaluate(() => localStorage.getItem('ember_simple_auth-session'));
    assert.doesNotMatch(stored ?? '', /auth_token/, 'the token is gone from localStorage');
    await page.goto(`${run.stack.baseUrl}/#/private`);
    await readyLoginPage(page);

    assert.deepEqual(problems, [], 'no CSP violations or page errors');
    await context.close();
  });

  it('the stand-in refuses the code: the login page says so, and the button works again', T, async () => {
    const { context, problems } = await newContext(run.browser);
    const page = await context.newPage();
    await page.goto(`${run.stack.baseUrl}/#/login`);
    await readyLoginPage(page);

    run.stack.mock.nextToken = { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    await clickSignIn(page);
    const alert = page.locator('[data-test-error="invalid_grant"]');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /Google did not accept the sign-in/);
    await readyLoginPage(page);
    await screenshot(page, '04-error-invalid-grant');

    // Then it works.
    await clickSignIn(page);
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor({ timeout: 30_000 });

    assert.deepEqual(problems, []);
    await context.close();
  });

  it('the user closes the popup: a message, and the button works again', T, async () => {
    const { context, problems } = await newContext(run.browser);
    // Keep the popup on a consent page of our own, so the user can close it.
    const consent = (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Consent</title><h1>Choose an account</h1>' });
    const authorizeGlob = `${run.stack.mock.authorizeUrl}**`;
    await context.route(authorizeGlob, consent);
    const page = await context.newPage();
    await page.goto(`${run.stack.baseUrl}/#/login`);
    await readyLoginPage(page);

    const popup = await clickSignIn(page);
    await popup.waitForLoadState();
    assert.match(popup.url(), /\/authorize\?/);
    await popup.close();

    const alert = page.locator('[data-test-error="popup_closed"]');
    await alert.waitFor({ timeout: 15_000 });
    assert.match(await alert.innerText(), /window was closed/);
    await readyLoginPage(page);
    await screenshot(page, '05-error-popup-closed');

    await context.unroute(authorizeGlob, consent);
    await clickSignIn(page);
    await page.locator('[data-test-user-email]').filter({ hasText: EMAIL }).waitFor({ timeout: 30_000 });

    assert.deepEqual(problems, []);
    await context.close();
  });

  it('the account policy refuses the user (403): the login page says so', T, async () => {
    const { context, problems } = await newContext(run.browser);
    const page = await context.newPage();
    await page.goto(`${run.stack.baseUrl}/#/login`);
    await readyLoginPage(page);

    // Google says the address is not verified: never allowed (CONTRACT.md "Account policy").
    run.stack.mock.setUser({ email_verified: false });
    try {
      const login = page.waitForResponse((r) => new URL(r.url()).pathname === '/login');
      await clickSignIn(page);
      assert.equal((await login).status(), 403);
      const alert = page.locator('[data-test-error="access_denied"]');
      await alert.waitFor({ timeout: 30_000 });
      assert.match(await alert.innerText(), /not allowed to sign in here/);
      await readyLoginPage(page);
      await screenshot(page, '06-error-access-denied');
    } finally {
      run.stack.mock.setUser({ email_verified: true });
    }

    assert.deepEqual(problems, []);
    await context.close();
  });
});
