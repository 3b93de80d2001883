//! `Edge-Login-Assertion`: a JWT (JWS compact, ES256) that tells the app's
//! backend who the Worker let through, checkable by any JWT library with the
//! Worker's JWKS. Here its header, its claims and its compact form; the
//! signature (raw `r || s`, JWS's own format, RFC 7518 §3.4) comes from the
//! runtime's WebCrypto.

use crate::auth::session::Session;
use crate::json_object::{self, Field};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The assertion is good for this long after it is made: it is meant for
/// the request it came with, not to be kept.
pub const LIFETIME_SECS: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claims<'a> {
    /// The origin of the request's URL.
    pub iss: &'a str,
    /// `ASSERTION_AUDIENCE`, else the request's origin.
    pub aud: &'a str,
    /// The store's user id, as `X-Auth-Request-User`.
    pub sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// The session in the store; none from the stateless Worker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<&'a str>,
    pub auth_time: u64,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
}

/// Who and what for: the parts of a request an assertion is made from.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub user: &'a str,
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: u64,
}

/// `email_verified` when `user_info` has it as a boolean.
#[derive(Deserialize)]
struct Verified {
    email_verified: Option<bool>,
}

/// The claims for `session` (its `user_info`'s profile fields, each when it
/// is there as the contract's type), with a fresh `jti`.
pub fn claims<'a>(session: &'a Session, context: Context<'a>, jti: String) -> Claims<'a> {
    let user_info = session.user_info.get();
    let [name, picture] = json_object::fields(user_info.as_bytes(), ["name", "picture"])
        .unwrap_or_default()
        .map(|field| match field {
            Field::Text(text) => Some(text),
            _ => None,
        });
    let email_verified = serde_json::from_str::<Verified>(user_info)
        .ok()
        .and_then(|v| v.email_verified);
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

/// The JWS protected header.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    kid: &'a str,
}

/// What is signed: `BASE64URL(header) "." BASE64URL(claims)` (RFC 7515
/// §5.1).
pub fn signing_input(kid: &str, claims: &Claims<'_>) -> String {
    let header = Header {
        alg: "ES256",
        typ: "JWT",
        kid,
    };
    // Plain structs of strings and numbers always serialize.
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let claims = serde_json::to_vec(claims).unwrap_or_default();
    format!("{}.{}", b64(&header), b64(&claims))
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
