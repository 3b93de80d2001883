// The SessionStore's alarm under `wrangler dev` ("an alarm that deletes
// sessions that can no longer be used"). What the alarm deletes and when it
// is set are host-tested over SQLite and a fake storage (src/store/tests);
// this is the runtime firing it. With MAX_SESSION_AGE=2 a session cannot be
// used two seconds after its sign-in, and its row must then leave the
// object's SQLite database (read from --persist-to), while the sign-in
// states, spent but still within their cookie's life, stay. Real time
// passes here: the runtime's alarm clock cannot be handed a fake one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from '../support/stack.mjs';
import { expectError } from '../support/expect.mjs';
import { reauth, signedIn } from '../support/sessions.mjs';
import { python } from '../support/python.mjs';

const T = { timeout: 120_000 };
const MAX_SESSION_AGE = 2;
// The alarm runs a second after the first row becomes unusable; allow the
// runtime (and a loaded machine) a good margin on top.
const PRUNE_WITHIN_MS = 20_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stack;
let persistTo;
before(async () => {
  persistTo = mkdtempSync(path.join(os.tmpdir(), 'edge-login-alarm-'));
  stack = await startStack({ persistTo, sessions: true, vars: { MAX_SESSION_AGE: String(MAX_SESSION_AGE) } });
});
after(async () => {
  await stack?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

// Every SessionStore object's rows, as wrangler dev keeps them on disk: one
// SQLite file per object under <persist>/v3/do/<worker>-SessionStore/.
const READ_ROWS = `
import json, sqlite3, sys
sessions, states = [], 0
for f in sys.argv[1:]:
    db = sqlite3.connect(f, timeout=5)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if 'sessions' in tables:
        sessions += [r[0] for r in db.execute('SELECT id FROM sessions')]
    if 'spent' in tables:
        states += db.execute("SELECT COUNT(*) FROM spent WHERE key LIKE 'state:%'").fetchone()[0]
    db.close()
print(json.dumps({'sessions': sessions, 'spent_states': states}))
`;
function storeRows() {
  const root = path.join(persistTo, 'v3', 'do');
  const dbs = existsSync(root)
    ? readdirSync(root, { recursive: true })
        .map((f) => path.join(root, f))
        .filter((f) => f.endsWith('.sqlite') && path.basename(path.dirname(f)).endsWith('-SessionStore'))
    : [];
  assert.ok(dbs.length > 0, `no SessionStore database under ${root}: has wrangler dev's layout changed?`);
  return JSON.parse(execFileSync(python(), ['-c', READ_ROWS, ...dbs], { encoding: 'utf8' }));
}

/** Waits until none of `sids` is a row; answers when that was, in ms since `since`. */
async function prunedAfter(sids, since) {
  for (;;) {
    const left = storeRows().sessions.filter((id) => sids.includes(id));
    if (left.length === 0) return Date.now() - since;
    if (Date.now() - since > PRUNE_WITHIN_MS)
      assert.fail(`${left.length} session row(s) still held ${PRUNE_WITHIN_MS} ms after their sign-in`);
    await sleep(250);
  }
}

describe('the session store alarm', () => {
  it('deletes the rows of sessions past MAX_SESSION_AGE, keeps live sign-in states, and is set again later', T, async () => {
    const signedAt = Date.now();
    const a = await signedIn(stack);
    const b = await signedIn(stack);
    const held = storeRows();
    assert.ok(held.sessions.includes(a.sid) && held.sessions.includes(b.sid), 'both sessions are rows after sign-in');
    assert.ok(held.spent_states >= 2, 'both sign-ins spent their state');

    const ms = await prunedAfter([a.sid, b.sid], signedAt);
    // Not on the spot: only once they could no longer be used.
    assert.ok(ms >= (MAX_SESSION_AGE - 0.5) * 1000, `rows deleted ${ms} ms after sign-in, before MAX_SESSION_AGE`);
    assert.ok(storeRows().spent_states >= held.spent_states, 'spent states still within their cookie life stay');
    // The token says so itself, before the store is asked (CONTRACT.md).
    expectError(await reauth(stack, a.token), 401, 'token_expired');

    // The object keeps one alarm for what is left (the spent states), and a
    // new session's row, due before them, moves it: it goes in its turn.
    const laterAt = Date.now();
    const c = await signedIn(stack);
    assert.ok(storeRows().sessions.includes(c.sid));
    await prunedAfter([c.sid], laterAt);
  });
});
