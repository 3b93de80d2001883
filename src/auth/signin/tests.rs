use super::*;
use base64::Engine as _;
use sha2::{Digest, Sha256};

const NOW: u64 = 1_800_000_000;
/// As long as a `SECRET_KEY` must be (`config::MIN_SECRET_KEY_BYTES`).
const KEY: &str = "signin-unit-test-key-0123456789abcdef";

fn keyring() -> Keyring {
    Keyring::with_salt(crate::config::SIGNIN_SALT, KEY, &[])
}

fn value(s: &str) -> Option<&str> {
    Some(s)
}

#[test]
fn challenge_is_s256_of_verifier() {
    let started = start(&keyring(), NOW, Kind::Google);
    let checked = check(
        &keyring(),
        Some(&started.cookie),
        value(&started.state),
        Kind::Google,
        NOW,
    )
    .unwrap();
    let digest = Sha256::digest(checked.pkce_verifier.as_bytes());
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest),
        started.code_challenge
    );
    assert_eq!(started.code_challenge_method, "S256");
}

#[test]
fn each_start_is_unique() {
    let a = start(&keyring(), NOW, Kind::Google);
    let b = start(&keyring(), NOW, Kind::Google);
    assert_ne!(a.state, b.state);
    assert_ne!(a.code_challenge, b.code_challenge);
    assert!(a.state.len() >= 43);
}

#[test]
fn rejects_missing_cookie() {
    assert!(matches!(
        check(&keyring(), None, value("s"), Kind::Google, NOW),
        Err(AuthError::InvalidState(_))
    ));
}

#[test]
fn rejects_other_browsers_cookie() {
    let mine = start(&keyring(), NOW, Kind::Google);
    let theirs = start(&keyring(), NOW, Kind::Google);
    assert!(check(
        &keyring(),
        Some(&theirs.cookie),
        value(&mine.state),
        Kind::Google,
        NOW
    )
    .is_err());
}

#[test]
fn rejects_expired_cookie() {
    let s = start(&keyring(), NOW - COOKIE_MAX_AGE - 1, Kind::Google);
    assert!(check(
        &keyring(),
        Some(&s.cookie),
        value(&s.state),
        Kind::Google,
        NOW
    )
    .is_err());
}

#[test]
fn rejects_missing_state() {
    let s = start(&keyring(), NOW, Kind::Google);
    assert!(check(&keyring(), Some(&s.cookie), None, Kind::Google, NOW).is_err());
}

#[test]
fn rejects_cookie_signed_with_session_key() {
    let s = start(&Keyring::new(KEY, &[]), NOW, Kind::Google);
    assert!(check(
        &keyring(),
        Some(&s.cookie),
        value(&s.state),
        Kind::Google,
        NOW
    )
    .is_err());
}

#[test]
fn cookie_attributes_follow_the_contract() {
    let c = set_cookie("v");
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=600",
    ] {
        assert!(c.contains(attr), "{c} lacks {attr}");
    }
    assert!(clear_cookie().contains("Max-Age=0"));
}

#[test]
fn cookie_is_bound_to_its_provider() {
    let s = start(&keyring(), NOW, Kind::GitHub);
    let good = check(
        &keyring(),
        Some(&s.cookie),
        value(&s.state),
        Kind::GitHub,
        NOW,
    );
    assert_eq!(good.map(|c| c.provider), Ok(Kind::GitHub));
    assert!(matches!(
        check(
            &keyring(),
            Some(&s.cookie),
            value(&s.state),
            Kind::Oidc,
            NOW
        ),
        Err(AuthError::InvalidState(_))
    ));
    assert!(check(
        &keyring(),
        Some(&s.cookie),
        value(&s.state),
        Kind::Google,
        NOW
    )
    .is_err());
}

#[test]
fn cookie_without_a_provider_is_googles() {
    // A cookie signed before providers were recorded.
    let old = keyring().sign(br#"{"state":"s","verifier":"v"}"#, NOW);
    assert!(check(&keyring(), Some(&old), value("s"), Kind::Google, NOW).is_ok());
    assert!(check(&keyring(), Some(&old), value("s"), Kind::GitHub, NOW).is_err());
}
