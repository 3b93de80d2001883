//! The identity provider (Google, or any OpenID Connect server in its place):
//! the authorization-code exchange through the `oauth2` crate over whatever
//! HTTP client the platform gives, the id_token's claims (`id_token`), and
//! the userinfo call (`userinfo`). Every way the provider can fail is one
//! `ProviderError`. Uses `config::Secret` and `json_object` only.

mod error;
mod id_token;
mod userinfo;

pub use error::ProviderError;
pub use id_token::{read_id_token, Claims, EXP_LEEWAY_SECS};
pub use userinfo::minify_json;

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
use userinfo::{check_userinfo_subject, fetch_userinfo};

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
    pub claims: Claims,
    /// The userinfo JSON as Google sent it, minus insignificant whitespace.
    pub user_info: String,
}

/// The upper bound on what we accept from Google in one answer.
pub const MAX_UPSTREAM_BODY: usize = 256 * 1024;

/// The code exchanged: the id_token's claims, and the access token for the
/// userinfo call (its `Debug` is redacted).
#[derive(Debug)]
pub struct Exchanged {
    pub claims: Claims,
    access_token: oauth2::AccessToken,
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
    let user_info = fetch_userinfo(http, x.userinfo_url, exchanged.access_token.secret()).await?;
    check_userinfo_subject(&user_info, &exchanged.claims.sub)?;
    Ok(minify_json(user_info.get()))
}

/// The authorization-code exchange at the token endpoint, and the
/// id_token's checks.
pub async fn exchange_code<C>(http: &C, x: &Exchange<'_>) -> Result<Exchanged, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let token_url = TokenUrl::new(x.token_url.to_string())
        .map_err(|_| ProviderError::BadEndpoint("GOOGLE_TOKEN_URL"))?;
    let redirect =
        RedirectUrl::new(x.redirect_uri.to_string()).map_err(|_| ProviderError::BadRedirectUri)?;
    let client: GoogleClient = Client::new(ClientId::new(x.client_id.to_string()))
        .set_client_secret(ClientSecret::new(x.client_secret.expose().to_string()))
        // Google takes the credentials in the form body as well as Basic;
        // the body avoids Basic's URL-encoding pitfalls with secrets.
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token_url);

    let mut request = client
        .exchange_code(AuthorizationCode::new(x.code.to_string()))
        .set_redirect_uri(Cow::Borrowed(&redirect));
    if let Some(v) = x.pkce_verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.to_string()));
    }
    let token = request.request_async(http).await.map_err(token_error)?;

    let id_token = token
        .extra_fields()
        .id_token
        .as_deref()
        .ok_or_else(|| ProviderError::Upstream("token answer has no id_token".into()))?;
    let claims = read_id_token(id_token, x.client_id, x.issuers, x.now)?;
    Ok(Exchanged {
        claims,
        access_token: token.access_token().clone(),
    })
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

#[cfg(test)]
pub(crate) mod tests;
