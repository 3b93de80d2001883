import BaseAuthenticator from 'ember-simple-auth/authenticators/base';
import { ApiError, login, reauth } from '../lib/api';

/**
 * The classic design's `token` authenticator: the popup's authorization code
 * becomes a session at POST /login, and the stored token is checked (and,
 * with sliding sessions, renewed) at POST /reauth on every load.
 *
 * Session data: `{ auth_token, user_info }`, as the Worker answers.
 */
export default class TokenAuthenticator extends BaseAuthenticator {
  static id = 'token';

  /** Set by the session service: told why a stored session was dropped. */
  onRestoreFailure = null;

  /**
   * @param {{authorizationCode: string, redirectUri?: string,
   *          provider?: string, state: string}} popupResult
   *   what openGooglePopup (app/torii/adapter.js) resolves with
   */
  async authenticate(popupResult) {
    const { authorizationCode, redirectUri, provider, state } = popupResult ?? {};
    if (typeof authorizationCode !== 'string' || authorizationCode === '') {
      throw new ApiError('no_code', 'no authorization code to exchange');
    }
    return login({ authorizationCode, redirectUri, provider, state });
  }

  async restore(data) {
    if (typeof data?.auth_token !== 'string' || data.auth_token === '') {
      throw new ApiError('invalid_token', 'nothing to restore');
    }
    try {
      // The answer carries the token to keep: the same one, or a renewed one
      // once it is past half its age (sliding sessions).
      return await reauth(data.auth_token);
    } catch (error) {
      this.onRestoreFailure?.(error);
      throw error;
    }
  }

  invalidate() {
    // The token is stateless (signed, not stored server-side): forgetting it
    // in this browser is all signing out needs.
    return Promise.resolve();
  }
}
