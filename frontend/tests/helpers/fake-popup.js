import EmberObject from '@ember/object';
import { replacePopupService } from 'frontend/torii/adapter';

// Stands in for the popup window service (the Google window): records the
// authorization URL it was asked to open, and answers as Google would.
//
//   popup.answer = (url) => ({ code: 'abc', state: url.searchParams.get('state') });  // default
//   popup.answer = () => { throw new Error('remote could not open or was closed'); }
//   popup.answer = () => ({ error: 'access_denied', state: '…' });

export class FakePopupService extends EmberObject {
  opened = [];
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
