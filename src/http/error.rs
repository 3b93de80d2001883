//! The one place where an error of any layer becomes the contract's answer
//! (CONTRACT.md "Errors"): a status, a code, one human sentence, the headers
//! that go with them. What the client sees never carries a secret, a token or
//! what an upstream said; details go to the log (`log_detail`).

use crate::auth::AuthError;
use crate::backend::BackendError;
use crate::config::{ConfigError, Problem};
use crate::http::body::RequestError;
use crate::http::Response;
use crate::providers::{Kind, ProviderError};
use crate::store::StoreError;

/// `Retry-After` for `503 store_unavailable`: a client keeps its token and
/// asks again this much later.
pub const STORE_RETRY_AFTER_SECS: u32 = 5;

/// `Retry-After` when the runtime says the store's object is overloaded:
/// asking again within seconds would add to its load.
pub const STORE_OVERLOADED_RETRY_AFTER_SECS: u32 = 60;

/// Failures of the HTTP layer itself: routing, limits, the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    MethodNotAllowed {
        allow: String,
    },
    RateLimited {
        retry_after_secs: u32,
    },
    NotFound,
    /// The runtime failed under us (a `worker::Error`); the detail is for
    /// the log only.
    Internal(String),
}

/// Every way a request can fail, by layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    Route(RouteError),
    Request(RequestError),
    Config(ConfigError),
    Auth(AuthError),
    /// Google's.
    Provider(ProviderError),
    /// Another provider's (the answer names it, never with its words).
    ProviderOf(Kind, ProviderError),
    /// The session store did not answer: never a success, never
    /// `session_ended`.
    Store(StoreError),
    /// The app's backend did not answer.
    Backend(BackendError),
}

impl From<BackendError> for ApiError {
    fn from(e: BackendError) -> Self {
        ApiError::Backend(e)
    }
}

impl From<RouteError> for ApiError {
    fn from(e: RouteError) -> Self {
        ApiError::Route(e)
    }
}
impl From<RequestError> for ApiError {
    fn from(e: RequestError) -> Self {
        ApiError::Request(e)
    }
}
impl From<ConfigError> for ApiError {
    fn from(e: ConfigError) -> Self {
        ApiError::Config(e)
    }
}
impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::Auth(e)
    }
}
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}
impl From<ProviderError> for ApiError {
    fn from(e: ProviderError) -> Self {
        match e {
            // A provider URL that does not parse is the operator's to fix.
            ProviderError::BadEndpoint(binding) => ApiError::Config(ConfigError {
                binding,
                problem: Problem::NotAnHttpUrl,
            }),
            // It passed the redirect rule yet is no URL: still not one we send.
            ProviderError::BadRedirectUri => ApiError::Auth(AuthError::RedirectUriNotAllowed),
            other => ApiError::Provider(other),
        }
    }
}

impl ApiError {
    /// A provider's failure: Google's through `From`, another's named.
    pub fn provider(kind: Kind, e: ProviderError) -> ApiError {
        match (kind, ApiError::from(e)) {
            (Kind::GitHub | Kind::Oidc, ApiError::Provider(e)) => ApiError::ProviderOf(kind, e),
            (_, other) => other,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::Route(e) => match e {
                RouteError::NotFound => 404,
                RouteError::MethodNotAllowed { .. } => 405,
                RouteError::RateLimited { .. } => 429,
                RouteError::Internal(_) => 500,
            },
            ApiError::Request(e) => match e {
                RequestError::InvalidJson | RequestError::InvalidRequest(_) => 400,
                RequestError::PayloadTooLarge => 413,
                RequestError::UnsupportedMediaType => 415,
            },
            ApiError::Config(_) => 500,
            ApiError::Auth(e) => match e {
                AuthError::InvalidState(_) | AuthError::RedirectUriNotAllowed => 400,
                AuthError::InvalidToken { .. }
                | AuthError::TokenExpired
                | AuthError::SessionEnded => 401,
                AuthError::AccessDenied(_) => 403,
                AuthError::SessionNotFound => 404,
            },
            ApiError::Store(_) => 503,
            ApiError::Backend(_) => 502,
            ApiError::Provider(e) | ApiError::ProviderOf(_, e) => match e {
                ProviderError::RedirectUriNotRegistered | ProviderError::BadRedirectUri => 400,
                ProviderError::InvalidGrant => 401,
                ProviderError::ClientRejected(_) | ProviderError::BadEndpoint(_) => 500,
                ProviderError::Upstream(_) => 502,
            },
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Route(e) => match e {
                RouteError::MethodNotAllowed { .. } => "method_not_allowed",
                RouteError::RateLimited { .. } => "rate_limited",
                RouteError::NotFound => "not_found",
                // The contract's one code for "the server cannot answer
                // this as configured": its operator has to look.
                RouteError::Internal(_) => "server_misconfigured",
            },
            ApiError::Request(e) => match e {
                RequestError::UnsupportedMediaType => "unsupported_media_type",
                RequestError::PayloadTooLarge => "payload_too_large",
                RequestError::InvalidJson => "invalid_json",
                RequestError::InvalidRequest(_) => "invalid_request",
            },
            ApiError::Config(_) => "server_misconfigured",
            ApiError::Auth(e) => match e {
                AuthError::InvalidState(_) => "invalid_state",
                AuthError::RedirectUriNotAllowed => "redirect_uri_not_allowed",
                AuthError::InvalidToken { .. } => "invalid_token",
                AuthError::TokenExpired => "token_expired",
                AuthError::AccessDenied(_) => "access_denied",
                AuthError::SessionEnded => "session_ended",
                AuthError::SessionNotFound => "not_found",
            },
            ApiError::Store(_) => "store_unavailable",
            ApiError::Backend(_) => "upstream_error",
            ApiError::Provider(e) | ApiError::ProviderOf(_, e) => match e {
                ProviderError::RedirectUriNotRegistered | ProviderError::BadRedirectUri => {
                    "redirect_uri_not_allowed"
                }
                ProviderError::InvalidGrant => "invalid_grant",
                ProviderError::ClientRejected(_) | ProviderError::BadEndpoint(_) => {
                    "server_misconfigured"
                }
                ProviderError::Upstream(_) => "upstream_error",
            },
        }
    }

    /// One human sentence, safe to show.
    pub fn message(&self) -> String {
        match self {
            ApiError::Route(e) => match e {
                RouteError::MethodNotAllowed { allow } => {
                    format!("This endpoint only accepts {allow}.")
                }
                RouteError::RateLimited { retry_after_secs } => format!(
                    "Too many sign-in attempts from your address; try again in {retry_after_secs} seconds."
                ),
                RouteError::NotFound => "There is no such API endpoint.".into(),
                RouteError::Internal(_) => "The server could not answer this request; its operator can find why in its log.".into(),
            },
            ApiError::Request(e) => match e {
                RequestError::UnsupportedMediaType => {
                    "The request body must be sent as application/json.".into()
                }
                RequestError::PayloadTooLarge => "The request body is larger than 16 KiB.".into(),
                RequestError::InvalidJson => "The request body must be a JSON object.".into(),
                RequestError::InvalidRequest(why) => (*why).into(),
            },
            ApiError::Config(err) => misconfigured(err),
            ApiError::Auth(e) => match e {
                AuthError::InvalidState(why) | AuthError::AccessDenied(why) => (*why).into(),
                AuthError::RedirectUriNotAllowed => {
                    "This redirect URI is not one this server may send to Google.".into()
                }
                AuthError::InvalidToken { .. } => {
                    "The session token is not valid; please sign in again.".into()
                }
                AuthError::TokenExpired => "The session has expired; please sign in again.".into(),
                AuthError::SessionEnded => {
                    "This session has been signed out; please sign in again.".into()
                }
                AuthError::SessionNotFound => {
                    "There is no such session of this account.".into()
                }
            },
            ApiError::Store(StoreError::SignInLost(_)) => {
                "The session store could not be reached, and this sign-in cannot be finished; please sign in again.".into()
            }
            ApiError::Store(e) if e.is_overloaded() => {
                "The session store is overloaded; the session is kept, please try again in a minute.".into()
            }
            ApiError::Store(_) => format!(
                "The session store could not be reached; the session is kept, please try again in {STORE_RETRY_AFTER_SECS} seconds."
            ),
            ApiError::Backend(_) => "The app's backend could not be reached or did not answer in time; please try again.".into(),
            ApiError::Provider(e) => match e {
                ProviderError::RedirectUriNotRegistered => "Google does not accept this redirect URI: register it under Authorized redirect URIs of the OAuth client in the Google Cloud console.".into(),
                ProviderError::BadRedirectUri => {
                    "This redirect URI is not one this server may send to Google.".into()
                }
                ProviderError::InvalidGrant => "Google refused the sign-in code; it may have expired or been used already. Please sign in again.".into(),
                ProviderError::ClientRejected(_) => "Google refused this server's OAuth client id or secret; its operator must check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET.".into(),
                ProviderError::BadEndpoint(binding) => misconfigured(&ConfigError {
                    binding,
                    problem: Problem::NotAnHttpUrl,
                }),
                ProviderError::Upstream(_) => "Google could not be reached or gave an unexpected answer; please try again.".into(),
            },
            ApiError::ProviderOf(kind, e) => other_provider_message(*kind, e),
        }
    }

    /// What the log gets beyond the code: never a value the client sent.
    pub fn log_detail(&self) -> Option<String> {
        match self {
            ApiError::Provider(ProviderError::Upstream(detail))
            | ApiError::Provider(ProviderError::ClientRejected(detail))
            | ApiError::ProviderOf(_, ProviderError::Upstream(detail))
            | ApiError::ProviderOf(_, ProviderError::ClientRejected(detail))
            | ApiError::Route(RouteError::Internal(detail)) => Some(detail.clone()),
            ApiError::Store(err) => Some(err.to_string()),
            ApiError::Backend(err) => Some(err.to_string()),
            ApiError::Provider(ProviderError::BadEndpoint(binding))
            | ApiError::ProviderOf(_, ProviderError::BadEndpoint(binding)) => {
                Some(format!("{binding} does not parse as a URL"))
            }
            ApiError::Config(err) => Some(format!("{} {:?}", err.binding, err.problem)),
            ApiError::Auth(AuthError::InvalidState(why) | AuthError::AccessDenied(why)) => {
                Some((*why).into())
            }
            _ => None,
        }
    }

    /// The HTTP answer. `bearer` marks routes protected by a bearer token,
    /// which challenge with `WWW-Authenticate` (RFC 6750 §3).
    pub fn into_response(self, bearer: bool) -> Response {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            error: &'a str,
            message: &'a str,
        }
        let message = self.message();
        let mut response = Response::json(
            self.status(),
            &Body {
                error: self.code(),
                message: &message,
            },
        );
        match &self {
            ApiError::Route(RouteError::MethodNotAllowed { allow }) => {
                response.header("Allow", allow.as_str())
            }
            ApiError::Route(RouteError::RateLimited { retry_after_secs }) => {
                response.header("Retry-After", retry_after_secs.to_string())
            }
            ApiError::Store(e) => {
                let secs = if e.is_overloaded() {
                    STORE_OVERLOADED_RETRY_AFTER_SECS
                } else {
                    STORE_RETRY_AFTER_SECS
                };
                response.header("Retry-After", secs.to_string())
            }
            _ => {}
        }
        if bearer {
            match &self {
                ApiError::Auth(AuthError::InvalidToken { presented: false }) => {
                    response.header("WWW-Authenticate", r#"Bearer realm="edge-login""#)
                }
                ApiError::Auth(AuthError::InvalidToken { presented: true })
                | ApiError::Auth(AuthError::TokenExpired)
                | ApiError::Auth(AuthError::SessionEnded) => response.header(
                    "WWW-Authenticate",
                    r#"Bearer realm="edge-login", error="invalid_token""#,
                ),
                _ => {}
            }
        }
        response
    }
}

/// GitHub's or the OpenID Connect provider's failure, in our words.
fn other_provider_message(kind: Kind, e: &ProviderError) -> String {
    let who = kind.label();
    match e {
        ProviderError::RedirectUriNotRegistered => format!("{who} does not accept this redirect URI: register it with this server's OAuth client there."),
        ProviderError::BadRedirectUri => "This redirect URI is not one this server may send to the provider.".into(),
        ProviderError::InvalidGrant => format!("{who} refused the sign-in code; it may have expired or been used already. Please sign in again."),
        ProviderError::ClientRejected(_) => format!(
            "{who} refused this server's OAuth client id or secret; its operator must check {}.",
            kind.client_bindings()
        ),
        ProviderError::BadEndpoint(binding) => misconfigured(&ConfigError {
            binding,
            problem: Problem::NotAnHttpUrl,
        }),
        ProviderError::Upstream(_) => format!("{who} could not be reached or gave an unexpected answer; please try again."),
    }
}

fn misconfigured(err: &ConfigError) -> String {
    match err.problem {
        Problem::Missing => format!(
            "The server is missing the {} setting; its operator must set it.",
            err.binding
        ),
        Problem::NotAPositiveInteger => format!(
            "The server's {} setting must be a whole number of seconds greater than zero.",
            err.binding
        ),
        Problem::NotAnHttpUrl => format!(
            "The server's {} setting must be an http(s) URL.",
            err.binding
        ),
        Problem::TooShort => format!(
            "The server's {} setting is too short: it must be at least {} bytes; its operator must set a longer one.",
            err.binding,
            crate::config::MIN_SECRET_KEY_BYTES
        ),
        Problem::NotAnAssertionKey => format!(
            "The server's {} setting must be an ECDSA P-256 private key in PKCS#8 PEM (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).",
            err.binding
        ),
        Problem::NotHttpsOrLoopback => format!(
            "The server's {} setting must be an https:// URL (http:// only on localhost or a loopback address).",
            err.binding
        ),
    }
}

#[cfg(test)]
mod tests;
