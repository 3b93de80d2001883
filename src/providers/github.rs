//! GitHub (an OAuth App; OAuth 2.0 without an id_token): the code exchanged
//! for an access token with `Accept: application/json` (GitHub answers some
//! refusals with `200` and an `error` field), then `/user` and
//! `/user/emails`. The email is the one entry both `primary` and
//! `verified`: an address merely listed on an account proves nothing.

use super::userinfo::get_json;
use super::{Claims, ClientConfig, Code, Exchanged, Kind, Provider, ProviderError};
use crate::config::GitHubSettings;
use crate::json_object::{self, Field};
use futures_util::future::join;
use oauth2::http::header::{self, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use oauth2::url::form_urlencoded;
use oauth2::{AccessToken, AsyncHttpClient, HttpRequest};
use serde::Serialize;
use serde_json::value::RawValue;

/// What GitHub's consent screen is asked for: the profile and the email
/// addresses (with their `primary` and `verified` flags).
pub const SCOPE: &str = "read:user user:email";
/// GitHub's REST API refuses requests without a `User-Agent`.
pub const USER_AGENT: &str = "edge-login";
const API_ACCEPT: &str = "application/vnd.github+json";

pub struct GitHub<'a> {
    pub settings: &'a GitHubSettings,
}

/// The `user_info` a GitHub sign-in carries (CONTRACT.md "Providers").
#[derive(Serialize)]
struct UserInfo<'a> {
    provider: &'static str,
    sub: &'a str,
    login: Option<&'a str>,
    name: Option<&'a str>,
    email: &'a str,
    email_verified: bool,
    picture: Option<&'a str>,
}

impl GitHub<'_> {
    fn token_request(&self, code: &Code<'_>) -> Result<HttpRequest, ProviderError> {
        let s = self.settings;
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("client_id", &s.client_id)
            .append_pair("client_secret", s.client_secret.expose())
            .append_pair("code", code.code)
            .append_pair("redirect_uri", code.redirect_uri);
        if let Some(verifier) = code.pkce_verifier {
            form.append_pair("code_verifier", verifier);
        }
        oauth2::http::Request::builder()
            .method(oauth2::http::Method::POST)
            .uri(s.token_url.as_str())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.finish().into_bytes())
            .map_err(|_| ProviderError::BadEndpoint("GITHUB_TOKEN_URL"))
    }

    async fn access_token<C>(&self, http: &C, code: &Code<'_>) -> Result<AccessToken, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let response = http
            .call(self.token_request(code)?)
            .await
            .map_err(|e| ProviderError::Upstream(format!("GitHub token endpoint: {e}")))?;
        let status = response.status().as_u16();
        let answer = json_object::fields(response.body(), ["access_token", "error"]);
        match answer {
            Some([_, Field::Text(error)]) => Err(match error.as_str() {
                "bad_verification_code" | "invalid_grant" => ProviderError::InvalidGrant,
                "incorrect_client_credentials" | "invalid_client" | "unauthorized_client" => {
                    ProviderError::ClientRejected(format!("GitHub token endpoint answered {error}"))
                }
                "redirect_uri_mismatch" => ProviderError::RedirectUriNotRegistered,
                _ => ProviderError::Upstream(format!(
                    "GitHub token endpoint answered {status} {error}"
                )),
            }),
            Some([Field::Text(token), Field::Absent | Field::Null])
                if status == 200 && !token.is_empty() =>
            {
                Ok(AccessToken::new(token))
            }
            _ => Err(ProviderError::Upstream(format!(
                "GitHub token endpoint answered {status} without an access token"
            ))),
        }
    }
}

impl Provider for GitHub<'_> {
    const KIND: Kind = Kind::GitHub;

    async fn client_config<C>(&self, _http: &C) -> Result<ClientConfig, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        Ok(ClientConfig {
            name: Self::KIND.name(),
            label: Self::KIND.label().to_string(),
            client_id: self.settings.client_id.clone(),
            authorization_endpoint: self.settings.auth_url.clone(),
            scope: SCOPE,
        })
    }

    async fn exchange<C>(&self, http: &C, code: &Code<'_>) -> Result<Exchanged, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let token = self.access_token(http, code).await?;
        let bearer = format!("Bearer {}", token.secret());
        let headers = [
            (AUTHORIZATION, bearer.as_str()),
            (ACCEPT, API_ACCEPT),
            (header::USER_AGENT, USER_AGENT),
        ];
        let api = &self.settings.api_url;
        let (user_url, emails_url) = (format!("{api}/user"), format!("{api}/user/emails"));
        let (user, emails) = join(
            get_json(http, &user_url, &headers, "GitHub user", "GITHUB_API_URL"),
            get_json(
                http,
                &emails_url,
                &headers,
                "GitHub emails",
                "GITHUB_API_URL",
            ),
        )
        .await;
        // Read with `json_object` rather than serde derives: less wasm.
        let [id, login, name, avatar] = json_object::fields(
            user?.get().as_bytes(),
            ["id", "login", "name", "avatar_url"],
        )
        .ok_or_else(|| ProviderError::Upstream("GitHub user answer is not an object".into()))?;
        let Field::Unsigned(id) = id else {
            return Err(ProviderError::Upstream(
                "GitHub user answer has no numeric id".into(),
            ));
        };
        #[derive(serde::Deserialize)]
        struct List<'a>(#[serde(borrow)] Vec<&'a RawValue>);
        let emails = emails?;
        let List(emails) = serde_json::from_str(emails.get())
            .map_err(|_| ProviderError::Upstream("GitHub emails answer is not a list".into()))?;
        let sub = id.to_string();
        // The one address both primary and verified.
        let email = emails.iter().find_map(|e| {
            match json_object::fields(e.get().as_bytes(), ["email", "primary", "verified"])? {
                [Field::Text(email), Field::Bool(true), Field::Bool(true)] => Some(email),
                _ => None,
            }
        });
        let (login, name, avatar) = (login.as_str(), name.as_str(), avatar.as_str());
        let user_info = email.as_deref().map(|email| {
            // A plain struct of strings always serializes.
            serde_json::to_string(&UserInfo {
                provider: Self::KIND.name(),
                sub: &sub,
                login,
                name,
                email,
                email_verified: true,
                picture: avatar,
            })
            .unwrap_or_default()
        });
        Ok(Exchanged {
            claims: Claims {
                sub,
                email_verified: email.is_some(),
                email,
                hd: None,
            },
            access_token: None,
            user_info,
        })
    }

    async fn user_info<C>(&self, _http: &C, exchanged: &Exchanged) -> Result<String, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        exchanged.user_info.clone().ok_or_else(|| {
            ProviderError::Upstream("GitHub account has no primary verified email".into())
        })
    }
}
