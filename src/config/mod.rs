//! Configuration: the Worker's bindings read into a plain struct (once per
//! isolate, by the edge), the keys derived from them. A binding that is
//! missing or invalid is remembered as a `ConfigError` and only reported by
//! the routes that need it, so `/auth/config` keeps working while
//! `SECRET_KEY` is still unset. Uses `token` only.

pub mod assertion_key;
mod providers;
mod secret;

pub use assertion_key::AssertionKey;
pub use providers::{
    GitHubSettings, OidcSettings, DEFAULT_GITHUB_API_URL, DEFAULT_GITHUB_AUTH_URL,
    DEFAULT_GITHUB_TOKEN_URL, DEFAULT_OIDC_NAME,
};
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
    /// A `GOOGLE_*_URL` (or `BACKEND_URL`) that is not `https://`, nor
    /// `http://` on loopback.
    NotHttpsOrLoopback,
    /// An `ASSERTION_KEY` that is not an ECDSA P-256 private key in PKCS#8
    /// PEM.
    NotAnAssertionKey,
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
    /// `None`: GitHub is not configured (its client id or secret unset).
    github: Option<Setting<GitHubSettings>>,
    /// `None`: no OpenID Connect provider (one of its three bindings unset).
    oidc: Option<Setting<OidcSettings>>,
    pub allowed_redirect_uris: Vec<String>,
    pub allowed_email_domains: Vec<String>,
    pub allowed_emails: Vec<String>,
    pub accept_flask_tokens: bool,
    backend: Backend,
}

/// The app's backend (CONTRACT.md "The app's backend"), as bound.
#[derive(Debug, Clone)]
struct Backend {
    /// `BACKEND`, a service binding: told by the edge, which sees bindings
    /// that are not text.
    service: bool,
    url: Setting<Option<String>>,
    key: Setting<Option<AssertionKey>>,
    fallbacks: Setting<Vec<AssertionKey>>,
    audience: Option<String>,
}

/// Where forwarded requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendTarget<'a> {
    /// `BACKEND`, the service binding.
    Service,
    /// `BACKEND_URL`, an origin (or a base URL, the request's path appended).
    Url(&'a str),
}

/// The keys of the identity assertion: the one that signs, and every one the
/// JWKS publishes (it first, then the fallbacks).
#[derive(Debug, Clone, Copy)]
pub struct AssertionKeys<'a> {
    pub signing: Option<&'a AssertionKey>,
    pub fallbacks: &'a [AssertionKey],
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
            github: providers::github(&get),
            oidc: providers::oidc(&get),
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
            backend: Backend {
                service: false,
                url: match get("BACKEND_URL") {
                    None => Ok(None),
                    Some(raw) => url_setting("BACKEND_URL", Some(raw), "").map(Some),
                },
                key: get("ASSERTION_KEY")
                    .map(|pem| assertion_key::parse_pem(&pem))
                    .transpose()
                    .map_err(|problem| ConfigError {
                        binding: "ASSERTION_KEY",
                        problem,
                    }),
                fallbacks: get("ASSERTION_KEY_FALLBACKS")
                    .map(|raw| {
                        split_list(Some(&raw))
                            .iter()
                            .map(|pem| assertion_key::parse_pem(pem))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .transpose()
                    .map(Option::unwrap_or_default)
                    .map_err(|problem| ConfigError {
                        binding: "ASSERTION_KEY_FALLBACKS",
                        problem,
                    }),
                audience: get("ASSERTION_AUDIENCE").map(|a| a.trim().to_string()),
            },
        }
    }

    /// The edge found `BACKEND`, a service binding: it is the backend, and
    /// `BACKEND_URL` is not used.
    pub fn with_backend_service(mut self) -> Self {
        self.backend.service = true;
        self
    }

    /// Whether a backend is configured at all (`/auth/config`'s `backend`),
    /// well or not.
    pub fn has_backend(&self) -> bool {
        self.backend.service || !matches!(self.backend.url, Ok(None))
    }

    /// Where to forward, `None` without a backend; a bad `BACKEND_URL`, or
    /// one without a usable `ASSERTION_KEY`, names its binding.
    pub fn backend(&self) -> Result<Option<BackendTarget<'_>>, ConfigError> {
        if self.backend.service {
            self.assertion_keys()?;
            return Ok(Some(BackendTarget::Service));
        }
        match &self.backend.url {
            Ok(None) => Ok(None),
            Err(e) => Err(e.clone()),
            Ok(Some(url)) => match self.assertion_keys()?.signing {
                Some(_) => Ok(Some(BackendTarget::Url(url))),
                // Anyone who reaches the origin can send the headers; only
                // a signed assertion tells the backend the Worker sent it.
                None => Err(missing("ASSERTION_KEY")),
            },
        }
    }

    /// The assertion's keys; a key that is set but unusable names its
    /// binding.
    pub fn assertion_keys(&self) -> Result<AssertionKeys<'_>, ConfigError> {
        let signing = self.backend.key.as_ref().map_err(Clone::clone)?.as_ref();
        let fallbacks = self.backend.fallbacks.as_ref().map_err(Clone::clone)?;
        Ok(AssertionKeys { signing, fallbacks })
    }

    /// The assertion's `aud`: `ASSERTION_AUDIENCE`, else the request's origin.
    pub fn assertion_audience<'a>(&'a self, origin: &'a str) -> &'a str {
        self.backend.audience.as_deref().unwrap_or(origin)
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
    /// Whether Google is offered: its client id is set (the secret is
    /// `/login`'s to ask for, as ever).
    pub fn google_configured(&self) -> bool {
        self.client_id.is_ok()
    }
    /// `None` when GitHub is not configured; else its settings, or the
    /// binding of it that is invalid.
    pub fn github(&self) -> Option<Result<&GitHubSettings, ConfigError>> {
        self.github
            .as_ref()
            .map(|s| s.as_ref().map_err(Clone::clone))
    }
    /// `None` when no OpenID Connect provider is configured.
    pub fn oidc(&self) -> Option<Result<&OidcSettings, ConfigError>> {
        self.oidc.as_ref().map(|s| s.as_ref().map_err(Clone::clone))
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

/// A lifetime binding: unset is `default`, else a whole number of seconds
/// above zero.
pub fn seconds(binding: &'static str, raw: Option<String>, default: u64) -> Setting<u64> {
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
pub(crate) mod tests;
