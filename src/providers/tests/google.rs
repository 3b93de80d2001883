use crate::config::Secret;
use crate::providers::google::*;
use crate::providers::*;
use crate::testkit::{block_on, jwt, FakeHttp};

pub const CLIENT_ID: &str = "client-123.apps.example";
pub const ISSUER: &str = "https://accounts.google.com";
/// The clock of these tests and of the routes' (`routes::tests::NOW`).
pub const NOW: u64 = 1_800_000_000;
/// Google's id_tokens live an hour.
pub const EXP: u64 = NOW + 3600;

fn issuers() -> Vec<String> {
    vec![ISSUER.to_string(), "accounts.google.com".to_string()]
}

static SECRET: std::sync::LazyLock<Secret> = std::sync::LazyLock::new(|| Secret::new("shh"));

fn exchange<'a>(issuers: &'a [String]) -> Exchange<'a> {
    Exchange {
        client_id: CLIENT_ID,
        client_secret: &SECRET,
        token_url: "https://oauth2.example/token",
        userinfo_url: "https://oauth2.example/userinfo",
        issuers,
        redirect_uri: "https://app.example/torii/redirect.html",
        code: "4/code",
        pkce_verifier: Some("verifier-verifier-verifier-verifier-verifier-123"),
        now: NOW,
    }
}

pub fn good_id_token() -> String {
    jwt(&serde_json::json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "42",
        "email": "ada@example.com", "email_verified": true, "hd": "example.com",
        "exp": EXP
    }))
}

pub fn token_answer(id_token: Option<&str>) -> (u16, String) {
    let mut body = serde_json::json!({
        "access_token": "ya29.access", "token_type": "Bearer", "expires_in": 3599,
        "scope": "openid email profile"
    });
    if let Some(t) = id_token {
        body["id_token"] = t.into();
    }
    (200, body.to_string())
}

const USERINFO: &str = "{\n  \"sub\": \"42\",\n  \"name\": \"Ada Lovelace\",\n  \"email\": \"ada@example.com\",\n  \"email_verified\": true\n}";

fn run(http: &FakeHttp) -> Result<Identity, ProviderError> {
    let iss = issuers();
    block_on(sign_in(http, &exchange(&iss)))
}

#[test]
fn sends_the_exact_token_request() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
    ]);
    run(&http).unwrap();
    let seen = http.seen();
    let token_req = &seen[0];
    assert_eq!(token_req.method(), oauth2::http::Method::POST);
    assert_eq!(token_req.uri(), "https://oauth2.example/token");
    assert_eq!(
        token_req.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    let form: Vec<(String, String)> = url_form(token_req.body());
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("code"), Some("4/code"));
    assert_eq!(get("client_id"), Some(CLIENT_ID));
    assert_eq!(get("client_secret"), Some("shh"));
    assert_eq!(
        get("redirect_uri"),
        Some("https://app.example/torii/redirect.html")
    );
    assert_eq!(
        get("code_verifier"),
        Some("verifier-verifier-verifier-verifier-verifier-123")
    );
    assert!(token_req.headers().get("authorization").is_none());
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    oauth2::url::form_urlencoded::parse(body)
        .into_owned()
        .collect()
}

#[test]
fn sends_access_token_to_userinfo() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
    ]);
    run(&http).unwrap();
    let req = &http.seen()[1];
    assert_eq!(req.method(), oauth2::http::Method::GET);
    assert_eq!(req.uri(), "https://oauth2.example/userinfo");
    assert_eq!(req.headers()["authorization"], "Bearer ya29.access");
}

#[test]
fn returns_userinfo_in_google_order_without_whitespace() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
    ]);
    let id = run(&http).unwrap();
    assert_eq!(
        id.user_info,
        r#"{"sub":"42","name":"Ada Lovelace","email":"ada@example.com","email_verified":true}"#
    );
    assert_eq!(id.claims.hd.as_deref(), Some("example.com"));
    assert!(id.claims.email_verified);
}

fn error_answer(status: u16, error: &str) -> Result<(u16, String), String> {
    Ok((
        status,
        format!(r#"{{"error":"{error}","error_description":"x"}}"#),
    ))
}

#[test]
fn maps_invalid_grant() {
    let http = FakeHttp::with(vec![error_answer(400, "invalid_grant")]);
    assert_eq!(run(&http).unwrap_err(), ProviderError::InvalidGrant);
}

#[test]
fn maps_invalid_client_to_misconfiguration() {
    let http = FakeHttp::with(vec![error_answer(401, "invalid_client")]);
    let err = run(&http).unwrap_err();
    assert!(matches!(err, ProviderError::ClientRejected(_)), "{err:?}");
}

#[test]
fn maps_unauthorized_client_to_misconfiguration() {
    let http = FakeHttp::with(vec![error_answer(400, "unauthorized_client")]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::ClientRejected(_)
    ));
}

#[test]
fn maps_redirect_uri_mismatch() {
    let http = FakeHttp::with(vec![error_answer(400, "redirect_uri_mismatch")]);
    assert_eq!(
        run(&http).unwrap_err(),
        ProviderError::RedirectUriNotRegistered
    );
}

#[test]
fn maps_other_oauth_error_to_upstream() {
    let http = FakeHttp::with(vec![error_answer(400, "invalid_request")]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn maps_server_error_page_to_upstream() {
    let http = FakeHttp::with(vec![Ok((503, "<html>down</html>".into()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn maps_bad_json_to_upstream() {
    let http = FakeHttp::with(vec![Ok((200, "{not json".into()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn answer_without_token_type_is_upstream() {
    // RFC 6749 §5.1: token_type is required.
    let body = serde_json::json!({"access_token": "ya29.access", "id_token": good_id_token()});
    let http = FakeHttp::with(vec![Ok((200, body.to_string()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn answer_that_is_not_json_is_upstream() {
    let http = FakeHttp::with(vec![Ok((200, "access_token=ya29.access".into()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn refusal_without_a_body_is_upstream() {
    let http = FakeHttp::with(vec![Ok((400, String::new()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn refusal_whose_description_is_not_text_is_upstream() {
    let body = r#"{"error":"invalid_grant","error_description":7}"#;
    let http = FakeHttp::with(vec![Ok((400, body.into()))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn maps_transport_error_to_upstream() {
    let http = FakeHttp::with(vec![Err("connection refused".into())]);
    let err = run(&http).unwrap_err();
    assert!(
        matches!(&err, ProviderError::Upstream(detail) if detail.contains("connection refused")),
        "{err:?}"
    );
}

#[test]
fn rejects_answer_without_id_token() {
    let http = FakeHttp::with(vec![Ok(token_answer(None))]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn rejects_userinfo_refusing_the_token() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((401, r#"{"error":"invalid_token"}"#.into())),
    ]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn rejects_userinfo_for_another_subject() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, r#"{"sub":"43","email":"eve@example.com"}"#.into())),
    ]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn rejects_userinfo_that_is_not_an_object() {
    let http = FakeHttp::with(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, "[1]".into())),
    ]);
    assert!(matches!(
        run(&http).unwrap_err(),
        ProviderError::Upstream(_)
    ));
}

#[test]
fn minify_keeps_whitespace_inside_strings() {
    assert_eq!(
        minify_json("{ \"a b\" : \"c \\\" d\" ,\n \"e\": [1, 2] }"),
        r#"{"a b":"c \" d","e":[1,2]}"#
    );
}

// The id_token's claims and their checks (OpenID Connect Core 3.1.3.7).
mod id_token;
