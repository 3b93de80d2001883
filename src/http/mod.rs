//! The HTTP layer: plain request/response types the routes work on (so that
//! everything but the wasm edge can be tested on the host), the request-body
//! checks (`body`), and the one mapping of every error to the contract's
//! answers (`error`). Uses only the layers' error types.

pub mod body;
pub mod error;
pub mod request_body;

pub mod capped;
pub mod client_key;
pub mod cookie;

/// Sent on every response the Worker makes; `frontend/public/_headers` sends
/// the same on static assets (a unit test keeps the two equal).
/// The `sha256-` source is torii's inline script in
/// `frontend/public/torii/redirect.html`; a unit test recomputes it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'sha256-LanMyLLadI45wTnq5Tl0JTN1WTfuxUJYoFj1aDjfo10='; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    (
        "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin-allow-popups"),
];

/// What the routes need to know of a request, apart from its body.
#[derive(Debug, Clone, Default)]
pub struct RequestHead {
    pub method: String,
    pub path: String,
    /// `scheme://host[:port]` of the request URL.
    pub origin: String,
    pub content_type: Option<String>,
    pub authorization: Option<String>,
    pub cookie: Option<String>,
    pub client_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON API answer: never cached, and with the security headers.
    pub fn json<T: serde::Serialize>(status: u16, body: &T) -> Self {
        // Serializing our own plain structs cannot fail; an empty object is a
        // safe answer if it ever did.
        let body = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        let mut headers = vec![
            (
                "Content-Type".to_string(),
                "application/json; charset=utf-8".to_string(),
            ),
            ("Cache-Control".to_string(), "no-store".to_string()),
        ];
        headers.extend(
            SECURITY_HEADERS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_string(), value.into()));
    }

    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_are_not_cached() {
        let r = Response::json(200, &serde_json::json!({"a": 1}));
        assert_eq!(r.get_header("cache-control"), Some("no-store"));
        assert_eq!(
            r.get_header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }

    fn repo_file(path: &str) -> String {
        let full = concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path;
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
    }

    /// The `/*` rules of the assets' `_headers` file.
    fn static_asset_headers() -> Vec<(String, String)> {
        let text = repo_file("frontend/public/_headers");
        let mut in_block = false;
        let mut found = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(char::is_whitespace) {
                in_block = line.trim() == "/*";
            } else if in_block {
                if let Some((k, v)) = line.trim().split_once(':') {
                    found.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
        }
        found
    }

    #[test]
    fn static_assets_send_the_same_security_headers() {
        let assets = static_asset_headers();
        for (name, value) in SECURITY_HEADERS {
            let got = assets.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
            assert_eq!(got.map(|(_, v)| v.as_str()), Some(value), "{name}");
        }
    }

    #[test]
    fn csp_hash_matches_torii_redirect_script() {
        use base64::Engine as _;
        use sha2::{Digest, Sha256};
        let page = repo_file("frontend/public/torii/redirect.html");
        let start = page.find("<script>").expect("inline script") + "<script>".len();
        let end = page[start..].find("</script>").expect("script end") + start;
        let digest = Sha256::digest(&page.as_bytes()[start..end]);
        let source = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        assert!(CONTENT_SECURITY_POLICY.contains(&source), "{source}");
    }

    #[test]
    fn csp_has_no_unsafe_sources() {
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-"));
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
        }
    }

    #[test]
    fn json_answers_carry_security_headers() {
        let r = Response::json(200, &serde_json::json!({}));
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(r.get_header(name), Some(value), "{name}");
        }
    }
}
