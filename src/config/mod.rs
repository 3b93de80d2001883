//! Configuration: the Worker's bindings read into a plain struct (once per
//! isolate, by the edge), the keys derived from them. A binding that is
//! missing or invalid is remembered as a `ConfigError` and only reported by
//! the routes that need it, so `/auth/config` keeps working while
//! `SECRET_KEY` is still unset. Uses `token` only.

mod secret;

pub use secret::Secret;

pub mod endpoint;

use crate::token::Keyring;

pub const DEFAULT_MAX_TOKEN_AGE: u64 = 604_800;
pub const DEFAULT_MAX_SESSION_AGE: u64 = 2_592_000;
pub const DEFAULT_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const DEFAULT_USERINFO_URL: &str = "https://openidconnect.googleapis.com/v1/userinfo";
pub const DEFAULT_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// Why a binding can't be used; names the binding, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub binding: &'static str,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Missing,
    NotAPositiveInteger,
    NotAnHttpUrl,
    /// `SECRET_KEY` shorter than `MIN_SECRET_KEY_BYTES`.
    TooShort,
    /// A `GOOGLE_*_URL` that is not `https://`, nor `http://` on loopback.
    NotHttpsOrLoopback,
}

/// `/auth/start` hands anyone a value signed with a key derived from
/// `SECRET_KEY`, so a short one can be brute-forced offline. 32 bytes is
/// what `secrets.token_urlsafe(32)` and `openssl rand -base64 32` give at the
/// least; fallbacks are not held to it, so that Flask-era keys still verify.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

type Setting<T> = Result<T, ConfigError>;

#[derive(Debug, Clone)]
pub struct Config {
    keyring: Setting<Keyring>,
    signin_keyring: Setting<Keyring>,
    client_id: Setting<String>,
    client_secret: Setting<Secret>,
    max_token_age: Setting<u64>,
    max_session_age: Setting<u64>,
    auth_url: Setting<String>,
    token_url: Setting<String>,
    userinfo_url: Setting<String>,
    issuers: Vec<String>,
    pub allowed_redirect_uris: Vec<String>,
    pub allowed_email_domains: Vec<String>,
    pub allowed_emails: Vec<String>,
    pub accept_flask_tokens: bool,
}

/// The sign-in cookie is signed with a key of its own (an itsdangerous salt),
/// so that a session token can never pass for a cookie or the reverse.
pub const SIGNIN_SALT: &str = "edge-login.signin";

impl Config {
    /// `lookup` returns a binding's value (var or secret), `None` when unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let secret = get("SECRET_KEY")
            .ok_or(missing("SECRET_KEY"))
            .and_then(|s| {
                if s.len() >= MIN_SECRET_KEY_BYTES {
                    Ok(s)
                } else {
                    Err(ConfigError {
                        binding: "SECRET_KEY",
                        problem: Problem::TooShort,
                    })
                }
            });
        let fallbacks = split_list(get("SECRET_KEY_FALLBACKS").as_deref());
        let fallback_refs: Vec<&str> = fallbacks.iter().map(String::as_str).collect();
        let keyring = secret
            .as_ref()
            .map(|s| Keyring::new(s, &fallback_refs))
            .map_err(Clone::clone);
        let signin_keyring = secret
            .as_ref()
            .map(|s| Keyring::with_salt(SIGNIN_SALT, s, &[]))
            .map_err(Clone::clone);

        let auth_url_overridden = get("GOOGLE_AUTH_URL").is_some();
        let auth_url = url_setting("GOOGLE_AUTH_URL", get("GOOGLE_AUTH_URL"), DEFAULT_AUTH_URL);
        let issuers = match (get("GOOGLE_ISSUER"), &auth_url) {
            (Some(issuer), _) => vec![issuer.trim().to_string()],
            (None, Ok(url)) if auth_url_overridden => vec![origin_of(url).to_string()],
            _ => DEFAULT_ISSUERS.iter().map(|s| s.to_string()).collect(),
        };

        Config {
            keyring,
            signin_keyring,
            client_id: get("OAUTH2_CLIENT_ID")
                .map(|v| v.trim().to_string())
                .ok_or(missing("OAUTH2_CLIENT_ID")),
            client_secret: get("OAUTH2_CLIENT_SECRET")
                .map(Secret::new)
                .ok_or(missing("OAUTH2_CLIENT_SECRET")),
            max_token_age: seconds("MAX_TOKEN_AGE", get("MAX_TOKEN_AGE"), DEFAULT_MAX_TOKEN_AGE),
            max_session_age: seconds(
                "MAX_SESSION_AGE",
                get("MAX_SESSION_AGE"),
                DEFAULT_MAX_SESSION_AGE,
            ),
            auth_url,
            token_url: url_setting(
                "GOOGLE_TOKEN_URL",
                get("GOOGLE_TOKEN_URL"),
                DEFAULT_TOKEN_URL,
            ),
            userinfo_url: url_setting(
                "GOOGLE_USERINFO_URL",
                get("GOOGLE_USERINFO_URL"),
                DEFAULT_USERINFO_URL,
            ),
            issuers,
            allowed_redirect_uris: split_list(get("ALLOWED_REDIRECT_URIS").as_deref()),
            allowed_email_domains: split_list(get("ALLOWED_EMAIL_DOMAINS").as_deref())
                .into_iter()
                .map(|d| d.trim_start_matches('@').to_ascii_lowercase())
                .collect(),
            allowed_emails: split_list(get("ALLOWED_EMAILS").as_deref())
                .into_iter()
                .map(|e| e.to_ascii_lowercase())
                .collect(),
            accept_flask_tokens: get("ACCEPT_FLASK_TOKENS").as_deref() == Some("true"),
        }
    }

    pub fn keyring(&self) -> Result<&Keyring, ConfigError> {
        self.keyring.as_ref().map_err(Clone::clone)
    }
    pub fn signin_keyring(&self) -> Result<&Keyring, ConfigError> {
        self.signin_keyring.as_ref().map_err(Clone::clone)
    }
    pub fn client_id(&self) -> Result<&str, ConfigError> {
        self.client_id.as_deref().map_err(Clone::clone)
    }
    pub fn client_secret(&self) -> Result<&Secret, ConfigError> {
        self.client_secret.as_ref().map_err(Clone::clone)
    }
    pub fn max_token_age(&self) -> Result<u64, ConfigError> {
        self.max_token_age.clone()
    }
    pub fn max_session_age(&self) -> Result<u64, ConfigError> {
        self.max_session_age.clone()
    }
    pub fn auth_url(&self) -> Result<&str, ConfigError> {
        self.auth_url.as_deref().map_err(Clone::clone)
    }
    pub fn token_url(&self) -> Result<&str, ConfigError> {
        self.token_url.as_deref().map_err(Clone::clone)
    }
    pub fn userinfo_url(&self) -> Result<&str, ConfigError> {
        self.userinfo_url.as_deref().map_err(Clone::clone)
    }
    pub fn issuers(&self) -> &[String] {
        &self.issuers
    }
}

fn missing(binding: &'static str) -> ConfigError {
    ConfigError {
        binding,
        problem: Problem::Missing,
    }
}

/// Comma-separated bindings: items trimmed, empty ones ignored.
pub fn split_list(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn seconds(binding: &'static str, raw: Option<String>, default: u64) -> Setting<u64> {
    match raw {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError {
                binding,
                problem: Problem::NotAPositiveInteger,
            }),
        },
    }
}

fn url_setting(binding: &'static str, raw: Option<String>, default: &str) -> Setting<String> {
    let value = raw.map(|v| v.trim().to_string());
    let url = value.as_deref().unwrap_or(default);
    endpoint::check(url)
        .map(|()| url.to_string())
        .map_err(|problem| ConfigError { binding, problem })
}

/// `scheme://host[:port]` of an absolute http(s) URL.
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

#[cfg(test)]
pub(crate) mod tests {
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
}
