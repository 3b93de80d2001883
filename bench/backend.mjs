// `make bench`: a forwarded GET through edge-login to the app's backend
// (examples/flask-api), against the same request sent straight to the
// backend and through a JavaScript Worker that only proxies
// (proxy-floor-worker.mjs, the floor). p50 and p99 of REQUESTS sequential
// requests each, in ROUNDS rounds whose order turns by one each round (on a
// shared machine the spread between runs is larger than the effects); every
// round kept, the table shows their medians.
//
// Budget: what edge-login without the store adds over the
// direct call is at most what the floor adds + 1.0 ms; the store's check adds
// about one object round trip, shown beside it as the p50 of /api/me with the
// store minus without (a route whose only extra work is that check).
// Then a 100 MB upload through edge-login to the backend's echo, with the
// resident memory of the Worker's workerd process before and at its peak:
// the body streams through, so it stays flat (wrangler dev's own proxy, a
// workerd process of its own, is not the Worker and is not counted).
//
//   node bench/backend.mjs [--quick]
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startStack, freePort, signIn } from '../tests/support/stack.mjs';
import { startFlaskApi } from '../tests/support/flask-api.mjs';
import { startMockGoogle } from '../tests/mock-oidc/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : 3;
const REQUESTS = QUICK ? 50 : 200;
const WARMUP = 20;
const PATH = '/api/bench';
const say = (s) => console.error(`==> ${s}`);

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const median = (xs) => quantile(xs, 0.5);

function timed(agent, baseUrl, pathname, headers) {
  return new Promise((resolve, reject) => {
    const u = new URL(pathname, baseUrl);
    const t0 = performance.now();
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function measure(baseUrl, pathname, headers) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < WARMUP; i++) await timed(agent, baseUrl, pathname, headers);
    const ms = [];
    for (let i = 0; i < REQUESTS; i++) {
      const r = await timed(agent, baseUrl, pathname, headers);
      if (r.status !== 200) throw new Error(`${baseUrl}${pathname} answered ${r.status}`);
      ms.push(r.ms);
    }
    return { p50_ms: median(ms), p99_ms: quantile(ms, 0.99) };
  } finally {
    agent.destroy();
  }
}

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
  const stacks = [];
  let api;
  try {
    // One backend for every path; the edge-login stacks' ports are chosen
    // first, since the backend names the Worker it trusts (the bench route
    // checks nothing, so either stack may call it).
    const port = await freePort();
    api = await startFlaskApi({ edgeLoginUrl: `http://127.0.0.1:${port}`, port: await freePort() });
    const before = new Set(workerdPids());
    const withStore = await startStack({ mock, assets, port, sessions: true, backend: { api } });
    stacks.push(withStore);
    const withStorePid = workerPid(before);
    const stateless = await startStack({ mock, assets, sessions: false, backend: { api } });
    stacks.push(stateless);
    const floor = await startStack({
      mock,
      assets,
      sessions: false,
      main: path.join(HERE, 'proxy-floor-worker.mjs'),
      vars: { BACKEND_URL: api.url },
    });
    stacks.push(floor);
    const token = async (stack) => {
      const r = await signIn(stack);
      if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
      return { authorization: `Bearer ${r.token}` };
    };
    const paths = [
      { key: 'direct', what: 'straight to the backend', base: api.url, pathname: PATH, headers: {} },
      { key: 'edge_stateless', what: 'through edge-login, without the store', base: stateless.baseUrl, pathname: PATH, headers: await token(stateless) },
      { key: 'edge_store', what: 'through edge-login, with the store', base: withStore.baseUrl, pathname: PATH, headers: await token(withStore) },
      { key: 'floor', what: 'through a JavaScript proxy Worker (floor)', base: floor.baseUrl, pathname: PATH, headers: {} },
      { key: 'me_stateless', what: 'GET /api/me without the store', base: stateless.baseUrl, pathname: '/api/me', headers: await token(stateless) },
      { key: 'me_store', what: 'GET /api/me with the store', base: withStore.baseUrl, pathname: '/api/me', headers: await token(withStore) },
    ];
    const rounds = Object.fromEntries(paths.map((p) => [p.key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = paths.map((_, i) => paths[(i + round) % paths.length]);
      for (const p of order) {
        say(`round ${round + 1}/${ROUNDS}: ${p.what}`);
        rounds[p.key].push(await measure(p.base, p.pathname, p.headers));
      }
    }
    const m = Object.fromEntries(
      Object.entries(rounds).map(([k, list]) => [k, { p50_ms: median(list.map((r) => r.p50_ms)), p99_ms: median(list.map((r) => r.p99_ms)), rounds: list }]),
    );
    say('a 100 MB upload through edge-login');
    const upload = withStorePid ? await uploadThrough(withStore, withStorePid, await token(withStore)) : null;
    const add = (k) => m[k].p50_ms - m.direct.p50_ms;
    const result = {
      date: new Date().toISOString(),
      quick: QUICK,
      requests: REQUESTS,
      rounds: ROUNDS,
      measured: m,
      edge_adds_ms: add('edge_stateless'),
      floor_adds_ms: add('floor'),
      store_adds_ms: m.edge_store.p50_ms - m.edge_stateless.p50_ms,
      store_check_ms: m.me_store.p50_ms - m.me_stateless.p50_ms,
      upload,
    };
    result.holds = result.edge_adds_ms <= result.floor_adds_ms + 1.0;
    const f = (v) => v.toFixed(2);
    console.log(`\nforwarded GET ${PATH}, ${REQUESTS} requests × ${ROUNDS} rounds (medians of the rounds)\n`);
    for (const p of paths) console.log(`${p.what.padEnd(46)} p50 ${f(m[p.key].p50_ms)} ms   p99 ${f(m[p.key].p99_ms)} ms`);
    console.log(`\nedge-login adds ${f(result.edge_adds_ms)} ms without the store; the floor adds ${f(result.floor_adds_ms)} ms; budget floor + 1.0 ms: ${result.holds ? 'holds' : 'BROKEN'}`);
    console.log(`the store adds ${f(result.store_adds_ms)} ms to a forwarded request; its check on /api/me: ${f(result.store_check_ms)} ms`);
    if (upload) {
      console.log(`a ${upload.megabytes} MB upload through edge-login: the Worker's workerd ${f(upload.worker_rss_mb_before)} MB before, ${f(upload.worker_rss_mb_peak)} MB at its peak`);
    } else console.log("a 100 MB upload: the Worker's workerd process not found, not measured");
    writeFileSync(path.join(RESULTS, 'backend.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('\nJSON: bench/results/backend.json');
  } finally {
    for (const s of stacks) await s.stop();
    await api?.stop();
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
