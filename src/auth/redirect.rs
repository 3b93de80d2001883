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
mod tests {
    use super::*;

    const ORIGIN: &str = "https://app.example";

    #[test]
    fn defaults_to_own_torii_page() {
        assert_eq!(
            choose_redirect_uri(None, ORIGIN, &[]).unwrap(),
            "https://app.example/torii/redirect.html"
        );
    }

    #[test]
    fn accepts_own_torii_page() {
        let uri = "https://app.example/torii/redirect.html";
        assert_eq!(choose_redirect_uri(Some(uri), ORIGIN, &[]).unwrap(), uri);
    }

    #[test]
    fn accepts_listed_uri() {
        let allowed = vec!["https://other.example/cb".to_string()];
        assert!(choose_redirect_uri(Some("https://other.example/cb"), ORIGIN, &allowed).is_ok());
    }

    #[test]
    fn rejects_foreign_uri() {
        assert_eq!(
            choose_redirect_uri(
                Some("https://evil.example/torii/redirect.html"),
                ORIGIN,
                &[]
            ),
            Err(AuthError::RedirectUriNotAllowed)
        );
    }

    #[test]
    fn rejects_prefix_of_listed_uri() {
        let allowed = vec!["https://other.example/cb".to_string()];
        assert!(choose_redirect_uri(Some("https://other.example/cb/x"), ORIGIN, &allowed).is_err());
    }

    #[test]
    fn rejects_other_path_on_own_origin() {
        assert!(choose_redirect_uri(Some("https://app.example/"), ORIGIN, &[]).is_err());
    }

    #[test]
    fn rejects_empty_uri() {
        assert!(choose_redirect_uri(Some(""), ORIGIN, &[]).is_err());
    }
}
