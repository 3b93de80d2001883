// The floor under `/login`'s own time: a JavaScript Worker that does only
// the I/O of a sign-in, measured by `make bench` (bench/run.mjs) with the same
// method, stand-in and `wrangler dev` as the real Worker. Whatever `/login`
// measures above this figure is the Worker's own (wasm, glue, session store);
// this figure itself is `wrangler dev`'s cost of a request with two fetches.
//
// It is not a sign-in: no signed cookie, no token, no checks. It answers
// POST /auth/start with a state and a fixed PKCE challenge, and POST /login
// with the same rate-limiter call, JSON body, token exchange (form body,
// redirects not followed) and userinfo call the real Worker makes. Each
// writes the audit line the real Worker writes for it: under `wrangler dev`
// a console line costs about a millisecond of CPU in workerd, wrangler and
// whoever reads wrangler's output, on the machine the sign-in runs on, and
// a floor without it would count that cost as the Worker's own.
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
      const token = await fetch(env.GOOGLE_TOKEN_URL, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: body.authorizationCode,
          redirect_uri: body.redirectUri,
          client_id: env.OAUTH2_CLIENT_ID,
          client_secret: env.OAUTH2_CLIENT_SECRET,
          code_verifier: VERIFIER,
        }),
      });
      if (!token.ok) return json({ error: 'token_exchange', upstream_status: token.status }, {}, 502);
      const { access_token: accessToken } = await token.json();
      const userinfo = await fetch(env.GOOGLE_USERINFO_URL, {
        redirect: 'manual',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      const userInfo = await userinfo.json();
      audit({ event: 'login', outcome: 'ok', email_domain: String(userInfo.email ?? '').split('@')[1] });
      return json(
        { auth_token: 'floor', user_info: userInfo },
        { 'set-cookie': `${COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax` },
      );
    }
    return json({ error: 'not_found' }, {}, 404);
  },
};
