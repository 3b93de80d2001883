import SessionService from 'ember-simple-auth/services/session';
import LocalStorageStore from 'ember-simple-auth/session-stores/local-storage';
import EphemeralStore from 'ember-simple-auth/session-stores/ephemeral';
import { isTesting } from '@embroider/macros';
import { tracked } from '@glimmer/tracking';
import TokenAuthenticator from '../authenticators/token';

export default class Session extends SessionService {
  /** Why the stored session could not be restored (an ApiError), if it was not. */
  @tracked restoreFailure = null;

  createSessionStore(owner) {
    if (isTesting()) return new EphemeralStore(owner);
    // localStorage: shared by the app's tabs, so signing in or out in one
    // tab does so in all of them (see SECURITY.md for what that costs).
    return new LocalStorageStore(owner);
  }

  createAuthenticators(owner) {
    const token = new TokenAuthenticator(owner);
    token.onRestoreFailure = (error) => {
      this.restoreFailure = error;
    };
    return [token];
  }

  handleAuthentication(routeAfterAuthentication) {
    this.restoreFailure = null;
    super.handleAuthentication(routeAfterAuthentication);
  }

  get authToken() {
    return this.data?.authenticated?.auth_token ?? null;
  }

  get user() {
    return this.data?.authenticated?.user_info ?? {};
  }
}
