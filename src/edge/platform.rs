//! `routes::Platform` and `routes::Body` over the Workers runtime.

use super::backend;
use super::fetch_client::FetchClient;
use super::session_stub::StubTransport;
use super::webcrypto::WebCryptoVerifier;
use crate::backend::jwk::EcPublicKey;
use crate::backend::BackendError;
use crate::config::{AssertionKeys, ConfigError};
use crate::http::request_body::{self, BoundedBody, Next};
use crate::providers::oidc::OidcCache;
use crate::routes::{Audit, Body, BodyError, Forwarded, Forwarding, Platform};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::js_sys::{self, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{web_sys, worker_sys, Cache, Context, Date, Env, Response};

pub struct EdgePlatform<'a> {
    http: FetchClient,
    limiter: Option<Limiter>,
    store: Option<StubTransport>,
    /// `BACKEND`, the service binding.
    backend: Option<worker_sys::Fetcher>,
    /// The backend's answer of a forwarded request, its body still
    /// streaming: the edge answers with it.
    upstream: RefCell<Option<web_sys::Response>>,
    ctx: &'a Context,
    oidc_cache: Rc<OidcCache>,
}

impl<'a> EdgePlatform<'a> {
    pub fn new(env: &Env, ctx: &'a Context) -> Self {
        EdgePlatform {
            http: FetchClient,
            limiter: env
                .rate_limiter("LOGIN_LIMITER")
                .ok()
                .map(JsCast::unchecked_into),
            store: StubTransport::from_env(env),
            backend: env.service("BACKEND").ok().map(worker::Fetcher::into_rpc),
            upstream: RefCell::new(None),
            ctx,
            oidc_cache: OIDC_CACHE.with(Rc::clone),
        }
    }

    /// The backend's answer, once a forwarded request has one.
    pub fn take_upstream(&self) -> Option<web_sys::Response> {
        self.upstream.borrow_mut().take()
    }
}

#[wasm_bindgen]
extern "C" {
    /// The `LOGIN_LIMITER` binding itself: worker's wrapper converts its
    /// argument and answer with serde-wasm-bindgen, 1 KB of gzipped wasm for
    /// `{key}` in and `{success}` out.
    type Limiter;

    #[wasm_bindgen(method, catch)]
    fn limit(this: &Limiter, options: &js_sys::Object) -> Result<js_sys::Promise, JsValue>;
}

/// Whether `key` is within its budget (the binding's `{success}`).
async fn limit(limiter: &Limiter, key: &str) -> Result<bool, JsValue> {
    let options = js_sys::Object::new();
    Reflect::set(&options, &JsValue::from_str("key"), &JsValue::from_str(key))?;
    let outcome = JsFuture::from(limiter.limit(&options)?).await?;
    Reflect::get(&outcome, &JsValue::from_str("success"))?
        .as_bool()
        .ok_or_else(|| JsValue::from_str("the rate limiter answered no success flag"))
}

thread_local! {
    // The OpenID Connect provider's discovery document and keys: fetched
    // once per isolate, as the bindings are read.
    static OIDC_CACHE: Rc<OidcCache> = Rc::new(OidcCache::default());
    // Spent sign-in states this isolate has seen, with when they expire.
    static SPENT: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
}

impl Platform for EdgePlatform<'_> {
    type Http = FetchClient;
    type Store = StubTransport;

    fn store(&self) -> Option<&StubTransport> {
        self.store.as_ref()
    }

    type Verifier = WebCryptoVerifier;
    fn verifier(&self) -> &WebCryptoVerifier {
        &WebCryptoVerifier
    }

    fn oidc_cache(&self) -> &OidcCache {
        &self.oidc_cache
    }

    fn http(&self) -> &FetchClient {
        &self.http
    }

    type Body = EdgeBody;

    async fn forward(
        &self,
        request: Forwarding<'_>,
        body: EdgeBody,
    ) -> Result<Forwarded, BackendError> {
        let (forwarded, upstream) =
            backend::forward(self.backend.as_ref(), request, body.0).await?;
        *self.upstream.borrow_mut() = Some(upstream);
        Ok(forwarded)
    }

    async fn assertion_public_keys(
        &self,
        keys: AssertionKeys<'_>,
    ) -> Result<Vec<EcPublicKey>, ConfigError> {
        backend::public_keys(keys).await
    }

    async fn sign_assertion(
        &self,
        keys: AssertionKeys<'_>,
        input: &[u8],
    ) -> Result<Vec<u8>, ConfigError> {
        backend::sign(keys, input).await
    }

    fn now(&self) -> u64 {
        Date::now().as_millis() / 1000
    }

    async fn rate_limit(&self, key: &str) -> Option<Result<bool, String>> {
        let limiter = self.limiter.as_ref()?;
        // The runtime's message is text we do not control: it is
        // serialized into the log line, never spliced.
        Some(
            limit(limiter, key)
                .await
                .map_err(|e| super::js::message(&e)),
        )
    }

    fn log_failure(&self, audit: &Audit) {
        super::log_audit(audit);
    }

    async fn spend_state(&self, state: &str) -> bool {
        let now = self.now();
        let id = hex(&Sha256::digest(state.as_bytes()));
        let seen_here = SPENT.with(|spent| {
            let mut spent = spent.borrow_mut();
            spent.retain(|_, expires| *expires > now);
            spent
                .insert(id.clone(), now + crate::auth::signin::COOKIE_MAX_AGE)
                .is_some()
        });
        if seen_here {
            return true;
        }
        // Other isolates of this location learn of it through the cache.
        let key = format!("https://edge-login.invalid/spent-state/{id}");
        let cache = Cache::default();
        if let Ok(Some(_)) = cache.get(key.as_str(), false).await {
            return true;
        }
        // The marker is written after the answer goes out: this isolate's
        // memory already refuses a replay, and the sign-in need not wait.
        self.ctx.wait_until(async move {
            if let Ok(mut marker) = Response::ok("spent") {
                let ttl = format!("max-age={}", crate::auth::signin::COOKIE_MAX_AGE);
                if marker.headers_mut().set("Cache-Control", &ttl).is_ok() {
                    let _ = Cache::default().put(key.as_str(), marker).await;
                }
            }
        });
        false
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct EdgeBody(pub web_sys::Request);

impl Body for EdgeBody {
    async fn read(self, max: usize, drain: usize) -> Result<Vec<u8>, BodyError> {
        let request = self.0;
        let declared = super::js::header(&request.headers(), "content-length");
        if request_body::fits_in_one_read(declared.as_deref(), max) {
            let bytes = match request.array_buffer() {
                Ok(promise) => JsFuture::from(promise)
                    .await
                    .map_err(|_| BodyError::Unreadable)?,
                Err(_) => return Err(BodyError::Unreadable),
            };
            return request_body::check_whole(Uint8Array::new(&bytes).to_vec(), max);
        }
        let Some(stream) = request.body() else {
            return Ok(Vec::new());
        };
        let mut body = BoundedBody::new(max, drain);
        let read = super::js::read_chunks(stream, |chunk| body.push(chunk) == Next::Read).await;
        match read {
            Ok(()) => body.finish(),
            Err(_) => Err(body.broken()),
        }
    }

    fn headers(&self) -> Vec<(String, String)> {
        backend::request_headers(&self.0)
    }
}
