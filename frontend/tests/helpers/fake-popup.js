import EmberObject from '@ember/object';
import { replacePopupService } from 'frontend/torii/adapter';

// Stands in for the popup window service (the provider's window): records
// the authorization URL it was asked to open, and answers as the provider
// would.
//
//   popup.answer = (url) => ({ code: 'abc', state: url.searchParams.get('state') });  // default
//   popup.answer = () => { throw new Error('remote could not open or was closed'); }
//   popup.answer = () => ({ error: 'access_denied', state: '…' });

export class FakePopupService extends EmberObject {
  opened = [];
  /** Windows reserved by a click before their URL was known (`open` then fills them). */
  reserved = 0;
  released = 0;
  /** `reserve()` answers this: false is a popup blocker refusing the empty window. */
  canReserve = true;

  reserve() {
    if (!this.canReserve) return false;
    this.reserved += 1;
    return true;
  }

  release() {
    this.released += 1;
  }

  answer = (url) => ({ code: 'auth-code/1', state: url.searchParams.get('state') });

  open(url, keys, options) {
    const parsed = new URL(url);
    this.opened.push({ url: parsed, keys, options });
    try {
      const answer = this.answer(parsed);
      // torii hands the provider the raw (still URL-encoded) query values.
      const raw = {};
      for (const [k, v] of Object.entries(answer)) raw[k] = encodeURIComponent(v);
      return Promise.resolve(raw);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

export function installFakePopup(owner) {
  return replacePopupService(owner, FakePopupService);
}
