//! GitHub on the host: the exact requests, the 200-with-`error` refusals,
//! the primary verified email, `user_info` and the user id.

use crate::auth::policy;
use crate::config::{GitHubSettings, Secret};
use crate::providers::github::GitHub;
use crate::providers::{user_id, Code, Exchanged, Kind, Provider, ProviderError};
use crate::testkit::{block_on, FakeHttp};

pub const GITHUB_CLIENT_ID: &str = "Iv1.0123456789abcdef";

pub fn settings() -> GitHubSettings {
    GitHubSettings {
        client_id: GITHUB_CLIENT_ID.into(),
        client_secret: Secret::new("gh-secret"),
        auth_url: "https://github.example/login/oauth/authorize".into(),
        token_url: "https://github.example/login/oauth/access_token".into(),
        api_url: "https://api.github.example".into(),
    }
}

pub const TOKEN: &str = r#"{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","scope":"read:user,user:email","token_type":"bearer"}"#;
pub const USER: &str = r#"{"login":"octocat","id":583231,"name":"The Octocat","avatar_url":"https://avatars.example/u/583231","type":"User"}"#;
pub const EMAILS: &str = r#"[
  {"email":"octo@old.example","primary":false,"verified":true,"visibility":null},
  {"email":"octocat@github.example","primary":true,"verified":true,"visibility":"public"},
  {"email":"octocat@unverified.example","primary":false,"verified":false,"visibility":null}
]"#;

fn code() -> Code<'static> {
    Code {
        redirect_uri: "https://app.example/torii/redirect.html",
        code: "a1b2c3",
        pkce_verifier: Some("verifier-verifier-verifier-verifier-verifier-123"),
        now: 1_800_000_000,
    }
}

fn exchange(http: &FakeHttp) -> Result<Exchanged, ProviderError> {
    let s = settings();
    block_on(GitHub { settings: &s }.exchange(http, &code()))
}

fn answers(token: &str, user: &str, emails: &str) -> FakeHttp {
    FakeHttp::with(vec![
        Ok((200, token.into())),
        Ok((200, user.into())),
        Ok((200, emails.into())),
    ])
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    oauth2::url::form_urlencoded::parse(body)
        .into_owned()
        .collect()
}

#[test]
fn sends_the_exact_token_request() {
    let http = answers(TOKEN, USER, EMAILS);
    exchange(&http).unwrap();
    let seen = http.seen();
    let token = &seen[0];
    assert_eq!(token.method(), oauth2::http::Method::POST);
    assert_eq!(
        token.uri(),
        "https://github.example/login/oauth/access_token"
    );
    assert_eq!(token.headers()["accept"], "application/json");
    assert_eq!(
        token.headers()["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert!(token.headers().get("authorization").is_none());
    assert_eq!(
        form(token.body()),
        [
            ("client_id", GITHUB_CLIENT_ID),
            ("client_secret", "gh-secret"),
            ("code", "a1b2c3"),
            ("redirect_uri", "https://app.example/torii/redirect.html"),
            (
                "code_verifier",
                "verifier-verifier-verifier-verifier-verifier-123"
            ),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
}

#[test]
fn asks_the_api_for_the_user_and_its_emails() {
    let http = answers(TOKEN, USER, EMAILS);
    exchange(&http).unwrap();
    let seen = http.seen();
    assert_eq!(seen.len(), 3);
    for (request, url) in seen[1..].iter().zip([
        "https://api.github.example/user",
        "https://api.github.example/user/emails",
    ]) {
        assert_eq!(request.method(), oauth2::http::Method::GET);
        assert_eq!(request.uri(), url);
        let h = request.headers();
        assert_eq!(
            h["authorization"],
            "Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a"
        );
        assert_eq!(h["accept"], "application/vnd.github+json");
        assert_eq!(h["user-agent"], "edge-login");
        assert!(request.body().is_empty());
    }
}

#[test]
fn user_info_is_the_contracts() {
    let http = answers(TOKEN, USER, EMAILS);
    let exchanged = exchange(&http).unwrap();
    let s = settings();
    let user_info = block_on(GitHub { settings: &s }.user_info(&http, &exchanged)).unwrap();
    assert_eq!(
        user_info,
        r#"{"provider":"github-oauth2","sub":"583231","login":"octocat","name":"The Octocat","email":"octocat@github.example","email_verified":true,"picture":"https://avatars.example/u/583231"}"#
    );
    assert_eq!(
        user_id(Kind::GitHub, &exchanged.claims.sub),
        "github:583231"
    );
    assert_eq!(exchanged.claims.hd, None);
}

#[test]
fn a_user_without_a_name_keeps_null() {
    let http = answers(
        TOKEN,
        r#"{"login":"x","id":7,"name":null,"avatar_url":null}"#,
        EMAILS,
    );
    let exchanged = exchange(&http).unwrap();
    let s = settings();
    let user_info = block_on(GitHub { settings: &s }.user_info(&http, &exchanged)).unwrap();
    assert!(
        user_info.contains(r#""sub":"7","login":"x","name":null"#),
        "{user_info}"
    );
}

fn refused_with(error: &str) -> Result<Exchanged, ProviderError> {
    let body = format!(
        r#"{{"error":"{error}","error_description":"from GitHub","error_uri":"https://docs.github.com"}}"#
    );
    exchange(&FakeHttp::with(vec![Ok((200, body))]))
}

#[test]
fn bad_verification_code_is_invalid_grant() {
    assert_eq!(
        refused_with("bad_verification_code").unwrap_err(),
        ProviderError::InvalidGrant
    );
}

#[test]
fn incorrect_client_credentials_is_a_misconfiguration() {
    assert!(matches!(
        refused_with("incorrect_client_credentials"),
        Err(ProviderError::ClientRejected(_))
    ));
}

#[test]
fn redirect_uri_mismatch_is_not_registered() {
    assert_eq!(
        refused_with("redirect_uri_mismatch").unwrap_err(),
        ProviderError::RedirectUriNotRegistered
    );
}

#[test]
fn another_error_is_upstream_and_stops_there() {
    let http = FakeHttp::with(vec![Ok((
        200,
        r#"{"error":"unverified_user_email"}"#.into(),
    ))]);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
    assert_eq!(http.seen().len(), 1);
}

#[test]
fn a_token_answer_that_is_not_json_is_upstream() {
    let form_answer = "access_token=gho_x&scope=&token_type=bearer";
    let http = FakeHttp::with(vec![Ok((200, form_answer.into()))]);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
}

#[test]
fn a_server_error_is_upstream() {
    let http = FakeHttp::with(vec![Ok((502, "<html>unicorn</html>".into()))]);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
}

#[test]
fn the_api_refusing_the_token_is_upstream() {
    let http = FakeHttp::with(vec![
        Ok((200, TOKEN.into())),
        Ok((401, r#"{"message":"Bad credentials"}"#.into())),
        Ok((200, EMAILS.into())),
    ]);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
}

fn no_primary_verified(emails: &str) {
    let http = answers(TOKEN, USER, emails);
    let exchanged = exchange(&http).unwrap();
    assert_eq!(exchanged.claims.email, None, "{emails}");
    assert!(!exchanged.claims.email_verified);
    // Refused with 403 by the policy, with or without allow-lists.
    assert!(matches!(
        policy::check_account(Kind::GitHub, &exchanged.claims, &[], &[]),
        Err(crate::auth::AuthError::AccessDenied(_))
    ));
    let s = settings();
    assert!(block_on(GitHub { settings: &s }.user_info(&http, &exchanged)).is_err());
}

#[test]
fn a_primary_unverified_email_does_not_count() {
    no_primary_verified(
        r#"[{"email":"a@x.example","primary":true,"verified":false},{"email":"b@y.example","primary":false,"verified":true}]"#,
    );
}

#[test]
fn a_verified_secondary_email_does_not_count() {
    no_primary_verified(r#"[{"email":"b@y.example","primary":false,"verified":true}]"#);
}

#[test]
fn no_email_at_all_does_not_count() {
    no_primary_verified("[]");
}

#[test]
fn emails_that_are_not_a_list_are_upstream() {
    let http = answers(TOKEN, USER, r#"{"message":"Not Found"}"#);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
}

#[test]
fn a_user_without_a_numeric_id_is_upstream() {
    let http = answers(TOKEN, r#"{"login":"octocat","id":"583231"}"#, EMAILS);
    assert!(matches!(exchange(&http), Err(ProviderError::Upstream(_))));
}

#[test]
fn allow_lists_judge_the_primary_verified_email() {
    let exchanged = exchange(&answers(TOKEN, USER, EMAILS)).unwrap();
    let list = |s: &str| vec![s.to_string()];
    let check = |domains: &[String], emails: &[String]| {
        policy::check_account(Kind::GitHub, &exchanged.claims, domains, emails)
    };
    assert!(check(&list("github.example"), &[]).is_ok());
    assert!(check(&[], &list("octocat@github.example")).is_ok());
    // Its verified secondary and its unverified addresses do not count.
    assert!(check(&list("old.example"), &[]).is_err());
    assert!(check(&list("unverified.example"), &[]).is_err());
}
