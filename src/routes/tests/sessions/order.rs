use super::*;

// ------------------------------------------------------------ the order of checks

#[test]
fn an_expired_token_is_token_expired_before_the_store_is_asked() {
    let p = with_store();
    store(&p).fail_with(StoreError::Timeout);
    let old = NOW - crate::config::DEFAULT_MAX_TOKEN_AGE - 1;
    let token = mint(USERINFO, old, None, old);
    assert_error(&reauth(&p, &good_config(), &token), 401, "token_expired");
    assert_error(&me(&p, &token), 401, "token_expired");
    assert!(store(&p).calls.borrow().is_empty());
}

#[test]
fn a_bad_signature_is_invalid_token_before_the_store_is_asked() {
    let p = with_store();
    store(&p).fail_with(StoreError::Timeout);
    let token = session::issue(&Keyring::new("another key", &[]), USERINFO, NOW, None, NOW);
    assert_error(&reauth(&p, &good_config(), &token), 401, "invalid_token");
    assert_error(&list(&p, &token), 401, "invalid_token");
    assert!(store(&p).calls.borrow().is_empty());
}

#[test]
fn the_account_policy_refuses_before_the_store_is_asked() {
    let p = with_store();
    let token = sign_in(&p);
    store(&p).fail_with(StoreError::Timeout);
    let config = only_allowing("eve@example.com");
    assert_error(&reauth(&p, &config, &token), 403, "access_denied");
    let o = with_token(&p, &config, "GET", "/api/me", &token);
    assert_error(&o, 403, "access_denied");
    let o = with_token(&p, &config, "GET", "/auth/sessions", &token);
    assert_error(&o, 403, "access_denied");
}

#[test]
fn the_allow_lists_apply_again_without_a_store() {
    let p = google_ok();
    let token = mint(USERINFO, NOW, None, NOW);
    let config = only_allowing("eve@example.com");
    assert_error(&reauth(&p, &config, &token), 403, "access_denied");
    let o = with_token(&p, &config, "GET", "/api/me", &token);
    assert_error(&o, 403, "access_denied");
    assert_eq!(
        reauth(&p, &only_allowing("ada@example.com"), &token)
            .response
            .status,
        200
    );
}

#[test]
fn a_missing_sessions_binding_comes_before_the_token() {
    let p = google_ok();
    let o = with_token(&p, &good_config(), "POST", "/logout", "not-a-token");
    assert_error(&o, 500, "server_misconfigured");
    assert!(json(&o)["message"].as_str().unwrap().contains("SESSIONS"));
}
