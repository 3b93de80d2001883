//! The userinfo call and what its answer must be; the GET of a JSON
//! document every provider makes.

use super::ProviderError;
use crate::json_object::{self, Field};
use oauth2::http::header::{HeaderName, ACCEPT, AUTHORIZATION};
use oauth2::{AsyncHttpClient, HttpRequest};
use serde_json::value::RawValue;

/// `binding` names the setting the URL came from, when it does not parse.
pub(super) async fn fetch_userinfo<C>(
    http: &C,
    url: &str,
    access_token: &str,
    binding: &'static str,
) -> Result<Box<RawValue>, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let bearer = format!("Bearer {access_token}");
    let raw = get_json(
        http,
        url,
        &[(AUTHORIZATION, &bearer), (ACCEPT, "application/json")],
        "userinfo",
        binding,
    )
    .await?;
    if !raw.get().starts_with('{') {
        return Err(ProviderError::Upstream(
            "userinfo answer is not a JSON object".into(),
        ));
    }
    Ok(raw)
}

/// A GET whose `200` answer must be JSON; `what` names it in the log.
/// Headers by their `http` constants: a name given as text would link
/// `http`'s header-name parser into the wasm (14 KB).
pub(super) async fn get_json<C>(
    http: &C,
    url: &str,
    headers: &[(HeaderName, &str)],
    what: &str,
    binding: &'static str,
) -> Result<Box<RawValue>, ProviderError>
where
    C: for<'c> AsyncHttpClient<'c>,
{
    let mut builder = oauth2::http::Request::builder()
        .method(oauth2::http::Method::GET)
        .uri(url);
    for (name, value) in headers {
        builder = builder.header(name, *value);
    }
    let request: HttpRequest = builder
        .body(Vec::new())
        .map_err(|_| ProviderError::BadEndpoint(binding))?;
    let response = http
        .call(request)
        .await
        .map_err(|e| ProviderError::Upstream(format!("{what} endpoint: {e}")))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(ProviderError::Upstream(format!(
            "{what} endpoint answered {status}"
        )));
    }
    serde_json::from_slice(response.body())
        .map_err(|_| ProviderError::Upstream(format!("{what} answer is not JSON")))
}

/// OpenID Connect Core 5.3.2: userinfo's `sub` must equal the id_token's,
/// or the userinfo must not be used.
pub(super) fn check_userinfo_subject(user_info: &RawValue, sub: &str) -> Result<(), ProviderError> {
    let [subject] = json_object::fields(user_info.get().as_bytes(), ["sub"])
        .ok_or_else(|| ProviderError::Upstream("userinfo".into()))?;
    match subject {
        Field::Text(s) if s == sub => Ok(()),
        _ => Err(ProviderError::Upstream(
            "userinfo sub differs from the id_token's".into(),
        )),
    }
}

/// Drops whitespace outside strings from JSON text that already parsed,
/// keeping Google's key order (a round trip through `Value` would sort it).
pub fn minify_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}
