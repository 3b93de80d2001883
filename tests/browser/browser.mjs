// Shared by the browser tests: Debian's Chromium through playwright-core,
// screenshots into tests/artifacts/screenshots/, and a watch for CSP
// violations and page errors on every page (popups included).

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from '../support/stack.mjs';

// CHROME_BIN, used as it is: scripts/test.sh sets it (scripts/find-chrome.sh).
export const CHROMIUM = process.env.CHROME_BIN || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO, 'tests', 'artifacts', 'screenshots');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: set CHROME_BIN to a Chrome or Chromium binary (make test finds or installs one)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh browser context (its own localStorage and cookies: one device)
 * whose pages report CSP violations and uncaught errors into `problems`.
 * `userAgent` overrides the browser's (the Worker stores it per session).
 */
export async function newContext(browser, { userAgent } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...(userAgent ? { userAgent } : {}) });
  const problems = [];
  const watch = (page) => {
    page.on('console', (msg) => {
      const text = msg.text();
      if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(text)) {
        // The stand-ins' pictures are http://, which img-src (https: only)
        // refuses on purpose: the page shows initials instead.
        if (/img-src/.test(text) && /(picture|avatar)\.png/.test(text)) return;
        problems.push(`CSP on ${page.url()}: ${text}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  };
  context.on('page', watch);
  return { context, problems };
}

export const SIGN_IN = { name: 'Sign in with Google' };

/** The login page, ready: /auth/config and /auth/start answered. */
export async function readyLoginPage(page) {
  await page.waitForURL(/#\/login$/);
  const button = page.getByRole('button', SIGN_IN);
  await button.and(page.locator('[aria-disabled="false"]')).waitFor();
  return button;
}

/** Clicks "Sign in with Google"; resolves with the popup that opens. */
export async function clickSignIn(page) {
  const popup = page.waitForEvent('popup', { timeout: 15_000 });
  await page.getByRole('button', SIGN_IN).click();
  return popup;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export const SECURITY_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
];
