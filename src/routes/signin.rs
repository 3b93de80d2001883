//! Signing in: `POST /auth/start` (the state and PKCE cookie), `POST /login`
//! (the code exchange and the session token), and `GET /auth/config` (what
//! the frontend needs to open the provider's consent screen).

use super::{lifetimes, Audit, Call, Handled, Platform};
use crate::auth::redirect::{choose_redirect_uri, REDIRECT_PATH};
use crate::auth::{policy, session, signin, AuthError};
use crate::http::body::{self, LoginBody};
use crate::http::error::ApiError;
use crate::http::{cookie, RequestHead, Response};
use crate::oidc::{self, Exchange, ProviderError};
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
    // Spent before the provider is asked, so that two racing replays can't
    // both pass; a failed exchange means starting again, which the UI does.
    if platform.spend_state(&checked.state).await {
        return Err(AuthError::InvalidState(
            "This sign-in has been used already; please start again.",
        )
        .into());
    }

    let identity = oidc::sign_in(
        platform.http(),
        &Exchange {
            client_id,
            client_secret,
            token_url,
            userinfo_url,
            issuers: config.issuers(),
            redirect_uri: &redirect_uri,
            code: &authorization_code,
            pkce_verifier: Some(&checked.pkce_verifier),
            now,
        },
    )
    .await?;
    call.audit(Audit {
        email_domain: policy::email_domain(&identity.claims),
        ..Audit::ok("login")
    });
    policy::check_account(
        &identity.claims,
        &config.allowed_email_domains,
        &config.allowed_emails,
    )?;

    let token = session::issue(keyring, &identity.user_info, now, now);
    let user_info: Box<RawValue> = serde_json::from_str(&identity.user_info)
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

pub fn auth_config<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    #[derive(Serialize)]
    struct ConfigAnswer<'a> {
        client_id: &'a str,
        authorization_endpoint: &'a str,
        scope: &'a str,
        redirect_path: &'a str,
    }
    Box::pin(async move {
        Ok(Response::json(
            200,
            &ConfigAnswer {
                client_id: call.config.client_id()?,
                authorization_endpoint: call.config.auth_url()?,
                scope: "openid email profile",
                redirect_path: REDIRECT_PATH,
            },
        ))
    })
}
