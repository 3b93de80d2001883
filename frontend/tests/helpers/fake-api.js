// A stand-in for the Worker: replaces window.fetch for one test, answers the
// contract's routes (../../../shared/CONTRACT.md) and records every request.
//
//   this.api.on('POST /login', { status: 401, body: { error: 'invalid_grant', message: '…' } });
//   this.api.on('POST /login', () => { throw new TypeError('Failed to fetch'); });
//   this.api.calls('POST /reauth')  // [{ method, path, headers, body }]

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

function defaults(api) {
  return {
    'GET /auth/config': { body: CONFIG },
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
    'POST /reauth': (req) => ({ body: { auth_token: req.body.auth_token, user_info: USER } }),
    'GET /api/me': (req) =>
      req.headers.authorization?.startsWith('Bearer ')
        ? { body: { user_info: USER } }
        : { status: 401, body: { error: 'invalid_token', message: 'No bearer token.' } },
  };
}

export class FakeApi {
  starts = 0;
  requests = [];

  constructor() {
    this.routes = defaults(this);
  }

  on(route, answer) {
    this.routes[route] = answer;
    return this;
  }

  calls(route) {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
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
    const req = { method, path: url.pathname, headers, body, credentials: init.credentials };
    this.requests.push(req);

    let answer = this.routes[`${method} ${url.pathname}`];
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
