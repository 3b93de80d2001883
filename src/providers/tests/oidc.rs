//! The OpenID Connect provider on the host: discovery, the code exchange
//! (Basic, or the form body when that is all the document lists), the
//! id_token's signature against the JWKS (ES256 with RFC 7515 A.3's key),
//! the keys' cache and its once-a-minute refetch, `user_info`.

use super::jws::{verifier, A3_D, A3_X, A3_Y};
use crate::auth::policy;
use crate::config::{OidcSettings, Secret};
use crate::providers::oidc::{Oidc, OidcCache, JWKS_REFETCH_SECS};
use crate::providers::{Code, Exchanged, Kind, Provider, ProviderError};
use crate::testkit::{block_on, Answer, FakeHttp, FakeVerifier};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use base64::Engine as _;
use serde_json::json;

pub const ISSUER: &str = "https://login.example/tenant/v2.0";
pub const OIDC_CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const NOW: u64 = 1_800_000_000;

pub fn settings() -> OidcSettings {
    OidcSettings {
        issuer: ISSUER.into(),
        client_id: OIDC_CLIENT_ID.into(),
        client_secret: Secret::new("s3cr:t/+"),
        name: "Corp Directory".into(),
    }
}

pub fn discovery(patch: serde_json::Value) -> String {
    let mut d = json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://login.example/tenant/oauth2/v2.0/authorize",
        "token_endpoint": "https://login.example/tenant/oauth2/v2.0/token",
        "userinfo_endpoint": "https://graph.example/oidc/userinfo",
        "jwks_uri": "https://login.example/tenant/discovery/v2.0/keys",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "id_token_signing_alg_values_supported": ["RS256"]
    });
    for (k, v) in patch.as_object().cloned().unwrap_or_default() {
        if v.is_null() {
            d.as_object_mut().unwrap().remove(&k);
        } else {
            d[k] = v;
        }
    }
    d.to_string()
}

pub fn jwks(kid: &str) -> String {
    json!({"keys": [
        {"kty": "RSA", "kid": "rsa-1", "use": "sig", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256", "x": A3_X, "y": A3_Y}
    ]})
    .to_string()
}

pub fn claims() -> serde_json::Value {
    json!({
        "iss": ISSUER, "aud": OIDC_CLIENT_ID, "sub": "AAAAAAAAAAAAAAAAAAAAAGrace",
        "exp": NOW + 3600, "iat": NOW, "email": "grace@corp.example",
        "email_verified": true, "name": "Grace Hopper", "hd": "corp.example"
    })
}

/// An id_token signed with RFC 7515 A.3's P-256 key.
pub fn es256(claims: &serde_json::Value, header: serde_json::Value) -> String {
    use p256::ecdsa::signature::Signer as _;
    let key = p256::ecdsa::SigningKey::from_slice(&B64.decode(A3_D).unwrap()).unwrap();
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", B64.encode(signature.to_bytes()))
}

pub fn signed(claims: &serde_json::Value) -> String {
    es256(claims, json!({"alg": "ES256", "kid": "k1", "typ": "JWT"}))
}

pub fn token(id_token: &str) -> String {
    json!({"access_token": "eyJ0eXAi.access", "token_type": "Bearer", "expires_in": 3599, "id_token": id_token}).to_string()
}

pub const USERINFO: &str = r#"{"sub":"AAAAAAAAAAAAAAAAAAAAAGrace","name":"Grace Hopper","email":"grace@corp.example","email_verified":true,"hd":"corp.example"}"#;

/// A whole first sign-in: discovery, token, keys, userinfo.
pub fn first_sign_in() -> Vec<Answer> {
    vec![
        Ok((200, discovery(json!({})))),
        Ok((200, token(&signed(&claims())))),
        Ok((200, jwks("k1"))),
        Ok((200, USERINFO.into())),
    ]
}

fn code(now: u64) -> Code<'static> {
    Code {
        redirect_uri: "https://app.example/torii/redirect.html",
        code: "0.AXoA-code",
        pkce_verifier: Some("verifier-verifier-verifier-verifier-verifier-123"),
        now,
    }
}

struct Rig {
    settings: OidcSettings,
    cache: OidcCache,
    verifier: FakeVerifier,
}

impl Rig {
    fn new() -> Self {
        Rig {
            settings: settings(),
            cache: OidcCache::default(),
            verifier: verifier(),
        }
    }
    fn provider(&self) -> Oidc<'_, FakeVerifier> {
        Oidc {
            settings: &self.settings,
            cache: &self.cache,
            verifier: &self.verifier,
        }
    }
    fn exchange_at(&self, http: &FakeHttp, now: u64) -> Result<Exchanged, ProviderError> {
        block_on(self.provider().exchange(http, &code(now)))
    }
    fn exchange(&self, http: &FakeHttp) -> Result<Exchanged, ProviderError> {
        self.exchange_at(http, NOW)
    }
    fn user_info(&self, http: &FakeHttp, exchanged: &Exchanged) -> String {
        block_on(self.provider().user_info(http, exchanged)).unwrap()
    }
}

fn upstream(r: Result<Exchanged, ProviderError>) -> bool {
    matches!(r, Err(ProviderError::Upstream(_)))
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    oauth2::url::form_urlencoded::parse(body)
        .into_owned()
        .collect()
}

#[test]
fn sends_the_exact_requests() {
    let rig = Rig::new();
    let http = FakeHttp::with(first_sign_in());
    rig.exchange(&http).unwrap();
    let seen = http.seen();
    let urls: Vec<String> = seen.iter().map(|r| r.uri().to_string()).collect();
    assert_eq!(
        urls,
        [
            "https://login.example/tenant/v2.0/.well-known/openid-configuration",
            "https://login.example/tenant/oauth2/v2.0/token",
            "https://login.example/tenant/discovery/v2.0/keys",
            "https://graph.example/oidc/userinfo",
        ]
    );
    let token = &seen[1];
    assert_eq!(token.method(), oauth2::http::Method::POST);
    // client_secret_basic: id and secret form-urlencoded, then base64
    // (RFC 6749 §2.3.1).
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{OIDC_CLIENT_ID}:s3cr%3At%2F%2B"))
    );
    assert_eq!(token.headers()["authorization"], basic.as_str());
    let form = form(token.body());
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("code"), Some("0.AXoA-code"));
    assert_eq!(
        get("redirect_uri"),
        Some("https://app.example/torii/redirect.html")
    );
    assert_eq!(
        get("code_verifier"),
        Some("verifier-verifier-verifier-verifier-verifier-123")
    );
    assert_eq!(get("client_secret"), None);
    assert_eq!(seen[3].headers()["authorization"], "Bearer eyJ0eXAi.access");
    for get_request in [&seen[0], &seen[2], &seen[3]] {
        assert_eq!(get_request.method(), oauth2::http::Method::GET);
    }
}

#[test]
fn user_info_is_the_userinfo_with_the_provider() {
    let rig = Rig::new();
    let http = FakeHttp::with(first_sign_in());
    let exchanged = rig.exchange(&http).unwrap();
    let expected = format!("{},\"provider\":\"oidc\"}}", USERINFO.trim_end_matches('}'));
    assert_eq!(rig.user_info(&http, &exchanged), expected);
    assert_eq!(exchanged.claims.sub, "AAAAAAAAAAAAAAAAAAAAAGrace");
    assert_eq!(
        exchanged.claims.email.as_deref(),
        Some("grace@corp.example")
    );
    assert!(exchanged.claims.email_verified);
    // `hd` is Google's alone.
    assert_eq!(exchanged.claims.hd, None);
}

#[test]
fn discovery_and_keys_are_fetched_once() {
    let rig = Rig::new();
    let http = FakeHttp::with(
        [
            first_sign_in(),
            vec![
                Ok((200, token(&signed(&claims())))),
                Ok((200, USERINFO.into())),
            ],
        ]
        .concat(),
    );
    rig.exchange(&http).unwrap();
    rig.exchange_at(&http, NOW + 3000).unwrap();
    let seen = http.seen();
    assert_eq!(seen.len(), 6);
    assert!(seen[4].uri().path().ends_with("/token"));
    assert!(seen[5].uri().path().ends_with("/userinfo"));
}

#[test]
fn the_client_config_comes_from_discovery() {
    let rig = Rig::new();
    let http = FakeHttp::with(vec![Ok((200, discovery(json!({}))))]);
    let c = block_on(rig.provider().client_config(&http)).unwrap();
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json!({
            "name": "oidc", "label": "Corp Directory", "client_id": OIDC_CLIENT_ID,
            "authorization_endpoint": "https://login.example/tenant/oauth2/v2.0/authorize",
            "scope": "openid email profile"
        })
    );
}

#[test]
fn a_discovery_issuer_that_differs_is_refused_and_not_kept() {
    let rig = Rig::new();
    let evil = discovery(json!({"issuer": "https://login.example/other-tenant/v2.0"}));
    let http = FakeHttp::with([vec![Ok((200, evil))], first_sign_in()].concat());
    assert!(upstream(rig.exchange(&http)));
    assert_eq!(http.seen().len(), 1, "nothing after the discovery");
    // The next sign-in asks again.
    assert!(rig.exchange(&http).is_ok());
}

#[test]
fn a_discovery_issuer_with_another_trailing_slash_is_refused() {
    let rig = Rig::new();
    let http = FakeHttp::with(vec![Ok((
        200,
        discovery(json!({"issuer": format!("{ISSUER}/")})),
    ))]);
    assert!(upstream(rig.exchange(&http)));
}

#[test]
fn a_discovery_endpoint_over_plain_http_is_refused() {
    let rig = Rig::new();
    let doc = discovery(json!({"token_endpoint": "http://login.example/token"}));
    let http = FakeHttp::with(vec![Ok((200, doc))]);
    assert!(upstream(rig.exchange(&http)));
}

#[test]
fn a_discovery_document_without_jwks_uri_is_refused() {
    let rig = Rig::new();
    let http = FakeHttp::with(vec![Ok((200, discovery(json!({"jwks_uri": null}))))]);
    assert!(upstream(rig.exchange(&http)));
}

#[test]
fn an_unreachable_discovery_is_upstream() {
    let rig = Rig::new();
    let http = FakeHttp::with(vec![Err("connection refused".into())]);
    assert!(upstream(rig.exchange(&http)));
}

#[test]
fn client_secret_post_when_the_document_lists_only_that() {
    let rig = Rig::new();
    let doc = discovery(json!({"token_endpoint_auth_methods_supported": ["client_secret_post"]}));
    let mut answers = first_sign_in();
    answers[0] = Ok((200, doc));
    let http = FakeHttp::with(answers);
    rig.exchange(&http).unwrap();
    let token = &http.seen()[1];
    assert!(token.headers().get("authorization").is_none());
    let form = form(token.body());
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("client_id"), Some(OIDC_CLIENT_ID));
    assert_eq!(get("client_secret"), Some("s3cr:t/+"));
}

#[test]
fn client_secret_basic_when_the_document_lists_no_method() {
    let rig = Rig::new();
    let doc = discovery(json!({"token_endpoint_auth_methods_supported": null}));
    let mut answers = first_sign_in();
    answers[0] = Ok((200, doc));
    let http = FakeHttp::with(answers);
    rig.exchange(&http).unwrap();
    assert!(http.seen()[1].headers().get("authorization").is_some());
}

#[test]
fn without_a_userinfo_endpoint_user_info_is_the_id_tokens_claims() {
    let rig = Rig::new();
    let http = FakeHttp::with(vec![
        Ok((200, discovery(json!({"userinfo_endpoint": null})))),
        Ok((200, token(&signed(&claims())))),
        Ok((200, jwks("k1"))),
    ]);
    let exchanged = rig.exchange(&http).unwrap();
    assert_eq!(http.seen().len(), 3, "no userinfo request");
    let user_info: serde_json::Value =
        serde_json::from_str(&rig.user_info(&http, &exchanged)).unwrap();
    let mut expected = claims();
    expected["provider"] = "oidc".into();
    assert_eq!(user_info, expected);
}

#[test]
fn a_bad_signature_is_refused() {
    let rig = Rig::new();
    let good = signed(&claims());
    let mut parts: Vec<&str> = good.split('.').collect();
    let mut other = claims();
    other["email"] = "mallory@corp.example".into();
    let forged_payload = B64.encode(other.to_string());
    parts[1] = &forged_payload;
    let mut answers = first_sign_in();
    answers[1] = Ok((200, token(&parts.join("."))));
    let http = FakeHttp::with(answers);
    assert!(upstream(rig.exchange(&http)));
    assert_eq!(http.seen().len(), 3, "no userinfo for a forged token");
}

#[test]
fn alg_none_is_refused_before_any_key_is_fetched() {
    let rig = Rig::new();
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims().to_string())
    );
    let mut answers = first_sign_in();
    answers[1] = Ok((200, token(&none)));
    let http = FakeHttp::with(answers);
    assert!(upstream(rig.exchange(&http)));
    assert_eq!(http.seen().len(), 2);
}

#[test]
fn hs256_keyed_with_anything_is_refused() {
    let rig = Rig::new();
    let hs = es256(&claims(), json!({"alg": "HS256", "kid": "k1"}));
    let mut answers = first_sign_in();
    answers[1] = Ok((200, token(&hs)));
    assert!(upstream(rig.exchange(&FakeHttp::with(answers))));
}

#[test]
fn an_es256_token_against_an_rsa_key_of_its_kid_is_refused() {
    let rig = Rig::new();
    let lying = es256(&claims(), json!({"alg": "ES256", "kid": "rsa-1"}));
    let mut answers = first_sign_in();
    answers[1] = Ok((200, token(&lying)));
    answers.push(Ok((200, jwks("k1"))));
    assert!(upstream(rig.exchange(&FakeHttp::with(answers))));
}

fn rotated_sign_in(kid: &str) -> Vec<Answer> {
    vec![
        Ok((
            200,
            token(&es256(&claims(), json!({"alg": "ES256", "kid": kid}))),
        )),
        Ok((200, jwks(kid))),
        Ok((200, USERINFO.into())),
    ]
}

#[test]
fn an_unknown_kid_fetches_the_keys_again_then_signs_in() {
    let rig = Rig::new();
    let http = FakeHttp::with([first_sign_in(), rotated_sign_in("k2")].concat());
    rig.exchange(&http).unwrap();
    // The issuer rotated its keys a moment later.
    rig.exchange_at(&http, NOW + 5).unwrap();
    let seen = http.seen();
    assert_eq!(seen.len(), 7);
    assert!(seen[5].uri().path().ends_with("/keys"));
}

#[test]
fn unknown_kids_refetch_the_keys_at_most_once_a_minute() {
    let rig = Rig::new();
    let http = FakeHttp::with(
        [
            first_sign_in(),
            rotated_sign_in("k2"),
            // A second unknown kid within the minute: no fetch.
            vec![Ok((
                200,
                token(&es256(&claims(), json!({"alg": "ES256", "kid": "k3"}))),
            ))],
            // A minute after the last refetch: fetched again.
            rotated_sign_in("k3"),
        ]
        .concat(),
    );
    rig.exchange(&http).unwrap();
    rig.exchange_at(&http, NOW + 10).unwrap();
    assert!(upstream(
        rig.exchange_at(&http, NOW + 10 + JWKS_REFETCH_SECS - 1)
    ));
    assert_eq!(http.seen().len(), 8, "only the token request");
    rig.exchange_at(&http, NOW + 10 + JWKS_REFETCH_SECS)
        .unwrap();
    assert_eq!(http.seen().len(), 11);
}

#[test]
fn a_malformed_jwks_is_upstream() {
    let rig = Rig::new();
    let mut answers = first_sign_in();
    answers[2] = Ok((200, r#"{"keys":"none"}"#.into()));
    assert!(upstream(rig.exchange(&FakeHttp::with(answers))));
}

fn with_claims(patch: serde_json::Value) -> Result<Exchanged, ProviderError> {
    let mut c = claims();
    for (k, v) in patch.as_object().cloned().unwrap_or_default() {
        c[k] = v;
    }
    let mut answers = first_sign_in();
    answers[1] = Ok((200, token(&signed(&c))));
    Rig::new().exchange(&FakeHttp::with(answers))
}

#[test]
fn a_signed_token_for_another_audience_is_refused() {
    assert!(upstream(with_claims(json!({"aud": "someone-else"}))));
}

#[test]
fn a_signed_token_from_another_issuer_is_refused() {
    assert!(upstream(with_claims(
        json!({"iss": "https://login.example/other/v2.0"})
    )));
}

#[test]
fn a_signed_expired_token_is_refused() {
    assert!(upstream(with_claims(json!({"exp": NOW - 61}))));
}

#[test]
fn a_signed_token_for_another_azp_is_refused() {
    assert!(upstream(with_claims(json!({"azp": "someone-else"}))));
}

#[test]
fn a_userinfo_for_another_subject_is_refused() {
    let mut answers = first_sign_in();
    answers[3] = Ok((
        200,
        r#"{"sub":"someone-else","email":"x@corp.example"}"#.into(),
    ));
    assert!(upstream(Rig::new().exchange(&FakeHttp::with(answers))));
}

#[test]
fn a_userinfo_whose_provider_field_is_overridden_keeps_ours() {
    let mut answers = first_sign_in();
    answers[3] = Ok((
        200,
        r#"{"sub":"AAAAAAAAAAAAAAAAAAAAAGrace","provider":"google-oauth2"}"#.into(),
    ));
    let rig = Rig::new();
    let http = FakeHttp::with(answers);
    let exchanged = rig.exchange(&http).unwrap();
    let user_info = rig.user_info(&http, &exchanged);
    let parsed: serde_json::Value = serde_json::from_str(&user_info).unwrap();
    assert_eq!(parsed["provider"], "oidc");
    let raw = serde_json::value::RawValue::from_string(user_info).unwrap();
    assert_eq!(
        crate::auth::session::user_id(&raw).as_deref(),
        Some("oidc:AAAAAAAAAAAAAAAAAAAAAGrace")
    );
}

#[test]
fn without_allow_lists_an_unverified_email_may_sign_in() {
    let mut answers = first_sign_in();
    answers[3] = Ok((
        200,
        r#"{"sub":"AAAAAAAAAAAAAAAAAAAAAGrace","email":"grace@corp.example","email_verified":false}"#
            .into(),
    ));
    let exchanged = Rig::new().exchange(&FakeHttp::with(answers)).unwrap();
    assert!(!exchanged.claims.email_verified);
    assert!(policy::check_account(Kind::Oidc, &exchanged.claims, &[], &[]).is_ok());
    // With an allow-list, an address the provider does not vouch for never matches.
    let domains = vec!["corp.example".to_string()];
    assert!(policy::check_account(Kind::Oidc, &exchanged.claims, &domains, &[]).is_err());
    let emails = vec!["grace@corp.example".to_string()];
    assert!(policy::check_account(Kind::Oidc, &exchanged.claims, &[], &emails).is_err());
}

#[test]
fn allow_lists_take_a_verified_email_but_never_hd() {
    let exchanged = Rig::new()
        .exchange(&FakeHttp::with(first_sign_in()))
        .unwrap();
    let list = |s: &str| vec![s.to_string()];
    assert!(
        policy::check_account(Kind::Oidc, &exchanged.claims, &list("corp.example"), &[]).is_ok()
    );
    let mut by_hd = exchanged.claims.clone();
    by_hd.email = Some("grace@elsewhere.example".into());
    by_hd.hd = Some("corp.example".into());
    assert!(policy::check_account(Kind::Oidc, &by_hd, &list("corp.example"), &[]).is_err());
}

#[test]
fn a_discovery_member_that_is_not_a_string_is_refused() {
    for patch in [
        json!({"userinfo_endpoint": 7}),
        json!({"issuer": [ISSUER]}),
        json!({"token_endpoint_auth_methods_supported": "client_secret_post"}),
    ] {
        let http = FakeHttp::with(vec![Ok((200, discovery(patch.clone())))]);
        assert!(upstream(Rig::new().exchange(&http)), "{patch}");
    }
}
