// Static checks of what the browser gets from frontend/dist (no server):
// the CSP in _headers allows torii's redirect script by its hash, and the
// Ember build needs no inline script at all.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../support/stack.mjs';

const PUBLIC = path.join(REPO, 'frontend', 'public');
const DIST = path.join(REPO, 'frontend', 'dist');

function headersFile() {
  const rules = new Map();
  let current = null;
  for (const line of readFileSync(path.join(PUBLIC, '_headers'), 'utf8').split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      current = new Map();
      rules.set(line.trim(), current);
    } else {
      const i = line.indexOf(':');
      current.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
  }
  return rules;
}

function inlineScripts(html) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter(([, attrs]) => !/\bsrc\s*=/.test(attrs))
    .map(([, , body]) => body);
}

const sha256 = (s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('security headers of the static assets', () => {
  const all = headersFile().get('/*');

  it('_headers gives every path the contract’s headers', () => {
    assert.ok(all, 'a /* rule');
    const csp = all.get('content-security-policy');
    for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", "connect-src 'self'"]) {
      assert.ok(csp.split(';').map((s) => s.trim()).includes(d), `CSP has ${d}`);
    }
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const maxAge = Number(/max-age=(\d+)/.exec(all.get('strict-transport-security'))?.[1]);
    assert.ok(maxAge >= 31536000, 'HSTS at least a year');
    assert.match(all.get('strict-transport-security'), /includeSubDomains/);
    assert.equal(all.get('x-content-type-options'), 'nosniff');
    assert.equal(all.get('referrer-policy'), 'no-referrer');
    assert.equal(all.get('cross-origin-opener-policy'), 'same-origin-allow-popups');
  });

  it('script-src allows exactly the redirect page’s inline script, by hash', () => {
    const page = readFileSync(path.join(PUBLIC, 'torii', 'redirect.html'), 'utf8');
    const scripts = inlineScripts(page);
    assert.equal(scripts.length, 1);
    const scriptSrc = all
      .get('content-security-policy')
      .split(';')
      .map((s) => s.trim())
      .find((d) => d.startsWith('script-src '));
    assert.deepEqual(scriptSrc.split(/\s+/).slice(1), ["'self'", sha256(scripts[0])]);
  });

  it('the build has no inline script and ships the redirect page and _headers as they are', { skip: !existsSync(DIST) && 'frontend/dist not built' }, () => {
    assert.deepEqual(inlineScripts(readFileSync(path.join(DIST, 'index.html'), 'utf8')), []);
    for (const f of ['_headers', 'torii/redirect.html']) {
      assert.equal(readFileSync(path.join(DIST, f), 'utf8'), readFileSync(path.join(PUBLIC, f), 'utf8'), f);
    }
  });
});
