//! Helpers shared by the fuzz targets: an itsdangerous signer written out
//! again (independently of `src/token.rs`), so that a target can put a good
//! MAC over segments of its choosing and reach the decoders behind the
//! signature check, and the age rule as the contract states it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub use edge_login::token::{TokenError, FUTURE_LEEWAY_SECS, MAX_INFLATED_PAYLOAD};

/// The keys every target's keyring holds: `Keyring::new(CURRENT, &FALLBACKS)`.
pub const CURRENT: &str = "fuzz current key";
pub const FALLBACKS: [&str; 2] = ["fuzz old key", "ключ-🔑"];
/// A key the keyring does not hold.
pub const STRANGER: &str = "fuzz stranger key";

pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn derived_sha256(salt: &str, secret: &str) -> Vec<u8> {
    Sha256::new()
        .chain_update(salt)
        .chain_update("signer")
        .chain_update(secret)
        .finalize()
        .to_vec()
}

fn derived_sha1(salt: &str, secret: &str) -> Vec<u8> {
    // sha1 and sha2 implement the same `digest::Digest` trait.
    Sha1::new()
        .chain_update(salt)
        .chain_update("signer")
        .chain_update(secret)
        .finalize()
        .to_vec()
}

/// `signed '.' base64url(HMAC-SHA256(key, signed))`, key = SHA-256(salt + "signer" + secret).
pub fn sign_sha256(salt: &str, secret: &str, signed: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&derived_sha256(salt, secret))
        .expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    format!("{signed}.{}", b64(&mac.finalize().into_bytes()))
}

/// The Flask backend's `TimedSerializer`: the same with SHA-1.
pub fn sign_sha1(salt: &str, secret: &str, signed: &str) -> String {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&derived_sha1(salt, secret))
        .expect("HMAC takes any key length");
    mac.update(signed.as_bytes());
    format!("{signed}.{}", b64(&mac.finalize().into_bytes()))
}

/// itsdangerous' `int_to_bytes`, base64url.
pub fn ts_segment(ts: u64) -> String {
    let be = ts.to_be_bytes();
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    b64(&be[first..])
}

/// What `unsign` must say about a good signature at `ts` (CONTRACT.md
/// "The session token": age over max_age is expired, more than 60 s ahead
/// is invalid), computed without overflow.
pub fn expected_age(ts: u64, max_age: u64, now: u64) -> Result<(), TokenError> {
    if now > ts && now - ts > max_age {
        Err(TokenError::SignatureExpired { timestamp: ts })
    } else if ts > now && ts - now > FUTURE_LEEWAY_SECS {
        Err(TokenError::FutureTimestamp)
    } else {
        Ok(())
    }
}
