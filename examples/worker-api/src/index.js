// The app's own API as a Worker behind edge-login: the same notes API as
// examples/flask-api, reached through edge-login's `BACKEND` service binding.
//
// A service binding is not reachable from the internet (this Worker has no
// route and no workers.dev address: wrangler.toml), so only Workers bound to
// it can call it, and `X-Auth-Request-User` is what edge-login vouched for
// (SECURITY.md, "The app's backend"). Were it public too, it would have to
// verify `Edge-Login-Assertion` against edge-login's JWKS, as the Flask
// example does.
//
// Notes live in this isolate's memory: enough for an example; a real one
// would use D1, KV or a Durable Object.

const notes = new Map(); // user id -> [{id, text}]
let nextId = 1;

const json = (status, body) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

const error = (status, code, message) => json(status, { error: code, message });

export default {
  async fetch(request) {
    const user = request.headers.get('x-auth-request-user');
    if (!user) return error(401, 'unauthorized', 'Only edge-login calls this API.');
    const { pathname } = new URL(request.url);
    const mine = notes.get(user) ?? [];

    if (pathname === '/api/notes' && request.method === 'GET') {
      return json(200, { notes: mine });
    }
    if (pathname === '/api/notes' && request.method === 'POST') {
      let body;
      try {
        body = await request.json();
      } catch {
        body = null;
      }
      const text = typeof body?.text === 'string' ? body.text.trim() : '';
      if (!text || text.length > 1000) {
        return error(400, 'invalid_request', 'A note is {"text": "..."}, 1 to 1000 characters.');
      }
      const note = { id: nextId++, text };
      notes.set(user, [...mine, note]);
      return json(201, { note });
    }
    const one = /^\/api\/notes\/(\d+)$/.exec(pathname);
    if (one && request.method === 'DELETE') {
      const id = Number(one[1]);
      if (!mine.some((n) => n.id === id)) return error(404, 'not_found', 'There is no such note of yours.');
      notes.set(
        user,
        mine.filter((n) => n.id !== id),
      );
      return new Response(null, { status: 204 });
    }
    if (pathname === '/api/whoami') {
      // What edge-login sent, for the tests: the identity headers as received.
      const headers = Object.fromEntries(request.headers);
      return json(200, { user, email: request.headers.get('x-auth-request-email'), headers });
    }
    return error(404, 'not_found', 'There is no such API endpoint.');
  },
};
