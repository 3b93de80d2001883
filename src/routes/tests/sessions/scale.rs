//! The store at scale through the API: one store call per sign-in, in the
//! user's own object; the cap; a Flask token upgraded once; a sid without a
//! store; the answers a failing store gets on each route.

use super::*;

#[test]
fn login_makes_one_store_call_to_the_users_object() {
    let p = with_store();
    sign_in(&p);
    assert_eq!(*store(&p).calls.borrow(), vec!["user:42".to_string()]);
}

#[test]
fn a_replayed_login_creates_nothing_and_is_invalid_state() {
    let p = with_store();
    let config = good_config();
    let (cookie, state) = started(&p, &config);
    assert_eq!(
        call(&p, &config, &login_head(&cookie), &login_body(&state))
            .response
            .status,
        200
    );
    let replay = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_error(&replay, 400, "invalid_state");
    assert_eq!(store(&p).session_count(), 1);
}

#[test]
fn the_101st_sign_in_ends_the_least_recently_seen_session() {
    let p = with_store();
    let first = sign_in(&p);
    for n in 1..=100u64 {
        p.set_now(NOW + n);
        sign_in(&p);
    }
    assert_eq!(store(&p).session_count(), 100);
    assert_error(&me(&p, &first), 401, "session_ended");
}

#[test]
fn login_failing_on_the_store_says_start_again() {
    let p = with_store();
    store(&p).fail_with(StoreError::Timeout);
    let o = sign_in_with(&p, &good_config(), None);
    assert_error(&o, 503, "store_unavailable");
    assert_eq!(o.response.get_header("retry-after"), Some("5"));
    let message = json(&o)["message"].as_str().unwrap().to_string();
    assert!(message.contains("sign in again"), "{message}");
}

#[test]
fn routes_of_a_failing_store_say_try_again_with_retry_after() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Unavailable("threw".into()));
    for o in [
        reauth(&p, &good_config(), &token),
        me(&p, &token),
        logout(&p, &token),
        list(&p, &token),
        end_all(&p, &token),
        end_one(&p, &token, &sid_of(&token)),
    ] {
        assert_error(&o, 503, "store_unavailable");
        assert_eq!(o.response.get_header("retry-after"), Some("5"));
    }
    // Nothing the client holds was lost.
    *store(&p).fail.borrow_mut() = None;
    assert_eq!(me(&p, &token).response.status, 200);
}

#[test]
fn an_overloaded_store_is_not_asked_again_within_seconds() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Overloaded("overloaded".into()));
    let o = me(&p, &token);
    assert_error(&o, 503, "store_unavailable");
    assert_eq!(o.response.get_header("retry-after"), Some("60"));
}

// ------------------------------------------------------------ a sid without a store

#[test]
fn a_token_with_a_sid_is_session_ended_without_a_store() {
    let p = with_store();
    let token = sign_in(&p);
    let stateless = google_ok();
    assert_error(&me(&stateless, &token), 401, "session_ended");
    assert_error(
        &reauth(&stateless, &good_config(), &token),
        401,
        "session_ended",
    );
}

#[test]
fn a_token_without_a_sid_is_accepted_without_a_store() {
    let p = google_ok();
    let token = mint(USERINFO, NOW, None, NOW);
    assert_eq!(me(&p, &token).response.status, 200);
    assert_eq!(reauth(&p, &good_config(), &token).response.status, 200);
}

// ------------------------------------------------------------ Flask tokens

/// The user of the Flask vector's token.
const FLASK_USER: &str = "110169484474386276334";

fn flask_platform() -> (FakePlatform, String) {
    let (token, _, _, now) = super::restore::flask_vector();
    (FakePlatform::new(google_always(), now).with_store(), token)
}

#[test]
fn a_flask_token_is_upgraded_once() {
    let (p, token) = flask_platform();
    let config = super::restore::flask_config(true);
    assert_eq!(reauth(&p, &config, &token).response.status, 200);
    assert_error(&reauth(&p, &config, &token), 401, "session_ended");
    assert_eq!(store(&p).session_count(), 1);
}

#[test]
fn no_flask_token_is_upgraded_after_signing_out_everywhere() {
    let (p, token) = flask_platform();
    let config = super::restore::flask_config(true);
    // A session of the same user (the vector's), signed in today.
    let now = p.now.get();
    let sid = crate::store::new_session_id().unwrap();
    let record = SessionRecord {
        id: sid.clone(),
        user: FLASK_USER.into(),
        created_at: now,
        last_seen_at: now,
        user_agent: "today".into(),
    };
    let created = block_on(Client::new(store(&p)).sign_in(record, "a state", now + 600));
    assert_eq!(created, Ok(true));
    let user_info = format!(r#"{{"sub":"{FLASK_USER}"}}"#);
    let today = mint(&user_info, now, Some(&sid), now);
    let out = with_token(&p, &config, "DELETE", "/auth/sessions", &today);
    assert_eq!(ended(&out), 1);
    p.set_now(p.now.get() + 1);
    assert_error(&reauth(&p, &config, &token), 401, "session_ended");
    assert_eq!(store(&p).session_count(), 0);
}

// ------------------------------------------------------------ smaller points

#[test]
fn logout_with_an_invalid_max_token_age_is_500_naming_it() {
    let p = with_store();
    let token = sign_in(&p);
    let mut b = good_bindings();
    b.insert("MAX_TOKEN_AGE", "abc".into());
    let o = with_token(&p, &config_from(&b), "POST", "/logout", &token);
    assert_error(&o, 500, "server_misconfigured");
    assert!(json(&o)["message"]
        .as_str()
        .unwrap()
        .contains("MAX_TOKEN_AGE"));
}

#[test]
fn login_with_an_empty_sub_is_502_and_creates_nothing() {
    let id_token = jwt(&serde_json::json!({
        "iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": "",
        "email": "ada@example.com", "email_verified": true, "exp": NOW + 3600,
    }));
    let http = FakeHttp::by_path(vec![
        ("/token", 200, token_answer(Some(&id_token)).1),
        ("/v1/userinfo", 200, USERINFO.into()),
    ]);
    let p = FakePlatform::new(http, NOW).with_store();
    let o = sign_in_with(&p, &good_config(), None);
    assert_error(&o, 502, "upstream_error");
    assert_eq!(store(&p).session_count(), 0);
}

#[test]
fn session_routes_without_a_store_log_the_binding_they_miss() {
    let p = google_ok();
    let token = mint(USERINFO, NOW, None, NOW);
    for (method, path) in [("POST", "/logout"), ("GET", "/auth/sessions")] {
        let o = with_token(&p, &good_config(), method, path, &token);
        let audit = o.audit.expect("a 500 is logged");
        assert!(
            audit.detail.as_deref().unwrap_or("").contains("SESSIONS"),
            "{method} {path}: {audit:?}"
        );
    }
}

#[test]
fn a_session_not_renewed_within_max_token_age_is_not_listed() {
    let p = with_store();
    sign_in(&p);
    let fresh = sign_in(&p);
    let limits = store(&p).limits;
    // The second is renewed past half its life; the first is never used again.
    p.set_now(NOW + limits.max_token_age / 2 + 1);
    let renewed = reauth(&p, &good_config(), &fresh);
    let fresh = json(&renewed)["auth_token"].as_str().unwrap().to_string();
    // Seconds after the idle one's last token expired, not minutes.
    p.set_now(NOW + limits.max_token_age + 6);
    let o = list(&p, &fresh);
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let ids: Vec<String> = json(&o)["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![sid_of(&fresh)]);
}

#[test]
fn a_renewal_records_when_its_token_was_signed() {
    let p = with_store();
    let token = sign_in(&p);
    let limits = store(&p).limits;
    // Past half its life: /reauth answers a new token signed now, and the
    // store's last_seen_at is now, though the last touch was under a minute ago.
    p.set_now(NOW + limits.max_token_age / 2 + 1);
    assert_eq!(me(&p, &token).response.status, 200);
    p.set_now(NOW + limits.max_token_age / 2 + 30);
    let o = reauth(&p, &good_config(), &token);
    assert_eq!(o.response.status, 200);
    assert_ne!(json(&o)["auth_token"].as_str().unwrap(), token);
    let objects = store(&p).objects.borrow();
    assert_eq!(
        objects["user:42"].sessions[0].last_seen_at,
        NOW + limits.max_token_age / 2 + 30
    );
}
