//! The session routes (CONTRACT.md "Sessions" §): `POST /logout`, and
//! "where you're signed in": `GET /auth/sessions`, `DELETE /auth/sessions`,
//! `DELETE /auth/sessions/{id}`. Their rows say `StoreUse::Required`, so the
//! store is bound and the token checked when these run; each makes one call
//! to the store, which checks the caller's session and acts in one step.

use super::account::{session_keys, store_limits};
use super::{lifetimes, store_client, Audit, Call, Handled, Platform};
use crate::auth::AuthError;
use crate::config::{ConfigError, Problem};
use crate::http::error::ApiError;
use crate::http::Response;
use crate::store::{Checked, Client};
use serde::Serialize;

#[derive(Serialize)]
struct Ended {
    sessions_ended: u32,
}

/// The store and the token's session, both there by the time a handler
/// runs (`StoreUse::Required`, a bearer row); else the same answers the
/// checks give.
fn parts<'a, P: Platform>(
    call: &'a Call<'_, P>,
) -> Result<(Client<&'a P::Store>, &'a crate::auth::session::Session), ApiError> {
    let store = store_client(call.platform).ok_or(ConfigError {
        binding: "SESSIONS",
        problem: Problem::Missing,
    })?;
    let session = call
        .session
        .as_ref()
        .ok_or(AuthError::InvalidToken { presented: false })?;
    Ok((store, session))
}

fn ended<P: Platform>(call: &Call<'_, P>, event: &'static str, count: u32) -> Response {
    call.audit(Audit {
        sessions_ended: Some(count),
        ..Audit::ok(event)
    });
    Response::json(
        200,
        &Ended {
            sessions_ended: count,
        },
    )
}

/// Ends the token's session: 1, or 0 when it had ended already (or the
/// token never had one); signing out twice is not an error.
pub fn logout<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let (store, session) = parts(call)?;
        let count = match session_keys(session) {
            Ok((user, sid)) => store.end(user, sid).await?,
            Err(_) => 0,
        };
        Ok(ended(call, "logout", count))
    })
}

pub fn list<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    #[derive(Serialize)]
    struct Listed<'s> {
        id: &'s str,
        created_at: u64,
        last_seen_at: u64,
        user_agent: &'s str,
        current: bool,
    }
    #[derive(Serialize)]
    struct Listing<'s> {
        sessions: Vec<Listed<'s>>,
    }
    Box::pin(async move {
        let (store, session) = parts(call)?;
        let (user, sid) = session_keys(session)?;
        let Checked::Live(sessions) = store.list(user, sid).await? else {
            return Err(AuthError::SessionEnded.into());
        };
        let listing = Listing {
            sessions: sessions
                .iter()
                .map(|s| Listed {
                    id: &s.id,
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                    user_agent: &s.user_agent,
                    current: s.id == sid,
                })
                .collect(),
        };
        Ok(Response::json(200, &listing))
    })
}

/// Ends one session of the token's user, its own included; an id that is
/// not one of their live sessions is `404`, whoever's it is.
pub fn end_one<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let (store, session) = parts(call)?;
        let (user, sid) = session_keys(session)?;
        let target = call.params.first().copied().unwrap_or_default();
        match store.end_other(user, sid, target).await? {
            Checked::Live(true) => Ok(ended(call, "session_ended", 1)),
            Checked::Live(false) => Err(AuthError::SessionNotFound.into()),
            Checked::Ended => Err(AuthError::SessionEnded.into()),
        }
    })
}

/// Ends every session of the token's user, its own included.
pub fn end_all<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let (store, session) = parts(call)?;
        let (user, sid) = session_keys(session)?;
        // With Flask tokens accepted, the object remembers this moment for as
        // long as a Flask token signed before it could be used, and upgrades
        // none of them.
        let flask_until = match call.config.accept_flask_tokens {
            true => {
                Some(store_limits(lifetimes(call.config)?).flask_usable_until(call.platform.now()))
            }
            false => None,
        };
        match store.end_all(user, sid, flask_until).await? {
            Checked::Live(count) => Ok(ended(call, "sessions_ended_all", count)),
            Checked::Ended => Err(AuthError::SessionEnded.into()),
        }
    })
}
