// The floor under a forwarded `/api/...` request: a JavaScript Worker that
// only proxies, measured by `make bench` (bench/run.mjs) beside edge-login
// with the same backend (examples/flask-api), client and `wrangler dev`.
// What edge-login adds above this Worker's figure is its own (the token
// check, the assertion's ES256 signature, the header filtering, wasm and
// glue); this figure itself is `wrangler dev`'s cost of a request with one
// fetch to the backend.
//
// It checks nothing: the client sends the backend's `Edge-Login-Assertion`
// itself (minted by the bench with edge-login's key) and the request goes
// on as it came, to BACKEND_URL, redirects not followed, its answer handed
// back as it is. It writes the audit line edge-login writes for a forwarded
// request (a console line under `wrangler dev` costs CPU on the machine the
// request runs on: bench/floor-worker.mjs says how much).
//
// With SESSIONS bound (a Durable Object of this file's own `SessionStore`
// class), each request first makes one RPC to the object, which reads one
// SQLite row: the row "floor + one object call" measures what one object
// round trip costs, the unit edge-login's store check is held to.
//
// GET /.well-known/jwks.json answers JWKS (a var the bench sets: the public
// half of the same key), so that the backend, which fetches the keys from
// the origin it was started with, verifies the minted assertions whichever
// Worker is listening there at the time.
import { DurableObject } from 'cloudflare:workers';

const audit = (line) => console.log(JSON.stringify(line));

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/.well-known/jwks.json' && env.JWKS) {
      return new Response(env.JWKS, { headers: { 'content-type': 'application/json' } });
    }
    if (url.pathname === '/auth/config') {
      return new Response(JSON.stringify({ sessions: Boolean(env.SESSIONS) }), { headers: { 'content-type': 'application/json' } });
    }
    if (!url.pathname.startsWith('/api/')) return new Response('{"error":"not_found"}', { status: 404 });
    if (env.SESSIONS) {
      const stub = env.SESSIONS.get(env.SESSIONS.idFromName('floor-user'));
      if (!(await stub.check('floor-session'))) return new Response('{"error":"session_ended"}', { status: 401 });
    }
    const upstream = await fetch(`${env.BACKEND_URL}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
    });
    audit({ event: 'backend', outcome: 'ok', status: upstream.status });
    return new Response(upstream.body, upstream);
  },
};

// One SQLite-backed object: a table of one row, read per call.
export class SessionStore extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, last_seen INTEGER)');
    ctx.storage.sql.exec('INSERT OR IGNORE INTO sessions VALUES (?, ?)', 'floor-session', Date.now());
  }

  check(id) {
    return this.ctx.storage.sql.exec('SELECT last_seen FROM sessions WHERE id = ?', id).toArray().length === 1;
  }
}
