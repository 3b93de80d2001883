// The Worker's entry module (wrangler.toml's `main`), around the bindings
// scripts/build-worker.sh writes to build/: the Worker's fetch handler, the
// `SessionStore` Durable Object, and a new wasm instance after a panic.
//
// After a panic: the release build aborts on panic, so a panic traps the
// wasm instance, and an instance that trapped must not run again (its memory
// may be half-updated). Two things notice it: the glue (wasm-bindgen's
// abort handler, see scripts/build-worker.sh) marks the instance terminated
// and resets it on its next call into the wasm; and workers-rs's panic hook
// sets `criticalError` in the state it shares with this module
// (`__worker_init_state`), as a WebAssembly.RuntimeError seen here does, so
// that the next call below starts a fresh instance (`__wbg_reset_state`)
// before it runs, and logs it. The request that panicked fails; the next one
// is answered normally. Objects built on the old instance (a SessionStore's
// Rust half) are built again on the new one.
//
// `SessionStore` is declared `extends DurableObject`, which the runtime asks
// of a class before it lets a stub call its methods (RPC): workers-rs 0.8's
// #[durable_object] class does not extend it, so a stub could only `fetch`
// it, and under `wrangler dev` that hop cost three times a whole trivial
// route. Everything the object does stays in Rust
// (src/edge/session_store.rs); this class only hands the calls on.
import { DurableObject, WorkerEntrypoint } from 'cloudflare:workers';
import * as wasm from '../../build/index.js';

Error.stackTraceLimit = 100;

const initState = wasm.__worker_init_state();

function reinitializeIfCritical() {
  if (initState.criticalError) {
    console.log('Reinitializing Wasm application');
    wasm.__wbg_reset_state();
    initState.criticalError = false;
    initState.instanceId++;
  }
}

function noteCritical(e) {
  if (e instanceof WebAssembly.RuntimeError) {
    console.error('Critical', e);
    initState.criticalError = true;
  }
}

// A trap in a promise nobody awaits (a ctx.waitUntil task) reaches the
// runtime's error event instead of a caller.
addEventListener('error', (e) => noteCritical(e.error));

/** Calls `f` on a healthy instance, noting a trap for the next call. */
async function guarded(f) {
  reinitializeIfCritical();
  try {
    return await f();
  } catch (e) {
    noteCritical(e);
    throw e;
  }
}

export default class Worker extends WorkerEntrypoint {
  fetch(request) {
    return guarded(() => wasm.fetch(request, this.env, this.ctx));
  }
}

export class SessionStore extends DurableObject {
  #inner;
  #instanceId;

  constructor(ctx, env) {
    super(ctx, env);
    reinitializeIfCritical();
    this.#build();
  }

  #build() {
    try {
      this.#inner = new wasm.SessionStore(this.ctx, this.env);
    } catch (e) {
      noteCritical(e);
      throw e;
    }
    this.#instanceId = initState.instanceId;
  }

  /** The Rust object, built again if the instance it lived in was replaced. */
  #store() {
    if (this.#instanceId !== initState.instanceId) this.#build();
    return this.#inner;
  }

  /** A store request's bytes in, its answer's bytes out (store::protocol). */
  call(bytes) {
    return guarded(() => this.#store().call(bytes));
  }

  alarm() {
    return guarded(() => this.#store().alarm());
  }

  fetch(request) {
    return guarded(() => this.#store().fetch(request));
  }
}
