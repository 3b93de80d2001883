//! `POST /reauth`: restoring a session on page load, renewing its token past
//! half its life, and upgrading a classic Flask token when allowed. The
//! order: signature and age, the account policy, then the store (its session
//! live, or for an upgraded Flask token a new one).

use super::account::{check_allow_lists, check_live, session_keys, store_limits};
use super::signin::SessionAnswer;
use super::{lifetimes, store_client, Audit, Call, Handled, Platform};
use crate::auth::{session, AuthError};
use crate::http::body;
use crate::http::Response;
use crate::store::{clip_user_agent, new_session_id, Checked, SessionRecord, StoreError};

pub fn reauth<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let token = body::parse_reauth(&call.body)?;
        let keyring = call.config.keyring()?;
        let limits = lifetimes(call.config)?;
        let store = store_client(call.platform);
        let now = call.platform.now();
        let renewal = session::reauth(
            keyring,
            &token,
            limits,
            now,
            call.config.accept_flask_tokens,
            || store.as_ref().and_then(|_| new_session_id().ok()),
        )?;
        check_allow_lists(&renewal.session, call.config)?;
        match &store {
            Some(store) if renewal.upgraded => {
                // A Flask token starts a session, as a sign-in would, once:
                // its user's object spends its signature in the same call.
                let sid = renewal
                    .session
                    .sid
                    .clone()
                    .ok_or_else(|| StoreError::Storage("no session id".into()))?;
                let (user, _) = session_keys(&renewal.session)?;
                let record = SessionRecord {
                    id: sid,
                    user: user.to_string(),
                    created_at: renewal.session.auth_time,
                    last_seen_at: now,
                    user_agent: clip_user_agent(call.head.user_agent.as_deref()),
                };
                let signed_at = renewal.signed_at;
                let until = store_limits(limits).flask_usable_until(signed_at);
                match store.upgrade(record, &token, signed_at, until).await? {
                    Checked::Live(()) => {}
                    Checked::Ended => return Err(AuthError::SessionEnded.into()),
                }
            }
            Some(store) => check_live(store, &renewal.session, renewal.renewed).await?,
            // Minted under a store that can no longer vouch for it.
            None if renewal.session.sid.is_some() => return Err(AuthError::SessionEnded.into()),
            None => {}
        }
        if renewal.renewed {
            call.audit(Audit {
                renewed: Some(true),
                ..Audit::ok("reauth")
            });
        }
        Ok(Response::json(
            200,
            &SessionAnswer {
                auth_token: &renewal.token,
                user_info: &renewal.session.user_info,
            },
        ))
    })
}
