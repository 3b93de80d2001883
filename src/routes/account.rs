//! Routes that act for the holder of a bearer token: the check every such
//! route runs first (`bearer_session`), and `GET /api/me`, the example of an
//! API route of the app protected by the session token.

use super::{bearer_token, lifetimes, store_client, Call, Handled, Platform, StoreUse, TokenUse};
use crate::auth::session::{self, Lifetimes, Session};
use crate::auth::{policy, AuthError};
use crate::config::{Config, ConfigError, Problem};
use crate::http::error::ApiError;
use crate::http::Response;
use crate::store::{Checked, Client, Limits, Transport};
use serde::Serialize;
use serde_json::value::RawValue;

/// The bindings first (500), then the credentials (401): signature and age,
/// the account policy (403), then the store (CONTRACT.md "Sessions": the
/// order). `/logout` checks the signature only.
pub(super) async fn bearer_session<P: Platform>(call: &Call<'_, P>) -> Result<Session, ApiError> {
    let keyring = call.config.keyring()?;
    // Every bearer route needs valid lifetimes, `/logout` too: the store's
    // object reads the same bindings, and a wrong one is the operator's to
    // fix (500), not a reason to try again.
    let lifetimes = lifetimes(call.config)?;
    let limits = (call.route.token != TokenUse::BearerSignature).then_some(lifetimes);
    let store = store_client(call.platform);
    if call.route.store == StoreUse::Required && store.is_none() {
        return Err(ConfigError {
            binding: "SESSIONS",
            problem: Problem::Missing,
        }
        .into());
    }
    let token = bearer_token(call.head.authorization.as_deref())?;
    let now = call.platform.now();
    let Some(limits) = limits else {
        return Ok(session::read_signed(keyring, token, now)?);
    };
    let session = session::verify(keyring, token, limits, now)?;
    check_allow_lists(&session, call.config)?;
    if call.route.store == StoreUse::CheckIfBound {
        match &store {
            Some(store) => check_live(store, &session, false).await?,
            // Minted under a store that can no longer vouch for it: unbinding
            // the store must not bring ended sessions back.
            None if session.sid.is_some() => return Err(AuthError::SessionEnded.into()),
            None => {}
        }
    }
    Ok(session)
}

/// The store's view of the lifetimes the token checks use.
pub(super) fn store_limits(limits: Lifetimes) -> Limits {
    Limits {
        max_token_age: limits.max_token_age,
        max_session_age: limits.max_session_age,
    }
}

/// The allow-lists again, on the token's `user_info`, with or without a
/// store: someone taken off them is refused at their next request.
pub(super) fn check_allow_lists(session: &Session, config: &Config) -> Result<(), AuthError> {
    policy::check_allow_lists(
        session.account.email.as_deref(),
        session.account.hd.as_deref(),
        &config.allowed_email_domains,
        &config.allowed_emails,
    )
}

/// The store's user and session of a token; a token without them has no
/// session anywhere (`401 session_ended`), and the store is not asked.
pub(super) fn session_keys(session: &Session) -> Result<(&str, &str), AuthError> {
    match (session.account.user.as_deref(), session.sid.as_deref()) {
        (Some(user), Some(sid)) => Ok((user, sid)),
        _ => Err(AuthError::SessionEnded),
    }
}

/// Whether the token's session is live; the store is the only judge, asked
/// every time (no cache of positive answers). `renewing`: a token signed now
/// is answered, which the store records.
pub(super) async fn check_live<T: Transport>(
    store: &Client<T>,
    session: &Session,
    renewing: bool,
) -> Result<(), ApiError> {
    let (user, sid) = session_keys(session)?;
    match store.check(user, sid, renewing).await? {
        Checked::Live(()) => Ok(()),
        Checked::Ended => Err(AuthError::SessionEnded.into()),
    }
}

pub fn me<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    #[derive(Serialize)]
    struct MeAnswer<'a> {
        user_info: &'a RawValue,
    }
    Box::pin(async move {
        let session = call
            .session
            .as_ref()
            .ok_or(AuthError::InvalidToken { presented: false })?;
        Ok(Response::json(
            200,
            &MeAnswer {
                user_info: &session.user_info,
            },
        ))
    })
}
