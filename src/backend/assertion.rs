//! `Edge-Login-Assertion`: a JWT (JWS compact, ES256) that tells the app's
//! backend who the Worker let through, checkable by any JWT library with the
//! Worker's JWKS. Here its header, its claims and its compact form; the
//! signature (raw `r || s`, JWS's own format, RFC 7518 §3.4) comes from the
//! runtime's WebCrypto.

use super::json::Object;
use crate::auth::session::Session;
use crate::json_object::{self, Field};
use base64::Engine as _;

/// The assertion is good for this long after it is made: it is meant for
/// the request it came with, not to be kept.
pub const LIFETIME_SECS: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims<'a> {
    /// The origin of the request's URL.
    pub iss: &'a str,
    /// `ASSERTION_AUDIENCE`, else the request's origin.
    pub aud: &'a str,
    /// The store's user id, as `X-Auth-Request-User`.
    pub sub: &'a str,
    pub email: Option<&'a str>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub picture: Option<String>,
    /// The session in the store; none from the stateless Worker.
    pub sid: Option<&'a str>,
    pub auth_time: u64,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
}

impl Claims<'_> {
    /// The claims set as JSON; a claim without a value is left out.
    pub fn to_json(&self) -> String {
        let mut claims = Object::new()
            .str("iss", self.iss)
            .str("aud", self.aud)
            .str("sub", self.sub)
            .opt_str("email", self.email);
        if let Some(verified) = self.email_verified {
            claims = claims.bool("email_verified", verified);
        }
        claims
            .opt_str("name", self.name.as_deref())
            .opt_str("picture", self.picture.as_deref())
            .opt_str("sid", self.sid)
            .num("auth_time", self.auth_time)
            .num("iat", self.iat)
            .num("exp", self.exp)
            .str("jti", &self.jti)
            .end()
    }
}

/// Who and what for: the parts of a request an assertion is made from.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub user: &'a str,
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: u64,
}

/// The claims for `session` (its `user_info`'s profile fields, each when it
/// is there as the contract's type), with a fresh `jti`.
pub fn claims<'a>(session: &'a Session, context: Context<'a>, jti: String) -> Claims<'a> {
    let user_info = session.user_info.get().as_bytes();
    let [name, picture, verified] =
        json_object::fields(user_info, ["name", "picture", "email_verified"]).unwrap_or_default();
    let text = |field: Field| match field {
        Field::Text(text) => Some(text),
        _ => None,
    };
    let email_verified = match verified {
        Field::Bool(verified) => Some(verified),
        _ => None,
    };
    let (name, picture) = (text(name), text(picture));
    Claims {
        iss: context.issuer,
        aud: context.audience,
        sub: context.user,
        email: session.account.email.as_deref(),
        email_verified,
        name,
        picture,
        sid: session.sid.as_deref(),
        auth_time: session.auth_time,
        iat: context.now,
        exp: context.now + LIFETIME_SECS,
        jti,
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is signed: `BASE64URL(header) "." BASE64URL(claims)` (RFC 7515
/// §5.1).
pub fn signing_input(kid: &str, claims: &Claims<'_>) -> String {
    let header = Object::new()
        .str("alg", "ES256")
        .str("typ", "JWT")
        .str("kid", kid)
        .end();
    format!(
        "{}.{}",
        b64(header.as_bytes()),
        b64(claims.to_json().as_bytes())
    )
}

/// The compact JWS: the signing input, `.`, the signature.
pub fn compact(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64(signature))
}

/// A unique `jti`: 128 random bits, base64url; `None` if the platform has
/// no randomness to give (the request is then refused, not sent with a
/// guessable id).
pub fn new_jti() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).ok()?;
    Some(b64(&bytes))
}

#[cfg(test)]
mod tests;
