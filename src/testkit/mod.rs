//! Test doubles shared by the unit tests, the benches and the fuzz targets
//! (cargo feature `testkit`, always on for this crate's own tests): a
//! scripted HTTP client that records what it was asked, a fake platform and
//! body, a minimal executor, an unsigned JWT maker and session-token minting.
//! Nothing here is compiled into the Worker.

use crate::auth::session;
use crate::backend::jwk::EcPublicKey;
use crate::backend::BackendError;
use crate::config::{AssertionKeys, BackendTarget, ConfigError, Problem};
use crate::providers::jws::{Alg, JwsVerifier, PublicKey};
use crate::providers::oidc::OidcCache;
use crate::routes::{Body, BodyError, Forwarded, Forwarding, Platform};
pub use crate::store::fake::FakeStore;
use crate::store::Limits;
use crate::token::Keyring;
use base64::Engine as _;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FakeError(pub String);

/// A scripted answer: `(status, body)`, or a transport error's text.
pub type Answer = Result<(u16, String), String>;

/// Answers each call with the next scripted answer and records the request;
/// or, made with `by_path`, answers every call by its URL path and records
/// nothing (for benches, which call it millions of times).
#[derive(Default)]
pub struct FakeHttp {
    answers: RefCell<VecDeque<Answer>>,
    by_path: Vec<(String, u16, String)>,
    seen: RefCell<Vec<HttpRequest>>,
}

impl FakeHttp {
    pub fn with(answers: Vec<Answer>) -> Self {
        FakeHttp {
            answers: RefCell::new(answers.into()),
            ..FakeHttp::default()
        }
    }

    /// `(path, status, body)` rows; a path not listed is a transport error.
    pub fn by_path(rows: Vec<(&str, u16, String)>) -> Self {
        FakeHttp {
            by_path: rows
                .into_iter()
                .map(|(p, s, b)| (p.to_string(), s, b))
                .collect(),
            ..FakeHttp::default()
        }
    }

    pub fn seen(&self) -> Vec<HttpRequest> {
        self.seen.borrow().clone()
    }

    fn answer_for(&self, request: HttpRequest) -> Answer {
        if !self.by_path.is_empty() {
            let path = request.uri().path();
            return self
                .by_path
                .iter()
                .find(|(p, _, _)| p == path)
                .map(|(_, status, body)| (*status, body.clone()))
                .ok_or_else(|| format!("no answer for {path}"));
        }
        self.seen.borrow_mut().push(request);
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Err("no answer scripted".into()))
    }
}

impl<'c> AsyncHttpClient<'c> for FakeHttp {
    type Error = FakeError;
    type Future = std::future::Ready<Result<HttpResponse, FakeError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        let answer = self.answer_for(request);
        std::future::ready(answer.map_err(FakeError).and_then(|(status, body)| {
            let content_type = if body.starts_with(['{', '[']) {
                "application/json; charset=utf-8"
            } else {
                "text/html"
            };
            oauth2::http::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .body(body.into_bytes())
                .map_err(|e| FakeError(e.to_string()))
        }))
    }
}

/// The routes' platform on the host: a `FakeHttp`, a settable clock, a
/// limiter that says what it is told, and spent states in memory.
pub struct FakePlatform {
    pub http: FakeHttp,
    pub now: Cell<u64>,
    /// `None`: no limiter bound; else its answer.
    pub limiter: Option<bool>,
    /// When set, the bound limiter fails with this (and `limiter` is not asked).
    pub limiter_fails: Option<String>,
    /// The keys the limiter was asked about, in order.
    pub limited_keys: RefCell<Vec<String>>,
    /// Lines logged outside any answer (`Platform::log_failure`).
    pub logged: RefCell<Vec<crate::routes::Audit>>,
    pub spent: RefCell<HashSet<String>>,
    /// Benches replay one sign-in: they turn single use off.
    pub states_single_use: bool,
    /// The session store (`SESSIONS`); `None`: the stateless Worker.
    pub store: Option<FakeStore>,
    pub verifier: FakeVerifier,
    pub oidc_cache: OidcCache,
    /// The app's backend: what it received, what it answers.
    pub backend: FakeBackend,
    /// The runtime refuses to import the assertion keys.
    pub keys_refused: bool,
}

/// What a `FakeVerifier` is asked to decide.
pub type VerifyFn = dyn Fn(Alg, &PublicKey, &[u8], &[u8]) -> Result<bool, String>;

/// A `JwsVerifier` that answers as the test says: the crate's own tests
/// give it one made of RustCrypto crates (dev-dependencies, never linked
/// into the Worker); without one it refuses every key.
#[derive(Default)]
pub struct FakeVerifier {
    pub check: Option<Box<VerifyFn>>,
}

impl JwsVerifier for FakeVerifier {
    async fn verify(
        &self,
        alg: Alg,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, String> {
        match &self.check {
            Some(check) => check(alg, key, signing_input, signature),
            None => Err("no verifier given to the fake platform".into()),
        }
    }
}

/// The app's backend on the host: it records every request and answers
/// each with `answer`.
pub struct FakeBackend {
    pub answer: RefCell<Result<Forwarded, BackendError>>,
    pub received: RefCell<Vec<Received>>,
}

impl Default for FakeBackend {
    fn default() -> Self {
        FakeBackend {
            answer: RefCell::new(Ok(Forwarded {
                status: 200,
                header_names: vec!["content-type".into()],
            })),
            received: RefCell::default(),
        }
    }
}

/// One request the fake backend received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub service: bool,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The fake runtime's public key for a private key: made up from its DER,
/// distinct per key, as base64url coordinates.
pub fn fake_public_key(der: &[u8]) -> EcPublicKey {
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let x = Sha256::digest(der);
    EcPublicKey {
        x: b64(&x),
        y: b64(&Sha256::digest(x)),
    }
}

/// The fake runtime's "signature": SHA-256 of the input, twice (64 bytes,
/// as ES256's), so a test can tell what was signed.
pub fn fake_signature(input: &[u8]) -> Vec<u8> {
    let first = Sha256::digest(input);
    [first.as_slice(), Sha256::digest(first).as_slice()].concat()
}

impl FakePlatform {
    pub fn new(http: FakeHttp, now: u64) -> Self {
        FakePlatform {
            http,
            now: Cell::new(now),
            limiter: None,
            limiter_fails: None,
            limited_keys: RefCell::default(),
            logged: RefCell::default(),
            spent: RefCell::default(),
            states_single_use: true,
            store: None,
            verifier: FakeVerifier::default(),
            oidc_cache: OidcCache::default(),
            backend: FakeBackend::default(),
            keys_refused: false,
        }
    }

    /// With a session store holding nothing yet, on the same clock limits
    /// as `Config`'s defaults.
    pub fn with_store(mut self) -> Self {
        self.store = Some(FakeStore::new(
            self.now.get(),
            Limits {
                max_token_age: crate::config::DEFAULT_MAX_TOKEN_AGE,
                max_session_age: crate::config::DEFAULT_MAX_SESSION_AGE,
            },
        ));
        self
    }

    /// Moves the platform's clock and its store's together.
    pub fn set_now(&self, now: u64) {
        self.now.set(now);
        if let Some(store) = &self.store {
            store.now.set(now);
        }
    }
}

impl Platform for FakePlatform {
    type Http = FakeHttp;
    fn http(&self) -> &FakeHttp {
        &self.http
    }
    fn now(&self) -> u64 {
        self.now.get()
    }
    async fn rate_limit(&self, key: &str) -> Option<Result<bool, String>> {
        if let Some(detail) = &self.limiter_fails {
            return Some(Err(detail.clone()));
        }
        if self.limiter.is_some() {
            self.limited_keys.borrow_mut().push(key.to_string());
        }
        self.limiter.map(Ok)
    }
    fn log_failure(&self, audit: &crate::routes::Audit) {
        self.logged.borrow_mut().push(audit.clone());
    }
    async fn spend_state(&self, state: &str) -> bool {
        self.states_single_use && !self.spent.borrow_mut().insert(state.to_string())
    }
    type Store = FakeStore;
    fn store(&self) -> Option<&FakeStore> {
        self.store.as_ref()
    }
    type Verifier = FakeVerifier;
    fn verifier(&self) -> &FakeVerifier {
        &self.verifier
    }
    fn oidc_cache(&self) -> &OidcCache {
        &self.oidc_cache
    }
    type Body = FakeBody;
    async fn forward(
        &self,
        request: Forwarding<'_>,
        body: FakeBody,
    ) -> Result<Forwarded, BackendError> {
        let answer = self.backend.answer.borrow().clone();
        if answer.is_ok() {
            self.backend.received.borrow_mut().push(Received {
                service: request.target == BackendTarget::Service,
                method: request.method.to_string(),
                url: request.url,
                headers: request.headers,
                body: body.bytes,
            });
        }
        answer
    }
    async fn assertion_public_keys(
        &self,
        keys: AssertionKeys<'_>,
    ) -> Result<Vec<EcPublicKey>, ConfigError> {
        if self.keys_refused {
            return Err(ConfigError {
                binding: "ASSERTION_KEY",
                problem: Problem::NotAnAssertionKey,
            });
        }
        Ok(keys
            .signing
            .into_iter()
            .chain(keys.fallbacks)
            .map(|key| fake_public_key(key.der()))
            .collect())
    }
    async fn sign_assertion(
        &self,
        keys: AssertionKeys<'_>,
        input: &[u8],
    ) -> Result<Vec<u8>, ConfigError> {
        match keys.signing {
            Some(_) if !self.keys_refused => Ok(fake_signature(input)),
            _ => Err(ConfigError {
                binding: "ASSERTION_KEY",
                problem: Problem::NotAnAssertionKey,
            }),
        }
    }
}

/// A request body already in memory, held to the routes' limit, with the
/// request's headers (as the runtime lists them).
#[derive(Default)]
pub struct FakeBody {
    pub bytes: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl FakeBody {
    pub fn new(bytes: Vec<u8>) -> Self {
        FakeBody {
            bytes,
            headers: Vec::new(),
        }
    }
}

impl Body for FakeBody {
    async fn read(self, max: usize, _drain: usize) -> Result<Vec<u8>, BodyError> {
        if self.bytes.len() > max {
            Err(BodyError::TooLarge)
        } else {
            Ok(self.bytes)
        }
    }
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }
}

/// Runs a future whose awaits all complete at once (as the fakes do).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// An id_token-shaped JWT with the given claims; the signature is junk,
/// as nothing checks it (the token comes straight from the token endpoint).
pub fn jwt(claims: &serde_json::Value) -> String {
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"signature")
    )
}

/// A session token as `/login` issues it, minted at `now` for a sign-in at
/// `auth_time`. `user_info` must be minified JSON object text.
pub fn mint_session(secret: &str, user_info: &str, auth_time: u64, now: u64) -> String {
    session::issue(&Keyring::new(secret, &[]), user_info, auth_time, None, now)
}
