//! The HTTP client the `oauth2` crate and the userinfo call run on:
//! `worker::Fetch`, redirects not followed, a 10 s deadline, bounded bodies.

use crate::http::capped::CappedBody;
use crate::oidc::MAX_UPSTREAM_BODY;
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use worker::{
    js_sys::Uint8Array, web_sys, AbortController, Delay, Fetch, Headers, Request, Response,
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
    // web_sys' RequestInit directly: worker's wrapper would link the
    // serializer of its `cf` properties, which this request never sets.
    let init = web_sys::RequestInit::new();
    init.set_method(request.method().as_str());
    init.set_headers(headers.as_ref());
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if !request.body().is_empty() {
        init.set_body(&Uint8Array::from(request.body().as_slice()));
    }
    let outgoing: Request =
        web_sys::Request::new_with_str_and_init(&request.uri().to_string(), &init)
            .map_err(|e| {
                FetchError::Build(
                    e.as_string()
                        .unwrap_or_else(|| "invalid URL or options for Request".to_string()),
                )
            })?
            .into();

    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let fetch = Fetch::Request(outgoing);
        let mut response = fetch
            .send_with_signal(&signal)
            .await
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        let body = read_capped(&mut response).await?;
        // Only Content-Type is ever read (the `oauth2` crate checks it); copying
        // just it keeps `http`'s generic header-name parser out of the wasm.
        let mut builder = oauth2::http::Response::builder().status(response.status_code());
        if let Ok(Some(content_type)) = response.headers().get("content-type") {
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
async fn read_capped(response: &mut Response) -> Result<Vec<u8>, FetchError> {
    let transport = |e: worker::Error| FetchError::Transport(e.to_string());
    let mut body = CappedBody::new(MAX_UPSTREAM_BODY);
    match response.stream() {
        Ok(mut stream) => {
            while let Some(chunk) = stream.next().await {
                body.push(&chunk.map_err(transport)?)
                    .map_err(|_| FetchError::TooLarge)?;
            }
        }
        // No body stream (a null body): whatever `bytes` has, capped alike.
        Err(_) => body
            .push(&response.bytes().await.map_err(transport)?)
            .map_err(|_| FetchError::TooLarge)?,
    }
    Ok(body.into_bytes())
}
