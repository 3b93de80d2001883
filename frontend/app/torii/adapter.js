// The one module that knows torii 1.0's internals: its provider and popup
// classes, its container names, its initializers, its session service. The
// rest of the app signs in through the functions below (configurePopup,
// authorizationUrl, reservePopupWindow, openPopup, replacePopupService), so a
// torii upgrade touches this file only.
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
import ToriiGithubOauth2 from 'torii/providers/github-oauth2';
import ToriiOauth2Code from 'torii/providers/oauth2-code';
import ToriiPopupService from 'torii/services/popup';
import { readPopupAnswer } from '../lib/popup-answer';
import { SignInError } from '../lib/sign-in-error';

const POPUP = 'torii-service:popup';
const TORII = 'service:torii';
const providerKey = (name) => `torii-provider:${name}`;

const POPUP_OPTIONS = Object.freeze({ width: 500, height: 640 });

/**
 * How long the popup may look closed before giving up on its answer.
 *
 * When the popup comes back from the provider to /torii/redirect.html, that
 * page's Cross-Origin-Opener-Policy differs from the provider's, so the
 * browser moves it to a new browsing context group: from here the popup then
 * looks `closed` while redirect.html is still loading. torii's popup service
 * would then drop the pending request from localStorage at once, racing the
 * redirect page that reads it. The answer still arrives (a `storage` event
 * crosses browsing context groups), so wait a little for it.
 */
export const CLOSE_GRACE_MS = 1500;

function windowFeatures({ width, height }) {
  const left = Math.max(0, window.screen.width / 2 - width / 2);
  const top = Math.max(0, window.screen.height / 2 - height / 2);
  return `left=${left},top=${top},width=${width},height=${height}`;
}

export const GracefulPopupService = ToriiPopupService.extend({
  /**
   * Opens an empty window now, inside the click, for a sign-in whose
   * provider's URL is not known yet (its POST /auth/start is still to come):
   * the next openRemote() sends this window there instead of opening one
   * later, which a popup blocker would stop. Navigating a window the page
   * already holds is not a new popup.
   */
  reserve() {
    this.release();
    this._reserved = window.open('about:blank', '_blank', windowFeatures(POPUP_OPTIONS)) ?? null;
    return this._reserved !== null;
  },

  /** Closes a reserved window nothing was sent to. */
  release() {
    const reserved = this._reserved;
    this._reserved = null;
    if (reserved && !reserved.closed) reserved.close();
  },

  openRemote(url, pendingRequestKey, options) {
    this._closedSince = null;
    const reserved = this._reserved;
    this._reserved = null;
    if (reserved && !reserved.closed) {
      // The redirect page finds the pending request through localStorage,
      // not the window's name, so a reserved window serves as well.
      reserved.location.replace(url);
      this.remote = reserved;
      return;
    }
    return this._super(url, pendingRequestKey, options);
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
 * What the three providers share: configured at run time instead of from
 * config/environment.js, from GET /auth/config's entry for the provider and
 * POST /auth/start's state and PKCE challenge. The authorization URL gets
 * `code_challenge` and `code_challenge_method=S256` besides torii's own
 * parameters, and `open()` reads the popup's answer by lib/popup-answer.js's
 * rule (the state first, then the provider's error by kind).
 */
const RUNTIME_CONFIGURED = {
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

  // Concatenated with torii's response_type, client_id, redirect_uri, state.
  requiredUrlParams: ['code_challenge', 'code_challenge_method'],

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
    // The provider answers either ?code=...&state=... or ?error=...&state=...
    const keys = ['code', 'state', 'error'];

    return this.popup.open(url, keys, { ...POPUP_OPTIONS, ...options }).then(
      (answer) => ({ authorizationCode: readPopupAnswer(answer, state), provider: name, redirectUri, state }),
      (error) => {
        // torii's two rejections: window.open gave nothing (or an already
        // closed window), or the window closed without an answer.
        const blocked = /could not open/.test(error?.message ?? '');
        throw new SignInError(blocked ? 'popup_blocked' : 'popup_closed');
      },
    );
  },
};

/** torii's google-oauth2 provider. */
export const GoogleProvider = ToriiGoogleOauth2.extend(RUNTIME_CONFIGURED, {
  // Deprecated at Google's v2 endpoint: leave it out of the URL.
  approvalPrompt: null,
});

/** torii's github-oauth2 provider (GitHub OAuth Apps accept PKCE too). */
export const GithubProvider = ToriiGithubOauth2.extend(RUNTIME_CONFIGURED);

/**
 * The one OpenID Connect provider of /auth/config (`oidc`): torii's generic
 * oauth2-code flow, its authorization endpoint the one the Worker found by
 * discovery.
 */
export const OidcProvider = ToriiOauth2Code.extend(RUNTIME_CONFIGURED, {
  name: 'oidc',
  responseParams: ['code', 'state'],
});

const PROVIDERS = Object.freeze({
  'google-oauth2': GoogleProvider,
  'github-oauth2': GithubProvider,
  oidc: OidcProvider,
});

function provider(owner, name) {
  if (!Object.hasOwn(PROVIDERS, name)) throw new SignInError('not_ready');
  return owner.lookup(providerKey(name));
}

// ------------------------------------------------------------ the app's API

/**
 * Gives the next popup of provider `name` this attempt's settings: its GET
 * /auth/config entry's `authorizationEndpoint`, `clientId`, `scope`, the
 * `redirectUri`, and POST /auth/start's `state`, `codeChallenge`,
 * `codeChallengeMethod`.
 */
export function configurePopup(owner, name, settings) {
  provider(owner, name).configure(settings);
}

/** The authorization URL the next popup of provider `name` opens (tests read it). */
export function authorizationUrl(owner, name) {
  return provider(owner, name).buildUrl();
}

/**
 * Opens an empty window now, from the click, for a popup whose URL comes
 * later (openPopup sends it there). Returns whether a window opened.
 */
export function reservePopupWindow(owner) {
  return owner.lookup(POPUP).reserve();
}

/** Closes a window reservePopupWindow opened, when the sign-in stops before openPopup. */
export function releasePopupWindow(owner) {
  owner.lookup(POPUP).release();
}

/**
 * Opens provider `name`'s sign-in popup (or sends the reserved window
 * there). Call it synchronously from a click handler (popup blockers), after
 * configurePopup, unless a window was reserved. Resolves with
 * `{authorizationCode, provider, redirectUri, state}` (POST /login's body);
 * rejects with a SignInError: not_ready, popup_blocked, popup_closed or one
 * of lib/popup-answer.js's codes.
 */
export function openPopup(owner, name) {
  if (!Object.hasOwn(PROVIDERS, name)) return Promise.reject(new SignInError('not_ready'));
  return owner.lookup(TORII).open(name);
}

/**
 * Puts `PopupClass` where torii looks for its popup window service (the
 * tests' fake provider window). It must have torii's `open(url, keys,
 * options)`, resolving with the query values of the URL the window came
 * back with, still URL-encoded, and `reserve()` / `release()`.
 */
export function replacePopupService(owner, PopupClass) {
  owner.unregister(POPUP);
  owner.register(POPUP, PopupClass);
  return owner.lookup(POPUP);
}

// ------------------------------------------------- initializers and shims

/** Registers this app's providers and popup service in place of torii's. */
export const edgeToriiInitializer = Object.freeze({
  name: 'edge-torii',
  after: 'torii',
  initialize(application) {
    for (const [name, Provider] of Object.entries(PROVIDERS)) {
      application.unregister(providerKey(name));
      application.register(providerKey(name), Provider);
    }
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
