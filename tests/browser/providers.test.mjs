// The sign-in page of a Worker with three providers (CONTRACT.md
// "Providers"), in a real Chromium against `wrangler dev`: one button per
// provider of /auth/config, in its order, each opening its own provider's
// window. docs/signin-providers.png is refreshed when missing or with
// UPDATE_DOCS_SCREENSHOT=1.
//
//   bash scripts/build-worker.sh && bash scripts/build-frontend.sh
//   node --test --test-concurrency=1 tests/browser/providers.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO, startStack } from '../support/stack.mjs';
import { SCREENSHOTS, launch, newContext, readyLoginPage, screenshot } from './browser.mjs';

const T = { timeout: 120_000 };

// Where the GitHub and OIDC buttons of the page below send their window:
// Playwright answers there (a stand-in page), recording the address.
const GITHUB = { name: 'github-oauth2', label: 'GitHub', client_id: 'Iv1.0123456789abcdef', authorization_endpoint: 'http://127.0.0.1:9/login/oauth/authorize', scope: 'read:user user:email' };
const OIDC = { name: 'oidc', label: 'Contoso', client_id: 'contoso-client', authorization_endpoint: 'http://127.0.0.1:9/contoso/oauth2/v2.0/authorize', scope: 'openid email profile' };

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

/**
 * The Worker's own /auth/config, with GitHub and the OIDC provider added
 * after its Google entry, and /auth/start answered for them (this Worker is
 * configured for Google only): what the page gets from a Worker with all three.
 */
async function offerThreeProviders(page) {
  await page.route(
    (url) => url.pathname === '/auth/config',
    async (route) => {
      const response = await route.fetch();
      const config = await response.json();
      const google = config.providers?.find((p) => p.name === 'google-oauth2') ?? {
        name: 'google-oauth2',
        label: 'Google',
        client_id: config.client_id,
        authorization_endpoint: config.authorization_endpoint,
        scope: config.scope,
      };
      await route.fulfill({ response, json: { ...config, providers: [google, GITHUB, OIDC] } });
    },
  );
  const starts = [];
  await page.route(
    (url) => url.pathname === '/auth/start',
    async (route) => {
      const body = JSON.parse(route.request().postData() || '{}');
      starts.push(body.provider);
      if (body.provider === 'google-oauth2') return route.fallback();
      await route.fulfill({ json: { state: `state-for-${body.provider}`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' } });
    },
  );
  return starts;
}

describe('the sign-in page with Google, GitHub and an OIDC provider', () => {
  it('one button per provider, in /auth/config’s order; GitHub’s and the OIDC provider’s open their own windows', T, async () => {
    const { context, problems } = await newContext(browser);
    const authorize = [];
    await context.route(
      (url) => url.host === '127.0.0.1:9',
      async (route) => {
        authorize.push(new URL(route.request().url()));
        await route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Provider</title><p>The provider’s sign-in page.</p>' });
      },
    );
    const page = await context.newPage();
    const starts = await offerThreeProviders(page);
    await page.goto(`${stack.baseUrl}/#/login`);
    await readyLoginPage(page);

    const names = await page.locator('[data-test-sign-in]').evaluateAll((els) => els.map((b) => [b.dataset.testSignIn, b.innerText.trim()]));
    assert.deepEqual(names, [
      ['google-oauth2', 'Sign in with Google'],
      ['github-oauth2', 'Sign in with GitHub'],
      ['oidc', 'Sign in with Contoso'],
    ]);
    assert.deepEqual(starts, ['google-oauth2'], 'the first provider’s attempt is prepared');

    const card = page.locator('section.login');
    const shot = path.join(SCREENSHOTS, '12-signin-providers.png');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await card.screenshot({ path: shot });
    await screenshot(page, '12-signin-providers-page');
    const docsShot = path.join(REPO, 'docs', 'signin-providers.png');
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' || !existsSync(docsShot)) copyFileSync(shot, docsShot);
    await page.setViewportSize({ width: 390, height: 760 });
    await screenshot(page, '12-signin-providers-phone-width');
    await page.setViewportSize({ width: 1100, height: 760 });

    for (const [provider, endpoint] of [
      [GITHUB, GITHUB.authorization_endpoint],
      [OIDC, OIDC.authorization_endpoint],
    ]) {
      const popupEvent = page.waitForEvent('popup', { timeout: 15_000 });
      await page.getByRole('button', { name: `Sign in with ${provider.label}` }).click();
      const popup = await popupEvent;
      // The window opens empty inside the click, then goes to the provider
      // once /auth/start answered for it.
      await popup.waitForURL((u) => u.href.startsWith(endpoint), { timeout: 15_000 });
      const sent = authorize.at(-1);
      assert.equal(sent.origin + sent.pathname, endpoint);
      const q = sent.searchParams;
      assert.equal(q.get('client_id'), provider.client_id);
      assert.equal(q.get('state'), `state-for-${provider.name}`);
      assert.equal(q.get('redirect_uri'), `${stack.baseUrl}/torii/redirect.html`);
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.equal(q.get('scope'), provider.scope);
      await popup.close();
      await page.locator('[data-test-error="popup_closed"]').waitFor({ timeout: 15_000 });
      assert.match(await page.locator('[data-test-error]').innerText(), new RegExp(`The ${provider.label} sign-in window was closed`));
      await readyLoginPage(page);
    }
    assert.deepEqual(starts, ['google-oauth2', 'github-oauth2', 'github-oauth2', 'oidc', 'oidc'], 'each press asks for its provider, then prepares it again');

    assert.deepEqual(problems, []);
    await context.close();
  });
});

// The real sign-ins, through the Worker's GitHub and OpenID Connect
// providers and their loopback stand-ins (tests/mock-github, the second
// oauth2-mock-server of tests/mock-oidc/issuer.mjs).
describe('signing in with GitHub, then with the OIDC provider, in a real browser', () => {
  let three;

  before(async () => {
    three = await startStack({ github: true, oidc: true });
  });

  after(async () => {
    await three?.stop();
  });

  async function signInWith(page, label, email) {
    await page.goto(`${three.baseUrl}/#/private`);
    await readyLoginPage(page);
    const popupEvent = page.waitForEvent('popup', { timeout: 15_000 });
    await page.getByRole('button', { name: `Sign in with ${label}` }).click();
    const popup = await popupEvent;
    await page.waitForURL(/#\/private$/, { timeout: 30_000 });
    await page.locator('[data-test-user-email]').filter({ hasText: email }).waitFor();
    await page.locator('[data-test-api-ok]').filter({ hasText: email }).waitFor();
    await popup.waitForEvent('close', { timeout: 15_000 }).catch(() => {});
    assert.ok(popup.isClosed(), 'the popup closed itself');
  }

  it('each button signs in with its own provider; the private page says which', T, async () => {
    const config = await (await fetch(`${three.baseUrl}/auth/config`)).json();
    assert.deepEqual(
      config.providers?.map((p) => [p.name, p.label]),
      [['google-oauth2', 'Google'], ['github-oauth2', 'GitHub'], ['oidc', 'Corp Directory']],
      'the Worker under test offers all three',
    );
    const { context, problems } = await newContext(browser);
    const page = await context.newPage();
    const logins = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/login') logins.push(JSON.parse(r.postData()).provider);
    });

    const githubBefore = three.github.seen.length;
    await signInWith(page, 'GitHub', 'octocat@github.example');
    assert.equal((await page.locator('[data-test-user-provider]').innerText()).trim(), 'GitHub');
    assert.equal((await page.locator('[data-test-user-name]').innerText()).trim(), 'The Octocat');
    const githubSeen = three.github.seen.slice(githubBefore).map((s) => `${s.method} ${s.path.split('?')[0]}`);
    for (const call of ['GET /login/oauth/authorize', 'POST /login/oauth/access_token', 'GET /api/user', 'GET /api/user/emails']) {
      assert.ok(githubSeen.includes(call), `the GitHub stand-in got ${call} (${githubSeen.join(', ')})`);
    }
    await screenshot(page, '13-signed-in-with-github');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('[data-test-signed-out]').waitFor({ timeout: 15_000 });

    await signInWith(page, 'Corp Directory', 'grace@corp.example');
    assert.equal((await page.locator('[data-test-user-provider]').innerText()).trim(), 'Corp Directory');
    assert.equal((await page.locator('[data-test-user-name]').innerText()).trim(), 'Grace Hopper');
    assert.ok(three.oidc.seenDiscovery.length > 0, 'the Worker found the issuer by discovery');
    await screenshot(page, '14-signed-in-with-oidc');

    assert.deepEqual(logins, ['github-oauth2', 'oidc'], 'POST /login named each provider');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
