import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { tracked } from '@glimmer/tracking';
import { on } from '@ember/modifier';
import { waitForPromise } from '@ember/test-waiters';
import { me, providerLabel } from '../lib/api';
import { messageFor } from '../lib/messages';
import SessionsCard from './sessions-card';
import NotesCard from './notes-card';

export default class PrivatePage extends Component {
  @service session;
  @service authConfig;

  @tracked apiState = 'loading'; // 'loading' | 'ok' | 'error'
  @tracked apiAnswer = null;
  @tracked apiError = null;
  @tracked pictureFailed = false;

  constructor() {
    super(...arguments);
    // For the provider's name (an OIDC provider's is the server's OIDC_NAME).
    this.authConfig.load().catch(() => {});
    this.loadMe();
  }

  /** Which provider this session signed in with ("Google" when user_info does not say). */
  get providerName() {
    return providerLabel(this.user.provider, this.authConfig.current?.providers ?? []);
  }

  get user() {
    return this.session.user;
  }

  get displayName() {
    return (
      this.user.name ||
      [this.user.given_name, this.user.family_name].filter(Boolean).join(' ') ||
      this.user.login ||
      this.user.email ||
      'Signed-in user'
    );
  }

  get initials() {
    const source = this.displayName.trim();
    const parts = source.split(/\s+/).filter(Boolean);
    const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : source.slice(0, 1);
    return letters.toUpperCase();
  }

  get showPicture() {
    return typeof this.user.picture === 'string' && this.user.picture !== '' && !this.pictureFailed;
  }

  get apiJson() {
    return JSON.stringify(this.apiAnswer, null, 2);
  }

  get apiEmail() {
    return this.apiAnswer?.user_info?.email;
  }

  get apiErrorMessage() {
    return this.apiError ? messageFor(this.apiError) : null;
  }

  get sessionEnded() {
    return this.apiError?.status === 401;
  }

  @action
  loadMe() {
    this.apiState = 'loading';
    this.apiError = null;
    const token = this.session.authToken;
    return waitForPromise(
      me(token).then(
        (answer) => {
          if (this.isDestroying) return;
          this.apiAnswer = answer;
          this.apiState = 'ok';
        },
        (error) => {
          if (this.isDestroying || this.session.endIfRefused(error)) return;
          this.apiError = error;
          this.apiState = 'error';
        },
      ),
    );
  }

  @action
  onPictureError() {
    this.pictureFailed = true;
  }

  @action
  signInAgain() {
    this.session.signOut();
  }

  <template>
    <h1 id="private-heading" tabindex="-1">Your account</h1>
    {{! Nothing of the session once it is forgotten here, or being signed out,
        whatever is still on its way from the server. }}
    {{#if this.session.isSignedIn}}
      <section class="card profile" aria-label="Profile from your session">
        {{#if this.showPicture}}
          <img
            class="avatar"
            src={{this.user.picture}}
            alt=""
            width="72"
            height="72"
            referrerpolicy="no-referrer"
            data-test-picture
            {{on "error" this.onPictureError}}
          />
        {{else}}
          <span class="avatar avatar-initials" aria-hidden="true">{{this.initials}}</span>
        {{/if}}
        <dl class="facts">
          <dt>Name</dt>
          <dd data-test-user-name>{{this.displayName}}</dd>
          <dt>Email</dt>
          <dd data-test-user-email>{{this.user.email}}</dd>
          <dt>Signed in with</dt>
          <dd data-test-user-provider>{{this.providerName}}</dd>
        </dl>
      </section>

      <section class="card api" aria-labelledby="api-heading">
        <h2 id="api-heading">The API, with this session’s token</h2>
        <p class="hint"><code>GET /api/me</code> with <code>Authorization: Bearer …</code></p>
        {{#if (eq this.apiState "loading")}}
          <p role="status" data-test-api-loading><span class="spinner" aria-hidden="true"></span> Calling the API…</p>
        {{else if (eq this.apiState "ok")}}
          <p class="status status-in" data-test-api-ok>
            The API accepted the token and knows you as <strong>{{this.apiEmail}}</strong>.
          </p>
          <details>
            <summary>Show the API’s answer</summary>
            <pre data-test-api-answer>{{this.apiJson}}</pre>
          </details>
        {{else}}
          <div class="error" role="alert" data-test-api-error={{this.apiError.code}}>
            <p>{{this.apiErrorMessage}}</p>
            {{#if this.sessionEnded}}
              <button type="button" class="button" {{on "click" this.signInAgain}}>Sign in again</button>
            {{else}}
              <button type="button" class="button" {{on "click" this.loadMe}}>Try again</button>
            {{/if}}
          </div>
        {{/if}}
      </section>

      <NotesCard />
      <SessionsCard />
    {{else}}
      <section class="card" data-test-private-closed>
        <p class="status status-out">You are not signed in.</p>
      </section>
    {{/if}}
  </template>
}

function eq(a, b) {
  return a === b;
}
