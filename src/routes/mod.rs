//! The API: which path is which route, the order of the checks (CONTRACT.md
//! "Errors"), and each route's work. Platform services come in through
//! `Platform` and `Body`, so the whole flow runs on the host in tests.

use crate::auth::policy;
use crate::auth::redirect::{choose_redirect_uri, REDIRECT_PATH};
use crate::auth::session::{self, Lifetimes};
use crate::auth::signin;
use crate::config::Config;
use crate::http::body::{self, LoginBody, MAX_BODY, MAX_DRAIN};
use crate::http::error::ApiError;
use crate::http::{RequestHead, Response};
use crate::oidc::{self, Exchange};
use oauth2::AsyncHttpClient;
use serde::Serialize;
use serde_json::value::RawValue;

/// `Retry-After` for `429`: the rate-limit binding's period.
pub const RATE_LIMIT_PERIOD_SECS: u32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Login,
    Reauth,
    Me,
    Start,
    AuthConfig,
    /// An unknown path under `/api/` or `/auth/`.
    NotFound,
    /// Not ours: static assets answer.
    Assets,
}

pub fn route_of(path: &str) -> Route {
    match path {
        "/login" => Route::Login,
        "/reauth" => Route::Reauth,
        "/api/me" => Route::Me,
        "/auth/start" => Route::Start,
        "/auth/config" => Route::AuthConfig,
        p if p.starts_with("/api/") || p.starts_with("/auth/") || p == "/api" || p == "/auth" => {
            Route::NotFound
        }
        _ => Route::Assets,
    }
}

impl Route {
    fn allowed_method(self) -> Option<&'static str> {
        match self {
            Route::Login | Route::Reauth | Route::Start => Some("POST"),
            Route::Me | Route::AuthConfig => Some("GET"),
            Route::NotFound | Route::Assets => None,
        }
    }

    fn rate_limited(self) -> bool {
        matches!(self, Route::Login | Route::Start)
    }

    fn bearer(self) -> bool {
        self == Route::Me
    }

    fn audit_event(self) -> Option<&'static str> {
        match self {
            Route::Login => Some("login"),
            Route::Reauth => Some("reauth"),
            Route::Me => Some("api_me"),
            Route::Start => Some("signin_start"),
            Route::AuthConfig | Route::NotFound | Route::Assets => None,
        }
    }

    fn reads_body(self) -> bool {
        self.allowed_method() == Some("POST")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    Unreadable,
}

/// The request body, read only when a route wants it.
#[allow(async_fn_in_trait)]
pub trait Body {
    /// Up to `max` bytes; past that, read and drop up to `drain` bytes in
    /// all, then `TooLarge`.
    async fn read(self, max: usize, drain: usize) -> Result<Vec<u8>, BodyError>;
}

/// What the routes need from the platform besides the request.
#[allow(async_fn_in_trait)]
pub trait Platform {
    type Http: for<'c> AsyncHttpClient<'c>;
    fn http(&self) -> &Self::Http;
    /// Seconds since the epoch.
    fn now(&self) -> u64;
    /// `None` when no limiter is bound, else whether `key` may go on.
    async fn rate_limit(&self, key: &str) -> Option<bool>;
    /// Whether this sign-in state has been spent already; marks it spent.
    async fn spend_state(&self, state: &str) -> bool;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Audit {
    fn ok(event: &'static str) -> Self {
        Audit {
            event,
            outcome: "ok",
            reason: None,
            email_domain: None,
            renewed: None,
            detail: None,
        }
    }
}

pub struct Outcome {
    pub response: Response,
    pub audit: Option<Audit>,
}

pub async fn handle<P: Platform, B: Body>(
    platform: &P,
    config: &Config,
    head: &RequestHead,
    body: B,
) -> Outcome {
    let route = route_of(&head.path);
    let mut audit = None;
    let result = run(platform, config, head, body, route, &mut audit).await;
    let response = match result {
        Ok(response) => response,
        Err(err) => {
            let event = match err {
                ApiError::RateLimited { .. } => Some("rate_limited"),
                _ => route.audit_event(),
            };
            // Refusals of auth routes, and every server-side failure, are logged.
            audit = audit.or_else(|| {
                (event.is_some() || err.status() >= 500)
                    .then(|| Audit::ok(event.unwrap_or("error")))
            });
            if let Some(a) = audit.as_mut() {
                a.outcome = "refused";
                a.reason = Some(err.code());
                a.detail = err.log_detail();
            }
            let mut response = err.into_response(route.bearer());
            if route == Route::Login && head_has_signin_cookie(head) {
                response.header("Set-Cookie", signin::clear_cookie());
            }
            response
        }
    };
    Outcome { response, audit }
}

fn head_has_signin_cookie(head: &RequestHead) -> bool {
    signin::cookie_value(head.cookie.as_deref()).is_some()
}

async fn run<P: Platform, B: Body>(
    platform: &P,
    config: &Config,
    head: &RequestHead,
    body: B,
    route: Route,
    audit: &mut Option<Audit>,
) -> Result<Response, ApiError> {
    if route == Route::NotFound {
        return Err(ApiError::NotFound);
    }
    let allow = route.allowed_method().ok_or(ApiError::NotFound)?;
    if head.method != allow {
        return Err(ApiError::MethodNotAllowed { allow });
    }
    if route.rate_limited() {
        let key = head.client_ip.as_deref().unwrap_or("unknown");
        if platform.rate_limit(key).await == Some(false) {
            return Err(ApiError::RateLimited {
                retry_after_secs: RATE_LIMIT_PERIOD_SECS,
            });
        }
    }
    let bytes = if route.reads_body() {
        read_json_body(head, body, route == Route::Start).await?
    } else {
        Vec::new()
    };
    match route {
        Route::Login => login(platform, config, head, &bytes, audit).await,
        Route::Reauth => reauth(platform, config, &bytes, audit),
        Route::Me => me(platform, config, head),
        Route::Start => start(platform, config, &bytes),
        Route::AuthConfig => auth_config(config),
        Route::NotFound | Route::Assets => Err(ApiError::NotFound),
    }
}

async fn read_json_body<B: Body>(
    head: &RequestHead,
    body: B,
    may_be_empty: bool,
) -> Result<Vec<u8>, ApiError> {
    // `/auth/start` takes no input, so a bodiless POST without a
    // Content-Type is fine there; anything else must say it is JSON.
    let typed = body::check_content_type(head.content_type.as_deref());
    let bytes = match body.read(MAX_BODY, MAX_DRAIN).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            typed?;
            return Err(ApiError::PayloadTooLarge);
        }
        Err(BodyError::Unreadable) => {
            typed?;
            return Err(ApiError::InvalidJson);
        }
    };
    match typed {
        Err(_) if may_be_empty && head.content_type.is_none() && bytes.is_empty() => Ok(bytes),
        Err(e) => Err(e),
        Ok(()) => Ok(bytes),
    }
}

#[derive(Serialize)]
struct SessionAnswer<'a> {
    auth_token: &'a str,
    user_info: &'a RawValue,
}

async fn login<P: Platform>(
    platform: &P,
    config: &Config,
    head: &RequestHead,
    bytes: &[u8],
    audit: &mut Option<Audit>,
) -> Result<Response, ApiError> {
    let LoginBody {
        authorization_code,
        redirect_uri,
        state,
    } = body::parse_login(bytes)?;
    let keyring = config.keyring()?;
    let client_id = config.client_id()?;
    let client_secret = config.client_secret()?;
    // A token nobody could verify is no use: check the lifetimes now.
    lifetimes(config)?;
    let (token_url, userinfo_url) = (config.token_url()?, config.userinfo_url()?);
    let now = platform.now();

    let checked = signin::check(
        config.signin_keyring()?,
        signin::cookie_value(head.cookie.as_deref()),
        &state,
        now,
    )?;
    let redirect_uri = choose_redirect_uri(
        redirect_uri.as_deref(),
        &head.origin,
        &config.allowed_redirect_uris,
    )?;
    // Spent before Google is asked, so that two racing replays can't both
    // pass; a failed exchange means starting again, which the UI does.
    if platform.spend_state(&checked.state).await {
        return Err(ApiError::InvalidState(
            "This sign-in has been used already; please start again.",
        ));
    }

    let identity = oidc::sign_in(
        platform.http(),
        &Exchange {
            client_id,
            client_secret: client_secret.expose(),
            token_url,
            userinfo_url,
            issuers: config.issuers(),
            redirect_uri: &redirect_uri,
            code: &authorization_code,
            pkce_verifier: Some(&checked.pkce_verifier),
        },
    )
    .await?;
    *audit = Some(Audit {
        email_domain: policy::email_domain(&identity.claims),
        ..Audit::ok("login")
    });
    policy::check_account(
        &identity.claims,
        &config.allowed_email_domains,
        &config.allowed_emails,
    )?;

    let token = session::issue(keyring, &identity.user_info, now, now);
    let user_info: Box<RawValue> = serde_json::from_str(&identity.user_info)
        .map_err(|_| ApiError::Upstream("userinfo did not survive minifying".into()))?;
    let mut response = Response::json(
        200,
        &SessionAnswer {
            auth_token: &token,
            user_info: &user_info,
        },
    );
    response.header("Set-Cookie", signin::clear_cookie());
    Ok(response)
}

fn lifetimes(config: &Config) -> Result<Lifetimes, ApiError> {
    Ok(Lifetimes {
        max_token_age: config.max_token_age()?,
        max_session_age: config.max_session_age()?,
    })
}

fn reauth<P: Platform>(
    platform: &P,
    config: &Config,
    bytes: &[u8],
    audit: &mut Option<Audit>,
) -> Result<Response, ApiError> {
    let token = body::parse_reauth(bytes)?;
    let keyring = config.keyring()?;
    let limits = lifetimes(config)?;
    let renewal = session::reauth(
        keyring,
        &token,
        limits,
        platform.now(),
        config.accept_flask_tokens,
    )?;
    if renewal.renewed {
        *audit = Some(Audit {
            renewed: Some(true),
            ..Audit::ok("reauth")
        });
    }
    Ok(Response::json(
        200,
        &SessionAnswer {
            auth_token: &renewal.token,
            user_info: &renewal.session.user_info,
        },
    ))
}

fn me<P: Platform>(
    platform: &P,
    config: &Config,
    head: &RequestHead,
) -> Result<Response, ApiError> {
    let keyring = config.keyring()?;
    let limits = lifetimes(config)?;
    let token = bearer_token(head.authorization.as_deref())
        .ok_or(ApiError::InvalidToken { presented: false })?;
    let session = session::verify(keyring, token, limits, platform.now())?;
    #[derive(Serialize)]
    struct MeAnswer<'a> {
        user_info: &'a RawValue,
    }
    Ok(Response::json(
        200,
        &MeAnswer {
            user_info: &session.user_info,
        },
    ))
}

/// `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1).
fn bearer_token(header: Option<&str>) -> Option<&str> {
    let (scheme, token) = header?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

fn start<P: Platform>(platform: &P, config: &Config, bytes: &[u8]) -> Result<Response, ApiError> {
    body::parse_optional_object(bytes)?;
    let started = signin::start(config.signin_keyring()?, platform.now());
    let mut response = Response::json(200, &started);
    response.header("Set-Cookie", signin::set_cookie(&started.cookie));
    Ok(response)
}

fn auth_config(config: &Config) -> Result<Response, ApiError> {
    #[derive(Serialize)]
    struct ConfigAnswer<'a> {
        client_id: &'a str,
        authorization_endpoint: &'a str,
        scope: &'a str,
        redirect_path: &'a str,
    }
    Ok(Response::json(
        200,
        &ConfigAnswer {
            client_id: config.client_id()?,
            authorization_endpoint: config.auth_url()?,
            scope: "openid email profile",
            redirect_path: REDIRECT_PATH,
        },
    ))
}

#[cfg(test)]
mod tests;
