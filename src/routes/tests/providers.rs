//! GitHub and the OpenID Connect provider through the whole API
//! (CONTRACT.md "Providers"): `/auth/config`'s list, `/auth/start`'s
//! provider bound into the cookie, `/login` with each, the store's user id,
//! and the allow-lists at sign-in and at every use.

use super::*;
use crate::providers::tests::github::{EMAILS, GITHUB_CLIENT_ID, TOKEN, USER};
use crate::providers::tests::jws::verifier;
use crate::providers::tests::oidc::{
    claims, discovery, jwks, signed, token, ISSUER, OIDC_CLIENT_ID, USERINFO as OIDC_USERINFO,
};
use std::collections::HashMap;

fn all_bindings() -> HashMap<&'static str, String> {
    let mut b = good_bindings();
    for (k, v) in [
        ("GITHUB_CLIENT_ID", GITHUB_CLIENT_ID),
        ("GITHUB_CLIENT_SECRET", "gh-secret"),
        (
            "GITHUB_AUTH_URL",
            "https://github.example/login/oauth/authorize",
        ),
        (
            "GITHUB_TOKEN_URL",
            "https://github.example/login/oauth/access_token",
        ),
        ("GITHUB_API_URL", "https://api.github.example/"),
        ("OIDC_ISSUER", ISSUER),
        ("OIDC_CLIENT_ID", OIDC_CLIENT_ID),
        ("OIDC_CLIENT_SECRET", "s3cr:t/+"),
        ("OIDC_NAME", "Corp Directory"),
    ] {
        b.insert(k, v.to_string());
    }
    b
}

fn all_config() -> Config {
    config_from(&all_bindings())
}

fn with(changes: &[(&'static str, Option<&str>)]) -> Config {
    let mut b = all_bindings();
    for (k, v) in changes {
        match v {
            Some(v) => b.insert(k, v.to_string()),
            None => b.remove(k),
        };
    }
    config_from(&b)
}

/// Every provider answering any number of sign-ins, by path.
fn providers_answering(emails: &str, userinfo: &str) -> FakePlatform {
    let mut p = FakePlatform::new(
        FakeHttp::by_path(vec![
            ("/login/oauth/access_token", 200, TOKEN.into()),
            ("/user", 200, USER.into()),
            ("/user/emails", 200, emails.into()),
            (
                "/tenant/v2.0/.well-known/openid-configuration",
                200,
                discovery(serde_json::json!({})),
            ),
            ("/tenant/oauth2/v2.0/token", 200, token(&signed(&claims()))),
            ("/tenant/discovery/v2.0/keys", 200, jwks("k1")),
            ("/oidc/userinfo", 200, userinfo.into()),
        ]),
        NOW,
    );
    p.verifier = verifier();
    p
}

fn providers_ok() -> FakePlatform {
    providers_answering(EMAILS, OIDC_USERINFO)
}

fn start_for(p: &FakePlatform, config: &Config, provider: &str) -> Outcome {
    let body = serde_json::json!({ "provider": provider }).to_string();
    call(p, config, &head("POST", "/auth/start"), &body)
}

fn started_for(p: &FakePlatform, config: &Config, provider: &str) -> (String, String) {
    let o = start_for(p, config, provider);
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let set_cookie = o.response.get_header("set-cookie").unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    (cookie, json(&o)["state"].as_str().unwrap().to_string())
}

fn login_as(
    p: &FakePlatform,
    config: &Config,
    cookie: &str,
    state: &str,
    provider: &str,
) -> Outcome {
    let body =
        serde_json::json!({"authorizationCode": "c0de", "provider": provider, "state": state});
    call(p, config, &login_head(cookie), &body.to_string())
}

fn sign_in_with(p: &FakePlatform, config: &Config, provider: &str) -> Outcome {
    let (cookie, state) = started_for(p, config, provider);
    login_as(p, config, &cookie, &state, provider)
}

fn bearer(path: &str, token: &str) -> RequestHead {
    RequestHead {
        authorization: Some(format!("Bearer {token}")),
        ..head("GET", path)
    }
}

fn assert_error(o: &Outcome, status: u16, code: &str) {
    assert_eq!(
        (o.response.status, error_code(o).as_str()),
        (status, code),
        "{:?}",
        json(o)
    );
}

#[test]
fn auth_config_lists_every_provider_in_order() {
    let o = call(
        &providers_ok(),
        &all_config(),
        &head("GET", "/auth/config"),
        "",
    );
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let body = json(&o);
    assert_eq!(body["client_id"], CLIENT_ID);
    assert_eq!(
        body["providers"],
        serde_json::json!([
            {"name": "google-oauth2", "label": "Google", "client_id": CLIENT_ID,
             "authorization_endpoint": "https://accounts.google.com/o/oauth2/v2/auth",
             "scope": "openid email profile"},
            {"name": "github-oauth2", "label": "GitHub", "client_id": GITHUB_CLIENT_ID,
             "authorization_endpoint": "https://github.example/login/oauth/authorize",
             "scope": "read:user user:email"},
            {"name": "oidc", "label": "Corp Directory", "client_id": OIDC_CLIENT_ID,
             "authorization_endpoint": "https://login.example/tenant/oauth2/v2.0/authorize",
             "scope": "openid email profile"}
        ])
    );
}

#[test]
fn auth_config_without_google_has_no_top_level_google_fields() {
    let config = with(&[("OAUTH2_CLIENT_ID", None), ("OAUTH2_CLIENT_SECRET", None)]);
    let o = call(&providers_ok(), &config, &head("GET", "/auth/config"), "");
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let body = json(&o);
    for absent in ["client_id", "authorization_endpoint", "scope"] {
        assert!(body.get(absent).is_none(), "{absent} in {body}");
    }
    let names: Vec<&str> = body["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["github-oauth2", "oidc"]);
    assert_eq!(body["redirect_path"], "/torii/redirect.html");
}

#[test]
fn auth_config_with_no_provider_at_all_names_oauth2_client_id() {
    let mut b = good_bindings();
    b.remove("OAUTH2_CLIENT_ID");
    let o = call(
        &providers_ok(),
        &config_from(&b),
        &head("GET", "/auth/config"),
        "",
    );
    assert_error(&o, 500, "server_misconfigured");
    assert!(json(&o)["message"]
        .as_str()
        .unwrap()
        .contains("OAUTH2_CLIENT_ID"));
}

#[test]
fn a_provider_with_a_binding_missing_is_not_configured() {
    for missing in ["GITHUB_CLIENT_SECRET", "OIDC_CLIENT_SECRET", "OIDC_ISSUER"] {
        let config = with(&[(missing, None)]);
        let o = call(&providers_ok(), &config, &head("GET", "/auth/config"), "");
        assert_eq!(o.response.status, 200);
        assert_eq!(
            json(&o)["providers"].as_array().unwrap().len(),
            2,
            "{missing}"
        );
        let provider = if missing.starts_with("GITHUB") {
            "github-oauth2"
        } else {
            "oidc"
        };
        assert_error(
            &start_for(&providers_ok(), &config, provider),
            400,
            "invalid_request",
        );
    }
}

#[test]
fn a_provider_url_that_is_not_https_is_named() {
    for (binding, url) in [
        ("GITHUB_API_URL", "http://api.github.example"),
        ("OIDC_ISSUER", "http://login.example/tenant/v2.0"),
    ] {
        let o = call(
            &providers_ok(),
            &with(&[(binding, Some(url))]),
            &head("GET", "/auth/config"),
            "",
        );
        assert_error(&o, 500, "server_misconfigured");
        assert!(json(&o)["message"].as_str().unwrap().contains(binding));
    }
}

#[test]
fn auth_config_answers_502_when_discovery_fails() {
    let p = FakePlatform::new(FakeHttp::by_path(vec![]), NOW);
    let o = call(&p, &all_config(), &head("GET", "/auth/config"), "");
    assert_error(&o, 502, "upstream_error");
    assert!(!json(&o)["message"].as_str().unwrap().contains("Google"));
}

#[test]
fn auth_start_refuses_an_unknown_or_unconfigured_provider() {
    let p = providers_ok();
    assert_error(
        &start_for(&p, &all_config(), "facebook-oauth2"),
        400,
        "invalid_request",
    );
    assert_error(
        &start_for(&p, &good_config(), "github-oauth2"),
        400,
        "invalid_request",
    );
    let o = call(
        &p,
        &all_config(),
        &head("POST", "/auth/start"),
        r#"{"provider":["oidc"]}"#,
    );
    assert_error(&o, 400, "invalid_request");
    // Google's name, and none, are Google.
    assert_eq!(
        start_for(&p, &all_config(), "google-oauth2")
            .response
            .status,
        200
    );
}

#[test]
fn github_sign_in_through_the_store_reauth_and_api_me() {
    let p = providers_ok().with_store();
    let config = all_config();
    let o = sign_in_with(&p, &config, "github-oauth2");
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    let body = json(&o);
    assert_eq!(
        body["user_info"],
        serde_json::json!({
            "provider": "github-oauth2", "sub": "583231", "login": "octocat",
            "name": "The Octocat", "email": "octocat@github.example",
            "email_verified": true, "picture": "https://avatars.example/u/583231"
        })
    );
    assert!(p
        .store
        .as_ref()
        .unwrap()
        .objects
        .borrow()
        .contains_key("user:github:583231"));
    let token = body["auth_token"].as_str().unwrap();
    let again = call(
        &p,
        &config,
        &head("POST", "/reauth"),
        &serde_json::json!({"auth_token": token}).to_string(),
    );
    assert_eq!(again.response.status, 200, "{:?}", json(&again));
    let me = call(&p, &config, &bearer("/api/me", token), "");
    assert_eq!(json(&me)["user_info"]["login"], "octocat");
    let list = call(&p, &config, &bearer("/auth/sessions", token), "");
    assert_eq!(json(&list)["sessions"].as_array().unwrap().len(), 1);
}

#[test]
fn oidc_sign_in_through_the_store_and_api_me() {
    let p = providers_ok().with_store();
    let config = all_config();
    let o = sign_in_with(&p, &config, "oidc");
    assert_eq!(o.response.status, 200, "{:?}", json(&o));
    assert_eq!(json(&o)["user_info"]["provider"], "oidc");
    assert!(p
        .store
        .as_ref()
        .unwrap()
        .objects
        .borrow()
        .contains_key("user:oidc:AAAAAAAAAAAAAAAAAAAAAGrace"));
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let me = call(&p, &config, &bearer("/api/me", &token), "");
    assert_eq!(json(&me)["user_info"]["email"], "grace@corp.example");
}

#[test]
fn login_for_another_provider_than_the_cookies_is_invalid_state() {
    let p = providers_ok();
    let config = all_config();
    let (cookie, state) = started_for(&p, &config, "github-oauth2");
    for other in ["oidc", "google-oauth2"] {
        assert_error(
            &login_as(&p, &config, &cookie, &state, other),
            400,
            "invalid_state",
        );
    }
    // A cookie of Google's with no provider named in the body either.
    let (cookie, state) = started(&p, &config);
    assert_error(
        &login_as(&p, &config, &cookie, &state, "oidc"),
        400,
        "invalid_state",
    );
}

#[test]
fn login_with_an_unknown_provider_is_invalid_request() {
    let p = providers_ok();
    let config = all_config();
    let (cookie, state) = started_for(&p, &config, "github-oauth2");
    assert_error(
        &login_as(&p, &config, &cookie, &state, "gitlab"),
        400,
        "invalid_request",
    );
    let unconfigured = with(&[("GITHUB_CLIENT_ID", None)]);
    assert_error(
        &login_as(&p, &unconfigured, &cookie, &state, "github-oauth2"),
        400,
        "invalid_request",
    );
}

#[test]
fn github_without_a_primary_verified_email_is_access_denied() {
    let p = providers_answering(
        r#"[{"email":"a@x.example","primary":true,"verified":false}]"#,
        OIDC_USERINFO,
    )
    .with_store();
    let o = sign_in_with(&p, &all_config(), "github-oauth2");
    assert_error(&o, 403, "access_denied");
    assert_eq!(p.store.as_ref().unwrap().session_count(), 0);
}

#[test]
fn githubs_refusals_name_github() {
    let p = FakePlatform::new(
        FakeHttp::by_path(vec![(
            "/login/oauth/access_token",
            200,
            r#"{"error":"incorrect_client_credentials"}"#.into(),
        )]),
        NOW,
    );
    let o = sign_in_with(&p, &all_config(), "github-oauth2");
    assert_error(&o, 500, "server_misconfigured");
    let message = json(&o)["message"].as_str().unwrap().to_string();
    assert!(message.contains("GITHUB_CLIENT_ID"), "{message}");
}

#[test]
fn a_forged_oidc_token_is_upstream_error() {
    let mut forged = claims();
    forged["sub"] = "someone-else".into();
    let good = signed(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged.to_string());
    let token_answer = token(&format!("{}.{payload}.{}", parts[0], parts[2]));
    let mut p = FakePlatform::new(
        FakeHttp::by_path(vec![
            (
                "/tenant/v2.0/.well-known/openid-configuration",
                200,
                discovery(serde_json::json!({})),
            ),
            ("/tenant/oauth2/v2.0/token", 200, token_answer),
            ("/tenant/discovery/v2.0/keys", 200, jwks("k1")),
        ]),
        NOW,
    );
    p.verifier = verifier();
    let o = sign_in_with(&p, &all_config(), "oidc");
    assert_error(&o, 502, "upstream_error");
    assert!(!json(&o)["message"].as_str().unwrap().contains("Google"));
}

#[test]
fn allow_lists_admit_github_and_oidc_by_verified_email() {
    let config = with(&[(
        "ALLOWED_EMAIL_DOMAINS",
        Some("github.example, corp.example"),
    )]);
    let p = providers_ok();
    assert_eq!(
        sign_in_with(&p, &config, "github-oauth2").response.status,
        200
    );
    assert_eq!(sign_in_with(&p, &config, "oidc").response.status, 200);
    let other = with(&[("ALLOWED_EMAILS", Some("someone@else.example"))]);
    assert_error(
        &sign_in_with(&p, &other, "github-oauth2"),
        403,
        "access_denied",
    );
    assert_error(&sign_in_with(&p, &other, "oidc"), 403, "access_denied");
}

#[test]
fn an_unverified_oidc_email_signs_in_only_without_allow_lists() {
    let unverified = r#"{"sub":"AAAAAAAAAAAAAAAAAAAAAGrace","email":"grace@corp.example","email_verified":false}"#;
    let p = providers_answering(EMAILS, unverified);
    let o = sign_in_with(&p, &all_config(), "oidc");
    assert_eq!(o.response.status, 200);
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let listed = with(&[("ALLOWED_EMAILS", Some("grace@corp.example"))]);
    assert_error(&sign_in_with(&p, &listed, "oidc"), 403, "access_denied");
    // At every use too: its unverified address never matches a list.
    let me = call(&p, &listed, &bearer("/api/me", &token), "");
    assert_error(&me, 403, "access_denied");
    let me = call(&p, &all_config(), &bearer("/api/me", &token), "");
    assert_eq!(me.response.status, 200);
}

#[test]
fn allow_lists_apply_at_every_use_of_a_github_token() {
    let p = providers_ok();
    let o = sign_in_with(&p, &all_config(), "github-oauth2");
    let token = json(&o)["auth_token"].as_str().unwrap().to_string();
    let allowed = with(&[("ALLOWED_EMAILS", Some("octocat@github.example"))]);
    assert_eq!(
        call(&p, &allowed, &bearer("/api/me", &token), "")
            .response
            .status,
        200
    );
    let removed = with(&[("ALLOWED_EMAILS", Some("someone@else.example"))]);
    assert_error(
        &call(&p, &removed, &bearer("/api/me", &token), ""),
        403,
        "access_denied",
    );
}
