//! The identity providers (CONTRACT.md "Providers"): Google (`google`),
//! GitHub (`github`) and one OpenID Connect provider found by discovery
//! (`oidc`), each one file behind `Provider`: what the frontend needs to
//! open its consent screen, how a code is exchanged, how `user_info` is
//! made. `jws` checks an id_token's signature over a `JwsVerifier` the
//! platform gives (WebCrypto on Workers). Every way a provider can fail is
//! one `ProviderError`. Uses `config` and `json_object` only.
//!
//! Adding a provider: a file implementing `Provider`, its `Kind` (one row in
//! `Kind::ALL` and its names), and its arm in `Configured`.

mod error;
pub mod github;
pub mod google;
mod id_token;
pub mod jws;
pub mod oidc;
mod token;
mod userinfo;

pub use error::ProviderError;
pub use id_token::{read_id_token, verified_email_of, Claims, EXP_LEEWAY_SECS};
pub use userinfo::minify_json;

use oauth2::AsyncHttpClient;
use serde::Serialize;

/// The upper bound on what we accept from a provider in one answer.
pub const MAX_UPSTREAM_BODY: usize = 256 * 1024;

/// A provider, by its torii name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Google,
    GitHub,
    Oidc,
}

impl Kind {
    /// Every provider, in the order `/auth/config` lists them.
    pub const ALL: [Kind; 3] = [Kind::Google, Kind::GitHub, Kind::Oidc];

    /// torii's name: `/auth/start`'s and `/login`'s `provider`, and the
    /// `provider` of a `user_info` made by us.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Google => "google-oauth2",
            Kind::GitHub => "github-oauth2",
            Kind::Oidc => "oidc",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the store's user id starts with (`None`: Google's bare `sub`,
    /// as every session made before other providers existed has it).
    fn user_prefix(self) -> Option<&'static str> {
        match self {
            Kind::Google => None,
            Kind::GitHub => Some("github"),
            Kind::Oidc => Some("oidc"),
        }
    }

    /// How the answers name the provider.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Google => "Google",
            Kind::GitHub => "GitHub",
            Kind::Oidc => "The sign-in provider",
        }
    }

    /// The bindings of its OAuth client, for the operator.
    pub fn client_bindings(self) -> &'static str {
        match self {
            Kind::Google => "OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET",
            Kind::GitHub => "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET",
            Kind::Oidc => "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET",
        }
    }
}

/// The store's user id: Google's `sub`, `github:<id>`, `oidc:<sub>`. A user
/// is one identity per provider: the same address at two providers is two
/// users, never linked.
pub fn user_id(kind: Kind, sub: &str) -> String {
    match kind.user_prefix() {
        Some(prefix) => format!("{prefix}:{sub}"),
        None => sub.to_string(),
    }
}

/// The sign-in's side of a code exchange.
#[derive(Debug, Clone)]
pub struct Code<'a> {
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub pkce_verifier: Option<&'a str>,
    /// Seconds since the epoch, for the id_token's `exp` and the key cache.
    pub now: u64,
}

/// A code exchanged: what the account policy needs, and what `user_info`
/// needs to finish (the access token's `Debug` is redacted).
#[derive(Debug)]
pub struct Exchanged {
    pub claims: Claims,
    access_token: Option<oauth2::AccessToken>,
    /// Made already by the exchange (GitHub's, or OpenID Connect's id_token
    /// claims when there is no userinfo endpoint).
    user_info: Option<String>,
}

/// One entry of `/auth/config`'s `providers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientConfig {
    pub name: &'static str,
    pub label: String,
    pub client_id: String,
    pub authorization_endpoint: String,
    pub scope: &'static str,
}

/// What every provider does for a sign-in.
#[allow(async_fn_in_trait)]
pub trait Provider {
    const KIND: Kind;

    /// What the frontend needs to open the consent screen.
    async fn client_config<C>(&self, http: &C) -> Result<ClientConfig, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>;

    /// The code exchanged at the token endpoint, and the identity's claims.
    async fn exchange<C>(&self, http: &C, code: &Code<'_>) -> Result<Exchanged, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>;

    /// The `user_info` a token carries (minified JSON object text).
    async fn user_info<C>(&self, http: &C, exchanged: &Exchanged) -> Result<String, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>;
}

/// The provider one sign-in is for.
pub enum Configured<'a, V> {
    Google(google::Google<'a>),
    GitHub(github::GitHub<'a>),
    Oidc(oidc::Oidc<'a, V>),
}

impl<V: jws::JwsVerifier> Configured<'_, V> {
    pub fn kind(&self) -> Kind {
        match self {
            Configured::Google(_) => Kind::Google,
            Configured::GitHub(_) => Kind::GitHub,
            Configured::Oidc(_) => Kind::Oidc,
        }
    }

    pub async fn client_config<C>(&self, http: &C) -> Result<ClientConfig, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        match self {
            Configured::Google(p) => p.client_config(http).await,
            Configured::GitHub(p) => p.client_config(http).await,
            Configured::Oidc(p) => p.client_config(http).await,
        }
    }

    pub async fn exchange<C>(&self, http: &C, code: &Code<'_>) -> Result<Exchanged, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        match self {
            Configured::Google(p) => p.exchange(http, code).await,
            Configured::GitHub(p) => p.exchange(http, code).await,
            Configured::Oidc(p) => p.exchange(http, code).await,
        }
    }

    pub async fn user_info<C>(
        &self,
        http: &C,
        exchanged: &Exchanged,
    ) -> Result<String, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        match self {
            Configured::Google(p) => p.user_info(http, exchanged).await,
            Configured::GitHub(p) => p.user_info(http, exchanged).await,
            Configured::Oidc(p) => p.user_info(http, exchanged).await,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
