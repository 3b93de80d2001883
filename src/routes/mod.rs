//! The API: the route table (`table`), the order of the checks every request
//! goes through (CONTRACT.md "Errors"), and the handlers, one file per group.
//! Platform services come in through `Platform` and `Body`, so the whole flow
//! runs on the host in tests. Uses every other layer; none of them uses it.

mod account;
mod backend;
mod restore;
mod sessions;
mod signin;
mod table;

pub use table::{
    api_path, find, routes, Handled, Handler, Route, StoreUse, TokenUse, ANY_METHOD, ROUTE_PREFIXES,
};

use crate::auth::session::{Lifetimes, Session};
use crate::auth::{signin as signin_cookie, AuthError};
use crate::backend::jwk::EcPublicKey;
use crate::backend::BackendError;
use crate::config::{AssertionKeys, BackendTarget, Config, ConfigError};
use crate::http::body::{self, RequestError, MAX_BODY, MAX_DRAIN};
use crate::http::error::{ApiError, RouteError};
pub use crate::http::request_body::BodyError;
use crate::http::{client_key, RequestHead, Response};
use crate::providers::jws::JwsVerifier;
use crate::providers::oidc::OidcCache;
use crate::store::{Client, Transport};
use oauth2::AsyncHttpClient;
use serde::Serialize;
use std::cell::RefCell;

/// `Retry-After` for `429`: the rate-limit binding's period.
pub const RATE_LIMIT_PERIOD_SECS: u32 = 60;

/// The request body, read only when a route wants it, or handed on unread
/// (to the app's backend) with the request's headers.
#[allow(async_fn_in_trait)]
pub trait Body {
    /// Up to `max` bytes; past that, read and drop up to `drain` bytes in
    /// all, then `TooLarge`.
    async fn read(self, max: usize, drain: usize) -> Result<Vec<u8>, BodyError>;
    /// Every header of the request, as the runtime lists them; read only
    /// for a request that is forwarded.
    fn headers(&self) -> Vec<(String, String)>;
}

/// A request for the app's backend, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarding<'a> {
    pub target: BackendTarget<'a>,
    pub method: &'a str,
    /// The backend's URL for it (with `BACKEND`, the request's own URL).
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// The backend's answer as far as the routes see it; its body stays with
/// the platform, which streams it to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    pub status: u16,
    /// The answer's header names (at least those of the security headers
    /// it has), to add the security headers it lacks.
    pub header_names: Vec<String>,
}

/// What the routes need from the platform besides the request.
#[allow(async_fn_in_trait)]
pub trait Platform {
    type Http: for<'c> AsyncHttpClient<'c>;
    fn http(&self) -> &Self::Http;
    /// Seconds since the epoch.
    fn now(&self) -> u64;
    /// `None` when no limiter is bound, else whether `key` may go on, or
    /// why the limiter could not say.
    async fn rate_limit(&self, key: &str) -> Option<Result<bool, String>>;
    /// Logs a line for a failure outside any answer (the request goes on).
    fn log_failure(&self, audit: &Audit);
    /// Whether this sign-in state has been spent already; marks it spent.
    /// Only without a session store: with one, the state is spent there.
    async fn spend_state(&self, state: &str) -> bool;
    type Store: Transport;
    /// The session store (`SESSIONS`); `None`: the stateless Worker.
    fn store(&self) -> Option<&Self::Store>;
    /// Checks id_token signatures (WebCrypto on Workers).
    type Verifier: JwsVerifier;
    fn verifier(&self) -> &Self::Verifier;
    /// The OpenID Connect provider's discovery document and keys, kept for
    /// the isolate's life.
    fn oidc_cache(&self) -> &OidcCache;
    type Body: Body;
    /// Sends `request` to the app's backend with `body` streamed, unread;
    /// answers once the backend's headers are in.
    async fn forward(
        &self,
        request: Forwarding<'_>,
        body: Self::Body,
    ) -> Result<Forwarded, BackendError>;
    /// The public keys of the assertion keys (the signing one first, then
    /// the fallbacks); a key the runtime refuses names its binding.
    async fn assertion_public_keys(
        &self,
        keys: AssertionKeys<'_>,
    ) -> Result<Vec<EcPublicKey>, ConfigError>;
    /// ES256 over `input` with the signing key: `r || s`, 64 bytes.
    async fn sign_assertion(
        &self,
        keys: AssertionKeys<'_>,
        input: &[u8],
    ) -> Result<Vec<u8>, ConfigError>;
}

/// The session store's client, when `SESSIONS` is bound.
pub(crate) fn store_client<P: Platform>(platform: &P) -> Option<Client<&P::Store>> {
    platform.store().map(Client::new)
}

/// One line of the audit log: never a token, code, secret or full email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub event: &'static str,
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewed: Option<bool>,
    /// How many sessions a logout or an ending ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_ended: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Audit {
    pub fn ok(event: &'static str) -> Self {
        Audit {
            event,
            outcome: "ok",
            reason: None,
            email_domain: None,
            renewed: None,
            sessions_ended: None,
            detail: None,
        }
    }
}

impl Audit {
    /// The line logged when `LOGIN_LIMITER` fails; the request goes on.
    pub fn limiter_error(detail: String) -> Self {
        Audit::failure("rate_limiter_error", detail)
    }

    /// A platform service failed outside any answer (the limiter, the
    /// session store's alarm): logged, and the work goes on.
    pub fn failure(event: &'static str, detail: String) -> Self {
        Audit {
            outcome: "error",
            detail: Some(detail),
            ..Audit::ok(event)
        }
    }
}

pub struct Outcome {
    pub response: Response,
    pub audit: Option<Audit>,
}

/// What a handler gets: the request, what the checks before it found, and a
/// place for its audit line.
pub struct Call<'r, P: Platform> {
    pub platform: &'r P,
    pub config: &'r Config,
    pub head: &'r RequestHead,
    pub route: &'r Route<P>,
    /// The body when the route reads one (checked to be JSON), else empty.
    pub body: Vec<u8>,
    /// The `{name}` segments of the route's path, in order.
    pub params: Vec<&'r str>,
    /// The verified session when the route takes a bearer token.
    pub session: Option<Session>,
    /// The body, unread, of a route that reads none (for the app's backend).
    unread_body: RefCell<Option<P::Body>>,
    audit: RefCell<Option<Audit>>,
}

impl<P: Platform> Call<'_, P> {
    /// Sets the line the audit log gets for this request, success or not.
    pub fn audit(&self, audit: Audit) {
        *self.audit.borrow_mut() = Some(audit);
    }

    /// The unread body, once: a route that reads none hands it on.
    pub fn take_body(&self) -> Option<P::Body> {
        self.unread_body.borrow_mut().take()
    }
}

pub async fn handle<P: Platform>(
    platform: &P,
    config: &Config,
    head: &RequestHead,
    body: P::Body,
) -> Outcome {
    let routes = table::routes::<P>();
    let found = find(&routes, &head.path, &head.method);
    let (route, result, audit) = match found {
        Ok((route, params)) => {
            let mut call = Call {
                platform,
                config,
                head,
                route,
                body: Vec::new(),
                params,
                session: None,
                unread_body: RefCell::new(None),
                audit: RefCell::new(None),
            };
            let result = run(&mut call, body).await;
            (Some(route), result, call.audit.into_inner())
        }
        Err(err) => (None, Err(err), None),
    };
    let audit_event = route.and_then(|r| r.audit);
    let bearer = route.is_some_and(|r| r.token.is_bearer());
    match result {
        Ok(response) => Outcome { response, audit },
        Err(err) => {
            let event = match err {
                ApiError::Route(RouteError::RateLimited { .. }) => Some("rate_limited"),
                _ => audit_event,
            };
            // Refusals of audited routes, and every server-side failure, are logged.
            let mut audit = audit.or_else(|| {
                (event.is_some() || err.status() >= 500)
                    .then(|| Audit::ok(event.unwrap_or("error")))
            });
            if let Some(a) = audit.as_mut() {
                a.outcome = "refused";
                a.reason = Some(err.code());
                a.detail = err.log_detail();
            }
            let mut response = err.into_response(bearer);
            // A failed sign-in spends its cookie too: the UI starts again.
            if route.is_some_and(|r| r.clears_signin_cookie)
                && signin::signin_cookie(head).is_some()
            {
                response.header("Set-Cookie", signin_cookie::clear_cookie());
            }
            Outcome { response, audit }
        }
    }
}

/// The checks every route goes through, in the contract's order, then the
/// handler: method (done by `find`), rate limit, Content-Type, size, JSON
/// shape, then the bindings, the token and the work, which the handler's
/// own order decides.
async fn run<P: Platform>(call: &mut Call<'_, P>, body: P::Body) -> Result<Response, ApiError> {
    let route = call.route;
    if route.rate_limited {
        let key = client_key::rate_limit_key(call.head.client_ip.as_deref());
        match call.platform.rate_limit(&key).await {
            Some(Ok(false)) => {
                return Err(RouteError::RateLimited {
                    retry_after_secs: RATE_LIMIT_PERIOD_SECS,
                }
                .into())
            }
            // Fail open: a limiter outage must not lock everyone out.
            Some(Err(detail)) => call.platform.log_failure(&Audit::limiter_error(detail)),
            Some(Ok(true)) | None => {}
        }
    }
    match route.body {
        Some(kind) => call.body = read_json_body(call.head, body, kind).await?,
        None => *call.unread_body.get_mut() = Some(body),
    }
    if matches!(route.token, TokenUse::Bearer | TokenUse::BearerSignature) {
        call.session = Some(account::bearer_session(call).await?);
    }
    (route.handler)(call).await
}

/// What a route's body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON object, sent as `application/json`.
    Json,
    /// Nothing at all, or a JSON object (the route takes no input).
    EmptyOrJson,
}

async fn read_json_body<B: Body>(
    head: &RequestHead,
    body: B,
    kind: BodyKind,
) -> Result<Vec<u8>, ApiError> {
    // A route that takes no input accepts a bodiless POST without a
    // Content-Type; anything else must say it is JSON.
    let typed = body::check_content_type(head.content_type.as_deref());
    let bytes = match body.read(MAX_BODY, MAX_DRAIN).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            typed?;
            return Err(RequestError::PayloadTooLarge.into());
        }
        Err(BodyError::Unreadable) => {
            typed?;
            return Err(RequestError::InvalidJson.into());
        }
    };
    match (kind, typed) {
        (BodyKind::EmptyOrJson, Err(_)) if head.content_type.is_none() && bytes.is_empty() => {
            Ok(bytes)
        }
        (_, Err(e)) => Err(e.into()),
        (BodyKind::Json, Ok(())) => body::parse_object(&bytes)
            .map(|_| bytes)
            .map_err(Into::into),
        (BodyKind::EmptyOrJson, Ok(())) => body::parse_optional_object(&bytes)
            .map(|()| bytes)
            .map_err(Into::into),
    }
}

/// The lifetimes every token check needs, or the binding that is wrong.
pub(crate) fn lifetimes(config: &Config) -> Result<Lifetimes, ApiError> {
    Ok(Lifetimes {
        max_token_age: config.max_token_age()?,
        max_session_age: config.max_session_age()?,
    })
}

/// `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1).
pub(crate) fn bearer_token(header: Option<&str>) -> Result<&str, AuthError> {
    let found = header.and_then(|h| {
        let (scheme, token) = h.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
            .then_some(token)
    });
    found.ok_or(AuthError::InvalidToken { presented: false })
}

#[cfg(test)]
mod tests;
