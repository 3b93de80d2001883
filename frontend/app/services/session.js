import SessionService from 'ember-simple-auth/services/session';
import LocalStorageStore from 'ember-simple-auth/session-stores/local-storage';
import EphemeralStore from 'ember-simple-auth/session-stores/ephemeral';
import { service } from '@ember/service';
import { isTesting } from '@embroider/macros';
import { tracked } from '@glimmer/tracking';
import { waitForPromise } from '@ember/test-waiters';
import TokenAuthenticator, { isUncheckable } from '../authenticators/token';
import { SIGNED_OUT_REASONS } from '../lib/messages';

// Why this device was signed out, kept across the reload that follows
// signing out (ember-simple-auth reloads the app at its root), per tab.
export const NOTICE_KEY = 'edge-login-signed-out';

function noticeStorage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the notice just does not survive a reload
  }
}

function takeStoredNotice() {
  const storage = noticeStorage();
  const code = storage?.getItem(NOTICE_KEY) ?? null;
  storage?.removeItem(NOTICE_KEY);
  // Only codes this app writes: the sentence is chosen from its own list.
  return SIGNED_OUT_REASONS.includes(code) ? { code } : null;
}

/** Milliseconds to wait before the next check of an unchecked session. */
export function checkDelayMs(attempt, retryAfterSeconds) {
  const backoff = Math.min(60_000, 2_000 * 2 ** attempt);
  const floor = Math.min(600, Math.max(0, retryAfterSeconds ?? 0)) * 1000;
  return Math.max(backoff, floor);
}

export default class Session extends SessionService {
  @service router;
  @service clock;
  @service authConfig;

  /**
   * Why this device is signed out, shown on the sign-in and home pages: an
   * ApiError of a refused restore, or `{code}` for one of
   * lib/messages.js's SIGNED_OUT_REASONS. Null once signed in again.
   */
  @tracked signedOutBecause = takeStoredNotice();

  /**
   * "Sign out" was pressed: the server is being told (POST /logout) and the
   * session is about to be forgotten here. From that moment no page shows
   * the session's data (`isSignedIn` is false), whatever the server's
   * answer and however long it takes.
   */
  @tracked signingOut = false;

  /** Why the session could not be checked (kept, checked again), or null. */
  @tracked checkFailure = null;
  /** When the next check is due, in ms from when it was scheduled. */
  @tracked nextCheckInMs = null;

  #checkAttempt = 0;
  #cancelCheck = null;
  // The server ended this session: show the sign-in page, no reload.
  #endedByServer = false;

  createSessionStore(owner) {
    if (isTesting()) return new EphemeralStore(owner);
    // localStorage: shared by the app's tabs, so signing in or out in one
    // tab does so in all of them (see SECURITY.md for what that costs).
    return new LocalStorageStore(owner);
  }

  createAuthenticators(owner) {
    // Runs inside ember-simple-auth's constructor, before this class's
    // fields exist: only closures over `this` here.
    const token = new TokenAuthenticator(owner);
    token.onRestoreFailure = (error) => {
      this.signedOutBecause = error;
    };
    token.onRestoreUnchecked = (error) => this.#scheduleCheck(error);
    token.onLogoutUnconfirmed = () => this.#remember('logout_unconfirmed', { acrossReload: true });
    token.sessionsEnabled = () => this.authConfig.load().then((config) => config.sessions);
    this._token = token;
    return [token];
  }

  get authToken() {
    return this.data?.authenticated?.auth_token ?? null;
  }

  get user() {
    return this.data?.authenticated?.user_info ?? {};
  }

  /**
   * Whether the pages may show the session's data: authenticated, and not
   * signing out. Every template that shows private data checks this, not
   * `isAuthenticated` alone, and so do the routes.
   */
  get isSignedIn() {
    return this.isAuthenticated && !this.signingOut;
  }

  handleAuthentication(routeAfterAuthentication) {
    this.signedOutBecause = null;
    takeStoredNotice();
    super.handleAuthentication(routeAfterAuthentication);
  }

  handleInvalidation(routeAfterInvalidation) {
    this.#stopChecking();
    if (this.#endedByServer) {
      this.#endedByServer = false;
      this.router.transitionTo('login');
      return;
    }
    // Leave any page of the session at once: the reload below takes its
    // time on a slow machine (and does not happen in tests).
    this.#leavePrivatePage('index');
    // Reloads the app at its root (not in tests).
    super.handleInvalidation(routeAfterInvalidation);
    this.signingOut = false;
  }

  /** "Sign out": tells the server (POST /logout) when it keeps sessions, then forgets here. */
  signOut() {
    if (!this.isAuthenticated) return Promise.resolve();
    this.signingOut = true;
    this.#leavePrivatePage('index');
    return this.invalidate().finally(() => {
      // Forgotten (the pages check isAuthenticated too), or, if the store
      // could not forget it, still signed in and shown as such.
      if (!this.isDestroying) this.signingOut = false;
    });
  }

  #leavePrivatePage(to) {
    const current = this.router.currentRouteName;
    if (current === 'private') this.router.transitionTo(to);
  }

  /** After DELETE /auth/sessions: every session ended, this one too. */
  signedOutEverywhere() {
    this.#remember('signed_out_everywhere', { acrossReload: true });
    this.signingOut = true;
    this.#leavePrivatePage('index');
    return this.invalidate({ serverKnows: true });
  }

  /**
   * For every API call made with the token: when the answer says the session
   * is over (`401 session_ended`, or `403 access_denied`: the account is no
   * longer allowed), forgets it here and shows the sign-in page saying why.
   * Returns whether it did.
   */
  endIfRefused(error) {
    const code = error?.code;
    if (code !== 'session_ended' && !(code === 'access_denied' && error.status === 403)) return false;
    // (A second call answering the same is already handled; so is a call
    // that the user's own "Sign out" overtook.)
    if (this.isAuthenticated && !this.signingOut) {
      this.#remember(code === 'session_ended' ? 'session_ended' : 'no_longer_allowed');
      this.#endedByServer = true;
      this._token.forget();
    }
    return true;
  }

  /** Checks an unchecked session now instead of waiting ("Check now"). */
  checkNow() {
    return waitForPromise(this.#check());
  }

  async #check() {
    this.#cancelCheck?.();
    this.#cancelCheck = null;
    if (!this.isAuthenticated || this.checkFailure === null) return;
    const token = this.authToken;
    try {
      const answer = await this._token.check({ auth_token: token });
      if (this.isDestroying || this.authToken !== token) return;
      this.#stopChecking();
      this._token.renewed(answer);
    } catch (error) {
      if (this.isDestroying || this.authToken !== token) return;
      if (isUncheckable(error)) {
        this.#scheduleCheck(error);
        return;
      }
      this.#stopChecking();
      if (this.endIfRefused(error)) return;
      // token_expired, invalid_token...: as a refused restore would.
      this.signedOutBecause = error;
      this.#endedByServer = true;
      this._token.forget();
    }
  }

  #scheduleCheck(error) {
    this.#cancelCheck?.();
    const delay = checkDelayMs(this.#checkAttempt, error?.retryAfter);
    this.#checkAttempt += 1;
    this.checkFailure = error;
    this.nextCheckInMs = delay;
    this.#cancelCheck = this.clock.later(() => this.checkNow(), delay);
  }

  #stopChecking() {
    this.#cancelCheck?.();
    this.#cancelCheck = null;
    this.#checkAttempt = 0;
    this.checkFailure = null;
    this.nextCheckInMs = null;
  }

  // `acrossReload`: signing out reloads the app (ember-simple-auth) and the
  // next load shows the notice; otherwise the sign-in page shows it now.
  #remember(code, { acrossReload = false } = {}) {
    this.signedOutBecause = { code };
    if (!acrossReload) return;
    try {
      noticeStorage()?.setItem(NOTICE_KEY, code);
    } catch {
      /* storage full or disabled: the notice shows until the reload */
    }
  }

  willDestroy() {
    this.#cancelCheck?.();
    super.willDestroy(...arguments);
  }
}
