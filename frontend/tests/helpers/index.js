import {
  setupApplicationTest as upstreamSetupApplicationTest,
  setupTest as upstreamSetupTest,
} from 'ember-qunit';
import { installFakeApi } from './fake-api';
import { installFakePopup } from './fake-popup';
import { installFakeClock } from './fake-clock';
import { NOTICE_KEY } from 'frontend/services/session';

// The "why you were signed out" notice lives in sessionStorage (it survives
// the reload after signing out): no test may see another's.
function forgetNotices(hooks) {
  const clear = () => window.sessionStorage.removeItem(NOTICE_KEY);
  hooks.beforeEach(clear);
  hooks.afterEach(clear);
}

/**
 * Application tests run the whole app against a fake Worker (window.fetch)
 * and a fake Google popup (the popup window service): `this.api`,
 * `this.popup`, and a clock whose time and timers the test controls:
 * `this.clock`.
 */
export function setupApplicationTest(hooks, options) {
  upstreamSetupApplicationTest(hooks, options);
  forgetNotices(hooks);
  installFakeApi(hooks);
  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
    this.clock = installFakeClock(this.owner);
  });
}

export function setupTest(hooks, options) {
  upstreamSetupTest(hooks, options);
  forgetNotices(hooks);
}

export { installFakeApi, installFakePopup, installFakeClock };
