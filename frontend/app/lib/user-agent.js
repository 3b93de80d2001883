// A session's device in words ("Firefox on Windows") from the User-Agent the
// server stored when it signed in. A few lines instead of a parser package:
// only the browser's and the system's names are shown, never the raw string
// (it is whatever the signing-in client chose to send).

// Order matters: Edge, Opera and Samsung Internet also say "Chrome", Chrome
// also says "Safari", and iOS browsers name themselves with their own tokens.
const BROWSERS = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera|OPiOS)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Headless Chrome'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\b(iPhone|iPad|iPod)\b.*\bAppleWebKit\//, 'Safari'],
];

const SYSTEMS = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\b(Linux|X11)\b/, 'Linux'],
];

function find(table, ua) {
  for (const [pattern, name] of table) if (pattern.test(ua)) return name;
  return null;
}

/** `{browser, os}`, each a name or null when it cannot be told. */
export function parseUserAgent(userAgent) {
  const ua = typeof userAgent === 'string' ? userAgent : '';
  return { browser: find(BROWSERS, ua), os: find(SYSTEMS, ua) };
}

/** "Firefox on Windows", "Firefox", "A browser on Linux", "Unknown device". */
export function describeDevice(userAgent) {
  const { browser, os } = parseUserAgent(userAgent);
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `A browser on ${os}`;
  return 'Unknown device';
}
