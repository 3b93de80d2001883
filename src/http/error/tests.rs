use super::*;

fn body(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// One value of every variant, nested ones included. `variant_name` below
/// matches without a wildcard, so a new variant does not compile until it is
/// named there, and `every_variant_is_listed` fails until it is listed here.
fn one_of_each() -> Vec<ApiError> {
    let config = |problem| ConfigError {
        binding: "SECRET_KEY",
        problem,
    };
    vec![
        RouteError::MethodNotAllowed {
            allow: "POST".into(),
        }
        .into(),
        RouteError::RateLimited {
            retry_after_secs: 60,
        }
        .into(),
        RouteError::NotFound.into(),
        RouteError::Internal("js error".into()).into(),
        RequestError::UnsupportedMediaType.into(),
        RequestError::PayloadTooLarge.into(),
        RequestError::InvalidJson.into(),
        RequestError::InvalidRequest("auth_token is required.").into(),
        config(Problem::Missing).into(),
        config(Problem::NotAPositiveInteger).into(),
        config(Problem::NotAnHttpUrl).into(),
        config(Problem::TooShort).into(),
        config(Problem::NotHttpsOrLoopback).into(),
        config(Problem::NotAnAssertionKey).into(),
        AuthError::InvalidState("The sign-in state does not match.").into(),
        AuthError::RedirectUriNotAllowed.into(),
        AuthError::InvalidToken { presented: false }.into(),
        AuthError::InvalidToken { presented: true }.into(),
        AuthError::TokenExpired.into(),
        AuthError::AccessDenied("This Google account is not allowed.").into(),
        AuthError::SessionEnded.into(),
        AuthError::SessionNotFound.into(),
        StoreError::Unavailable("stub threw".into()).into(),
        StoreError::Timeout.into(),
        StoreError::BadAnswer("not JSON".into()).into(),
        StoreError::Storage("SQLITE_FULL".into()).into(),
        StoreError::Overloaded("Durable Object is overloaded".into()).into(),
        StoreError::Timeout.during_sign_in().into(),
        ProviderError::RedirectUriNotRegistered.into(),
        ProviderError::InvalidGrant.into(),
        ProviderError::ClientRejected("invalid_client".into()).into(),
        ApiError::Provider(ProviderError::BadEndpoint("GOOGLE_TOKEN_URL")),
        ApiError::Provider(ProviderError::BadRedirectUri),
        ProviderError::Upstream("token endpoint answered 503".into()).into(),
        ApiError::provider(Kind::GitHub, ProviderError::InvalidGrant),
        BackendError::Unreachable("connection refused".into()).into(),
        BackendError::Timeout(30).into(),
    ]
}

fn variant_name(e: &ApiError) -> &'static str {
    match e {
        ApiError::Route(RouteError::MethodNotAllowed { .. }) => "MethodNotAllowed",
        ApiError::Route(RouteError::RateLimited { .. }) => "RateLimited",
        ApiError::Route(RouteError::NotFound) => "NotFound",
        ApiError::Route(RouteError::Internal(_)) => "Internal",
        ApiError::Request(RequestError::UnsupportedMediaType) => "UnsupportedMediaType",
        ApiError::Request(RequestError::PayloadTooLarge) => "PayloadTooLarge",
        ApiError::Request(RequestError::InvalidJson) => "InvalidJson",
        ApiError::Request(RequestError::InvalidRequest(_)) => "InvalidRequest",
        ApiError::Config(ConfigError {
            problem: Problem::Missing,
            ..
        }) => "Missing",
        ApiError::Config(ConfigError {
            problem: Problem::NotAPositiveInteger,
            ..
        }) => "NotAPositiveInteger",
        ApiError::Config(ConfigError {
            problem: Problem::NotAnHttpUrl,
            ..
        }) => "NotAnHttpUrl",
        ApiError::Config(ConfigError {
            problem: Problem::TooShort,
            ..
        }) => "TooShort",
        ApiError::Config(ConfigError {
            problem: Problem::NotHttpsOrLoopback,
            ..
        }) => "NotHttpsOrLoopback",
        ApiError::Config(ConfigError {
            problem: Problem::NotAnAssertionKey,
            ..
        }) => "NotAnAssertionKey",
        ApiError::Auth(AuthError::InvalidState(_)) => "InvalidState",
        ApiError::Auth(AuthError::RedirectUriNotAllowed) => "RedirectUriNotAllowed",
        ApiError::Auth(AuthError::InvalidToken { presented: false }) => "InvalidTokenAbsent",
        ApiError::Auth(AuthError::InvalidToken { presented: true }) => "InvalidToken",
        ApiError::Auth(AuthError::TokenExpired) => "TokenExpired",
        ApiError::Auth(AuthError::AccessDenied(_)) => "AccessDenied",
        ApiError::Auth(AuthError::SessionEnded) => "SessionEnded",
        ApiError::Auth(AuthError::SessionNotFound) => "SessionNotFound",
        ApiError::Store(StoreError::Unavailable(_)) => "StoreUnavailable",
        ApiError::Store(StoreError::Timeout) => "StoreTimeout",
        ApiError::Store(StoreError::BadAnswer(_)) => "StoreBadAnswer",
        ApiError::Store(StoreError::Storage(_)) => "StoreStorage",
        ApiError::Store(StoreError::Overloaded(_)) => "StoreOverloaded",
        ApiError::Store(StoreError::SignInLost(_)) => "StoreSignInLost",
        ApiError::Provider(ProviderError::RedirectUriNotRegistered) => "RedirectUriNotRegistered",
        ApiError::Provider(ProviderError::InvalidGrant) => "InvalidGrant",
        ApiError::Provider(ProviderError::ClientRejected(_)) => "ClientRejected",
        ApiError::Provider(ProviderError::BadEndpoint(_)) => "BadEndpoint",
        ApiError::Provider(ProviderError::BadRedirectUri) => "BadRedirectUri",
        ApiError::Provider(ProviderError::Upstream(_)) => "Upstream",
        ApiError::ProviderOf(..) => "ProviderOf",
        ApiError::Backend(BackendError::Unreachable(_)) => "BackendUnreachable",
        ApiError::Backend(BackendError::Timeout(_)) => "BackendTimeout",
    }
}

/// The contract's rows (CONTRACT.md "Errors"): status and code.
const CONTRACT_ROWS: [(u16, &str); 17] = [
    (400, "invalid_json"),
    (400, "invalid_request"),
    (400, "redirect_uri_not_allowed"),
    (400, "invalid_state"),
    (401, "invalid_grant"),
    (401, "invalid_token"),
    (401, "token_expired"),
    (401, "session_ended"),
    (403, "access_denied"),
    (404, "not_found"),
    (405, "method_not_allowed"),
    (413, "payload_too_large"),
    (415, "unsupported_media_type"),
    (429, "rate_limited"),
    (500, "server_misconfigured"),
    (502, "upstream_error"),
    (503, "store_unavailable"),
];

#[test]
fn every_variant_is_listed() {
    let mut names: Vec<&str> = one_of_each().iter().map(variant_name).collect();
    let listed = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), listed, "a variant is listed twice");
    // Bump together with a new variant in `variant_name` (which will not
    // compile without it) and in `one_of_each`.
    assert_eq!(listed, 37);
}

#[test]
fn every_error_answers_a_contract_row() {
    for err in one_of_each() {
        let row = (err.status(), err.code());
        assert!(CONTRACT_ROWS.contains(&row), "{err:?} answers {row:?}");
    }
}

#[test]
fn every_error_has_exactly_code_and_one_sentence() {
    for err in one_of_each() {
        let name = variant_name(&err);
        let r = err.clone().into_response(true);
        let b = body(&r);
        assert_eq!(b.as_object().map(|o| o.len()), Some(2), "{name}: {b}");
        assert_eq!(b["error"], err.code(), "{name}");
        let message = b["message"].as_str().unwrap_or_default();
        assert!(
            message.len() > 10 && message.ends_with('.'),
            "{name}: {message:?}"
        );
        assert_eq!(r.get_header("cache-control"), Some("no-store"), "{name}");
    }
}

#[test]
fn no_error_shows_its_log_detail() {
    for err in one_of_each() {
        let Some(detail) = err.log_detail() else {
            continue;
        };
        // A sentence the server wrote itself (why a state or account was
        // refused) may be both; what came from elsewhere may not.
        if matches!(err, ApiError::Auth(_) | ApiError::Config(_)) {
            continue;
        }
        let r = err.clone().into_response(false);
        let text = String::from_utf8_lossy(&r.body);
        assert!(!text.contains(&detail), "{}: {text}", variant_name(&err));
    }
}

#[test]
fn method_not_allowed_sets_allow() {
    let r = ApiError::from(RouteError::MethodNotAllowed {
        allow: "POST".into(),
    })
    .into_response(false);
    assert_eq!(r.status, 405);
    assert_eq!(r.get_header("allow"), Some("POST"));
}

#[test]
fn rate_limited_sets_retry_after() {
    let r = ApiError::from(RouteError::RateLimited {
        retry_after_secs: 60,
    })
    .into_response(false);
    assert_eq!(r.status, 429);
    assert_eq!(r.get_header("retry-after"), Some("60"));
}

#[test]
fn misconfigured_names_binding() {
    let r = ApiError::from(ConfigError {
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
fn unparsable_token_url_is_misconfiguration_not_upstream() {
    let err = ApiError::from(ProviderError::BadEndpoint("GOOGLE_TOKEN_URL"));
    assert_eq!(err.status(), 500);
    assert!(err.message().contains("GOOGLE_TOKEN_URL"));
}

#[test]
fn upstream_detail_stays_out_of_body() {
    let r = ApiError::from(ProviderError::Upstream(
        "token endpoint said <html>secret-ish</html>".into(),
    ))
    .into_response(false);
    assert_eq!(r.status, 502);
    assert!(!String::from_utf8_lossy(&r.body).contains("secret-ish"));
}

#[test]
fn runtime_failure_is_a_json_answer_without_its_detail() {
    let r = ApiError::from(RouteError::Internal("TypeError: oops at x.js:1".into()))
        .into_response(false);
    assert_eq!(r.status, 500);
    assert_eq!(body(&r)["error"], "server_misconfigured");
    assert!(!String::from_utf8_lossy(&r.body).contains("TypeError"));
}

#[test]
fn bare_bearer_challenge_without_credentials() {
    let r = ApiError::from(AuthError::InvalidToken { presented: false }).into_response(true);
    assert_eq!(
        r.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login""#)
    );
}

#[test]
fn expired_token_challenge_names_invalid_token() {
    let r = ApiError::from(AuthError::TokenExpired).into_response(true);
    assert_eq!(body(&r)["error"], "token_expired");
    assert_eq!(
        r.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
}

#[test]
fn no_challenge_outside_bearer_routes() {
    let r = ApiError::from(AuthError::InvalidToken { presented: true }).into_response(false);
    assert_eq!(r.get_header("www-authenticate"), None);
}

#[test]
fn redirect_mismatch_tells_to_register() {
    let r = ApiError::from(ProviderError::RedirectUriNotRegistered).into_response(false);
    assert_eq!(r.status, 400);
    let b = body(&r);
    assert_eq!(b["error"], "redirect_uri_not_allowed");
    assert!(b["message"].as_str().unwrap().contains("register"));
}

#[test]
fn store_failure_is_503_with_retry_after() {
    for err in [StoreError::Timeout, StoreError::Unavailable("x".into())] {
        let r = ApiError::from(err).into_response(true);
        assert_eq!(r.status, 503);
        assert_eq!(body(&r)["error"], "store_unavailable");
        assert_eq!(r.get_header("retry-after"), Some("5"));
        assert_eq!(
            r.get_header("www-authenticate"),
            None,
            "not a credentials problem"
        );
    }
}

#[test]
fn store_overloaded_is_503_without_an_invitation_to_retry_soon() {
    let r = ApiError::from(StoreError::Overloaded("overloaded".into())).into_response(true);
    assert_eq!(r.status, 503);
    assert_eq!(body(&r)["error"], "store_unavailable");
    assert_eq!(r.get_header("retry-after"), Some("60"));
    let message = body(&r)["message"].as_str().unwrap().to_string();
    assert!(!message.contains("5 seconds"), "{message}");
    assert!(message.contains("overloaded"), "{message}");
}

#[test]
fn store_failure_during_sign_in_says_start_again() {
    for err in [
        StoreError::Timeout,
        StoreError::Unavailable("x".into()),
        StoreError::Overloaded("x".into()),
    ] {
        let r = ApiError::from(err.during_sign_in()).into_response(false);
        assert_eq!(r.status, 503);
        assert_eq!(body(&r)["error"], "store_unavailable");
        assert!(r.get_header("retry-after").is_some());
        let message = body(&r)["message"].as_str().unwrap().to_string();
        assert!(message.contains("sign in again"), "{message}");
        assert!(!message.contains("try again in"), "{message}");
    }
}

#[test]
fn store_detail_stays_out_of_body() {
    let r =
        ApiError::from(StoreError::Storage("SQLITE_CORRUPT at row 7".into())).into_response(false);
    assert!(!String::from_utf8_lossy(&r.body).contains("SQLITE"));
}

#[test]
fn session_ended_challenges_as_invalid_token_on_bearer_routes() {
    let r = ApiError::from(AuthError::SessionEnded).into_response(true);
    assert_eq!(r.status, 401);
    assert_eq!(body(&r)["error"], "session_ended");
    assert_eq!(
        r.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
}

#[test]
fn unknown_session_is_404_not_found() {
    let r = ApiError::from(AuthError::SessionNotFound).into_response(true);
    assert_eq!(r.status, 404);
    assert_eq!(body(&r)["error"], "not_found");
    assert_eq!(r.get_header("www-authenticate"), None);
}

#[test]
fn another_providers_failure_names_it_and_maps_as_googles() {
    for (e, status, code) in [
        (ProviderError::InvalidGrant, 401, "invalid_grant"),
        (
            ProviderError::RedirectUriNotRegistered,
            400,
            "redirect_uri_not_allowed",
        ),
        (
            ProviderError::ClientRejected("incorrect_client_credentials".into()),
            500,
            "server_misconfigured",
        ),
        (
            ProviderError::Upstream("bad signature".into()),
            502,
            "upstream_error",
        ),
    ] {
        let github = ApiError::provider(Kind::GitHub, e.clone());
        assert_eq!((github.status(), github.code()), (status, code), "{e:?}");
        assert!(github.message().contains("GitHub"), "{}", github.message());
        assert!(!github.message().contains("Google"), "{}", github.message());
        let oidc = ApiError::provider(Kind::Oidc, e.clone());
        assert_eq!((oidc.status(), oidc.code()), (status, code), "{e:?}");
        assert!(!oidc.message().contains("Google"), "{}", oidc.message());
    }
    let rejected = ApiError::provider(Kind::Oidc, ProviderError::ClientRejected("x".into()));
    assert!(rejected.message().contains("OIDC_CLIENT_ID"));
    // Google's own stay as they were.
    assert_eq!(
        ApiError::provider(Kind::Google, ProviderError::InvalidGrant),
        ApiError::Provider(ProviderError::InvalidGrant)
    );
}

#[test]
fn another_providers_words_stay_in_the_log() {
    let e = ApiError::provider(
        Kind::GitHub,
        ProviderError::Upstream("GitHub said <script>".into()),
    );
    assert!(!e.message().contains("<script>"));
    assert_eq!(e.log_detail().as_deref(), Some("GitHub said <script>"));
}
