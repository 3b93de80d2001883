import { SignInError } from './sign-in-error';

// What Google's redirect back to /torii/redirect.html means. Plain logic, no
// torii: app/torii/adapter.js hands it the query values the popup carried.
//
// The redirect page can be opened by any page that can open a window on this
// site, with any query string, while a sign-in is pending. So:
//  1. `state` is checked before anything else: an answer that does not carry
//     this attempt's state is not Google's answer to it, whatever else it
//     says (CONTRACT.md, "Hardening").
//  2. A provider `error` becomes one of a fixed set of codes, each with its
//     own fixed sentence (lib/messages.js); the URL's text is dropped here.

/**
 * OAuth2 (RFC 6749 §4.1.2.1), OpenID Connect Core (§3.1.2.6) and Google's
 * own `error` values, by the kind of failure the user is told about.
 * Anything else is `provider_error`.
 */
export const PROVIDER_ERRORS = Object.freeze({
  // The user said no on Google's consent screen.
  access_denied: 'consent_denied',
  // Google is having trouble: try again later.
  server_error: 'provider_unavailable',
  temporarily_unavailable: 'provider_unavailable',
  // Google refused the request this site built: only its administrator can fix it.
  invalid_request: 'provider_rejected_request',
  unauthorized_client: 'provider_rejected_request',
  unsupported_response_type: 'provider_rejected_request',
  invalid_scope: 'provider_rejected_request',
  invalid_client: 'provider_rejected_request',
  redirect_uri_mismatch: 'provider_rejected_request',
  invalid_request_uri: 'provider_rejected_request',
  invalid_request_object: 'provider_rejected_request',
  request_not_supported: 'provider_rejected_request',
  request_uri_not_supported: 'provider_rejected_request',
  registration_not_supported: 'provider_rejected_request',
  // The account may not be used here (its organisation's policy).
  admin_policy_enforced: 'provider_account_refused',
  org_internal: 'provider_account_refused',
  // Google wanted the user to do something in its window first.
  login_required: 'provider_interaction_required',
  consent_required: 'provider_interaction_required',
  interaction_required: 'provider_interaction_required',
  account_selection_required: 'provider_interaction_required',
});

/** Every code an answer can be refused with (lib/messages.js has a sentence for each). */
export const POPUP_FAILURES = Object.freeze([
  'state_mismatch',
  ...new Set(Object.values(PROVIDER_ERRORS)),
  'provider_error',
  'no_code',
]);

function decode(value) {
  if (typeof value !== 'string') return undefined;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined; // malformed %-escapes: as good as absent
  }
}

/**
 * @param {{code?: string, state?: string, error?: string}} answer the popup
 *   URL's query values, still URL-encoded (as torii hands them over)
 * @param {string} expectedState the state POST /auth/start gave this attempt
 * @returns {string} the authorization code
 * @throws {SignInError} state_mismatch, a PROVIDER_ERRORS kind, provider_error or no_code
 */
export function readPopupAnswer(answer, expectedState) {
  const state = decode(answer?.state);
  if (typeof expectedState !== 'string' || expectedState === '' || state !== expectedState) {
    throw new SignInError('state_mismatch');
  }
  // Present at all, even empty or badly escaped, it is an error answer.
  if (typeof answer.error === 'string') {
    const error = decode(answer.error);
    if (error !== undefined && Object.hasOwn(PROVIDER_ERRORS, error)) {
      throw new SignInError(PROVIDER_ERRORS[error], { providerError: error });
    }
    throw new SignInError('provider_error');
  }
  const code = decode(answer.code);
  if (!code) throw new SignInError('no_code');
  return code;
}
