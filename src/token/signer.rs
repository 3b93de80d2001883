//! Keys and MACs: itsdangerous' "django-concat" key derivation, HMAC-SHA256
//! (today's tokens) and HMAC-SHA1 (the classic Flask backend's), and the
//! signature check, in constant time.

use super::encoding::{decode_small, SMALL_BUF};
use super::timestamp::decode_timestamp;
use super::TokenError;
use hmac::digest::{Digest, KeyInit};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// The literal "django-concat" puts between the salt and the secret.
const DJANGO_CONCAT: &[u8] = b"signer";

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<Sha1>;

/// One secret, derived for both formats. The HMAC states already hold the
/// keyed inner/outer pads, so a request only clones ~200 bytes instead of
/// re-deriving and re-keying.
#[derive(Clone)]
pub(super) struct Key {
    pub(super) sha256: HmacSha256,
    pub(super) sha1: HmacSha1,
}

impl Key {
    pub(super) fn derive(salt: &str, secret: &str) -> Self {
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

pub(super) fn mac_of<M: Mac + Clone>(key: &M, message: &[u8]) -> hmac::digest::Output<M> {
    let mut mac = key.clone();
    mac.update(message);
    mac.finalize().into_bytes()
}

/// Splits from the right, as itsdangerous does, because a Flask payload is raw
/// JSON and may contain dots of its own. Nothing but the signature segment is
/// looked at before the MAC holds, so forged input never reaches a decoder.
pub(super) fn verify<'t, 'k, M>(
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
