// The audit log (issue 4): one JSON line per auth event in the Worker's log —
// login ok / refused and why, reauth refused and why, rate limited — and
// nothing in it that could sign someone in or name them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, request, signIn, randomSecret } from '../support/stack.mjs';

const T = { timeout: 30_000 };
const KEY = randomSecret();
let stack;

before(async () => {
  stack = await startStack({ secrets: { SECRET_KEY: KEY }, rateLimit: { limit: 2, period: 60 } });
});
after(async () => {
  await stack?.stop();
});

/** The audit lines the Worker has logged so far, parsed. */
function auditLines() {
  return stack
    .logs()
    .split('\n')
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{"event"'))
    .map((line) => JSON.parse(line));
}

async function waitForLine(match) {
  for (let i = 0; i < 50; i++) {
    const found = auditLines().find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no audit line matched; lines: ${JSON.stringify(auditLines())}`);
}

describe('audit log', () => {
  it('logs a successful login with the email domain only', T, async () => {
    const r = await signIn(stack, { headers: { 'CF-Connecting-IP': '203.0.113.1' } });
    assert.equal(r.status, 200);
    const line = await waitForLine((l) => l.event === 'login' && l.outcome === 'ok');
    assert.equal(line.email_domain, 'example.com');
    assert.ok(!JSON.stringify(line).includes('ada@'), 'no full address');
  });

  it('logs a refused login with its reason', T, async () => {
    const r = await signIn(stack, { state: 'not-the-state', headers: { 'CF-Connecting-IP': '203.0.113.2' } });
    assert.equal(r.status, 400);
    await waitForLine((l) => l.event === 'login' && l.outcome === 'refused' && l.reason === 'invalid_state');
  });

  it('logs a refused reauth with its reason', T, async () => {
    const r = await request(stack, 'POST', '/reauth', { json: { auth_token: 'garbage.token.here' } });
    assert.equal(r.status, 401);
    await waitForLine((l) => l.event === 'reauth' && l.outcome === 'refused' && l.reason === 'invalid_token');
  });

  it('logs rate limiting', T, async () => {
    const headers = { 'CF-Connecting-IP': '203.0.113.99', 'Content-Type': 'application/json' };
    let last;
    for (let i = 0; i < 4; i++) last = await request(stack, 'POST', '/auth/start', { json: {}, headers });
    assert.equal(last.status, 429);
    await waitForLine((l) => l.event === 'rate_limited' && l.reason === 'rate_limited');
  });

  it('never logs a token, code or secret', T, async () => {
    const r = await signIn(stack, { headers: { 'CF-Connecting-IP': '203.0.113.3' } });
    assert.equal(r.status, 200);
    await waitForLine((l) => l.event === 'login' && l.outcome === 'ok');
    const logs = stack.logs();
    for (const secret of [r.token, r.code, r.state, KEY]) {
      assert.ok(!logs.includes(secret), 'a secret value reached the log');
    }
  });
});
