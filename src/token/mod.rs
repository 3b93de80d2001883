//! Session tokens compatible with Python's itsdangerous, split the way it
//! splits: `signer` (keys and MACs), `timestamp`, `encoding` (base64url
//! segments and the payload), `compression` (zlib payloads). Plain Rust,
//! used by `auth`; uses nothing of this crate.
//!
//! New tokens are `URLSafeTimedSerializer(secret, signer_kwargs={"digest_method":
//! hashlib.sha256})`; tokens of the classic Flask backend are
//! `TimedSerializer(secret)` with its defaults (HMAC-SHA1). Both are
//! `payload '.' timestamp '.' signature`, signed under the key
//! `H(b"itsdangerous" + b"signer" + secret)` (itsdangerous' "django-concat").
//!
//! Decoding is stricter than itsdangerous: Python's base64 decoder skips
//! characters outside the alphabet, ignores non-zero padding bits and accepts
//! `=` padding, so one itsdangerous token has many spellings that all verify.
//! Only the canonical spelling (the one itsdangerous itself writes) is accepted
//! here, so a token string is a stable identity.

mod compression;
mod encoding;
mod signer;
mod timestamp;

use base64::Engine as _;
use encoding::{decode_payload, B64};
use signer::{mac_of, verify, Key};
use std::fmt;
use timestamp::{check_age, timestamp_bytes};

/// Seconds a timestamp may lie in the future (clock skew) before the token is refused.
pub const FUTURE_LEEWAY_SECS: u64 = 60;
/// Cap on the inflated size of a compressed ('.'-prefixed) payload.
pub const MAX_INFLATED_PAYLOAD: usize = 64 * 1024;
/// itsdangerous' `Serializer` default salt.
const DEFAULT_SALT: &str = "itsdangerous";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, wrong signature, unknown key (itsdangerous BadSignature).
    #[error("bad signature")]
    BadSignature,
    /// Signature good but older than max_age (itsdangerous SignatureExpired).
    #[error("signature expired")]
    SignatureExpired { timestamp: u64 },
    /// Signature good but timestamp more than FUTURE_LEEWAY_SECS ahead of now.
    #[error("timestamp in the future")]
    FutureTimestamp,
    /// Signature good but the payload does not decode (bad base64, bad zlib, inflated over the cap).
    #[error("bad payload")]
    BadPayload,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    /// The JSON bytes, not parsed.
    pub payload: Vec<u8>,
    pub timestamp: u64,
}

/// Keys derived once (at config time), reused for every request.
#[derive(Clone)]
pub struct Keyring {
    current: Key,
    fallbacks: Vec<Key>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &format_args!("[redacted]"))
            .field(
                "fallbacks",
                &format_args!("[redacted; {}]", self.fallbacks.len()),
            )
            .finish()
    }
}

impl Keyring {
    pub fn new(current: &str, fallbacks: &[&str]) -> Self {
        Self::with_salt(DEFAULT_SALT, current, fallbacks)
    }

    /// As itsdangerous' `salt=` argument: the same secret under another salt
    /// signs tokens the default keyring refuses, so one kind of token cannot
    /// pass for another.
    pub fn with_salt(salt: &str, current: &str, fallbacks: &[&str]) -> Self {
        Self {
            current: Key::derive(salt, current),
            fallbacks: fallbacks.iter().map(|s| Key::derive(salt, s)).collect(),
        }
    }

    fn keys(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.current).chain(&self.fallbacks)
    }

    /// URLSafeTimedSerializer(secret, signer_kwargs={"digest_method": sha256}).dumps:
    /// payload_json is already compact JSON bytes; base64url no padding, never
    /// compressed; signed with the current key.
    pub fn sign(&self, payload_json: &[u8], now: u64) -> String {
        let mut token = String::with_capacity(payload_json.len() / 3 * 4 + 64);
        B64.encode_string(payload_json, &mut token);
        token.push('.');
        B64.encode_string(timestamp_bytes(&now.to_be_bytes()), &mut token);
        let tag = mac_of(&self.current.sha256, token.as_bytes());
        token.push('.');
        B64.encode_string(tag, &mut token);
        token
    }

    /// Verify with current key then each fallback, signature first, then age
    /// (`now - ts > max_age` is expired, `ts > now + 60` is in the future),
    /// then decode the payload (inflating it if it starts with '.'). The JSON
    /// is not parsed.
    pub fn unsign(&self, token: &str, max_age: u64, now: u64) -> Result<Unsigned, TokenError> {
        let (segment, timestamp) = verify(token, self.keys().map(|k| &k.sha256))?;
        check_age(timestamp, max_age, now)?;
        Ok(Unsigned {
            payload: decode_payload(segment)?,
            timestamp,
        })
    }

    /// Classic Flask backend tokens: itsdangerous `TimedSerializer(secret)`
    /// defaults (HMAC-SHA1, raw JSON payload that may itself contain '.').
    /// Same key order, same age rules as [`Keyring::unsign`].
    pub fn unsign_flask(
        &self,
        token: &str,
        max_age: u64,
        now: u64,
    ) -> Result<Unsigned, TokenError> {
        let (payload, timestamp) = verify(token, self.keys().map(|k| &k.sha1))?;
        check_age(timestamp, max_age, now)?;
        Ok(Unsigned {
            payload: payload.as_bytes().to_vec(),
            timestamp,
        })
    }
}

#[cfg(test)]
mod tests;
