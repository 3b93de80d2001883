//! The timestamp segment (itsdangerous' `int_to_bytes` / `bytes_to_int`)
//! and the age rules.

use super::encoding::{decode_small, SMALL_BUF};
use super::{TokenError, FUTURE_LEEWAY_SECS};

/// itsdangerous' `int_to_bytes`: big-endian with leading zero bytes dropped
/// (so 0 is the empty string).
pub(super) fn timestamp_bytes(be: &[u8; 8]) -> &[u8] {
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    be.get(first..).unwrap_or_default()
}

/// Like itsdangerous' `bytes_to_int`, leading zero bytes are tolerated (they
/// are covered by the MAC), and the empty segment is 0.
pub(super) fn decode_timestamp(segment: &str) -> Option<u64> {
    let mut buf = [0u8; SMALL_BUF];
    let bytes = decode_small(segment, &mut buf)?;
    if bytes.len() > 8 {
        return None;
    }
    Some(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Saturating, so that a timestamp or clock near 0 or `u64::MAX` cannot wrap
/// around into "valid". At exactly `max_age` the token still holds, as in
/// itsdangerous (`age > max_age`).
pub(super) fn check_age(timestamp: u64, max_age: u64, now: u64) -> Result<(), TokenError> {
    if now.saturating_sub(timestamp) > max_age {
        return Err(TokenError::SignatureExpired { timestamp });
    }
    if timestamp > now.saturating_add(FUTURE_LEEWAY_SECS) {
        return Err(TokenError::FutureTimestamp);
    }
    Ok(())
}
