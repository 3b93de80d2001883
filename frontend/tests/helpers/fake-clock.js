import { NOW } from './fake-api';

// Takes over the clock service (app/services/clock.js): `now` is fixed at
// fake-api's NOW, and timers wait until the test fires them.
//
//   const clock = installFakeClock(this.owner);
//   clock.pending        // [{ ms }]  the timers set and not yet fired or cancelled
//   await clock.fireNext()   // runs the oldest one, then settles

export function installFakeClock(owner) {
  const clock = owner.lookup('service:clock');
  clock.nowMs = NOW * 1000;
  const timers = [];
  clock.later = (fn, ms) => {
    const timer = { fn, ms, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  return {
    service: clock,
    get pending() {
      return timers.filter((t) => !t.cancelled && !t.fired);
    },
    fireNext() {
      const timer = this.pending[0];
      if (!timer) throw new Error('no timer is pending');
      timer.fired = true;
      timer.fn();
    },
    advance(seconds) {
      clock.nowMs += seconds * 1000;
    },
  };
}
