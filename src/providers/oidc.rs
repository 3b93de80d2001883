//! One OpenID Connect provider found by discovery (Microsoft Entra ID, Okta,
//! Auth0, Keycloak, GitLab, …): `{OIDC_ISSUER}/.well-known/openid-configuration`
//! gives the endpoints, its `issuer` must be `OIDC_ISSUER`; it and the JWKS
//! are fetched once per isolate (`OidcCache`), an unknown `kid` fetching the
//! keys again at most once a minute (the first fetch does not count: a
//! rotation right after it is still picked up). The id_token's signature is checked
//! (`jws`), then `iss`, `aud`, `azp` and `exp` as for Google. `user_info`
//! is the userinfo answer (or the id_token's claims when the provider has no
//! userinfo endpoint) with `"provider": "oidc"`.

use super::id_token::read_id_token;
use super::jws::{self, Jwks, JwsVerifier, PublicKey};
use super::token::{code_grant, ClientAuth, CodeGrant};
use super::userinfo::{check_userinfo_subject, fetch_userinfo, get_json, minify_json};
use super::{verified_email_of, ClientConfig, Code, Exchanged, Kind, Provider, ProviderError};
use crate::config::{endpoint, OidcSettings};
use crate::json_object::{self, Field};
use base64::Engine as _;
use oauth2::http::header::ACCEPT;
use oauth2::AsyncHttpClient;
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// What the consent screen is asked for.
pub const SCOPE: &str = "openid email profile";
/// An unknown `kid` fetches the JWKS again at most this often: a token
/// naming keys that do not exist must not make us hammer the provider.
pub const JWKS_REFETCH_SECS: u64 = 60;

/// The discovery document's members we use (OpenID Connect Discovery 1.0
/// §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

impl Discovery {
    /// `None` when a required member is missing or any is not a string
    /// (the strings read with `json_object`: less wasm than a derive).
    pub fn parse(json: &str) -> Option<Discovery> {
        #[derive(Deserialize)]
        struct Methods {
            #[serde(default)]
            token_endpoint_auth_methods_supported: Option<Vec<String>>,
        }
        let [issuer, authorization, token, userinfo, jwks] = json_object::fields(
            json.as_bytes(),
            [
                "issuer",
                "authorization_endpoint",
                "token_endpoint",
                "userinfo_endpoint",
                "jwks_uri",
            ],
        )?;
        let text = |f: Field| match f {
            Field::Text(s) => Some(s),
            _ => None,
        };
        let userinfo_endpoint = match userinfo {
            Field::Absent | Field::Null => None,
            other => Some(text(other)?),
        };
        let methods: Methods = serde_json::from_str(json).ok()?;
        Some(Discovery {
            issuer: text(issuer)?,
            authorization_endpoint: text(authorization)?,
            token_endpoint: text(token)?,
            userinfo_endpoint,
            jwks_uri: text(jwks)?,
            token_endpoint_auth_methods_supported: methods.token_endpoint_auth_methods_supported,
        })
    }

    /// `client_secret_basic` (the default of OpenID Connect Discovery), or
    /// `client_secret_post` when the document lists that and not Basic.
    pub(super) fn client_auth(&self) -> ClientAuth {
        match &self.token_endpoint_auth_methods_supported {
            Some(methods)
                if !methods.iter().any(|m| m == "client_secret_basic")
                    && methods.iter().any(|m| m == "client_secret_post") =>
            {
                ClientAuth::Body
            }
            _ => ClientAuth::Basic,
        }
    }
}

/// What one isolate remembers of the provider: the discovery document and
/// the JWKS, with when an unknown `kid` last made us fetch the keys again.
#[derive(Debug, Default)]
pub struct OidcCache {
    discovery: RefCell<Option<(String, Rc<Discovery>)>>,
    jwks: RefCell<Option<Rc<Jwks>>>,
    refetched_at: Cell<Option<u64>>,
}

pub struct Oidc<'a, V> {
    pub settings: &'a OidcSettings,
    pub cache: &'a OidcCache,
    pub verifier: &'a V,
}

fn upstream(why: impl Into<String>) -> ProviderError {
    ProviderError::Upstream(why.into())
}

impl<V: JwsVerifier> Oidc<'_, V> {
    /// The discovery document: the isolate's copy, or fetched and checked.
    pub async fn discovery<C>(&self, http: &C) -> Result<Rc<Discovery>, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let issuer = &self.settings.issuer;
        if let Some((for_issuer, d)) = self.cache.discovery.borrow().as_ref() {
            if for_issuer == issuer {
                return Ok(d.clone());
            }
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let raw = get_json(
            http,
            &url,
            &[(ACCEPT, "application/json")],
            "OpenID Connect discovery",
            "OIDC_ISSUER",
        )
        .await?;
        let d = Discovery::parse(raw.get())
            .ok_or_else(|| upstream("discovery document lacks a required endpoint"))?;
        if &d.issuer != issuer {
            return Err(upstream("discovery document's issuer is not OIDC_ISSUER"));
        }
        let endpoints = [
            Some(&d.authorization_endpoint),
            Some(&d.token_endpoint),
            d.userinfo_endpoint.as_ref(),
            Some(&d.jwks_uri),
        ];
        if endpoints
            .into_iter()
            .flatten()
            .any(|url| endpoint::check(url).is_err())
        {
            return Err(upstream(
                "discovery document has an endpoint that is not https:// (nor loopback http://)",
            ));
        }
        let d = Rc::new(d);
        *self.cache.discovery.borrow_mut() = Some((issuer.clone(), d.clone()));
        Ok(d)
    }

    async fn fetch_jwks<C>(&self, http: &C, jwks_uri: &str) -> Result<Rc<Jwks>, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let raw = get_json(
            http,
            jwks_uri,
            &[(ACCEPT, "application/json")],
            "JWKS",
            "OIDC_ISSUER",
        )
        .await?;
        let jwks = Jwks::parse(raw.get()).ok_or_else(|| upstream("JWKS is malformed"))?;
        let jwks = Rc::new(jwks);
        *self.cache.jwks.borrow_mut() = Some(jwks.clone());
        Ok(jwks)
    }

    /// The key for `parsed`: from the isolate's JWKS (fetched the first
    /// time), else from a fresh one unless an unknown `kid` already made us
    /// fetch it less than a minute ago.
    async fn key_for<C>(
        &self,
        http: &C,
        jwks_uri: &str,
        parsed: &jws::Parsed<'_>,
        now: u64,
    ) -> Result<PublicKey, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let cached = self.cache.jwks.borrow().clone();
        if let Some(jwks) = cached {
            if let Some(key) = jws::find_key(&jwks, parsed) {
                return Ok(key);
            }
            let recently = self
                .cache
                .refetched_at
                .get()
                .is_some_and(|at| now.saturating_sub(at) < JWKS_REFETCH_SECS);
            if recently {
                return Err(upstream(
                    "id_token names no key of the JWKS (fetched again less than a minute ago)",
                ));
            }
            self.cache.refetched_at.set(Some(now));
        }
        let jwks = self.fetch_jwks(http, jwks_uri).await?;
        jws::find_key(&jwks, parsed).ok_or_else(|| upstream("id_token names no key of the JWKS"))
    }

    /// The id_token's signature, then its claims.
    async fn check_id_token<C>(
        &self,
        http: &C,
        d: &Discovery,
        id_token: &str,
        now: u64,
    ) -> Result<super::Claims, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let parsed = jws::parse(id_token)?;
        let key = self.key_for(http, &d.jwks_uri, &parsed, now).await?;
        jws::verify(self.verifier, &parsed, &key).await?;
        let issuers = [self.settings.issuer.clone()];
        read_id_token(id_token, &self.settings.client_id, &issuers, now)
    }
}

/// The id_token's claims as JSON object text (its signature checked).
fn id_token_claims(id_token: &str) -> Result<String, ProviderError> {
    let payload = id_token.split('.').nth(1).unwrap_or_default();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| upstream("id_token payload is not base64url"))?;
    let raw: Box<serde_json::value::RawValue> =
        serde_json::from_slice(&json).map_err(|_| upstream("id_token claims do not parse"))?;
    Ok(minify_json(raw.get()))
}

/// `user_info` with `"provider": "oidc"` last, so that it is the value any
/// JSON parser keeps should the provider's answer carry one of its own.
fn with_provider(object: &str) -> Result<String, ProviderError> {
    let body = object
        .strip_prefix('{')
        .and_then(|o| o.strip_suffix('}'))
        .ok_or_else(|| upstream("user info is not a JSON object"))?;
    let provider = Kind::Oidc.name();
    Ok(if body.trim().is_empty() {
        format!(r#"{{"provider":"{provider}"}}"#)
    } else {
        format!(r#"{{{body},"provider":"{provider}"}}"#)
    })
}

impl<V: JwsVerifier> Provider for Oidc<'_, V> {
    const KIND: Kind = Kind::Oidc;

    async fn client_config<C>(&self, http: &C) -> Result<ClientConfig, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let d = self.discovery(http).await?;
        Ok(ClientConfig {
            name: Self::KIND.name(),
            label: self.settings.name.clone(),
            client_id: self.settings.client_id.clone(),
            authorization_endpoint: d.authorization_endpoint.clone(),
            scope: SCOPE,
        })
    }

    /// Discovery, the code, the id_token's signature and claims, then the
    /// userinfo: the account policy judges the `email` and `email_verified`
    /// the token will carry.
    async fn exchange<C>(&self, http: &C, code: &Code<'_>) -> Result<Exchanged, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        let d = self.discovery(http).await?;
        let (id_token, access_token) = code_grant(
            http,
            &CodeGrant {
                client_id: &self.settings.client_id,
                client_secret: &self.settings.client_secret,
                token_url: &d.token_endpoint,
                token_url_binding: None,
                auth: d.client_auth(),
                redirect_uri: code.redirect_uri,
                code: code.code,
                pkce_verifier: code.pkce_verifier,
            },
        )
        .await?;
        let id_token = id_token.ok_or_else(|| upstream("token answer has no id_token"))?;
        let mut claims = self.check_id_token(http, &d, &id_token, code.now).await?;
        let user_info = match &d.userinfo_endpoint {
            Some(url) => {
                let raw = fetch_userinfo(http, url, access_token.secret(), "OIDC_ISSUER").await?;
                check_userinfo_subject(&raw, &claims.sub)?;
                minify_json(raw.get())
            }
            None => id_token_claims(&id_token)?,
        };
        let (email, email_verified) = verified_email_of(&user_info)
            .ok_or_else(|| upstream("user info's email is not a string"))?;
        // `hd` is Google's alone; another provider's means nothing here.
        claims.hd = None;
        claims.email = email;
        claims.email_verified = email_verified;
        Ok(Exchanged {
            claims,
            access_token: Some(access_token),
            user_info: Some(with_provider(&user_info)?),
        })
    }

    async fn user_info<C>(&self, _http: &C, exchanged: &Exchanged) -> Result<String, ProviderError>
    where
        C: for<'c> AsyncHttpClient<'c>,
    {
        exchanged
            .user_info
            .clone()
            .ok_or_else(|| upstream("no user info"))
    }
}
