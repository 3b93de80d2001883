import Service from '@ember/service';
import { getAuthConfig } from '../lib/api';

/**
 * GET /auth/config, fetched once per load and shared: the sign-in button
 * needs the Google settings, the private page whether sessions can be listed
 * (`sessions`). A failed fetch is forgotten, so the next caller tries again.
 */
export default class AuthConfigService extends Service {
  #pending = null;

  load() {
    this.#pending ??= getAuthConfig().catch((error) => {
      this.#pending = null;
      throw error;
    });
    return this.#pending;
  }
}
