import BaseAuthenticator from 'ember-simple-auth/authenticators/base';
import { ApiError, login, logout, reauth } from '../lib/api';

/**
 * Failures that say nothing about the session itself: the server could not
 * check it (its session store did not answer: `503 store_unavailable`), or
 * could not be reached. The session is kept and checked again later, never
 * signed out for them.
 */
export function isUncheckable(error) {
  const code = error?.code;
  if (code === 'store_unavailable' || code === 'network_error' || code === 'timeout') return true;
  // A proxy's own error page in front of the Worker (no contract body).
  return /^http_50[234]$/.test(code ?? '');
}

/**
 * The classic design's `token` authenticator: the popup's authorization code
 * becomes a session at POST /login, and the stored token is checked (and,
 * with sliding sessions, renewed) at POST /reauth on every load; signing out
 * ends the session on the server too (POST /logout) when it has a session
 * store.
 *
 * Session data: `{ auth_token, user_info }`, as the Worker answers.
 * The session service (services/session.js) sets the `on…` callbacks.
 */
export default class TokenAuthenticator extends BaseAuthenticator {
  static id = 'token';

  /** Told why a stored session was dropped (an ApiError). */
  onRestoreFailure = null;
  /** Told that a stored session was kept without being checked (an ApiError). */
  onRestoreUnchecked = null;
  /** Told that signing out could not reach the server (an ApiError). */
  onLogoutUnconfirmed = null;
  /** Resolves whether the Worker has a session store (GET /auth/config's `sessions`). */
  sessionsEnabled = () => Promise.resolve(false);

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
      if (isUncheckable(error)) {
        this.onRestoreUnchecked?.(error);
        return data;
      }
      this.onRestoreFailure?.(error);
      throw error;
    }
  }

  /** POST /reauth again for a kept, unchecked session; rejects like restore() would. */
  check(data) {
    return reauth(data.auth_token);
  }

  /** The session service tells ember-simple-auth about a check's answer. */
  renewed(data) {
    this.trigger('sessionDataUpdated', data);
  }

  /** Forgets the session here without telling the server (it told us it ended). */
  forget() {
    this.trigger('sessionDataInvalidated');
  }

  /**
   * Never rejects: signing out always signs out here. With a session store
   * the server is told first (POST /logout); when it cannot be reached,
   * onLogoutUnconfirmed hears of it.
   *
   * @param {object} data the session data
   * @param {{serverKnows?: boolean}} [options] `serverKnows`: the session was
   *   already ended on the server (DELETE /auth/sessions answered)
   */
  async invalidate(data, { serverKnows = false } = {}) {
    if (serverKnows || typeof data?.auth_token !== 'string') return;
    let enabled;
    try {
      enabled = await this.sessionsEnabled();
    } catch (error) {
      this.onLogoutUnconfirmed?.(error);
      return;
    }
    // A Worker without a session store keeps none: forgetting the token in
    // this browser is all signing out can do (it ends when it expires).
    if (!enabled) return;
    try {
      await logout(data.auth_token);
    } catch (error) {
      // 401: the server holds no live session for this token any more.
      if (error?.status === 401) return;
      this.onLogoutUnconfirmed?.(error);
    }
  }
}
