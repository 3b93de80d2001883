// "2 minutes ago" and friends, from epoch seconds and a `now` the caller
// passes (services/clock.js in the app, a fixed instant in tests).

const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * How long ago `epochSeconds` was, as of `nowMs` (milliseconds):
 * "just now" under a minute (or a little in the future: clocks differ),
 * then "1 minute ago", "2 hours ago", "yesterday", "3 weeks ago"...
 */
export function timeAgo(epochSeconds, nowMs) {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds)) return 'at an unknown time';
  const seconds = Math.floor(nowMs / 1000 - epochSeconds);
  if (seconds < 60) return 'just now';
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
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
