// The hardening rules (CONTRACT.md, items marked ◊) on one stack, each beside
// the legitimate neighbour that must keep working: the sign-in cookie's name
// compared byte for byte, a 32-byte SECRET_KEY with short fallbacks, the
// limiter keyed by an IPv6 client's /64, the id_token's exp and azp, the
// allow-lists compared with ASCII case folding only, upstream answers capped
// at 256 KiB, and a token's auth_time in the future. The bindings that refuse
// to start (short keys, plain-HTTP endpoints) are in hardening-config.test.mjs.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  startStack, request, signIn, startSignIn, authorize, postLogin, mintToken, mintFlaskToken, decodeToken, now,
  COOKIE_NAME, PROVIDER,
} from '../support/stack.mjs';
import { UPSTREAM_CAP } from '../mock-oidc/server.mjs';
import { expectOk, expectError, expectBearerChallenge } from '../support/expect.mjs';

const T = { timeout: 30_000 };
// Exactly 32 bytes of UTF-8 in 31 characters: the minimum counts bytes.
const KEY = 'é' + randomBytes(30).toString('base64url').slice(0, 30);
// Flask-era keys were often short; as fallbacks they are not held to 32 bytes.
const SHORT_FALLBACK = 'dev';
const SHORT_FALLBACK_2 = 'flask-secret';
const LIMIT = 3;
const ADA = { sub: '1234567890', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' };

let stack;
let mock;
// A real sign-in's token payload (with its session's sid when a store is
// bound), so that tokens signed again from it are ones the Worker could have issued.
let signedIn;
let ipCounter = 1;
// Every sign-in from its own client address (each sign-in spends 2 of the limiter's budget of 3).
const freshIp = () => `192.0.2.${ipCounter++}`;

before(async () => {
  stack = await startStack({
    secrets: { SECRET_KEY: KEY, SECRET_KEY_FALLBACKS: `${SHORT_FALLBACK}, ${SHORT_FALLBACK_2}` },
    vars: {
      ACCEPT_FLASK_TOKENS: 'true',
      ALLOWED_EMAIL_DOMAINS: 'work.example, bücher.example',
      ALLOWED_EMAILS: 'ada@example.com, kate@example.org',
    },
    rateLimit: { limit: LIMIT, period: 60 },
  });
  mock = stack.mock;
  const r = await login();
  expectOk(r);
  signedIn = decodeToken(r.token).payload;
});

/** The real sign-in's payload with `patch`, signed with `key` at `timestamp`. */
const resigned = (key, patch, timestamp = now()) => mintToken(key, { ...signedIn, ...patch }, timestamp);
after(async () => {
  await stack?.stop();
});
afterEach(() => mock.reset());

const login = (opts = {}) => signIn(stack, { ...opts, headers: { 'CF-Connecting-IP': freshIp(), ...opts.headers } });
const reauth = (t) => request(stack, 'POST', '/reauth', { json: { auth_token: t } });
const me = (t) => request(stack, 'GET', '/api/me', { headers: { authorization: `Bearer ${t}` } });

// ---------------------------------------------------------------- cookies

// A header value is a byte string: fetch sends each character below U+0100 as
// that one byte, so `utf8` gives the bytes a browser sends for a cookie name it
// holds as text (U+00A0 is C2 A0). (A lone byte such as A0 is not UTF-8: the
// runtime hands it to the Worker as U+FFFD, so it could not test the rule.)
const utf8 = (s) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * A sign-in whose /login carries `cookieHeader(value)` as its Cookie header,
 * `value` being the sign-in cookie /auth/start set.
 */
async function loginWithCookieHeader(cookieHeader) {
  const headers = { 'CF-Connecting-IP': freshIp() };
  const start = await startSignIn(stack, { headers });
  assert.equal(start.status, 200, start.text);
  const value = start.cookie.slice(COOKIE_NAME.length + 1);
  const auth = await authorize(stack, { state: start.state, codeChallenge: start.codeChallenge });
  assert.ok(auth.code, 'the stand-in gave a code');
  const body = { authorizationCode: auth.code, redirectUri: stack.redirectUri, provider: PROVIDER, state: start.state };
  return postLogin(stack, body, { cookie: cookieHeader(value), headers });
}

const UNICODE_SPACES = [
  ['U+00A0 NO-BREAK SPACE', '\u00a0'],
  ['U+0085 NEXT LINE', '\u0085'],
  ['U+2003 EM SPACE', '\u2003'],
  ['U+2028 LINE SEPARATOR', '\u2028'],
  ['U+3000 IDEOGRAPHIC SPACE', '\u3000'],
];

describe('◊ the sign-in cookie: names compared byte for byte after trimming spaces and tabs', () => {
  it('the sign-in cookie alone signs in (baseline)', T, async () => {
    expectOk(await loginWithCookieHeader((v) => `${COOKIE_NAME}=${v}`));
  });

  it('spaces and tabs around the name and the value are trimmed: still signs in', T, async () => {
    expectOk(await loginWithCookieHeader((v) => `a=1;\t ${COOKIE_NAME} \t=\t ${v} \t;b=2`));
  });

  it('cookies whose names only contain the sign-in cookie\'s name, planted first, are other cookies: signs in', T, async () => {
    expectOk(await loginWithCookieHeader((v) => `x${COOKIE_NAME}=planted; ${COOKIE_NAME}x=planted;\t${COOKIE_NAME}=${v}`));
  });

  for (const [name, ch] of UNICODE_SPACES) {
    it(`a cookie named ${name} + the sign-in cookie's name, planted first, is another cookie: sign-in works`, T, async () => {
      expectOk(await loginWithCookieHeader((v) => `${utf8(ch + COOKIE_NAME)}=planted-by-a-sibling; ${COOKIE_NAME}=${v}`));
    });
    it(`a cookie named the sign-in cookie's name + ${name}, planted first, is another cookie: sign-in works`, T, async () => {
      expectOk(await loginWithCookieHeader((v) => `${utf8(COOKIE_NAME + ch)}=planted-by-a-sibling; ${COOKIE_NAME}=${v}`));
    });
  }

  it('the real value under U+00A0 + the name is not the sign-in cookie: 400 invalid_state', T, async () => {
    expectError(await loginWithCookieHeader((v) => `${utf8('\u00a0' + COOKIE_NAME)}=${v}`), 400, 'invalid_state');
  });
  it('the real value followed by U+00A0 is not the signed value: 400 invalid_state', T, async () => {
    expectError(await loginWithCookieHeader((v) => `${COOKIE_NAME}=${v}${utf8('\u00a0')}`), 400, 'invalid_state');
  });
  it('the real value under the name + U+3000 is not the sign-in cookie: 400 invalid_state', T, async () => {
    expectError(await loginWithCookieHeader((v) => `${utf8(COOKIE_NAME + '\u3000')}=${v}`), 400, 'invalid_state');
  });
});

// ---------------------------------------------------------------- keys

describe('◊ SECRET_KEY of exactly 32 bytes, short fallbacks', () => {
  it('the key of this stack is 32 bytes of UTF-8 in 31 characters', () => {
    assert.equal(Buffer.byteLength(KEY, 'utf8'), 32);
    assert.equal([...KEY].length, 31);
  });
  it('/auth/start and a sign-in work with it', T, async () => {
    expectOk(await request(stack, 'POST', '/auth/start', { json: {}, headers: { 'CF-Connecting-IP': freshIp() } }));
    const r = await login();
    expectOk(r);
    expectOk(await reauth(r.token));
    expectOk(await me(r.token));
  });
  it('a token signed with a 3-byte fallback key is accepted by /reauth and /api/me', T, async () => {
    const t = resigned(SHORT_FALLBACK, { auth_time: now() - 5 }, now() - 5);
    const r = await reauth(t);
    expectOk(r);
    assert.deepEqual(r.body.user_info, signedIn.user_info);
    expectOk(await me(t));
  });
  it('a Flask token signed with a short fallback key is upgraded by /reauth', T, async () => {
    const r = await reauth(mintFlaskToken(SHORT_FALLBACK_2, { user_info: ADA }, now() - 60));
    expectOk(r);
    assert.deepEqual(r.body.user_info, ADA);
    expectOk(await me(r.body.auth_token));
  });
});

// ---------------------------------------------------------------- rate limit

describe('◊ LOGIN_LIMITER: IPv4 by address, IPv6 by /64, ::ffff:a.b.c.d as a.b.c.d', () => {
  const start = (ip) => request(stack, 'POST', '/auth/start', { json: {}, headers: { 'CF-Connecting-IP': ip } });
  async function spend(ips) {
    assert.equal(ips.length, LIMIT);
    for (const ip of ips) expectOk(await start(ip), 200);
  }

  it('addresses of one /64, in any notation, share one budget', T, async () => {
    await spend(['2001:db8:a:1::1', '2001:0DB8:000A:0001:0000:0000:0000:0002', '2001:db8:a:1:ffff:ffff:ffff:ffff']);
    const r = await start('2001:db8:a:1:0:0:0:abcd');
    expectError(r, 429, 'rate_limited');
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    expectError(await start('2001:DB8:A:1::2'), 429, 'rate_limited');
  });
  it('/login from another address of that /64 is limited too', T, async () => {
    const r = await request(stack, 'POST', '/login', { json: { authorizationCode: 'c', state: 's' }, headers: { 'CF-Connecting-IP': '2001:db8:a:1:1234:5678:9abc:def0' } });
    expectError(r, 429, 'rate_limited');
  });
  it('the neighbouring /64s have their own budgets', T, async () => {
    expectOk(await start('2001:db8:a:2::1'));
    expectOk(await start('2001:db8:a:0:ffff:ffff:ffff:ffff'));
    expectOk(await start('2001:db8:b:1::1'));
  });
  it('an IPv4-mapped address counts as the IPv4 address (mapped after plain)', T, async () => {
    await spend(['198.51.100.200', '198.51.100.200', '198.51.100.200']);
    expectError(await start('::ffff:198.51.100.200'), 429, 'rate_limited');
    expectError(await start('::FFFF:c633:64c8'), 429, 'rate_limited'); // the same address in hex
    expectOk(await start('198.51.100.201'));
  });
  it('an IPv4-mapped address counts as the IPv4 address (plain after mapped)', T, async () => {
    await spend(['::ffff:198.51.100.210', '::ffff:c633:64d2', '0:0:0:0:0:ffff:198.51.100.210']);
    expectError(await start('198.51.100.210'), 429, 'rate_limited');
    expectOk(await start('::ffff:198.51.100.211'));
  });
});

// ---------------------------------------------------------------- id_token

describe('◊ the id_token: exp a number not passed (60 s leeway), azp ours when present, aud arrays need azp', () => {
  const refused = [
    ['id_token_expired', 'exp 120 s ago (past the 60 s leeway)'],
    ['id_token_without_exp', 'no exp'],
    ['id_token_exp_not_a_number', 'exp a string of digits'],
    ['aud_array_without_azp', 'aud an array with our client and another, no azp'],
    ['aud_one_element_array_without_azp', 'aud an array of our client only, no azp'],
    ['azp_wrong', 'aud ours, azp another client'],
    ['aud_array_azp_wrong', 'aud an array with ours, azp another client'],
  ];
  for (const [scenario, what] of refused) {
    it(`${what}: 502 upstream_error, no token`, T, async () => {
      mock.scenario(scenario);
      const r = await login();
      expectError(r, 502, 'upstream_error');
    });
  }
  const accepted = [
    ['id_token_expired_within_leeway', 'exp 30 s ago (within the 60 s leeway)'],
    ['aud_string_without_azp', 'aud ours, no azp'],
    ['aud_array_with_azp', 'aud an array with ours and another, azp ours'],
  ];
  for (const [scenario, what] of accepted) {
    it(`${what}: signs in`, T, async () => {
      mock.scenario(scenario);
      const r = await login();
      expectOk(r);
      assert.equal(r.userInfo.email, ADA.email);
    });
  }
});

// ---------------------------------------------------------------- allow-lists

describe('◊ allow-lists: A-Z lowercased, otherwise code point for code point', () => {
  const cases = [
    ['email_kelvin_sign_local', 'KELVIN SIGN in the address (\u212Aate@example.org vs kate@example.org)', 403],
    ['email_kelvin_sign_domain', 'KELVIN SIGN in the domain (bob@wor\u212A.example vs work.example)', 403],
    ['hd_kelvin_sign', 'KELVIN SIGN in hd (wor\u212A.example vs work.example)', 403],
    ['email_non_ascii_domain_upper', 'a non-ASCII capital in the domain (BÜCHER.EXAMPLE vs bücher.example)', 403],
    ['email_non_ascii_domain', 'the listed non-ASCII domain itself (dora@bücher.example)', 200],
  ];
  for (const [scenario, what, status] of cases) {
    it(`${what}: ${status}`, T, async () => {
      mock.scenario(scenario);
      const r = await login();
      if (status === 200) expectOk(r);
      else expectError(r, status, 'access_denied');
    });
  }
  const users = [
    [{ email: 'KATE@EXAMPLE.ORG' }, 'an ASCII capitalised listed address (KATE@EXAMPLE.ORG)', 200],
    [{ email: 'bob@WORK.Example' }, 'an ASCII capitalised listed domain (bob@WORK.Example)', 200],
    [{ email: 'carol@elsewhere.example', hd: 'WORK.example' }, 'an ASCII capitalised listed hd (WORK.example)', 200],
    [{ email: 'dora@BüCHER.EXAMPLE' }, 'a non-ASCII domain with only A-Z capitalised (BüCHER.EXAMPLE)', 200],
    [{ email: 'dora@bu\u0308cher.example' }, 'the listed domain decomposed (u + U+0308): no normalization', 403],
    [{ email: 'dora@xn--bcher-kva.example' }, 'the listed domain in punycode: no IDNA mapping', 403],
  ];
  for (const [user, what, status] of users) {
    it(`${what}: ${status}`, T, async () => {
      mock.setUser({ hd: undefined, ...user });
      const r = await login();
      if (status === 200) expectOk(r);
      else expectError(r, status, 'access_denied');
    });
  }
});

// ---------------------------------------------------------------- upstream cap

describe('◊ upstream answers: 256 KiB as the fetch API delivers them is read, one byte more is 502', () => {
  const cases = [
    ['token_answer_at_cap', 'the token answer of exactly 256 KiB', 200],
    ['token_answer_over_cap', 'the token answer of 256 KiB + 1', 502],
    ['token_answer_at_cap_chunked', 'the token answer of exactly 256 KiB, chunked (no Content-Length)', 200],
    ['token_answer_over_cap_chunked', 'the token answer of 256 KiB + 1, chunked', 502],
    ['token_answer_over_cap_gzip', 'the token answer of 256 KiB + 1 inflated, gzip-encoded (1.6 KB on the wire)', 502],
    ['userinfo_answer_at_cap', 'the userinfo answer of exactly 256 KiB', 200],
    ['userinfo_answer_over_cap', 'the userinfo answer of 256 KiB + 1', 502],
    ['userinfo_answer_at_cap_chunked', 'the userinfo answer of exactly 256 KiB, chunked', 200],
    ['userinfo_answer_over_cap_chunked', 'the userinfo answer of 256 KiB + 1, chunked', 502],
    ['userinfo_answer_at_cap_gzip', 'the userinfo answer of exactly 256 KiB inflated, gzip-encoded', 200],
    ['userinfo_answer_over_cap_gzip', 'the userinfo answer of 256 KiB + 1 inflated, gzip-encoded', 502],
  ];
  for (const [scenario, what, status] of cases) {
    it(`${what}: ${status}`, T, async () => {
      mock.scenario(scenario);
      const r = await login();
      if (status === 502) {
        expectError(r, 502, 'upstream_error');
        return;
      }
      expectOk(r);
      if (scenario.startsWith('userinfo')) {
        // Read whole: the userinfo comes back as the stand-in sent it, padding included.
        assert.equal(Buffer.byteLength(JSON.stringify(r.userInfo)), UPSTREAM_CAP);
        assert.equal(decodeToken(r.token).payload.user_info.x_padding, r.userInfo.x_padding);
      }
    });
  }
  // The stand-in sends 16 KiB past the cap of a 1 MiB answer and then nothing
  // more. A Worker that reads the whole answer before checking its size can
  // only answer at its 10 s upstream deadline; one that stops reading at the
  // cap answers at once. The bound below is that deadline, not a speed.
  for (const scenario of ['token_answer_stalls_past_cap', 'userinfo_answer_stalls_past_cap']) {
    it(`${scenario.replace(/_/g, ' ')}: 502 without waiting for the rest`, { timeout: 40_000 }, async () => {
      mock.scenario(scenario);
      const t0 = Date.now();
      const r = await login();
      const s = (Date.now() - t0) / 1000;
      expectError(r, 502, 'upstream_error');
      assert.ok(s < 8, `answered after ${s.toFixed(1)} s: the Worker waited for the rest of the answer (10 s deadline)`);
    });
  }
});

// ---------------------------------------------------------------- auth_time

describe('◊ auth_time more than 60 s in the future is invalid_token', () => {
  it('/reauth: auth_time 120 s ahead is 401 invalid_token', T, async () => {
    expectError(await reauth(resigned(KEY, { auth_time: now() + 120 })), 401, 'invalid_token');
  });
  it('/api/me: auth_time 120 s ahead is 401 invalid_token with error="invalid_token"', T, async () => {
    const r = await me(resigned(KEY, { auth_time: now() + 120 }));
    expectError(r, 401, 'invalid_token');
    expectBearerChallenge(r, { error: 'invalid_token' });
  });
  it('/reauth: auth_time 120 s ahead in an old token that would be renewed is 401 invalid_token', T, async () => {
    const ts = now() - 604800 / 2 - 600;
    expectError(await reauth(resigned(KEY, { auth_time: now() + 120 }, ts)), 401, 'invalid_token');
  });
  it('a fallback-signed token with auth_time 120 s ahead is 401 invalid_token', T, async () => {
    expectError(await reauth(resigned(SHORT_FALLBACK, { auth_time: now() + 120 })), 401, 'invalid_token');
  });
  it('auth_time 30 s ahead (clock skew) is accepted by /reauth and /api/me', T, async () => {
    const t = resigned(KEY, { auth_time: now() + 30 });
    expectOk(await reauth(t));
    expectOk(await me(t));
  });
});
