//! Request checks that come before any work: content type, size, JSON shape.

use serde_json::{Map, Value};

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

/// The body as a JSON object.
pub fn parse_object(body: &[u8]) -> Result<Map<String, Value>, RequestError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(RequestError::InvalidJson),
    }
}

/// A field that may be absent (JSON `null` counts as absent) but, when
/// present, must be a string.
fn optional_string(
    map: &Map<String, Value>,
    name: &str,
    wrong_type: &'static str,
) -> Result<Option<String>, RequestError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(RequestError::InvalidRequest(wrong_type)),
    }
}

fn required_string(
    map: &Map<String, Value>,
    name: &str,
    why: &'static str,
) -> Result<String, RequestError> {
    match optional_string(map, name, why)? {
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
    pub state: StateField,
}

pub const PROVIDER: &str = "google-oauth2";

pub fn parse_login(body: &[u8]) -> Result<LoginBody, RequestError> {
    let map = parse_object(body)?;
    let authorization_code = required_string(
        &map,
        "authorizationCode",
        "authorizationCode is required and must be a non-empty string.",
    )?;
    let redirect_uri = optional_string(&map, "redirectUri", "redirectUri must be a string.")?;
    let provider = optional_string(&map, "provider", "provider must be a string.")?;
    if provider.is_some_and(|p| p != PROVIDER) {
        return Err(RequestError::InvalidRequest(
            "provider must be google-oauth2, the only one this server signs in with.",
        ));
    }
    let state = match map.get("state") {
        None | Some(Value::Null) => StateField::Absent,
        Some(Value::String(s)) => StateField::Value(s.clone()),
        Some(_) => StateField::NotAString,
    };
    Ok(LoginBody {
        authorization_code,
        redirect_uri,
        state,
    })
}

pub fn parse_reauth(body: &[u8]) -> Result<String, RequestError> {
    let map = parse_object(body)?;
    required_string(
        &map,
        "auth_token",
        "auth_token is required and must be a non-empty string.",
    )
}

/// `/auth/start` takes no input: an empty body, or any JSON object.
pub fn parse_optional_object(body: &[u8]) -> Result<(), RequestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(())
    } else {
        parse_object(body).map(drop)
    }
}

#[cfg(test)]
mod tests;
