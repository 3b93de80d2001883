// The Worker's API (../../../shared/CONTRACT.md, mirrored in the README), as
// plain functions over fetch. Every failure becomes an ApiError with the
// contract's error code, so the UI can say something a person can act on.

const TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  constructor(code, message = code, { status = 0, retryAfter = null, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function retryAfterSeconds(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function request(method, path, { body, token, timeoutMs = TIMEOUT_MS } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error?.name === 'TimeoutError';
    throw new ApiError(
      timedOut ? 'timeout' : 'network_error',
      timedOut ? `${method} ${path} timed out` : `${method} ${path} failed`,
      { cause: error },
    );
  }

  // 204 No Content (DELETE /api/notes/{id}): nothing to read.
  if (response.status === 204) return {};

  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null; // an HTML error page from a proxy, an empty body...
  }

  if (!response.ok) {
    const code =
      data && typeof data.error === 'string' ? data.error : `http_${response.status}`;
    const message =
      data && typeof data.message === 'string' ? data.message : response.statusText;
    throw new ApiError(code, message, {
      status: response.status,
      retryAfter: retryAfterSeconds(response.headers.get('Retry-After')),
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ApiError('bad_response', `${method} ${path}: not a JSON object`, {
      status: response.status,
    });
  }
  return data;
}

function requireString(data, key, path) {
  if (typeof data[key] !== 'string' || data[key] === '') {
    throw new ApiError('bad_response', `${path}: "${key}" missing`);
  }
  return data[key];
}

/** The providers this app can open a popup for (CONTRACT.md "Providers"). */
export const PROVIDER_NAMES = Object.freeze(['google-oauth2', 'github-oauth2', 'oidc']);

const DEFAULT_LABELS = Object.freeze({ 'google-oauth2': 'Google', 'github-oauth2': 'GitHub', oidc: 'single sign-on' });

/** The name shown for a provider ("Sign in with …"), as /auth/config has it or the default. */
export function providerLabel(name, providers = []) {
  const key = name ?? 'google-oauth2';
  const found = providers.find((p) => p.name === key);
  return found?.label ?? DEFAULT_LABELS[key] ?? key;
}

function readProvider(p) {
  if (!p || typeof p !== 'object' || !PROVIDER_NAMES.includes(p.name)) return null;
  if (typeof p.client_id !== 'string' || p.client_id === '') return null;
  if (typeof p.authorization_endpoint !== 'string' || p.authorization_endpoint === '') return null;
  const label = typeof p.label === 'string' && p.label.trim() !== '' ? p.label.trim() : DEFAULT_LABELS[p.name];
  return {
    name: p.name,
    label,
    clientId: p.client_id,
    authorizationEndpoint: p.authorization_endpoint,
    scope: typeof p.scope === 'string' ? p.scope : null,
  };
}

/**
 * GET /auth/config → what torii needs, chosen by the server at run time:
 * one entry per provider of its `providers`, in its order (a Worker without
 * that list offers Google, from the top-level fields). A provider this app
 * cannot open (an unknown name, no client id or endpoint) is left out.
 */
export async function getAuthConfig() {
  const data = await request('GET', '/auth/config');
  let providers;
  if (Array.isArray(data.providers)) {
    const seen = new Set();
    providers = data.providers.map(readProvider).filter((p) => p && !seen.has(p.name) && seen.add(p.name));
  } else {
    providers = [
      readProvider({
        name: 'google-oauth2',
        label: 'Google',
        client_id: requireString(data, 'client_id', '/auth/config'),
        authorization_endpoint: requireString(data, 'authorization_endpoint', '/auth/config'),
        scope: typeof data.scope === 'string' ? data.scope : 'openid email profile',
      }),
    ];
  }
  if (providers.length === 0) {
    throw new ApiError('bad_response', '/auth/config: no provider this page can sign in with');
  }
  return {
    providers,
    redirectPath: typeof data.redirect_path === 'string' ? data.redirect_path : '/torii/redirect.html',
    // Whether the Worker has its session store: only then can sessions be
    // listed and ended (a Worker from before the store says nothing: false).
    sessions: data.sessions === true,
    // Whether the Worker forwards /api/… to the app's own backend (the notes).
    backend: data.backend === true,
  };
}

/** POST /auth/start for one provider → this attempt's state and PKCE
 * challenge (the verifier stays server-side, in an HttpOnly cookie that
 * also records the provider). */
export async function startSignIn(provider = 'google-oauth2') {
  const data = await request('POST', '/auth/start', { body: { provider } });
  const method = data.code_challenge_method;
  if (method !== 'S256') {
    throw new ApiError('bad_response', '/auth/start: code_challenge_method is not S256');
  }
  return {
    state: requireString(data, 'state', '/auth/start'),
    codeChallenge: requireString(data, 'code_challenge', '/auth/start'),
    codeChallengeMethod: method,
  };
}

function session(data, path) {
  return {
    auth_token: requireString(data, 'auth_token', path),
    user_info:
      data.user_info && typeof data.user_info === 'object' ? data.user_info : {},
  };
}

/** POST /login with what torii resolved with, plus the attempt's state. */
export async function login({ authorizationCode, redirectUri, provider, state }) {
  const data = await request('POST', '/login', {
    body: { authorizationCode, redirectUri, provider, state },
  });
  return session(data, '/login');
}

/** POST /reauth: checks the token and answers with a (possibly renewed) one. */
export async function reauth(authToken) {
  const data = await request('POST', '/reauth', { body: { auth_token: authToken } });
  return session(data, '/reauth');
}

/** GET /api/me: any API route, protected by the session's bearer token. */
export function me(authToken) {
  return request('GET', '/api/me', { token: authToken });
}

// ------------------------------------------------ sessions (CONTRACT.md §)

// Signing out should not hang on a server that does not answer: past this,
// the app signs out locally and says the server was not told.
const LOGOUT_TIMEOUT_MS = 8_000;

/** POST /logout: ends this token's session on the server. → `{sessions_ended}` */
export function logout(authToken) {
  return request('POST', '/logout', { body: {}, token: authToken, timeoutMs: LOGOUT_TIMEOUT_MS });
}

function epochSeconds(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * GET /auth/sessions: the live sessions of the token's user, most recently
 * seen first. Each `{id, createdAt, lastSeenAt, userAgent, current}`, the
 * times in epoch seconds (null when the server sent none).
 */
export async function listSessions(authToken) {
  const data = await request('GET', '/auth/sessions', { token: authToken });
  if (!Array.isArray(data.sessions)) {
    throw new ApiError('bad_response', '/auth/sessions: "sessions" missing');
  }
  return data.sessions
    .filter((s) => s && typeof s === 'object' && typeof s.id === 'string' && s.id !== '')
    .map((s) => ({
      id: s.id,
      createdAt: epochSeconds(s.created_at),
      lastSeenAt: epochSeconds(s.last_seen_at),
      userAgent: typeof s.user_agent === 'string' ? s.user_agent : '',
      current: s.current === true,
    }));
}

/** DELETE /auth/sessions/{id}: ends one session of the token's user. */
export function endSession(authToken, id) {
  return request('DELETE', `/auth/sessions/${encodeURIComponent(id)}`, { token: authToken });
}

/** DELETE /auth/sessions: ends every session of the token's user, its own included. */
export function endAllSessions(authToken) {
  return request('DELETE', '/auth/sessions', { token: authToken });
}

// ------------------------------------- the app's backend (CONTRACT.md ⊕)
// The Worker forwards /api/notes to the app's own API (examples/flask-api/)
// after checking the token; to this page it is one more bearer route.

function readNote(n) {
  if (!n || typeof n !== 'object') return null;
  if ((typeof n.id !== 'string' && typeof n.id !== 'number') || String(n.id) === '') return null;
  return { id: String(n.id), text: typeof n.text === 'string' ? n.text : '' };
}

/** GET /api/notes → the signed-in user's notes, `{id, text}` each. */
export async function listNotes(authToken) {
  const data = await request('GET', '/api/notes', { token: authToken });
  if (!Array.isArray(data.notes)) {
    throw new ApiError('bad_response', '/api/notes: "notes" missing');
  }
  return data.notes.map(readNote).filter(Boolean);
}

/** POST /api/notes `{text}` → the note the backend created (201: `{note}`, or the note itself). */
export async function addNote(authToken, text) {
  const data = await request('POST', '/api/notes', { body: { text }, token: authToken });
  const note = readNote(data.note && typeof data.note === 'object' ? data.note : data);
  if (!note) throw new ApiError('bad_response', '/api/notes: the new note has no id');
  return note;
}

/** DELETE /api/notes/{id} (204). */
export function deleteNote(authToken, id) {
  return request('DELETE', `/api/notes/${encodeURIComponent(id)}`, { token: authToken });
}
