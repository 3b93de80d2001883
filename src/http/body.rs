//! Request checks that come before any work: content type, size, JSON shape.

use crate::json_object::{self, Field};

/// Why a request's body or its framing is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    UnsupportedMediaType,
    PayloadTooLarge,
    InvalidJson,
    /// A field is missing, empty or of the wrong type; the sentence says which.
    InvalidRequest(&'static str),
}

/// Largest body an API route reads.
pub const MAX_BODY: usize = 16 * 1024;
/// An oversize body is still read (and dropped) up to this bound before the
/// 413 goes out: `wrangler dev`'s proxy otherwise fails the connection's next
/// request.
pub const MAX_DRAIN: usize = 1024 * 1024;

/// `application/json`, with or without parameters, any letter case.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), RequestError> {
    let media_type = content_type
        .and_then(|ct| ct.split(';').next())
        .map(str::trim);
    match media_type {
        Some(mt) if mt.eq_ignore_ascii_case("application/json") => Ok(()),
        _ => Err(RequestError::UnsupportedMediaType),
    }
}

/// Whether the body is one JSON object (its fields are the route's to read).
pub fn parse_object(body: &[u8]) -> Result<(), RequestError> {
    parse_fields(body, []).map(drop)
}

/// The named fields of the body, which must be one JSON object.
fn parse_fields<const N: usize>(body: &[u8], names: [&str; N]) -> Result<[Field; N], RequestError> {
    json_object::fields(body, names).ok_or(RequestError::InvalidJson)
}

/// A field that may be absent (JSON `null` counts as absent) but, when
/// present, must be a string.
fn optional_string(field: Field, wrong_type: &'static str) -> Result<Option<String>, RequestError> {
    match field {
        Field::Absent | Field::Null => Ok(None),
        Field::Text(s) => Ok(Some(s)),
        Field::Bool(_) | Field::Unsigned(_) | Field::Other => {
            Err(RequestError::InvalidRequest(wrong_type))
        }
    }
}

fn required_string(field: Field, why: &'static str) -> Result<String, RequestError> {
    match optional_string(field, why)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(RequestError::InvalidRequest(why)),
    }
}

/// The `state` field, judged later (after the bindings are checked) as
/// `invalid_state` rather than `invalid_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateField {
    Absent,
    NotAString,
    Value(String),
}

impl StateField {
    /// The state string, if the body carries one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            StateField::Value(s) => Some(s),
            StateField::Absent | StateField::NotAString => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginBody {
    pub authorization_code: String,
    pub redirect_uri: Option<String>,
    /// torii's provider name; whether it is one this server signs in with
    /// is the handler's to judge (it knows the configuration).
    pub provider: Option<String>,
    pub state: StateField,
}

pub fn parse_login(body: &[u8]) -> Result<LoginBody, RequestError> {
    let [code, redirect_uri, provider, state] = parse_fields(
        body,
        ["authorizationCode", "redirectUri", "provider", "state"],
    )?;
    let authorization_code = required_string(
        code,
        "authorizationCode is required and must be a non-empty string.",
    )?;
    let redirect_uri = optional_string(redirect_uri, "redirectUri must be a string.")?;
    let provider = optional_string(provider, "provider must be a string.")?;
    let state = match state {
        Field::Absent | Field::Null => StateField::Absent,
        Field::Text(s) => StateField::Value(s),
        Field::Bool(_) | Field::Unsigned(_) | Field::Other => StateField::NotAString,
    };
    Ok(LoginBody {
        authorization_code,
        redirect_uri,
        provider,
        state,
    })
}

pub fn parse_reauth(body: &[u8]) -> Result<String, RequestError> {
    let [auth_token] = parse_fields(body, ["auth_token"])?;
    required_string(
        auth_token,
        "auth_token is required and must be a non-empty string.",
    )
}

/// `/auth/start`'s `provider`: an empty body, or a JSON object whose
/// `provider` is absent, `null` or a string (its other fields ignored).
pub fn parse_start(body: &[u8]) -> Result<Option<String>, RequestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let [provider] = parse_fields(body, ["provider"])?;
    optional_string(provider, "provider must be a string.")
}

/// `/auth/start` takes no other input: an empty body, or any JSON object.
pub fn parse_optional_object(body: &[u8]) -> Result<(), RequestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(())
    } else {
        parse_object(body)
    }
}

#[cfg(test)]
mod tests;
