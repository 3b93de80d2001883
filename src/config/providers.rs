//! The bindings of the providers beside Google (CONTRACT.md "Providers"):
//! each is configured only when all its required bindings are set, so a
//! half-set provider is absent rather than a broken button.

use super::{url_setting, ConfigError, Secret, Setting};

pub const DEFAULT_GITHUB_AUTH_URL: &str = "https://github.com/login/oauth/authorize";
pub const DEFAULT_GITHUB_TOKEN_URL: &str = "https://github.com/login/oauth/access_token";
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";
pub const DEFAULT_OIDC_NAME: &str = "single sign-on";

/// A GitHub OAuth App.
#[derive(Debug, Clone)]
pub struct GitHubSettings {
    pub client_id: String,
    pub client_secret: Secret,
    pub auth_url: String,
    pub token_url: String,
    /// Without a trailing `/`: paths are appended to it.
    pub api_url: String,
}

/// One OpenID Connect provider, found by discovery.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// As configured (trimmed): the discovery document's `issuer` and the
    /// id_token's `iss` must equal it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// Its button's name.
    pub name: String,
}

pub(super) fn github(get: &dyn Fn(&str) -> Option<String>) -> Option<Setting<GitHubSettings>> {
    let client_id = get("GITHUB_CLIENT_ID")?;
    let client_secret = get("GITHUB_CLIENT_SECRET")?;
    let url = |binding: &'static str, default: &str| url_setting(binding, get(binding), default);
    Some((|| -> Result<GitHubSettings, ConfigError> {
        Ok(GitHubSettings {
            client_id: client_id.trim().to_string(),
            client_secret: Secret::new(client_secret),
            auth_url: url("GITHUB_AUTH_URL", DEFAULT_GITHUB_AUTH_URL)?,
            token_url: url("GITHUB_TOKEN_URL", DEFAULT_GITHUB_TOKEN_URL)?,
            api_url: url("GITHUB_API_URL", DEFAULT_GITHUB_API_URL)?
                .trim_end_matches('/')
                .to_string(),
        })
    })())
}

pub(super) fn oidc(get: &dyn Fn(&str) -> Option<String>) -> Option<Setting<OidcSettings>> {
    let issuer = get("OIDC_ISSUER")?;
    let client_id = get("OIDC_CLIENT_ID")?;
    let client_secret = get("OIDC_CLIENT_SECRET")?;
    Some(url_setting("OIDC_ISSUER", Some(issuer), "").map(|issuer| {
        OidcSettings {
            issuer,
            client_id: client_id.trim().to_string(),
            client_secret: Secret::new(client_secret),
            name: get("OIDC_NAME")
                .map(|n| n.trim().to_string())
                .unwrap_or_else(|| DEFAULT_OIDC_NAME.to_string()),
        }
    }))
}
