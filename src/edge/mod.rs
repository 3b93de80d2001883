//! The wasm edge: the only code that touches `worker`. It turns a
//! `worker::Request` into `http::RequestHead` + a lazy body, hands them to
//! `routes::handle`, and turns the answer back; everything else is plain Rust.

mod fetch_client;
mod platform;
mod session_sql;
mod session_store;
mod session_stub;

use crate::config::Config;
use crate::http::error::{ApiError, RouteError};
use crate::http::{RequestHead, Response as PlainResponse};
use crate::routes::{self, Audit, Outcome};
use platform::{EdgeBody, EdgePlatform};
use std::cell::OnceCell;
use std::rc::Rc;
use worker::{console_error, console_log, event, Context, Env, Request, Response, Result};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let outcome = match answer(req, &env, &ctx).await {
        Ok(Answer::Assets(response)) => return Ok(response),
        Ok(Answer::Api(outcome)) => outcome,
        // Whatever the runtime throws still gets the contract's JSON answer.
        Err(e) => failure(e),
    };
    if let Some(audit) = &outcome.audit {
        if let Ok(line) = serde_json::to_string(audit) {
            if outcome.response.status >= 500 {
                console_error!("{line}");
            } else {
                console_log!("{line}");
            }
        }
    }
    match to_worker_response(outcome.response) {
        Ok(response) => Ok(response),
        Err(e) => to_worker_response(failure(e).response),
    }
}

enum Answer {
    Assets(Response),
    Api(Outcome),
}

fn failure(e: worker::Error) -> Outcome {
    let err = ApiError::from(RouteError::Internal(e.to_string()));
    let audit = Audit {
        outcome: "refused",
        reason: Some(err.code()),
        detail: err.log_detail(),
        ..Audit::ok("error")
    };
    Outcome {
        response: err.into_response(false),
        audit: Some(audit),
    }
}

async fn answer(req: Request, env: &Env, ctx: &Context) -> Result<Answer> {
    let url = req.url()?;
    if !routes::api_path::<EdgePlatform>(url.path()) {
        // Only reached if the assets layer hands a request to the Worker
        // (run_worker_first lists just the API paths).
        return Ok(Answer::Assets(
            env.assets("ASSETS")?.fetch_request(req).await?,
        ));
    }
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let head = RequestHead {
        method: req.method().to_string(),
        path: url.path().to_string(),
        origin: url.origin().ascii_serialization(),
        content_type: header("content-type"),
        authorization: header("authorization"),
        cookie: header("cookie"),
        client_ip: header("cf-connecting-ip"),
        user_agent: header("user-agent"),
    };
    let config = config(env);
    let platform = EdgePlatform::new(env, ctx);
    Ok(Answer::Api(
        routes::handle(&platform, &config, &head, EdgeBody(req)).await,
    ))
}

thread_local! {
    // Bindings are fixed for an isolate's life (a new secret or var means a
    // new deployment, hence new isolates), so they are read and the keys
    // derived once per isolate, not on every request.
    static CONFIG: OnceCell<Rc<Config>> = const { OnceCell::new() };
}

fn config(env: &Env) -> Rc<Config> {
    CONFIG.with(|cell| {
        cell.get_or_init(|| {
            Rc::new(Config::from_lookup(|name| {
                env.var(name).ok().map(|v| v.to_string())
            }))
        })
        .clone()
    })
}

fn to_worker_response(plain: PlainResponse) -> Result<Response> {
    let mut response = Response::from_bytes(plain.body)?.with_status(plain.status);
    let headers = response.headers_mut();
    for (name, value) in &plain.headers {
        // `set` replaces the octet-stream type `from_bytes` put there;
        // only Set-Cookie may legitimately repeat.
        if name.eq_ignore_ascii_case("set-cookie") {
            headers.append(name, value)?;
        } else {
            headers.set(name, value)?;
        }
    }
    Ok(response)
}

/// One serialized log line for a platform failure outside any answer.
pub(crate) fn log_failure(event: &'static str, detail: String) {
    if let Ok(line) = serde_json::to_string(&Audit::failure(event, detail)) {
        console_error!("{line}");
    }
}
