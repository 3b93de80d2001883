//! The Worker's side of the session store: `store::Transport` over a
//! `SESSIONS` stub's RPC method `call`, with the 5 s deadline.

use crate::store::{StoreError, Transport, STORE_TIMEOUT_SECS};
use futures_util::future::{select, Either};
use std::time::Duration;
use worker::js_sys::{Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Delay, Env, ObjectNamespace};

/// Carries store requests to the `SESSIONS` objects.
pub struct StubTransport {
    namespace: ObjectNamespace,
}

impl StubTransport {
    /// `None` when `SESSIONS` is not bound: the stateless Worker.
    pub fn from_env(env: &Env) -> Option<Self> {
        env.durable_object("SESSIONS")
            .ok()
            .map(|namespace| StubTransport { namespace })
    }
}

#[wasm_bindgen]
extern "C" {
    /// A `SESSIONS` stub with the object's RPC method (`src/edge/entry.mjs`).
    type StoreStub;

    #[wasm_bindgen(method, catch)]
    fn call(this: &StoreStub, bytes: &Uint8Array) -> std::result::Result<Promise, JsValue>;
}

impl Transport for StubTransport {
    async fn send(&self, object: &str, body: Vec<u8>) -> std::result::Result<Vec<u8>, StoreError> {
        let stub: StoreStub = self
            .namespace
            .get_by_name(object)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .into_rpc();
        let call = async {
            let promise = stub
                .call(&Uint8Array::from(body.as_slice()))
                .map_err(thrown)?;
            let answer = JsFuture::from(promise).await.map_err(thrown)?;
            answer
                .dyn_into::<Uint8Array>()
                .map(|bytes| bytes.to_vec())
                .map_err(|_| StoreError::Unavailable("the object answered no bytes".into()))
        };
        let deadline = Delay::from(Duration::from_secs(STORE_TIMEOUT_SECS));
        let outcome = match select(Box::pin(call), deadline).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(StoreError::Timeout),
        };
        outcome
    }
}

/// What the runtime threw, with its `overloaded` flag.
fn thrown(e: JsValue) -> StoreError {
    let overloaded = Reflect::get(&e, &JsValue::from_str("overloaded"))
        .ok()
        .and_then(|flag| flag.as_bool())
        .unwrap_or(false);
    StoreError::thrown(super::js::message(&e), overloaded)
}
