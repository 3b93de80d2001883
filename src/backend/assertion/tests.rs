use super::*;
use crate::auth::session::Account;
use serde_json::value::RawValue;

const NOW: u64 = 1_800_000_000;

fn session(user_info: &str, sid: Option<&str>) -> Session {
    let user_info = RawValue::from_string(user_info.to_string()).expect("JSON");
    Session {
        account: Account::of(&user_info),
        user_info,
        auth_time: NOW - 3600,
        sid: sid.map(str::to_string),
    }
}

const CONTEXT: Context<'static> = Context {
    user: "42",
    issuer: "https://app.example",
    audience: "https://api.example",
    now: NOW,
};

const FULL: &str = r#"{"sub":"42","email":"ada@example.com","email_verified":true,"name":"Ada","picture":"https://img.example/ada.png","hd":"example.com"}"#;

fn decode(part: &str) -> serde_json::Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url without padding");
    serde_json::from_slice(&bytes).expect("JSON")
}

#[test]
fn claims_are_the_contract_s() {
    let s = session(FULL, Some("sid-1"));
    let claims =
        serde_json::from_str::<serde_json::Value>(&claims(&s, CONTEXT, "jti-1".into()).to_json())
            .expect("JSON");
    assert_eq!(
        claims,
        serde_json::json!({
            "iss": "https://app.example",
            "aud": "https://api.example",
            "sub": "42",
            "email": "ada@example.com",
            "email_verified": true,
            "name": "Ada",
            "picture": "https://img.example/ada.png",
            "sid": "sid-1",
            "auth_time": NOW - 3600,
            "iat": NOW,
            "exp": NOW + 60,
            "jti": "jti-1",
        })
    );
}

#[test]
fn claims_leave_out_what_user_info_lacks() {
    let s = session(r#"{"sub":"42"}"#, None);
    let claims =
        serde_json::from_str::<serde_json::Value>(&claims(&s, CONTEXT, "j".into()).to_json())
            .expect("JSON");
    for absent in ["email", "email_verified", "name", "picture", "sid"] {
        assert!(claims.get(absent).is_none(), "{absent} is there");
    }
    assert_eq!(claims["sub"], "42");
}

#[test]
fn claims_leave_out_fields_of_another_type() {
    let s = session(
        r#"{"sub":"42","email_verified":"true","name":7,"picture":null}"#,
        None,
    );
    let claims =
        serde_json::from_str::<serde_json::Value>(&claims(&s, CONTEXT, "j".into()).to_json())
            .expect("JSON");
    for absent in ["email_verified", "name", "picture"] {
        assert!(claims.get(absent).is_none(), "{absent} is there");
    }
}

#[test]
fn header_names_the_algorithm_type_and_key() {
    let s = session(FULL, None);
    let input = signing_input("kid-1", &claims(&s, CONTEXT, "j".into()));
    let (header, payload) = input.split_once('.').expect("two parts");
    assert_eq!(
        decode(header),
        serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": "kid-1"})
    );
    assert_eq!(decode(payload)["sub"], "42");
}

#[test]
fn compact_appends_the_signature_base64url() {
    assert_eq!(compact("a.b", &[0xfb, 0xff]), "a.b.-_8");
}

#[test]
fn jti_is_new_each_time() {
    let (a, b) = (new_jti().expect("random"), new_jti().expect("random"));
    assert_ne!(a, b);
    assert_eq!(a.len(), 22);
}

#[test]
fn claims_escape_what_json_must() {
    let s = session(r#"{"sub":"42","name":"Ada \"the\" Countess\\\n"}"#, None);
    let json = claims(&s, CONTEXT, "j".into()).to_json();
    let claims: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(claims["name"], "Ada \"the\" Countess\\\n");
}
