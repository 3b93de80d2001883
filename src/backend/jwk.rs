//! JSON Web Keys: the assertion keys' public halves as the JWKS publishes
//! them, and their RFC 7638 thumbprints, which are the `kid`s.

use super::json::{self, Object};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// RFC 7638 §3: the key's required members only, sorted by name, as JSON
/// without whitespace, hashed with SHA-256, base64url without padding.
/// Generic over the members, so that any key type's thumbprint (the RFC's
/// own example is RSA) comes out of the same code.
pub fn thumbprint(members: &[(&str, &str)]) -> String {
    let mut sorted = members.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut canonical = String::from("{");
    for (i, (name, value)) in sorted.iter().enumerate() {
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&json::string(name));
        canonical.push(':');
        canonical.push_str(&json::string(value));
    }
    canonical.push('}');
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// A P-256 public key: its coordinates, base64url (as WebCrypto exports
/// them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcPublicKey {
    pub x: String,
    pub y: String,
}

impl EcPublicKey {
    /// Its RFC 7638 thumbprint: the `kid` of the assertion and the JWKS.
    pub fn kid(&self) -> String {
        thumbprint(&[
            ("crv", "P-256"),
            ("kty", "EC"),
            ("x", &self.x),
            ("y", &self.y),
        ])
    }

    /// Its JWK as the JWKS lists it.
    pub fn jwk(&self) -> String {
        Object::new()
            .str("kty", "EC")
            .str("crv", "P-256")
            .str("x", &self.x)
            .str("y", &self.y)
            .str("kid", &self.kid())
            .str("alg", "ES256")
            .str("use", "sig")
            .end()
    }
}

/// `GET /.well-known/jwks.json`'s body: every key, the signing one first.
pub fn jwks(keys: &[EcPublicKey]) -> String {
    let mut listed = String::from("[");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            listed.push(',');
        }
        listed.push_str(&key.jwk());
    }
    listed.push(']');
    Object::new().raw("keys", &listed).end()
}

#[cfg(test)]
mod tests;
