use super::*;

#[test]
fn salt_separates_keyrings() {
    let salted = Keyring::with_salt("edge-login.signin", SECRET, &[]);
    let token = salted.sign(PAYLOAD, TS);
    assert!(salted.unsign(&token, DAY, TS).is_ok());
    assert_eq!(
        ring().unsign(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
    assert_eq!(
        salted.unsign(&ring().sign(PAYLOAD, TS), DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn default_salt_is_itsdangerous() {
    let token = Keyring::with_salt("itsdangerous", SECRET, &[]).sign(PAYLOAD, TS);
    assert_eq!(token, PY_TOKEN);
}

#[test]
fn keyring_can_be_shared() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Keyring>();
}

#[test]
fn debug_redacts_key_material() {
    let shown = format!("{:?}", Keyring::new(SECRET, &[OLD]));
    assert_eq!(
        shown,
        "Keyring { current: [redacted], fallbacks: [redacted; 1] }"
    );
}

#[test]
fn flask_accepts_itsdangerous_token() {
    let got = ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS).unwrap();
    let want = br#"{"user_info": {"email": "jane.doe@example.com", "name": "Jane"}}"#;
    assert_eq!(
        got,
        Unsigned {
            payload: want.to_vec(),
            timestamp: TS
        }
    );
}

#[test]
fn flask_accepts_json_with_dots() {
    let json = r#"{"a.b": "c.d.e", "f": 1.5}"#;
    let got = ring()
        .unsign_flask(&sign_flask(SECRET, json, TS), DAY, TS)
        .unwrap();
    assert_eq!(got.payload, json.as_bytes());
}

#[test]
fn flask_rejects_tampered_signature() {
    let sig_start = PY_FLASK_TOKEN.rfind('.').unwrap() + 1;
    let token = flip_char(PY_FLASK_TOKEN, sig_start + 3);
    assert_eq!(
        ring().unsign_flask(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn flask_rejects_tampered_payload() {
    let token = PY_FLASK_TOKEN.replace("Jane", "John");
    assert_eq!(
        ring().unsign_flask(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn flask_accepts_fallback_key() {
    let token = sign_flask(OLDER, "{}", TS);
    assert_eq!(ring().unsign_flask(&token, DAY, TS).unwrap().payload, b"{}");
}

#[test]
fn flask_rejects_unknown_key() {
    let token = sign_flask("stranger", "{}", TS);
    assert_eq!(
        ring().unsign_flask(&token, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn flask_rejects_expired() {
    assert_eq!(
        ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS + DAY + 1),
        Err(TokenError::SignatureExpired { timestamp: TS })
    );
}

#[test]
fn flask_accepts_at_exact_max_age() {
    assert!(ring().unsign_flask(PY_FLASK_TOKEN, DAY, TS + DAY).is_ok());
}

#[test]
fn flask_rejects_future_timestamp() {
    let now = TS - FUTURE_LEEWAY_SECS - 1;
    assert_eq!(
        ring().unsign_flask(PY_FLASK_TOKEN, DAY, now),
        Err(TokenError::FutureTimestamp)
    );
}

#[test]
fn flask_rejects_urlsafe_token() {
    assert_eq!(
        ring().unsign_flask(PY_TOKEN, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn urlsafe_rejects_flask_token() {
    assert_eq!(
        ring().unsign(PY_FLASK_TOKEN, DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn flask_rejects_empty() {
    assert_eq!(
        ring().unsign_flask("", DAY, TS),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn flask_rejects_garbage() {
    for token in [".", "..", "{}..", "{}.ZVPxAA.", "a.b.c.d", "🔑.🔑.🔑"] {
        assert_eq!(
            ring().unsign_flask(token, DAY, TS),
            Err(TokenError::BadSignature),
            "{token:?}"
        );
    }
}
