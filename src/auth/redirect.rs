//! Which redirect URI the Worker may send to Google. Google checks it
//! against the console's list too, but checking here first keeps the Worker
//! from being used to exchange codes minted for someone else's redirect.

use crate::auth::AuthError;

/// Where torii's popup lands on this app.
pub const REDIRECT_PATH: &str = "/torii/redirect.html";

pub fn default_redirect_uri(origin: &str) -> String {
    format!("{origin}{REDIRECT_PATH}")
}

/// The URI to send: the requested one when it is this origin's torii page
/// or listed exactly in `ALLOWED_REDIRECT_URIS`; absent, this origin's page.
pub fn choose_redirect_uri(
    requested: Option<&str>,
    origin: &str,
    allowed: &[String],
) -> Result<String, AuthError> {
    let own = default_redirect_uri(origin);
    match requested {
        None => Ok(own),
        Some(uri) if uri == own || allowed.iter().any(|a| a == uri) => Ok(uri.to_string()),
        Some(_) => Err(AuthError::RedirectUriNotAllowed),
    }
}

#[cfg(test)]
mod tests;
