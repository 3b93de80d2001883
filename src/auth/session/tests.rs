use super::*;

const NOW: u64 = 1_800_000_000;
const LIMITS: Lifetimes = Lifetimes {
    max_token_age: 1000,
    max_session_age: 5000,
};
const USER: &str = r#"{"sub":"42","email":"ada@example.com"}"#;

/// As long as a `SECRET_KEY` must be; the fallback need not be.
const CURRENT: &str = "session-unit-test-key-0123456789abcdef";

fn keyring() -> Keyring {
    Keyring::new(CURRENT, &["old"])
}

#[test]
fn issued_token_verifies() {
    let t = issue(&keyring(), USER, NOW - 10, None, NOW);
    let s = verify(&keyring(), &t, LIMITS, NOW).unwrap();
    assert_eq!(s.user_info.get(), USER);
    assert_eq!(s.auth_time, NOW - 10);
}

#[test]
fn rejects_token_past_max_token_age() {
    let t = issue(&keyring(), USER, NOW - 1001, None, NOW - 1001);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap_err(),
        AuthError::TokenExpired
    );
}

#[test]
fn rejects_session_past_max_session_age() {
    let t = issue(&keyring(), USER, NOW - 5001, None, NOW - 10);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap_err(),
        AuthError::TokenExpired
    );
}

#[test]
fn rejects_payload_without_user_info() {
    let t = keyring().sign(br#"{"state":"x"}"#, NOW);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap_err(),
        AuthError::InvalidToken { presented: true }
    );
}

#[test]
fn rejects_non_object_user_info() {
    let t = keyring().sign(br#"{"user_info":"ada"}"#, NOW);
    assert!(verify(&keyring(), &t, LIMITS, NOW).is_err());
}

#[test]
fn token_without_auth_time_counts_from_its_timestamp() {
    let t = keyring().sign(format!(r#"{{"user_info":{USER}}}"#).as_bytes(), NOW - 100);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap().auth_time,
        NOW - 100
    );
}

#[test]
fn rejects_auth_time_more_than_60_s_ahead() {
    let t = issue(&keyring(), USER, NOW + 61, None, NOW);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap_err(),
        AuthError::InvalidToken { presented: true }
    );
}

#[test]
fn accepts_auth_time_up_to_60_s_ahead() {
    let t = issue(&keyring(), USER, NOW + 60, None, NOW);
    assert_eq!(
        verify(&keyring(), &t, LIMITS, NOW).unwrap().auth_time,
        NOW + 60
    );
}

#[test]
fn reauth_rejects_auth_time_more_than_60_s_ahead() {
    // Young and old tokens: the renewal must not carry it forward either.
    for signed_at in [NOW, NOW - 600] {
        let t = issue(&keyring(), USER, NOW + 3600, None, signed_at);
        assert_eq!(
            reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap_err(),
            AuthError::InvalidToken { presented: true }
        );
    }
}

#[test]
fn reauth_rejects_far_future_auth_time_that_would_overflow() {
    let t = issue(&keyring(), USER, u64::MAX, None, NOW);
    assert_eq!(
        reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap_err(),
        AuthError::InvalidToken { presented: true }
    );
}

#[test]
fn reauth_returns_young_token_unchanged() {
    let t = issue(&keyring(), USER, NOW - 100, None, NOW - 100);
    let r = reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap();
    assert_eq!(r.token, t);
    assert!(!r.renewed);
}

#[test]
fn reauth_renews_token_past_half_life() {
    let t = issue(&keyring(), USER, NOW - 4000, None, NOW - 501);
    let r = reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap();
    assert!(r.renewed);
    assert_ne!(r.token, t);
    let again = verify(&keyring(), &r.token, LIMITS, NOW).unwrap();
    assert_eq!(again.auth_time, NOW - 4000);
    assert_eq!(again.user_info.get(), USER);
}

#[test]
fn reauth_renews_fallback_signed_token_with_current_key() {
    let old = Keyring::new("old", &[]);
    let t = issue(&old, USER, NOW - 600, None, NOW - 600);
    let r = reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap();
    assert!(r.renewed);
    let current_only = Keyring::new(CURRENT, &[]);
    assert!(verify(&current_only, &r.token, LIMITS, NOW).is_ok());
}

#[test]
fn reauth_refuses_session_past_cap_even_when_token_is_fresh() {
    let t = issue(&keyring(), USER, NOW - 6000, None, NOW - 1);
    assert_eq!(
        reauth(&keyring(), &t, LIMITS, NOW, false, || None).unwrap_err(),
        AuthError::TokenExpired
    );
}

#[test]
fn reauth_rejects_garbage() {
    assert_eq!(
        reauth(&keyring(), "garbage", LIMITS, NOW, true, || None).unwrap_err(),
        AuthError::InvalidToken { presented: true }
    );
}

const SID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

#[test]
fn issued_token_carries_its_sid() {
    let t = issue(&keyring(), USER, NOW, Some(SID), NOW);
    let s = verify(&keyring(), &t, LIMITS, NOW).unwrap();
    assert_eq!(s.sid.as_deref(), Some(SID));
}

#[test]
fn token_without_sid_reads_as_none() {
    let t = issue(&keyring(), USER, NOW, None, NOW);
    assert_eq!(verify(&keyring(), &t, LIMITS, NOW).unwrap().sid, None);
}

#[test]
fn renewal_keeps_the_sid() {
    let t = issue(&keyring(), USER, NOW - 600, Some(SID), NOW - 600);
    let r = reauth(&keyring(), &t, LIMITS, NOW, false, || {
        panic!("not an upgrade")
    })
    .unwrap();
    assert!(r.renewed && !r.upgraded);
    let again = verify(&keyring(), &r.token, LIMITS, NOW).unwrap();
    assert_eq!(again.sid.as_deref(), Some(SID));
}

#[test]
fn read_signed_accepts_a_token_past_its_age() {
    let t = issue(&keyring(), USER, NOW - 100_000, Some(SID), NOW - 100_000);
    assert!(verify(&keyring(), &t, LIMITS, NOW).is_err());
    assert_eq!(
        read_signed(&keyring(), &t, NOW).unwrap().sid.as_deref(),
        Some(SID)
    );
}

#[test]
fn read_signed_refuses_a_bad_signature() {
    let t = issue(&Keyring::new("other", &[]), USER, NOW, Some(SID), NOW);
    assert_eq!(
        read_signed(&keyring(), &t, NOW).unwrap_err(),
        AuthError::InvalidToken { presented: true }
    );
}

#[test]
fn account_is_read_from_user_info() {
    let s = verify(
        &keyring(),
        &issue(&keyring(), USER, NOW, None, NOW),
        LIMITS,
        NOW,
    )
    .unwrap();
    assert_eq!(s.account.user.as_deref(), Some("42"));
    assert_eq!(s.account.email.as_deref(), Some("ada@example.com"));
    assert_eq!(s.account.hd, None);
}

#[test]
fn account_user_falls_back_to_the_older_userinfo_id() {
    let raw = RawValue::from_string(r#"{"id":"77","email":"a@b.c"}"#.into()).unwrap();
    assert_eq!(Account::of(&raw).user.as_deref(), Some("77"));
}

#[test]
fn account_of_odd_fields_is_empty() {
    let raw = RawValue::from_string(r#"{"sub":42,"email":["x"]}"#.into()).unwrap();
    assert_eq!(Account::of(&raw), Account::default());
}

fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_string()).unwrap()
}

#[test]
fn user_id_is_one_identity_per_provider() {
    let google = raw(r#"{"sub":"42","email":"a@example.com"}"#);
    let github = raw(r#"{"provider":"github-oauth2","sub":"42","email":"a@example.com"}"#);
    let oidc = raw(r#"{"provider":"oidc","sub":"42","email":"a@example.com"}"#);
    assert_eq!(user_id(&google).as_deref(), Some("42"));
    assert_eq!(user_id(&github).as_deref(), Some("github:42"));
    assert_eq!(user_id(&oidc).as_deref(), Some("oidc:42"));
    // Google's older userinfo (classic Flask tokens) names the user `id`.
    assert_eq!(user_id(&raw(r#"{"id":"7"}"#)).as_deref(), Some("7"));
    // Only Google's has that fallback.
    assert_eq!(user_id(&raw(r#"{"provider":"oidc","id":"7"}"#)), None);
}

#[test]
fn an_unknown_provider_names_no_user() {
    for user_info in [
        r#"{"provider":"facebook","sub":"42","email":"a@example.com"}"#,
        // Google's name is never written: Google's user_info has no provider.
        r#"{"provider":"google-oauth2","sub":"42"}"#,
        r#"{"provider":7,"sub":"42"}"#,
    ] {
        assert_eq!(
            Account::of(&raw(user_info)),
            Account::default(),
            "{user_info}"
        );
    }
}

#[test]
fn hd_is_googles_alone() {
    let github = Account::of(&raw(
        r#"{"provider":"github-oauth2","sub":"1","hd":"corp.example"}"#,
    ));
    assert_eq!(github.hd, None);
    let google = Account::of(&raw(r#"{"sub":"1","hd":"corp.example"}"#));
    assert_eq!(google.hd.as_deref(), Some("corp.example"));
}

#[test]
fn an_oidc_email_counts_only_when_verified() {
    let verified =
        r#"{"provider":"oidc","sub":"1","email":"g@corp.example","email_verified":true}"#;
    let unverified =
        r#"{"provider":"oidc","sub":"1","email":"g@corp.example","email_verified":false}"#;
    let silent = r#"{"provider":"oidc","sub":"1","email":"g@corp.example"}"#;
    assert_eq!(
        Account::of(&raw(verified)).email.as_deref(),
        Some("g@corp.example")
    );
    assert_eq!(Account::of(&raw(unverified)).email, None);
    assert_eq!(Account::of(&raw(silent)).email, None);
}

#[test]
fn another_providers_id_and_hd_may_be_anything() {
    let oidc = raw(
        r#"{"provider":"oidc","sub":"s1","id":12,"hd":{"x":1},"email":"g@corp.example","email_verified":true}"#,
    );
    let account = Account::of(&oidc);
    assert_eq!(account.user.as_deref(), Some("oidc:s1"));
    assert_eq!(account.email.as_deref(), Some("g@corp.example"));
    assert_eq!(account.hd, None);
    // Google's own must still be strings.
    assert_eq!(
        Account::of(&raw(r#"{"sub":"1","id":12}"#)),
        Account::default()
    );
}
