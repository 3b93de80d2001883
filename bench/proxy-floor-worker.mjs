// The floor under a forwarded request's time: a JavaScript Worker that only
// proxies /api/... to BACKEND_URL (the path, query, method, headers and
// streamed body as sent, redirects not followed), measured by
// bench/backend.mjs beside edge-login and the backend called directly. What
// edge-login measures above it is its own (the session checks, the
// assertion, the header rules, wasm); this figure itself is `wrangler dev`'s
// cost of a request with one fetch.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    // What the harness asks to know the Worker is up.
    if (url.pathname === '/auth/config') return Response.json({ backend: true });
    const target = new URL(url.pathname + url.search, env.BACKEND_URL);
    return fetch(new Request(target, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' }));
  },
};
