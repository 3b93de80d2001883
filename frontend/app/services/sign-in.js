import Service, { service } from '@ember/service';
import { getOwner } from '@ember/owner';
import { tracked } from '@glimmer/tracking';
import { waitForPromise } from '@ember/test-waiters';
import { startSignIn } from '../lib/api';
import { messageFor } from '../lib/messages';
import { configurePopup, openPopup, releasePopupWindow, reservePopupWindow } from '../torii/adapter';
import { SignInError } from '../lib/sign-in-error';

// POST /auth/start's cookie lives 10 minutes: fetch a fresh one before then
// while the login page waits for a click.
const REFRESH_AFTER_MS = 8 * 60 * 1000;

/**
 * The "Sign in with …" buttons' state machine:
 *
 *   preparing → ready → (click) busy → preparing → ready ...
 *        ↘ unavailable (config or start failed; retry())
 *
 * `prepare()` fetches GET /auth/config (once) and POST /auth/start (every
 * attempt) and configures one provider's popup with them: the *armed*
 * provider, the first of /auth/config's list until another one is used. The
 * buttons are enabled only when both are in.
 *
 * `signIn(name)` runs from the click handler. For the armed provider it
 * opens the popup synchronously, with nothing awaited first, so no popup
 * blocker steps in. The sign-in cookie holds one attempt, for one provider,
 * so another provider's button cannot be armed at the same time: its click
 * opens an empty window at once (still inside the click), then asks
 * /auth/start for that provider and sends the window to it.
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
  /** The providers of GET /auth/config, in its order, once loaded. */
  @tracked providers = [];
  /** The provider of the attempt under way (or the last one). */
  @tracked attemptProvider = null;

  config = null;
  /** The provider the prepared attempt (POST /auth/start) is for. */
  armed = null;
  #generation = 0;
  #refreshTimer = null;

  get isReady() {
    return this.status === 'ready';
  }

  get isBusy() {
    return this.status === 'busy' || this.status === 'preparing';
  }

  /** The button label of provider `name` ("Google", "GitHub", OIDC_NAME). */
  labelOf(name) {
    return this.providers.find((p) => p.name === name)?.label ?? 'Google';
  }

  /**
   * Makes the buttons usable: config (once) + a fresh state/PKCE attempt for
   * provider `name` (default: the one armed last, else the first listed).
   */
  prepare(name) {
    return waitForPromise(this.#prepare(name));
  }

  async #prepare(name) {
    const generation = ++this.#generation;
    this.#clearRefresh();
    if (this.status !== 'busy') this.status = 'preparing';
    try {
      await this.#loadConfig();
      const wanted = name ?? this.armed;
      const provider = this.#provider(wanted) ?? this.config.providers[0];
      this.armed = null;
      const attempt = await startSignIn(provider.name);
      if (generation !== this.#generation || this.isDestroying) return;
      this.#configure(provider, attempt);
      this.armed = provider.name;
      this.status = 'ready';
      this.#refreshTimer = setTimeout(() => this.#refresh(), REFRESH_AFTER_MS);
    } catch (error) {
      if (generation !== this.#generation || this.isDestroying) return;
      this.status = 'unavailable';
      this.#fail(error);
    }
  }

  async #loadConfig() {
    if (this.config) return;
    const config = await this.authConfig.load();
    this.config = config;
    this.providers = config.providers;
  }

  #provider(name) {
    return this.config?.providers.find((p) => p.name === name) ?? null;
  }

  #configure(provider, attempt) {
    configurePopup(getOwner(this), provider.name, {
      authorizationEndpoint: provider.authorizationEndpoint,
      clientId: provider.clientId,
      scope: provider.scope,
      redirectUri: window.location.origin + this.config.redirectPath,
      ...attempt,
    });
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
   * The click handler of provider `name`'s button (default: the armed one).
   * Synchronous up to the popup (or the reserved window): returns the
   * promise of the whole attempt (which never rejects; failures land in
   * errorMessage).
   */
  signIn(name = this.armed) {
    if (this.status !== 'ready') return Promise.resolve();
    const provider = this.#provider(name);
    if (!provider) return Promise.resolve();
    this.status = 'busy';
    this.errorMessage = null;
    this.errorCode = null;
    this.attemptProvider = provider.name;
    this.#clearRefresh();
    const owner = getOwner(this);

    let popup;
    if (provider.name === this.armed) {
      try {
        popup = openPopup(owner, provider.name);
      } catch (error) {
        popup = Promise.reject(error);
      }
    } else {
      // Still inside the click: the window opens now, its address later.
      popup = reservePopupWindow(owner)
        ? this.#openUnarmed(owner, provider)
        : Promise.reject(new SignInError('popup_blocked'));
    }
    const attempt = Promise.resolve(popup)
      .then((popupResult) => this.session.authenticate('authenticator:token', popupResult))
      .catch((error) => this.#fail(error))
      // The state and PKCE verifier are single-use: every attempt, good or
      // bad, needs a new /auth/start before the buttons work again; the
      // provider just used is armed, as the likeliest to be pressed again.
      .finally(() => this.prepare(provider.name));
    return waitForPromise(attempt);
  }

  async #openUnarmed(owner, provider) {
    // The armed attempt's cookie is about to be replaced by this one's.
    this.armed = null;
    ++this.#generation;
    let attempt;
    try {
      attempt = await startSignIn(provider.name);
    } catch (error) {
      releasePopupWindow(owner);
      throw error;
    }
    this.#configure(provider, attempt);
    return openPopup(owner, provider.name);
  }

  // The attempt is about to expire: start a new one if the buttons are on
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
    this.errorMessage = messageFor(error, this.labelOf(this.attemptProvider ?? this.armed));
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
