// A test entry for `wrangler dev`: the Worker as it is (src/edge/entry.mjs),
// plus `FlakyStore`, the real session store (the same class, the same SQLite
// storage) whose `call` can be told to throw, or to never answer, so that an
// end-to-end run meets a failing store and then the same store working again,
// its sessions intact. The tests bind SESSIONS to it (startStack's
// `sessionsClass`) and switch it with POST /auth/__test/store-mode
// {"mode": "throw" | "hang" | "ok"}, a path this entry answers itself; the
// Worker and its objects share one isolate under `wrangler dev`, so one
// global holds the mode. Never deployed: only the tests name this file.
import { WorkerEntrypoint } from 'cloudflare:workers';
import Worker, { SessionStore } from '../../src/edge/entry.mjs';

export { SessionStore };

const MODE_PATH = '/auth/__test/store-mode';
globalThis.flakyStoreMode ??= 'ok';

export class FlakyStore extends SessionStore {
  call(bytes) {
    switch (globalThis.flakyStoreMode) {
      case 'throw':
        throw new Error('the session store is down (test)');
      case 'hang':
        return new Promise(() => {});
      default:
        return super.call(bytes);
    }
  }
}

// worker-build's default export is a WorkerEntrypoint class: this one
// answers the mode switch and hands every other request to it.
export default class extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === MODE_PATH && request.method === 'POST') {
      const { mode } = await request.json();
      if (!['ok', 'throw', 'hang'].includes(mode)) return new Response('bad mode', { status: 400 });
      globalThis.flakyStoreMode = mode;
      return new Response(JSON.stringify({ mode }), { headers: { 'content-type': 'application/json' } });
    }
    return new Worker(this.ctx, this.env).fetch(request);
  }
}
