import Route from '@ember/routing/route';
import { service } from '@ember/service';

export default class PrivateRoute extends Route {
  @service session;
  @service router;

  beforeModel(transition) {
    // Signing out: the session is still there until the server has been
    // told, but its pages are closed already.
    if (this.session.signingOut) {
      this.router.transitionTo('index');
      return;
    }
    this.session.requireAuthentication(transition, 'login');
  }
}
