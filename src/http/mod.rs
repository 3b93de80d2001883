//! The HTTP layer: plain request/response types the routes work on (so that
//! everything but the wasm edge can be tested on the host), the request-body
//! checks (`body`), and the one mapping of every error to the contract's
//! answers (`error`). Uses only the layers' error types.

pub mod body;
pub mod error;
pub mod forward;
pub mod request_body;
pub mod request_url;

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
    /// `?` and the query as sent, or empty: forwarded to the app's backend.
    pub query: String,
    /// `scheme://host[:port]` of the request URL.
    pub origin: String,
    pub content_type: Option<String>,
    pub authorization: Option<String>,
    pub cookie: Option<String>,
    pub client_ip: Option<String>,
    /// Kept with a new session (its first 256 characters).
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The app's backend answered: its headers and body are the answer's,
    /// which the platform holds and streams; `headers` are added to them.
    pub from_backend: bool,
}

impl Response {
    /// A JSON API answer: never cached, and with the security headers.
    pub fn json<T: serde::Serialize>(status: u16, body: &T) -> Self {
        // Serializing our own plain structs cannot fail; an empty object is a
        // safe answer if it ever did.
        let body = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        Response::json_bytes(status, body)
    }

    /// A JSON API answer whose body is JSON text already.
    pub fn json_text(status: u16, body: String) -> Self {
        Response::json_bytes(status, body.into_bytes())
    }

    fn json_bytes(status: u16, body: Vec<u8>) -> Self {
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
            from_backend: false,
        }
    }

    /// The app's backend's answer (held by the platform), with `added`
    /// headers.
    pub fn from_backend(status: u16, added: Vec<(String, String)>) -> Self {
        Response {
            status,
            headers: added,
            body: Vec::new(),
            from_backend: true,
        }
    }

    /// No body (a `204`): no content type, never cached, the security
    /// headers.
    pub fn empty(status: u16) -> Self {
        let mut response = Response::json(status, &());
        response.body.clear();
        response
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        response
    }

    /// Replaces every header of this name.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.header(name, value);
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
mod tests;
