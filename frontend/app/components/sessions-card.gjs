import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { tracked } from '@glimmer/tracking';
import { on } from '@ember/modifier';
import { fn } from '@ember/helper';
import { waitForPromise } from '@ember/test-waiters';
import { endAllSessions, endSession, listSessions } from '../lib/api';
import { messageFor } from '../lib/messages';
import { describeDevice } from '../lib/user-agent';
import { formatInstant, isoInstant, timeAgo } from '../lib/time';

/**
 * "Where you're signed in": the user's live sessions (GET /auth/sessions),
 * each as browser and OS, when it started and when it was last active, with
 * "This device" on the current one, "Sign out" on each other one
 * (DELETE /auth/sessions/{id}) and "Sign out everywhere"
 * (DELETE /auth/sessions). Shown only when GET /auth/config says
 * `"sessions": true`.
 */
export default class SessionsCard extends Component {
  @service session;
  @service authConfig;
  @service clock;

  /** 'loading' | 'off' | 'ok' | 'error' */
  @tracked state = 'loading';
  @tracked sessions = [];
  @tracked error = null;
  /** A sentence about the last action ("That session had already ended."). */
  @tracked status = null;
  /** The id being ended, or 'all'. */
  @tracked ending = null;

  constructor() {
    super(...arguments);
    this.clock.startTicking();
    this.load();
  }

  get rows() {
    const now = this.clock.nowMs;
    return this.sessions.map((s) => {
      const device = describeDevice(s.userAgent);
      return {
        id: s.id,
        device,
        current: s.current,
        started: timeAgo(s.createdAt, now),
        startedAt: formatInstant(s.createdAt),
        startedIso: isoInstant(s.createdAt),
        lastActive: timeAgo(s.lastSeenAt, now),
        lastActiveAt: formatInstant(s.lastSeenAt),
        lastActiveIso: isoInstant(s.lastSeenAt),
        ending: this.ending === s.id,
        label: `Sign out ${device}, last active ${timeAgo(s.lastSeenAt, now)}`,
      };
    });
  }

  get errorMessage() {
    return this.error ? messageFor(this.error) : null;
  }

  get isBusy() {
    return this.ending !== null;
  }

  @action
  load() {
    return waitForPromise(this.#load());
  }

  async #load() {
    if (this.state !== 'ok') this.state = 'loading';
    this.error = null;
    try {
      const config = await this.authConfig.load();
      if (this.isDestroying) return;
      if (!config.sessions) {
        this.state = 'off';
        return;
      }
      const sessions = await listSessions(this.session.authToken);
      if (this.isDestroying) return;
      this.sessions = sessions;
      this.state = 'ok';
    } catch (error) {
      if (this.isDestroying || this.session.endIfRefused(error)) return;
      this.error = error;
      this.state = 'error';
    }
  }

  @action
  end(id) {
    if (this.isBusy) return;
    return waitForPromise(this.#end(id));
  }

  async #end(id) {
    this.ending = id;
    this.status = null;
    this.error = null;
    try {
      await endSession(this.session.authToken, id);
      if (this.isDestroying) return;
      this.sessions = this.sessions.filter((s) => s.id !== id);
      this.status = 'Signed out of that device.';
    } catch (error) {
      if (this.isDestroying || this.session.endIfRefused(error)) return;
      if (error?.code !== 'not_found') {
        // Nothing is known to have ended: the row stays, with the reason.
        this.error = error;
        return;
      }
      // Ended meanwhile (by that device, or it expired): the list was stale.
      this.sessions = this.sessions.filter((s) => s.id !== id);
      this.status = 'That session had already ended.';
    } finally {
      if (!this.isDestroying) this.ending = null;
    }
    // The list as the server has it now (other sessions may have come or gone).
    await this.#load();
  }

  @action
  endAll() {
    if (this.isBusy) return;
    return waitForPromise(this.#endAll());
  }

  async #endAll() {
    this.ending = 'all';
    this.status = null;
    this.error = null;
    try {
      await endAllSessions(this.session.authToken);
      // This device's session ended too: forget it here (without /logout).
      await this.session.signedOutEverywhere();
    } catch (error) {
      if (this.isDestroying || this.session.endIfRefused(error)) return;
      this.error = error;
    } finally {
      if (!this.isDestroying) this.ending = null;
    }
  }

  <template>
    {{#unless (eq this.state "off")}}
      <section class="card sessions" aria-labelledby="sessions-heading" data-test-sessions-card>
        <h2 id="sessions-heading">Where you’re signed in</h2>
        {{#if (eq this.state "loading")}}
          <p role="status" data-test-sessions-loading><span class="spinner" aria-hidden="true"></span> Loading your sessions…</p>
        {{else}}
          {{#if (eq this.state "ok")}}
            <ul class="session-list" data-test-session-list>
              {{#each this.rows as |row|}}
                <li class="session" data-test-session={{row.id}} data-test-session-current={{if row.current "true" "false"}}>
                  <div class="session-what">
                    <span class="session-device" data-test-session-device>{{row.device}}</span>
                    {{#if row.current}}
                      <span class="badge" data-test-this-device>This device</span>
                    {{/if}}
                  </div>
                  <div class="session-when">
                    Signed in
                    <time datetime={{row.startedIso}} title={{row.startedAt}} data-test-session-started>{{row.started}}</time>
                    · last active
                    <time datetime={{row.lastActiveIso}} title={{row.lastActiveAt}} data-test-session-last-active>{{row.lastActive}}</time>
                  </div>
                  {{#unless row.current}}
                    <button
                      type="button"
                      class="button button-quiet session-end"
                      aria-label={{row.label}}
                      aria-disabled={{if this.isBusy "true" "false"}}
                      data-test-end-session={{row.id}}
                      {{on "click" (fn this.end row.id)}}
                    >
                      {{if row.ending "Signing out…" "Sign out"}}
                    </button>
                  {{/unless}}
                </li>
              {{/each}}
            </ul>
          {{/if}}

          {{#if this.status}}
            <p class="notice" role="status" data-test-sessions-status>{{this.status}}</p>
          {{/if}}
          {{#if this.error}}
            <div class="error" role="alert" data-test-sessions-error={{this.error.code}}>
              <p>{{this.errorMessage}}</p>
              <button type="button" class="button" data-test-sessions-retry {{on "click" this.load}}>Try again</button>
            </div>
          {{/if}}

          {{#if (eq this.state "ok")}}
            <div class="sessions-all">
              <button
                type="button"
                class="button"
                aria-disabled={{if this.isBusy "true" "false"}}
                aria-describedby="sessions-all-hint"
                data-test-sign-out-everywhere
                {{on "click" this.endAll}}
              >
                {{if (eq this.ending "all") "Signing out everywhere…" "Sign out everywhere"}}
              </button>
              <p id="sessions-all-hint" class="hint">Ends every session listed here, this device’s included.</p>
            </div>
          {{/if}}
        {{/if}}
      </section>
    {{/unless}}
  </template>
}

function eq(a, b) {
  return a === b;
}
