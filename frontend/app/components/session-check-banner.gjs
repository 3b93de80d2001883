import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { on } from '@ember/modifier';
import { checkFailureMessage } from '../lib/messages';

// Shown while the stored session is kept without having been checked: the
// server's session store (or the server) did not answer POST /reauth. The
// session service checks again with a growing delay; never a sign-out.
export default class SessionCheckBanner extends Component {
  @service session;

  get message() {
    return checkFailureMessage(this.session.checkFailure, this.session.nextCheckInMs);
  }

  @action
  checkNow() {
    this.session.checkNow();
  }

  <template>
    {{#if this.session.checkFailure}}
      <div class="banner" role="status" data-test-session-check={{this.session.checkFailure.code}}>
        <p>{{this.message}}</p>
        <button type="button" class="button button-quiet" data-test-check-now {{on "click" this.checkNow}}>Check now</button>
      </div>
    {{/if}}
  </template>
}
