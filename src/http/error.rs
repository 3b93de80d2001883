//! The one error type of the API, and the one place it becomes an HTTP answer.
//! What the client sees is a code and a sentence; details go to the log.

use crate::config::{ConfigError, Problem};
use crate::http::Response;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    MethodNotAllowed {
        allow: &'static str,
    },
    RateLimited {
        retry_after_secs: u32,
    },
    UnsupportedMediaType,
    PayloadTooLarge,
    InvalidJson,
    InvalidRequest(&'static str),
    Misconfigured(ConfigError),
    InvalidState(&'static str),
    RedirectUriNotAllowed,
    /// Google itself answered `redirect_uri_mismatch`.
    RedirectUriNotRegistered,
    InvalidGrant,
    /// A bad or malformed token; `presented` tells whether credentials were
    /// there at all (RFC 6750 §3 answers a bare challenge when they weren't).
    InvalidToken {
        presented: bool,
    },
    TokenExpired,
    AccessDenied(&'static str),
    NotFound,
    /// Google misbehaved; the detail is for the log only.
    Upstream(String),
    /// Google refused our client credentials; the detail is for the log only.
    ClientRejected(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        use ApiError::*;
        match self {
            InvalidJson
            | InvalidRequest(_)
            | RedirectUriNotAllowed
            | RedirectUriNotRegistered
            | InvalidState(_) => 400,
            InvalidGrant | InvalidToken { .. } | TokenExpired => 401,
            AccessDenied(_) => 403,
            NotFound => 404,
            MethodNotAllowed { .. } => 405,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            RateLimited { .. } => 429,
            Misconfigured(_) | ClientRejected(_) => 500,
            Upstream(_) => 502,
        }
    }

    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
            MethodNotAllowed { .. } => "method_not_allowed",
            RateLimited { .. } => "rate_limited",
            UnsupportedMediaType => "unsupported_media_type",
            PayloadTooLarge => "payload_too_large",
            InvalidJson => "invalid_json",
            InvalidRequest(_) => "invalid_request",
            Misconfigured(_) | ClientRejected(_) => "server_misconfigured",
            InvalidState(_) => "invalid_state",
            RedirectUriNotAllowed | RedirectUriNotRegistered => "redirect_uri_not_allowed",
            InvalidGrant => "invalid_grant",
            InvalidToken { .. } => "invalid_token",
            TokenExpired => "token_expired",
            AccessDenied(_) => "access_denied",
            NotFound => "not_found",
            Upstream(_) => "upstream_error",
        }
    }

    /// One human sentence, safe to show: it never carries a secret, a token
    /// or what an upstream said.
    pub fn message(&self) -> String {
        use ApiError::*;
        match self {
            MethodNotAllowed { allow } => format!("This endpoint only accepts {allow}."),
            RateLimited { retry_after_secs } => format!(
                "Too many sign-in attempts from your address; try again in {retry_after_secs} seconds."
            ),
            UnsupportedMediaType => "The request body must be sent as application/json.".into(),
            PayloadTooLarge => "The request body is larger than 16 KiB.".into(),
            InvalidJson => "The request body must be a JSON object.".into(),
            InvalidRequest(why) | InvalidState(why) | AccessDenied(why) => (*why).into(),
            Misconfigured(err) => match err.problem {
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
            },
            ClientRejected(_) => "Google refused this server's OAuth client id or secret; its operator must check OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET.".into(),
            RedirectUriNotAllowed => {
                "This redirect URI is not one this server may send to Google.".into()
            }
            RedirectUriNotRegistered => "Google does not accept this redirect URI: register it under Authorized redirect URIs of the OAuth client in the Google Cloud console.".into(),
            InvalidGrant => "Google refused the sign-in code; it may have expired or been used already. Please sign in again.".into(),
            InvalidToken { .. } => "The session token is not valid; please sign in again.".into(),
            TokenExpired => "The session has expired; please sign in again.".into(),
            NotFound => "There is no such API endpoint.".into(),
            Upstream(_) => "Google could not be reached or gave an unexpected answer; please try again.".into(),
        }
    }

    /// What the log gets beyond the code: never a value the client sent.
    pub fn log_detail(&self) -> Option<String> {
        match self {
            ApiError::Upstream(detail) | ApiError::ClientRejected(detail) => Some(detail.clone()),
            ApiError::Misconfigured(err) => Some(format!("{} {:?}", err.binding, err.problem)),
            ApiError::InvalidState(why) | ApiError::AccessDenied(why) => Some((*why).into()),
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
            ApiError::MethodNotAllowed { allow } => response.header("Allow", *allow),
            ApiError::RateLimited { retry_after_secs } => {
                response.header("Retry-After", retry_after_secs.to_string())
            }
            _ => {}
        }
        if bearer {
            match &self {
                ApiError::InvalidToken { presented: false } => {
                    response.header("WWW-Authenticate", r#"Bearer realm="edge-login""#)
                }
                ApiError::InvalidToken { presented: true } | ApiError::TokenExpired => response
                    .header(
                        "WWW-Authenticate",
                        r#"Bearer realm="edge-login", error="invalid_token""#,
                    ),
                _ => {}
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: &Response) -> serde_json::Value {
        serde_json::from_slice(&r.body).unwrap()
    }

    #[test]
    fn every_error_has_code_and_sentence() {
        let r = ApiError::InvalidGrant.into_response(false);
        assert_eq!(r.status, 401);
        let b = body(&r);
        assert_eq!(b["error"], "invalid_grant");
        assert!(b["message"].as_str().unwrap().ends_with('.'));
        assert_eq!(b.as_object().unwrap().len(), 2);
    }

    #[test]
    fn method_not_allowed_sets_allow() {
        let r = ApiError::MethodNotAllowed { allow: "POST" }.into_response(false);
        assert_eq!(r.status, 405);
        assert_eq!(r.get_header("allow"), Some("POST"));
    }

    #[test]
    fn rate_limited_sets_retry_after() {
        let r = ApiError::RateLimited {
            retry_after_secs: 60,
        }
        .into_response(false);
        assert_eq!(r.status, 429);
        assert_eq!(r.get_header("retry-after"), Some("60"));
    }

    #[test]
    fn misconfigured_names_binding() {
        let r = ApiError::Misconfigured(ConfigError {
            binding: "SECRET_KEY",
            problem: Problem::Missing,
        })
        .into_response(false);
        assert_eq!(r.status, 500);
        let b = body(&r);
        assert_eq!(b["error"], "server_misconfigured");
        assert!(b["message"].as_str().unwrap().contains("SECRET_KEY"));
    }

    #[test]
    fn upstream_detail_stays_out_of_body() {
        let r = ApiError::Upstream("token endpoint said <html>secret-ish</html>".into())
            .into_response(false);
        assert_eq!(r.status, 502);
        assert!(!String::from_utf8_lossy(&r.body).contains("secret-ish"));
    }

    #[test]
    fn bare_bearer_challenge_without_credentials() {
        let r = ApiError::InvalidToken { presented: false }.into_response(true);
        assert_eq!(
            r.get_header("www-authenticate"),
            Some(r#"Bearer realm="edge-login""#)
        );
    }

    #[test]
    fn expired_token_challenge_names_invalid_token() {
        let r = ApiError::TokenExpired.into_response(true);
        assert_eq!(body(&r)["error"], "token_expired");
        assert_eq!(
            r.get_header("www-authenticate"),
            Some(r#"Bearer realm="edge-login", error="invalid_token""#)
        );
    }

    #[test]
    fn no_challenge_outside_bearer_routes() {
        let r = ApiError::InvalidToken { presented: true }.into_response(false);
        assert_eq!(r.get_header("www-authenticate"), None);
    }

    #[test]
    fn redirect_mismatch_tells_to_register() {
        let r = ApiError::RedirectUriNotRegistered.into_response(false);
        assert_eq!(r.status, 400);
        let b = body(&r);
        assert_eq!(b["error"], "redirect_uri_not_allowed");
        assert!(b["message"].as_str().unwrap().contains("register"));
    }
}
