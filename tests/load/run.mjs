// `make load` (scripts/load.sh runs this): 100,000 POST /reauth through wrk
// against the Worker under `wrangler dev`, mixing valid, expired and
// tampered session tokens, and checking every single answer.
//
//   node tests/load/run.mjs [--total N] [--threads N] [--duration-limit S]
//   env LOAD_TOTAL, LOAD_THREADS, LOAD_MIX ("valid:expired:tampered" weights,
//   default 6:2:2), LOAD_DURATION_LIMIT (wrk -d, seconds, default 1800)
//
// The stack comes from tests/support/stack.mjs with a SECRET_KEY and a
// SECRET_KEY_FALLBACKS of our own, the default MAX_TOKEN_AGE (7 days), no
// frontend build (a one-file assets dir: /reauth never reaches the assets),
// and no session store: the tokens minted here have no session in any store
// (tests/load/soak.mjs is the run with the store).
// Tokens are minted here (stack.mjs' independent itsdangerous signer).
// Exits non-zero on any 5xx, any wrong answer, any socket error, or a count
// of answers other than the total.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, mintToken, randomSecret, now, request } from '../support/stack.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const TOTAL = Number(arg('total') ?? process.env.LOAD_TOTAL ?? 100_000);
const THREADS = Number(arg('threads') ?? process.env.LOAD_THREADS ?? 4);
const LIMIT_S = Number(arg('duration-limit') ?? process.env.LOAD_DURATION_LIMIT ?? 1800);
const MIX = (process.env.LOAD_MIX ?? '6:2:2').split(':').map(Number);
const MAX_TOKEN_AGE = 604_800;
for (const [n, v] of Object.entries({ TOTAL, THREADS, LIMIT_S })) {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${n} must be a positive integer, not ${v}`);
}
if (MIX.length !== 3 || MIX.some((w) => !Number.isInteger(w) || w < 0) || MIX.every((w) => w === 0))
  throw new Error(`LOAD_MIX must be three weights like 6:2:2, not ${process.env.LOAD_MIX}`);

const KEY = randomSecret();
const OLD_KEY = randomSecret();
const STRANGER = randomSecret();

// ------------------------------------------------------------ the tokens
const user = (i) => ({ sub: `load-${i}`, email: `user${i}@example.com`, name: `Load Tester ${i}` });

/** One character of a base64url segment changed (never to an equal one). */
function flip(token, segmentIndex, at) {
  const parts = token.split('.');
  const seg = parts[segmentIndex];
  const i = at % seg.length;
  const c = seg[i] === 'A' ? 'B' : 'A';
  parts[segmentIndex] = seg.slice(0, i) + c + seg.slice(i + 1);
  return parts.join('.');
}

function makeTokens(t) {
  const valid = [];
  const expired = [];
  const tampered = [];
  for (let i = 0; i < 40; i++) {
    const u = user(i);
    const age = i * 60; // young: well under half of MAX_TOKEN_AGE, so the same token comes back
    valid.push({ token: mintToken(KEY, { user_info: u, auth_time: t - age }, t - age), sub: u.sub });
  }
  // compressed payloads (the '.'-prefixed zlib form) and tokens under the fallback key
  for (let i = 40; i < 50; i++) {
    const u = { ...user(i), bio: 'la '.repeat(100) };
    valid.push({ token: mintToken(KEY, { user_info: u, auth_time: t }, t, { compress: true }), sub: u.sub });
  }
  for (let i = 50; i < 60; i++) {
    const u = user(i);
    valid.push({ token: mintToken(OLD_KEY, { user_info: u, auth_time: t - 30 }, t - 30), sub: u.sub });
  }
  for (let i = 0; i < 30; i++) {
    const u = user(100 + i);
    const ts = t - MAX_TOKEN_AGE - 1 - i * 3600; // older than MAX_TOKEN_AGE, within MAX_SESSION_AGE
    expired.push({ token: mintToken(i % 2 ? OLD_KEY : KEY, { user_info: u, auth_time: ts }, ts), sub: u.sub });
  }
  for (let i = 0; i < 60; i++) {
    const base = valid[i % valid.length].token;
    let bad;
    switch (i % 6) {
      case 0: // a signature character changed
        bad = flip(base, base.split('.').length - 1, i * 7 + 1);
        break;
      case 1: // the payload changed under the old signature (another user)
        bad = [mintToken(KEY, { user_info: user(999), auth_time: t }, t).split('.')[0], ...base.split('.').slice(-2)].join('.');
        break;
      case 2: // the timestamp changed (made younger)
        bad = flip(base, base.split('.').length - 2, i);
        break;
      case 3: // signed with a key the Worker does not hold
        bad = mintToken(STRANGER, { user_info: user(200 + i), auth_time: t }, t);
        break;
      case 4: // the signature cut short
        bad = base.slice(0, -5);
        break;
      default: // not a token at all
        bad = `not-a-token-${i}`;
    }
    if (bad === base) throw new Error('tampering left the token unchanged');
    tampered.push({ token: bad, sub: '' });
  }
  return { valid, expired, tampered };
}

/** The mix as a cycle of entries, interleaved by weight (6:2:2 -> v v v e t v v v e t). */
function mixLines(tokens) {
  const kinds = ['valid', 'expired', 'tampered'];
  const cycle = [];
  const total = MIX.reduce((a, b) => a + b, 0);
  const idx = { valid: 0, expired: 0, tampered: 0 };
  for (let round = 0; round < 60; round++) {
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < MIX[k]; j++) {
        const kind = kinds[k];
        const list = tokens[kind];
        const e = list[idx[kind]++ % list.length];
        cycle.push(`${kind}\t${e.token}\t${e.sub}`);
      }
    }
  }
  if (cycle.length !== 60 * total) throw new Error('mix');
  return cycle;
}

// ------------------------------------------------------------ the run
const work = mkdtempSync(path.join(os.tmpdir(), 'edge-login-load-'));
const assets = path.join(work, 'assets');
mkdirSync(assets);
writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>load test</title>\n');
const doneDir = path.join(work, 'done');
mkdirSync(doneDir);

let stack;
let wrk;
const cleanup = async () => {
  if (wrk && wrk.exitCode === null) wrk.kill('SIGKILL');
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => cleanup().then(() => process.exit(143)));

let failed = false;
try {
  console.error('==> starting wrangler dev with the Google stand-in');
  stack = await startStack({
    assets,
    secrets: { SECRET_KEY: KEY, SECRET_KEY_FALLBACKS: OLD_KEY },
    vars: { MAX_TOKEN_AGE: String(MAX_TOKEN_AGE) },
    sessions: false,
    logLevel: 'warn',
  });
  const t = now();
  const tokens = makeTokens(t);
  const tokensFile = path.join(work, 'tokens.tsv');
  writeFileSync(tokensFile, mixLines(tokens).join('\n') + '\n');

  // The expectations themselves, checked once by a plain client before the run.
  for (const [kind, want] of [['valid', 200], ['expired', 401], ['tampered', 401]]) {
    for (const e of tokens[kind]) {
      const r = await request(stack, 'POST', '/reauth', { json: { auth_token: e.token } });
      const code = { valid: undefined, expired: 'token_expired', tampered: 'invalid_token' }[kind];
      const ok = r.status === want && (kind === 'valid' ? r.body?.auth_token === e.token && r.body?.user_info?.sub === e.sub : r.body?.error === code);
      if (!ok) throw new Error(`pre-check: a ${kind} token got ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  console.error(
    `==> pre-check passed (${tokens.valid.length} valid, ${tokens.expired.length} expired, ${tokens.tampered.length} tampered tokens)`,
  );

  const args = [
    '-t', String(THREADS), '-c', String(THREADS), '-d', `${LIMIT_S}s`, '--timeout', '30s',
    '-s', path.join(HERE, 'reauth.lua'), `${stack.baseUrl}/reauth`,
  ];
  console.error(`==> wrk ${args.join(' ')} (${TOTAL} requests, mix valid:expired:tampered = ${MIX.join(':')})`);
  const started = Date.now();
  wrk = spawn('wrk', args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOAD_TOKENS: tokensFile, LOAD_TOTAL: String(TOTAL), LOAD_THREADS: String(THREADS), LOAD_DONE_DIR: doneDir },
  });
  let out = '';
  wrk.stdout.on('data', (c) => (out += c));
  const exited = new Promise((resolve) => wrk.once('exit', (code, sig) => resolve({ code, sig })));

  // wrk only ends at -d: once every thread has its share answered, SIGINT it.
  let interrupted = false;
  const poll = setInterval(() => {
    if (!interrupted && readdirSync(doneDir).length >= THREADS) {
      interrupted = true;
      wrk.kill('SIGINT');
    }
  }, 50);
  const { code, sig } = await exited;
  clearInterval(poll);
  const elapsed = (Date.now() - started) / 1000;

  const line = out.split('\n').find((l) => l.startsWith('LOAD_RESULT '));
  process.stdout.write(out.split('\n').filter((l) => !l.startsWith('LOAD_RESULT ')).join('\n'));
  if (!line) throw new Error(`wrk gave no result (exit ${code ?? sig})`);
  const r = JSON.parse(line.slice('LOAD_RESULT '.length));

  const statuses = Object.entries(r.statuses).sort();
  const fiveXX = statuses.filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
  const socketErrors = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout;
  const secs = r.first_to_last_us / 1e6;
  const lat = r.latency_us;
  console.log('\n==> results');
  console.log(`answers checked: ${r.answered} of ${TOTAL} (wrk counted ${r.wrk_requests})`);
  console.log(`by status:       ${statuses.map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  console.log(
    `by token kind:   ${Object.entries(r.counts).sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`,
  );
  console.log(`wrong answers:   ${r.wrong}`);
  console.log(`5xx:             ${fiveXX}`);
  console.log(`socket errors:   connect ${r.errors.connect}, read ${r.errors.read}, write ${r.errors.write}, timeout ${r.errors.timeout}`);
  console.log(
    `throughput:      ${(r.answered / secs).toFixed(0)} requests/s (${r.answered} answers in ${secs.toFixed(2)} s, first request to last answer; wrk's own clock: ${(r.wrk_requests / (r.wrk_duration_us / 1e6)).toFixed(0)} requests/s over ${(r.wrk_duration_us / 1e6).toFixed(2)} s)`,
  );
  console.log(
    `latency:         p50 ${(lat.p50 / 1000).toFixed(2)} ms, p90 ${(lat.p90 / 1000).toFixed(2)} ms, p99 ${(lat.p99 / 1000).toFixed(2)} ms, p99.9 ${(lat.p999 / 1000).toFixed(2)} ms, max ${(lat.max / 1000).toFixed(2)} ms`,
  );
  console.log(`connections:     ${THREADS} (one per wrk thread); wall time ${elapsed.toFixed(1)} s`);
  for (const x of r.examples) console.log(`  wrong: ${x}`);

  const problems = [];
  if (r.answered !== TOTAL) problems.push(`${r.answered} answers instead of ${TOTAL} (a thread got fewer answers than its share within LOAD_DURATION_LIMIT)`);
  if (r.wrong) problems.push(`${r.wrong} wrong answers`);
  if (fiveXX) problems.push(`${fiveXX} 5xx answers`);
  if (socketErrors) problems.push(`${socketErrors} socket errors`);
  if (problems.length) {
    console.log(`FAILED: ${problems.join('; ')}`);
    failed = true;
  } else {
    console.log('PASSED: every answer was the right one for its token');
  }
} catch (e) {
  console.error(e?.stack ?? e);
  failed = true;
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
