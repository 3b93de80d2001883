//! Request headers the routes read: `body::check_content_type` (any
//! Content-Type value) and `signin::cookie_value` (any Cookie header).

#![no_main]

use edge_login::auth::signin::{self, COOKIE_NAME};
use edge_login::http::body;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Header values reach the Worker as strings.
    let header = String::from_utf8_lossy(data);

    let typed = body::check_content_type(Some(&header));
    let media_type = header.split(';').next().unwrap_or_default().trim();
    assert_eq!(
        typed.is_ok(),
        media_type.eq_ignore_ascii_case("application/json"),
        "{header:?}"
    );
    assert!(body::check_content_type(None).is_err());

    // The first pair named exactly like our cookie decides (the `__Host-`
    // prefix means a conforming browser never sends two); its value,
    // trimmed, or nothing when that is empty: failing closed.
    let first = header
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty());
    let found = signin::cookie_value(Some(&header));
    assert_eq!(found, first, "{header:?}");
    if let Some(value) = found {
        assert!(!value.contains(';'));
        assert_eq!(value, value.trim());
    }
    assert_eq!(signin::cookie_value(None), None);
});
