#!/usr/bin/env node
// The Google stand-in: a real OAuth2 / OpenID Connect server on loopback,
// built on oauth2-mock-server, made to behave like Google where edge-login
// cares (see ../../../shared/CONTRACT.md):
//
//  - /authorize issues the only codes the token endpoint accepts, and records
//    for each: client_id, redirect_uri, code_challenge(+method), nonce, scope
//    and the user who "signed in" (a snapshot of the current test user).
//  - /token wants grant_type=authorization_code, the right client id + secret
//    (form body or HTTP Basic), the code's redirect_uri and, when a challenge
//    was sent, a code_verifier that matches it. Codes are single use and
//    expire. Failures answer Google-shaped JSON:
//      400 {"error":"invalid_grant"}           bad / reused / expired / unknown code, PKCE
//      400 {"error":"redirect_uri_mismatch"}   redirect_uri differs from the code's
//      401 {"error":"invalid_client"}          unknown client id or wrong secret
//      400 {"error":"unsupported_grant_type"}  / {"error":"invalid_request"}
//  - the id_token carries iss (= this server's origin), aud = azp = client_id,
//    sub, email, email_verified, name, given_name, family_name, picture, hd?, nonce?
//  - /userinfo wants a Bearer access token this server issued (else 401 with
//    WWW-Authenticate) and answers like Google's OIDC userinfo.
//
// Per-test behaviour (programmatic use): one-shot overrides consumed by the next
// request of that kind:
//   mock.nextToken = { delayMs, hang, status, body, rawBody, contentType, headers,
//                      idTokenClaims, dropConnection, padTo, chunked, gzip, stallAfter }
//   mock.nextUserinfo = { delayMs, hang, status, body, rawBody, contentType, headers, dropConnection,
//                         padTo, chunked, gzip, stallAfter }
//   mock.nextAuthorize = { error: "access_denied" }     // user refuses consent
// `body` may be an object (answered as is, with `status` or 200) or a function
// (normal processing, then body = fn(body)); `status` alone answers a small
// Google-like error body; `rawBody` answers bytes as is (non-JSON); `hang`
// never answers (the socket is closed by stop()).
// On a normally processed answer: `padTo: n` adds an "x_padding" member so that
// the JSON is exactly n bytes; `chunked` sends it without Content-Length, in
// 16 KiB chunks; `gzip` sends it gzip-encoded (Content-Encoding: gzip, so the
// fetch API delivers the inflated bytes); `stallAfter: n` sends the first n
// bytes and then holds the answer open without ending it (until the client
// goes away or stop()). The seen* records get `bytesSent` and `peerClosed`.
// Named scenarios (SCENARIOS below; mock.scenario(name)): the id_token's exp,
// aud and azp cases, answers around the Worker's 256 KiB cap, non-ASCII emails.
// mock.goDown() / mock.comeBack(): stop listening (connections refused) and resume.
// mock.clientSecret / mock.clientId may be changed (e.g. to provoke invalid_client).
// Persistent changes: mock.setUser({...}) (merged into the default user; a key
// set to undefined removes the claim), mock.setIdTokenClaims({...}) (merged
// into every id_token; undefined removes), mock.reset().
//
// CLI: node tests/mock-oidc/server.mjs [--port 9400] [--host 127.0.0.1]
//        [--client-id ID] [--client-secret SECRET] [--email E] [--name N] [--hd D]
//      env: MOCK_OIDC_PORT, MOCK_OIDC_HOST, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET,
//           MOCK_OIDC_EMAIL, MOCK_OIDC_NAME, MOCK_OIDC_SUB, MOCK_OIDC_HD
//      Prints its URLs (and one line per request); stops on SIGINT / SIGTERM.

import http from 'node:http';
import { Readable } from 'node:stream';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { OAuth2Issuer, OAuth2Service, Events } from 'oauth2-mock-server';

export const DEFAULT_CLIENT_ID = 'edge-login-test.apps.googleusercontent.com';
export const DEFAULT_CLIENT_SECRET = 'edge-login-test-secret';

export const DEFAULT_USER = Object.freeze({
  sub: '1234567890',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  // picture: filled in with `${issuer}/picture.png` (served by the stand-in)
});

const PATHS = Object.freeze({
  authorize: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  picture: '/picture.png',
});

// ---------------------------------------------------------------- helpers

function pngPixel() {
  // A valid 1x1 PNG (a purple pixel), built rather than embedded.
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = deflateSync(Buffer.from([0, 0x66, 0x33, 0x99]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PICTURE = pngPixel();

function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseForm(buf, contentType = '') {
  const text = buf.toString('utf8');
  if (contentType.includes('application/json')) {
    try {
      const v = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function parseBasic(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const dec = (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

export function s256(verifier) {
  return createHash('sha256').update(verifier).digest('base64url');
}

function applyClaims(target, overrides) {
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === undefined) delete target[k];
    else target[k] = v;
  }
  return target;
}

function sendJson(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate',
    ...extraHeaders,
  });
  res.end(text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const epochNow = () => Math.floor(Date.now() / 1000);

/** `body` plus an "x_padding" string member, so that JSON.stringify of it is exactly `size` bytes. */
export function padJson(body, size) {
  const base = Buffer.byteLength(JSON.stringify({ ...body, x_padding: '' }));
  if (size < base) throw new Error(`padJson: ${size} bytes is less than the answer itself (${base})`);
  return { ...body, x_padding: 'p'.repeat(size - base) };
}

// Wraps res.end so that the JSON the library is about to send goes out as the
// override says (chunked, gzip, stalled); `record` learns what was sent.
function shapeTransport(res, o, record) {
  if (record) {
    record.bytesSent = 0;
    record.peerClosed = false;
    res.on('close', () => {
      if (!res.writableFinished) record.peerClosed = true;
    });
  }
  if (!o || !(o.chunked || o.gzip || o.stallAfter !== undefined)) {
    if (record) {
      const end = res.end.bind(res);
      res.end = (content, ...rest) => {
        if (content) record.bytesSent = Buffer.byteLength(content);
        return end(content, ...rest);
      };
    }
    return;
  }
  const end = res.end.bind(res);
  res.end = (content) => {
    let buf = Buffer.from(content ?? '');
    res.removeHeader('Content-Length');
    if (o.gzip) {
      buf = gzipSync(buf);
      res.setHeader('Content-Encoding', 'gzip');
      if (!o.chunked && o.stallAfter === undefined) res.setHeader('Content-Length', buf.length);
    }
    const sent = (n) => {
      if (record) record.bytesSent += n;
    };
    if (o.stallAfter !== undefined) {
      // Chunked framing, then silence: the answer never ends.
      const head = buf.subarray(0, o.stallAfter);
      for (let i = 0; i < head.length; i += 16384) res.write(head.subarray(i, i + 16384));
      sent(head.length);
      return res;
    }
    if (o.chunked) {
      for (let i = 0; i < buf.length; i += 16384) res.write(buf.subarray(i, i + 16384));
      sent(buf.length);
      return end();
    }
    sent(buf.length);
    return end(buf);
  };
}

/** The Worker's cap on an upstream answer (CONTRACT.md, "Hardening"). */
export const UPSTREAM_CAP = 256 * 1024;
const OTHER_CLIENT = 'someone-else.apps.googleusercontent.com';

/**
 * Named scenarios: each sets the overrides for the next sign-in (one-shot:
 * nextToken / nextUserinfo) or, for the users, the signed-in user until reset().
 * CONTRACT.md ("Account policy", "Hardening") says what the Worker must make of each.
 */
export const SCENARIOS = Object.freeze({
  // id_token exp (OpenID Connect Core 3.1.3.7 step 9; 60 s leeway)
  id_token_expired: (m) => (m.nextToken = { idTokenClaims: { exp: epochNow() - 120 } }),
  id_token_expired_within_leeway: (m) => (m.nextToken = { idTokenClaims: { exp: epochNow() - 30 } }),
  id_token_without_exp: (m) => (m.nextToken = { idTokenClaims: { exp: undefined } }),
  id_token_exp_not_a_number: (m) => (m.nextToken = { idTokenClaims: { exp: String(epochNow() + 3600) } }),
  // aud and azp (steps 3-5)
  aud_string_without_azp: (m) => (m.nextToken = { idTokenClaims: { aud: m.clientId, azp: undefined } }),
  aud_array_with_azp: (m) => (m.nextToken = { idTokenClaims: { aud: [OTHER_CLIENT, m.clientId], azp: m.clientId } }),
  aud_array_without_azp: (m) => (m.nextToken = { idTokenClaims: { aud: [OTHER_CLIENT, m.clientId], azp: undefined } }),
  aud_one_element_array_without_azp: (m) => (m.nextToken = { idTokenClaims: { aud: [m.clientId], azp: undefined } }),
  azp_wrong: (m) => (m.nextToken = { idTokenClaims: { aud: m.clientId, azp: OTHER_CLIENT } }),
  aud_array_azp_wrong: (m) => (m.nextToken = { idTokenClaims: { aud: [OTHER_CLIENT, m.clientId], azp: OTHER_CLIENT } }),
  // answers around the 256 KiB cap
  token_answer_at_cap: (m) => (m.nextToken = { padTo: UPSTREAM_CAP }),
  token_answer_over_cap: (m) => (m.nextToken = { padTo: UPSTREAM_CAP + 1 }),
  token_answer_at_cap_chunked: (m) => (m.nextToken = { padTo: UPSTREAM_CAP, chunked: true }),
  token_answer_over_cap_chunked: (m) => (m.nextToken = { padTo: UPSTREAM_CAP + 1, chunked: true }),
  token_answer_over_cap_gzip: (m) => (m.nextToken = { padTo: UPSTREAM_CAP + 1, gzip: true }),
  userinfo_answer_at_cap: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP }),
  userinfo_answer_over_cap: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP + 1 }),
  userinfo_answer_at_cap_chunked: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP, chunked: true }),
  userinfo_answer_over_cap_chunked: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP + 1, chunked: true }),
  userinfo_answer_at_cap_gzip: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP, gzip: true }),
  userinfo_answer_over_cap_gzip: (m) => (m.nextUserinfo = { padTo: UPSTREAM_CAP + 1, gzip: true }),
  // 1 MiB promised, 16 KiB past the cap sent, then nothing: only a reader that
  // stops at the cap can answer before the Worker's 10 s upstream deadline.
  userinfo_answer_stalls_past_cap: (m) => (m.nextUserinfo = { padTo: 1 << 20, stallAfter: UPSTREAM_CAP + 16384 }),
  token_answer_stalls_past_cap: (m) => (m.nextToken = { padTo: 1 << 20, stallAfter: UPSTREAM_CAP + 16384 }),
  // non-ASCII emails for the ASCII-only allow-list comparison
  email_kelvin_sign_local: (m) => m.setUser({ email: '\u212Aate@example.org', hd: undefined }), // KELVIN SIGN + "ate"
  email_kelvin_sign_domain: (m) => m.setUser({ email: 'bob@wor\u212A.example', hd: undefined }),
  hd_kelvin_sign: (m) => m.setUser({ email: 'carol@elsewhere.example', hd: 'wor\u212A.example' }),
  email_non_ascii_domain: (m) => m.setUser({ email: 'dora@b\u00FCcher.example', hd: undefined }),
  email_non_ascii_domain_upper: (m) => m.setUser({ email: 'dora@B\u00DCCHER.EXAMPLE', hd: undefined }),
});

// ---------------------------------------------------------------- the server

/**
 * Starts the Google stand-in.
 * @param {object} [opts]
 * @param {number} [opts.port=0]            0 picks a free port
 * @param {string} [opts.host='127.0.0.1']  listen address; also the host name in every URL
 * @param {string} [opts.urlHost]           the host name in every URL (and `iss`) instead of `host`:
 *                                          e.g. listen on '::' (both families) and name it 'localhost'
 * @param {string} [opts.clientId]
 * @param {string} [opts.clientSecret]
 * @param {object} [opts.user]              merged into DEFAULT_USER (undefined removes a claim)
 * @param {number} [opts.codeTtlSeconds=300]
 * @param {number} [opts.accessTokenTtlSeconds=3600]
 * @param {string[]} [opts.redirectUris]    when set, /authorize and /token refuse others (like
 *                                          the Google console's "Authorized redirect URIs")
 * @param {boolean} [opts.log=false]        one line per request on stderr
 * @param {string} [opts.logName]           its name in those lines (default mock-google)
 * @param {Function} [opts.intercept]       (req, res, url) => true when it answered the request
 *                                          itself (tests/mock-oidc/issuer.mjs: discovery, keys)
 */
export async function startMockGoogle(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const codeTtlMs = (opts.codeTtlSeconds ?? 300) * 1000;
  const accessTtlMs = (opts.accessTokenTtlSeconds ?? 3600) * 1000;
  const log = opts.log ? (...a) => console.error(`[${opts.logName ?? 'mock-google'}]`, ...a) : () => {};

  const issuer = new OAuth2Issuer();
  await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer, {
    authorize: PATHS.authorize,
    token: PATHS.token,
    userinfo: PATHS.userinfo,
  });

  const codes = new Map(); // code -> record
  const accessTokens = new Map(); // access_token -> { user, clientId, expiresAt }
  const sockets = new Set();

  const mock = {
    clientId,
    clientSecret,
    url: undefined,
    issuer: undefined,
    authorizeUrl: undefined,
    tokenUrl: undefined,
    userinfoUrl: undefined,
    pictureUrl: undefined,
    /** recorded POST /token requests: {at, params, clientAuth, basic, status, error, code} */
    seen: [],
    /** recorded GET /authorize requests: {at, query, code} */
    seenAuthorize: [],
    /** recorded GET /userinfo requests: {at, authorization, status} */
    seenUserinfo: [],
    codes,
    nextToken: undefined,
    nextUserinfo: undefined,
    nextAuthorize: undefined,
    user: undefined,
    idTokenClaims: {},
    registeredRedirectUris: opts.redirectUris ? [...opts.redirectUris] : undefined,
    /** when set, the client authentications /token accepts ('client_secret_basic', 'client_secret_post') */
    clientAuthMethods: undefined,
    /** when set, every successful token answer's body goes through it (the issuer re-signs id_tokens) */
    tokenTransform: undefined,
    setUser(patch) {
      mock.user = applyClaims({ ...mock.user }, patch);
      return mock.user;
    },
    setIdTokenClaims(patch) {
      mock.idTokenClaims = { ...mock.idTokenClaims, ...patch };
      return mock.idTokenClaims;
    },
    reset() {
      mock.clientId = clientId;
      mock.clientSecret = clientSecret;
      mock.user = applyClaims({ ...DEFAULT_USER, picture: mock.pictureUrl }, opts.user);
      mock.idTokenClaims = {};
      mock.nextToken = mock.nextUserinfo = mock.nextAuthorize = undefined;
    },
    clearSeen() {
      mock.seen.length = 0;
      mock.seenAuthorize.length = 0;
      mock.seenUserinfo.length = 0;
    },
    /** Applies one of SCENARIOS by name. */
    scenario(name) {
      const apply = SCENARIOS[name];
      if (!apply) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
      apply(mock);
      return mock;
    },
    /** The last token request that carried this code. */
    tokenRequestFor(code) {
      return [...mock.seen].reverse().find((s) => s.params.code === code);
    },
    /** Builds an authorization URL like the frontend (torii) does. */
    authorizationUrl(params) {
      const u = new URL(mock.authorizeUrl);
      const p = {
        client_id: clientId,
        response_type: 'code',
        scope: 'openid email profile',
        ...params,
      };
      for (const [k, v] of Object.entries(p)) if (v !== undefined) u.searchParams.set(k, v);
      return u.href;
    },
    stop,
  };

  // --- hooks on the library --------------------------------------------------

  service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
    const code = redirect.url.searchParams.get('code');
    const q = req.query ?? {};
    if (code) {
      codes.set(code, {
        code,
        clientId: q.client_id,
        redirectUri: q.redirect_uri,
        codeChallenge: q.code_challenge,
        codeChallengeMethod: q.code_challenge ? (q.code_challenge_method ?? 'plain') : undefined,
        nonce: q.nonce,
        scope: q.scope,
        state: q.state,
        user: { ...mock.user },
        issuedAt: Date.now(),
        expiresAt: Date.now() + codeTtlMs,
        used: false,
      });
    }
    mock.seenAuthorize.push({ at: Date.now(), query: { ...q }, code });
  });

  // Fires for the access token and for the id_token; the id_token is the one
  // built with an `aud` (the library's id-token transform sets it).
  service.on(Events.BeforeTokenSigning, (token, req) => {
    const rec = codes.get(req.body?.code);
    const p = token.payload;
    if (!('aud' in p) || 'scope' in p) {
      // access token: keep it opaque-ish for the relying party
      p.sub = rec?.user?.sub ?? p.sub;
      p.azp = rec?.clientId ?? clientId;
      if (rec?.scope) p.scope = rec.scope;
      delete p.amr;
      return;
    }
    const u = rec?.user ?? mock.user;
    p.iss = mock.issuer;
    p.aud = rec?.clientId ?? clientId;
    p.azp = rec?.clientId ?? clientId;
    p.sub = u.sub;
    for (const k of ['email', 'email_verified', 'name', 'given_name', 'family_name', 'picture', 'hd']) {
      if (u[k] !== undefined) p[k] = u[k];
      else delete p[k];
    }
    if (rec?.nonce !== undefined) p.nonce = rec.nonce;
    p.at_hash = randomBytes(16).toString('base64url');
    applyClaims(p, mock.idTokenClaims);
    applyClaims(p, req.override?.idTokenClaims);
  });

  service.on(Events.BeforeResponse, (resp, req) => {
    const rec = codes.get(req.body?.code);
    if (resp.statusCode === 200 && resp.body && resp.body.access_token) {
      delete resp.body.refresh_token; // Google sends one only with access_type=offline
      resp.body.scope = rec?.scope ?? 'openid email profile';
      accessTokens.set(resp.body.access_token, {
        user: rec?.user ?? { ...mock.user },
        clientId: rec?.clientId ?? clientId,
        expiresAt: Date.now() + accessTtlMs,
      });
    }
    const o = req.override;
    if (o && typeof o.body === 'function') resp.body = o.body(resp.body);
    if (o && typeof o.body === 'function' && o.status !== undefined) resp.statusCode = o.status;
    if (o?.padTo !== undefined) resp.body = padJson(resp.body, o.padTo);
    if (mock.tokenTransform && resp.statusCode === 200 && resp.body?.id_token) resp.body = mock.tokenTransform(resp.body);
  });

  service.on(Events.BeforeUserinfo, (resp, req) => {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const entry = m ? accessTokens.get(m[1]) : undefined;
    if (!entry || entry.expiresAt < Date.now()) {
      resp.statusCode = 401;
      resp.body = { error: 'invalid_request', error_description: 'Invalid Credentials' };
      req.res?.setHeader(
        'WWW-Authenticate',
        `Bearer realm="${mock.issuer}/", error="invalid_token"`,
      );
    } else {
      const u = entry.user;
      const body = { sub: u.sub };
      for (const k of ['name', 'given_name', 'family_name', 'picture', 'email', 'email_verified', 'hd']) {
        if (u[k] !== undefined) body[k] = u[k];
      }
      resp.statusCode = 200;
      resp.body = body;
    }
    const o = req.override;
    if (o && typeof o.body === 'function') resp.body = o.body(resp.body);
    if (o && typeof o.body === 'function' && o.status !== undefined) resp.statusCode = o.status;
    if (o?.padTo !== undefined) resp.body = padJson(resp.body, o.padTo);
    const record = req.record ?? {};
    Object.assign(record, { at: Date.now(), authorization: auth, status: resp.statusCode });
    mock.seenUserinfo.push(record);
  });

  // --- the front door ----------------------------------------------------------

  // Answers an override that replaces the real answer; true when it did.
  async function applyOverride(o, req, res, kind) {
    if (!o) return false;
    if (o.delayMs) await sleep(o.delayMs);
    if (o.hang) {
      log(kind, 'hanging (override)');
      req.resume();
      return true; // never answered; stop() destroys the socket
    }
    if (o.dropConnection) {
      req.socket.destroy();
      return true;
    }
    const direct =
      o.rawBody !== undefined ||
      (o.body !== undefined && typeof o.body !== 'function') ||
      (o.status !== undefined && o.body === undefined);
    if (!direct) return false;
    await readBody(req);
    const status = o.status ?? 200;
    if (o.rawBody !== undefined) {
      const buf = Buffer.from(o.rawBody);
      res.writeHead(status, {
        'Content-Type': o.contentType ?? 'text/html; charset=UTF-8',
        'Content-Length': buf.length,
        ...o.headers,
      });
      res.end(buf);
    } else if (o.body !== undefined) {
      sendJson(res, status, o.body, { ...(o.contentType ? { 'Content-Type': o.contentType } : {}), ...o.headers });
    } else {
      const body =
        status >= 500
          ? { error: 'internal_failure', error_description: 'Backend Error' }
          : { error: 'invalid_request', error_description: 'Bad Request' };
      sendJson(res, status, body, o.headers);
    }
    log(kind, 'answered by override', status);
    return true;
  }

  function googleError(res, status, error, description, record) {
    if (record) {
      record.status = status;
      record.error = error;
    }
    sendJson(res, status, { error, error_description: description });
  }

  async function handleToken(req, res) {
    const o = mock.nextToken;
    mock.nextToken = undefined;
    if (await applyOverride(o, req, res, 'token')) {
      mock.seen.push({ at: Date.now(), params: {}, overridden: true, status: o?.status });
      return;
    }
    const raw = await readBody(req);
    const params = parseForm(raw, req.headers['content-type']);
    const basic = parseBasic(req.headers.authorization);
    const record = {
      at: Date.now(),
      params,
      contentType: req.headers['content-type'],
      clientAuth: basic ? 'client_secret_basic' : 'client_secret_post',
      basic,
      code: params.code,
      status: 200,
      error: undefined,
      localAddress: req.socket.localAddress,
    };
    mock.seen.push(record);

    // client authentication
    const id = basic?.id ?? params.client_id;
    const secret = basic ? basic.secret : params.client_secret;
    if (!id) return googleError(res, 400, 'invalid_request', 'Could not determine client ID from request.', record);
    if (mock.clientAuthMethods && !mock.clientAuthMethods.includes(record.clientAuth))
      return googleError(res, 401, 'invalid_client', `${record.clientAuth} is not accepted here.`, record);
    if (!safeEqual(id, mock.clientId)) return googleError(res, 401, 'invalid_client', 'The OAuth client was not found.', record);
    if (secret === undefined || !safeEqual(secret, mock.clientSecret))
      return googleError(res, 401, 'invalid_client', 'Unauthorized', record);

    if (params.grant_type !== 'authorization_code')
      return googleError(res, 400, 'unsupported_grant_type', `Invalid grant_type: ${params.grant_type ?? ''}`, record);
    if (!params.code) return googleError(res, 400, 'invalid_request', 'Missing required parameter: code', record);

    const rec = codes.get(params.code);
    if (!rec || rec.clientId !== id) return googleError(res, 400, 'invalid_grant', 'Malformed auth code.', record);
    if (rec.used) return googleError(res, 400, 'invalid_grant', 'Bad Request', record);
    rec.used = true; // single use: any presentation by its client burns it
    if (rec.expiresAt < Date.now()) return googleError(res, 400, 'invalid_grant', 'Bad Request', record);

    if (!params.redirect_uri) return googleError(res, 400, 'invalid_request', 'Missing parameter: redirect_uri', record);
    if (
      params.redirect_uri !== rec.redirectUri ||
      (mock.registeredRedirectUris && !mock.registeredRedirectUris.includes(params.redirect_uri))
    )
      return googleError(res, 400, 'redirect_uri_mismatch', 'Bad Request', record);

    if (rec.codeChallenge !== undefined) {
      const v = params.code_verifier;
      if (!v) return googleError(res, 400, 'invalid_grant', 'Missing code verifier.', record);
      const ok = /^[A-Za-z0-9\-._~]{43,128}$/.test(v) &&
        (rec.codeChallengeMethod === 'S256' ? s256(v) === rec.codeChallenge : v === rec.codeChallenge);
      if (!ok) return googleError(res, 400, 'invalid_grant', 'Invalid code verifier.', record);
      record.pkceVerified = true;
    } else if (params.code_verifier !== undefined) {
      return googleError(res, 400, 'invalid_grant', 'code_verifier given but the authorization request had no code_challenge.', record);
    }

    // Valid: let oauth2-mock-server issue the tokens (our hooks shape them).
    // Its body parser reads the request stream, so replay what we read, without
    // the verifier (checked above; the library would check it a second time).
    const { code_verifier: _cv, ...forLibrary } = params;
    const replay = Readable.from([Buffer.from(new URLSearchParams(forLibrary).toString())]);
    replay.headers = { ...req.headers, 'content-type': 'application/x-www-form-urlencoded' };
    delete replay.headers['content-length'];
    replay.method = req.method;
    replay.url = req.url;
    replay.override = o;
    shapeTransport(res, o, record);
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = (status, ...rest) => {
      record.status = status;
      return origWriteHead(status, ...rest);
    };
    service.requestHandler(replay, res);
  }

  async function handleUserinfo(req, res) {
    const o = mock.nextUserinfo;
    mock.nextUserinfo = undefined;
    if (await applyOverride(o, req, res, 'userinfo')) {
      mock.seenUserinfo.push({ at: Date.now(), authorization: req.headers.authorization, overridden: true });
      return;
    }
    req.override = o;
    req.res = res;
    req.record = { localAddress: req.socket.localAddress };
    shapeTransport(res, o, req.record);
    service.requestHandler(req, res);
  }

  function authorizeErrorPage(res, status, title, detail) {
    const html = `<!doctype html><title>${title}</title><h1>Access blocked: ${title}</h1><p>${detail}</p>`;
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  }

  async function handleAuthorize(req, res, url) {
    const q = Object.fromEntries(url.searchParams);
    if (!q.client_id || q.client_id !== mock.clientId)
      return authorizeErrorPage(res, 401, 'Error 401: invalid_client', 'The OAuth client was not found.');
    if (!q.redirect_uri)
      return authorizeErrorPage(res, 400, 'Error 400: invalid_request', 'Missing required parameter: redirect_uri');
    let redirect;
    try {
      redirect = new URL(q.redirect_uri);
    } catch {
      return authorizeErrorPage(res, 400, 'Error 400: invalid_request', 'Invalid parameter value for redirect_uri');
    }
    if (mock.registeredRedirectUris && !mock.registeredRedirectUris.includes(q.redirect_uri))
      return authorizeErrorPage(res, 400, 'Error 400: redirect_uri_mismatch', "You can't sign in because this app sent an invalid request.");
    if (q.code_challenge_method && !['S256', 'plain'].includes(q.code_challenge_method))
      return authorizeErrorPage(res, 400, 'Error 400: invalid_request', 'Invalid code_challenge_method');
    const o = mock.nextAuthorize;
    mock.nextAuthorize = undefined;
    if (o?.error) {
      redirect.searchParams.set('error', o.error);
      if (q.state) redirect.searchParams.set('state', q.state);
      mock.seenAuthorize.push({ at: Date.now(), query: q, code: undefined, error: o.error });
      res.writeHead(302, { Location: redirect.href });
      return res.end();
    }
    service.requestHandler(req, res);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', mock.url);
    log(req.method, url.pathname);
    if (opts.intercept?.(req, res, url)) return;
    const route = `${req.method} ${url.pathname}`;
    let p;
    if (route === `POST ${PATHS.token}`) p = handleToken(req, res);
    else if (route === `GET ${PATHS.userinfo}` || route === `POST ${PATHS.userinfo}`) {
      if (req.method === 'POST') req.method = 'GET'; // Google accepts both
      p = handleUserinfo(req, res);
    } else if (route === `GET ${PATHS.authorize}`) p = handleAuthorize(req, res, url);
    else if (route === `GET ${PATHS.picture}`) {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': PICTURE.length });
      res.end(PICTURE);
      return;
    } else {
      service.requestHandler(req, res);
      return;
    }
    p.catch((err) => {
      console.error('[mock-google] handler error:', err);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_failure', error_description: String(err) });
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = server.address().port;
  const urlHost = opts.urlHost ?? host;
  const hostForUrl = urlHost.includes(':') && !urlHost.startsWith('[') ? `[${urlHost}]` : urlHost;
  mock.port = port;
  mock.url = `http://${hostForUrl}:${port}`;
  // The Worker defaults GOOGLE_ISSUER to the origin of GOOGLE_AUTH_URL: keep
  // every URL and the `iss` claim on the same host spelling.
  issuer.url = mock.url;
  mock.issuer = mock.url;
  mock.authorizeUrl = mock.url + PATHS.authorize;
  mock.tokenUrl = mock.url + PATHS.token;
  mock.userinfoUrl = mock.url + PATHS.userinfo;
  mock.pictureUrl = mock.url + PATHS.picture;
  mock.reset();

  // "Google unreachable": stop listening and drop every connection (new ones are
  // refused), then listen again on the same port.
  mock.goDown = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
      for (const s of sockets) s.destroy();
    });
  mock.comeBack = () =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

  let stopped;
  function stop() {
    stopped ??= new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections?.();
      for (const s of sockets) s.destroy();
    });
    return stopped;
  }

  return mock;
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unexpected argument: ${a}`);
    const key = m[1];
    if (key === 'help' || key === 'log') {
      out[key] = true;
      continue;
    }
    out[key] = m[2] ?? argv[++i];
    if (out[key] === undefined) throw new Error(`--${key} needs a value`);
  }
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (args.help) {
    console.log(
      'usage: node tests/mock-oidc/server.mjs [--port 9400] [--host 127.0.0.1] [--client-id ID]\n' +
        '         [--client-secret SECRET] [--email E] [--name N] [--sub S] [--hd DOMAIN] [--log]\n' +
        'env: MOCK_OIDC_PORT MOCK_OIDC_HOST OAUTH2_CLIENT_ID OAUTH2_CLIENT_SECRET\n' +
        '     MOCK_OIDC_EMAIL MOCK_OIDC_NAME MOCK_OIDC_SUB MOCK_OIDC_HD',
    );
    return;
  }
  const env = process.env;
  const user = {};
  const email = args.email ?? env.MOCK_OIDC_EMAIL;
  const name = args.name ?? env.MOCK_OIDC_NAME;
  const sub = args.sub ?? env.MOCK_OIDC_SUB;
  const hd = args.hd ?? env.MOCK_OIDC_HD;
  if (email) user.email = email;
  if (name) {
    user.name = name;
    const [given, ...rest] = name.split(' ');
    user.given_name = given;
    user.family_name = rest.join(' ') || undefined;
  }
  if (sub) user.sub = sub;
  if (hd) user.hd = hd;
  const mock = await startMockGoogle({
    port: Number(args.port ?? env.MOCK_OIDC_PORT ?? 9400),
    host: args.host ?? env.MOCK_OIDC_HOST ?? '127.0.0.1',
    clientId: args['client-id'] ?? env.OAUTH2_CLIENT_ID ?? DEFAULT_CLIENT_ID,
    clientSecret: args['client-secret'] ?? env.OAUTH2_CLIENT_SECRET ?? DEFAULT_CLIENT_SECRET,
    user,
    log: true,
  });
  console.log(`Google stand-in (oauth2-mock-server) listening on ${mock.url}`);
  const rows = [
    ['issuer (iss)', mock.issuer],
    ['GOOGLE_AUTH_URL', mock.authorizeUrl],
    ['GOOGLE_TOKEN_URL', mock.tokenUrl],
    ['GOOGLE_USERINFO_URL', mock.userinfoUrl],
    ['client_id', mock.clientId],
    ['test user', `${mock.user.name} <${mock.user.email}> (sub ${mock.user.sub})`],
  ];
  for (const [k, v] of rows) console.log(`  ${k.padEnd(20)} ${v}`);
  const shutdown = async (sig) => {
    console.log(`\n${sig}: stopping the Google stand-in`);
    await mock.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
