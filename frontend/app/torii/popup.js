import PopupService from 'torii/services/popup';

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

export default PopupService.extend({
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
