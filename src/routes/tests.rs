//! The whole API on the host: a fake platform, scripted Google answers.

use super::*;
use crate::config::tests::{config_from, good_bindings, good_config};
use crate::oidc::tests::{good_id_token, token_answer, CLIENT_ID};
use crate::testkit::{block_on, jwt, Answer, FakeBody, FakeHttp, FakePlatform};
use crate::token::Keyring;

const NOW: u64 = 1_800_000_000;
const ORIGIN: &str = "https://app.example";
const USERINFO: &str =
    r#"{"sub":"42","name":"Ada","email":"ada@example.com","email_verified":true}"#;

fn platform(answers: Vec<Answer>) -> FakePlatform {
    FakePlatform::new(FakeHttp::with(answers), NOW)
}

/// Google answering a sign-in normally (with the issuer accounts.google.com).
fn google_ok() -> FakePlatform {
    platform(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
    ])
}

fn head(method: &str, path: &str) -> RequestHead {
    RequestHead {
        method: method.into(),
        path: path.into(),
        origin: ORIGIN.into(),
        content_type: Some("application/json".into()),
        ..RequestHead::default()
    }
}

fn call(p: &FakePlatform, config: &Config, head: &RequestHead, body: &str) -> Outcome {
    block_on(handle(p, config, head, FakeBody(body.as_bytes().to_vec())))
}

/// One request with Google answering normally.
fn request(config: &Config, method: &str, path: &str, body: &str) -> Outcome {
    call(&google_ok(), config, &head(method, path), body)
}

fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_slice(&o.response.body).expect("JSON body")
}

fn error_code(o: &Outcome) -> String {
    json(o)["error"].as_str().unwrap_or_default().to_string()
}

/// `/auth/start` → (cookie header for `/login`, state).
fn started(p: &FakePlatform, config: &Config) -> (String, String) {
    let o = call(p, config, &head("POST", "/auth/start"), "{}");
    assert_eq!(o.response.status, 200);
    let set_cookie = o.response.get_header("set-cookie").unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    (cookie, json(&o)["state"].as_str().unwrap().to_string())
}

fn login_head(cookie: &str) -> RequestHead {
    RequestHead {
        cookie: Some(cookie.to_string()),
        ..head("POST", "/login")
    }
}

fn login_body(state: &str) -> String {
    serde_json::json!({"authorizationCode": "4/code", "provider": "google-oauth2", "state": state})
        .to_string()
}

fn signed_in(config: &Config) -> (FakePlatform, Outcome) {
    let p = google_ok();
    let (cookie, state) = started(&p, config);
    let o = call(&p, config, &login_head(&cookie), &login_body(&state));
    (p, o)
}

#[test]
fn login_issues_token_and_user_info() {
    let (_, o) = signed_in(&good_config());
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let body = json(&o);
    assert_eq!(body["user_info"]["email"], "ada@example.com");
    let token = body["auth_token"].as_str().unwrap();
    let keyring = good_config().keyring().unwrap().clone();
    let unsigned = keyring.unsign(token, 60, NOW).unwrap();
    assert_eq!(
        String::from_utf8(unsigned.payload).unwrap(),
        format!(r#"{{"user_info":{USERINFO},"auth_time":{NOW}}}"#)
    );
}

#[test]
fn login_clears_the_signin_cookie() {
    let (_, o) = signed_in(&good_config());
    let c = o.response.get_header("set-cookie").unwrap();
    assert!(
        c.starts_with("__Host-edge-login=;") && c.contains("Max-Age=0"),
        "{c}"
    );
}

#[test]
fn login_sends_verifier_matching_the_challenge() {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let config = good_config();
    let p = google_ok();
    let o = call(&p, &config, &head("POST", "/auth/start"), "");
    let challenge = json(&o)["code_challenge"].as_str().unwrap().to_string();
    let state = json(&o)["state"].as_str().unwrap().to_string();
    let cookie = o
        .response
        .get_header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    call(&p, &config, &login_head(&cookie), &login_body(&state));
    let form: Vec<(String, String)> = oauth2::url::form_urlencoded::parse(p.http.seen()[0].body())
        .into_owned()
        .collect();
    let verifier = &form.iter().find(|(k, _)| k == "code_verifier").unwrap().1;
    let digest = Sha256::digest(verifier.as_bytes());
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest),
        challenge
    );
}

#[test]
fn login_audit_names_domain_not_address() {
    let (_, o) = signed_in(&good_config());
    let audit = o.audit.unwrap();
    assert_eq!((audit.event, audit.outcome), ("login", "ok"));
    assert_eq!(audit.email_domain.as_deref(), Some("example.com"));
    let line = serde_json::to_string(&audit).unwrap();
    assert!(!line.contains("ada@"), "{line}");
}

#[test]
fn rejects_replayed_signin() {
    let config = good_config();
    let p = platform(vec![
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
        Ok(token_answer(Some(&good_id_token()))),
        Ok((200, USERINFO.into())),
    ]);
    let (cookie, state) = started(&p, &config);
    assert_eq!(
        call(&p, &config, &login_head(&cookie), &login_body(&state))
            .response
            .status,
        200
    );
    let again = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(again.response.status, 400);
    assert_eq!(error_code(&again), "invalid_state");
}

#[test]
fn rejects_login_without_cookie() {
    let config = good_config();
    let p = google_ok();
    let (_, state) = started(&p, &config);
    let o = call(&p, &config, &head("POST", "/login"), &login_body(&state));
    assert_eq!(error_code(&o), "invalid_state");
    assert!(p.http.seen().is_empty(), "Google must not be asked");
}

#[test]
fn rejects_login_with_differing_state() {
    let config = good_config();
    let p = google_ok();
    let (cookie, _) = started(&p, &config);
    let o = call(
        &p,
        &config,
        &login_head(&cookie),
        &login_body("other-state"),
    );
    assert_eq!(error_code(&o), "invalid_state");
}

#[test]
fn rejects_login_without_state() {
    let config = good_config();
    let p = google_ok();
    let (cookie, _) = started(&p, &config);
    let o = call(
        &p,
        &config,
        &login_head(&cookie),
        r#"{"authorizationCode":"c"}"#,
    );
    assert_eq!(error_code(&o), "invalid_state");
}

#[test]
fn rejects_foreign_redirect_uri_with_a_good_state() {
    let config = good_config();
    let p = google_ok();
    let (cookie, state) = started(&p, &config);
    let body = serde_json::json!({"authorizationCode": "c", "state": state,
        "redirectUri": "https://evil.example/torii/redirect.html"});
    let o = call(&p, &config, &login_head(&cookie), &body.to_string());
    assert_eq!(error_code(&o), "redirect_uri_not_allowed");
}

#[test]
fn checks_the_state_before_the_redirect_uri() {
    let config = good_config();
    let p = google_ok();
    let (cookie, _) = started(&p, &config);
    let body = serde_json::json!({"authorizationCode": "c", "state": "not-this-browser-s",
        "redirectUri": "https://evil.example/torii/redirect.html"});
    let o = call(&p, &config, &login_head(&cookie), &body.to_string());
    assert_eq!(error_code(&o), "invalid_state");
    assert!(p.http.seen().is_empty(), "Google was asked");
}

#[test]
fn sends_own_redirect_uri_by_default() {
    let (p, _) = signed_in(&good_config());
    let form: Vec<(String, String)> = oauth2::url::form_urlencoded::parse(p.http.seen()[0].body())
        .into_owned()
        .collect();
    assert!(form.contains(&(
        "redirect_uri".to_string(),
        "https://app.example/torii/redirect.html".to_string()
    )));
}

#[test]
fn policy_refusal_is_403_and_audited() {
    let mut b = good_bindings();
    b.insert("ALLOWED_EMAIL_DOMAINS", "corp.example".into());
    let config = config_from(&b);
    let p = platform(vec![
        Ok(token_answer(Some(&jwt(&serde_json::json!({
            "iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": "42",
            "email": "ada@example.com", "email_verified": true
        }))))),
        Ok((200, USERINFO.into())),
    ]);
    let (cookie, state) = started(&p, &config);
    let o = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(o.response.status, 403);
    assert_eq!(error_code(&o), "access_denied");
    let audit = o.audit.unwrap();
    assert_eq!(
        (audit.outcome, audit.reason),
        ("refused", Some("access_denied"))
    );
}

#[test]
fn wrong_method_beats_content_type() {
    let mut h = head("GET", "/login");
    h.content_type = Some("text/plain".into());
    let o = call(&google_ok(), &good_config(), &h, "");
    assert_eq!(o.response.status, 405);
    assert_eq!(o.response.get_header("allow"), Some("POST"));
}

#[test]
fn rate_limit_beats_content_type() {
    let mut p = google_ok();
    p.limiter = Some(false);
    let mut h = head("POST", "/login");
    h.content_type = None;
    let o = call(&p, &good_config(), &h, "x");
    assert_eq!(o.response.status, 429);
    assert_eq!(o.response.get_header("retry-after"), Some("60"));
    assert_eq!(o.audit.unwrap().event, "rate_limited");
}

#[test]
fn rate_limit_spares_reauth() {
    let mut p = google_ok();
    p.limiter = Some(false);
    let o = call(&p, &good_config(), &head("POST", "/reauth"), "{}");
    assert_eq!(o.response.status, 400);
}

#[test]
fn content_type_beats_size() {
    let mut h = head("POST", "/reauth");
    h.content_type = Some("text/plain".into());
    let big = "x".repeat(MAX_BODY + 1);
    let o = call(&google_ok(), &good_config(), &h, &big);
    assert_eq!(o.response.status, 415);
}

#[test]
fn rejects_oversize_body() {
    let big = format!(r#"{{"auth_token":"{}"}}"#, "x".repeat(MAX_BODY));
    let o = request(&good_config(), "POST", "/reauth", &big);
    assert_eq!(o.response.status, 413);
    assert_eq!(error_code(&o), "payload_too_large");
}

#[test]
fn json_shape_beats_missing_binding() {
    let mut b = good_bindings();
    b.remove("SECRET_KEY");
    let o = request(&config_from(&b), "POST", "/reauth", "[]");
    assert_eq!(error_code(&o), "invalid_json");
}

#[test]
fn missing_binding_beats_state() {
    let mut b = good_bindings();
    b.remove("OAUTH2_CLIENT_SECRET");
    let o = request(&config_from(&b), "POST", "/login", &login_body("s"));
    assert_eq!(o.response.status, 500);
    let body = json(&o);
    assert_eq!(body["error"], "server_misconfigured");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("OAUTH2_CLIENT_SECRET"));
}

#[test]
fn invalid_max_token_age_is_misconfiguration() {
    let mut b = good_bindings();
    b.insert("MAX_TOKEN_AGE", "abc".into());
    let o = request(&config_from(&b), "POST", "/reauth", r#"{"auth_token":"t"}"#);
    assert_eq!(o.response.status, 500);
    assert!(json(&o)["message"]
        .as_str()
        .unwrap()
        .contains("MAX_TOKEN_AGE"));
}

#[test]
fn auth_config_needs_only_client_id() {
    let mut b = good_bindings();
    b.remove("SECRET_KEY");
    b.remove("OAUTH2_CLIENT_SECRET");
    let o = request(&config_from(&b), "GET", "/auth/config", "");
    assert_eq!(o.response.status, 200);
    assert_eq!(
        json(&o),
        serde_json::json!({
            "client_id": CLIENT_ID,
            "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
            "scope": "openid email profile",
            "redirect_path": "/torii/redirect.html"
        })
    );
}

#[test]
fn auth_start_accepts_bodiless_post() {
    let mut h = head("POST", "/auth/start");
    h.content_type = None;
    let o = call(&google_ok(), &good_config(), &h, "");
    assert_eq!(o.response.status, 200);
    let cookie = o.response.get_header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
}

#[test]
fn auth_start_rejects_text_body() {
    let mut h = head("POST", "/auth/start");
    h.content_type = Some("text/plain".into());
    let o = call(&google_ok(), &good_config(), &h, "hi");
    assert_eq!(o.response.status, 415);
}

#[test]
fn reauth_returns_young_token_and_user_info() {
    let (_, o) = signed_in(&good_config());
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let body = serde_json::json!({ "auth_token": token }).to_string();
    let r = request(&good_config(), "POST", "/reauth", &body);
    assert_eq!(r.response.status, 200);
    assert_eq!(json(&r)["auth_token"], token.as_str());
    assert_eq!(json(&r)["user_info"]["name"], "Ada");
}

#[test]
fn reauth_rejects_garbage_token() {
    let r = request(
        &good_config(),
        "POST",
        "/reauth",
        r#"{"auth_token":"nope"}"#,
    );
    assert_eq!(r.response.status, 401);
    assert_eq!(error_code(&r), "invalid_token");
    assert_eq!(r.response.get_header("www-authenticate"), None);
}

/// `GET /api/me` with the given `Authorization` header.
fn me(authorization: Option<&str>) -> Outcome {
    let h = RequestHead {
        authorization: authorization.map(String::from),
        ..head("GET", "/api/me")
    };
    call(&google_ok(), &good_config(), &h, "")
}

#[test]
fn me_answers_user_info_for_bearer_token() {
    let (_, o) = signed_in(&good_config());
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let r = me(Some(&format!("Bearer {token}")));
    assert_eq!(r.response.status, 200);
    assert_eq!(json(&r)["user_info"]["email"], "ada@example.com");
}

#[test]
fn me_without_credentials_gets_bare_challenge() {
    let r = me(None);
    assert_eq!(r.response.status, 401);
    assert_eq!(
        r.response.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login""#)
    );
}

#[test]
fn me_with_basic_credentials_gets_bare_challenge() {
    assert_eq!(
        me(Some("Basic YTpi"))
            .response
            .get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login""#)
    );
}

#[test]
fn me_with_bad_token_names_invalid_token() {
    assert_eq!(
        me(Some("Bearer a.b.c"))
            .response
            .get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
}

#[test]
fn unknown_api_path_is_404() {
    for path in ["/api/other", "/api/", "/auth/nope"] {
        let r = call(&google_ok(), &good_config(), &head("GET", path), "");
        assert_eq!(r.response.status, 404, "{path}");
        assert_eq!(error_code(&r), "not_found");
    }
}

#[test]
fn static_paths_are_not_api_routes() {
    for path in [
        "/",
        "/torii/redirect.html",
        "/loginx",
        "/apix",
        "/authority",
    ] {
        assert!(!api_path::<FakePlatform>(path), "{path}");
    }
}

#[test]
fn api_paths_are_the_worker_s() {
    for path in [
        "/login",
        "/reauth",
        "/api",
        "/api/me",
        "/api/x/y",
        "/auth",
        "/auth/nope",
    ] {
        assert!(api_path::<FakePlatform>(path), "{path}");
    }
}

#[test]
fn bearer_parsing() {
    let none = Err(AuthError::InvalidToken { presented: false });
    assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
    assert_eq!(bearer_token(Some("bearer  abc ")), Ok("abc"));
    assert_eq!(bearer_token(Some("Bearer")), none);
    assert_eq!(bearer_token(Some("Bearer a b")), none);
    assert_eq!(bearer_token(Some("Basic abc")), none);
    assert_eq!(bearer_token(None), none);
}

/// A token of the classic Flask backend, minted by itsdangerous 2.2.0
/// (`TimedSerializer`, HMAC-SHA1) and recorded in tests/vectors.
fn flask_vector() -> (String, String, u64, u64) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/itsdangerous.json"
    );
    let text = std::fs::read_to_string(path).expect("the itsdangerous vectors");
    let all: serde_json::Value = serde_json::from_str(&text).expect("vectors are JSON");
    let v = all["vectors"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["name"] == "flask_plain"))
        .expect("the flask_plain vector");
    let field = |k: &str| v[k].as_str().expect(k).to_string();
    let number = |k: &str| v[k].as_u64().expect(k);
    (
        field("token"),
        field("signed_with"),
        number("timestamp"),
        number("now"),
    )
}

/// The Flask-era key as a fallback beside a current key of today's length.
fn flask_config(accept: bool) -> Config {
    let (_, flask_key, _, _) = flask_vector();
    let mut b = good_bindings();
    b.insert("SECRET_KEY_FALLBACKS", flask_key);
    b.insert("MAX_TOKEN_AGE", "86400".into());
    if accept {
        b.insert("ACCEPT_FLASK_TOKENS", "true".into());
    }
    config_from(&b)
}

fn reauth_at(config: &Config, now: u64, token: &str) -> Outcome {
    let p = google_ok();
    p.now.set(now);
    let body = serde_json::json!({ "auth_token": token }).to_string();
    call(&p, config, &head("POST", "/reauth"), &body)
}

#[test]
fn reauth_upgrades_a_flask_token_when_allowed() {
    let (token, _, minted_at, now) = flask_vector();
    let config = flask_config(true);
    let o = reauth_at(&config, now, &token);
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let body = json(&o);
    assert_eq!(body["user_info"]["email"], "jane.doe@example.com");
    let new_token = body["auth_token"].as_str().unwrap();
    assert_ne!(new_token, token);
    // The new token is today's format under the current key alone, and the
    // session counts from the old token's timestamp.
    let current_only = Keyring::new(good_bindings()["SECRET_KEY"].as_str(), &[]);
    let unsigned = current_only.unsign(new_token, 60, now).unwrap();
    let payload: serde_json::Value = serde_json::from_slice(&unsigned.payload).unwrap();
    assert_eq!(payload["auth_time"], minted_at);
    assert_eq!(payload["user_info"], body["user_info"]);
    assert_eq!(o.audit.map(|a| a.renewed), Some(Some(true)));
}

#[test]
fn reauth_refuses_a_flask_token_unless_allowed() {
    let (token, _, _, now) = flask_vector();
    let o = reauth_at(&flask_config(false), now, &token);
    assert_eq!(o.response.status, 401);
    assert_eq!(error_code(&o), "invalid_token");
}

#[test]
fn api_me_never_takes_a_flask_token() {
    let (token, _, _, now) = flask_vector();
    let p = google_ok();
    p.now.set(now);
    let h = RequestHead {
        authorization: Some(format!("Bearer {token}")),
        ..head("GET", "/api/me")
    };
    let o = call(&p, &flask_config(true), &h, "");
    assert_eq!(error_code(&o), "invalid_token");
}
