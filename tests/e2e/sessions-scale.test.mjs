// The store at scale under `wrangler dev` (CONTRACT.md "Sessions" ∆): a
// user holds at most 100 live sessions, the least recently seen ending
// first; a user's object deletes its storage once nothing of theirs is live
// (read from --persist-to, as SQLite reads it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  startStack, startMockGoogle, authorize, postLogin, mintToken, randomSecret, decodeToken, s256, now, COOKIE_NAME, PROVIDER,
} from '../support/stack.mjs';
import { expectOk, expectError } from '../support/expect.mjs';
import { me, reauth, listSessions, endAll, signedIn } from '../support/sessions.mjs';
import { python } from '../support/python.mjs';

const T = { timeout: 240_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let mock;
before(async () => {
  mock = await startMockGoogle();
});
after(async () => {
  await mock?.stop();
});

// Every SessionStore object's tables and rows, as wrangler dev keeps them:
// one SQLite file per object under <persist>/v3/do/<worker>-SessionStore/.
const READ_ALL = `
import json, sqlite3, sys
out = {}
for f in sys.argv[1:]:
    db = sqlite3.connect(f, timeout=5)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")]
    out[f] = {t: [list(r) for r in db.execute('SELECT * FROM "%s"' % t)] for t in tables}
    db.close()
print(json.dumps(out))
`;
function objects(persistTo) {
  const root = path.join(persistTo, 'v3', 'do');
  const dbs = existsSync(root)
    ? readdirSync(root, { recursive: true })
        .map((f) => path.join(root, f))
        .filter((f) => /[0-9a-f]{64}\.sqlite$/.test(f) && path.basename(path.dirname(f)).endsWith('-SessionStore'))
    : [];
  return dbs.length ? JSON.parse(execFileSync(python(), ['-c', READ_ALL, ...dbs], { encoding: 'utf8' })) : {};
}

describe('at most 100 sessions per user', () => {
  let stack;
  before(async () => {
    stack = await startStack({ mock, sessions: true });
  });
  after(async () => {
    await stack?.stop();
  });

  it('101 sign-ins leave 100 sessions; the least recently seen one ended', T, async () => {
    const user = { sub: '7100000101', email: 'many@example.com' };
    const first = await signedIn(stack, { user, userAgent: 'device 0' });
    let last;
    for (let i = 1; i <= 100; i++) last = await signedIn(stack, { user, userAgent: `device ${i}` });
    const list = await listSessions(stack, last.token);
    expectOk(list);
    assert.equal(list.body.sessions.length, 100);
    assert.ok(!list.body.sessions.some((s) => s.id === first.sid), 'the first sign-in is not listed');
    expectError(await me(stack, first.token), 401, 'session_ended');
    expectOk(await me(stack, last.token));
  });
});

describe('what the store keeps', () => {
  let stack;
  let key;
  before(async () => {
    key = randomSecret();
    stack = await startStack({ mock, sessions: true, secrets: { SECRET_KEY: key } });
  });
  after(async () => {
    await stack?.stop();
  });

  // A sign-in whose /auth/start was 595 s ago (its cookie good for five more
  // seconds): its spent state need be kept only a minute more, so that the
  // test can see the object empty itself without waiting ten minutes.
  async function lateSignIn(user) {
    const state = randomSecret();
    const verifier = randomSecret();
    const cookie = mintToken(key, { state, verifier }, now() - 595, { salt: 'edge-login.signin' });
    const saved = { ...mock.user };
    mock.setUser(user);
    try {
      const auth = await authorize(stack, { state, codeChallenge: s256(verifier) });
      const body = { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state };
      const r = await postLogin(stack, body, { cookie: `${COOKIE_NAME}=${cookie}`, headers: { 'user-agent': `${user.email} browser` } });
      expectOk(r);
      return { token: r.body.auth_token, sid: decodeToken(r.body.auth_token).payload.sid };
    } finally {
      mock.user = saved;
    }
  }

  it('after every user signs out everywhere, the persisted state holds nothing of theirs', T, async () => {
    const users = [
      { sub: '7200000001', email: 'ada@example.com' },
      { sub: '7200000002', email: 'bob@example.com' },
    ];
    const sessions = [];
    for (const user of users) for (let i = 0; i < 2; i++) sessions.push({ user, ...(await lateSignIn(user)) });
    const held = JSON.stringify(objects(stack.persistTo));
    for (const s of sessions) assert.ok(held.includes(s.sid), 'each session is a row after its sign-in');

    for (const user of users) expectOk(await endAll(stack, sessions.find((s) => s.user === user).token));
    // At once: no session, user agent or address left, only spent states' hashes.
    const ended = JSON.stringify(objects(stack.persistTo));
    for (const s of sessions) {
      assert.ok(!ended.includes(s.sid), 'no sid after signing out everywhere');
      assert.ok(!ended.includes(s.user.email), 'no user agent naming them');
    }
    // Once the states are past their cookie's life, the objects delete all.
    const deadline = Date.now() + 150_000;
    for (;;) {
      const left = Object.entries(objects(stack.persistTo)).filter(([, tables]) =>
        Object.values(tables).some((rows) => rows.length > 0),
      );
      if (left.length === 0) break;
      if (Date.now() > deadline) assert.fail(`objects still holding rows: ${JSON.stringify(left)}`);
      await sleep(1000);
    }
    // And deleteAll took the tables too: nothing of the schema is left.
    for (const tables of Object.values(objects(stack.persistTo))) assert.deepEqual(Object.keys(tables), []);
  });
});

describe('short lifetimes (MAX_TOKEN_AGE=4)', () => {
  let stack;
  before(async () => {
    stack = await startStack({ mock, sessions: true, vars: { MAX_TOKEN_AGE: '4', MAX_SESSION_AGE: '60' } });
  });
  after(async () => {
    await stack?.stop();
  });

  it('a session not renewed within MAX_TOKEN_AGE is not listed, seconds later', T, async () => {
    const user = { sub: '7400000001', email: 'short@example.com' };
    const idle = await signedIn(stack, { user });
    const busy = await signedIn(stack, { user });
    let token = busy.token;
    // Renewed past half its life, three times: ten seconds of use.
    for (let i = 0; i < 3; i++) {
      await sleep(3200);
      const r = await reauth(stack, token);
      expectOk(r);
      assert.notEqual(r.body.auth_token, token, 'renewed');
      token = r.body.auth_token;
    }
    await sleep(1500);
    const list = await listSessions(stack, token);
    expectOk(list);
    assert.deepEqual(list.body.sessions.map((x) => x.id), [busy.sid], 'only the renewed session is listed');
    expectError(await reauth(stack, idle.token), 401, 'token_expired');
  });
});
