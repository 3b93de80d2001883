// Helpers for the session-store tests (CONTRACT.md "Sessions"):
// the § routes, and sign-ins as a given user from a given device.
import { request, signIn, decodeToken } from './stack.mjs';

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

export const reauth = (stack, token) => request(stack, 'POST', '/reauth', { json: { auth_token: token } });
export const me = (stack, token) => request(stack, 'GET', '/api/me', { headers: bearer(token) });
export const logout = (stack, token, opts = {}) =>
  request(stack, 'POST', '/logout', { headers: token === undefined ? {} : bearer(token), ...opts });
export const listSessions = (stack, token) => request(stack, 'GET', '/auth/sessions', { headers: bearer(token) });
export const endSession = (stack, token, id) =>
  request(stack, 'DELETE', `/auth/sessions/${encodeURIComponent(id)}`, { headers: bearer(token) });
export const endAll = (stack, token) => request(stack, 'DELETE', '/auth/sessions', { headers: bearer(token) });

/**
 * A real sign-in through the stand-in, as `user` (claims merged over the
 * stand-in's current user for this sign-in only) from a browser that sends
 * `userAgent`. Answers {token, sid, payload, userInfo, status, text}.
 */
export async function signedIn(stack, { user, userAgent } = {}) {
  const mock = stack.mock;
  const saved = { ...mock.user };
  if (user) mock.setUser(user);
  try {
    const r = await signIn(stack, userAgent ? { headers: { 'user-agent': userAgent } } : {});
    if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${r.text}`);
    const payload = decodeToken(r.token).payload;
    return { ...r, payload, sid: payload.sid };
  } finally {
    mock.user = saved;
  }
}

/** The audit lines the Worker has logged so far, parsed. */
export function auditLines(stack) {
  return stack
    .logs()
    .split('\n')
    // console.error lines come coloured (wrangler's "✘ [ERROR]" and ANSI codes).
    .map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''))
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{"event"'))
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

/** The first audit line matching `match`, from line `from` on (waits up to `timeoutMs`). */
export async function waitForAudit(stack, match, { from = 0, timeoutMs = 5000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = auditLines(stack).slice(from).find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit line matched; lines: ${JSON.stringify(auditLines(stack))}`);
}
