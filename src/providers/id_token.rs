//! The id_token of the token answer: its claims, and the checks OpenID
//! Connect Core 3.1.3.7 asks of a token taken straight from the token
//! endpoint.

use super::ProviderError;
use crate::json_object::{self, Field};
use base64::Engine as _;
use serde::Deserialize;

/// The id_token claims the account policy needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    pub sub: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub hd: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    // Some Google answers have carried "true" as a string.
    Text(String),
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
    #[serde(untagged)]
    enum Audience {
        One(String),
        Many(Vec<String>),
    }
    /// `exp` as JWT's NumericDate (a JSON number, maybe with a fraction), or
    /// anything else, so that a non-numeric `exp` is told apart from claims
    /// that do not parse. (Not `serde_json::Value`: its deserializer would
    /// add to the wasm what nothing else needs.)
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumericDate {
        Seconds(f64),
        Other(serde::de::IgnoredAny),
    }
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
