import Service, { service } from '@ember/service';
import { getOwner } from '@ember/owner';
import { tracked } from '@glimmer/tracking';
import { waitForPromise } from '@ember/test-waiters';
import { startSignIn } from '../lib/api';
import { messageFor } from '../lib/messages';
import { configureGooglePopup, openGooglePopup } from '../torii/adapter';

// POST /auth/start's cookie lives 10 minutes: fetch a fresh one before then
// while the login page waits for a click.
const REFRESH_AFTER_MS = 8 * 60 * 1000;

/**
 * The "Sign in with Google" button's state machine:
 *
 *   preparing → ready → (click) busy → preparing → ready ...
 *        ↘ unavailable (config or start failed; retry())
 *
 * `prepare()` fetches GET /auth/config (once) and POST /auth/start (every
 * attempt) and configures the Google popup with them; the button is enabled
 * only when both are in. `signIn()` runs from the click handler and opens the
 * popup synchronously, with nothing awaited first, so no popup blocker
 * steps in.
 */
export default class SignInService extends Service {
  @service session;
  @service router;
  @service authConfig;

  /** 'idle' | 'preparing' | 'ready' | 'busy' | 'unavailable' */
  @tracked status = 'idle';
  /** The sentence to show for the last failure, or null. */
  @tracked errorMessage = null;
  /** The contract's code for the last failure (tests and styling use it). */
  @tracked errorCode = null;

  config = null;
  #generation = 0;
  #refreshTimer = null;

  get isReady() {
    return this.status === 'ready';
  }

  get isBusy() {
    return this.status === 'busy' || this.status === 'preparing';
  }

  /** Makes the button usable: config (once) + a fresh state/PKCE attempt. */
  prepare() {
    return waitForPromise(this.#prepare());
  }

  async #prepare() {
    const generation = ++this.#generation;
    this.#clearRefresh();
    if (this.status !== 'busy') this.status = 'preparing';
    try {
      this.config ??= await this.authConfig.load();
      const attempt = await startSignIn();
      if (generation !== this.#generation || this.isDestroying) return;
      configureGooglePopup(getOwner(this), {
        ...this.config,
        redirectUri: window.location.origin + this.config.redirectPath,
        ...attempt,
      });
      this.status = 'ready';
      this.#refreshTimer = setTimeout(() => this.#refresh(), REFRESH_AFTER_MS);
    } catch (error) {
      if (generation !== this.#generation || this.isDestroying) return;
      this.status = 'unavailable';
      this.#fail(error);
    }
  }

  /** Called when the login page shows: prepare unless already prepared. */
  ensurePrepared() {
    if (this.status === 'idle' || this.status === 'unavailable') {
      return this.prepare();
    }
  }

  /** Retry after `unavailable` (the error's "Try again" button). */
  retry() {
    this.errorMessage = null;
    this.errorCode = null;
    return this.prepare();
  }

  /**
   * The click handler. Synchronous up to the popup: returns the promise of
   * the whole attempt (which never rejects; failures land in errorMessage).
   */
  signIn() {
    if (this.status !== 'ready') return Promise.resolve();
    this.status = 'busy';
    this.errorMessage = null;
    this.errorCode = null;
    this.#clearRefresh();

    let popup;
    try {
      popup = openGooglePopup(getOwner(this));
    } catch (error) {
      popup = Promise.reject(error);
    }
    const attempt = Promise.resolve(popup)
      .then((popupResult) => this.session.authenticate('authenticator:token', popupResult))
      .catch((error) => this.#fail(error))
      // The state and PKCE verifier are single-use: every attempt, good or
      // bad, needs a new /auth/start before the button works again.
      .finally(() => this.prepare());
    return waitForPromise(attempt);
  }

  // The attempt is about to expire: start a new one if the button is on
  // screen, else just forget it (the login page prepares when it shows).
  #refresh() {
    this.#refreshTimer = null;
    if (this.status !== 'ready' || this.isDestroying) return;
    if (this.router.currentRouteName === 'login') this.prepare();
    else this.status = 'idle';
  }

  #fail(error) {
    if (this.isDestroying) return;
    this.errorCode = error?.code ?? 'unknown';
    this.errorMessage = messageFor(error);
  }

  #clearRefresh() {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = null;
  }

  willDestroy() {
    super.willDestroy(...arguments);
    this.#generation++;
    this.#clearRefresh();
  }
}
