use super::*;

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
