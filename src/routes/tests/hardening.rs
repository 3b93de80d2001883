//! The hardening rules (CONTRACT.md ◊) through the whole API: the
//! sign-in cookie read as RFC 6265 says, the limiter's client key, the
//! `SECRET_KEY` minimum, `GOOGLE_*_URL` over https or loopback, the
//! id_token's `exp`, a future `auth_time`, the limiter's log line.

use super::*;

#[test]
fn signin_cookie_is_found_among_others() {
    let at = |cookie: &str| {
        let h = RequestHead {
            cookie: Some(cookie.to_string()),
            ..head("POST", "/login")
        };
        super::super::signin::signin_cookie(&h).map(String::from)
    };
    assert_eq!(
        at("a=1; __Host-edge-login=abc.def.ghi; b=2").as_deref(),
        Some("abc.def.ghi")
    );
    assert_eq!(
        at("\t__Host-edge-login\t=\tmine\t").as_deref(),
        Some("mine")
    );
    assert_eq!(at("a=1"), None);
    assert_eq!(at("__Host-edge-login="), None);
    assert_eq!(
        super::super::signin::signin_cookie(&head("POST", "/login")),
        None
    );
}

#[test]
fn signin_cookie_named_after_a_unicode_space_is_not_ours() {
    let at = |cookie: &str| {
        let h = RequestHead {
            cookie: Some(cookie.to_string()),
            ..head("POST", "/login")
        };
        super::super::signin::signin_cookie(&h).map(String::from)
    };
    assert_eq!(at("\u{3000}__Host-edge-login=planted"), None);
    assert_eq!(
        at("\u{a0}__Host-edge-login=planted; __Host-edge-login=mine").as_deref(),
        Some("mine")
    );
}

fn limiter_key_of(client_ip: Option<&str>) -> String {
    let mut p = google_ok();
    p.limiter = Some(true);
    let h = RequestHead {
        client_ip: client_ip.map(String::from),
        ..head("POST", "/auth/start")
    };
    call(&p, &good_config(), &h, "{}");
    let keys = p.limited_keys.borrow();
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys[0].clone()
}

#[test]
fn limiter_counts_ipv6_client_by_its_64() {
    assert_eq!(
        limiter_key_of(Some("2001:db8:1:2:aaaa::1")),
        limiter_key_of(Some("2001:db8:1:2:bbbb::2"))
    );
    assert_ne!(
        limiter_key_of(Some("2001:db8:1:2::1")),
        limiter_key_of(Some("2001:db8:1:3::1"))
    );
}

#[test]
fn limiter_counts_ipv4_client_by_its_address() {
    assert_eq!(limiter_key_of(Some("::ffff:198.51.100.9")), "198.51.100.9");
    assert_ne!(
        limiter_key_of(Some("198.51.100.9")),
        limiter_key_of(Some("198.51.100.10"))
    );
}

#[test]
fn limiter_counts_clients_without_address_together() {
    assert_eq!(limiter_key_of(None), limiter_key_of(Some("not an address")));
}

#[test]
fn login_ignores_planted_cookie_with_unicode_space_in_its_name() {
    let config = good_config();
    let p = google_ok();
    let (cookie, state) = started(&p, &config);
    // Older, so a browser sends it first; its name is not ours.
    let planted = format!("\u{a0}{cookie}x; {cookie}");
    let o = call(&p, &config, &login_head(&planted), &login_body(&state));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
}

#[test]
fn login_finds_cookie_among_others_with_tabs_around_it() {
    let config = good_config();
    let p = google_ok();
    let (cookie, state) = started(&p, &config);
    let header = format!("theme=dark;\t{cookie}\t; lang=en");
    let o = call(&p, &config, &login_head(&header), &login_body(&state));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
}

#[test]
fn limiter_error_log_line_is_json_whatever_the_error_says() {
    let detail = "binding \"LOGIN_LIMITER\" failed:\n{\"injected\":true}\\";
    let line = serde_json::to_string(&Audit::limiter_error(detail.to_string())).unwrap();
    assert!(!line.contains('\n'), "{line}");
    let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(parsed["event"], "rate_limiter_error");
    assert_eq!(parsed["detail"], detail);
    assert_eq!(parsed.get("injected"), None);
}

#[test]
fn a_failing_limiter_is_logged_and_the_sign_in_goes_on() {
    let config = good_config();
    let mut p = google_ok();
    p.limiter_fails = Some("limiter threw".into());
    let (cookie, state) = started(&p, &config);
    let o = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let logged = p.logged.borrow();
    // /auth/start and /login are both limited: one line each.
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(logged.iter().all(|a| a.event == "rate_limiter_error"
        && a.outcome == "error"
        && a.detail.as_deref() == Some("limiter threw")));
}

fn with_binding(name: &'static str, value: &str) -> Config {
    let mut b = good_bindings();
    b.insert(name, value.to_string());
    config_from(&b)
}

fn assert_misconfigured(o: &Outcome, binding: &str) {
    assert_eq!(o.response.status, 500, "{:?}", json(o));
    assert_eq!(error_code(o), "server_misconfigured");
    let message = json(o)["message"].as_str().unwrap().to_string();
    assert!(message.contains(binding), "{message}");
}

#[test]
fn short_secret_key_is_misconfiguration_on_every_route_that_needs_it() {
    let config = with_binding("SECRET_KEY", "only-31-bytes-long-0123456789ab");
    let reauth = request(&config, "POST", "/reauth", r#"{"auth_token":"t"}"#);
    assert_misconfigured(&reauth, "SECRET_KEY");
    assert_misconfigured(&request(&config, "POST", "/auth/start", "{}"), "SECRET_KEY");
    assert_misconfigured(
        &request(&config, "POST", "/login", &login_body("s")),
        "SECRET_KEY",
    );
    let h = RequestHead {
        authorization: Some("Bearer t".into()),
        ..head("GET", "/api/me")
    };
    assert_misconfigured(&call(&google_ok(), &config, &h, ""), "SECRET_KEY");
    // The key's value is never in the answer.
    assert!(!String::from_utf8_lossy(&reauth.response.body).contains("only-31"));
}

#[test]
fn secret_key_of_32_bytes_signs_in() {
    let (_, o) = signed_in(&with_binding(
        "SECRET_KEY",
        "exactly-32-bytes-long-0123456789",
    ));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
}

#[test]
fn login_refuses_google_urls_over_http_on_a_real_host() {
    for binding in ["GOOGLE_TOKEN_URL", "GOOGLE_USERINFO_URL"] {
        let o = request(
            &with_binding(binding, "http://oauth2.example/x"),
            "POST",
            "/login",
            &login_body("s"),
        );
        assert_misconfigured(&o, binding);
    }
}

#[test]
fn auth_config_refuses_auth_url_over_http_on_a_real_host() {
    let config = with_binding("GOOGLE_AUTH_URL", "http://accounts.example/auth");
    assert_misconfigured(
        &request(&config, "GET", "/auth/config", ""),
        "GOOGLE_AUTH_URL",
    );
}

#[test]
fn login_takes_google_urls_over_http_on_loopback() {
    let mut b = good_bindings();
    b.insert("GOOGLE_TOKEN_URL", "http://127.0.0.1:9400/token".into());
    b.insert(
        "GOOGLE_USERINFO_URL",
        "http://localhost:9400/userinfo".into(),
    );
    let (p, o) = signed_in(&config_from(&b));
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    assert_eq!(p.http.seen()[0].uri(), "http://127.0.0.1:9400/token");
}

#[test]
fn login_refuses_expired_id_token() {
    let p = platform(vec![
        Ok(token_answer(Some(&jwt(&serde_json::json!({
            "iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": "42",
            "email": "ada@example.com", "email_verified": true, "exp": crate::providers::tests::google::EXP - 3600 - 61
        }))))),
        Ok((200, USERINFO.into())),
    ]);
    let config = good_config();
    let (cookie, state) = started(&p, &config);
    let o = call(&p, &config, &login_head(&cookie), &login_body(&state));
    assert_eq!(o.response.status, 502);
    assert_eq!(error_code(&o), "upstream_error");
}

fn future_auth_time_token() -> String {
    let keyring = good_config().keyring().unwrap().clone();
    crate::auth::session::issue(&keyring, USERINFO, NOW + 61, None, NOW)
}

#[test]
fn me_refuses_token_with_auth_time_in_the_future() {
    let h = RequestHead {
        authorization: Some(format!("Bearer {}", future_auth_time_token())),
        ..head("GET", "/api/me")
    };
    let r = call(&google_ok(), &good_config(), &h, "");
    assert_eq!(r.response.status, 401);
    assert_eq!(error_code(&r), "invalid_token");
    assert_eq!(
        r.response.get_header("www-authenticate"),
        Some(r#"Bearer realm="edge-login", error="invalid_token""#)
    );
}

#[test]
fn reauth_refuses_token_with_auth_time_in_the_future() {
    let body = serde_json::json!({ "auth_token": future_auth_time_token() }).to_string();
    let r = request(&good_config(), "POST", "/reauth", &body);
    assert_eq!(r.response.status, 401);
    assert_eq!(error_code(&r), "invalid_token");
}
