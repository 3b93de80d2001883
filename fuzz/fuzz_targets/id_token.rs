//! `providers::read_id_token`, the id_token claim reader: an arbitrary string,
//! or a JWS whose payload segment is base64url of arbitrary bytes (so that
//! the fuzzer works on the claims JSON itself). Whatever it accepts must
//! have our `aud` and an expected `iss`, an `exp` that is a number not
//! passed by the clock (60 s leeway), an `azp` equal to our client id when
//! present, and one whenever `aud` is a list, checked on an independent
//! parse.

#![no_main]

use edge_login::http::error::ApiError;
use edge_login::providers::{read_id_token, ProviderError};
use edge_login_fuzz::b64;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_json::Value;

const CLIENT_ID: &str = "client-123.apps.example";
/// The seeds' clock (fuzz/make_seeds.py `TS`): their `exp` is an hour later.
const NOW: u64 = 1_700_000_000;

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Raw(&'a str),
    Claims(&'a [u8]),
    /// As Claims, with `=` padding on the payload segment (tolerated).
    PaddedClaims(&'a [u8]),
}

fuzz_target!(|input: Input| {
    let issuers = vec![
        "https://accounts.google.com".to_string(),
        "accounts.google.com".to_string(),
    ];
    let (token, claims_json) = match input {
        Input::Raw(s) => (s.to_string(), None),
        Input::Claims(c) => (format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", b64(c)), Some(c)),
        Input::PaddedClaims(c) => {
            let mut seg = b64(c);
            while !seg.len().is_multiple_of(4) {
                seg.push('=');
            }
            (format!("eyJhbGciOiJSUzI1NiJ9.{seg}.c2ln"), Some(c))
        }
    };
    match read_id_token(&token, CLIENT_ID, &issuers, NOW) {
        Err(e) => {
            assert!(matches!(e, ProviderError::Upstream(_)), "{e:?}");
            assert_eq!(ApiError::from(e).into_response(false).status, 502);
        }
        Ok(claims) => {
            let json = match claims_json {
                Some(c) => c.to_vec(),
                None => {
                    let payload = token.split('.').nth(1).unwrap_or_default();
                    base64::Engine::decode(
                        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                        payload.trim_end_matches('='),
                    )
                    .expect("accepted, so the payload segment decodes")
                }
            };
            // Read again, into loosely typed claims: members nobody reads are
            // skipped unchecked (serde_json neither validates the UTF-8 of
            // their strings nor the range of their numbers), as in the Worker.
            #[derive(Deserialize)]
            struct Loose {
                iss: Value,
                aud: Value,
                sub: Value,
                #[serde(default)]
                email_verified: Value,
                #[serde(default)]
                azp: Option<Value>,
                #[serde(default)]
                exp: Value,
            }
            let v: Loose = serde_json::from_slice(&json).expect("accepted, so the claims parse");
            let iss = v.iss.as_str().expect("iss is a string");
            assert!(issuers.iter().any(|i| i == iss), "iss {iss:?}");
            let aud_ok = match &v.aud {
                Value::String(a) => a == CLIENT_ID,
                Value::Array(all) => all.iter().any(|a| a.as_str() == Some(CLIENT_ID)),
                other => panic!("aud {other:?}"),
            };
            assert!(aud_ok);
            match &v.azp {
                Some(azp) => assert_eq!(azp.as_str(), Some(CLIENT_ID)),
                None => assert!(!v.aud.is_array(), "aud list without azp"),
            }
            let exp = v.exp.as_f64().expect("exp is a number");
            assert!(NOW as f64 <= exp + 60.0, "exp {exp} passed");
            assert_eq!(v.sub.as_str(), Some(claims.sub.as_str()));
            if claims.email_verified {
                assert!(v.email_verified == Value::Bool(true) || v.email_verified == "true");
            }
        }
    }
});
