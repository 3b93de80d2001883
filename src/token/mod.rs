//! Session tokens compatible with Python's itsdangerous.
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

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::digest::{Digest, KeyInit};
use hmac::{Hmac, Mac};
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use sha1::Sha1;
use sha2::Sha256;

/// Seconds a timestamp may lie in the future (clock skew) before the token is refused.
pub const FUTURE_LEEWAY_SECS: u64 = 60;
/// Cap on the inflated size of a compressed ('.'-prefixed) payload.
pub const MAX_INFLATED_PAYLOAD: usize = 64 * 1024;

/// itsdangerous' `Serializer` default salt.
const DEFAULT_SALT: &str = "itsdangerous";
/// The literal "django-concat" puts between the salt and the secret.
const DJANGO_CONCAT: &[u8] = b"signer";

/// Longest signature or timestamp segment worth decoding: a SHA-256 tag is 43
/// characters, a u64 at most 11. Anything longer is refused before decoding.
const MAX_SMALL_SEGMENT: usize = 64;
/// Room `decode_slice` wants for `MAX_SMALL_SEGMENT` characters (its estimate
/// rounds up to whole 4-character groups).
const SMALL_BUF: usize = MAX_SMALL_SEGMENT / 4 * 3;

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<Sha1>;

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

/// One secret, derived for both formats. The HMAC states already hold the
/// keyed inner/outer pads, so a request only clones ~200 bytes instead of
/// re-deriving and re-keying.
#[derive(Clone)]
struct Key {
    sha256: HmacSha256,
    sha1: HmacSha1,
}

impl Key {
    fn derive(salt: &str, secret: &str) -> Self {
        let k256 = Sha256::new()
            .chain_update(salt.as_bytes())
            .chain_update(DJANGO_CONCAT)
            .chain_update(secret.as_bytes())
            .finalize();
        let k1 = Sha1::new()
            .chain_update(salt.as_bytes())
            .chain_update(DJANGO_CONCAT)
            .chain_update(secret.as_bytes())
            .finalize();
        Self {
            sha256: hmac_from_short_key(&k256),
            sha1: hmac_from_short_key(&k1),
        }
    }
}

/// HMAC zero-pads a key shorter than the hash's block to the block size, so
/// padding it ourselves gives the very same MAC while going through the
/// infallible `KeyInit::new` (no `expect` on `new_from_slice`).
fn hmac_from_short_key<M: KeyInit>(derived: &[u8]) -> M {
    let mut block = hmac::digest::Key::<M>::default();
    for (dst, src) in block.iter_mut().zip(derived) {
        *dst = *src;
    }
    M::new(&block)
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

fn mac_of<M: Mac + Clone>(key: &M, message: &[u8]) -> hmac::digest::Output<M> {
    let mut mac = key.clone();
    mac.update(message);
    mac.finalize().into_bytes()
}

/// itsdangerous' `int_to_bytes`: big-endian with leading zero bytes dropped
/// (so 0 is the empty string).
fn timestamp_bytes(be: &[u8; 8]) -> &[u8] {
    let first = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    be.get(first..).unwrap_or_default()
}

/// Splits from the right, as itsdangerous does, because a Flask payload is raw
/// JSON and may contain dots of its own. Nothing but the signature segment is
/// looked at before the MAC holds, so forged input never reaches a decoder.
fn verify<'t, 'k, M>(
    token: &'t str,
    mut keys: impl Iterator<Item = &'k M>,
) -> Result<(&'t str, u64), TokenError>
where
    M: Mac + Clone + 'k,
{
    let (signed, sig_segment) = token.rsplit_once('.').ok_or(TokenError::BadSignature)?;
    let mut buf = [0u8; SMALL_BUF];
    let sig = decode_small(sig_segment, &mut buf).ok_or(TokenError::BadSignature)?;
    let genuine = keys.any(|key| {
        let mut mac = key.clone();
        mac.update(signed.as_bytes());
        mac.verify_slice(sig).is_ok()
    });
    if !genuine {
        return Err(TokenError::BadSignature);
    }
    // A good MAC over something without a timestamp, or with one that is not
    // a u64, is itsdangerous' BadTimeSignature: still the BadSignature class.
    let (payload, ts_segment) = signed.rsplit_once('.').ok_or(TokenError::BadSignature)?;
    let timestamp = decode_timestamp(ts_segment).ok_or(TokenError::BadSignature)?;
    Ok((payload, timestamp))
}

fn decode_small<'b>(segment: &str, buf: &'b mut [u8; SMALL_BUF]) -> Option<&'b [u8]> {
    if segment.len() > MAX_SMALL_SEGMENT {
        return None;
    }
    let len = B64.decode_slice(segment, buf).ok()?;
    buf.get(..len)
}

/// Like itsdangerous' `bytes_to_int`, leading zero bytes are tolerated (they
/// are covered by the MAC), and the empty segment is 0.
fn decode_timestamp(segment: &str) -> Option<u64> {
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
fn check_age(timestamp: u64, max_age: u64, now: u64) -> Result<(), TokenError> {
    if now.saturating_sub(timestamp) > max_age {
        return Err(TokenError::SignatureExpired { timestamp });
    }
    if timestamp > now.saturating_add(FUTURE_LEEWAY_SECS) {
        return Err(TokenError::FutureTimestamp);
    }
    Ok(())
}

fn decode_payload(segment: &str) -> Result<Vec<u8>, TokenError> {
    match segment.strip_prefix('.') {
        None => B64.decode(segment).map_err(|_| TokenError::BadPayload),
        Some(deflated) => {
            let deflated = B64.decode(deflated).map_err(|_| TokenError::BadPayload)?;
            inflate_capped(&deflated)
        }
    }
}

/// The output buffer grows by doubling up to one byte over the cap, and
/// decompression resumes where it stopped, so a bomb costs at most 64 KiB of
/// work and memory whatever it claims to expand to, "exactly at the cap" stays
/// distinguishable from "over it", and the usual small payload never pays for
/// a 64 KiB buffer.
fn inflate_capped(deflated: &[u8]) -> Result<Vec<u8>, TokenError> {
    const LIMIT: usize = MAX_INFLATED_PAYLOAD + 1;
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut state = Box::<DecompressorOxide>::default();
    let mut out = vec![0u8; deflated.len().saturating_mul(4).clamp(1024, LIMIT)];
    let (mut read, mut written) = (0, 0);
    loop {
        let input = deflated.get(read..).unwrap_or_default();
        let (status, consumed, produced) = decompress(&mut state, input, &mut out, written, flags);
        read += consumed;
        written += produced;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < LIMIT => {
                out.resize(out.len().saturating_mul(2).min(LIMIT), 0);
            }
            _ => return Err(TokenError::BadPayload),
        }
    }
    // Python's zlib.decompress ignores bytes after the stream; they are
    // refused here because nothing legitimate writes them.
    if read != deflated.len() || written > MAX_INFLATED_PAYLOAD {
        return Err(TokenError::BadPayload);
    }
    out.truncate(written);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "correct horse battery staple";
    const OLD: &str = "old-secret";
    const OLDER: &str = "ключ-🔑";
    const TS: u64 = 1_700_000_000;
    const DAY: u64 = 86_400;
    const PAYLOAD: &[u8] = br#"{"user_info":{"email":"jane.doe@example.com","name":"Jane"}}"#;

    fn ring() -> Keyring {
        Keyring::new(SECRET, &[OLD, OLDER])
    }

    /// Signs arbitrary segments, to build tokens whose MAC is good but whose
    /// insides are not what `sign` would write.
    fn sign_segments(secret: &str, signed: &str) -> String {
        let key = Key::derive(DEFAULT_SALT, secret);
        format!(
            "{signed}.{}",
            B64.encode(mac_of(&key.sha256, signed.as_bytes()))
        )
    }

    fn sign_flask(secret: &str, payload: &str, ts: u64) -> String {
        let key = Key::derive(DEFAULT_SALT, secret);
        let signed = format!(
            "{payload}.{}",
            B64.encode(timestamp_bytes(&ts.to_be_bytes()))
        );
        format!(
            "{signed}.{}",
            B64.encode(mac_of(&key.sha1, signed.as_bytes()))
        )
    }

    fn ts_segment(ts: u64) -> String {
        B64.encode(timestamp_bytes(&ts.to_be_bytes()))
    }

    fn compressed_token(secret: &str, raw: &[u8], ts: u64) -> String {
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(raw, 9);
        sign_segments(
            secret,
            &format!(".{}.{}", B64.encode(deflated), ts_segment(ts)),
        )
    }

    fn flip_char(s: &str, index: usize) -> String {
        let mut bytes = s.as_bytes().to_vec();
        bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    }

    // Minted by itsdangerous 2.2.0 with a fixed get_timestamp (TS).
    const PY_TOKEN: &str = "eyJ1c2VyX2luZm8iOnsiZW1haWwiOiJqYW5lLmRvZUBleGFtcGxlLmNvbSIsIm5hbWUiOiJKYW5lIn19.ZVPxAA.iV7sHfqELjEyYcuFVKUixZK-cKym6nQy_-1dWPyOTSQ";
    const PY_FLASK_TOKEN: &str = r#"{"user_info": {"email": "jane.doe@example.com", "name": "Jane"}}.ZVPxAA.g2uz1vuyx1qN_Oz2uLczGP_8Rb0"#;

    #[test]
    fn sign_matches_itsdangerous() {
        assert_eq!(ring().sign(PAYLOAD, TS), PY_TOKEN);
    }

    #[test]
    fn accepts_itsdangerous_token() {
        let got = ring().unsign(PY_TOKEN, DAY, TS + 5).unwrap();
        assert_eq!(
            got,
            Unsigned {
                payload: PAYLOAD.to_vec(),
                timestamp: TS
            }
        );
    }

    #[test]
    fn roundtrips_own_token() {
        let r = ring();
        let got = r.unsign(&r.sign(b"{}", TS), DAY, TS).unwrap();
        assert_eq!(
            got,
            Unsigned {
                payload: b"{}".to_vec(),
                timestamp: TS
            }
        );
    }

    #[test]
    fn sign_writes_zero_timestamp_as_empty_segment() {
        let token = ring().sign(b"{}", 0);
        assert!(token.starts_with("e30..")); // itsdangerous' int_to_bytes(0) == b""
        assert_eq!(ring().unsign(&token, 10, 5).unwrap().timestamp, 0);
    }

    #[test]
    fn rejects_tampered_signature() {
        let sig_start = PY_TOKEN.rfind('.').unwrap() + 1;
        let token = flip_char(PY_TOKEN, sig_start + 3);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_tampered_payload() {
        let token = flip_char(PY_TOKEN, 10);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_tampered_timestamp() {
        let token = PY_TOKEN.replace(".ZVPxAA.", ".ZVPxAB.");
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_non_canonical_signature() {
        // 43 characters carry 258 bits for a 256-bit tag; itsdangerous ignores
        // the 2 spare bits, so "...TSQ" and "...TSR" both verify in Python.
        let token = PY_TOKEN.strip_suffix('Q').unwrap().to_owned() + "R";
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_padded_signature() {
        let token = format!("{PY_TOKEN}=");
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_junk_inside_signature() {
        // Python's base64 decoder silently drops characters like these.
        let at = PY_TOKEN.len() - 5;
        let token = format!("{}!é{}", &PY_TOKEN[..at], &PY_TOKEN[at..]);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_standard_base64_alphabet() {
        let token = PY_TOKEN.replace('_', "/").replace('-', "+");
        assert_ne!(token, PY_TOKEN);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_future_timestamp() {
        let token = ring().sign(PAYLOAD, TS + FUTURE_LEEWAY_SECS + 1);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::FutureTimestamp)
        );
    }

    #[test]
    fn accepts_timestamp_within_leeway() {
        let token = ring().sign(PAYLOAD, TS + FUTURE_LEEWAY_SECS);
        assert!(ring().unsign(&token, DAY, TS).is_ok());
    }

    #[test]
    fn rejects_expired() {
        let token = ring().sign(PAYLOAD, TS);
        assert_eq!(
            ring().unsign(&token, DAY, TS + DAY + 1),
            Err(TokenError::SignatureExpired { timestamp: TS })
        );
    }

    #[test]
    fn accepts_at_exact_max_age() {
        let token = ring().sign(PAYLOAD, TS);
        assert!(ring().unsign(&token, DAY, TS + DAY).is_ok());
    }

    #[test]
    fn accepts_zero_max_age_at_same_second() {
        let token = ring().sign(PAYLOAD, TS);
        assert!(ring().unsign(&token, 0, TS).is_ok());
    }

    #[test]
    fn checks_signature_before_age() {
        let token = Keyring::new("stranger", &[]).sign(PAYLOAD, 0);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn survives_extreme_timestamps() {
        let r = ring();
        assert_eq!(
            r.unsign(&r.sign(PAYLOAD, u64::MAX), DAY, TS),
            Err(TokenError::FutureTimestamp)
        );
        assert!(r.unsign(&r.sign(PAYLOAD, u64::MAX), 0, u64::MAX).is_ok());
        assert!(r.unsign(&r.sign(PAYLOAD, 0), u64::MAX, u64::MAX).is_ok());
        assert!(r
            .unsign(&r.sign(PAYLOAD, u64::MAX - 1), 0, u64::MAX)
            .is_err());
    }

    #[test]
    fn accepts_fallback_key() {
        let token = Keyring::new(OLD, &[]).sign(PAYLOAD, TS);
        assert_eq!(ring().unsign(&token, DAY, TS).unwrap().payload, PAYLOAD);
    }

    #[test]
    fn accepts_second_fallback_key_with_non_ascii_secret() {
        let token = Keyring::new(OLDER, &[]).sign(PAYLOAD, TS);
        assert_eq!(ring().unsign(&token, DAY, TS).unwrap().payload, PAYLOAD);
    }

    #[test]
    fn signs_with_current_key_only() {
        let token = ring().sign(PAYLOAD, TS);
        assert!(Keyring::new(SECRET, &[]).unsign(&token, DAY, TS).is_ok());
        assert!(Keyring::new(OLD, &[]).unsign(&token, DAY, TS).is_err());
    }

    #[test]
    fn rejects_unknown_key() {
        let token = Keyring::new("stranger", &[]).sign(PAYLOAD, TS);
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn fallback_expiry_is_reported() {
        let token = Keyring::new(OLD, &[]).sign(PAYLOAD, TS);
        assert_eq!(
            ring().unsign(&token, 10, TS + 11),
            Err(TokenError::SignatureExpired { timestamp: TS })
        );
    }

    #[test]
    fn accepts_compressed_payload() {
        let raw = format!(r#"{{"user_info":{{"bio":"{}"}}}}"#, "la ".repeat(500));
        let token = compressed_token(SECRET, raw.as_bytes(), TS);
        assert!(token.len() < raw.len());
        assert_eq!(
            ring().unsign(&token, DAY, TS).unwrap().payload,
            raw.as_bytes()
        );
    }

    #[test]
    fn accepts_compressed_payload_at_cap() {
        let raw = vec![b' '; MAX_INFLATED_PAYLOAD];
        let token = compressed_token(SECRET, &raw, TS);
        assert_eq!(
            ring().unsign(&token, DAY, TS).unwrap().payload.len(),
            MAX_INFLATED_PAYLOAD
        );
    }

    #[test]
    fn rejects_compressed_payload_one_byte_over_cap() {
        let raw = vec![b' '; MAX_INFLATED_PAYLOAD + 1];
        let token = compressed_token(SECRET, &raw, TS);
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    /// Deflate at its best ratio: one zero byte, then `copies` back-references
    /// "258 bytes at distance 1", each 2 bits under a hand-made dynamic
    /// Huffman code (RFC 1951 3.2.7). Built directly because compressing
    /// megabytes in a debug-build test is slow.
    fn zlib_bomb(copies: usize) -> (Vec<u8>, usize) {
        struct Bits {
            out: Vec<u8>,
            acc: u32,
            used: u8,
        }
        impl Bits {
            /// Header fields and extra bits: least significant bit first.
            fn put(&mut self, value: u32, len: u8) {
                for i in 0..len {
                    self.acc |= ((value >> i) & 1) << self.used;
                    self.used += 1;
                    if self.used == 8 {
                        self.out.push(self.acc as u8);
                        (self.acc, self.used) = (0, 0);
                    }
                }
            }
            /// Huffman codes: most significant bit first.
            fn code(&mut self, code: u32, len: u8) {
                self.put(code.reverse_bits() >> (32 - u32::from(len)), len);
            }
        }
        let mut b = Bits {
            out: vec![0x78, 0x01],
            acc: 0,
            used: 0,
        };
        b.put(1, 1); // final block
        b.put(2, 2); // dynamic Huffman
        b.put(286 - 257, 5); // literal/length codes 0..=285
        b.put(2 - 1, 5); // distance codes 0..=1
        b.put(18 - 4, 4); // code-length code lengths given, in RFC order:
        for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
            b.put(len, 3); // 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
        }
        // Code-length code: 18 (a run of 11..=138 zeros) = "0", 1 = "10", 2 = "11".
        let run_of_zeros = |b: &mut Bits, n: u32| {
            b.code(0, 1);
            b.put(n - 11, 7);
        };
        b.code(0b11, 2); // literal 0: 2 bits
        run_of_zeros(&mut b, 138);
        run_of_zeros(&mut b, 117); // literals 1..=255: unused
        b.code(0b11, 2); // 256, end of block: 2 bits
        run_of_zeros(&mut b, 28); // lengths 257..=284: unused
        b.code(0b10, 2); // 285, length 258: 1 bit
        b.code(0b10, 2); // distance code 0, distance 1: 1 bit
        b.code(0b10, 2); // distance code 1: 1 bit, only to make the code complete
                         // Literal/length code: 285 = "0", 0 = "10", 256 = "11"; distance 0 = "0".
        b.code(0b10, 2);
        for _ in 0..copies {
            b.code(0, 1);
            b.code(0, 1);
        }
        b.code(0b11, 2);
        if b.used > 0 {
            b.out.push(b.acc as u8);
        }
        let size = 1 + 258 * copies;
        let adler = ((size as u32 % 65_521) << 16) | 1; // Adler-32 of zeros
        b.out.extend_from_slice(&adler.to_be_bytes());
        (b.out, size)
    }

    #[test]
    fn rejects_zlib_bomb() {
        let (deflated, size) = zlib_bomb(16 * 1024);
        let token = sign_segments(
            SECRET,
            &format!(".{}.{}", B64.encode(&deflated), ts_segment(TS)),
        );
        assert!(
            token.len() < 8 * 1024 && size > 4 * 1024 * 1024,
            "{} -> {size}",
            token.len()
        );
        let started = std::time::Instant::now();
        let full = miniz_oxide::inflate::decompress_to_vec_zlib(&deflated).unwrap();
        let full_inflate = started.elapsed();
        assert_eq!(full.len(), size, "the bomb itself must be valid zlib");

        let started = std::time::Instant::now();
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
        let capped = started.elapsed();
        // Stopping after 64 KiB of 4 MiB must be far quicker than inflating it all.
        assert!(capped < full_inflate / 8, "{capped:?} vs {full_inflate:?}");
    }

    #[test]
    fn rejects_corrupt_zlib() {
        let token = sign_segments(
            SECRET,
            &format!(".{}.{}", B64.encode(b"not zlib"), ts_segment(TS)),
        );
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_truncated_zlib() {
        let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
        deflated.truncate(deflated.len() - 4); // drop the Adler-32
        let token = sign_segments(
            SECRET,
            &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
        );
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_bad_zlib_checksum() {
        let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
        if let Some(last) = deflated.last_mut() {
            *last ^= 1;
        }
        let token = sign_segments(
            SECRET,
            &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
        );
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_zlib_trailing_bytes() {
        let mut deflated = miniz_oxide::deflate::compress_to_vec_zlib(PAYLOAD, 6);
        deflated.extend_from_slice(b"extra");
        let token = sign_segments(
            SECRET,
            &format!(".{}.{}", B64.encode(deflated), ts_segment(TS)),
        );
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_bad_base64_payload_under_good_signature() {
        let token = sign_segments(SECRET, &format!("e30!.{}", ts_segment(TS)));
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_dot_inside_payload_under_good_signature() {
        let token = sign_segments(SECRET, &format!("e30.e30.{}", ts_segment(TS)));
        assert_eq!(ring().unsign(&token, DAY, TS), Err(TokenError::BadPayload));
    }

    #[test]
    fn rejects_missing_timestamp_under_good_signature() {
        let token = sign_segments(SECRET, "e30");
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_timestamp_wider_than_u64() {
        let token = sign_segments(SECRET, &format!("e30.{}", B64.encode([1u8; 9])));
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn rejects_undecodable_timestamp_under_good_signature() {
        let token = sign_segments(SECRET, "e30.A");
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn accepts_timestamp_with_leading_zero_bytes() {
        let token = sign_segments(SECRET, &format!("e30.{}", B64.encode(TS.to_be_bytes())));
        assert_eq!(ring().unsign(&token, DAY, TS).unwrap().timestamp, TS);
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(ring().unsign("", DAY, TS), Err(TokenError::BadSignature));
    }

    #[test]
    fn rejects_garbage() {
        for token in [
            ".",
            "..",
            "...",
            "a.b.c",
            "a.b.c.d",
            "🔑.🔑.🔑",
            "\0",
            " ",
            "e30.ZVPxAA.",
        ] {
            assert_eq!(
                ring().unsign(token, DAY, TS),
                Err(TokenError::BadSignature),
                "{token:?}"
            );
        }
    }

    #[test]
    fn rejects_huge_input() {
        let token = format!(
            "{}.{}.{}",
            "a".repeat(1 << 20),
            "b".repeat(1 << 10),
            "c".repeat(1 << 10)
        );
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            ring().unsign_flask(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn never_panics_on_mangled_tokens() {
        let r = ring();
        let tokens = [PY_TOKEN, PY_FLASK_TOKEN];
        let replacements = ['.', '=', 'A', '_', 'é', '\0'];
        for token in tokens {
            for (i, _) in token.char_indices() {
                let _ = r.unsign(&token[..i], DAY, TS);
                let _ = r.unsign(&token[i..], DAY, TS);
                let _ = r.unsign_flask(&token[..i], DAY, TS);
                for c in replacements {
                    let mut mangled = token.to_owned();
                    mangled.insert(i, c);
                    let _ = r.unsign(&mangled, DAY, TS);
                    let _ = r.unsign_flask(&mangled, DAY, TS);
                }
            }
        }
    }

    #[test]
    fn salt_separates_keyrings() {
        let salted = Keyring::with_salt("edge-login.signin", SECRET, &[]);
        let token = salted.sign(PAYLOAD, TS);
        assert!(salted.unsign(&token, DAY, TS).is_ok());
        assert_eq!(
            ring().unsign(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            salted.unsign(&ring().sign(PAYLOAD, TS), DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn default_salt_is_itsdangerous() {
        let token = Keyring::with_salt("itsdangerous", SECRET, &[]).sign(PAYLOAD, TS);
        assert_eq!(token, PY_TOKEN);
    }

    #[test]
    fn keyring_can_be_shared() {
        fn shareable<T: Send + Sync + Clone + 'static>() {}
        shareable::<Keyring>();
    }

    #[test]
    fn debug_redacts_key_material() {
        let shown = format!("{:?}", Keyring::new(SECRET, &[OLD]));
        assert_eq!(
            shown,
            "Keyring { current: [redacted], fallbacks: [redacted; 1] }"
        );
    }

    #[test]
    fn flask_accepts_itsdangerous_token() {
        let got = ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS).unwrap();
        let want = br#"{"user_info": {"email": "jane.doe@example.com", "name": "Jane"}}"#;
        assert_eq!(
            got,
            Unsigned {
                payload: want.to_vec(),
                timestamp: TS
            }
        );
    }

    #[test]
    fn flask_accepts_json_with_dots() {
        let json = r#"{"a.b": "c.d.e", "f": 1.5}"#;
        let got = ring()
            .unsign_flask(&sign_flask(SECRET, json, TS), DAY, TS)
            .unwrap();
        assert_eq!(got.payload, json.as_bytes());
    }

    #[test]
    fn flask_rejects_tampered_signature() {
        let sig_start = PY_FLASK_TOKEN.rfind('.').unwrap() + 1;
        let token = flip_char(PY_FLASK_TOKEN, sig_start + 3);
        assert_eq!(
            ring().unsign_flask(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flask_rejects_tampered_payload() {
        let token = PY_FLASK_TOKEN.replace("Jane", "John");
        assert_eq!(
            ring().unsign_flask(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flask_accepts_fallback_key() {
        let token = sign_flask(OLDER, "{}", TS);
        assert_eq!(ring().unsign_flask(&token, DAY, TS).unwrap().payload, b"{}");
    }

    #[test]
    fn flask_rejects_unknown_key() {
        let token = sign_flask("stranger", "{}", TS);
        assert_eq!(
            ring().unsign_flask(&token, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flask_rejects_expired() {
        assert_eq!(
            ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS + DAY + 1),
            Err(TokenError::SignatureExpired { timestamp: TS })
        );
    }

    #[test]
    fn flask_accepts_at_exact_max_age() {
        assert!(ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS + DAY).is_ok());
    }

    #[test]
    fn flask_rejects_future_timestamp() {
        let now = TS - FUTURE_LEEWAY_SECS - 1;
        assert_eq!(
            ring().unsign_flask(PY_FLASK_TOKEN, DAY, now),
            Err(TokenError::FutureTimestamp)
        );
    }

    #[test]
    fn flask_rejects_urlsafe_token() {
        assert_eq!(
            ring().unsign_flask(PY_TOKEN, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn urlsafe_rejects_flask_token() {
        assert_eq!(
            ring().unsign(PY_FLASK_TOKEN, DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flask_rejects_empty() {
        assert_eq!(
            ring().unsign_flask("", DAY, TS),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn flask_rejects_garbage() {
        for token in [".", "..", "{}..", "{}.ZVPxAA.", "a.b.c.d", "🔑.🔑.🔑"] {
            assert_eq!(
                ring().unsign_flask(token, DAY, TS),
                Err(TokenError::BadSignature),
                "{token:?}"
            );
        }
    }
}
