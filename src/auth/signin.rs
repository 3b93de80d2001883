//! `/auth/start` and its cookie: the OAuth `state` bound to this browser and
//! the PKCE verifier, kept in a short-lived signed cookie (RFC 9700 §2.1).

use crate::auth::AuthError;
use crate::providers::Kind;
use crate::token::{Keyring, TokenError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// `__Host-`: the browser only accepts it Secure, host-only, Path=/.
pub const COOKIE_NAME: &str = "__Host-edge-login";
/// How long a sign-in may take from `/auth/start` to `/login`.
pub const COOKIE_MAX_AGE: u64 = 600;

#[derive(Serialize, Deserialize)]
struct CookiePayload {
    state: String,
    verifier: String,
    /// The provider `/auth/start` was asked for; a cookie without one
    /// (made before there were others) is Google's.
    #[serde(default = "google")]
    provider: String,
}

fn google() -> String {
    Kind::Google.name().to_string()
}

#[derive(Debug, Serialize)]
pub struct Started {
    pub state: String,
    pub code_challenge: String,
    pub code_challenge_method: &'static str,
    #[serde(skip)]
    pub cookie: String,
}

/// A sign-in with `provider`, bound to this browser by its cookie.
pub fn start(keyring: &Keyring, now: u64, provider: Kind) -> Started {
    let payload = CookiePayload {
        state: random_b64(),
        verifier: random_b64(),
        provider: provider.name().to_string(),
    };
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
        payload.verifier.clone(),
    ));
    // Our own plain struct always serializes.
    let json = serde_json::to_vec(&payload).unwrap_or_default();
    Started {
        state: payload.state,
        code_challenge: challenge.as_str().to_string(),
        code_challenge_method: "S256",
        cookie: keyring.sign(&json, now),
    }
}

/// 32 bytes from the platform's CSPRNG (`crypto.getRandomValues` on Workers),
/// base64url without padding: 43 characters, as the `oauth2` crate's
/// `CsrfToken::new_random_len(32)` and PKCE S256 verifier (RFC 7636 §4.1).
fn random_b64() -> String {
    let mut bytes = [0u8; 32];
    // Without a CSPRNG there is no safe sign-in; `rand::thread_rng`, which
    // this replaces, panicked the same way. (`is_ok` rather than `expect`:
    // the error's Debug text would add getrandom's messages to the wasm.)
    assert!(
        getrandom::getrandom(&mut bytes).is_ok(),
        "the platform has no CSPRNG"
    );
    base64::Engine::encode(&B64, bytes)
}

pub fn set_cookie(value: &str) -> String {
    format!(
        "{COOKIE_NAME}={value}; Max-Age={COOKIE_MAX_AGE}; Path=/; HttpOnly; Secure; SameSite=Lax"
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax")
}

/// A sign-in that passed the state check.
#[derive(Debug, PartialEq, Eq)]
pub struct Checked {
    pub state: String,
    pub pkce_verifier: String,
    /// The provider the sign-in was started for.
    pub provider: Kind,
    /// When the sign-in started (the cookie's signed timestamp).
    pub started_at: u64,
}

impl Checked {
    /// Past this (epoch seconds) the state can no longer be used, its cookie
    /// being too old; a minute of slack for the clocks of two machines.
    pub fn usable_until(&self) -> u64 {
        self.started_at + COOKIE_MAX_AGE + 60
    }
}

/// The cookie must be ours, younger than ten minutes, hold the state the
/// body carries (compared in constant time) and be for the body's
/// `provider`. `state` is `None` when the body has no state string (absent,
/// `null`, or another type).
pub fn check(
    keyring: &Keyring,
    cookie: Option<&str>,
    state: Option<&str>,
    provider: Kind,
    now: u64,
) -> Result<Checked, AuthError> {
    let cookie = cookie.ok_or(AuthError::InvalidState(
        "This sign-in was not started from this browser (no sign-in cookie); please start again.",
    ))?;
    let unsigned = keyring
        .unsign(cookie, COOKIE_MAX_AGE, now)
        .map_err(|e| match e {
            TokenError::SignatureExpired { .. } => AuthError::InvalidState(
                "This sign-in took longer than ten minutes; please start again.",
            ),
            _ => AuthError::InvalidState("The sign-in cookie is not valid; please start again."),
        })?;
    let payload: CookiePayload = serde_json::from_slice(&unsigned.payload).map_err(|_| {
        AuthError::InvalidState("The sign-in cookie is not valid; please start again.")
    })?;
    let sent = state.ok_or(AuthError::InvalidState(
        "The sign-in request carries no state string; please start again.",
    ))?;
    if !bool::from(sent.as_bytes().ct_eq(payload.state.as_bytes())) {
        return Err(AuthError::InvalidState(
            "The sign-in state does not match this browser's; please start again.",
        ));
    }
    if payload.provider != provider.name() {
        return Err(AuthError::InvalidState(
            "This sign-in was started with another provider; please start again.",
        ));
    }
    Ok(Checked {
        state: payload.state,
        pkce_verifier: payload.verifier,
        provider,
        started_at: unsigned.timestamp,
    })
}

#[cfg(test)]
mod tests;
