//! The wasm edge: the only code that touches `worker`. It turns the
//! runtime's Request into `http::RequestHead` + a lazy body, hands them to
//! `routes::handle`, and turns the answer back; everything else is plain Rust.

mod backend;
mod fetch_client;
mod js;
mod platform;
mod session_sql;
mod session_store;
mod session_stub;
mod webcrypto;

use crate::config::Config;
use crate::http::error::{ApiError, RouteError};
use crate::http::request_url::{origin_and_path, query};
use crate::http::{RequestHead, Response as PlainResponse};
use crate::routes::{self, Audit, Outcome};
use platform::{EdgeBody, EdgePlatform};
use std::cell::OnceCell;
use std::rc::Rc;
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{console_error, console_log, event, web_sys, worker_sys, Context, Env, Result};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> Result<web_sys::Response> {
    let outcome = match answer(req, &env, &ctx).await {
        Ok(Answer::Assets(response)) => return Ok(response),
        Ok(Answer::Backend(response)) => return Ok(response),
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
    match to_web_response(outcome.response) {
        Ok(response) => Ok(response),
        Err(e) => to_web_response(failure(e).response),
    }
}

/// Only in the build tests/e2e/panic.test.mjs runs (cargo feature
/// `panic-probe`; never in build/). Every request takes a borrow that
/// `GET /api/panic-probe` panics while holding: with panic = "abort" nothing
/// gives it back, as a panic halfway through an update leaves the instance's
/// memory. So only a fresh instance can answer the next request.
#[cfg(feature = "panic-probe")]
mod panic_probe {
    use std::cell::RefCell;

    const PATH: &str = "/api/panic-probe";

    thread_local! {
        static HELD: RefCell<()> = const { RefCell::new(()) };
    }

    pub(super) fn check(path: &str) {
        HELD.with(|held| {
            let _held = held.borrow_mut();
            if path == PATH {
                panic!("panic probe: {PATH}");
            }
        });
    }
}

enum Answer {
    Assets(web_sys::Response),
    /// The app's backend's answer, streamed through.
    Backend(web_sys::Response),
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

async fn answer(req: web_sys::Request, env: &Env, ctx: &Context) -> Result<Answer> {
    let url = req.url();
    let (origin, path) = origin_and_path(&url)
        .ok_or_else(|| worker::Error::RustError(format!("not an absolute URL: {url}")))?;
    #[cfg(feature = "panic-probe")]
    panic_probe::check(path);
    if !routes::api_path::<EdgePlatform>(path) {
        // Only reached if the assets layer hands a request to the Worker
        // (run_worker_first lists just the API paths).
        let assets: worker_sys::Fetcher = env.assets("ASSETS")?.into_rpc();
        let answer = JsFuture::from(assets.fetch(&req)?).await?;
        return Ok(Answer::Assets(answer.dyn_into()?));
    }
    let headers = req.headers();
    let header = |name: &str| js::header(&headers, name);
    let head = RequestHead {
        method: req.method(),
        path: path.to_string(),
        query: query(&url).to_string(),
        origin: origin.to_string(),
        content_type: header("content-type"),
        authorization: header("authorization"),
        cookie: header("cookie"),
        client_ip: header("cf-connecting-ip"),
        user_agent: header("user-agent"),
    };
    let config = config(env);
    let platform = EdgePlatform::new(env, ctx);
    let outcome = routes::handle(&platform, &config, &head, EdgeBody(req)).await;
    if outcome.response.from_backend {
        if let Some(upstream) = platform.take_upstream() {
            return Ok(Answer::Backend(backend::answer(
                &upstream,
                &outcome.response.headers,
            )?));
        }
    }
    Ok(Answer::Api(outcome))
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
            let config = Config::from_lookup(|name| env.var(name).ok().map(|v| v.to_string()));
            // A service binding is no text: the lookup cannot see it.
            Rc::new(if env.service("BACKEND").is_ok() {
                config.with_backend_service()
            } else {
                config
            })
        })
        .clone()
    })
}

fn to_web_response(plain: PlainResponse) -> Result<web_sys::Response> {
    Ok(js::response(plain.status, &plain.headers, plain.body)?)
}

/// One serialized log line for a platform failure outside any answer.
pub(crate) fn log_failure(event: &'static str, detail: String) {
    log_audit(&Audit::failure(event, detail));
}

pub(crate) fn log_audit(audit: &Audit) {
    if let Ok(line) = serde_json::to_string(audit) {
        console_error!("{line}");
    }
}
