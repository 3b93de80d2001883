//! The app's backend (CONTRACT.md "The app's backend"): what is forwarded
//! and what the backend receives, the assertion, forward auth, the JWKS,
//! the order of the checks, the misconfigurations; over `FakeBackend`,
//! which counts what reached it.

use super::*;
use crate::backend::jwk::EcPublicKey;
use crate::backend::BackendError;
use crate::config::assertion_key::parse_pem;
use crate::config::assertion_key::tests::{P256_PEM, P256_PEM_2};
use crate::testkit::{fake_public_key, fake_signature, FakeBody, Received};
use base64::Engine as _;
use std::collections::HashMap;

const API: &str = "https://api.example";

fn bindings_with(extra: &[(&'static str, &str)]) -> HashMap<&'static str, String> {
    let mut b = good_bindings();
    for (k, v) in extra {
        b.insert(k, v.to_string());
    }
    b
}

/// `BACKEND_URL` and its key.
fn backend_config() -> Config {
    config_from(&bindings_with(&[
        ("BACKEND_URL", API),
        ("ASSERTION_KEY", P256_PEM),
    ]))
}

fn secret() -> String {
    good_bindings()["SECRET_KEY"].clone()
}

/// A token of the stateless Worker (no sid), signed now.
fn token() -> String {
    crate::testkit::mint_session(&secret(), USERINFO, NOW - 100, NOW)
}

fn bearer_head(method: &str, path: &str, token: &str) -> RequestHead {
    RequestHead {
        authorization: Some(format!("Bearer {token}")),
        content_type: None,
        client_ip: Some("198.51.100.9".into()),
        ..head(method, path)
    }
}

fn send(p: &FakePlatform, config: &Config, head: &RequestHead, body: FakeBody) -> Outcome {
    block_on(handle(p, config, head, body))
}

fn forward(p: &FakePlatform, config: &Config, method: &str, path: &str, token: &str) -> Outcome {
    send(
        p,
        config,
        &bearer_head(method, path, token),
        FakeBody::default(),
    )
}

fn received(p: &FakePlatform) -> Vec<Received> {
    p.backend.received.borrow().clone()
}

fn only_received(p: &FakePlatform) -> Received {
    let all = received(p);
    assert_eq!(all.len(), 1, "the backend got {} requests", all.len());
    all[0].clone()
}

fn b64_json(part: &str) -> serde_json::Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn key(pem: &str) -> EcPublicKey {
    fake_public_key(parse_pem(pem).expect("a key").der())
}

// ------------------------------------------------------------ forwarding

#[test]
fn forwards_method_path_query_and_identity() {
    let p = platform(vec![]);
    let mut h = bearer_head("PATCH", "/api/notes/7", &token());
    h.query = "?draft=1".into();
    let o = send(&p, &backend_config(), &h, FakeBody::default());
    assert_eq!(o.response.status, 200);
    assert!(o.response.from_backend);
    let got = only_received(&p);
    assert_eq!(got.method, "PATCH");
    assert_eq!(got.url, "https://api.example/api/notes/7?draft=1");
    assert!(!got.service);
    assert_eq!(got.header("x-auth-request-user"), Some("42"));
    assert_eq!(got.header("x-auth-request-email"), Some("ada@example.com"));
    assert_eq!(got.header("x-forwarded-host"), Some("app.example"));
    assert_eq!(got.header("x-forwarded-proto"), Some("https"));
    assert_eq!(got.header("x-forwarded-for"), Some("198.51.100.9"));
    assert!(got.header("edge-login-assertion").is_some());
}

#[test]
fn never_forwards_the_token_or_a_client_s_identity_headers() {
    let p = platform(vec![]);
    let t = token();
    let body = FakeBody {
        bytes: Vec::new(),
        headers: vec![
            ("authorization".into(), format!("Bearer {t}")),
            ("x-auth-request-user".into(), "admin".into()),
            ("edge-login-assertion".into(), "forged".into()),
            ("cookie".into(), "__Host-edge-login=x; theme=dark".into()),
            ("accept".into(), "application/json".into()),
        ],
    };
    send(
        &p,
        &backend_config(),
        &bearer_head("GET", "/api/notes", &t),
        body,
    );
    let got = only_received(&p);
    assert_eq!(got.header("authorization"), None);
    assert_eq!(got.header("x-auth-request-user"), Some("42"));
    assert_ne!(got.header("edge-login-assertion"), Some("forged"));
    assert_eq!(got.header("cookie"), Some("theme=dark"));
    assert_eq!(got.header("accept"), Some("application/json"));
}

#[test]
fn the_body_goes_unread_whatever_its_size_or_type() {
    let p = platform(vec![]);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let mut h = bearer_head("POST", "/api/upload", &token());
    h.content_type = Some("application/octet-stream".into());
    let body = FakeBody {
        bytes: bytes.clone(),
        headers: Vec::new(),
    };
    let o = send(&p, &backend_config(), &h, body);
    assert_eq!(o.response.status, 200);
    assert_eq!(only_received(&p).body, bytes);
}

#[test]
fn any_method_is_forwarded() {
    for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
        let p = platform(vec![]);
        forward(&p, &backend_config(), method, "/api/notes", &token());
        assert_eq!(only_received(&p).method, method);
    }
}

#[test]
fn the_worker_s_own_api_route_is_not_forwarded() {
    let p = platform(vec![]);
    let o = forward(&p, &backend_config(), "GET", "/api/me", &token());
    assert_eq!(json(&o)["user_info"]["sub"], "42");
    let o = forward(&p, &backend_config(), "POST", "/api/me", &token());
    assert_eq!(o.response.status, 405);
    assert_eq!(o.response.get_header("allow"), Some("GET"));
    assert!(received(&p).is_empty());
}

#[test]
fn without_a_backend_other_api_paths_are_404_before_any_token_check() {
    let p = platform(vec![]);
    let o = forward(&p, &good_config(), "POST", "/api/notes", "not-a-token");
    assert_eq!(o.response.status, 404);
    assert_eq!(error_code(&o), "not_found");
    assert_eq!(o.response.get_header("www-authenticate"), None);
}

#[test]
fn the_answer_gets_the_security_headers_it_lacks() {
    let p = platform(vec![]);
    *p.backend.answer.borrow_mut() = Ok(Forwarded {
        status: 302,
        header_names: vec!["location".into(), "content-security-policy".into()],
    });
    let o = forward(&p, &backend_config(), "GET", "/api/go", &token());
    assert_eq!(o.response.status, 302);
    assert_eq!(o.response.get_header("content-security-policy"), None);
    assert!(o.response.get_header("strict-transport-security").is_some());
    assert_eq!(
        o.response.get_header("x-content-type-options"),
        Some("nosniff")
    );
}

#[test]
fn an_unreachable_backend_is_502_naming_the_app_s_backend() {
    for failure in [
        BackendError::Unreachable("connection refused".into()),
        BackendError::Timeout(30),
    ] {
        let p = platform(vec![]);
        *p.backend.answer.borrow_mut() = Err(failure);
        let o = forward(&p, &backend_config(), "GET", "/api/notes", &token());
        assert_eq!(o.response.status, 502);
        assert_eq!(error_code(&o), "upstream_error");
        let message = json(&o)["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains("app's backend"), "{message}");
        assert!(!message.contains("Google"), "{message}");
        assert!(o.audit.is_some_and(|a| a.detail.is_some()));
    }
}

#[test]
fn a_service_binding_gets_the_request_s_own_url_and_needs_no_key() {
    let p = platform(vec![]);
    let config = good_config().with_backend_service();
    let o = forward(&p, &config, "GET", "/api/notes", &token());
    assert_eq!(o.response.status, 200);
    let got = only_received(&p);
    assert!(got.service);
    assert_eq!(got.url, "https://app.example/api/notes");
    assert_eq!(got.header("x-auth-request-user"), Some("42"));
    assert_eq!(got.header("edge-login-assertion"), None);
}

#[test]
fn a_service_binding_wins_over_backend_url() {
    let p = platform(vec![]);
    let config = backend_config().with_backend_service();
    forward(&p, &config, "GET", "/api/notes", &token());
    let got = only_received(&p);
    assert!(got.service);
    assert!(got.header("edge-login-assertion").is_some());
}

// ------------------------------------------------------------ assertion

fn assertion_parts(got: &Received) -> (serde_json::Value, serde_json::Value, String, String) {
    let jws = got.header("edge-login-assertion").expect("an assertion");
    let parts: Vec<&str> = jws.split('.').collect();
    assert_eq!(parts.len(), 3);
    (
        b64_json(parts[0]),
        b64_json(parts[1]),
        format!("{}.{}", parts[0], parts[1]),
        parts[2].to_string(),
    )
}

#[test]
fn the_assertion_is_signed_by_the_signing_key_and_names_it() {
    let p = platform(vec![]);
    forward(&p, &backend_config(), "GET", "/api/notes", &token());
    let (header, _, input, signature) = assertion_parts(&only_received(&p));
    assert_eq!(
        header,
        serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": key(P256_PEM).kid()})
    );
    let expected =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(fake_signature(input.as_bytes()));
    assert_eq!(signature, expected);
}

#[test]
fn the_assertion_s_claims() {
    let p = platform(vec![]);
    forward(&p, &backend_config(), "GET", "/api/notes", &token());
    let (_, claims, _, _) = assertion_parts(&only_received(&p));
    assert_eq!(claims["iss"], ORIGIN);
    assert_eq!(claims["aud"], ORIGIN);
    assert_eq!(claims["sub"], "42");
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["name"], "Ada");
    assert_eq!(claims["auth_time"], NOW - 100);
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 60);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 22));
    assert!(claims.get("sid").is_none(), "a stateless token has no sid");
}

#[test]
fn the_assertion_s_audience_is_assertion_audience_when_set() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("BACKEND_URL", API),
        ("ASSERTION_KEY", P256_PEM),
        ("ASSERTION_AUDIENCE", "notes-api"),
    ]));
    forward(&p, &config, "GET", "/api/notes", &token());
    let (_, claims, _, _) = assertion_parts(&only_received(&p));
    assert_eq!(claims["aud"], "notes-api");
}

#[test]
fn each_assertion_has_its_own_jti() {
    let p = platform(vec![]);
    let t = token();
    forward(&p, &backend_config(), "GET", "/api/a", &t);
    forward(&p, &backend_config(), "GET", "/api/b", &t);
    let got = received(&p);
    let (_, first, _, _) = assertion_parts(&got[0]);
    let (_, second, _, _) = assertion_parts(&got[1]);
    assert_ne!(first["jti"], second["jti"]);
}

// ------------------------------------------------------------ refusals

#[test]
fn refused_requests_never_reach_the_backend() {
    let expired = crate::testkit::mint_session(&secret(), USERINFO, NOW - 100, NOW - 700_000);
    let cases: [(Option<String>, &str); 4] = [
        (None, "invalid_token"),
        (Some("Bearer nope".into()), "invalid_token"),
        (Some(format!("Bearer {expired}")), "token_expired"),
        (Some("Basic abc".into()), "invalid_token"),
    ];
    for (authorization, code) in cases {
        let p = platform(vec![]);
        let h = RequestHead {
            authorization,
            ..head("POST", "/api/notes")
        };
        let o = send(&p, &backend_config(), &h, FakeBody::default());
        assert_eq!(o.response.status, 401, "{code}");
        assert_eq!(error_code(&o), code);
        assert!(o.response.get_header("www-authenticate").is_some());
        assert!(received(&p).is_empty(), "{code}: the backend got it");
    }
}

#[test]
fn an_account_taken_off_the_allow_lists_never_reaches_the_backend() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("BACKEND_URL", API),
        ("ASSERTION_KEY", P256_PEM),
        ("ALLOWED_EMAILS", "someone@else.example"),
    ]));
    let o = forward(&p, &config, "GET", "/api/notes", &token());
    assert_eq!(o.response.status, 403);
    assert!(received(&p).is_empty());
}

#[test]
fn a_token_with_no_user_is_refused() {
    let p = platform(vec![]);
    let nobody = crate::testkit::mint_session(&secret(), r#"{"email":"a@b.example"}"#, NOW, NOW);
    let o = forward(&p, &backend_config(), "GET", "/api/notes", &nobody);
    assert_eq!(error_code(&o), "invalid_token");
    assert!(received(&p).is_empty());
}

#[test]
fn with_a_store_an_ended_session_is_cut_off_at_its_next_request() {
    let p = FakePlatform::new(
        FakeHttp::by_path(vec![
            ("/token", 200, token_answer(Some(&good_id_token())).1),
            ("/v1/userinfo", 200, USERINFO.into()),
        ]),
        NOW,
    )
    .with_store();
    let config = backend_config();
    let (cookie, state) = started(&p, &config);
    let signed = call(&p, &config, &login_head(&cookie), &login_body(&state));
    let t = json(&signed)["auth_token"].as_str().unwrap().to_string();
    forward(&p, &config, "GET", "/api/notes", &t);
    let (_, claims, _, _) = assertion_parts(&only_received(&p));
    assert!(claims["sid"].as_str().is_some(), "the sid is in the claims");
    let out = send(
        &p,
        &config,
        &bearer_head("POST", "/logout", &t),
        FakeBody::default(),
    );
    assert_eq!(out.response.status, 200);
    let o = forward(&p, &config, "GET", "/api/notes", &t);
    assert_eq!(error_code(&o), "session_ended");
    assert_eq!(
        o.response.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
    assert_eq!(
        received(&p).len(),
        1,
        "the backend got the ended session's request"
    );
}

#[test]
fn a_failing_store_is_503_and_reaches_nothing() {
    let p = platform(vec![]).with_store();
    let sid = "s".repeat(22);
    let t = crate::auth::session::issue(
        &crate::token::Keyring::new(&secret(), &[]),
        USERINFO,
        NOW,
        Some(&sid),
        NOW,
    );
    if let Some(store) = &p.store {
        store.fail_with(crate::store::StoreError::Timeout);
    }
    let o = forward(&p, &backend_config(), "GET", "/api/notes", &t);
    assert_eq!(o.response.status, 503);
    assert!(received(&p).is_empty());
}

// ------------------------------------------------------------ bindings first

fn misconfigured(o: &Outcome) -> String {
    assert_eq!(o.response.status, 500);
    assert_eq!(error_code(o), "server_misconfigured");
    json(o)["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn backend_url_must_be_https_or_loopback_http_checked_before_the_token() {
    for url in ["http://api.example", "ftp://api.example", "not a url"] {
        let p = platform(vec![]);
        let config = config_from(&bindings_with(&[
            ("BACKEND_URL", url),
            ("ASSERTION_KEY", P256_PEM),
        ]));
        let o = forward(&p, &config, "GET", "/api/notes", "bad-token");
        assert!(misconfigured(&o).contains("BACKEND_URL"), "{url}");
        assert!(received(&p).is_empty());
    }
}

#[test]
fn loopback_http_backend_url_is_allowed() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("BACKEND_URL", "http://127.0.0.1:5001/"),
        ("ASSERTION_KEY", P256_PEM),
    ]));
    forward(&p, &config, "GET", "/api/notes", &token());
    assert_eq!(only_received(&p).url, "http://127.0.0.1:5001/api/notes");
}

#[test]
fn backend_url_without_assertion_key_is_misconfigured() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[("BACKEND_URL", API)]));
    let o = forward(&p, &config, "GET", "/api/notes", &token());
    assert!(misconfigured(&o).contains("ASSERTION_KEY"));
    assert!(received(&p).is_empty());
}

#[test]
fn a_key_that_is_no_p256_pkcs8_pem_is_misconfigured() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("BACKEND_URL", API),
        (
            "ASSERTION_KEY",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        ),
    ]));
    let o = forward(&p, &config, "GET", "/api/notes", "bad-token");
    let message = misconfigured(&o);
    assert!(message.contains("ASSERTION_KEY"), "{message}");
    assert!(!message.contains("AAAA"), "{message}");
}

#[test]
fn a_key_the_runtime_refuses_is_misconfigured_before_the_token() {
    let mut p = platform(vec![]);
    p.keys_refused = true;
    let o = forward(&p, &backend_config(), "GET", "/api/notes", "bad-token");
    assert!(misconfigured(&o).contains("ASSERTION_KEY"));
    assert!(received(&p).is_empty());
}

#[test]
fn a_bad_fallback_key_is_misconfigured_naming_it() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("BACKEND_URL", API),
        ("ASSERTION_KEY", P256_PEM),
        ("ASSERTION_KEY_FALLBACKS", "nope"),
    ]));
    let o = forward(&p, &config, "GET", "/api/notes", &token());
    assert!(misconfigured(&o).contains("ASSERTION_KEY_FALLBACKS"));
}

#[test]
fn missing_secret_key_is_misconfigured_before_the_token() {
    let p = platform(vec![]);
    let mut b = bindings_with(&[("BACKEND_URL", API), ("ASSERTION_KEY", P256_PEM)]);
    b.remove("SECRET_KEY");
    let o = forward(&p, &config_from(&b), "GET", "/api/notes", "bad-token");
    assert!(misconfigured(&o).contains("SECRET_KEY"));
}

// ------------------------------------------------------------ /auth/check

#[test]
fn auth_check_answers_204_with_the_identity() {
    let p = platform(vec![]);
    let o = forward(&p, &backend_config(), "GET", "/auth/check", &token());
    assert_eq!(o.response.status, 204);
    assert!(o.response.body.is_empty());
    assert_eq!(o.response.get_header("content-type"), None);
    assert_eq!(o.response.get_header("x-auth-request-user"), Some("42"));
    assert_eq!(
        o.response.get_header("x-auth-request-email"),
        Some("ada@example.com")
    );
    let jws = o
        .response
        .get_header("edge-login-assertion")
        .expect("assertion");
    let claims = b64_json(jws.split('.').nth(1).expect("claims"));
    assert_eq!(claims["sub"], "42");
    assert!(received(&p).is_empty());
}

#[test]
fn auth_check_needs_no_backend_nor_key() {
    let p = platform(vec![]);
    let o = forward(&p, &good_config(), "GET", "/auth/check", &token());
    assert_eq!(o.response.status, 204);
    assert_eq!(o.response.get_header("edge-login-assertion"), None);
}

#[test]
fn auth_check_refuses_as_api_me_does() {
    let p = platform(vec![]);
    let o = forward(&p, &good_config(), "GET", "/auth/check", "nope");
    assert_eq!(o.response.status, 401);
    assert_eq!(error_code(&o), "invalid_token");
    assert!(o.response.get_header("www-authenticate").is_some());
    assert_eq!(o.response.get_header("x-auth-request-user"), None);
}

#[test]
fn auth_check_names_a_bad_key_before_the_token() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[("ASSERTION_KEY", "junk")]));
    let o = forward(&p, &config, "GET", "/auth/check", "nope");
    assert!(misconfigured(&o).contains("ASSERTION_KEY"));
}

#[test]
fn auth_check_is_get_only() {
    let p = platform(vec![]);
    let o = forward(&p, &good_config(), "POST", "/auth/check", &token());
    assert_eq!(o.response.status, 405);
}

// ------------------------------------------------------------ JWKS and config

#[test]
fn jwks_publishes_the_key_then_the_fallbacks() {
    let p = platform(vec![]);
    let config = config_from(&bindings_with(&[
        ("ASSERTION_KEY", P256_PEM),
        ("ASSERTION_KEY_FALLBACKS", P256_PEM_2),
    ]));
    let o = call(&p, &config, &head("GET", "/.well-known/jwks.json"), "");
    assert_eq!(o.response.status, 200);
    assert_eq!(
        o.response.get_header("cache-control"),
        Some("public, max-age=300")
    );
    let body = json(&o);
    let keys = body["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], key(P256_PEM).kid());
    assert_eq!(keys[1]["kid"], key(P256_PEM_2).kid());
    assert_eq!(keys[1]["x"], key(P256_PEM_2).x);
    assert_eq!(keys[0]["alg"], "ES256");
}

#[test]
fn jwks_without_a_key_is_empty() {
    let o = request(&good_config(), "GET", "/.well-known/jwks.json", "");
    assert_eq!(o.response.status, 200);
    assert_eq!(json(&o), serde_json::json!({"keys": []}));
}

#[test]
fn jwks_with_a_bad_key_is_misconfigured() {
    let config = config_from(&bindings_with(&[("ASSERTION_KEY", "junk")]));
    let o = request(&config, "GET", "/.well-known/jwks.json", "");
    assert!(misconfigured(&o).contains("ASSERTION_KEY"));
}

#[test]
fn auth_config_says_whether_a_backend_is_configured() {
    let o = request(&good_config(), "GET", "/auth/config", "");
    assert_eq!(json(&o)["backend"], false);
    let o = request(&backend_config(), "GET", "/auth/config", "");
    assert_eq!(json(&o)["backend"], true);
    let o = request(
        &good_config().with_backend_service(),
        "GET",
        "/auth/config",
        "",
    );
    assert_eq!(json(&o)["backend"], true);
}

#[test]
fn the_catch_all_takes_one_or_more_segments() {
    let table = routes::<FakePlatform>();
    let found = find(&table, "/api/notes/7/tags", "PUT").map(|(r, params)| (r.path, params));
    assert_eq!(found.ok(), Some(("/api/{rest*}", vec!["notes/7/tags"])));
    for path in ["/api/", "/api", "/apinotes"] {
        let row = find(&table, path, "GET").map(|(r, _)| r.path);
        assert_ne!(row.ok(), Some("/api/{rest*}"), "{path}");
    }
}
