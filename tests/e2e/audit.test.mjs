// The audit log: one JSON line per auth event in the Worker's log —
// login ok / refused and why, reauth refused and why, rate limited — and
// nothing in it that could sign someone in or name them.
// Each test reads only what wrangler printed after its own requests began
// (stack.logMark / logsSince), so a line of an earlier test cannot satisfy it,
// and counts the lines its requests should have written.
import { describe, it, before, after, afterEach } from 'node:test';
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
afterEach(() => stack.mock.reset());

/** The audit lines wrangler printed after `mark`, parsed. */
function auditLinesSince(mark) {
  const lines = [];
  for (const line of stack.logsSince(mark).split('\n')) {
    const json = line.slice(line.indexOf('{'));
    if (!json.startsWith('{"event"')) continue;
    try {
      lines.push(JSON.parse(json));
    } catch {
      /* a line still being written */
    }
  }
  return lines;
}

/**
 * Waits until `count` lines after `mark` match, then answers them; fails when
 * fewer come, or more (each request writes one line).
 */
async function expectLines(mark, match, count = 1) {
  let found = [];
  for (let i = 0; i < 50; i++) {
    found = auditLinesSince(mark).filter(match);
    if (found.length >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Let a line that should not be there arrive before counting.
  await new Promise((r) => setTimeout(r, 200));
  found = auditLinesSince(mark).filter(match);
  assert.equal(found.length, count, `audit lines after this test's requests began: ${JSON.stringify(auditLinesSince(mark))}`);
  return found;
}

let domainCounter = 0;
/** An address on a domain no other test uses, so the line is this sign-in's. */
function uniqueUser() {
  const domain = `audit-${process.pid}-${++domainCounter}.example`;
  stack.mock.setUser({ email: `ada@${domain}` });
  return domain;
}

describe('audit log', () => {
  it('logs a successful login with the email domain only', T, async () => {
    const domain = uniqueUser();
    const mark = stack.logMark();
    const r = await signIn(stack, { headers: { 'CF-Connecting-IP': '203.0.113.1' } });
    assert.equal(r.status, 200, r.text);
    const [line] = await expectLines(mark, (l) => l.event === 'login' && l.outcome === 'ok');
    assert.equal(line.email_domain, domain);
    assert.ok(!JSON.stringify(line).includes('ada@'), 'no full address');
  });

  it('logs a refused login with its reason', T, async () => {
    const mark = stack.logMark();
    const r = await signIn(stack, { state: 'not-the-state', headers: { 'CF-Connecting-IP': '203.0.113.2' } });
    assert.equal(r.status, 400, r.text);
    await expectLines(mark, (l) => l.event === 'login' && l.outcome === 'refused' && l.reason === 'invalid_state');
  });

  it('logs a refused reauth with its reason', T, async () => {
    const mark = stack.logMark();
    const r = await request(stack, 'POST', '/reauth', { json: { auth_token: 'garbage.token.here' } });
    assert.equal(r.status, 401, r.text);
    await expectLines(mark, (l) => l.event === 'reauth' && l.outcome === 'refused' && l.reason === 'invalid_token');
  });

  it('logs rate limiting, one line per refused request', T, async () => {
    const headers = { 'CF-Connecting-IP': '203.0.113.99', 'Content-Type': 'application/json' };
    const mark = stack.logMark();
    let limited = 0;
    for (let i = 0; i < 4; i++) {
      const r = await request(stack, 'POST', '/auth/start', { json: {}, headers });
      if (r.status === 429) limited++;
    }
    assert.ok(limited >= 1, 'the limit (2 per minute) was reached');
    await expectLines(mark, (l) => l.event === 'rate_limited' && l.reason === 'rate_limited', limited);
  });

  it('never logs a token, code or secret', T, async () => {
    const domain = uniqueUser();
    const mark = stack.logMark();
    const r = await signIn(stack, { headers: { 'CF-Connecting-IP': '203.0.113.3' } });
    assert.equal(r.status, 200, r.text);
    await expectLines(mark, (l) => l.event === 'login' && l.outcome === 'ok' && l.email_domain === domain);
    const logs = stack.logs();
    for (const secret of [r.token, r.code, r.state, KEY, stack.mock.clientSecret]) {
      assert.ok(!logs.includes(secret), 'a secret value reached the log');
    }
  });
});
