import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { on } from '@ember/modifier';
import { fn } from '@ember/helper';
import ProviderLogo from './provider-logo';
import { signedOutMessage } from '../lib/messages';

export default class LoginPanel extends Component {
  @service signIn;
  @service session;

  get signedOutNotice() {
    const reason = this.session.signedOutBecause;
    return reason ? signedOutMessage(reason) : null;
  }

  /** One button per provider of /auth/config, in its order (none before it answers). */
  get providers() {
    return this.signIn.providers;
  }

  get many() {
    return this.providers.length > 1;
  }

  get intro() {
    if (this.many) return 'Choose how to sign in. The provider asks you to confirm, then brings you back here.';
    const label = this.providers[0]?.label;
    if (!label) return 'Sign in to see your private page.';
    return `Use your ${label} account to sign in. ${label} asks you to confirm, then brings you back here.`;
  }

  get statusText() {
    switch (this.signIn.status) {
      case 'preparing':
        return 'Getting ready…';
      case 'busy':
        return `Finish signing in in the ${this.signIn.labelOf(this.signIn.attemptProvider)} window.`;
      case 'ready':
        return this.many ? 'Each button opens that provider’s window to sign in.' : `Opens a ${this.providers[0]?.label} window to sign in.`;
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
  start(name, event) {
    event.preventDefault();
    this.signIn.signIn(name);
  }

  @action
  retry() {
    this.signIn.retry();
  }

  <template>
    <section class="card login" aria-labelledby="login-heading">
      <h1 id="login-heading" tabindex="-1">Sign in</h1>
      <p data-test-sign-in-intro>{{this.intro}}</p>

      {{#if this.signedOutNotice}}
        {{#unless this.signIn.errorMessage}}
          <p class="notice" role="status" data-test-restore-notice data-test-signed-out-notice={{this.session.signedOutBecause.code}}>
            {{this.signedOutNotice}}
          </p>
        {{/unless}}
      {{/if}}

      <ul class="provider-buttons">
        {{#each this.providers as |provider|}}
          <li>
            <button
              type="button"
              class="provider-button provider-{{provider.name}}"
              aria-disabled={{this.ariaDisabled}}
              aria-busy={{if this.signIn.isBusy "true" "false"}}
              aria-describedby="login-status"
              data-test-sign-in={{provider.name}}
              {{on "click" (fn this.start provider.name)}}
            >
              <ProviderLogo @name={{provider.name}} />
              <span>Sign in with {{provider.label}}</span>
            </button>
          </li>
        {{/each}}
      </ul>
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
