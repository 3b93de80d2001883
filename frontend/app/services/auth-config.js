import Service from '@ember/service';
import { tracked } from '@glimmer/tracking';
import { getAuthConfig } from '../lib/api';

/**
 * GET /auth/config, fetched once per load and shared: the sign-in buttons
 * need the providers, the private page whether sessions can be listed
 * (`sessions`), whether the app's backend is there (`backend`) and the
 * provider names. A failed fetch is forgotten, so the next caller tries
 * again.
 */
export default class AuthConfigService extends Service {
  /** The config once loaded (templates read it), else null. */
  @tracked current = null;

  #pending = null;

  load() {
    this.#pending ??= getAuthConfig().then(
      (config) => {
        if (!this.isDestroying) this.current = config;
        return config;
      },
      (error) => {
        this.#pending = null;
        throw error;
      },
    );
    return this.#pending;
  }
}
