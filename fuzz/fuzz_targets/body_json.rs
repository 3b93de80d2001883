//! Request bodies, as the Worker reads them (any bytes up to 16 KiB):
//! `body::parse_login`, `parse_reauth`, `parse_optional_object`. Nothing may
//! panic, and each answer must follow CONTRACT.md, checked against an
//! independent parse of the same bytes.

#![no_main]

use edge_login::http::body::{self, RequestError, StateField};
use edge_login::http::error::ApiError;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn string_field<'a>(map: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Value::as_str)
}

fuzz_target!(|data: &[u8]| {
    let login = body::parse_login(data);
    let reauth = body::parse_reauth(data);
    let start = body::parse_optional_object(data);

    // Every error renders as an answer without panicking.
    for err in [
        login.clone().err(),
        reauth.clone().err(),
        start.clone().err(),
    ]
    .into_iter()
    .flatten()
    {
        let response = ApiError::from(err.clone()).into_response(false);
        assert!((400..500).contains(&response.status), "{err:?}");
    }

    // An independent reading of the same bytes (with a duplicate key, the
    // last one wins, as in the Worker).
    let object = match serde_json::from_slice::<Value>(data) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let Some(map) = object else {
        assert_eq!(login, Err(RequestError::InvalidJson));
        assert_eq!(reauth, Err(RequestError::InvalidJson));
        if data.iter().all(u8::is_ascii_whitespace) {
            assert_eq!(start, Ok(()));
        } else {
            assert_eq!(start, Err(RequestError::InvalidJson));
        }
        return;
    };
    assert_eq!(start, Ok(()));

    match &reauth {
        Ok(token) => {
            assert!(!token.is_empty());
            assert_eq!(string_field(&map, "auth_token"), Some(token.as_str()));
        }
        Err(e) => {
            assert!(matches!(e, RequestError::InvalidRequest(_)), "{e:?}");
            assert!(string_field(&map, "auth_token").is_none_or(str::is_empty));
        }
    }

    match &login {
        Ok(b) => {
            assert!(!b.authorization_code.is_empty());
            assert_eq!(
                string_field(&map, "authorizationCode"),
                Some(b.authorization_code.as_str())
            );
            assert_eq!(string_field(&map, "redirectUri"), b.redirect_uri.as_deref());
            // Any provider string passes the body's parse; whether it names a
            // configured provider is the handler's to judge.
            assert_eq!(string_field(&map, "provider"), b.provider.as_deref());
            match (&b.state, map.get("state")) {
                (StateField::Absent, None | Some(Value::Null)) => {}
                (StateField::Value(s), Some(Value::String(v))) => assert_eq!(s, v),
                (StateField::NotAString, Some(v)) => assert!(!v.is_string() && !v.is_null()),
                (got, v) => panic!("state {got:?} from {v:?}"),
            }
        }
        Err(e) => {
            assert!(matches!(e, RequestError::InvalidRequest(_)), "{e:?}");
            let code_ok = string_field(&map, "authorizationCode").is_some_and(|c| !c.is_empty());
            let optional_ok =
                |name: &str| matches!(map.get(name), None | Some(Value::Null | Value::String(_)));
            assert!(
                !(code_ok && optional_ok("redirectUri") && optional_ok("provider")),
                "refused a good login body: {e:?}"
            );
        }
    }
});
