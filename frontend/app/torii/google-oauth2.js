import GoogleOauth2 from 'torii/providers/google-oauth2';
import { reads } from '@ember/object/computed';
import { SignInError } from './errors';

function decode(value) {
  if (typeof value !== 'string') return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * torii's google-oauth2 provider, configured at run time instead of from
 * config/environment.js, with the server's state and a PKCE challenge:
 *
 * - `configure()` takes GET /auth/config (endpoint, client id, scope,
 *   redirect URI) and POST /auth/start (state, code_challenge) answers;
 * - the authorization URL gets `code_challenge` and
 *   `code_challenge_method=S256` besides torii's own parameters;
 * - `open()` checks the popup's `state` against the server's and resolves
 *   with what torii resolves with, plus `state` for POST /login.
 */
const EdgeGoogleOauth2 = GoogleOauth2.extend({
  // torii reads these through `configurable()`, cached on first use; plain
  // properties can change with every attempt.
  baseUrl: null,
  apiKey: null,
  clientId: reads('apiKey'),
  scope: null,
  redirectUri: null,
  state: null,
  codeChallenge: null,
  codeChallengeMethod: null,
  // Deprecated at Google's v2 endpoint: leave it out of the URL.
  approvalPrompt: null,

  // Concatenated with torii's response_type, client_id, redirect_uri, state.
  requiredUrlParams: ['code_challenge', 'code_challenge_method'],

  popupOptions: Object.freeze({ width: 500, height: 640 }),

  configure({ authorizationEndpoint, clientId, scope, redirectUri, state, codeChallenge, codeChallengeMethod }) {
    this.setProperties({
      baseUrl: authorizationEndpoint,
      apiKey: clientId,
      scope,
      redirectUri,
      state,
      codeChallenge,
      codeChallengeMethod,
    });
  },

  isReady() {
    return Boolean(this.baseUrl && this.apiKey && this.redirectUri && this.state && this.codeChallenge);
  },

  /**
   * Opens the popup synchronously (call it straight from a click handler) and
   * resolves with `{authorizationCode, provider, redirectUri, state}`.
   * Rejects with a SignInError: popup_blocked, popup_closed, consent_denied,
   * provider_error, state_mismatch or no_code.
   */
  open(options) {
    if (!this.isReady()) {
      return Promise.reject(new SignInError('not_ready'));
    }
    const name = this.name;
    const state = this.state;
    const redirectUri = this.redirectUri;
    const url = this.buildUrl();
    // Google answers either ?code=...&state=... or ?error=...&state=...
    const keys = ['code', 'state', 'error'];

    return this.popup.open(url, keys, { ...this.popupOptions, ...options }).then(
      (answer) => {
        const error = decode(answer.error);
        if (error) {
          throw new SignInError(error === 'access_denied' ? 'consent_denied' : 'provider_error', error);
        }
        if (decode(answer.state) !== state) {
          throw new SignInError('state_mismatch');
        }
        if (!answer.code) {
          throw new SignInError('no_code');
        }
        return { authorizationCode: decode(answer.code), provider: name, redirectUri, state };
      },
      (error) => {
        if (error instanceof SignInError) throw error;
        // torii's two rejections: window.open gave nothing (or an already
        // closed window), or the window closed without an answer.
        const blocked = /could not open/.test(error?.message ?? '');
        throw new SignInError(blocked ? 'popup_blocked' : 'popup_closed');
      },
    );
  },
});

export default EdgeGoogleOauth2;
