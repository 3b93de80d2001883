//! The app's backend (CONTRACT.md "The app's backend"): every other path
//! under `/api/` forwarded after the checks `/api/me` runs (`forward`),
//! forward auth (`GET /auth/check`), and the assertion keys' JWKS (`GET
//! /.well-known/jwks.json`).

use super::{account, Body, Call, Forwarding, Handled, Platform};
use crate::auth::session::Session;
use crate::auth::AuthError;
use crate::backend::assertion::{self, Context};
use crate::backend::jwk::{self, EcPublicKey};
use crate::config::{AssertionKeys, BackendTarget};
use crate::http::error::{ApiError, RouteError};
use crate::http::forward::{self, Identity, ASSERTION_HEADER};
use crate::http::Response;

/// The assertion keys' public halves, imported before the token is looked
/// at: an unusable key is a binding's fault, answered first.
async fn public_keys<P: Platform>(
    call: &Call<'_, P>,
    keys: AssertionKeys<'_>,
) -> Result<Vec<EcPublicKey>, ApiError> {
    if keys.signing.is_none() && keys.fallbacks.is_empty() {
        return Ok(Vec::new());
    }
    Ok(call.platform.assertion_public_keys(keys).await?)
}

/// The store's user id; a token without one vouches for nobody.
fn user_of(session: &Session) -> Result<&str, AuthError> {
    session
        .account
        .user
        .as_deref()
        .ok_or(AuthError::InvalidToken { presented: true })
}

/// `Edge-Login-Assertion` for this session, when a key signs.
async fn assertion<P: Platform>(
    call: &Call<'_, P>,
    keys: AssertionKeys<'_>,
    public: &[EcPublicKey],
    session: &Session,
    user: &str,
) -> Result<Option<String>, ApiError> {
    let (Some(_), Some(signing)) = (keys.signing, public.first()) else {
        return Ok(None);
    };
    let jti = assertion::new_jti()
        .ok_or_else(|| RouteError::Internal("no randomness for the assertion's jti".into()))?;
    let origin = call.head.origin.as_str();
    let context = Context {
        user,
        issuer: origin,
        audience: call.config.assertion_audience(origin),
        now: call.platform.now(),
    };
    let claims = assertion::claims(session, context, jti);
    let input = assertion::signing_input(&signing.kid(), &claims);
    let signature = call.platform.sign_assertion(keys, input.as_bytes()).await?;
    Ok(Some(assertion::compact(&input, &signature)))
}

pub fn forward<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let config = call.config;
        // Without a backend the path is no one's: 404, as before.
        let target = config.backend()?.ok_or(RouteError::NotFound)?;
        let keys = config.assertion_keys()?;
        let public = public_keys(call, keys).await?;
        let session = account::bearer_session(call).await?;
        let user = user_of(&session)?;
        let signed = assertion(call, keys, &public, &session, user).await?;
        let body = call
            .take_body()
            .ok_or_else(|| RouteError::Internal("the request body was read".into()))?;
        let head = call.head;
        let headers = forward::request_headers(
            &body.headers(),
            head,
            Identity {
                user,
                email: session.account.email.as_deref(),
                assertion: signed.as_deref(),
            },
        );
        let url = match target {
            BackendTarget::Url(base) => forward::target_url(base, &head.path, &head.query),
            BackendTarget::Service => format!("{}{}{}", head.origin, head.path, head.query),
        };
        let answer = call
            .platform
            .forward(
                Forwarding {
                    target,
                    method: &head.method,
                    url,
                    headers,
                },
                body,
            )
            .await?;
        let added = forward::missing_security_headers(|name| {
            answer
                .header_names
                .iter()
                .any(|have| have.eq_ignore_ascii_case(name))
        });
        Ok(Response::from_backend(answer.status, added))
    })
}

/// Forward auth: the same checks, then `204` with the identity as headers.
pub fn check<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let keys = call.config.assertion_keys()?;
        let public = public_keys(call, keys).await?;
        let session = account::bearer_session(call).await?;
        let user = user_of(&session)?;
        let signed = assertion(call, keys, &public, &session, user).await?;
        let mut response = Response::empty(204);
        response.header("X-Auth-Request-User", user);
        if let Some(email) = &session.account.email {
            response.header("X-Auth-Request-Email", email.as_str());
        }
        if let Some(signed) = signed {
            response.header(ASSERTION_HEADER, signed);
        }
        Ok(response)
    })
}

/// The public keys any JWT library checks the assertion with.
pub fn jwks<'a, P: Platform>(call: &'a Call<'_, P>) -> Handled<'a> {
    Box::pin(async move {
        let keys = call.config.assertion_keys()?;
        let public = public_keys(call, keys).await?;
        let mut response = Response::json_text(200, jwk::jwks(&public));
        response.set_header("Cache-Control", "public, max-age=300");
        Ok(response)
    })
}
