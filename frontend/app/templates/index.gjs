import { pageTitle } from 'ember-page-title';
import { LinkTo } from '@ember/routing';
import { service } from '@ember/service';
import Component from '@glimmer/component';
import { signedOutMessage } from '../lib/messages';

export default class IndexPage extends Component {
  @service session;

  get signedOutNotice() {
    const reason = this.session.signedOutBecause;
    return reason ? signedOutMessage(reason) : null;
  }

  get name() {
    const user = this.session.user;
    return user.name || user.given_name || user.email;
  }

  <template>
    {{pageTitle "Home"}}
    <section class="card" aria-labelledby="index-heading">
      <h1 id="index-heading" tabindex="-1">Welcome</h1>
      {{#if this.session.isSignedIn}}
        <p class="status status-in" data-test-signed-in>
          You are signed in as <strong>{{this.name}}</strong>
          {{#if this.session.user.email}}({{this.session.user.email}}){{/if}}.
        </p>
        <p><LinkTo @route="private" class="button">Go to your private page</LinkTo></p>
      {{else if this.session.signingOut}}
        <p class="status" role="status" data-test-signing-out>Signing out…</p>
      {{else}}
        <p class="status status-out" data-test-signed-out>You are not signed in.</p>
        {{#if this.signedOutNotice}}
          <p class="notice" role="status" data-test-signed-out-notice={{this.session.signedOutBecause.code}}>
            {{this.signedOutNotice}}
          </p>
        {{/if}}
        <p>Sign in to see your private page.</p>
        <p><LinkTo @route="login" class="button">Sign in</LinkTo></p>
      {{/if}}
    </section>
  </template>
}
