//! Signing in: `POST /auth/start` (the state and PKCE cookie), `POST /login`
//! (the code exchange and the session token), and `GET /auth/config` (what
//! the frontend needs to open the provider's consent screen).

use super::{lifetimes, store_client, Audit, Call, Handled, Platform};
use crate::auth::redirect::{choose_redirect_uri, REDIRECT_PATH};
use crate::auth::{policy, session, signin, AuthError};
use crate::config::{Config, ConfigError, Problem};
use crate::http::body::{self, LoginBody, RequestError};
use crate::http::error::ApiError;
use crate::http::{cookie, RequestHead, Response};
use crate::providers::github::GitHub;
use crate::providers::google::{self, Google};
use crate::providers::oidc::Oidc;
use crate::providers::{self, ClientConfig, Code, Configured, Kind, ProviderError};
use crate::store::{clip_user_agent, new_session_id, SessionRecord, StoreError};
use futures_util::future::join;
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
pub(super) struct SessionAnswer<'a> {
    pub auth_token: &'a str,
    pub user_info: &'a RawValue,
}

/// The provider a request names: Google when it names none, else one this
/// server is configured for (Google's name is always taken; its bindings
/// are checked with the others').
fn chosen(config: &Config, name: Option<&str>) -> Result<Kind, RequestError> {
    let Some(name) = name else {
        return Ok(Kind::Google);
    };
    let kind = Kind::from_name(name).filter(|kind| match kind {
        Kind::Google => true,
        Kind::GitHub => config.github().is_some(),
        Kind::Oidc => config.oidc().is_some(),
    });
    kind.ok_or(RequestError::InvalidRequest(
        "provider must be the name of a provider this server signs in with.",
    ))
}

/// A provider's bindings for `/login`, or the first that is missing or
/// invalid. Google's lifetimes-then-URLs order is kept: its client id and
/// secret come first (`login_flow`).
fn login_provider<'a, P: Platform>(
    call: &'a Call<'_, P>,
    kind: Kind,
) -> Result<Configured<'a, P::Verifier>, ApiError> {
    let config = call.config;
    Ok(match kind {
        Kind::Google => Configured::Google(Google {
            client_id: config.client_id()?,
            client_secret: config.client_secret()?,
            auth_url: config.auth_url().unwrap_or_default(),
            token_url: config.token_url()?,
            userinfo_url: config.userinfo_url()?,
            issuers: config.issuers(),
        }),
        Kind::GitHub => Configured::GitHub(GitHub {
            settings: config.github().ok_or(MISSING_PROVIDER)??,
        }),
        Kind::Oidc => Configured::Oidc(Oidc {
            settings: config.oidc().ok_or(MISSING_PROVIDER)??,
            cache: call.platform.oidc_cache(),
            verifier: call.platform.verifier(),
        }),
    })
}

/// `chosen` lets only configured providers through; should that ever
/// change, the answer still names the binding every deployment has.
const MISSING_PROVIDER: ConfigError = ConfigError {
    binding: "OAUTH2_CLIENT_ID",
    problem: Problem::Missing,
};

pub fn start<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let kind = chosen(call.config, body::parse_start(&call.body)?.as_deref())?;
        let started = signin::start(call.config.signin_keyring()?, call.platform.now(), kind);
        let mut response = Response::json(200, &started);
        response.header("Set-Cookie", signin::set_cookie(&started.cookie));
        Ok(response)
    })
}

/// The sign-in cookie's value: the first cookie named exactly
/// `__Host-edge-login` (`http::cookie`, RFC 6265), when it is not empty.
pub(super) fn signin_cookie(head: &RequestHead) -> Option<&str> {
    cookie::find(head.cookie.as_deref()?, signin::COOKIE_NAME).filter(|v| !v.is_empty())
}

pub fn login<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(login_flow(call))
}

async fn login_flow<P: Platform>(call: &Call<'_, P>) -> Result<Response, ApiError> {
    let (config, head, platform) = (call.config, call.head, call.platform);
    let LoginBody {
        authorization_code,
        redirect_uri,
        provider,
        state,
    } = body::parse_login(&call.body)?;
    let kind = chosen(config, provider.as_deref())?;
    let keyring = config.keyring()?;
    if kind == Kind::Google {
        config.client_id()?;
        config.client_secret()?;
    }
    // A token nobody could verify is no use: check the lifetimes now.
    lifetimes(config)?;
    let chosen_provider = login_provider(call, kind)?;
    let now = platform.now();

    let checked = signin::check(
        config.signin_keyring()?,
        signin_cookie(head),
        state.as_str(),
        kind,
        now,
    )?;
    let redirect_uri = choose_redirect_uri(
        redirect_uri.as_deref(),
        &head.origin,
        &config.allowed_redirect_uris,
    )?;
    let store = store_client(platform);
    let code = Code {
        redirect_uri: &redirect_uri,
        code: &authorization_code,
        pkce_verifier: Some(&checked.pkce_verifier),
        now,
    };
    let failed = |e: ProviderError| ApiError::provider(kind, e);
    // Without a store, the state is spent per isolate and location before
    // the exchange, so that a replay it catches never reaches Google. With
    // one, the state is spent in the user's own object, in the same call
    // that creates the session: the user is known only once the code is
    // exchanged, and no object is shared by all sign-ins.
    if store.is_none() {
        refuse_spent(platform.spend_state(&checked.state).await)?;
    }
    let exchanged = chosen_provider
        .exchange(platform.http(), &code)
        .await
        .map_err(failed)?;
    call.audit(Audit {
        email_domain: policy::email_domain(&exchanged.claims),
        ..Audit::ok("login")
    });
    policy::check_account(
        kind,
        &exchanged.claims,
        &config.allowed_email_domains,
        &config.allowed_emails,
    )?;

    // The session is created beside the userinfo fetch (which goes out
    // first); it is in the store before the token is answered.
    let session = match &store {
        Some(_) => Some(SessionRecord {
            id: new_session_id()?,
            user: providers::user_id(kind, &exchanged.claims.sub),
            created_at: now,
            last_seen_at: now,
            user_agent: clip_user_agent(head.user_agent.as_deref()),
        }),
        None => None,
    };
    let create = async {
        match (&store, &session) {
            (Some(store), Some(record)) => store
                .sign_in(record.clone(), &checked.state, checked.usable_until())
                .await
                .map_err(StoreError::during_sign_in),
            _ => Ok(true),
        }
    };
    let (user_info, created) = join(
        chosen_provider.user_info(platform.http(), &exchanged),
        create,
    )
    .await;
    // A spent state is refused whatever the userinfo said: nothing was
    // created, and this sign-in is a replay.
    refuse_spent(matches!(created, Ok(false)))?;
    let user_info = user_info.map_err(failed);
    let user_info = match (created, user_info) {
        (Ok(_), Ok(user_info)) => user_info,
        (created, Err(e)) => {
            // No token will name this session: end it (best effort; a
            // session nobody holds also ends by itself after MAX_TOKEN_AGE).
            if let (Ok(true), Some(store), Some(record)) = (created, &store, &session) {
                let _ = store.end(&record.user, &record.id).await;
            }
            return Err(e);
        }
        (Err(e), Ok(_)) => return Err(e.into()),
    };
    let sid = session.as_ref().map(|s| s.id.as_str());
    let token = session::issue(keyring, &user_info, now, sid, now);
    let identity_user_info = user_info;
    let user_info: Box<RawValue> = serde_json::from_str(&identity_user_info).map_err(|_| {
        failed(ProviderError::Upstream(
            "userinfo did not survive minifying".into(),
        ))
    })?;
    let mut response = Response::json(
        200,
        &SessionAnswer {
            auth_token: &token,
            user_info: &user_info,
        },
    );
    response.header("Set-Cookie", signin::clear_cookie());
    Ok(response)
}

fn refuse_spent(spent: bool) -> Result<(), AuthError> {
    if spent {
        Err(AuthError::InvalidState(
            "This sign-in has been used already; please start again.",
        ))
    } else {
        Ok(())
    }
}

pub fn auth_config<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    #[derive(Serialize)]
    struct ConfigAnswer<'a> {
        /// Google's, at the top as before there were others; absent when
        /// Google is not configured.
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        authorization_endpoint: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        scope: Option<&'a str>,
        redirect_path: &'a str,
        /// Whether `SESSIONS` is bound: the frontend can list and end sessions.
        sessions: bool,
        /// Every configured provider, Google, GitHub, then OpenID Connect.
        providers: Vec<ClientConfig>,
        /// Whether the app's backend is configured: `/api/…` reaches it.
        backend: bool,
    }
    Box::pin(async move {
        let (config, http) = (call.config, call.platform.http());
        let mut providers = Vec::new();
        let mut google = None;
        for kind in Kind::ALL {
            let entry = match kind {
                // Only Google's public half: `/auth/config` needs no secret.
                Kind::Google if config.google_configured() => {
                    let (client_id, auth_url) = (config.client_id()?, config.auth_url()?);
                    google = Some((client_id, auth_url));
                    google::client_config(client_id, auth_url)
                }
                Kind::GitHub | Kind::Oidc if chosen(config, Some(kind.name())).is_ok() => {
                    login_provider(call, kind)?
                        .client_config(http)
                        .await
                        .map_err(|e| ApiError::provider(kind, e))?
                }
                _ => continue,
            };
            providers.push(entry);
        }
        if providers.is_empty() {
            // No provider at all: the binding every deployment starts with.
            config.client_id()?;
        }
        Ok(Response::json(
            200,
            &ConfigAnswer {
                client_id: google.map(|(id, _)| id),
                authorization_endpoint: google.map(|(_, url)| url),
                scope: google.map(|_| google::SCOPE),
                redirect_path: REDIRECT_PATH,
                sessions: call.platform.store().is_some(),
                providers,
                backend: call.config.has_backend(),
            },
        ))
    })
}
