import Route from '@ember/routing/route';
import { service } from '@ember/service';

export default class LoginRoute extends Route {
  @service session;
  @service signIn;
  @service router;

  beforeModel() {
    // No signing in again before signing out has finished.
    if (this.session.signingOut) {
      this.router.transitionTo('index');
      return;
    }
    this.session.prohibitAuthentication('private');
  }

  activate() {
    this.signIn.ensurePrepared();
  }
}
