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
