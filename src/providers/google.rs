//! Google (or an OpenID Connect server in its place under the `GOOGLE_*`
//! overrides): the authorization-code exchange (`token`),
//! the id_token's claims read as taken straight from the token endpoint,
//! and the userinfo call. `user_info` is the userinfo as Google sent it.

use super::id_token::read_id_token;
use super::token::{code_grant, ClientAuth, CodeGrant};
use super::userinfo::{check_userinfo_subject, fetch_userinfo, minify_json};
use super::{ClientConfig, Code, Exchanged, Kind, Provider, ProviderError};
use crate::config::Secret;
use oauth2::AsyncHttpClient;

/// Everything one sign-in needs to know about the provider's side. The
/// secret's `Debug` is `[redacted]`, so this may be logged.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub token_url: &'a str,
    pub userinfo_url: &'a str,
    pub issuers: &'a [String],
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub pkce_verifier: Option<&'a str>,
    /// Seconds since the epoch, for the id_token's `exp`.
    pub now: u64,
}

#[derive(Debug)]
pub struct Identity {
    pub claims: super::Claims,
    /// The userinfo JSON as Google sent it, minus insignificant whitespace.
    pub user_info: String,
}

/// The whole sign-in: `exchange_code`, then `user_info`.
pub async fn sign_in<C>(http: &C, x: &Exchange<'_>) -> Result<Identity, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let exchanged = exchange_code(http, x).await?;
    let user_info = user_info(http, x, &exchanged).await?;
    Ok(Identity {
        claims: exchanged.claims,
        user_info,
    })
}

/// The userinfo of an exchanged code, its `sub` checked against the
/// id_token's, minus insignificant whitespace.
pub async fn user_info<C>(
    http: &C,
    x: &Exchange<'_>,
    exchanged: &Exchanged,
) -> Result<String, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let access_token = exchanged
        .access_token
        .as_ref()
        .ok_or_else(|| ProviderError::Upstream("no access token for the userinfo".into()))?;
    let user_info = fetch_userinfo(
        http,
        x.userinfo_url,
        access_token.secret(),
        "GOOGLE_USERINFO_URL",
    )
    .await?;
    check_userinfo_subject(&user_info, &exchanged.claims.sub)?;
    Ok(minify_json(user_info.get()))
}

/// The authorization-code exchange at the token endpoint, and the
/// id_token's checks.
pub async fn exchange_code<C>(http: &C, x: &Exchange<'_>) -> Result<Exchanged, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let (id_token, access_token) = code_grant(
        http,
        &CodeGrant {
            client_id: x.client_id,
            client_secret: x.client_secret,
            token_url: x.token_url,
            token_url_binding: Some("GOOGLE_TOKEN_URL"),
            // Google takes the credentials in the form body as well as
            // Basic; the body avoids Basic's URL-encoding pitfalls.
            auth: ClientAuth::Body,
            redirect_uri: x.redirect_uri,
            code: x.code,
            pkce_verifier: x.pkce_verifier,
        },
    )
    .await?;
    let id_token =
        id_token.ok_or_else(|| ProviderError::Upstream("token answer has no id_token".into()))?;
    let claims = read_id_token(&id_token, x.client_id, x.issuers, x.now)?;
    Ok(Exchanged {
        claims,
        access_token: Some(access_token),
        user_info: None,
    })
}

/// Google's settings, as `Config` holds them.
#[derive(Debug, Clone)]
pub struct Google<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub auth_url: &'a str,
    pub token_url: &'a str,
    pub userinfo_url: &'a str,
    pub issuers: &'a [String],
}

impl Google<'_> {
    fn exchange_of<'b>(&'b self, code: &Code<'b>) -> Exchange<'b> {
        Exchange {
            client_id: self.client_id,
            client_secret: self.client_secret,
            token_url: self.token_url,
            userinfo_url: self.userinfo_url,
            issuers: self.issuers,
            redirect_uri: code.redirect_uri,
            code: code.code,
            pkce_verifier: code.pkce_verifier,
            now: code.now,
        }
    }
}

impl Provider for Google<'_> {
    const KIND: Kind = Kind::Google;

    async fn client_config<C>(&self, _http: &C) -> Result<ClientConfig, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        Ok(client_config(self.client_id, self.auth_url))
    }

    async fn exchange<C>(&self, http: &C, code: &Code<'_>) -> Result<Exchanged, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        exchange_code(http, &self.exchange_of(code)).await
    }

    async fn user_info<C>(&self, http: &C, exchanged: &Exchanged) -> Result<String, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let code = Code {
            redirect_uri: "",
            code: "",
            pkce_verifier: None,
            now: 0,
        };
        user_info(http, &self.exchange_of(&code), exchanged).await
    }
}

/// Google's `/auth/config` entry: its public half alone.
pub fn client_config(client_id: &str, auth_url: &str) -> ClientConfig {
    ClientConfig {
        name: Kind::Google.name(),
        label: Kind::Google.label().to_string(),
        client_id: client_id.to_string(),
        authorization_endpoint: auth_url.to_string(),
        scope: SCOPE,
    }
}

/// What Google's consent screen is asked for.
pub const SCOPE: &str = "openid email profile";
