import Route from '@ember/routing/route';
import { service } from '@ember/service';

export default class LoginRoute extends Route {
  @service session;
  @service signIn;

  beforeModel() {
    this.session.prohibitAuthentication('private');
  }

  activate() {
    this.signIn.ensurePrepared();
  }
}
