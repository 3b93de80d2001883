//! Request headers the routes read: `body::check_content_type` (any
//! Content-Type value) and the sign-in cookie's lookup in any Cookie header,
//! `http::cookie::find` (its rules are checked by the `cookie` target).

#![no_main]

use edge_login::auth::signin::COOKIE_NAME;
use edge_login::http::{body, cookie};
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

    // The Cookie rules themselves are the `cookie` target's; here only that
    // any header value is read without a panic into a non-empty piece of it.
    if let Some(value) = cookie::find(&header, COOKIE_NAME) {
        assert!(!value.contains(';'), "{header:?}");
        assert!(header.contains(COOKIE_NAME) && header.contains(value));
    }
});
