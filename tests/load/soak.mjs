// The store's soak (`make load`, after the /reauth run): 2,000 real sign-ins
// by 200 users through the Google stand-in, then 100,000 checked requests
// (POST /reauth, GET /api/me, and GET /api/whoami forwarded to the app's
// backend, examples/worker-api bound as BACKEND) on their sessions with
// sign-outs mixed in
// (POST /logout, DELETE /auth/sessions/{id}, DELETE /auth/sessions), all
// against `wrangler dev` with the SESSIONS store, and every answer checked:
//   - a session whose ending had answered before the request was sent must
//     be refused (401 session_ended), never accepted;
//   - a session no ending had been sent for by the time the answer came must
//     be accepted (200, the same token and user back), never refused;
//   - (a request racing its session's ending may get either);
//   - no 5xx, no socket error.
// At the end the persisted state (--persist-to, read with SQLite) must hold
// exactly the sessions still live: every ended one gone.
//
//   node tests/load/soak.mjs
//   env SOAK_USERS (200), SOAK_SIGNINS (2000), SOAK_REQUESTS (100000),
//   SOAK_CONCURRENCY (8), SOAK_SIGNOUT_EVERY (an ending before every 250th request)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, startSignIn, authorize, postLogin, request, decodeToken, PROVIDER } from '../support/stack.mjs';
import { python } from '../support/python.mjs';

const int = (name, dflt) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, not ${process.env[name]}`);
  return v;
};
const USERS = int('SOAK_USERS', 200);
const SIGNINS = int('SOAK_SIGNINS', 2000);
const REQUESTS = int('SOAK_REQUESTS', 100_000);
const CONCURRENCY = int('SOAK_CONCURRENCY', 8);
const SIGNOUT_EVERY = int('SOAK_SIGNOUT_EVERY', 250);

const work = mkdtempSync(path.join(os.tmpdir(), 'edge-login-soak-'));
const assets = path.join(work, 'assets');
mkdirSync(path.join(assets, 'torii'), { recursive: true });
writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>soak</title>\n');
writeFileSync(path.join(assets, 'torii', 'redirect.html'), '<!doctype html><title>redirect</title>\n');
const persistTo = path.join(work, 'state');

const bearer = (token) => ({ authorization: `Bearer ${token}` });
const user = (i) => ({ sub: `soak-${i}`, email: `soak${i}@example.com`, name: `Soak ${i}` });

/** Runs `next()` (a task or undefined when done) on `n` workers at once. */
async function pool(n, next) {
  const worker = async () => {
    for (let task = next(); task; task = next()) await task();
  };
  await Promise.all(Array.from({ length: n }, worker));
}

// ------------------------------------------------------------ what is known of each session
// ending: {sentAt, answeredAt} of the request that ended it (logout, end one, end all).
const sessions = []; // {sid, token, user, ending}
const byUser = new Map(); // sub -> sessions
const stats = { kinds: {}, statuses: {}, wrong: 0, raced: 0, examples: [], checked: 0, fiveXX: 0, errors: 0, endings: 0 };

function tally(status) {
  stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
  if (status >= 500) stats.fiveXX++;
}
function wrong(what) {
  stats.wrong++;
  if (stats.examples.length < 10) stats.examples.push(what);
}

async function timed(fn) {
  const sentAt = performance.now();
  try {
    const r = await fn();
    return { r, sentAt, answeredAt: performance.now() };
  } catch (e) {
    stats.errors++;
    if (stats.examples.length < 10) stats.examples.push(`request error: ${e.message}`);
    return { r: null, sentAt, answeredAt: performance.now() };
  }
}

/** Checks one answer about session `s`, sent at `sentAt`, answered at `answeredAt`. */
function judge(s, kind, r, sentAt, answeredAt) {
  stats.checked++;
  stats.kinds[kind] = (stats.kinds[kind] ?? 0) + 1;
  tally(r.status);
  const endedBefore = s.ending?.answeredAt !== undefined && s.ending.answeredAt < sentAt;
  const liveThroughout = s.ending === undefined || s.ending.sentAt > answeredAt;
  const accepted =
    r.status === 200 &&
    {
      reauth: () => r.body?.auth_token === s.token && r.body?.user_info?.sub === s.user.sub,
      me: () => r.body?.user_info?.sub === s.user.sub,
      // The backend answers with the user edge-login vouched for.
      forwarded: () => r.body?.user === s.user.sub,
    }[kind]();
  const refused = r.status === 401 && r.body?.error === 'session_ended';
  if (endedBefore && !refused) wrong(`${kind} of an ended session answered ${r.status} ${r.text.slice(0, 120)}`);
  else if (liveThroughout && !accepted) wrong(`${kind} of a live session answered ${r.status} ${r.text.slice(0, 120)}`);
  else if (!endedBefore && !liveThroughout) {
    stats.raced++;
    if (!accepted && !refused) wrong(`${kind} racing its ending answered ${r.status} ${r.text.slice(0, 120)}`);
  }
}

function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

let stack;
let failed = false;
try {
  console.error('==> starting wrangler dev with the session store and the Google stand-in');
  stack = await startStack({
    assets,
    persistTo,
    sessions: true,
    backendWorker: true,
    logLevel: 'warn',
    rateLimit: { limit: 100_000, period: 60 },
  });

  // -------------------------------------------------------- 2,000 sign-ins by 200 users
  const baseUser = { ...stack.mock.user };
  let lock = Promise.resolve();
  const oneAtATime = (fn) => {
    const run = lock.then(fn);
    lock = run.catch(() => {});
    return run;
  };
  const signInStarted = performance.now();
  let started = 0;
  await pool(CONCURRENCY, () => {
    if (started >= SIGNINS) return undefined;
    const i = started++;
    const u = user(i % USERS);
    return async () => {
      const headers = { 'user-agent': `soak device ${i}` };
      const start = await startSignIn(stack, { headers });
      tally(start.status);
      // The stand-in signs in its current user when /authorize answers: one
      // sign-in at a time holds it (the Worker's own calls run in parallel).
      const auth = await oneAtATime(async () => {
        stack.mock.user = { ...baseUser, ...u };
        return authorize(stack, { state: start.state, codeChallenge: start.codeChallenge });
      });
      const body = { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state };
      const r = await postLogin(stack, body, { cookie: start.cookie, headers });
      r.token = r.body?.auth_token;
      tally(r.status);
      if (r.status !== 200) {
        wrong(`sign-in ${i} answered ${r.status} ${r.text.slice(0, 160)}`);
        return;
      }
      const payload = decodeToken(r.token).payload;
      if (payload.user_info?.sub !== u.sub) wrong(`sign-in ${i} as ${u.sub} answered ${payload.user_info?.sub}`);
      const s = { sid: payload.sid, token: r.token, user: u, ending: undefined };
      sessions.push(s);
      if (!byUser.has(u.sub)) byUser.set(u.sub, []);
      byUser.get(u.sub).push(s);
    };
  });
  const signInSecs = (performance.now() - signInStarted) / 1000;
  console.error(`==> ${sessions.length} sign-ins in ${signInSecs.toFixed(1)} s`);

  // -------------------------------------------------------- 100,000 checked requests, sign-outs mixed in
  const runStarted = performance.now();
  let sent = 0;
  let endingsSent = 0;
  async function ending(n) {
    // Mostly one session (its own sign-out, or ended from another device of
    // the user); every tenth, all of a user's sessions.
    const kind = (n / SIGNOUT_EVERY) % 10 === 0 ? 'end_all' : (n / SIGNOUT_EVERY) % 2 ? 'logout' : 'end_one';
    const live = sessions.filter((x) => x.ending === undefined);
    if (live.length < 2) return;
    const s = pick(live);
    const mark = { sentAt: performance.now(), answeredAt: undefined };
    let targets;
    let go;
    if (kind === 'logout') {
      targets = [s];
      go = () => request(stack, 'POST', '/logout', { headers: bearer(s.token) });
    } else if (kind === 'end_one') {
      const other = pick(byUser.get(s.user.sub).filter((x) => x.ending === undefined));
      targets = [other];
      go = () => request(stack, 'DELETE', `/auth/sessions/${other.sid}`, { headers: bearer(s.token) });
    } else {
      targets = byUser.get(s.user.sub).filter((x) => x.ending === undefined);
      go = () => request(stack, 'DELETE', '/auth/sessions', { headers: bearer(s.token) });
    }
    for (const t of targets) t.ending ??= mark;
    endingsSent++;
    const { r, answeredAt } = await timed(go);
    if (!r) return;
    tally(r.status);
    stats.endings++;
    if (r.status !== 200) wrong(`${kind} answered ${r.status} ${r.text.slice(0, 160)}`);
    else if (r.body.sessions_ended !== targets.length) wrong(`${kind} ended ${r.body.sessions_ended}, not ${targets.length}`);
    mark.answeredAt = answeredAt;
  }
  await pool(CONCURRENCY, () => {
    if (sent >= REQUESTS) return undefined;
    const n = sent++;
    const s = sessions[n % sessions.length];
    const kind = ['reauth', 'reauth', 'me', 'forwarded', 'forwarded'][n % 5];
    return async () => {
      if (n > 0 && n % SIGNOUT_EVERY === 0) await ending(n);
      const go = {
        reauth: () => request(stack, 'POST', '/reauth', { json: { auth_token: s.token } }),
        me: () => request(stack, 'GET', '/api/me', { headers: bearer(s.token) }),
        forwarded: () => request(stack, 'GET', '/api/whoami', { headers: bearer(s.token) }),
      }[kind];
      const { r, sentAt, answeredAt } = await timed(go);
      if (r) judge(s, kind, r, sentAt, answeredAt);
    };
  });
  const runSecs = (performance.now() - runStarted) / 1000;

  // -------------------------------------------------------- what the store holds at the end
  await stack.stop();
  const root = path.join(persistTo, 'v3', 'do');
  const dbs = existsSync(root)
    ? readdirSync(root, { recursive: true })
        .map((f) => path.join(root, f))
        .filter((f) => /[0-9a-f]{64}\.sqlite$/.test(f) && path.basename(path.dirname(f)).endsWith('-SessionStore'))
    : [];
  const READ = `
import json, sqlite3, sys
ids = []
for f in sys.argv[1:]:
    db = sqlite3.connect(f, timeout=5)
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone():
        ids += [r[0] for r in db.execute('SELECT id FROM sessions')]
    db.close()
print(json.dumps(ids))
`;
  const held = new Set(JSON.parse(execFileSync(python(), ['-c', READ, ...dbs], { encoding: 'utf8' })));
  const live = sessions.filter((s) => s.ending === undefined).map((s) => s.sid);
  const extra = [...held].filter((id) => !live.includes(id));
  const missing = live.filter((id) => !held.has(id));

  console.log('\n==> results');
  console.log(`sign-ins:        ${sessions.length} of ${SIGNINS} by ${byUser.size} users in ${signInSecs.toFixed(1)} s`);
  const kinds = Object.entries(stats.kinds).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`requests:        ${stats.checked} checked (${kinds}), ${stats.endings} endings, in ${runSecs.toFixed(1)} s (${((stats.checked + stats.endings) / runSecs).toFixed(0)} requests/s, ${CONCURRENCY} at once)`);
  console.log(`by status:       ${Object.entries(stats.statuses).sort().map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  console.log(`sessions ended:  ${sessions.length - live.length}; live at the end: ${live.length}`);
  console.log(`raced endings:   ${stats.raced} answers to requests in flight while their session ended (either answer right)`);
  console.log(`wrong answers:   ${stats.wrong}`);
  console.log(`5xx:             ${stats.fiveXX}`);
  console.log(`request errors:  ${stats.errors}`);
  console.log(`persisted:       ${held.size} session rows in ${dbs.length} objects; ${extra.length} ended ones held, ${missing.length} live ones missing`);
  for (const x of stats.examples) console.log(`  ${x}`);
  const problems = [];
  if (sessions.length !== SIGNINS) problems.push(`${sessions.length} sign-ins instead of ${SIGNINS}`);
  if (stats.checked !== REQUESTS) problems.push(`${stats.checked} checked requests instead of ${REQUESTS}`);
  if (stats.endings !== endingsSent) problems.push(`${endingsSent - stats.endings} endings unanswered`);
  if (stats.wrong) problems.push(`${stats.wrong} wrong answers`);
  if (stats.fiveXX) problems.push(`${stats.fiveXX} 5xx answers`);
  if (stats.errors) problems.push(`${stats.errors} request errors`);
  if (extra.length || missing.length) problems.push('the persisted sessions are not exactly the live ones');
  if (problems.length) {
    console.log(`FAILED: ${problems.join('; ')}`);
    failed = true;
  } else console.log('PASSED: every answer right, no 5xx, the store holding only the live sessions');
} catch (e) {
  console.error(e?.stack ?? e);
  failed = true;
} finally {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
