//! An id_token's signature (RFC 7515, JWS compact serialization): its
//! header's `alg` (RS256 or ES256 only: `none`, HMAC and everything else are
//! refused before any key is looked at), the key of the JWKS it names, and
//! the check itself through a `JwsVerifier`: the runtime's WebCrypto on
//! Workers, so no crypto crate goes into the wasm.

use super::ProviderError;
use crate::json_object::{self, Field};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The algorithms an id_token may be signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// ECDSA on P-256 with SHA-256; the signature is `r || s`, 64 bytes.
    Es256,
}

impl Alg {
    fn from_name(name: &str) -> Option<Alg> {
        match name {
            "RS256" => Some(Alg::Rs256),
            "ES256" => Some(Alg::Es256),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es256 => "ES256",
        }
    }

    fn kty(self) -> &'static str {
        match self {
            Alg::Rs256 => "RSA",
            Alg::Es256 => "EC",
        }
    }
}

/// A public key as a JWK (RFC 7517), its members base64url as sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Jwk {
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub use_: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
    pub crv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
}

/// A JWK Set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// `{"keys": [...]}`; `None` when it is not that. A key whose members
    /// are not strings (or without `kty`) is left out: it can check nothing.
    /// (Its members are read with `json_object`, not a serde derive: 2 KB
    /// less wasm.)
    pub fn parse(json: &str) -> Option<Jwks> {
        #[derive(Deserialize)]
        struct Set<'a> {
            #[serde(borrow)]
            keys: Vec<&'a RawValue>,
        }
        let set: Set = serde_json::from_str(json).ok()?;
        Some(Jwks {
            keys: set
                .keys
                .iter()
                .filter_map(|k| Jwk::parse(k.get()))
                .collect(),
        })
    }
}

impl Jwk {
    fn parse(json: &str) -> Option<Jwk> {
        let fields = json_object::fields(
            json.as_bytes(),
            ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"],
        )?;
        let mut members = Vec::with_capacity(fields.len());
        for field in fields {
            members.push(match field {
                Field::Text(s) => Some(s),
                Field::Absent | Field::Null => None,
                Field::Bool(_) | Field::Unsigned(_) | Field::Other => return None,
            });
        }
        let [kty, kid, alg, use_, n, e, crv, x, y]: [Option<String>; 9] =
            members.try_into().ok()?;
        Some(Jwk {
            kty: kty?,
            kid,
            alg,
            use_,
            n,
            e,
            crv,
            x,
            y,
        })
    }
}

/// The public key members alone, as WebCrypto's `importKey("jwk", …)`
/// takes them (no `alg`, `use` or `key_ops` it could refuse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kty")]
pub enum PublicKey {
    #[serde(rename = "RSA")]
    Rsa { n: String, e: String },
    #[serde(rename = "EC")]
    Ec { crv: String, x: String, y: String },
}

impl PublicKey {
    /// The key as JWK JSON text.
    pub fn to_jwk_json(&self) -> String {
        // A plain struct of strings always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The key's members decoded, for a verifier that takes bytes.
    pub fn decoded(&self) -> Option<Vec<Vec<u8>>> {
        let parts: Vec<&String> = match self {
            PublicKey::Rsa { n, e } => vec![n, e],
            PublicKey::Ec { x, y, .. } => vec![x, y],
        };
        parts.into_iter().map(|p| B64.decode(p).ok()).collect()
    }
}

impl Jwk {
    /// This key, if it may check a signature made with `alg`: its type
    /// matches, its `alg` and `use` (when given) allow it, and it has the
    /// members the algorithm needs.
    fn usable_for(&self, alg: Alg) -> Option<PublicKey> {
        if self.kty != alg.kty()
            || self.alg.as_deref().is_some_and(|a| a != alg.name())
            || self.use_.as_deref().is_some_and(|u| u != "sig")
        {
            return None;
        }
        match alg {
            Alg::Rs256 => Some(PublicKey::Rsa {
                n: self.n.clone()?,
                e: self.e.clone()?,
            }),
            Alg::Es256 => {
                if self.crv.as_deref() != Some("P-256") {
                    return None;
                }
                Some(PublicKey::Ec {
                    crv: "P-256".into(),
                    x: self.x.clone()?,
                    y: self.y.clone()?,
                })
            }
        }
    }
}

/// A JWS compact serialization taken apart; nothing is trusted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'t> {
    pub alg: Alg,
    pub kid: Option<String>,
    /// `header.payload`, what the signature covers.
    pub signing_input: &'t str,
    pub signature: Vec<u8>,
}

fn bad(why: &str) -> ProviderError {
    ProviderError::Upstream(format!("id_token {why}"))
}

/// The header's `alg` must be RS256 or ES256; anything else (`none`
/// included) is refused here.
pub fn parse(token: &str) -> Result<Parsed<'_>, ProviderError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("is not a JWS compact serialization"));
    };
    let header_json = B64
        .decode(header)
        .map_err(|_| bad("header is not base64url"))?;
    let [alg, kid, crit] = json_object::fields(&header_json, ["alg", "kid", "crit"])
        .ok_or_else(|| bad("header does not parse"))?;
    // RFC 7515 §4.1.11: extensions we do not understand must be refused.
    if crit != Field::Absent {
        return Err(bad("header has crit extensions"));
    }
    let kid = match kid {
        Field::Text(kid) => Some(kid),
        Field::Absent => None,
        _ => return Err(bad("header's kid is not a string")),
    };
    let alg = alg
        .as_str()
        .and_then(Alg::from_name)
        .ok_or_else(|| bad("alg is not RS256 or ES256"))?;
    let signature = B64
        .decode(signature)
        .map_err(|_| bad("signature is not base64url"))?;
    Ok(Parsed {
        alg,
        kid,
        signing_input: &token[..token.rfind('.').unwrap_or(0)],
        signature,
    })
}

/// The key that checks `parsed`: the one with its `kid` (when the header
/// has one), else the only key of the right type.
pub fn find_key(keys: &Jwks, parsed: &Parsed<'_>) -> Option<PublicKey> {
    let mut usable = keys
        .keys
        .iter()
        .filter(|k| {
            parsed
                .kid
                .as_deref()
                .is_none_or(|kid| k.kid.as_deref() == Some(kid))
        })
        .filter_map(|k| k.usable_for(parsed.alg));
    let first = usable.next()?;
    if parsed.kid.is_none() && usable.next().is_some() {
        // Without a kid, several keys would mean guessing.
        return None;
    }
    Some(first)
}

/// Checks a JWS signature with a public key. On Workers, WebCrypto's
/// `importKey("jwk", …)` and `verify`; on the host, crates that only the
/// tests link.
#[allow(async_fn_in_trait)]
pub trait JwsVerifier {
    /// `Ok(false)`: the signature does not verify; `Err`: the key could not
    /// be used at all (the text is for the log).
    async fn verify(
        &self,
        alg: Alg,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, String>;
}

/// The signature checked; `Err` for any way it does not hold.
pub async fn verify<V: JwsVerifier>(
    verifier: &V,
    parsed: &Parsed<'_>,
    key: &PublicKey,
) -> Result<(), ProviderError> {
    match verifier
        .verify(
            parsed.alg,
            key,
            parsed.signing_input.as_bytes(),
            &parsed.signature,
        )
        .await
    {
        Ok(true) => Ok(()),
        Ok(false) => Err(bad("signature does not verify")),
        Err(e) => Err(ProviderError::Upstream(format!(
            "id_token key could not be used: {e}"
        ))),
    }
}
