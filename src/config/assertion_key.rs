//! `ASSERTION_KEY` and `ASSERTION_KEY_FALLBACKS` (CONTRACT.md "The app's
//! backend"): ECDSA P-256 private keys in PKCS#8 PEM, as `openssl genpkey
//! -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes them. Only the
//! structure is checked here (RFC 5208 / RFC 5915, the two OIDs, a 32-byte
//! scalar); the runtime's WebCrypto imports the key and does the rest.

use super::Problem;
use base64::Engine as _;
use std::fmt;

/// The DER of one PKCS#8 P-256 private key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AssertionKey(Vec<u8>);

impl AssertionKey {
    pub fn der(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

const BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const END: &str = "-----END PRIVATE KEY-----";
/// id-ecPublicKey (1.2.840.10045.2.1), as a DER OID.
const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// prime256v1 / P-256 (1.2.840.10045.3.1.7), as a DER OID.
const PRIME256V1: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// One PEM block. A secret pasted into a dashboard or a `.dev.vars` line
/// often has its line breaks written as `\n`: those count as line breaks.
pub fn parse_pem(pem: &str) -> Result<AssertionKey, Problem> {
    let pem = pem.replace("\\n", "\n");
    let body = pem
        .trim()
        .strip_prefix(BEGIN)
        .and_then(|rest| rest.strip_suffix(END))
        .ok_or(Problem::NotAnAssertionKey)?;
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| Problem::NotAnAssertionKey)?;
    if is_p256_pkcs8(&der) {
        Ok(AssertionKey(der))
    } else {
        Err(Problem::NotAnAssertionKey)
    }
}

/// A DER tag-length-value: `(tag, contents, rest)`.
fn tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 2 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;

/// PrivateKeyInfo { version 0, AlgorithmIdentifier { ecPublicKey,
/// prime256v1 }, OCTET STRING { ECPrivateKey { version 1, OCTET STRING of
/// 32 bytes, ... } } }, and nothing after it.
fn is_p256_pkcs8(der: &[u8]) -> bool {
    let check = || -> Option<()> {
        let (SEQUENCE, info, []) = tlv(der)? else {
            return None;
        };
        let (INTEGER, [0], rest) = tlv(info)? else {
            return None;
        };
        let (SEQUENCE, algorithm, rest) = tlv(rest)? else {
            return None;
        };
        if algorithm != [EC_PUBLIC_KEY, PRIME256V1].concat() {
            return None;
        }
        let (OCTET_STRING, private_key, _attributes) = tlv(rest)? else {
            return None;
        };
        let (SEQUENCE, ec_key, []) = tlv(private_key)? else {
            return None;
        };
        let (INTEGER, [1], rest) = tlv(ec_key)? else {
            return None;
        };
        let (OCTET_STRING, scalar, _) = tlv(rest)? else {
            return None;
        };
        (scalar.len() == 32).then_some(())
    };
    check().is_some()
}

#[cfg(test)]
pub(crate) mod tests;
