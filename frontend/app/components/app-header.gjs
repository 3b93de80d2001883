import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { on } from '@ember/modifier';
import { LinkTo } from '@ember/routing';

export default class AppHeader extends Component {
  @service session;
  @service router;

  get onLoginPage() {
    return this.router.currentRouteName === 'login';
  }

  @action
  signOut() {
    // Forgets the token; ember-simple-auth then reloads the app at its root.
    this.session.invalidate();
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
            <span class="nav-user" data-test-nav-user>{{this.session.user.email}}</span>
            <button type="button" class="button button-quiet" data-test-sign-out {{on "click" this.signOut}}>
              Sign out
            </button>
          {{else unless this.onLoginPage}}
            <LinkTo @route="login" class="button button-quiet" data-test-nav-sign-in>Sign in</LinkTo>
          {{/if}}
        </div>
      </nav>
    </header>
  </template>
}
