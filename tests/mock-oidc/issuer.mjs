#!/usr/bin/env node
// The OpenID Connect stand-in: a second oauth2-mock-server (server.mjs) as
// "the company directory", found by discovery at
// {issuer}/.well-known/openid-configuration, the issuer having a path as
// Microsoft Entra ID's does (http://127.0.0.1:<port>/tenant/v2.0). Its
// id_tokens are signed with keys of its own, published at {issuer}/keys,
// so that tests can rotate them and tamper with tokens:
//
//   mock.rotate({ alg })       a new signing key (RS256 or ES256); the JWKS then
//                              holds only the new one, as after a rotation
//   mock.nextIdToken = 'bad-signature' | 'alg-none' | 'hs256' | 'unknown-kid'
//                              (one-shot) tampers with the next id_token
//   mock.setDiscovery({ issuer, userinfo: false, authMethods: [...] })
//                              changes the discovery document (authMethods also
//                              decides what /token accepts)
//   mock.seenDiscovery, mock.seenJwks  the requests for each
// and everything of startMockGoogle (user, nextToken, seen, …).
//
// CLI: node tests/mock-oidc/issuer.mjs [--port 9402]   (env MOCK_ISSUER_PORT,
//      OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)

import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startMockGoogle } from './server.mjs';

export const DEFAULT_OIDC_CLIENT_ID = 'edge-login-oidc-test';
export const DEFAULT_OIDC_CLIENT_SECRET = 'edge-login-oidc-test-secret';
export const ISSUER_PATH = '/tenant/v2.0';

export const DEFAULT_OIDC_USER = Object.freeze({
  sub: 'AAAAAAAAAAAAAAAAAAAAAGrace',
  email: 'grace@corp.example',
  email_verified: true,
  name: 'Grace Hopper',
  given_name: 'Grace',
  family_name: 'Hopper',
});

const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A signing key: RS256 (RSA 2048) or ES256 (P-256), with its public JWK. */
export function newKey(alg = 'RS256') {
  const kid = randomBytes(8).toString('hex');
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

/** A JWS compact serialization of `claims` with `key` (ES256 as r || s, as JWS wants). */
export function signJwt(claims, key, header = {}) {
  const input = `${b64({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

export async function startMockIssuer(opts = {}) {
  const state = {
    keys: [newKey(opts.alg ?? 'RS256')],
    discovery: {},
  };
  let mock;
  const json = (res, body) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const discoveryDocument = () => {
    const d = state.discovery;
    const doc = {
      issuer: d.issuer ?? mock.issuer,
      authorization_endpoint: mock.authorizeUrl,
      token_endpoint: mock.tokenUrl,
      userinfo_endpoint: d.userinfo === false ? undefined : mock.userinfoUrl,
      jwks_uri: `${mock.issuer}/keys`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: d.authMethods ?? ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
    };
    return JSON.parse(JSON.stringify(doc));
  };
  mock = await startMockGoogle({
    ...opts,
    clientId: opts.clientId ?? DEFAULT_OIDC_CLIENT_ID,
    clientSecret: opts.clientSecret ?? DEFAULT_OIDC_CLIENT_SECRET,
    user: { ...DEFAULT_OIDC_USER, ...opts.user },
    logName: 'mock-issuer',
    intercept(req, res, url) {
      if (req.method !== 'GET') return false;
      if (url.pathname === `${ISSUER_PATH}/.well-known/openid-configuration`) {
        mock.seenDiscovery.push({ at: Date.now(), headers: { ...req.headers } });
        json(res, discoveryDocument());
        return true;
      }
      if (url.pathname === `${ISSUER_PATH}/keys`) {
        mock.seenJwks.push({ at: Date.now(), kids: state.keys.map((k) => k.kid) });
        json(res, { keys: state.keys.map((k) => k.jwk) });
        return true;
      }
      return false;
    },
  });
  // Every `iss` this stand-in signs (server.mjs reads mock.issuer when signing).
  mock.issuer = `${mock.url}${ISSUER_PATH}`;
  mock.discoveryUrl = `${mock.issuer}/.well-known/openid-configuration`;
  mock.seenDiscovery = [];
  mock.seenJwks = [];
  mock.nextIdToken = undefined;
  mock.signingKey = () => state.keys[0];
  mock.rotate = ({ alg } = {}) => {
    state.keys = [newKey(alg ?? state.keys[0].alg)];
    return state.keys[0];
  };
  mock.setDiscovery = (patch) => {
    state.discovery = { ...state.discovery, ...patch };
    mock.clientAuthMethods = state.discovery.authMethods;
  };
  // The library signs with a key of its own: sign again with ours, then
  // tamper when told.
  mock.tokenTransform = (body) => {
    const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString('utf8'));
    const how = mock.nextIdToken;
    mock.nextIdToken = undefined;
    const key = state.keys[0];
    let token;
    if (how === 'bad-signature') {
      // Signed, then its claims changed: the signature no longer covers them.
      const [h, , s] = signJwt(claims, key).split('.');
      token = `${h}.${b64({ ...claims, email: 'mallory@corp.example' })}.${s}`;
    } else if (how === 'alg-none') {
      token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    } else if (how === 'hs256') {
      // The classic confusion: HMAC keyed with something the client knows.
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64(claims)}`;
      token = `${input}.${createHmac('sha256', mock.clientSecret).update(input).digest('base64url')}`;
    } else if (how === 'unknown-kid') {
      token = signJwt(claims, newKey(key.alg));
    } else {
      token = signJwt(claims, key);
    }
    return { ...body, id_token: token };
  };
  const reset = mock.reset;
  mock.reset = () => {
    reset();
    state.discovery = {};
    mock.clientAuthMethods = undefined;
    mock.nextIdToken = undefined;
  };
  return mock;
}

async function main() {
  const env = process.env;
  const port = Number(process.argv.includes('--port') ? process.argv[process.argv.indexOf('--port') + 1] : env.MOCK_ISSUER_PORT ?? 9402);
  const mock = await startMockIssuer({
    port,
    clientId: env.OIDC_CLIENT_ID || undefined,
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    log: true,
  });
  console.log(`OpenID Connect stand-in (oauth2-mock-server) listening on ${mock.url}`);
  for (const [k, v] of [
    ['OIDC_ISSUER', mock.issuer],
    ['client_id', mock.clientId],
    ['test user', `${mock.user.name} <${mock.user.email}> (sub ${mock.user.sub})`],
  ])
    console.log(`  ${k.padEnd(14)} ${v}`);
  const shutdown = async () => {
    await mock.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
