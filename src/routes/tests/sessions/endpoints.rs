use super::*;

// ------------------------------------------------------------ POST /logout

#[test]
fn logout_ends_the_session_then_answers_zero() {
    let p = with_store();
    let token = sign_in(&p);
    assert_eq!(ended(&logout(&p, &token)), 1);
    assert_eq!(ended(&logout(&p, &token)), 0);
}

#[test]
fn logout_takes_a_token_past_its_age() {
    let p = with_store();
    let sid = sid_of(&sign_in(&p));
    let old = NOW - crate::config::DEFAULT_MAX_TOKEN_AGE - 100;
    let token = mint(USERINFO, NOW, Some(&sid), old);
    assert_error(&reauth(&p, &good_config(), &token), 401, "token_expired");
    assert_eq!(ended(&logout(&p, &token)), 1);
}

#[test]
fn logout_takes_a_token_of_an_account_no_longer_allowed() {
    let p = with_store();
    let token = sign_in(&p);
    let o = with_token(
        &p,
        &only_allowing("eve@example.com"),
        "POST",
        "/logout",
        &token,
    );
    assert_eq!(ended(&o), 1);
}

#[test]
fn logout_checks_the_signature() {
    let p = with_store();
    let sid = sid_of(&sign_in(&p));
    let forged = session::issue(&Keyring::new("guess", &[]), USERINFO, NOW, Some(&sid), NOW);
    let o = logout(&p, &forged);
    assert_error(&o, 401, "invalid_token");
    assert_eq!(
        o.response.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
    assert_error(
        &call(&p, &good_config(), &head("POST", "/logout"), ""),
        401,
        "invalid_token",
    );
    assert_eq!(store(&p).session_count(), 1);
}

#[test]
fn logout_of_a_token_without_sid_answers_zero() {
    let p = with_store();
    assert_eq!(ended(&logout(&p, &mint(USERINFO, NOW, None, NOW))), 0);
}

#[test]
fn logout_takes_an_empty_body_or_a_json_object() {
    let p = with_store();
    let token = sign_in(&p);
    let h = RequestHead {
        content_type: Some("application/json".into()),
        ..bearer("POST", "/logout", &token)
    };
    assert_eq!(ended(&call(&p, &good_config(), &h, r#"{"x":1}"#)), 1);
    assert_error(&call(&p, &good_config(), &h, "[1]"), 400, "invalid_json");
}

#[test]
fn logout_audit_line_has_the_count_and_no_token_or_sid() {
    let p = with_store();
    let token = sign_in(&p);
    let o = logout(&p, &token);
    let audit = o.audit.expect("an audit line");
    assert_eq!((audit.event, audit.sessions_ended), ("logout", Some(1)));
    let line = serde_json::to_string(&audit).unwrap();
    assert!(
        !line.contains(&sid_of(&token)) && !line.contains(&token),
        "{line}"
    );
}

#[test]
fn logout_answers_503_when_the_store_is_down() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::BadAnswer("html".into()));
    assert_error(&logout(&p, &token), 503, "store_unavailable");
}

// ------------------------------------------------------------ /auth/sessions

#[test]
fn list_marks_the_current_session_and_shows_the_most_recently_seen_first() {
    let p = with_store();
    let first = sign_in(&p);
    p.set_now(NOW + 300);
    let second = sign_in(&p);
    p.set_now(NOW + 330);
    let o = list(&p, &second);
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let sessions = json(&o)["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["id"], sid_of(&second).as_str());
    assert_eq!(sessions[0]["current"], true);
    assert_eq!(sessions[1]["id"], sid_of(&first).as_str());
    assert_eq!(sessions[1]["current"], false);
    assert_eq!(sessions[1]["user_agent"], "Firefox");
    assert_eq!(sessions[1]["created_at"], NOW);
    assert_eq!(sessions[1]["last_seen_at"], NOW);
    let keys: Vec<&String> = sessions[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["created_at", "current", "id", "last_seen_at", "user_agent"]
    );
}

#[test]
fn list_leaves_out_other_users_sessions() {
    let p = with_store();
    let token = sign_in(&p);
    let (_, bobs_sid) = bobs_session(&p);
    let o = list(&p, &token);
    let body = json(&o);
    let ids: Vec<&str> = body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [sid_of(&token)]);
    assert!(!ids.contains(&bobs_sid.as_str()));
}

#[test]
fn list_of_an_ended_session_is_session_ended() {
    let p = with_store();
    let token = sign_in(&p);
    logout(&p, &token);
    assert_error(&list(&p, &token), 401, "session_ended");
}

#[test]
fn end_one_ends_another_device_and_keeps_the_caller() {
    let p = with_store();
    let (a, b) = (sign_in(&p), sign_in(&p));
    let o = end_one(&p, &a, &sid_of(&b));
    assert_eq!(ended(&o), 1);
    assert_eq!(o.audit.unwrap().event, "session_ended");
    assert_error(&me(&p, &b), 401, "session_ended");
    assert_eq!(me(&p, &a).response.status, 200);
}

#[test]
fn end_one_of_another_users_session_is_404_and_it_survives() {
    let p = with_store();
    let token = sign_in(&p);
    let (bobs_token, bobs_sid) = bobs_session(&p);
    assert_error(&end_one(&p, &token, &bobs_sid), 404, "not_found");
    assert_eq!(me(&p, &bobs_token).response.status, 200);
}

#[test]
fn end_one_of_an_unknown_id_is_404() {
    let p = with_store();
    let token = sign_in(&p);
    assert_error(
        &end_one(&p, &token, "AAAAAAAAAAAAAAAAAAAAAA"),
        404,
        "not_found",
    );
    assert_error(&end_one(&p, &token, "not-an-id"), 404, "not_found");
}

#[test]
fn end_one_may_end_the_callers_own_session() {
    let p = with_store();
    let token = sign_in(&p);
    assert_eq!(ended(&end_one(&p, &token, &sid_of(&token))), 1);
    assert_error(&me(&p, &token), 401, "session_ended");
}

#[test]
fn end_all_ends_every_session_of_the_user_only() {
    let p = with_store();
    let tokens = [sign_in(&p), sign_in(&p), sign_in(&p)];
    let (bobs_token, _) = bobs_session(&p);
    let o = end_all(&p, &tokens[1]);
    assert_eq!(ended(&o), 3);
    let audit = o.audit.unwrap();
    assert_eq!(
        (audit.event, audit.sessions_ended),
        ("sessions_ended_all", Some(3))
    );
    for t in &tokens {
        assert_error(&me(&p, t), 401, "session_ended");
    }
    assert_eq!(me(&p, &bobs_token).response.status, 200);
}

#[test]
fn session_routes_answer_503_when_the_store_is_down() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Timeout);
    for o in [
        list(&p, &token),
        end_all(&p, &token),
        end_one(&p, &token, &sid_of(&token)),
    ] {
        assert_error(&o, 503, "store_unavailable");
        assert_eq!(o.response.get_header("retry-after"), Some("5"));
    }
}

#[test]
fn session_routes_without_a_store_are_500_naming_sessions() {
    let p = google_ok();
    let token = mint(USERINFO, NOW, None, NOW);
    for (method, path) in [
        ("POST", "/logout"),
        ("GET", "/auth/sessions"),
        ("DELETE", "/auth/sessions"),
        ("DELETE", "/auth/sessions/AAAAAAAAAAAAAAAAAAAAAA"),
    ] {
        let o = with_token(&p, &good_config(), method, path, &token);
        assert_error(&o, 500, "server_misconfigured");
        assert!(
            json(&o)["message"].as_str().unwrap().contains("SESSIONS"),
            "{method} {path}"
        );
    }
}

#[test]
fn session_routes_allow_their_methods_only() {
    let p = with_store();
    let o = call(&p, &good_config(), &head("PUT", "/auth/sessions"), "");
    assert_eq!(o.response.status, 405);
    assert_eq!(o.response.get_header("allow"), Some("GET, DELETE"));
    let o = call(&p, &good_config(), &head("GET", "/auth/sessions/abc"), "");
    assert_eq!(o.response.get_header("allow"), Some("DELETE"));
    let o = call(&p, &good_config(), &head("GET", "/logout"), "");
    assert_eq!(o.response.get_header("allow"), Some("POST"));
}

#[test]
fn auth_config_says_whether_sessions_are_on() {
    let on = call(
        &with_store(),
        &good_config(),
        &head("GET", "/auth/config"),
        "",
    );
    assert_eq!(json(&on)["sessions"], true);
    let off = call(
        &google_ok(),
        &good_config(),
        &head("GET", "/auth/config"),
        "",
    );
    assert_eq!(json(&off)["sessions"], false);
}
