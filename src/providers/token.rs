//! The authorization-code grant at a token endpoint (RFC 6749 §4.1.3 and
//! §5), as Google and OpenID Connect make it: the form, the client's
//! credentials (Basic or in the body), the answer read with `json_object`.
//! Written out rather than through the `oauth2` crate's client, whose
//! generic client, serde derives and error types cost about 10 KB of
//! gzipped wasm for one POST.

use super::ProviderError;
use crate::config::Secret;
use crate::json_object::{self, Field};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use oauth2::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use oauth2::url::{form_urlencoded, Url};
use oauth2::{AccessToken, AsyncHttpClient};

/// How the client's credentials reach the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClientAuth {
    /// `client_secret_basic`: id and secret form-urlencoded, then Basic.
    Basic,
    /// `client_secret_post`: id and secret in the form body.
    Body,
}

/// One authorization-code grant.
pub(super) struct CodeGrant<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub token_url: &'a str,
    /// The binding the token URL came from (`None`: a discovery document).
    pub token_url_binding: Option<&'static str>,
    pub auth: ClientAuth,
    pub redirect_uri: &'a str,
    pub code: &'a str,
    pub pkce_verifier: Option<&'a str>,
}

/// The code exchanged: the answer's id_token (if any) and access token.
pub(super) async fn code_grant<C>(
    http: &C,
    g: &CodeGrant<'_>,
) -> Result<(Option<String>, AccessToken), ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let token_url = Url::parse(g.token_url).map_err(|_| match g.token_url_binding {
        Some(binding) => ProviderError::BadEndpoint(binding),
        None => ProviderError::Upstream("token endpoint does not parse".into()),
    })?;
    Url::parse(g.redirect_uri).map_err(|_| ProviderError::BadRedirectUri)?;

    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "authorization_code")
        .append_pair("code", g.code);
    if let Some(verifier) = g.pkce_verifier {
        form.append_pair("code_verifier", verifier);
    }
    let mut builder = oauth2::http::Request::builder()
        .uri(token_url.as_str())
        .method(oauth2::http::Method::POST)
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    match g.auth {
        ClientAuth::Basic => {
            let id: String = form_urlencoded::byte_serialize(g.client_id.as_bytes()).collect();
            let secret: String =
                form_urlencoded::byte_serialize(g.client_secret.expose().as_bytes()).collect();
            let credential = STANDARD.encode([id.as_str(), ":", secret.as_str()].concat());
            builder = builder.header(AUTHORIZATION, ["Basic ", credential.as_str()].concat());
        }
        ClientAuth::Body => {
            form.append_pair("client_id", g.client_id)
                .append_pair("client_secret", g.client_secret.expose());
        }
    }
    form.append_pair("redirect_uri", g.redirect_uri);
    let request = builder
        .body(form.finish().into_bytes())
        .map_err(|_| ProviderError::Upstream("token endpoint: request does not build".into()))?;

    let response = http
        .call(request)
        .await
        .map_err(|e| ProviderError::Upstream(format!("token endpoint: {e}")))?;
    let body = response.body().as_slice();
    if response.status() != 200 {
        return Err(refusal(body));
    }
    // RFC 7231 §3.1.1.1: media types are case-insensitive and may carry
    // parameters; an answer without one is read as JSON.
    if let Some(content_type) = response.headers().get(CONTENT_TYPE) {
        let json = content_type
            .to_str()
            .is_ok_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
        if !json {
            return Err(upstream("token endpoint answer is not JSON"));
        }
    }
    let fields = json_object::fields(
        body,
        [
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "scope",
            "id_token",
        ],
    );
    match fields {
        Some(
            [Field::Text(access_token), Field::Text(_), Field::Absent | Field::Null | Field::Unsigned(_), refresh, scope, id_token],
        ) if [&refresh, &scope, &id_token].into_iter().all(optional_text) => {
            let id_token = match id_token {
                Field::Text(t) => Some(t),
                _ => None,
            };
            Ok((id_token, AccessToken::new(access_token)))
        }
        _ => Err(upstream("token endpoint answer does not parse")),
    }
}

/// A refusal (RFC 6749 §5.2): its `error` code as the sign-in's error.
fn refusal(body: &[u8]) -> ProviderError {
    if body.is_empty() {
        return upstream("token endpoint answered an error without a body");
    }
    match json_object::fields(body, ["error", "error_description", "error_uri"]) {
        Some([Field::Text(error), description, uri])
            if optional_text(&description) && optional_text(&uri) =>
        {
            match error.as_str() {
                "invalid_grant" => ProviderError::InvalidGrant,
                "invalid_client" | "unauthorized_client" => {
                    ProviderError::ClientRejected(format!("token endpoint answered {error}"))
                }
                "redirect_uri_mismatch" => ProviderError::RedirectUriNotRegistered,
                _ => ProviderError::Upstream(format!("token endpoint answered {error}")),
            }
        }
        _ => upstream("token endpoint answer does not parse"),
    }
}

fn optional_text(field: &Field) -> bool {
    matches!(field, Field::Absent | Field::Null | Field::Text(_))
}

fn upstream(what: &str) -> ProviderError {
    ProviderError::Upstream(what.into())
}
