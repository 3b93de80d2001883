'use strict';

// `npm test`: builds the test bundle, then runs it headless in Debian's
// Chromium (CHROME_BIN overrides the path) and exits non-zero on a failure.
module.exports = {
  test_page: 'tests/index.html?hidepassed',
  cwd: 'dist-tests',
  disable_watching: true,
  launch_in_ci: ['Chromium'],
  launch_in_dev: ['Chromium'],
  browser_start_timeout: 120,
  browser_disconnect_timeout: 120,
  browser_paths: {
    Chromium: process.env.CHROME_BIN || '/usr/bin/chromium',
  },
  browser_args: {
    Chromium: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--mute-audio',
      '--remote-debugging-port=0',
      '--window-size=1280,900',
    ],
  },
};
