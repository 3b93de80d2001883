use super::*;

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
            "email": "ada@example.com", "email_verified": true, "exp": crate::providers::tests::google::EXP
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
            "redirect_path": "/torii/redirect.html",
            "sessions": false,
            "providers": [{
                "name": "google-oauth2", "label": "Google", "client_id": CLIENT_ID,
                "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
                "scope": "openid email profile"
            }],
            "backend": false
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
