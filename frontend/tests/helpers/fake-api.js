// A stand-in for the Worker: replaces window.fetch for one test, answers the
// contract's routes (../../../shared/CONTRACT.md) and records every request.
//
//   this.api.on('POST /login', { status: 401, body: { error: 'invalid_grant', message: '…' } });
//   this.api.on('POST /login', () => { throw new TypeError('Failed to fetch'); });
//   this.api.on('DELETE /auth/sessions/:id', (req) => …);   // req.params.id
//   this.api.calls('POST /reauth')  // [{ method, path, headers, body }]
//
// Without a session store (the default, `"sessions": false` in /auth/config)
// it is the stateless Worker. `this.api.enableSessions()` gives it one: the
// sessions of SESSIONS below, the tokens each is known by, and the § routes
// (POST /logout, GET/DELETE /auth/sessions, DELETE /auth/sessions/{id});
// a token whose session ended is `401 session_ended` everywhere.
// `this.api.providers = PROVIDERS` lists providers in /auth/config;
// `this.api.enableBackend()` says `"backend": true` and answers /api/notes
// (the notes API of examples/flask-api/) from `this.api.notes`.

export const USER = Object.freeze({
  sub: '1234567890',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  picture: 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
});

export const CONFIG = Object.freeze({
  client_id: 'test-client.apps.googleusercontent.com',
  authorization_endpoint: 'https://accounts.example.test/o/oauth2/v2/auth',
  scope: 'openid email profile',
  redirect_path: '/torii/redirect.html',
});

/** /auth/config's `providers` of a Worker with all three (CONTRACT.md "Providers"). */
export const PROVIDERS = Object.freeze([
  {
    name: 'google-oauth2',
    label: 'Google',
    client_id: CONFIG.client_id,
    authorization_endpoint: CONFIG.authorization_endpoint,
    scope: 'openid email profile',
  },
  {
    name: 'github-oauth2',
    label: 'GitHub',
    client_id: 'Iv1.github-client',
    authorization_endpoint: 'https://github.example.test/login/oauth/authorize',
    scope: 'read:user user:email',
  },
  {
    name: 'oidc',
    label: 'Contoso',
    client_id: 'oidc-client',
    authorization_endpoint: 'https://login.contoso.test/tenant/oauth2/v2.0/authorize',
    scope: 'openid email profile',
  },
]);

export const GITHUB_USER = Object.freeze({
  provider: 'github-oauth2',
  sub: '583231',
  login: 'octocat',
  name: 'The Octocat',
  email: 'octocat@example.com',
  email_verified: true,
  picture: 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
});

export const OIDC_USER = Object.freeze({
  provider: 'oidc',
  sub: 'f3c1e2',
  name: 'Grace Hopper',
  email: 'grace@contoso.test',
  email_verified: true,
});

/** The instant the sessions' times are relative to (epoch seconds). */
export const NOW = 1_796_000_000;

export const USER_AGENTS = Object.freeze({
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
});

/** The user's sessions once enableSessions() runs, most recently seen first. */
export function defaultSessions() {
  return [
    {
      id: 'sid-this',
      tokens: ['token-1', 'stored-token', 'renewed-token'],
      created_at: NOW - 3 * 86400,
      last_seen_at: NOW - 30,
      user_agent: USER_AGENTS.linuxFirefox,
    },
    {
      id: 'sid-phone',
      tokens: ['phone-token'],
      created_at: NOW - 10 * 86400,
      last_seen_at: NOW - 120,
      user_agent: USER_AGENTS.iphoneSafari,
    },
    {
      id: 'sid-work',
      tokens: ['work-token'],
      created_at: NOW - 40 * 86400,
      last_seen_at: NOW - 5 * 3600,
      user_agent: USER_AGENTS.windowsEdge,
    },
  ];
}

const refusal = (status, error, message, headers) => ({ status, body: { error, message }, headers });

function defaults(api) {
  // The § check of every route that takes a token: answers the refusal, or
  // null when the token's session is live (or there is no store).
  const gate = (token) => {
    if (!api.sessionsEnabled) return null;
    if (api.storeDown) return refusal(503, 'store_unavailable', 'The session store did not answer.', { 'Retry-After': '2' });
    return api.sessionOf(token) ? null : refusal(401, 'session_ended', 'This session has ended.');
  };
  const bearer = (req) => {
    const value = req.headers.authorization ?? '';
    return value.startsWith('Bearer ') ? value.slice(7) : null;
  };
  const withBearer = (handler) => (req) => {
    const token = bearer(req);
    if (!token) return refusal(401, 'invalid_token', 'No bearer token.');
    return gate(token) ?? handler(req, token);
  };

  return {
    'GET /auth/config': () => ({
      body: {
        ...CONFIG,
        sessions: api.sessionsEnabled,
        ...(api.providers ? { providers: api.providers } : {}),
        ...(api.backendEnabled ? { backend: true } : {}),
      },
    }),
    'POST /auth/start': () => {
      api.starts += 1;
      return {
        body: {
          state: `state-${api.starts}`,
          code_challenge: `challenge-${api.starts}`,
          code_challenge_method: 'S256',
        },
      };
    },
    'POST /login': () => ({ body: { auth_token: 'token-1', user_info: USER } }),
    'POST /reauth': (req) => gate(req.body.auth_token) ?? { body: { auth_token: req.body.auth_token, user_info: USER } },
    'GET /api/me': withBearer(() => ({ body: { user_info: USER } })),

    // ⊕ The app's backend behind the Worker: the Worker's checks (withBearer), then the notes.
    'GET /api/notes': withBearer(() => (api.backendEnabled ? { body: { notes: api.notes } } : null)),
    'POST /api/notes': withBearer((req) => {
      if (!api.backendEnabled) return null;
      const note = { id: api.nextNoteId++, text: req.body.text };
      api.notes = [...api.notes, note];
      // examples/flask-api's answer.
      return { status: 201, body: { note } };
    }),
    'DELETE /api/notes/:id': withBearer((req) => {
      if (!api.backendEnabled) return null;
      const before = api.notes.length;
      api.notes = api.notes.filter((n) => String(n.id) !== req.params.id);
      return api.notes.length < before ? { status: 204 } : refusal(404, 'not_found', 'No such note.');
    }),

    // § Only the signature is checked: an ended session signs out as 0.
    'POST /logout': (req) => {
      if (!api.sessionsEnabled) return refusal(500, 'server_misconfigured', 'SESSIONS is not bound.');
      const token = bearer(req);
      if (!token) return refusal(401, 'invalid_token', 'No bearer token.');
      if (api.storeDown) return refusal(503, 'store_unavailable', 'The session store did not answer.', { 'Retry-After': '2' });
      const session = api.sessionOf(token);
      api.sessions = api.sessions.filter((s) => s !== session);
      return { body: { sessions_ended: session ? 1 : 0 } };
    },
    'GET /auth/sessions': withBearer((req, token) => {
      const own = api.sessionOf(token);
      const sessions = [...api.sessions]
        .sort((a, b) => b.last_seen_at - a.last_seen_at)
        .map(({ id, created_at, last_seen_at, user_agent }) => ({ id, created_at, last_seen_at, user_agent, current: id === own.id }));
      return { body: { sessions } };
    }),
    'DELETE /auth/sessions': withBearer(() => {
      const n = api.sessions.length;
      api.sessions = [];
      return { body: { sessions_ended: n } };
    }),
    'DELETE /auth/sessions/:id': withBearer((req) => {
      const session = api.sessions.find((s) => s.id === req.params.id);
      if (!session) return refusal(404, 'not_found', 'No such session.');
      api.sessions = api.sessions.filter((s) => s !== session);
      return { body: { sessions_ended: 1 } };
    }),
  };
}

function routePattern(route) {
  const [method, path] = route.split(' ');
  const names = [];
  const source = path
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { method, regex: new RegExp(`^${source}$`), names };
}

export class FakeApi {
  starts = 0;
  requests = [];
  sessionsEnabled = false;
  /** With enableSessions(): every request that checks the store gets 503. */
  storeDown = false;
  sessions = [];
  /** /auth/config's `providers`, or null for a Worker that predates them. */
  providers = null;
  backendEnabled = false;
  notes = [];
  nextNoteId = 1;

  constructor() {
    this.routes = defaults(this);
  }

  on(route, answer) {
    this.routes[route] = answer;
    return this;
  }

  /** A Worker with a session store, holding `sessions` (defaultSessions()). */
  enableSessions(sessions = defaultSessions()) {
    this.sessionsEnabled = true;
    this.sessions = sessions;
    return this;
  }

  /** A Worker forwarding /api/… to the app's backend, which holds `notes`. */
  enableBackend(notes = []) {
    this.backendEnabled = true;
    this.notes = notes;
    this.nextNoteId = notes.length + 1;
    return this;
  }

  sessionOf(token) {
    return this.sessions.find((s) => s.tokens.includes(token)) ?? null;
  }

  calls(route) {
    const { method, regex } = routePattern(route);
    return this.requests.filter((r) => r.method === method && regex.test(r.path));
  }

  #match(method, path) {
    const exact = this.routes[`${method} ${path}`];
    if (exact !== undefined) return { answer: exact, params: {} };
    for (const [route, answer] of Object.entries(this.routes)) {
      const p = routePattern(route);
      const m = p.method === method && p.regex.exec(path);
      if (m) return { answer, params: Object.fromEntries(p.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
    }
    return { answer: undefined, params: {} };
  }

  async fetch(input, init = {}) {
    const url = new URL(typeof input === 'string' ? input : input.url, window.location.origin);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = {};
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    let body;
    if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body);
      } catch {
        body = init.body;
      }
    }
    const { answer: route, params } = this.#match(method, url.pathname);
    const req = { method, path: url.pathname, headers, body, params, credentials: init.credentials };
    this.requests.push(req);

    let answer = route;
    if (typeof answer === 'function') answer = await answer(req); // may throw: a network failure
    if (!answer) answer = { status: 404, body: { error: 'not_found', message: 'Not found.' } };
    const status = answer.status ?? 200;
    const text = answer.raw ?? JSON.stringify(answer.body ?? {});
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...answer.headers },
    });
  }
}

export function installFakeApi(hooks) {
  let original;
  hooks.beforeEach(function () {
    original = window.fetch;
    this.api = new FakeApi();
    window.fetch = (input, init) => this.api.fetch(input, init);
  });
  hooks.afterEach(function () {
    window.fetch = original;
  });
}
