//! `POST /reauth`: restoring a session on page load, renewing its token past
//! half its life, and upgrading a classic Flask token when allowed.

use super::signin::SessionAnswer;
use super::{lifetimes, Audit, Call, Handled, Platform};
use crate::auth::session;
use crate::http::body;
use crate::http::Response;

pub fn reauth<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let token = body::parse_reauth(&call.body)?;
        let keyring = call.config.keyring()?;
        let limits = lifetimes(call.config)?;
        let renewal = session::reauth(
            keyring,
            &token,
            limits,
            call.platform.now(),
            call.config.accept_flask_tokens,
        )?;
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
