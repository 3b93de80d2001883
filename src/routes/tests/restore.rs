use super::*;

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

/// A token of the classic Flask backend, minted by itsdangerous 2.2.0
/// (`TimedSerializer`, HMAC-SHA1) and recorded in tests/vectors.
pub(super) fn flask_vector() -> (String, String, u64, u64) {
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
pub(super) fn flask_config(accept: bool) -> Config {
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
