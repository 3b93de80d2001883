use super::*;

#[test]
fn accepts_https_on_any_host() {
    for url in [
        "https://oauth2.googleapis.com/token",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://203.0.113.7:8443/token",
        "https://[2001:db8::1]/token",
        "https://xn--bcher-kva.example/token",
    ] {
        assert_eq!(check(url), Ok(()), "{url}");
    }
}

#[test]
fn accepts_http_on_loopback() {
    for url in [
        "http://localhost:9400/token",
        "http://LOCALHOST:9400/token",
        "http://127.0.0.1:9400/token",
        "http://127.255.255.254/token",
        "http://127.1:9400/token",
        "http://0x7f000001/token",
        "http://[::1]:9400/token",
        "http://[0:0:0:0:0:0:0:1]/token",
    ] {
        assert_eq!(check(url), Ok(()), "{url}");
    }
}

#[test]
fn rejects_http_on_a_real_host() {
    for url in [
        "http://oauth2.googleapis.com/token",
        "http://203.0.113.7/token",
        "http://128.0.0.1/token",
        "http://126.255.255.255/token",
        "http://[2001:db8::1]/token",
        "http://10.0.0.1/token",
    ] {
        assert_eq!(check(url), Err(Problem::NotHttpsOrLoopback), "{url}");
    }
}

#[test]
fn rejects_http_on_names_that_only_look_like_loopback() {
    for url in [
        "http://localhost./token",
        "http://localhost.example/token",
        "http://sub.localhost/token",
        "http://127.0.0.1.nip.io/token",
        "http://localhost@evil.example/token",
        "http://[::ffff:127.0.0.1]/token",
        "http://0.0.0.0/token",
        "http://[::]/token",
    ] {
        assert_eq!(check(url), Err(Problem::NotHttpsOrLoopback), "{url}");
    }
}

#[test]
fn rejects_what_is_not_an_http_url() {
    for url in [
        "",
        "localhost:9400/token",
        "ftp://localhost/token",
        "file:///etc/passwd",
        "https://",
        "https://bücher.example/token",
        "http://local\thost/token",
        "http://localhost/to ken",
        "javascript:alert(1)",
    ] {
        assert_eq!(check(url), Err(Problem::NotAnHttpUrl), "{url:?}");
    }
    // The parser reads a missing host as the first path segment's.
    assert_eq!(check("http:///token"), Err(Problem::NotHttpsOrLoopback));
}
