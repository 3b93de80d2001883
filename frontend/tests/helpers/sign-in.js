import { visit, click, settled } from '@ember/test-helpers';

/** Signs in the way a user does: the login page's button, the (fake) popup, settled. */
export async function signIn() {
  await visit('/login');
  await click('[data-test-sign-in]');
  await settled();
}

/** The app's session service (ember-simple-auth's, extended). */
export function session(owner) {
  return owner.lookup('service:session');
}
