//! Google (or an OpenID Connect server in its place under the `GOOGLE_*`
//! overrides): the authorization-code exchange through the `oauth2` crate,
//! the id_token's claims read as taken straight from the token endpoint,
//! and the userinfo call. `user_info` is the userinfo as Google sent it.

use super::id_token::read_id_token;
use super::userinfo::{check_userinfo_subject, fetch_userinfo, minify_json};
use super::{ClientConfig, Code, Exchanged, Kind, Provider, ProviderError};
use crate::config::Secret;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AsyncHttpClient, AuthType, AuthorizationCode, Client, ClientId, ClientSecret, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Google's token answer carries the id_token beside the access token.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default)]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type GoogleTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type GoogleClient = Client<
    BasicErrorResponse,
    GoogleTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

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
            auth_type: AuthType::RequestBody,
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

/// One authorization-code grant through the `oauth2` crate.
pub(super) struct CodeGrant<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub token_url: &'a str,
    /// The binding the token URL came from (`None`: a discovery document).
    pub token_url_binding: Option<&'static str>,
    pub auth_type: AuthType,
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub pkce_verifier: Option<&'a str>,
}

/// The code exchanged: the answer's id_token (if any) and access token.
pub(super) async fn code_grant<C>(
    http: &C,
    g: &CodeGrant<'_>,
) -> Result<(Option<String>, oauth2::AccessToken), ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let token_url =
        TokenUrl::new(g.token_url.to_string()).map_err(|_| match g.token_url_binding {
            Some(binding) => ProviderError::BadEndpoint(binding),
            None => ProviderError::Upstream("token endpoint does not parse".into()),
        })?;
    let redirect =
        RedirectUrl::new(g.redirect_uri.to_string()).map_err(|_| ProviderError::BadRedirectUri)?;
    let client: GoogleClient = Client::new(ClientId::new(g.client_id.to_string()))
        .set_client_secret(ClientSecret::new(g.client_secret.expose().to_string()))
        .set_auth_type(g.auth_type.clone())
        .set_token_uri(token_url);

    let mut request = client
        .exchange_code(AuthorizationCode::new(g.code.to_string()))
        .set_redirect_uri(Cow::Borrowed(&redirect));
    if let Some(v) = g.pkce_verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.to_string()));
    }
    let token = request.request_async(http).await.map_err(token_error)?;
    Ok((
        token.extra_fields().id_token.clone(),
        token.access_token().clone(),
    ))
}

fn token_error<E: std::error::Error>(
    err: RequestTokenError<E, BasicErrorResponse>,
) -> ProviderError {
    match err {
        RequestTokenError::ServerResponse(resp) => match resp.error() {
            BasicErrorResponseType::InvalidGrant => ProviderError::InvalidGrant,
            BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient => {
                ProviderError::ClientRejected(format!("token endpoint answered {}", resp.error()))
            }
            BasicErrorResponseType::Extension(e) if e == "redirect_uri_mismatch" => {
                ProviderError::RedirectUriNotRegistered
            }
            other => ProviderError::Upstream(format!("token endpoint answered {other}")),
        },
        RequestTokenError::Request(e) => ProviderError::Upstream(format!("token endpoint: {e}")),
        RequestTokenError::Parse(e, _body) => {
            ProviderError::Upstream(format!("token endpoint answer does not parse: {e}"))
        }
        RequestTokenError::Other(e) => ProviderError::Upstream(format!("token endpoint: {e}")),
    }
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
