//! The app's backend on Workers: the forwarded request sent with its body
//! streamed, never buffered (through the `BACKEND` service binding or
//! `fetch`), redirects passed back, not followed, a 30 s deadline for the
//! answer's headers; and the assertion keys in the runtime's WebCrypto,
//! imported once per isolate.

use super::js;
use crate::backend::jwk::EcPublicKey;
use crate::backend::{BackendError, ANSWER_DEADLINE_SECS};
use crate::config::{AssertionKey, AssertionKeys, BackendTarget, ConfigError, Problem};
use crate::http::SECURITY_HEADERS;
use crate::routes::{Forwarded, Forwarding};
use futures_util::future::{select, Either};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::js_sys::{self, Array, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{web_sys, worker_sys, Delay};

/// Sends `request` with `incoming`'s body stream as its body; the answer
/// once its headers are in (its body still streaming).
pub(super) async fn forward(
    service: Option<&worker_sys::Fetcher>,
    request: Forwarding<'_>,
    incoming: web_sys::Request,
) -> Result<(Forwarded, web_sys::Response), BackendError> {
    let unreachable = |e: JsValue| BackendError::Unreachable(js::message(&e));
    let headers = web_sys::Headers::new().map_err(unreachable)?;
    for (name, value) in &request.headers {
        headers.append(name, value).map_err(unreachable)?;
    }
    let controller = web_sys::AbortController::new().map_err(unreachable)?;
    let init = web_sys::RequestInit::new();
    init.set_method(request.method);
    init.set_headers(headers.as_ref());
    init.set_redirect(web_sys::RequestRedirect::Manual);
    init.set_signal(Some(&controller.signal()));
    // The client's stream itself: the runtime pipes it, chunk by chunk.
    if let Some(body) = incoming.body() {
        init.set_body(body.as_ref());
    }
    let outgoing =
        web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(unreachable)?;
    let sent = match (request.target, service) {
        (BackendTarget::Service, Some(service)) => service.fetch(&outgoing),
        (BackendTarget::Service, None) => {
            return Err(BackendError::Unreachable("BACKEND is not bound".into()))
        }
        (BackendTarget::Url(_), _) => {
            let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
            Ok(global.fetch_with_request(&outgoing))
        }
    }
    .map_err(unreachable)?;
    let deadline = Delay::from(Duration::from_secs(ANSWER_DEADLINE_SECS));
    let answer = match select(JsFuture::from(sent), deadline).await {
        Either::Left((answer, _)) => answer.map_err(unreachable)?,
        Either::Right(((), _)) => {
            controller.abort();
            return Err(BackendError::Timeout(ANSWER_DEADLINE_SECS));
        }
    };
    let response: web_sys::Response = answer.dyn_into().map_err(unreachable)?;
    // Only whether it has each security header matters (the rest passes
    // through untouched): asked by name, not by reading every header.
    let headers = response.headers();
    let header_names = SECURITY_HEADERS
        .iter()
        .filter(|(name, _)| headers.has(name).unwrap_or(false))
        .map(|(name, _)| name.to_string())
        .collect();
    let forwarded = Forwarded {
        status: response.status(),
        header_names,
    };
    Ok((forwarded, response))
}

/// The backend's answer as the client's: its status, headers and body
/// stream, with `added` headers.
pub(super) fn answer(
    upstream: &web_sys::Response,
    added: &[(String, String)],
) -> Result<web_sys::Response, JsValue> {
    let headers = web_sys::Headers::new_with_headers(&upstream.headers())?;
    for (name, value) in added {
        headers.set(name, value)?;
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(upstream.status());
    init.set_status_text(&upstream.status_text());
    init.set_headers(headers.as_ref());
    web_sys::Response::new_with_opt_readable_stream_and_init(upstream.body().as_ref(), &init)
}

/// The request's headers as the runtime lists them.
pub(super) fn request_headers(request: &web_sys::Request) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(&request.headers().entries()) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pair: Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

#[wasm_bindgen]
extern "C" {
    /// The runtime's `crypto.subtle`, only the three calls used.
    type Subtle;

    #[wasm_bindgen(method, catch, js_name = importKey)]
    fn import_key(
        this: &Subtle,
        format: &str,
        key: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = exportKey)]
    fn export_key(this: &Subtle, format: &str, key: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn sign(
        this: &Subtle,
        algorithm: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> Result<js_sys::Promise, JsValue>;
}

fn subtle() -> Result<Subtle, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    Ok(Reflect::get(&crypto, &JsValue::from_str("subtle"))?.unchecked_into())
}

/// `{name: "ECDSA", namedCurve: "P-256"}` for import, `{name: "ECDSA",
/// hash: "SHA-256"}` for signing.
fn algorithm(second: &str, value: &str) -> Result<Object, JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &second.into(), &value.into())?;
    Ok(algorithm)
}

/// The imported keys: the signing one (not extractable), every public half.
struct Imported {
    signing: Option<JsValue>,
    public: Vec<EcPublicKey>,
}

thread_local! {
    // Bindings are fixed for an isolate's life, so are the keys: imported
    // by the first request that needs them.
    static IMPORTED: RefCell<Option<Rc<Imported>>> = const { RefCell::new(None) };
}

async fn import(
    subtle: &Subtle,
    key: &AssertionKey,
    extractable: bool,
) -> Result<JsValue, JsValue> {
    let usages = Array::of1(&"sign".into());
    let der = Uint8Array::from(key.der());
    let curve = algorithm("namedCurve", "P-256")?;
    JsFuture::from(subtle.import_key("pkcs8", &der, &curve, extractable, &usages)?).await
}

/// The public half of `key`, from its exported JWK's `x` and `y`.
async fn public_half(subtle: &Subtle, key: &AssertionKey) -> Result<EcPublicKey, JsValue> {
    let extractable = import(subtle, key, true).await?;
    let jwk = JsFuture::from(subtle.export_key("jwk", &extractable)?).await?;
    let coordinate = |name: &str| -> Result<String, JsValue> {
        Reflect::get(&jwk, &name.into())?
            .as_string()
            .ok_or_else(|| JsValue::from_str("the exported JWK has no coordinates"))
    };
    Ok(EcPublicKey {
        x: coordinate("x")?,
        y: coordinate("y")?,
    })
}

async fn import_all(keys: AssertionKeys<'_>) -> Result<Imported, ConfigError> {
    let refused = |binding: &'static str| {
        move |e: JsValue| {
            super::log_failure("assertion_key_refused", js::message(&e));
            ConfigError {
                binding,
                problem: Problem::NotAnAssertionKey,
            }
        }
    };
    let subtle = subtle().map_err(refused("ASSERTION_KEY"))?;
    let mut public = Vec::new();
    let signing = match keys.signing {
        Some(key) => {
            public.push(
                public_half(&subtle, key)
                    .await
                    .map_err(refused("ASSERTION_KEY"))?,
            );
            Some(
                import(&subtle, key, false)
                    .await
                    .map_err(refused("ASSERTION_KEY"))?,
            )
        }
        None => None,
    };
    for key in keys.fallbacks {
        let half = public_half(&subtle, key).await;
        public.push(half.map_err(refused("ASSERTION_KEY_FALLBACKS"))?);
    }
    Ok(Imported { signing, public })
}

async fn imported(keys: AssertionKeys<'_>) -> Result<Rc<Imported>, ConfigError> {
    if let Some(done) = IMPORTED.with(|cell| cell.borrow().clone()) {
        return Ok(done);
    }
    let done = Rc::new(import_all(keys).await?);
    IMPORTED.with(|cell| *cell.borrow_mut() = Some(done.clone()));
    Ok(done)
}

pub(super) async fn public_keys(keys: AssertionKeys<'_>) -> Result<Vec<EcPublicKey>, ConfigError> {
    Ok(imported(keys).await?.public.clone())
}

/// ES256: WebCrypto's ECDSA signature is `r || s`, the JWS format itself.
pub(super) async fn sign(keys: AssertionKeys<'_>, input: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let refused = |e: JsValue| {
        super::log_failure("assertion_sign_error", js::message(&e));
        ConfigError {
            binding: "ASSERTION_KEY",
            problem: Problem::NotAnAssertionKey,
        }
    };
    let imported = imported(keys).await?;
    let key = imported.signing.as_ref().ok_or(ConfigError {
        binding: "ASSERTION_KEY",
        problem: Problem::Missing,
    })?;
    let subtle = subtle().map_err(refused)?;
    let with = algorithm("hash", "SHA-256").map_err(refused)?;
    let data = Uint8Array::from(input);
    let signature = JsFuture::from(subtle.sign(&with, key, &data).map_err(refused)?)
        .await
        .map_err(refused)?;
    Ok(Uint8Array::new(&signature).to_vec())
}
