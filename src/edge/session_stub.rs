//! The Worker's side of the session store: `store::Transport` over a
//! `SESSIONS` stub, with the 5 s deadline.

use crate::store::{StoreError, Transport, STORE_TIMEOUT_SECS};
use futures_util::future::{select, Either};
use std::time::Duration;
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::DurableObject as DurableObjectSys;
use worker::{web_sys, Delay, Env, ObjectNamespace};

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

impl Transport for StubTransport {
    async fn send(&self, object: &str, body: Vec<u8>) -> std::result::Result<Vec<u8>, StoreError> {
        // The runtime's objects directly (stub, Request, Response): worker's
        // wrappers convert and stream bodies, 1 KB of gzipped wasm for one
        // small POST and its answer.
        let thrown = |e: JsValue| {
            // Not `{e:?}`: a JsValue's Debug links float formatting.
            StoreError::Unavailable(
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| "the stub threw".into()),
            )
        };
        let stub: DurableObjectSys = self
            .namespace
            .get_by_name(object)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .into_rpc();
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&Uint8Array::from(body.as_slice()));
        let request =
            web_sys::Request::new_with_str_and_init("https://session-store.invalid/", &init)
                .map_err(thrown)?;
        let call = async {
            let answer = JsFuture::from(stub.fetch_with_request(&request).map_err(thrown)?)
                .await
                .map_err(thrown)?;
            let response: web_sys::Response = answer.dyn_into().map_err(thrown)?;
            if response.status() != 200 {
                return Err(StoreError::Unavailable(format!(
                    "the object answered {}",
                    response.status()
                )));
            }
            let buffer = JsFuture::from(response.array_buffer().map_err(thrown)?)
                .await
                .map_err(thrown)?;
            Ok(Uint8Array::new(&buffer).to_vec())
        };
        let deadline = Delay::from(Duration::from_secs(STORE_TIMEOUT_SECS));
        let outcome = match select(Box::pin(call), deadline).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(StoreError::Timeout),
        };
        outcome
    }
}
