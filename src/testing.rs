//! Test doubles shared by the unit tests: a scripted HTTP client that records
//! what it was asked, a minimal executor, and an unsigned JWT maker.

use base64::Engine as _;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FakeError(pub String);

/// Answers each call with the next scripted `(status, body)` or transport error.
#[derive(Default)]
pub struct FakeHttp {
    answers: RefCell<VecDeque<Result<(u16, String), String>>>,
    seen: RefCell<Vec<HttpRequest>>,
}

impl FakeHttp {
    pub fn with(answers: Vec<Result<(u16, String), String>>) -> Self {
        FakeHttp {
            answers: RefCell::new(answers.into()),
            seen: RefCell::default(),
        }
    }

    pub fn seen(&self) -> Vec<HttpRequest> {
        self.seen.borrow().clone()
    }
}

impl<'c> AsyncHttpClient<'c> for FakeHttp {
    type Error = FakeError;
    type Future = std::future::Ready<Result<HttpResponse, FakeError>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        self.seen.borrow_mut().push(request);
        let answer = self
            .answers
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Err("no answer scripted".into()));
        std::future::ready(answer.map_err(FakeError).map(|(status, body)| {
            let content_type = if body.starts_with(['{', '[']) {
                "application/json; charset=utf-8"
            } else {
                "text/html"
            };
            oauth2::http::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .body(body.into_bytes())
                .expect("scripted answers are valid responses")
        }))
    }
}

/// Runs a future whose awaits all complete at once (as the fakes do).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// An id_token-shaped JWT with the given claims; the signature is junk,
/// as nothing checks it (the token comes straight from the token endpoint).
pub fn jwt(claims: &serde_json::Value) -> String {
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"signature")
    )
}
