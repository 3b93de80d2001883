// The floor under `/login`'s own time: a JavaScript Worker that does only
// the I/O of a sign-in, measured by `make bench` (bench/run.mjs) with the same
// method, stand-ins and `wrangler dev` as the real Worker. Whatever `/login`
// measures above this figure is the Worker's own (wasm, glue, session store);
// this figure itself is `wrangler dev`'s cost of a request with its fetches.
//
// It is not a sign-in: no signed cookie, no token, no checks. It answers
// POST /auth/start with a state and a fixed PKCE challenge, and POST /login
// with the same rate-limiter call, JSON body and upstream calls the real
// Worker makes for the body's provider:
//   - Google: the token exchange (form body, redirects not followed), then
//     the userinfo call;
//   - GitHub: the token exchange (JSON asked for), then /user and
//     /user/emails side by side, as the real Worker sends them;
//   - OpenID Connect: the discovery document once per isolate (the real
//     Worker keeps it, and the keys, for the isolate's life: warm, neither
//     is fetched again), then the token exchange (client_secret_basic) and
//     the userinfo call.
// Each writes the audit line the real Worker writes for it: under `wrangler
// dev` a console line costs about a millisecond of CPU in workerd, wrangler
// and whoever reads wrangler's output, on the machine the sign-in runs on,
// and a floor without it would count that cost as the Worker's own.
const VERIFIER = 'floor-worker-pkce-verifier-0123456789abcdefghij';
const CHALLENGE = crypto.subtle
  .digest('SHA-256', new TextEncoder().encode(VERIFIER))
  .then((d) => btoa(String.fromCharCode(...new Uint8Array(d))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
const COOKIE = '__Host-edge-login';

const audit = (line) => console.log(JSON.stringify(line));
const json = (body, headers = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/auth/config') return json({ client_id: env.OAUTH2_CLIENT_ID, sessions: false });
    if (pathname === '/auth/start' && request.method === 'POST') {
      const state = crypto.randomUUID();
      audit({ event: 'signin_start', outcome: 'ok' });
      return json(
        { state, code_challenge: await CHALLENGE, code_challenge_method: 'S256' },
        { 'set-cookie': `${COOKIE}=${state}; Path=/; Secure; HttpOnly; SameSite=Lax` },
      );
    }
    if (pathname === '/login' && request.method === 'POST') {
      if (env.LOGIN_LIMITER) await env.LOGIN_LIMITER.limit({ key: request.headers.get('cf-connecting-ip') ?? 'unknown' });
      const body = await request.json();
      const signIn = { 'github-oauth2': github, oidc }[body.provider] ?? google;
      const answer = await signIn(env, body);
      if (answer.error) return json(answer, {}, 502);
      audit({ event: 'login', outcome: 'ok', email_domain: String(answer.email ?? '').split('@')[1] });
      return json(
        { auth_token: 'floor', user_info: answer.userInfo },
        { 'set-cookie': `${COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax` },
      );
    }
    return json({ error: 'not_found' }, {}, 404);
  },
};

const form = (fields) => new URLSearchParams(fields);

// POST a token request; the access token, or an { error } answer.
async function tokenCall(url, body, headers = {}) {
  const r = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body,
  });
  if (!r.ok) return { error: 'token_exchange', upstream_status: r.status };
  const answer = await r.json();
  return answer.access_token ? { accessToken: answer.access_token } : { error: 'token_exchange' };
}

async function getJson(url, headers) {
  const r = await fetch(url, { redirect: 'manual', headers });
  return r.json();
}

async function google(env, body) {
  const token = await tokenCall(
    env.GOOGLE_TOKEN_URL,
    form({
      grant_type: 'authorization_code',
      code: body.authorizationCode,
      redirect_uri: body.redirectUri,
      client_id: env.OAUTH2_CLIENT_ID,
      client_secret: env.OAUTH2_CLIENT_SECRET,
      code_verifier: VERIFIER,
    }),
  );
  if (token.error) return token;
  const userInfo = await getJson(env.GOOGLE_USERINFO_URL, { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' });
  return { userInfo, email: userInfo.email };
}

async function github(env, body) {
  const token = await tokenCall(
    env.GITHUB_TOKEN_URL,
    form({
      client_id: env.GITHUB_CLIENT_ID,
      client_secret: env.GITHUB_CLIENT_SECRET,
      code: body.authorizationCode,
      redirect_uri: body.redirectUri,
      code_verifier: VERIFIER,
    }),
  );
  if (token.error) return token;
  const headers = { authorization: `Bearer ${token.accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'edge-login' };
  const [user, emails] = await Promise.all([
    getJson(`${env.GITHUB_API_URL}/user`, headers),
    getJson(`${env.GITHUB_API_URL}/user/emails`, headers),
  ]);
  const email = emails.find((e) => e.primary && e.verified)?.email;
  return { userInfo: { sub: String(user.id), email, name: user.name, provider: 'github-oauth2' }, email };
}

// The discovery document, once per isolate (the promise, so that sign-ins
// racing the first fetch share it).
let discovery = null;
async function oidc(env, body) {
  discovery ??= getJson(`${env.OIDC_ISSUER}/.well-known/openid-configuration`, { accept: 'application/json' });
  const d = await discovery;
  const token = await tokenCall(
    d.token_endpoint,
    form({ grant_type: 'authorization_code', code: body.authorizationCode, redirect_uri: body.redirectUri, code_verifier: VERIFIER }),
    { authorization: `Basic ${btoa(`${encodeURIComponent(env.OIDC_CLIENT_ID)}:${encodeURIComponent(env.OIDC_CLIENT_SECRET)}`)}` },
  );
  if (token.error) return token;
  const userInfo = await getJson(d.userinfo_endpoint, { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' });
  return { userInfo: { ...userInfo, provider: 'oidc' }, email: userInfo.email };
}
