//! The HTTP client the `oauth2` crate and the userinfo call run on:
//! `worker::Fetch`, redirects not followed, a 10 s deadline, bounded bodies.

use crate::google::MAX_UPSTREAM_BODY;
use futures_util::future::{select, Either};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use worker::{
    js_sys::Uint8Array, AbortController, Delay, Fetch, Headers, Method, Request, RequestInit,
    RequestRedirect,
};

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
    let build = |e: worker::Error| FetchError::Build(e.to_string());
    let headers = Headers::new();
    for (name, value) in request.headers() {
        let value = value
            .to_str()
            .map_err(|e| FetchError::Build(e.to_string()))?;
        headers.append(name.as_str(), value).map_err(build)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::from(request.method().as_str().to_string()))
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if !request.body().is_empty() {
        init.with_body(Some(Uint8Array::from(request.body().as_slice()).into()));
    }
    let outgoing = Request::new_with_init(&request.uri().to_string(), &init).map_err(build)?;

    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let fetch = Fetch::Request(outgoing);
        let mut response = fetch
            .send_with_signal(&signal)
            .await
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        let body = response
            .bytes()
            .await
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        if body.len() > MAX_UPSTREAM_BODY {
            return Err(FetchError::TooLarge);
        }
        let mut builder = oauth2::http::Response::builder().status(response.status_code());
        for (name, value) in response.headers().entries() {
            builder = builder.header(name, value);
        }
        builder
            .body(body)
            .map_err(|e| FetchError::Transport(e.to_string()))
    };
    let deadline = Delay::from(UPSTREAM_TIMEOUT);
    let outcome = match select(Box::pin(exchange), deadline).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            controller.abort();
            Err(FetchError::Timeout)
        }
    };
    outcome
}
