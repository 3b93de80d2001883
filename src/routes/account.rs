//! Routes that act for the holder of a bearer token: the check every such
//! route runs first (`bearer_session`), and `GET /api/me`, the example of an
//! API route of the app protected by the session token.

use super::{bearer_token, lifetimes, Call, Handled, Platform};
use crate::auth::session::{self, Session};
use crate::http::error::ApiError;
use crate::http::Response;
use serde::Serialize;
use serde_json::value::RawValue;

/// The bindings first (500), then the credentials (401).
pub(super) fn bearer_session<P: Platform>(call: &Call<'_, P>) -> Result<Session, ApiError> {
    let keyring = call.config.keyring()?;
    let limits = lifetimes(call.config)?;
    let token = bearer_token(call.head.authorization.as_deref())?;
    Ok(session::verify(
        keyring,
        token,
        limits,
        call.platform.now(),
    )?)
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
            .ok_or(crate::auth::AuthError::InvalidToken { presented: false })?;
        Ok(Response::json(
            200,
            &MeAnswer {
                user_info: &session.user_info,
            },
        ))
    })
}
