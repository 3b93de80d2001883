import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { on } from '@ember/modifier';
import GoogleLogo from './google-logo';
import { signedOutMessage } from '../lib/messages';

export default class LoginPanel extends Component {
  @service signIn;
  @service session;

  get signedOutNotice() {
    const reason = this.session.signedOutBecause;
    return reason ? signedOutMessage(reason) : null;
  }

  get statusText() {
    switch (this.signIn.status) {
      case 'preparing':
        return 'Getting ready…';
      case 'busy':
        return 'Finish signing in in the Google window.';
      case 'ready':
        return 'Opens a Google window to sign in.';
      default:
        return '';
    }
  }

  get isUnavailable() {
    return this.signIn.status === 'unavailable';
  }

  get ariaDisabled() {
    return this.signIn.isReady ? 'false' : 'true';
  }

  // Runs synchronously from the click: the popup opens before anything is
  // awaited, so popup blockers let it through.
  @action
  start(event) {
    event.preventDefault();
    this.signIn.signIn();
  }

  @action
  retry() {
    this.signIn.retry();
  }

  <template>
    <section class="card login" aria-labelledby="login-heading">
      <h1 id="login-heading" tabindex="-1">Sign in</h1>
      <p>Use your Google account to sign in. Google asks you to confirm, then brings you back here.</p>

      {{#if this.signedOutNotice}}
        {{#unless this.signIn.errorMessage}}
          <p class="notice" role="status" data-test-restore-notice data-test-signed-out-notice={{this.session.signedOutBecause.code}}>
            {{this.signedOutNotice}}
          </p>
        {{/unless}}
      {{/if}}

      <button
        type="button"
        class="google-button"
        aria-disabled={{this.ariaDisabled}}
        aria-busy={{if this.signIn.isBusy "true" "false"}}
        aria-describedby="login-status"
        data-test-sign-in
        {{on "click" this.start}}
      >
        <GoogleLogo />
        <span>Sign in with Google</span>
      </button>
      <p id="login-status" class="hint" aria-live="polite" data-test-sign-in-status={{this.signIn.status}}>
        {{#if this.signIn.isBusy}}<span class="spinner" aria-hidden="true"></span>{{/if}}
        {{this.statusText}}
      </p>

      {{#if this.signIn.errorMessage}}
        <div class="error" role="alert" data-test-error={{this.signIn.errorCode}}>
          <p>{{this.signIn.errorMessage}}</p>
          {{#if this.isUnavailable}}
            <button type="button" class="button" data-test-retry {{on "click" this.retry}}>Try again</button>
          {{/if}}
        </div>
      {{/if}}
    </section>
  </template>
}
