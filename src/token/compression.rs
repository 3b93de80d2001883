//! zlib payloads, inflated with a cap so that a small token cannot make the
//! Worker inflate megabytes.

use super::{TokenError, MAX_INFLATED_PAYLOAD};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// What inflating with a limit came to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Inflated {
    Done(Vec<u8>),
    /// Stopped once `produced` bytes (at most the limit) had come out.
    OverLimit {
        produced: usize,
    },
    Corrupt,
}

/// `MAX_INFLATED_PAYLOAD` bytes at most, else `BadPayload`.
pub(super) fn inflate_capped(deflated: &[u8]) -> Result<Vec<u8>, TokenError> {
    match inflate_payload(deflated) {
        Inflated::Done(out) if out.len() <= MAX_INFLATED_PAYLOAD => Ok(out),
        _ => Err(TokenError::BadPayload),
    }
}

/// A payload inflated up to one byte over the cap, which keeps "exactly at
/// the cap" distinguishable from "over it".
pub(super) fn inflate_payload(deflated: &[u8]) -> Inflated {
    inflate_up_to(deflated, MAX_INFLATED_PAYLOAD + 1)
}

/// The output buffer grows by doubling up to `limit`, and decompression
/// resumes where it stopped, so a bomb costs at most `limit` bytes of work and
/// memory whatever it claims to expand to, and the usual small payload never
/// pays for a full buffer.
fn inflate_up_to(deflated: &[u8], limit: usize) -> Inflated {
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut state = Box::<DecompressorOxide>::default();
    let mut out = vec![0u8; deflated.len().saturating_mul(4).clamp(1024, limit.max(1))];
    let (mut read, mut written) = (0, 0);
    loop {
        let input = deflated.get(read..).unwrap_or_default();
        let (status, consumed, produced) = decompress(&mut state, input, &mut out, written, flags);
        read += consumed;
        written += produced;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < limit => {
                out.resize(out.len().saturating_mul(2).min(limit), 0);
            }
            TINFLStatus::HasMoreOutput => return Inflated::OverLimit { produced: written },
            _ => return Inflated::Corrupt,
        }
    }
    // Python's zlib.decompress ignores bytes after the stream; they are
    // refused here because nothing legitimate writes them.
    if read != deflated.len() {
        return Inflated::Corrupt;
    }
    out.truncate(written);
    Inflated::Done(out)
}
