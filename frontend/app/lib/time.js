// "2 minutes ago" and friends, from epoch seconds and a `now` the caller
// passes (services/clock.js in the app, a fixed instant in tests).

// [unit, its length in seconds, counted in it from this many seconds on]
const UNITS = [
  ['year', 365 * 86400, 365 * 86400],
  ['month', 30 * 86400, 60 * 86400],
  ['week', 7 * 86400, 14 * 86400],
  ['day', 86400, 86400],
  ['hour', 3600, 3600],
  ['minute', 60, 60],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const relativeDays = new Intl.RelativeTimeFormat('en', { numeric: 'auto' }); // "yesterday"

/**
 * How long ago `epochSeconds` was, as of `nowMs` (milliseconds):
 * "just now" under a minute (or a little in the future: clocks differ),
 * then "1 minute ago", "2 hours ago", "yesterday", "9 days ago",
 * "3 weeks ago", "4 months ago", "1 year ago".
 */
export function timeAgo(epochSeconds, nowMs) {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) return 'at an unknown time';
  const seconds = Math.floor(nowMs / 1000 - epochSeconds);
  for (const [unit, size, from] of UNITS) {
    if (seconds >= from) return (unit === 'day' ? relativeDays : relative).format(-Math.floor(seconds / size), unit);
  }
  return 'just now';
}

const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** The exact instant, for a tooltip or a `<time>` element: "Dec 2, 2026, 5:40 AM". */
export function formatInstant(epochSeconds) {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) return '';
  return absolute.format(new Date(epochSeconds * 1000));
}

/** An ISO 8601 string for `<time datetime>`. */
export function isoInstant(epochSeconds) {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) return '';
  return new Date(epochSeconds * 1000).toISOString();
}
