//! The JWS checks against RFC 7515's own examples (appendices A.1-A.5) and
//! tampered copies, with a verifier made of RustCrypto crates (the tests'
//! dev-dependencies; the Worker uses WebCrypto for the same calls).

use crate::providers::jws::{self, Alg, Jwks, PublicKey};
use crate::providers::ProviderError;
use crate::testkit::{block_on, FakeVerifier};

/// The claims set of appendices A.1-A.3 (with its CRLFs), base64url.
pub const A_PAYLOAD: &str =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
/// A.2.1: the RSA key's modulus (its exponent is AQAB).
pub const A2_N: &str = concat!(
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Va",
    "w-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXn",
    "dS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmo",
    "udF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
);
/// A.2: `{"alg":"RS256"}` over `A_PAYLOAD`.
pub const A2_JWS: &str = concat!(
    "eyJhbGciOiJSUzI1NiJ9.",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4",
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWE",
    "sqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
);
/// A.3.1: the P-256 key.
pub const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
pub const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
/// A.3.1: its private part, for the id_tokens the OpenID Connect tests sign.
pub const A3_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
/// A.3: `{"alg":"ES256"}` over `A_PAYLOAD`.
pub const A3_JWS: &str = concat!(
    "eyJhbGciOiJFUzI1NiJ9.",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
);
/// A.1: HS256 (a shared key: never taken for an id_token here).
const A1_JWS: &str = concat!(
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
);
/// A.4: ES512.
const A4_JWS: &str = concat!(
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxM",
    "i70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vc",
    "nwNrmxYbSW9ERBXukOXolLzeO_Jn"
);
/// A.5: the unsecured JWS, `{"alg":"none"}`.
const A5_JWS: &str = concat!(
    "eyJhbGciOiJub25lIn0.",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    "."
);

pub fn a2_key() -> PublicKey {
    PublicKey::Rsa {
        n: A2_N.into(),
        e: "AQAB".into(),
    }
}

pub fn a3_key() -> PublicKey {
    PublicKey::Ec {
        crv: "P-256".into(),
        x: A3_X.into(),
        y: A3_Y.into(),
    }
}

/// RS256 and ES256 with the `rsa` and `p256` crates.
pub fn rust_crypto(
    alg: Alg,
    key: &PublicKey,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    use p256::ecdsa::signature::Verifier as _;
    let parts = key.decoded().ok_or("a key member is not base64url")?;
    match (alg, key) {
        (Alg::Rs256, PublicKey::Rsa { .. }) => {
            let key = rsa::RsaPublicKey::new(
                rsa::BigUint::from_bytes_be(&parts[0]),
                rsa::BigUint::from_bytes_be(&parts[1]),
            )
            .map_err(|e| e.to_string())?;
            let key = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key);
            let Ok(signature) = rsa::pkcs1v15::Signature::try_from(signature) else {
                return Ok(false);
            };
            Ok(key.verify(signing_input, &signature).is_ok())
        }
        (Alg::Es256, PublicKey::Ec { .. }) => {
            if parts[0].len() != 32 || parts[1].len() != 32 {
                return Err("a P-256 coordinate is not 32 bytes".into());
            }
            let point = p256::EncodedPoint::from_affine_coordinates(
                p256::FieldBytes::from_slice(&parts[0]),
                p256::FieldBytes::from_slice(&parts[1]),
                false,
            );
            let key =
                p256::ecdsa::VerifyingKey::from_encoded_point(&point).map_err(|e| e.to_string())?;
            let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
                return Ok(false);
            };
            Ok(key.verify(signing_input, &signature).is_ok())
        }
        _ => Err("the key's type is not the algorithm's".into()),
    }
}

pub fn verifier() -> FakeVerifier {
    FakeVerifier {
        check: Some(Box::new(rust_crypto)),
    }
}

fn check(token: &str, key: &PublicKey) -> Result<(), ProviderError> {
    let parsed = jws::parse(token)?;
    block_on(jws::verify(&verifier(), &parsed, key))
}

/// `token` with one base64url character of part `part` changed.
fn tampered(token: &str, part: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let p = &mut parts[part];
    let i = p.len() / 2;
    let c = if &p[i..=i] == "A" { "B" } else { "A" };
    p.replace_range(i..=i, c);
    parts.join(".")
}

#[test]
fn rfc7515_a2_rs256_verifies() {
    assert_eq!(check(A2_JWS, &a2_key()), Ok(()));
    assert_eq!(jws::parse(A2_JWS).map(|p| p.alg), Ok(Alg::Rs256));
}

#[test]
fn rfc7515_a3_es256_verifies() {
    assert_eq!(check(A3_JWS, &a3_key()), Ok(()));
    assert_eq!(jws::parse(A3_JWS).map(|p| p.alg), Ok(Alg::Es256));
}

#[test]
fn rfc7515_a2_with_its_payload_changed_fails() {
    assert!(check(&tampered(A2_JWS, 1), &a2_key()).is_err());
}

#[test]
fn rfc7515_a2_with_its_signature_changed_fails() {
    assert!(check(&tampered(A2_JWS, 2), &a2_key()).is_err());
}

#[test]
fn rfc7515_a3_with_its_payload_changed_fails() {
    assert!(check(&tampered(A3_JWS, 1), &a3_key()).is_err());
}

#[test]
fn rfc7515_a3_with_its_signature_changed_fails() {
    assert!(check(&tampered(A3_JWS, 2), &a3_key()).is_err());
}

#[test]
fn rfc7515_a3_under_another_p256_key_fails() {
    // RFC 7517 A.1's P-256 key: a valid point, not the signer.
    let other = PublicKey::Ec {
        crv: "P-256".into(),
        x: "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4".into(),
        y: "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM".into(),
    };
    assert!(check(A3_JWS, &other).is_err());
}

#[test]
fn rfc7515_a2_signature_with_an_es256_header_fails() {
    // Same signature bytes, header swapped: the alg decides the key type.
    let swapped = A2_JWS.replacen("eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJFUzI1NiJ9", 1);
    assert!(check(&swapped, &a2_key()).is_err());
}

fn refused_alg(token: &str) -> bool {
    matches!(jws::parse(token), Err(ProviderError::Upstream(why)) if why.contains("alg"))
}

#[test]
fn rfc7515_a5_alg_none_is_refused() {
    assert!(refused_alg(A5_JWS));
}

#[test]
fn rfc7515_a1_hs256_is_refused() {
    assert!(refused_alg(A1_JWS));
}

#[test]
fn rfc7515_a4_es512_is_refused() {
    assert!(refused_alg(A4_JWS));
}

#[test]
fn a_header_without_alg_is_refused() {
    // {"typ":"JWT"}
    let token = format!("eyJ0eXAiOiJKV1QifQ.{A_PAYLOAD}.c2ln");
    assert!(jws::parse(&token).is_err());
}

#[test]
fn a_header_with_crit_is_refused() {
    // {"alg":"ES256","crit":["exp"],"exp":1}
    let token = format!("eyJhbGciOiJFUzI1NiIsImNyaXQiOlsiZXhwIl0sImV4cCI6MX0.{A_PAYLOAD}.c2ln");
    assert!(jws::parse(&token).is_err());
}

#[test]
fn two_or_four_parts_are_refused() {
    assert!(jws::parse("eyJhbGciOiJFUzI1NiJ9.e30").is_err());
    assert!(jws::parse(&format!("{A3_JWS}.x")).is_err());
}

fn keys(list: &[&str]) -> Jwks {
    Jwks::parse(&format!(r#"{{"keys":[{}]}}"#, list.join(","))).unwrap()
}

fn es256_with_kid(kid: Option<&str>) -> jws::Parsed<'static> {
    jws::Parsed {
        alg: Alg::Es256,
        kid: kid.map(String::from),
        signing_input: "x.y",
        signature: vec![],
    }
}

const EC_1: &str = r#"{"kty":"EC","crv":"P-256","kid":"1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","use":"sig","alg":"ES256"}"#;
const EC_2: &str = r#"{"kty":"EC","crv":"P-256","kid":"2","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}"#;

#[test]
fn the_key_is_found_by_kid() {
    let found = jws::find_key(&keys(&[EC_2, EC_1]), &es256_with_kid(Some("1")));
    assert_eq!(found, Some(a3_key()));
}

#[test]
fn an_unknown_kid_finds_no_key() {
    assert_eq!(
        jws::find_key(&keys(&[EC_1, EC_2]), &es256_with_kid(Some("3"))),
        None
    );
}

#[test]
fn without_a_kid_only_a_single_key_is_used() {
    assert_eq!(
        jws::find_key(&keys(&[EC_1]), &es256_with_kid(None)),
        Some(a3_key())
    );
    assert_eq!(
        jws::find_key(&keys(&[EC_1, EC_2]), &es256_with_kid(None)),
        None
    );
}

#[test]
fn a_key_for_another_alg_or_use_is_not_used() {
    let rs = r#"{"kty":"RSA","kid":"1","n":"AQAB","e":"AQAB"}"#;
    assert_eq!(
        jws::find_key(&keys(&[rs]), &es256_with_kid(Some("1"))),
        None
    );
    let enc = r#"{"kty":"EC","crv":"P-256","kid":"1","use":"enc","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    assert_eq!(
        jws::find_key(&keys(&[enc]), &es256_with_kid(Some("1"))),
        None
    );
    let es384 = r#"{"kty":"EC","crv":"P-256","kid":"1","alg":"ES384","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    assert_eq!(
        jws::find_key(&keys(&[es384]), &es256_with_kid(Some("1"))),
        None
    );
    let p384 = r#"{"kty":"EC","crv":"P-384","kid":"1","x":"AA","y":"AA"}"#;
    assert_eq!(
        jws::find_key(&keys(&[p384]), &es256_with_kid(Some("1"))),
        None
    );
}

#[test]
fn webcrypto_gets_the_public_members_alone() {
    assert_eq!(
        a3_key().to_jwk_json(),
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{A3_X}","y":"{A3_Y}"}}"#)
    );
    assert_eq!(
        a2_key().to_jwk_json(),
        format!(r#"{{"kty":"RSA","n":"{A2_N}","e":"AQAB"}}"#)
    );
}

#[test]
fn a_verifier_that_cannot_use_the_key_is_an_upstream_error() {
    let parsed = jws::parse(A3_JWS).unwrap();
    let broken = PublicKey::Ec {
        crv: "P-256".into(),
        x: "AA".into(),
        y: "AA".into(),
    };
    assert!(matches!(
        block_on(jws::verify(&verifier(), &parsed, &broken)),
        Err(ProviderError::Upstream(_))
    ));
}

#[test]
fn a_jwks_is_an_object_with_a_list_of_keys() {
    assert_eq!(Jwks::parse(r#"{"keys":"none"}"#), None);
    assert_eq!(Jwks::parse(r#"[]"#), None);
    assert_eq!(Jwks::parse(r#"{"keys":[]}"#).map(|k| k.keys.len()), Some(0));
    // A key with a member that is not a string, or without kty, is left out.
    let set = Jwks::parse(&format!(
        r#"{{"keys":[{{"kty":"EC","kid":7}},{{"kid":"x"}},{EC_1}]}}"#
    ))
    .unwrap();
    assert_eq!(set.keys.len(), 1);
    assert_eq!(set.keys[0].kid.as_deref(), Some("1"));
}
