import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { on } from '@ember/modifier';
import { LinkTo } from '@ember/routing';
import { tracked } from '@glimmer/tracking';
import { waitForPromise } from '@ember/test-waiters';

export default class AppHeader extends Component {
  @service session;
  @service router;

  get onLoginPage() {
    return this.router.currentRouteName === 'login';
  }

  @tracked signingOut = false;

  @action
  signOut() {
    if (this.signingOut) return;
    this.signingOut = true;
    // Tells the server (POST /logout), then forgets the token even if the
    // server could not be told; ember-simple-auth then reloads the app at
    // its root.
    return waitForPromise(
      this.session.signOut().finally(() => {
        if (!this.isDestroying) this.signingOut = false;
      }),
    );
  }

  <template>
    <header class="app-header">
      <nav class="app-nav" aria-label="Main">
        <LinkTo @route="index" class="brand">edge-login</LinkTo>
        <ul class="nav-links">
          <li><LinkTo @route="index">Home</LinkTo></li>
          <li><LinkTo @route="private">Private page</LinkTo></li>
        </ul>
        <div class="nav-session">
          {{#if this.session.isAuthenticated}}
            {{#if this.session.isSignedIn}}
              <span class="nav-user" data-test-nav-user>{{this.session.user.email}}</span>
            {{/if}}
            <button
              type="button"
              class="button button-quiet"
              aria-disabled={{if this.signingOut "true" "false"}}
              data-test-sign-out
              {{on "click" this.signOut}}
            >
              {{if this.signingOut "Signing out…" "Sign out"}}
            </button>
          {{else unless this.onLoginPage}}
            <LinkTo @route="login" class="button button-quiet" data-test-nav-sign-in>Sign in</LinkTo>
          {{/if}}
        </div>
      </nav>
    </header>
  </template>
}
