// Shared by the loopback stand-ins (tests/mock-oidc, tests/mock-github):
// listening on a port, keeping the open sockets (so that stopping drops
// keep-alive connections at once instead of waiting for them to idle out),
// and running a stand-in as a script.

import { fileURLToPath } from 'node:url';

/** The sockets `server` has open, kept up to date as they close. */
export function trackSockets(server) {
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** Resolves once `server` listens on host:port (0: any free port); rejects on a listen error. */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Runs `main` when the module at `moduleUrl` is the script node was started with. */
export function runIfScript(moduleUrl, main) {
  if (process.argv[1] && fileURLToPath(moduleUrl) === process.argv[1]) {
    main().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  }
}

/** Stops `mock` and exits on SIGINT or SIGTERM. */
export function stopOnSignals(mock) {
  const shutdown = async () => {
    await mock.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
