import Component from '@glimmer/component';
import { service } from '@ember/service';
import { action } from '@ember/object';
import { tracked } from '@glimmer/tracking';
import { on } from '@ember/modifier';
import { fn } from '@ember/helper';
import { waitForPromise } from '@ember/test-waiters';
import { addNote, deleteNote, listNotes } from '../lib/api';
import { messageFor } from '../lib/messages';

// What the notes API of examples/flask-api/ takes; a longer note is refused
// here, before the round trip.
export const MAX_NOTE_LENGTH = 1000;

/**
 * "Your notes": the app's own backend, reached through the Worker
 * (CONTRACT.md "The app's backend"): GET /api/notes, POST /api/notes
 * `{text}`, DELETE /api/notes/{id}, each with the session's bearer token.
 * Shown only when GET /auth/config says `"backend": true`. A call the Worker
 * refuses because the session is over (401 session_ended, 403
 * access_denied) signs this device out, as every other call does.
 */
export default class NotesCard extends Component {
  @service session;
  @service authConfig;

  /** 'loading' | 'off' | 'ok' | 'error' */
  @tracked state = 'loading';
  @tracked notes = [];
  @tracked error = null;
  @tracked draft = '';
  @tracked adding = false;
  /** The id being deleted, or null. */
  @tracked deleting = null;

  constructor() {
    super(...arguments);
    this.load();
  }

  get errorMessage() {
    if (!this.error) return null;
    // The Worker's 502 here is about the app's backend, not the sign-in provider.
    if (this.error.code === 'upstream_error') {
      return 'The app’s backend cannot be reached right now. Please try again in a few minutes.';
    }
    return messageFor(this.error);
  }

  get canAdd() {
    const text = this.draft.trim();
    return !this.adding && text !== '' && text.length <= MAX_NOTE_LENGTH;
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
      if (!config.backend) {
        this.state = 'off';
        return;
      }
      const notes = await listNotes(this.session.authToken);
      if (this.isDestroying) return;
      this.notes = notes;
      this.state = 'ok';
    } catch (error) {
      this.#failed(error);
      if (!this.isDestroying && this.state !== 'ok') this.state = 'error';
    }
  }

  @action
  edit(event) {
    this.draft = event.target.value;
  }

  @action
  add(event) {
    event.preventDefault();
    if (!this.canAdd) return;
    return waitForPromise(this.#add(this.draft.trim()));
  }

  async #add(text) {
    this.adding = true;
    this.error = null;
    try {
      const note = await addNote(this.session.authToken, text);
      if (this.isDestroying) return;
      this.notes = [...this.notes, note];
      this.draft = '';
    } catch (error) {
      this.#failed(error);
    } finally {
      if (!this.isDestroying) this.adding = false;
    }
  }

  @action
  remove(id) {
    if (this.deleting !== null) return;
    return waitForPromise(this.#remove(id));
  }

  async #remove(id) {
    this.deleting = id;
    this.error = null;
    try {
      await deleteNote(this.session.authToken, id);
      if (this.isDestroying) return;
      this.notes = this.notes.filter((n) => n.id !== id);
    } catch (error) {
      if (error?.code === 'not_found' && !this.isDestroying) {
        // Gone already (deleted from another device): the list was stale.
        this.notes = this.notes.filter((n) => n.id !== id);
        return;
      }
      this.#failed(error);
    } finally {
      if (!this.isDestroying) this.deleting = null;
    }
  }

  #failed(error) {
    if (this.isDestroying || this.session.endIfRefused(error)) return;
    this.error = error;
  }

  <template>
    {{#unless (eq this.state "off")}}
      <section class="card notes" aria-labelledby="notes-heading" data-test-notes-card>
        <h2 id="notes-heading">Your notes</h2>
        <p class="hint">Kept by the app’s own API (<code>/api/notes</code>), reached through the Worker with this session.</p>
        {{#if (eq this.state "loading")}}
          <p role="status" data-test-notes-loading><span class="spinner" aria-hidden="true"></span> Loading your notes…</p>
        {{else if (eq this.state "ok")}}
          {{#if this.notes.length}}
            <ul class="note-list" data-test-note-list>
              {{#each this.notes as |note|}}
                <li class="note" data-test-note={{note.id}}>
                  <span class="note-text" data-test-note-text>{{note.text}}</span>
                  <button
                    type="button"
                    class="button button-quiet"
                    aria-label="Delete note: {{note.text}}"
                    aria-disabled={{if this.deleting "true" "false"}}
                    data-test-delete-note={{note.id}}
                    {{on "click" (fn this.remove note.id)}}
                  >
                    {{if (eq this.deleting note.id) "Deleting…" "Delete"}}
                  </button>
                </li>
              {{/each}}
            </ul>
          {{else}}
            <p class="hint" data-test-notes-empty>No notes yet.</p>
          {{/if}}
          <form class="note-form" data-test-note-form {{on "submit" this.add}}>
            <label for="note-text">New note</label>
            <input
              id="note-text"
              type="text"
              autocomplete="off"
              maxlength={{MAX_NOTE_LENGTH}}
              value={{this.draft}}
              data-test-note-input
              {{on "input" this.edit}}
            />
            <button type="submit" class="button" aria-disabled={{if this.canAdd "false" "true"}} data-test-add-note>
              {{if this.adding "Adding…" "Add"}}
            </button>
          </form>
        {{/if}}
        {{#if this.error}}
          <div class="error" role="alert" data-test-notes-error={{this.error.code}}>
            <p>{{this.errorMessage}}</p>
            {{#unless (eq this.state "ok")}}
              <button type="button" class="button" data-test-notes-retry {{on "click" this.load}}>Try again</button>
            {{/unless}}
          </div>
        {{/if}}
      </section>
    {{/unless}}
  </template>
}

function eq(a, b) {
  return a === b;
}
