use super::*;

fn invalid_request(r: Result<LoginBody, RequestError>) -> bool {
    matches!(r, Err(RequestError::InvalidRequest(_)))
}

#[test]
fn accepts_json_content_type_with_charset() {
    assert!(check_content_type(Some("Application/JSON; charset=utf-8")).is_ok());
}

#[test]
fn rejects_form_content_type() {
    assert_eq!(
        check_content_type(Some("application/x-www-form-urlencoded")),
        Err(RequestError::UnsupportedMediaType)
    );
}

#[test]
fn rejects_missing_content_type() {
    assert_eq!(
        check_content_type(None),
        Err(RequestError::UnsupportedMediaType)
    );
}

#[test]
fn rejects_json_lookalike_content_type() {
    assert!(check_content_type(Some("application/jsonp")).is_err());
}

#[test]
fn rejects_non_json_body() {
    assert_eq!(parse_login(b"code=abc"), Err(RequestError::InvalidJson));
}

#[test]
fn rejects_json_array_body() {
    assert_eq!(parse_login(b"[1,2]"), Err(RequestError::InvalidJson));
}

#[test]
fn rejects_invalid_utf8_body() {
    assert_eq!(
        parse_reauth(b"{\"auth_token\":\"\xff\"}"),
        Err(RequestError::InvalidJson)
    );
}

#[test]
fn parses_torii_result() {
    let b = parse_login(
        br#"{"authorizationCode":"4/abc","redirectUri":"https://x.example/torii/redirect.html","provider":"google-oauth2","state":"st"}"#,
    )
    .unwrap();
    assert_eq!(b.authorization_code, "4/abc");
    assert_eq!(
        b.redirect_uri.as_deref(),
        Some("https://x.example/torii/redirect.html")
    );
    assert_eq!(b.state, StateField::Value("st".into()));
}

#[test]
fn null_optional_fields_count_as_absent() {
    let b = parse_login(
        br#"{"authorizationCode":"c","redirectUri":null,"provider":null,"state":null}"#,
    )
    .unwrap();
    assert_eq!(b.redirect_uri, None);
    assert_eq!(b.state, StateField::Absent);
}

#[test]
fn rejects_missing_code() {
    assert!(invalid_request(parse_login(
        br#"{"provider":"google-oauth2"}"#
    )));
}

#[test]
fn rejects_empty_code() {
    assert!(invalid_request(parse_login(br#"{"authorizationCode":""}"#)));
}

#[test]
fn rejects_numeric_code() {
    assert!(invalid_request(parse_login(br#"{"authorizationCode":42}"#)));
}

#[test]
fn rejects_non_string_redirect_uri() {
    assert!(invalid_request(parse_login(
        br#"{"authorizationCode":"c","redirectUri":["x"]}"#
    )));
}

#[test]
fn keeps_the_provider_for_the_handler_to_judge() {
    let b = parse_login(br#"{"authorizationCode":"c","provider":"facebook-oauth2"}"#).unwrap();
    assert_eq!(b.provider.as_deref(), Some("facebook-oauth2"));
}

#[test]
fn rejects_non_string_provider() {
    assert!(invalid_request(parse_login(
        br#"{"authorizationCode":"c","provider":{"name":"oidc"}}"#
    )));
}

#[test]
fn start_takes_an_optional_provider() {
    assert_eq!(parse_start(b""), Ok(None));
    assert_eq!(parse_start(br#"{"x":1}"#), Ok(None));
    assert_eq!(parse_start(br#"{"provider":null}"#), Ok(None));
    assert_eq!(
        parse_start(br#"{"provider":"oidc"}"#),
        Ok(Some("oidc".to_string()))
    );
    assert!(matches!(
        parse_start(br#"{"provider":7}"#),
        Err(RequestError::InvalidRequest(_))
    ));
    assert_eq!(parse_start(b"[]"), Err(RequestError::InvalidJson));
}

#[test]
fn non_string_state_is_kept_for_the_state_check() {
    let b = parse_login(br#"{"authorizationCode":"c","state":7}"#).unwrap();
    assert_eq!(b.state, StateField::NotAString);
}

#[test]
fn reauth_needs_a_token() {
    assert!(matches!(
        parse_reauth(b"{}"),
        Err(RequestError::InvalidRequest(_))
    ));
    assert!(matches!(
        parse_reauth(br#"{"auth_token":null}"#),
        Err(RequestError::InvalidRequest(_))
    ));
    assert_eq!(parse_reauth(br#"{"auth_token":"t"}"#).unwrap(), "t");
}

#[test]
fn start_accepts_empty_or_object() {
    assert!(parse_optional_object(b"").is_ok());
    assert!(parse_optional_object(b"{\"x\":1}").is_ok());
    assert_eq!(
        parse_optional_object(b"\"x\""),
        Err(RequestError::InvalidJson)
    );
}
