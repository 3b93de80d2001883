import { module, test } from 'qunit';
import { formatInstant, isoInstant, timeAgo } from 'frontend/lib/time';

const NOW_S = 1_796_000_000;
const NOW_MS = NOW_S * 1000;

module('Unit | lib | time', function () {
  test('timeAgo counts back from the `now` it is given', function (assert) {
    const cases = [
      [0, 'just now'],
      [59, 'just now'],
      [-30, 'just now'], // a server clock a little ahead
      [60, '1 minute ago'],
      [120, '2 minutes ago'],
      [59 * 60 + 59, '59 minutes ago'],
      [3600, '1 hour ago'],
      [5 * 3600, '5 hours ago'],
      [86400, 'yesterday'],
      [2 * 86400 - 1, 'yesterday'],
      [3 * 86400, '3 days ago'],
      [13 * 86400, '13 days ago'],
      [14 * 86400, '2 weeks ago'],
      [59 * 86400, '8 weeks ago'],
      [60 * 86400, '2 months ago'],
      [364 * 86400, '12 months ago'],
      [365 * 86400, '1 year ago'],
      [3 * 365 * 86400, '3 years ago'],
    ];
    for (const [ago, expected] of cases) {
      assert.strictEqual(timeAgo(NOW_S - ago, NOW_MS), expected, `${ago} s ago`);
    }
  });

  test('a missing time says so', function (assert) {
    assert.strictEqual(timeAgo(null, NOW_MS), 'at an unknown time');
    assert.strictEqual(timeAgo(Number.NaN, NOW_MS), 'at an unknown time');
    assert.strictEqual(formatInstant(null), '');
    assert.strictEqual(isoInstant(undefined), '');
  });

  test('the exact instant, for the tooltip and <time datetime>', function (assert) {
    assert.strictEqual(isoInstant(NOW_S), new Date(NOW_MS).toISOString());
    assert.ok(formatInstant(NOW_S).includes('2026'), formatInstant(NOW_S));
  });
});
