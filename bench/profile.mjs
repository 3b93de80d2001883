// Where the Worker's CPU goes: a V8 CPU profile of the Worker isolate (the
// Worker and its Durable Objects share it) under `wrangler dev`, taken
// through wrangler's inspector while sign-ins run against the Google
// stand-in, summed by function (self time), so that the largest cost is
// the one looked at first.
//
//   node bench/profile.mjs            (Node >= 22: it needs WebSocket)
// env: N=100              sign-ins while profiling
//      PROFILE_OUT=file   also write the whole .cpuprofile (Chrome DevTools)
//      EDGE_LOGIN_SESSIONS=off   the stateless Worker
// Function names need a build with them (`make bench` makes one in
// build-names/; or bash scripts/build-worker.sh --names).

import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const { makeAssets } = await import('./run.mjs');
const { startStack, startMockGoogle, signIn } = await import('../tests/support/stack.mjs');

if (typeof WebSocket !== 'function') {
  console.error('bench/profile.mjs needs Node >= 22 (global WebSocket); try: PATH="$(bash scripts/node24.sh):$PATH"');
  process.exit(2);
}

const n = Number(process.env.N ?? 100);
const assets = makeAssets();
const mock = await startMockGoogle();
const stack = await startStack({ mock, assets });
try {
  await signIn(stack);
  const targets = await (await fetch(`http://127.0.0.1:${stack.inspectorPort}/json`)).json();
  // wrangler's inspector proxy only takes DevTools' origin.
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl, {
    headers: { Origin: 'https://devtools.devprod.cloudflare.dev' },
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the inspector did not answer in 10 s')), 10_000);
    ws.addEventListener('open', () => (clearTimeout(timer), resolve()));
    ws.addEventListener('error', () => (clearTimeout(timer), reject(new Error('the inspector refused the connection'))));
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const i = ++id;
      pending.set(i, resolve);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 100 });
  for (let i = 0; i < 10; i++) await signIn(stack); // warm
  await send('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await signIn(stack);
    if (r.status !== 200) throw new Error(`sign-in answered ${r.status}`);
  }
  const ms = performance.now() - t0;
  const { result } = await send('Profiler.stop');
  ws.close();
  const p = result.profile;
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(p));

  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  p.samples.forEach((sample, i) => {
    const { functionName, url } = byId.get(sample).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}`.replace(/::h[0-9a-f]{16}/, '');
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  console.log(`${n} sign-ins (/auth/start, the stand-in's consent, /login) in ${ms.toFixed(0)} ms; ${(total / 1000).toFixed(0)} ms profiled`);
  console.log('self time, ms (per sign-in) — function');
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${(t / 1000).toFixed(1).padStart(8)} (${(t / 1000 / n).toFixed(3)})  ${key.slice(0, 140)}`);
} finally {
  await stack.stop();
  await mock.stop();
}
process.exit(0);
