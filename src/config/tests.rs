use super::*;
use std::collections::HashMap;

pub fn good_bindings() -> HashMap<&'static str, String> {
    HashMap::from([
        (
            "SECRET_KEY",
            "s3cret-key-for-unit-tests-0123456789".to_string(),
        ),
        ("OAUTH2_CLIENT_ID", "client-123.apps.example".to_string()),
        ("OAUTH2_CLIENT_SECRET", "client-secret-xyz".to_string()),
    ])
}

pub fn config_from(bindings: &HashMap<&'static str, String>) -> Config {
    Config::from_lookup(|name| bindings.get(name).cloned())
}

pub fn good_config() -> Config {
    config_from(&good_bindings())
}

fn with(name: &'static str, value: &str) -> Config {
    let mut b = good_bindings();
    b.insert(name, value.to_string());
    config_from(&b)
}

fn without(name: &'static str) -> Config {
    let mut b = good_bindings();
    b.remove(name);
    config_from(&b)
}

#[test]
fn good_config_has_defaults() {
    let c = good_config();
    assert_eq!(c.max_token_age(), Ok(DEFAULT_MAX_TOKEN_AGE));
    assert_eq!(c.max_session_age(), Ok(DEFAULT_MAX_SESSION_AGE));
    assert_eq!(c.auth_url(), Ok(DEFAULT_AUTH_URL));
    assert_eq!(c.token_url(), Ok(DEFAULT_TOKEN_URL));
    assert_eq!(c.userinfo_url(), Ok(DEFAULT_USERINFO_URL));
    assert_eq!(c.issuers(), &DEFAULT_ISSUERS.map(String::from));
    assert!(!c.accept_flask_tokens);
    assert!(c.allowed_redirect_uris.is_empty());
}

#[test]
fn missing_secret_key_is_named() {
    let err = without("SECRET_KEY").keyring().unwrap_err();
    assert_eq!(err.binding, "SECRET_KEY");
    assert_eq!(err.problem, Problem::Missing);
}

#[test]
fn blank_binding_counts_as_missing() {
    let err = with("OAUTH2_CLIENT_ID", "  ").client_id().unwrap_err();
    assert_eq!(err.binding, "OAUTH2_CLIENT_ID");
}

#[test]
fn missing_client_secret_is_named() {
    assert_eq!(
        without("OAUTH2_CLIENT_SECRET")
            .client_secret()
            .unwrap_err()
            .binding,
        "OAUTH2_CLIENT_SECRET"
    );
}

#[test]
fn rejects_non_numeric_max_token_age() {
    let err = with("MAX_TOKEN_AGE", "abc").max_token_age().unwrap_err();
    assert_eq!(err.binding, "MAX_TOKEN_AGE");
    assert_eq!(err.problem, Problem::NotAPositiveInteger);
}

#[test]
fn rejects_zero_max_token_age() {
    assert!(with("MAX_TOKEN_AGE", "0").max_token_age().is_err());
}

#[test]
fn rejects_negative_max_session_age() {
    assert!(with("MAX_SESSION_AGE", "-5").max_session_age().is_err());
}

#[test]
fn reads_max_token_age() {
    assert_eq!(with("MAX_TOKEN_AGE", " 60 ").max_token_age(), Ok(60));
}

#[test]
fn rejects_token_url_without_scheme() {
    let err = with("GOOGLE_TOKEN_URL", "localhost:9400/token")
        .token_url()
        .unwrap_err();
    assert_eq!(err.binding, "GOOGLE_TOKEN_URL");
    assert_eq!(err.problem, Problem::NotAnHttpUrl);
}

#[test]
fn issuer_follows_overridden_auth_url() {
    let c = with("GOOGLE_AUTH_URL", "http://127.0.0.1:9400/authorize");
    assert_eq!(c.issuers(), &["http://127.0.0.1:9400".to_string()]);
}

#[test]
fn explicit_issuer_wins() {
    let mut b = good_bindings();
    b.insert("GOOGLE_AUTH_URL", "http://127.0.0.1:9400/authorize".into());
    b.insert("GOOGLE_ISSUER", "http://localhost:9400".into());
    assert_eq!(
        config_from(&b).issuers(),
        &["http://localhost:9400".to_string()]
    );
}

#[test]
fn lists_are_trimmed_and_empty_items_dropped() {
    let c = with(
        "ALLOWED_REDIRECT_URIS",
        " https://a.example/cb ,, https://b.example/cb,",
    );
    assert_eq!(
        c.allowed_redirect_uris,
        vec!["https://a.example/cb", "https://b.example/cb"]
    );
}

#[test]
fn email_lists_are_lowercased() {
    let mut b = good_bindings();
    b.insert("ALLOWED_EMAILS", "Ada@Example.COM".into());
    b.insert("ALLOWED_EMAIL_DOMAINS", "@Example.org".into());
    let c = config_from(&b);
    assert_eq!(c.allowed_emails, vec!["ada@example.com"]);
    assert_eq!(c.allowed_email_domains, vec!["example.org"]);
}

#[test]
fn flask_tokens_need_exactly_true() {
    assert!(with("ACCEPT_FLASK_TOKENS", "true").accept_flask_tokens);
    assert!(!with("ACCEPT_FLASK_TOKENS", "TRUE").accept_flask_tokens);
    assert!(!with("ACCEPT_FLASK_TOKENS", "1").accept_flask_tokens);
}

#[test]
fn secret_debug_is_redacted() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "[redacted]");
    let c = good_config();
    let dump = format!("{c:?}");
    assert!(!dump.contains("s3cret-key"), "{dump}");
    assert!(!dump.contains("client-secret-xyz"), "{dump}");
}

#[test]
fn rejects_secret_key_shorter_than_32_bytes() {
    let c = with("SECRET_KEY", &"k".repeat(31));
    for err in [c.keyring().unwrap_err(), c.signin_keyring().unwrap_err()] {
        assert_eq!(err.binding, "SECRET_KEY");
        assert_eq!(err.problem, Problem::TooShort);
    }
}

#[test]
fn accepts_secret_key_of_exactly_32_bytes() {
    let c = with("SECRET_KEY", &"k".repeat(32));
    assert!(c.keyring().is_ok());
    assert!(c.signin_keyring().is_ok());
}

#[test]
fn secret_key_length_counts_utf8_bytes() {
    // 8 characters, 32 bytes; 16 characters, 31 bytes.
    assert!(with("SECRET_KEY", &"🔑".repeat(8)).keyring().is_ok());
    let short = format!("{}a", "é".repeat(15));
    assert_eq!(
        with("SECRET_KEY", &short).keyring().unwrap_err().problem,
        Problem::TooShort
    );
}

#[test]
fn short_fallback_keys_still_verify() {
    let old = Keyring::new("flask-era", &[]).sign(b"{}", 1_000);
    let c = with("SECRET_KEY_FALLBACKS", "flask-era, x");
    assert!(c.keyring().unwrap().unsign(&old, 60, 1_000).is_ok());
}

#[test]
fn rejects_google_url_over_http_on_a_real_host() {
    for binding in ["GOOGLE_AUTH_URL", "GOOGLE_TOKEN_URL", "GOOGLE_USERINFO_URL"] {
        let c = with(binding, "http://oauth2.example/x");
        let err = match binding {
            "GOOGLE_AUTH_URL" => c.auth_url().unwrap_err(),
            "GOOGLE_TOKEN_URL" => c.token_url().unwrap_err(),
            _ => c.userinfo_url().unwrap_err(),
        };
        assert_eq!(err.binding, binding);
        assert_eq!(err.problem, Problem::NotHttpsOrLoopback);
    }
}

#[test]
fn accepts_google_urls_over_http_on_loopback() {
    let mut b = good_bindings();
    b.insert("GOOGLE_AUTH_URL", "http://localhost:9400/authorize".into());
    b.insert("GOOGLE_TOKEN_URL", "http://127.0.0.1:9400/token".into());
    b.insert("GOOGLE_USERINFO_URL", "http://[::1]:9400/userinfo".into());
    let c = config_from(&b);
    assert_eq!(c.auth_url(), Ok("http://localhost:9400/authorize"));
    assert_eq!(c.token_url(), Ok("http://127.0.0.1:9400/token"));
    assert_eq!(c.userinfo_url(), Ok("http://[::1]:9400/userinfo"));
}

#[test]
fn non_ascii_allow_lists_are_not_case_folded() {
    let mut b = good_bindings();
    // U+212A KELVIN SIGN lowercases to `k` under Unicode rules.
    b.insert(
        "ALLOWED_EMAILS",
        "\u{212a}im@example.com, Ada@Example.COM".into(),
    );
    b.insert(
        "ALLOWED_EMAIL_DOMAINS",
        "\u{212a}.example, Example.ORG".into(),
    );
    let c = config_from(&b);
    assert_eq!(
        c.allowed_emails,
        vec!["\u{212a}im@example.com", "ada@example.com"]
    );
    assert_eq!(
        c.allowed_email_domains,
        vec!["\u{212a}.example", "example.org"]
    );
}

#[test]
fn origin_of_strips_path_and_query() {
    assert_eq!(
        origin_of("https://example.com:8443/a/b?c#d"),
        "https://example.com:8443"
    );
    assert_eq!(origin_of("http://127.0.0.1:9400"), "http://127.0.0.1:9400");
}
