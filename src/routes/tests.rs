//! The whole API on the host: a fake platform, scripted Google answers.

use super::*;
use crate::config::tests::{config_from, good_bindings, good_config};
use crate::providers::tests::google::{good_id_token, token_answer, CLIENT_ID};
use crate::testkit::{block_on, jwt, Answer, FakeBody, FakeHttp, FakePlatform, FakeStore};
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
    block_on(handle(
        p,
        config,
        head,
        FakeBody::new(body.as_bytes().to_vec()),
    ))
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

// By topic: signing in (/auth/start, /login, /auth/config), the order of
// the checks, restoring a session (/reauth, /api/me), the session store's
// routes and checks, hardening, the route table, the app's backend.
mod backend;
mod hardening;
mod order;
mod providers;
mod restore;
mod sessions;
mod signin;
mod table;
