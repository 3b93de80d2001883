// `make bench`: a 100 MB upload through edge-login to the app's backend
// (examples/flask-api's echo), with the resident memory of the Worker's
// workerd process before and at its peak: the body streams through, so it
// stays flat (wrangler dev's own proxy, a workerd process of its own, is not
// the Worker and is not counted). The forwarded request's latency against
// the backend called directly and against a proxying floor is
// bench/run.mjs's (its GET /api/notes rows).
//
//   node bench/backend.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, signIn } from '../tests/support/stack.mjs';
import { startMockGoogle } from '../tests/mock-oidc/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');
const say = (s) => console.error(`==> ${s}`);

const workerdPids = () => {
  try {
    return execFileSync('pgrep', ['-x', 'workerd']).toString().trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
};
const rssKb = (pid) => Number(execFileSync('ps', ['-o', 'rss=', '-p', pid]).toString().trim());

// The Worker's workerd among those started since `before`: wrangler dev runs
// the Worker in the one with an inspector.
function workerPid(before) {
  return workerdPids()
    .filter((p) => !before.has(p))
    .find((p) => execFileSync('ps', ['-o', 'args=', '-p', p]).toString().includes('--inspector-addr'));
}

async function uploadThrough(stack, pid, headers, megabytes = 100) {
  const chunk = Buffer.alloc(1 << 20, 7);
  let sent = 0;
  const body = new ReadableStream({
    pull(c) {
      if (sent >= megabytes) return c.close();
      sent += 1;
      c.enqueue(chunk);
    },
  });
  const before = rssKb(pid);
  let peak = before;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKb(pid));
    } catch {
      /* gone */
    }
  }, 100);
  try {
    const r = await fetch(`${stack.baseUrl}/api/echo`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    });
    let back = 0;
    for await (const part of r.body) back += part.length;
    if (r.status !== 200 || Number(r.headers.get('x-body-length')) !== megabytes << 20 || back !== megabytes << 20)
      throw new Error(`upload: ${r.status}, backend got ${r.headers.get('x-body-length')}, answer ${back} bytes`);
  } finally {
    clearInterval(timer);
  }
  return { megabytes, worker_rss_mb_before: before / 1024, worker_rss_mb_peak: peak / 1024 };
}

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  const assets = mkdtempSync(path.join(os.tmpdir(), 'edge-login-bench-assets-'));
  mkdirSync(path.join(assets, 'torii'));
  writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>bench</title>\n');
  writeFileSync(path.join(assets, 'torii', 'redirect.html'), '<!doctype html><title>bench</title>\n');
  const mock = await startMockGoogle();
  let stack;
  try {
    const before = new Set(workerdPids());
    stack = await startStack({ mock, assets, sessions: true, backend: true });
    const pid = workerPid(before);
    const r = await signIn(stack);
    if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
    say('a 100 MB upload through edge-login');
    const upload = pid ? await uploadThrough(stack, pid, { authorization: `Bearer ${r.token}` }) : null;
    const result = { date: new Date().toISOString(), upload };
    const f = (v) => v.toFixed(2);
    if (upload) {
      console.log(`\na ${upload.megabytes} MB upload through edge-login: the Worker's workerd ${f(upload.worker_rss_mb_before)} MB before, ${f(upload.worker_rss_mb_peak)} MB at its peak`);
    } else console.log("\na 100 MB upload: the Worker's workerd process not found, not measured");
    writeFileSync(path.join(RESULTS, 'backend.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('\nJSON: bench/results/backend.json');
  } finally {
    await stack?.stop();
    await mock.stop();
    rmSync(assets, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
