//! The HTTP client every provider call runs on (the `oauth2` crate's, the
//! userinfo, GitHub's API, discovery and keys):
//! the runtime's `fetch` (through `web_sys`), redirects not followed, a
//! 10 s deadline, bounded bodies.

use super::js;
use crate::http::request_body::{BodyError, BoundedBody, Next};
use crate::providers::MAX_UPSTREAM_BODY;
use futures_util::future::{select, Either};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{web_sys, Delay};

pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("could not build the request: {0}")]
    Build(String),
    #[error("unreachable: {0}")]
    Transport(String),
    #[error("no answer within {} s", UPSTREAM_TIMEOUT.as_secs())]
    Timeout,
    #[error("answer larger than {MAX_UPSTREAM_BODY} bytes")]
    TooLarge,
}

pub struct FetchClient;

impl<'c> AsyncHttpClient<'c> for FetchClient {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(send(request))
    }
}

async fn send(request: HttpRequest) -> Result<HttpResponse, FetchError> {
    let build = |e: JsValue| FetchError::Build(js::message(&e));
    let headers = web_sys::Headers::new().map_err(build)?;
    for (name, value) in request.headers() {
        let value = value
            .to_str()
            .map_err(|e| FetchError::Build(e.to_string()))?;
        headers.append(name.as_str(), value).map_err(build)?;
    }
    let controller = web_sys::AbortController::new().map_err(build)?;
    let init = web_sys::RequestInit::new();
    init.set_method(request.method().as_str());
    init.set_headers(headers.as_ref());
    init.set_redirect(web_sys::RequestRedirect::Manual);
    init.set_signal(Some(&controller.signal()));
    if !request.body().is_empty() {
        init.set_body(&Uint8Array::from(request.body().as_slice()));
    }
    let outgoing = web_sys::Request::new_with_str_and_init(&request.uri().to_string(), &init)
        .map_err(build)?;

    let exchange = async {
        let transport = |e: JsValue| FetchError::Transport(js::message(&e));
        let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
        let answer = JsFuture::from(global.fetch_with_request(&outgoing))
            .await
            .map_err(transport)?;
        let response: web_sys::Response = answer.dyn_into().map_err(transport)?;
        let body = read_capped(&response).await?;
        // Only Content-Type is ever read (the `oauth2` crate checks it); copying
        // just it keeps `http`'s generic header-name parser out of the wasm.
        let mut builder = oauth2::http::Response::builder().status(response.status());
        if let Some(content_type) = js::header(&response.headers(), "content-type") {
            builder = builder.header(oauth2::http::header::CONTENT_TYPE, content_type);
        }
        builder
            .body(body)
            .map_err(|e| FetchError::Transport(e.to_string()))
    };
    let deadline = Delay::from(UPSTREAM_TIMEOUT);
    let outcome = match select(Box::pin(exchange), deadline).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(FetchError::Timeout),
    };
    if matches!(outcome, Err(FetchError::Timeout | FetchError::TooLarge)) {
        // Nothing more of this answer will be read: let the runtime drop it.
        controller.abort();
    }
    outcome
}

/// The body chunk by chunk as the fetch API delivers it (decoded), stopping
/// at the chunk that takes it past `MAX_UPSTREAM_BODY`.
async fn read_capped(response: &web_sys::Response) -> Result<Vec<u8>, FetchError> {
    let mut body = BoundedBody::capped(MAX_UPSTREAM_BODY);
    let Some(stream) = response.body() else {
        // A null body (a 204, say): nothing to read.
        return Ok(Vec::new());
    };
    let read = js::read_chunks(stream, |chunk| body.push(chunk) == Next::Read).await;
    match read {
        // Past the cap is the only way a finished read fails.
        Ok(()) => body.finish().map_err(|_| FetchError::TooLarge),
        Err(e) => Err(match body.broken() {
            BodyError::TooLarge => FetchError::TooLarge,
            BodyError::Unreadable => FetchError::Transport(js::message(&e)),
        }),
    }
}
