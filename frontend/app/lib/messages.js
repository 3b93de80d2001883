// One clear sentence for every way signing in can fail, saying what to do.
// Never shows the server's raw answer or anything from the popup's URL: the
// codes come from CONTRACT.md's error table and from the popup's answer
// (lib/popup-answer.js), and every sentence here is fixed text.

// `p` below is the provider's name on its button ("Google", "GitHub", the
// OIDC provider's OIDC_NAME): chosen by the server's configuration, never
// taken from a URL.
const again = (p) => `Press “Sign in with ${p}” to try again.`;

function waitFor(seconds) {
  if (!seconds || seconds <= 1) return 'a moment';
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

const MESSAGES = {
  // The popup (app/torii/adapter.js) and the provider's answer in it
  // (lib/popup-answer.js): one fixed sentence per kind of answer.
  popup_blocked: (e, p) =>
    `Your browser blocked the ${p} sign-in window. Allow pop-ups for this site, then press “Sign in with ${p}” again.`,
  popup_closed: (e, p) => `The ${p} sign-in window was closed before signing in finished. ${again(p)}`,
  state_mismatch: (e, p) =>
    `The answer from ${p} did not belong to this sign-in attempt, so it was ignored. ${again(p)}`,
  consent_denied: (e, p) => `You cancelled signing in at ${p}. ${again(p)}`,
  provider_unavailable: (e, p) => `${p} could not handle the sign-in just now. Please try again in a few minutes.`,
  provider_rejected_request: (e, p) =>
    `${p} refused this site’s sign-in request. Please tell the site’s administrator.`,
  provider_account_refused: (e, p) =>
    `${p} does not let this account sign in to this site (its organisation’s policy). Try another account, or ask your administrator.`,
  provider_interaction_required: (e, p) => `${p} needs you to choose an account and confirm in its window. ${again(p)}`,
  provider_error: (e, p) => `${p} could not complete the sign-in. ${again(p)}`,
  no_code: (e, p) => `${p} did not send back a sign-in code. ${again(p)}`,

  // The Worker's answers.
  invalid_grant: (e, p) =>
    `${p} did not accept the sign-in: it may have taken too long or been used already. ${again(p)}`,
  access_denied: (e, p) =>
    `This ${p} account is not allowed to sign in here. Sign in with another account, or ask the site’s administrator for access.`,
  invalid_state: (e, p) => `This sign-in attempt expired or was replaced by one in another tab. ${again(p)}`,
  rate_limited: (e) =>
    `Too many sign-in attempts from your network. Please wait ${waitFor(e.retryAfter)} and try again.`,
  upstream_error: (e, p) => `${p} cannot be reached from the server right now. Please try again in a few minutes.`,
  server_misconfigured: () =>
    'Signing in is not set up correctly on this server. Please tell the site’s administrator.',
  redirect_uri_not_allowed: (e, p) =>
    `This site’s address is not registered for ${p} sign-in. Please tell the site’s administrator.`,
  invalid_token: () => 'Your session is no longer valid. Please sign in again.',
  token_expired: () => 'Your session has expired. Please sign in again.',
  session_ended: () => 'This session has ended. Please sign in again.',
  store_unavailable: (e) =>
    `The server could not check your session just now. Please try again in ${waitFor(e.retryAfter)}.`,
  network_error: () => 'The server cannot be reached. Check your internet connection and try again.',
  timeout: () => 'The server took too long to answer. Please try again.',
  bad_response: () => 'The server sent an answer this page does not understand. Please try again later.',
};

/**
 * The sentence to show for an error thrown while signing in or calling the
 * API. Unknown errors still get a sentence, never a stack or a JSON body.
 * `provider` is the label of the provider signed in with (default Google).
 */
export function messageFor(error, provider = 'Google') {
  const code = error?.code;
  if (code && Object.hasOwn(MESSAGES, code)) return MESSAGES[code](error, provider);
  const status = error?.status ?? 0;
  if (status === 502 || status === 503 || status === 504) {
    return 'The sign-in server is not answering right now. Please try again in a few minutes.';
  }
  if (status >= 500) {
    return `The server ran into a problem (HTTP ${status}). Please try again in a few minutes.`;
  }
  if (status >= 400) {
    return `The server refused the request (HTTP ${status}). Please reload the page and try again.`;
  }
  return `Something went wrong while signing in. ${again(provider)}`;
}

// Why this device is signed out, for the sign-in and home pages
// (services/session.js `signedOutBecause`): one sentence each.
const SIGNED_OUT = {
  session_ended: () =>
    'This device was signed out because its session was ended: from another device, by “Sign out everywhere”, or by the site.',
  no_longer_allowed: () =>
    'This device was signed out because this account is no longer allowed to use this site.',
  logout_unconfirmed: () =>
    'You are signed out on this device, but the server could not be reached to end the session, so it stays valid there until it expires.',
  signed_out_everywhere: () => 'You signed out everywhere: every session of this account has ended, this device’s too.',
};

/** The codes services/session.js may remember across a reload. */
export const SIGNED_OUT_REASONS = Object.freeze(Object.keys(SIGNED_OUT));

/**
 * The sentence for why this device is signed out: `reason` is `{code}` with
 * one of SIGNED_OUT_REASONS, or the ApiError that a restore (POST /reauth)
 * was refused with.
 */
export function signedOutMessage(reason) {
  const code = reason?.code;
  if (code === 'access_denied' && reason.status === 403) return SIGNED_OUT.no_longer_allowed();
  if (code && Object.hasOwn(SIGNED_OUT, code)) return SIGNED_OUT[code]();
  return messageFor(reason);
}

/** What the server said about a session store it could not reach, and what the app does. */
export function checkFailureMessage(error, inMs) {
  const wait = waitFor(Math.round((inMs ?? 0) / 1000));
  if (error?.code === 'store_unavailable') {
    return `The server could not check your session just now, so you stay signed in here; it will be checked again in ${wait}.`;
  }
  return `The server could not be reached to check your session, so you stay signed in here; it will be checked again in ${wait}.`;
}
