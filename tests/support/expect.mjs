// Assertions for CONTRACT.md answers, shared by the e2e tests.
import assert from 'node:assert/strict';

const show = (r) => `${r.status} ${r.headers?.get?.('content-type') ?? ''} ${String(r.text ?? '').slice(0, 400)}`;

/** Every API answer: JSON with charset, never cached. */
export function expectApiHeaders(r) {
  assert.equal(r.headers.get('content-type')?.toLowerCase(), 'application/json; charset=utf-8', `Content-Type of ${show(r)}`);
  const cc = (r.headers.get('cache-control') ?? '').toLowerCase().split(',').map((s) => s.trim());
  assert.ok(cc.includes('no-store'), `Cache-Control must carry no-store, got ${r.headers.get('cache-control')}`);
}

// expectOk / expectError check status and body only, so that one broken header
// does not fail every test; the headers have their own tests (expectApiHeaders).

/** A JSON success answer with the given status. */
export function expectOk(r, status = 200) {
  assert.equal(r.status, status, `expected ${status}, got ${show(r)}`);
  assert.ok(r.body && typeof r.body === 'object', `JSON body expected: ${show(r)}`);
}

/** An error answer: status, `error` code, a one-sentence `message`, nothing else. */
export function expectError(r, status, code) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${show(r)}`);
  assert.ok(r.body && typeof r.body === 'object', `JSON error body expected: ${show(r)}`);
  assert.equal(r.body.error, code, `error code: ${show(r)}`);
  assert.equal(typeof r.body.message, 'string', `message: ${show(r)}`);
  assert.ok(r.body.message.trim().length > 0, 'message must not be empty');
  assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message'], `error body keys: ${show(r)}`);
}

/** `Allow` lists `method` (and not `notMethod`). */
export function expectAllow(r, method, notMethod) {
  const allow = (r.headers.get('allow') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  assert.ok(allow.includes(method), `Allow must list ${method}, got ${JSON.stringify(r.headers.get('allow'))}`);
  if (notMethod) assert.ok(!allow.includes(notMethod), `Allow must not list ${notMethod}: ${r.headers.get('allow')}`);
}

export function parseCsp(value) {
  const out = new Map();
  for (const part of (value ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/** The security headers of CONTRACT.md ("Security headers"). */
export function expectSecurityHeaders(headers, what = 'response') {
  const csp = headers.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy missing`);
  const d = parseCsp(csp);
  assert.ok(d.get('default-src')?.includes("'self'"), `${what}: default-src 'self' in ${csp}`);
  assert.deepEqual(d.get('object-src'), ["'none'"], `${what}: object-src 'none' in ${csp}`);
  const base = d.get('base-uri');
  assert.ok(base && base.length === 1 && ["'self'", "'none'"].includes(base[0]), `${what}: base-uri 'self' or 'none' in ${csp}`);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"], `${what}: frame-ancestors 'none' in ${csp}`);
  const script = d.get('script-src');
  assert.ok(script, `${what}: script-src missing in ${csp}`);
  assert.ok(!script.includes("'unsafe-inline'") && !script.includes("'unsafe-eval'"), `${what}: no unsafe-* in script-src: ${csp}`);
  assert.ok(script.some((s) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(s)), `${what}: script-src must allow torii's inline script by sha256 hash: ${csp}`);

  const hsts = headers.get('strict-transport-security') ?? '';
  const maxAge = /max-age=(\d+)/i.exec(hsts);
  assert.ok(maxAge && Number(maxAge[1]) >= 31536000, `${what}: HSTS max-age of at least a year: ${JSON.stringify(hsts)}`);
  assert.ok(/(^|;)\s*includesubdomains\s*(;|$)/i.test(hsts), `${what}: HSTS includeSubDomains: ${JSON.stringify(hsts)}`);
  assert.equal(headers.get('x-content-type-options')?.toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(headers.get('referrer-policy')?.toLowerCase(), 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(headers.get('cross-origin-opener-policy')?.toLowerCase(), 'same-origin-allow-popups', `${what}: Cross-Origin-Opener-Policy`);
}

/** RFC 6750 §3 challenges. */
export function expectBearerChallenge(r, { error } = {}) {
  const h = r.headers.get('www-authenticate');
  assert.ok(h, `WWW-Authenticate missing on ${show(r)}`);
  if (error) assert.equal(h, `Bearer realm="edge-login", error="${error}"`, 'WWW-Authenticate');
  else assert.equal(h, 'Bearer realm="edge-login"', 'WWW-Authenticate (no error for missing credentials)');
}
