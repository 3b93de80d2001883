//! Signing in: `POST /auth/start` (the state and PKCE cookie), `POST /login`
//! (the code exchange and the session token), and `GET /auth/config` (what
//! the frontend needs to open the provider's consent screen).

use super::{lifetimes, store_client, Audit, Call, Handled, Platform};
use crate::auth::redirect::{choose_redirect_uri, REDIRECT_PATH};
use crate::auth::{policy, session, signin, AuthError};
use crate::http::body::{self, LoginBody};
use crate::http::error::ApiError;
use crate::http::{cookie, RequestHead, Response};
use crate::oidc::{self, Exchange, ProviderError};
use crate::store::{clip_user_agent, new_session_id, SessionRecord, StoreError};
use futures_util::future::join;
use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
pub(super) struct SessionAnswer<'a> {
    pub auth_token: &'a str,
    pub user_info: &'a RawValue,
}

pub fn start<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let started = signin::start(call.config.signin_keyring()?, call.platform.now());
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
        state,
    } = body::parse_login(&call.body)?;
    let keyring = config.keyring()?;
    let client_id = config.client_id()?;
    let client_secret = config.client_secret()?;
    // A token nobody could verify is no use: check the lifetimes now.
    lifetimes(config)?;
    let (token_url, userinfo_url) = (config.token_url()?, config.userinfo_url()?);
    let now = platform.now();

    let checked = signin::check(
        config.signin_keyring()?,
        signin_cookie(head),
        state.as_str(),
        now,
    )?;
    let redirect_uri = choose_redirect_uri(
        redirect_uri.as_deref(),
        &head.origin,
        &config.allowed_redirect_uris,
    )?;
    let store = store_client(platform);
    let exchange = Exchange {
        client_id,
        client_secret,
        token_url,
        userinfo_url,
        issuers: config.issuers(),
        redirect_uri: &redirect_uri,
        code: &authorization_code,
        pkce_verifier: Some(&checked.pkce_verifier),
        now,
    };
    // Without a store, the state is spent per isolate and location before
    // the exchange, so that a replay it catches never reaches Google. With
    // one, the state is spent in the user's own object, in the same call
    // that creates the session: the user is known only once the code is
    // exchanged, and no object is shared by all sign-ins.
    if store.is_none() {
        refuse_spent(platform.spend_state(&checked.state).await)?;
    }
    let exchanged = oidc::exchange_code(platform.http(), &exchange).await?;
    call.audit(Audit {
        email_domain: policy::email_domain(&exchanged.claims),
        ..Audit::ok("login")
    });
    policy::check_account(
        &exchanged.claims,
        &config.allowed_email_domains,
        &config.allowed_emails,
    )?;

    // The session is created beside the userinfo fetch (which goes out
    // first); it is in the store before the token is answered.
    let session = match &store {
        Some(_) => Some(SessionRecord {
            id: new_session_id()?,
            user: exchanged.claims.sub.clone(),
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
        oidc::user_info(platform.http(), &exchange, &exchanged),
        create,
    )
    .await;
    // A spent state is refused whatever the userinfo said: nothing was
    // created, and this sign-in is a replay.
    refuse_spent(matches!(created, Ok(false)))?;
    let user_info = match (created, user_info) {
        (Ok(_), Ok(user_info)) => user_info,
        (created, Err(e)) => {
            // No token will name this session: end it (best effort; a
            // session nobody holds also ends by itself after MAX_TOKEN_AGE).
            if let (Ok(true), Some(store), Some(record)) = (created, &store, &session) {
                let _ = store.end(&record.user, &record.id).await;
            }
            return Err(e.into());
        }
        (Err(e), Ok(_)) => return Err(e.into()),
    };
    let sid = session.as_ref().map(|s| s.id.as_str());
    let token = session::issue(keyring, &user_info, now, sid, now);
    let identity_user_info = user_info;
    let user_info: Box<RawValue> = serde_json::from_str(&identity_user_info)
        .map_err(|_| ProviderError::Upstream("userinfo did not survive minifying".into()))?;
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
        client_id: &'a str,
        authorization_endpoint: &'a str,
        scope: &'a str,
        redirect_path: &'a str,
        /// Whether `SESSIONS` is bound: the frontend can list and end sessions.
        sessions: bool,
        /// Whether the app's backend is configured: `/api/…` reaches it.
        backend: bool,
    }
    Box::pin(async move {
        Ok(Response::json(
            200,
            &ConfigAnswer {
                client_id: call.config.client_id()?,
                authorization_endpoint: call.config.auth_url()?,
                scope: "openid email profile",
                redirect_path: REDIRECT_PATH,
                sessions: call.platform.store().is_some(),
                backend: call.config.has_backend(),
            },
        ))
    })
}
