use super::*;

/// RFC 7638 §3.1: the example RSA key's required members.
const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
/// RFC 7638 §3.1: its thumbprint.
const RFC7638_THUMBPRINT: &str = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

#[test]
fn thumbprint_of_the_rfc_7638_example() {
    let members = [("e", "AQAB"), ("kty", "RSA"), ("n", RFC7638_N)];
    assert_eq!(thumbprint(&members), RFC7638_THUMBPRINT);
}

#[test]
fn thumbprint_sorts_the_members_itself() {
    let members = [("n", RFC7638_N), ("kty", "RSA"), ("e", "AQAB")];
    assert_eq!(thumbprint(&members), RFC7638_THUMBPRINT);
}

/// RFC 7515 §A.3: the example ES256 key's public half.
fn rfc7515_key() -> EcPublicKey {
    EcPublicKey {
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU".into(),
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0".into(),
    }
}

#[test]
fn kid_is_the_thumbprint_of_crv_kty_x_y() {
    let key = rfc7515_key();
    let expected = thumbprint(&[
        ("crv", "P-256"),
        ("kty", "EC"),
        ("x", &key.x),
        ("y", &key.y),
    ]);
    assert_eq!(key.kid(), expected);
    let other = EcPublicKey {
        x: key.y.clone(),
        y: key.x.clone(),
    };
    assert_ne!(other.kid(), key.kid());
}

#[test]
fn jwk_has_the_contract_s_members() {
    let key = rfc7515_key();
    let jwk: serde_json::Value = serde_json::from_str(&key.jwk()).expect("JSON");
    assert_eq!(
        jwk,
        serde_json::json!({
            "kty": "EC", "crv": "P-256", "x": key.x, "y": key.y,
            "kid": key.kid(), "alg": "ES256", "use": "sig",
        })
    );
}

#[test]
fn jwks_lists_every_key_in_order() {
    let second = EcPublicKey {
        x: "AA".into(),
        y: "BB".into(),
    };
    let keys = [rfc7515_key(), second.clone()];
    let body: serde_json::Value = serde_json::from_str(&jwks(&keys)).expect("JSON");
    assert_eq!(body["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["keys"][1]["kid"], second.kid());
}

#[test]
fn no_keys_is_an_empty_set() {
    assert_eq!(jwks(&[]), r#"{"keys":[]}"#);
}
