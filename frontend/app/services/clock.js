import Service from '@ember/service';
import { tracked } from '@glimmer/tracking';
import { isTesting } from '@embroider/macros';

// Every timer and every "now" of the app's own logic goes through here, so
// tests set the time and fire the timers themselves instead of sleeping.

const TICK_MS = 30_000;

export default class ClockService extends Service {
  /** Milliseconds since the epoch; re-read by templates ("2 minutes ago"). */
  @tracked nowMs = Date.now();

  #ticker = null;

  /** Keeps `nowMs` current while something shows relative times. */
  startTicking() {
    if (this.#ticker || isTesting()) return;
    this.#ticker = window.setInterval(() => (this.nowMs = Date.now()), TICK_MS);
  }

  /** Runs `fn` after `ms`; returns a function that cancels it. */
  later(fn, ms) {
    const id = window.setTimeout(fn, ms);
    return () => window.clearTimeout(id);
  }

  willDestroy() {
    super.willDestroy(...arguments);
    if (this.#ticker) window.clearInterval(this.#ticker);
  }
}
