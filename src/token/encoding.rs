//! Segments are base64url without padding, in the one spelling itsdangerous
//! writes; the payload may be zlib-compressed (a leading `.`).

use super::compression::inflate_capped;
use super::TokenError;
pub(super) use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;

/// Longest signature or timestamp segment worth decoding: a SHA-256 tag is 43
/// characters, a u64 at most 11. Anything longer is refused before decoding.
const MAX_SMALL_SEGMENT: usize = 64;
/// Room `decode_slice` wants for `MAX_SMALL_SEGMENT` characters (its estimate
/// rounds up to whole 4-character groups).
pub(super) const SMALL_BUF: usize = MAX_SMALL_SEGMENT / 4 * 3;

pub(super) fn decode_small<'b>(segment: &str, buf: &'b mut [u8; SMALL_BUF]) -> Option<&'b [u8]> {
    if segment.len() > MAX_SMALL_SEGMENT {
        return None;
    }
    let len = B64.decode_slice(segment, buf).ok()?;
    buf.get(..len)
}

pub(super) fn decode_payload(segment: &str) -> Result<Vec<u8>, TokenError> {
    match segment.strip_prefix('.') {
        None => B64.decode(segment).map_err(|_| TokenError::BadPayload),
        Some(deflated) => {
            let deflated = B64.decode(deflated).map_err(|_| TokenError::BadPayload)?;
            inflate_capped(&deflated)
        }
    }
}
