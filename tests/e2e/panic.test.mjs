// After a panic inside the wasm the next request is answered normally:
// src/edge/entry.mjs starts a fresh wasm instance, and a SessionStore built
// on the old one is built again. The panic comes from a build with the
// `panic-probe` cargo feature, which scripts/test.sh writes to
// target/panic-probe/build (build/ never has it): GET /api/panic-probe
// panics while holding a borrow every request takes (src/edge/mod.rs), so
// an instance that went on after the panic could answer nothing more.
// entry.mjs is copied, as it is, beside that build (target/panic-probe/
// src/edge/), so its `../../build/index.js` is the probe's bindings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack, request, REPO } from '../support/stack.mjs';
import { expectOk } from '../support/expect.mjs';
import { me, signedIn } from '../support/sessions.mjs';

const T = { timeout: 60_000 };
const PROBE = '/api/panic-probe';
const PROBE_ROOT = path.join(REPO, 'target', 'panic-probe');
const PROBE_WASM = path.join(PROBE_ROOT, 'build', 'index_bg.wasm');
const RELEASE_WASM = path.join(REPO, 'build', 'index_bg.wasm');

let stack;
before(async () => {
  if (!existsSync(PROBE_WASM)) {
    throw new Error(
      `${PROBE_WASM} is missing: build it first ` +
        '(bash scripts/build-worker.sh --features panic-probe --out-dir target/panic-probe/build)',
    );
  }
  const entry = path.join(PROBE_ROOT, 'src', 'edge', 'entry.mjs');
  mkdirSync(path.dirname(entry), { recursive: true });
  copyFileSync(path.join(REPO, 'src', 'edge', 'entry.mjs'), entry);
  stack = await startStack({ main: entry, sessions: true });
});
after(async () => {
  await stack?.stop();
});

/** The request that panics: the runtime answers it with an error of its own. */
async function panicOnce() {
  const r = await request(stack, 'GET', PROBE);
  assert.ok(r.status >= 500, `the probe must fail, not answer ${r.status}: ${r.text}`);
}

describe('after a panic inside the wasm', () => {
  it('the probe request itself fails (the build does panic)', T, async () => {
    expectOk(await request(stack, 'GET', '/auth/config'));
    await panicOnce();
  });

  it('the next request is answered normally', T, async () => {
    await panicOnce();
    const r = await request(stack, 'GET', '/auth/config');
    expectOk(r);
    assert.equal(r.body.sessions, true);
  });

  it('a sign-in works after a panic, and again after a second one', T, async () => {
    await panicOnce();
    expectOk(await me(stack, (await signedIn(stack)).token));
    await panicOnce();
    expectOk(await me(stack, (await signedIn(stack)).token));
  });

  it('a session from before the panic is still valid after it (its store rebuilt)', T, async () => {
    const s = await signedIn(stack);
    expectOk(await me(stack, s.token));
    await panicOnce();
    expectOk(await me(stack, s.token));
  });

  it('the new instance is logged', T, async () => {
    const mark = stack.logMark();
    await panicOnce();
    expectOk(await request(stack, 'GET', '/auth/config'));
    // wrangler prints the Worker's console a moment after the answer.
    const deadline = Date.now() + 5000;
    while (!/Reinitializing Wasm application/.test(stack.logsSince(mark)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(stack.logsSince(mark), /Reinitializing Wasm application/);
  });
});

describe('the release build', () => {
  it('has no panic probe (the probe build does, so this check can fail)', () => {
    const needle = Buffer.from(PROBE);
    assert.ok(readFileSync(PROBE_WASM).includes(needle), `the probe build names ${PROBE}`);
    assert.ok(existsSync(RELEASE_WASM), `${RELEASE_WASM} is missing: bash scripts/build-worker.sh`);
    assert.ok(!readFileSync(RELEASE_WASM).includes(needle), `build/ must not name ${PROBE}`);
  });
});
