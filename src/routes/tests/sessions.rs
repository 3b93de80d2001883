//! The session store's part of the API (CONTRACT.md "Sessions"):
//! the sid, the session routes, `session_ended`, `503`, the allow-lists on
//! every use, and the order of the checks, over `FakeStore` (the real
//! object logic behind the real protocol).

use super::*;
use crate::auth::session;
use crate::store::{Client, SessionRecord, StoreError};

const BOB: &str = r#"{"sub":"77","name":"Bob","email":"bob@example.com"}"#;

fn secret() -> String {
    good_bindings()["SECRET_KEY"].clone()
}

/// Google answering every sign-in (by path, so any number of them).
fn google_always() -> FakeHttp {
    FakeHttp::by_path(vec![
        ("/token", 200, token_answer(Some(&good_id_token())).1),
        ("/v1/userinfo", 200, USERINFO.into()),
    ])
}

fn with_store() -> FakePlatform {
    FakePlatform::new(google_always(), NOW).with_store()
}

fn store(p: &FakePlatform) -> &FakeStore {
    p.store.as_ref().expect("a platform with a store")
}

fn payload(token: &str) -> serde_json::Value {
    let unsigned = Keyring::new(&secret(), &[])
        .unsign(token, u64::MAX, NOW + 10_000_000)
        .expect("a token of ours");
    serde_json::from_slice(&unsigned.payload).expect("JSON payload")
}

fn sid_of(token: &str) -> String {
    payload(token)["sid"].as_str().expect("a sid").to_string()
}

/// A whole sign-in on `p` from a browser sending `user_agent`: the token.
fn sign_in_with(p: &FakePlatform, config: &Config, user_agent: Option<&str>) -> Outcome {
    let (cookie, state) = started(p, config);
    let h = RequestHead {
        user_agent: user_agent.map(String::from),
        ..login_head(&cookie)
    };
    call(p, config, &h, &login_body(&state))
}

fn sign_in(p: &FakePlatform) -> String {
    let o = sign_in_with(p, &good_config(), Some("Firefox"));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    json(&o)["auth_token"].as_str().unwrap().to_string()
}

fn mint(user_info: &str, auth_time: u64, sid: Option<&str>, at: u64) -> String {
    session::issue(&Keyring::new(&secret(), &[]), user_info, auth_time, sid, at)
}

/// A live session of another user (sub 77), put in the store directly.
fn bobs_session(p: &FakePlatform) -> (String, String) {
    let sid = crate::store::new_session_id().unwrap();
    let record = SessionRecord {
        id: sid.clone(),
        user: "77".into(),
        created_at: NOW,
        last_seen_at: NOW,
        user_agent: "Bob's phone".into(),
    };
    let created = block_on(Client::new(store(p)).sign_in(record, "bob's state", NOW + 600));
    assert_eq!(created, Ok(true));
    (mint(BOB, NOW, Some(&sid), NOW), sid)
}

fn bearer(method: &str, path: &str, token: &str) -> RequestHead {
    RequestHead {
        authorization: Some(format!("Bearer {token}")),
        content_type: None,
        ..head(method, path)
    }
}

fn with_token(p: &FakePlatform, config: &Config, method: &str, path: &str, token: &str) -> Outcome {
    call(p, config, &bearer(method, path, token), "")
}

fn reauth(p: &FakePlatform, config: &Config, token: &str) -> Outcome {
    let body = serde_json::json!({ "auth_token": token }).to_string();
    call(p, config, &head("POST", "/reauth"), &body)
}

fn me(p: &FakePlatform, token: &str) -> Outcome {
    with_token(p, &good_config(), "GET", "/api/me", token)
}

fn logout(p: &FakePlatform, token: &str) -> Outcome {
    with_token(p, &good_config(), "POST", "/logout", token)
}

fn list(p: &FakePlatform, token: &str) -> Outcome {
    with_token(p, &good_config(), "GET", "/auth/sessions", token)
}

fn end_one(p: &FakePlatform, token: &str, id: &str) -> Outcome {
    with_token(
        p,
        &good_config(),
        "DELETE",
        &format!("/auth/sessions/{id}"),
        token,
    )
}

fn end_all(p: &FakePlatform, token: &str) -> Outcome {
    with_token(p, &good_config(), "DELETE", "/auth/sessions", token)
}

fn ended(o: &Outcome) -> u64 {
    assert_eq!(o.response.status, 200, "{:?}", json(o));
    json(o)["sessions_ended"].as_u64().expect("sessions_ended")
}

fn assert_error(o: &Outcome, status: u16, code: &str) {
    assert_eq!((o.response.status, error_code(o).as_str()), (status, code));
}

fn only_allowing(emails: &str) -> Config {
    let mut b = good_bindings();
    b.insert("ALLOWED_EMAILS", emails.into());
    config_from(&b)
}

// ------------------------------------------------------------ /login

#[test]
fn login_puts_a_new_sid_in_the_token_and_the_session_in_the_store() {
    let p = with_store();
    let (a, b) = (sign_in(&p), sign_in(&p));
    let (sid_a, sid_b) = (sid_of(&a), sid_of(&b));
    assert!(crate::store::is_session_id(&sid_a));
    assert_ne!(sid_a, sid_b);
    let objects = store(&p).objects.borrow();
    let sessions = &objects["user:42"].sessions;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].id, sid_a);
    assert_eq!(sessions[0].created_at, payload(&a)["auth_time"]);
    assert_eq!(sessions[0].user_agent, "Firefox");
}

#[test]
fn login_keeps_the_first_256_characters_of_the_user_agent() {
    let p = with_store();
    let ua = "é".repeat(300);
    let o = sign_in_with(&p, &good_config(), Some(&ua));
    assert_eq!(o.response.status, 200);
    let objects = store(&p).objects.borrow();
    assert_eq!(
        objects["user:42"].sessions[0].user_agent.chars().count(),
        256
    );
}

#[test]
fn login_without_a_store_puts_no_sid() {
    let (_, o) = signed_in(&good_config());
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    assert!(payload(&token).get("sid").is_none());
}

#[test]
fn login_spends_the_state_in_the_store_only() {
    let p = with_store();
    let config = good_config();
    let (cookie, state) = started(&p, &config);
    let first = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(first.response.status, 200);
    let replay = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_error(&replay, 400, "invalid_state");
    assert!(
        p.spent.borrow().is_empty(),
        "no per-isolate bookkeeping beside the store"
    );
    // One call per sign-in, to the user's own object; none to a shared one.
    assert_eq!(
        *store(&p).calls.borrow(),
        vec!["user:42".to_string(), "user:42".to_string()]
    );
    assert_eq!(store(&p).session_count(), 1, "the replay created nothing");
}

#[test]
fn login_spends_the_state_until_its_cookie_is_too_old_whenever_it_arrives() {
    let p = with_store();
    let config = good_config();
    let (cookie, state) = started(&p, &config);
    p.set_now(NOW + 300);
    let first = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(first.response.status, 200);
    let objects = store(&p).objects.borrow();
    let states: Vec<u64> = objects["user:42"]
        .spent
        .iter()
        .filter(|(key, _)| key.starts_with("state:"))
        .map(|(_, until)| *until)
        .collect();
    // Ten minutes of the cookie and a minute of slack, from the start.
    assert_eq!(states, vec![NOW + 600 + 60]);
}

#[test]
fn login_refuses_a_replay_late_in_the_sign_ins_ten_minutes() {
    let p = with_store();
    let config = good_config();
    let (cookie, state) = started(&p, &config);
    p.set_now(NOW + 10);
    let first = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(first.response.status, 200);
    p.set_now(NOW + 590);
    let replay = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_error(&replay, 400, "invalid_state");
}

#[test]
fn login_answers_503_with_retry_after_when_the_store_is_down() {
    let p = with_store();
    store(&p).fail_with(StoreError::Timeout);
    let o = sign_in_with(&p, &good_config(), None);
    assert_error(&o, 503, "store_unavailable");
    assert_eq!(o.response.get_header("retry-after"), Some("5"));
    assert_eq!(o.audit.unwrap().reason, Some("store_unavailable"));
}

#[test]
fn login_refused_by_the_account_policy_creates_no_session() {
    let p = with_store();
    let o = sign_in_with(&p, &only_allowing("eve@example.com"), None);
    assert_error(&o, 403, "access_denied");
    assert_eq!(store(&p).session_count(), 0);
}

#[test]
fn login_whose_userinfo_fails_leaves_no_session() {
    let http = FakeHttp::by_path(vec![
        ("/token", 200, token_answer(Some(&good_id_token())).1),
        ("/v1/userinfo", 500, "{}".into()),
    ]);
    let p = FakePlatform::new(http, NOW).with_store();
    let o = sign_in_with(&p, &good_config(), None);
    assert_error(&o, 502, "upstream_error");
    assert_eq!(store(&p).session_count(), 0);
}

// ------------------------------------------------------------ every use of a token

#[test]
fn reauth_accepts_a_live_session() {
    let p = with_store();
    let token = sign_in(&p);
    assert_eq!(reauth(&p, &good_config(), &token).response.status, 200);
}

#[test]
fn reauth_refuses_a_signed_out_session() {
    let p = with_store();
    let token = sign_in(&p);
    assert_eq!(ended(&logout(&p, &token)), 1);
    let o = reauth(&p, &good_config(), &token);
    assert_error(&o, 401, "session_ended");
    assert_eq!(o.response.get_header("www-authenticate"), None);
}

#[test]
fn reauth_refuses_a_minted_token_without_sid() {
    let p = with_store();
    let o = reauth(&p, &good_config(), &mint(USERINFO, NOW, None, NOW));
    assert_error(&o, 401, "session_ended");
    assert!(
        store(&p).calls.borrow().is_empty(),
        "nothing to ask the store"
    );
}

#[test]
fn reauth_refuses_a_sid_the_store_does_not_hold() {
    let p = with_store();
    let o = reauth(
        &p,
        &good_config(),
        &mint(USERINFO, NOW, Some("AAAAAAAAAAAAAAAAAAAAAA"), NOW),
    );
    assert_error(&o, 401, "session_ended");
}

#[test]
fn reauth_refuses_a_sid_of_another_user() {
    let p = with_store();
    let (_, bobs_sid) = bobs_session(&p);
    let o = reauth(
        &p,
        &good_config(),
        &mint(USERINFO, NOW, Some(&bobs_sid), NOW),
    );
    assert_error(&o, 401, "session_ended");
}

#[test]
fn reauth_renewal_keeps_the_sid() {
    let p = with_store();
    let sid = sid_of(&sign_in(&p));
    // The same session's token, issued past half of MAX_TOKEN_AGE.
    let issued = NOW - crate::config::DEFAULT_MAX_TOKEN_AGE / 2 - 10;
    let o = reauth(&p, &good_config(), &mint(USERINFO, NOW, Some(&sid), issued));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let renewed = json(&o)["auth_token"].as_str().unwrap().to_string();
    assert_eq!(payload(&renewed)["sid"], sid.as_str());
    assert_eq!(o.audit.and_then(|a| a.renewed), Some(true));
}

#[test]
fn reauth_answers_503_not_session_ended_when_the_store_is_down() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Unavailable("stub threw".into()));
    let o = reauth(&p, &good_config(), &token);
    assert_error(&o, 503, "store_unavailable");
    assert_eq!(o.response.get_header("retry-after"), Some("5"));
}

#[test]
fn reauth_upgrade_of_a_flask_token_starts_a_new_session() {
    let (token, _, minted_at, now) = super::restore::flask_vector();
    let p = FakePlatform::new(google_always(), now).with_store();
    let o = reauth(&p, &super::restore::flask_config(true), &token);
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let new_token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let sid = sid_of(&new_token);
    let objects = store(&p).objects.borrow();
    let record = &objects["user:110169484474386276334"].sessions[0];
    assert_eq!(record.id, sid);
    assert_eq!(record.created_at, minted_at);
}

#[test]
fn me_refuses_an_ended_session_with_the_invalid_token_challenge() {
    let p = with_store();
    let token = sign_in(&p);
    logout(&p, &token);
    let o = me(&p, &token);
    assert_error(&o, 401, "session_ended");
    assert_eq!(
        o.response.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
}

#[test]
fn me_answers_503_when_the_store_is_down() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Timeout);
    assert_error(&me(&p, &token), 503, "store_unavailable");
}

#[test]
fn me_keeps_last_seen_at_writing_at_most_once_a_minute() {
    let p = with_store();
    let token = sign_in(&p);
    let written = store(&p).writes();
    for t in 0..120 {
        p.set_now(NOW + t);
        assert_eq!(me(&p, &token).response.status, 200);
    }
    assert_eq!(store(&p).writes() - written, 1);
    let objects = store(&p).objects.borrow();
    assert_eq!(objects["user:42"].sessions[0].last_seen_at, NOW + 60);
}

#[test]
fn no_positive_answer_is_cached() {
    let p = with_store();
    let token = sign_in(&p);
    let before = store(&p).calls.borrow().len();
    me(&p, &token);
    me(&p, &token);
    assert_eq!(store(&p).calls.borrow().len() - before, 2);
}

// The session routes themselves: POST /logout and /auth/sessions.
mod endpoints;
// Signature and age, then the account policy, then the store.
mod order;
mod scale;
