//! JSON Web Keys: the assertion keys' public halves as the JWKS publishes
//! them, and their RFC 7638 thumbprints, which are the `kid`s.

use base64::Engine as _;
use serde::Serialize;
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
        canonical.push_str(&json_string(name));
        canonical.push(':');
        canonical.push_str(&json_string(value));
    }
    canonical.push('}');
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// A string as JSON text; serializing a `&str` cannot fail.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
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

    pub fn jwk(&self) -> Jwk<'_> {
        Jwk {
            kty: "EC",
            crv: "P-256",
            x: &self.x,
            y: &self.y,
            kid: self.kid(),
            alg: "ES256",
            r#use: "sig",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Jwk<'a> {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: &'a str,
    pub y: &'a str,
    pub kid: String,
    pub alg: &'static str,
    pub r#use: &'static str,
}

/// `GET /.well-known/jwks.json`'s body: every key, the signing one first.
#[derive(Debug, Serialize)]
pub struct Jwks<'a> {
    pub keys: Vec<Jwk<'a>>,
}

pub fn jwks(keys: &[EcPublicKey]) -> Jwks<'_> {
    Jwks {
        keys: keys.iter().map(EcPublicKey::jwk).collect(),
    }
}

#[cfg(test)]
mod tests;
