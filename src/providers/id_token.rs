//! The id_token of the token answer: its claims, and the checks OpenID
//! Connect Core 3.1.3.7 asks of a token taken straight from the token
//! endpoint.

use super::ProviderError;
use crate::json_object::{self, Field};
use base64::Engine as _;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// The id_token claims the account policy needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    pub sub: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub hd: Option<String>,
}

enum Flag {
    Bool(bool),
    // Some Google answers have carried "true" as a string.
    Text(String),
}

/// `true`/`false` or a string; anything else does not parse. By hand rather
/// than `#[serde(untagged)]`, whose buffering of the value costs wasm.
impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag::Bool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// `aud`: one string or a list of strings.
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Audience, D::Error> {
        struct AudienceVisitor;
        impl<'de> Visitor<'de> for AudienceVisitor {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Audience, E> {
                Ok(Audience::One(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Audience, A::Error> {
                let mut all = Vec::new();
                while let Some(a) = seq.next_element::<String>()? {
                    all.push(a);
                }
                Ok(Audience::Many(all))
            }
        }
        deserializer.deserialize_any(AudienceVisitor)
    }
}

/// `exp` as JWT's NumericDate (a JSON number, maybe with a fraction), or
/// anything else, so that a non-numeric `exp` is told apart from claims
/// that do not parse.
enum NumericDate {
    Seconds(f64),
    Other,
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NumericDate, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = NumericDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumericDate, E> {
                Ok(NumericDate::Seconds(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumericDate, E> {
                Ok(NumericDate::Seconds(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumericDate, E> {
                Ok(NumericDate::Seconds(v as f64))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<NumericDate, E> {
                Ok(NumericDate::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<NumericDate, E> {
                Ok(NumericDate::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<NumericDate, E> {
                Ok(NumericDate::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NumericDate, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(NumericDate::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumericDate, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NumericDate::Other)
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

fn is_true(flag: Option<&Flag>) -> bool {
    matches!(flag, Some(Flag::Bool(true))) || matches!(flag, Some(Flag::Text(t)) if t == "true")
}

/// The `email` of a JSON object (a userinfo answer, a token's `user_info`)
/// and whether its `email_verified` is true; `None` when `email` is there
/// but not a string, or the text is not an object.
pub fn verified_email_of(json: &str) -> Option<(Option<String>, bool)> {
    let [email, verified] = json_object::fields(json.as_bytes(), ["email", "email_verified"])?;
    let email = match email {
        Field::Text(e) => Some(e),
        Field::Absent | Field::Null => None,
        _ => return None,
    };
    // `true`, or the string "true" some providers have sent.
    let verified = matches!(verified, Field::Bool(true)) || verified.as_str() == Some("true");
    Some((email, verified))
}

/// How far past its `exp` an id_token is still taken, for clock skew.
pub const EXP_LEEWAY_SECS: u64 = 60;

/// Reads the id_token's claims without checking its signature: it came
/// straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.7),
/// but steps 2-5 and 9 still hold: `iss` and `aud` must be ours, `azp` too
/// when present and it must be present when `aud` is a list, and `exp`
/// must not have passed by `now` (with `EXP_LEEWAY_SECS`).
pub fn read_id_token(
    id_token: &str,
    client_id: &str,
    issuers: &[String],
    now: u64,
) -> Result<Claims, ProviderError> {
    #[derive(Deserialize)]
    struct Raw {
        iss: String,
        aud: Audience,
        sub: String,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        email_verified: Option<Flag>,
        #[serde(default)]
        hd: Option<String>,
        #[serde(default)]
        azp: Option<String>,
        #[serde(default)]
        exp: Option<NumericDate>,
    }
    let bad = |why: &str| ProviderError::Upstream(format!("id_token {why}"));
    let mut parts = id_token.split('.');
    let (Some(_header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("is not a JWS compact serialization"));
    };
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad("payload is not base64url"))?;
    let raw: Raw = serde_json::from_slice(&json).map_err(|_| bad("claims do not parse"))?;
    let aud_ok = match &raw.aud {
        Audience::One(a) => a == client_id,
        Audience::Many(all) => all.iter().any(|a| a == client_id),
    };
    if !aud_ok {
        return Err(bad("aud is not our client id"));
    }
    match (&raw.aud, raw.azp.as_deref()) {
        (_, Some(azp)) if azp != client_id => return Err(bad("azp is not our client id")),
        (Audience::Many(_), None) => return Err(bad("aud is a list but there is no azp")),
        _ => {}
    }
    let Some(NumericDate::Seconds(exp)) = raw.exp else {
        return Err(bad("exp is missing or not a number"));
    };
    // JWT NumericDate may have a fraction; f64 holds every epoch second
    // exactly until the year 285 million.
    if (now as f64) > exp + EXP_LEEWAY_SECS as f64 {
        return Err(bad("has expired (exp)"));
    }
    if !issuers.iter().any(|i| i == &raw.iss) {
        return Err(bad("iss is not the expected issuer"));
    }
    // OpenID Connect Core §2: sub is a non-empty identifier; the session
    // store keys the user by it.
    if raw.sub.is_empty() {
        return Err(bad("sub is empty"));
    }
    Ok(Claims {
        sub: raw.sub,
        email: raw.email,
        email_verified: is_true(raw.email_verified.as_ref()),
        hd: raw.hd,
    })
}
