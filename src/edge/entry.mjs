// The Worker's entry module (wrangler.toml's `main`): worker-build's output
// as it is, but with `SessionStore` declared `extends DurableObject`, which
// the runtime asks of a class before it lets a stub call its methods (RPC).
// workers-rs 0.8's #[durable_object] class does not extend it, so a stub
// could only `fetch` it, and under `wrangler dev` that hop cost three times
// a whole trivial route. Everything the object does stays in Rust
// (src/edge/session_store.rs); this class only hands the calls on.
import { DurableObject } from 'cloudflare:workers';
import worker, { SessionStore as RustSessionStore } from '../../build/index.js';

export default worker;

export class SessionStore extends DurableObject {
  #inner;

  constructor(ctx, env) {
    super(ctx, env);
    this.#inner = new RustSessionStore(ctx, env);
  }

  /** A store request's bytes in, its answer's bytes out (store::protocol). */
  call(bytes) {
    return this.#inner.call(bytes);
  }

  alarm() {
    return this.#inner.alarm();
  }

  fetch(request) {
    return this.#inner.fetch(request);
  }
}
