import {
  setupApplicationTest as upstreamSetupApplicationTest,
  setupTest as upstreamSetupTest,
} from 'ember-qunit';
import { installFakeApi } from './fake-api';
import { installFakePopup } from './fake-popup';

/**
 * Application tests run the whole app against a fake Worker (window.fetch)
 * and a fake Google popup (the popup window service): `this.api`, `this.popup`.
 */
export function setupApplicationTest(hooks, options) {
  upstreamSetupApplicationTest(hooks, options);
  installFakeApi(hooks);
  hooks.beforeEach(function () {
    this.popup = installFakePopup(this.owner);
  });
}

export function setupTest(hooks, options) {
  upstreamSetupTest(hooks, options);
}

export { installFakeApi, installFakePopup };
