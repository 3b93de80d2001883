// The app's backend for the tests: examples/flask-api (the notes API that
// verifies edge-login's assertion with PyJWT) on a free loopback port, with
// its test hooks on: what it received (a refused request must never arrive),
// an echo, a redirect, verifying a given assertion.
//
//   const api = await startFlaskApi({ edgeLoginUrl: 'http://127.0.0.1:8787' });
//   (await api.received()).count; await api.stop();

import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { python } from './python.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = path.join(REPO, 'examples', 'flask-api', 'app.py');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A new ASSERTION_KEY: an ECDSA P-256 private key, PKCS#8 PEM. */
export function newAssertionKey() {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/**
 * @param {object} o
 * @param {string} o.edgeLoginUrl  the Worker's origin (issuer, JWKS)
 * @param {number} o.port          a free port
 * @param {string} [o.audience]    ASSERTION_AUDIENCE, default edgeLoginUrl
 */
export async function startFlaskApi({ edgeLoginUrl, port, audience, timeoutMs = 30_000 }) {
  const env = {
    ...process.env,
    EDGE_LOGIN_URL: edgeLoginUrl,
    FLASK_API_TEST_HOOKS: '1',
    PYTHONUNBUFFERED: '1',
  };
  if (audience) env.ASSERTION_AUDIENCE = audience;
  else delete env.ASSERTION_AUDIENCE;
  const child = spawn(python(), [APP, '--port', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  let exited = false;
  const gone = new Promise((r) => child.once('exit', () => ((exited = true), r())));
  process.once('exit', () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await gone;
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`examples/flask-api exited before answering:\n${out}`);
    try {
      const r = await fetch(`${url}/__received`);
      if (r.status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`examples/flask-api did not answer on ${url}:\n${out}`);
    }
    await sleep(100);
  }
  return {
    url,
    port,
    stop,
    logs: () => out,
    /** {count, requests: [{method, path, headers}]} of what reached it. */
    async received() {
      return (await fetch(`${url}/__received`)).json();
    },
    async forget() {
      await fetch(`${url}/__received`, { method: 'DELETE' });
    },
    /** Verifies `assertion` against the Worker's JWKS as the app does: {status, body}. */
    async verify(assertion) {
      const r = await fetch(`${url}/__verify`, { method: 'POST', body: assertion });
      return { status: r.status, body: await r.json() };
    },
  };
}
