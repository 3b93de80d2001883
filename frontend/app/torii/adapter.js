// The one module that knows torii 1.0's internals: its provider and popup
// classes, its container names, its initializers, its session service. The
// rest of the app signs in through the four functions below
// (configureGooglePopup, googleAuthorizationUrl, openGooglePopup,
// replacePopupService), so a torii upgrade touches this file only.
//
// Four files outside it exist because their paths shadow files of torii's
// `app/` tree (an addon's app file is replaced by the app's own file at the
// same path); each is one line re-exporting from here:
//   app/initializers/initialize-torii-callback.js    → toriiCallbackInitializer
//   app/initializers/initialize-torii-session.js     → toriiSessionInitializer
//   app/instance-initializers/setup-routes.js        → toriiSetupRoutesInitializer
//   app/services/torii-session.js                    → ToriiSessionStub
// and app/initializers/edge-torii.js puts this app's classes in place.
// tests/unit/torii/adapter-test.js checks that nothing else imports torii.

// torii 1.0 imports @ember/string (camelize), which Ember 7 no longer ships.
import '@ember/string';
import Service from '@ember/service';
import { reads } from '@ember/object/computed';
import ToriiGoogleOauth2 from 'torii/providers/google-oauth2';
import ToriiPopupService from 'torii/services/popup';
import { readPopupAnswer } from '../lib/popup-answer';
import { SignInError } from '../lib/sign-in-error';

const PROVIDER_NAME = 'google-oauth2';
const PROVIDER = `torii-provider:${PROVIDER_NAME}`;
const POPUP = 'torii-service:popup';
const TORII = 'service:torii';

/**
 * How long the popup may look closed before giving up on its answer.
 *
 * When the popup comes back from Google to /torii/redirect.html, that page's
 * Cross-Origin-Opener-Policy differs from Google's, so the browser moves it
 * to a new browsing context group: from here the popup then looks `closed`
 * while redirect.html is still loading. torii's popup service would then
 * drop the pending request from localStorage at once, racing the redirect
 * page that reads it. The answer still arrives (a `storage` event crosses
 * browsing context groups), so wait a little for it.
 */
export const CLOSE_GRACE_MS = 1500;

export const GracefulPopupService = ToriiPopupService.extend({
  openRemote() {
    this._closedSince = null;
    return this._super(...arguments);
  },

  pollRemote() {
    if (!this.remote) return;
    if (!this.remote.closed) {
      this._closedSince = null;
      return;
    }
    const now = Date.now();
    this._closedSince ??= now;
    if (now - this._closedSince >= CLOSE_GRACE_MS) {
      this.trigger('didClose');
    }
  },
});

/**
 * torii's google-oauth2 provider, configured at run time instead of from
 * config/environment.js, with the server's state and a PKCE challenge:
 * the authorization URL gets `code_challenge` and
 * `code_challenge_method=S256` besides torii's own parameters, and `open()`
 * reads the popup's answer by lib/popup-answer.js's rule.
 */
export const GoogleProvider = ToriiGoogleOauth2.extend({
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
      (answer) => ({ authorizationCode: readPopupAnswer(answer, state), provider: name, redirectUri, state }),
      (error) => {
        // torii's two rejections: window.open gave nothing (or an already
        // closed window), or the window closed without an answer.
        const blocked = /could not open/.test(error?.message ?? '');
        throw new SignInError(blocked ? 'popup_blocked' : 'popup_closed');
      },
    );
  },
});

// ------------------------------------------------------------ the app's API

/**
 * Gives the next popup this attempt's settings: GET /auth/config's
 * `authorizationEndpoint`, `clientId`, `scope`, the `redirectUri`, and
 * POST /auth/start's `state`, `codeChallenge`, `codeChallengeMethod`.
 */
export function configureGooglePopup(owner, settings) {
  owner.lookup(PROVIDER).configure(settings);
}

/** The authorization URL the next popup opens (tests read it). */
export function googleAuthorizationUrl(owner) {
  return owner.lookup(PROVIDER).buildUrl();
}

/**
 * Opens Google's sign-in popup. Call it synchronously from a click handler
 * (popup blockers), after configureGooglePopup. Resolves with
 * `{authorizationCode, provider, redirectUri, state}` (POST /login's body);
 * rejects with a SignInError: not_ready, popup_blocked, popup_closed or one
 * of lib/popup-answer.js's codes.
 */
export function openGooglePopup(owner) {
  return owner.lookup(TORII).open(PROVIDER_NAME);
}

/**
 * Puts `PopupClass` where torii looks for its popup window service (the
 * tests' fake Google window). It must have torii's `open(url, keys,
 * options)`, resolving with the query values of the URL the window came
 * back with, still URL-encoded.
 */
export function replacePopupService(owner, PopupClass) {
  owner.unregister(POPUP);
  owner.register(POPUP, PopupClass);
  return owner.lookup(POPUP);
}

// ------------------------------------------------- initializers and shims

/** Registers this app's provider and popup service in place of torii's. */
export const edgeToriiInitializer = Object.freeze({
  name: 'edge-torii',
  after: 'torii',
  initialize(application) {
    application.unregister(PROVIDER);
    application.register(PROVIDER, GoogleProvider);
    application.unregister(POPUP);
    application.register(POPUP, GracefulPopupService);
  },
});

/**
 * In place of torii's `torii-callback` initializer, which checks at boot
 * whether the app was loaded as the popup's redirect target. The popup lands
 * on the static /torii/redirect.html, never on the app, so there is nothing
 * to check (and no torii settings in config/environment.js to switch it off).
 */
export const toriiCallbackInitializer = Object.freeze({
  name: 'torii-callback',
  before: 'torii',
  initialize() {},
});

/** In place of torii's `torii-session` initializer: ember-simple-auth, not torii, keeps the session. */
export const toriiSessionInitializer = Object.freeze({
  name: 'torii-session',
  after: 'torii',
  initialize() {},
});

/**
 * In place of torii's `torii-setup-routes` instance initializer: its
 * authenticated routes need torii's session (and the `ember` module, which
 * Ember 7 removed); ember-simple-auth guards the routes instead.
 */
export const toriiSetupRoutesInitializer = Object.freeze({
  name: 'torii-setup-routes',
  initialize() {},
});

/**
 * In place of torii's session service, which imports the removed `ember`
 * module. Nothing uses it: ember-simple-auth is the session.
 */
export class ToriiSessionStub extends Service {}
