//! The route table: every API route declared once, in one row. Everything
//! else is derived from it: which paths the Worker answers (and so what
//! `wrangler.toml`'s `run_worker_first` must cover, which a test checks),
//! `405` with its `Allow`, whether the limiter runs, whether a body is read,
//! whether a bearer token is checked first, the audit event.
//!
//! To add a route: one row here, and its handler (a `fn` returning
//! `Handled`) in the file of its group.

use super::{account, backend, restore, sessions, signin, BodyKind, Call, Platform};
use crate::http::error::{ApiError, RouteError};
use crate::http::Response;
use std::future::Future;
use std::pin::Pin;

/// Every path under these answers from the Worker: unknown ones are a JSON
/// `404`, never the single-page app.
pub const ROUTE_PREFIXES: [&str; 2] = ["/api", "/auth"];

/// What a handler returns: its answer, later.
pub type Handled<'a> = Pin<Box<dyn Future<Output = Result<Response, ApiError>> + 'a>>;
pub type Handler<P> = for<'a, 'r> fn(&'a Call<'r, P>) -> Handled<'a>;

/// Whether and how a route takes a session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    None,
    /// `auth_token` in the JSON body; the handler checks it (`/reauth`
    /// renews and upgrades tokens, so it owns the whole check).
    InBody,
    /// `Authorization: Bearer`, its signature and age, then the account
    /// policy, checked before the handler runs; refusals carry the RFC 6750
    /// challenge.
    Bearer,
    /// `Authorization: Bearer`, its signature only (`/logout`: a token past
    /// its age, or of an account taken off the allow-lists, can still sign
    /// its session out).
    BearerSignature,
    /// `Authorization: Bearer`, checked as `Bearer` does but by the handler,
    /// after the bindings of the app's backend (which come first in the
    /// contract's order, and decide whether the path exists at all).
    BearerAfterBackend,
}

impl TokenUse {
    pub fn is_bearer(self) -> bool {
        matches!(
            self,
            TokenUse::Bearer | TokenUse::BearerSignature | TokenUse::BearerAfterBackend
        )
    }
}

/// A row's `method` that takes every method (the app's backend's rows).
pub const ANY_METHOD: &str = "*";

/// What a route needs of the session store (`SESSIONS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreUse {
    /// Nothing checked before the handler (which may still use the store,
    /// as `/login` and `/reauth` do when it is bound).
    None,
    /// When the store is bound, the bearer token's session must be live
    /// there before the handler runs (`401 session_ended`).
    CheckIfBound,
    /// The route is about sessions: without `SESSIONS` it is `500`, checked
    /// with the bindings; its handler's one store call checks the caller's
    /// session as it acts.
    Required,
}

pub struct Route<P: Platform> {
    /// Literal segments, or `{name}` for one non-empty segment, or last
    /// `{name*}` for one or more segments, not all empty.
    pub path: &'static str,
    /// A method, or `ANY_METHOD`: every method of a path no row before it
    /// has.
    pub method: &'static str,
    /// `LOGIN_LIMITER` is asked first.
    pub rate_limited: bool,
    /// `None`: the body is not read.
    pub body: Option<BodyKind>,
    pub token: TokenUse,
    pub store: StoreUse,
    /// The audit log's event for this route; `None`: only server failures
    /// are logged.
    pub audit: Option<&'static str>,
    /// A refusal also clears the `/auth/start` cookie (the sign-in must
    /// start again).
    pub clears_signin_cookie: bool,
    pub handler: Handler<P>,
}

/// The table. Rows sharing a path differ by method.
pub fn routes<P: Platform>() -> [Route<P>; 12] {
    [
        Route {
            path: "/auth/start",
            method: "POST",
            rate_limited: true,
            body: Some(BodyKind::EmptyOrJson),
            token: TokenUse::None,
            store: StoreUse::None,
            audit: Some("signin_start"),
            clears_signin_cookie: false,
            handler: signin::start,
        },
        Route {
            path: "/login",
            method: "POST",
            rate_limited: true,
            body: Some(BodyKind::Json),
            token: TokenUse::None,
            store: StoreUse::None,
            audit: Some("login"),
            clears_signin_cookie: true,
            handler: signin::login,
        },
        Route {
            path: "/auth/config",
            method: "GET",
            rate_limited: false,
            body: None,
            token: TokenUse::None,
            store: StoreUse::None,
            audit: None,
            clears_signin_cookie: false,
            handler: signin::auth_config,
        },
        Route {
            path: "/reauth",
            method: "POST",
            rate_limited: false,
            body: Some(BodyKind::Json),
            token: TokenUse::InBody,
            store: StoreUse::None,
            audit: Some("reauth"),
            clears_signin_cookie: false,
            handler: restore::reauth,
        },
        Route {
            path: "/api/me",
            method: "GET",
            rate_limited: false,
            body: None,
            token: TokenUse::Bearer,
            store: StoreUse::CheckIfBound,
            audit: Some("api_me"),
            clears_signin_cookie: false,
            handler: account::me,
        },
        Route {
            path: "/logout",
            method: "POST",
            rate_limited: false,
            body: Some(BodyKind::EmptyOrJson),
            token: TokenUse::BearerSignature,
            store: StoreUse::Required,
            audit: Some("logout"),
            clears_signin_cookie: false,
            handler: sessions::logout,
        },
        Route {
            path: "/auth/sessions",
            method: "GET",
            rate_limited: false,
            body: None,
            token: TokenUse::Bearer,
            store: StoreUse::Required,
            audit: Some("sessions_list"),
            clears_signin_cookie: false,
            handler: sessions::list,
        },
        Route {
            path: "/auth/sessions",
            method: "DELETE",
            rate_limited: false,
            body: None,
            token: TokenUse::Bearer,
            store: StoreUse::Required,
            audit: Some("sessions_ended_all"),
            clears_signin_cookie: false,
            handler: sessions::end_all,
        },
        Route {
            path: "/auth/sessions/{id}",
            method: "DELETE",
            rate_limited: false,
            body: None,
            token: TokenUse::Bearer,
            store: StoreUse::Required,
            audit: Some("session_ended"),
            clears_signin_cookie: false,
            handler: sessions::end_one,
        },
        Route {
            path: "/auth/check",
            method: "GET",
            rate_limited: false,
            body: None,
            token: TokenUse::BearerAfterBackend,
            store: StoreUse::CheckIfBound,
            audit: Some("auth_check"),
            clears_signin_cookie: false,
            handler: backend::check,
        },
        Route {
            path: "/.well-known/jwks.json",
            method: "GET",
            rate_limited: false,
            body: None,
            token: TokenUse::None,
            store: StoreUse::None,
            audit: None,
            clears_signin_cookie: false,
            handler: backend::jwks,
        },
        // The app's own API: every path under /api/ that no row above has,
        // any method. Last, so the Worker's own rows come first.
        Route {
            path: "/api/{rest*}",
            method: ANY_METHOD,
            rate_limited: false,
            body: None,
            token: TokenUse::BearerAfterBackend,
            store: StoreUse::CheckIfBound,
            audit: Some("backend"),
            clears_signin_cookie: false,
            handler: backend::forward,
        },
    ]
}

impl<P: Platform> Route<P> {
    /// The `{name}` segments of `path` when it is this route's path.
    fn params<'p>(&self, path: &'p str) -> Option<Vec<&'p str>> {
        let mut params = Vec::new();
        let mut given = path.split('/');
        for want in self.path.split('/') {
            if want.starts_with('{') && want.ends_with("*}") {
                let rest: Vec<&str> = given.by_ref().collect();
                if rest.iter().all(|s| s.is_empty()) {
                    return None;
                }
                // The remainder is one parameter, its slashes kept.
                let start = path.len() - rest.iter().map(|s| s.len() + 1).sum::<usize>() + 1;
                params.push(&path[start..]);
                return Some(params);
            }
            let got = given.next()?;
            if want.starts_with('{') && want.ends_with('}') {
                if got.is_empty() {
                    return None;
                }
                params.push(got);
            } else if want != got {
                return None;
            }
        }
        given.next().is_none().then_some(params)
    }
}

/// The row for this path and method, with the path's parameters; else
/// `405` naming the methods the path has, or `404`.
pub fn find<'t, 'p, P: Platform>(
    routes: &'t [Route<P>],
    path: &'p str,
    method: &str,
) -> Result<(&'t Route<P>, Vec<&'p str>), ApiError> {
    let mut allowed: Vec<&str> = Vec::new();
    for route in routes {
        if let Some(params) = route.params(path) {
            if route.method == method || (route.method == ANY_METHOD && allowed.is_empty()) {
                return Ok((route, params));
            }
            if route.method != ANY_METHOD {
                allowed.push(route.method);
            }
        }
    }
    if allowed.is_empty() {
        Err(RouteError::NotFound.into())
    } else {
        Err(RouteError::MethodNotAllowed {
            allow: allowed.join(", "),
        }
        .into())
    }
}

/// Whether the Worker answers `path` itself (a route, or under a route
/// prefix); everything else is the single-page app's.
pub fn api_path<P: Platform>(path: &str) -> bool {
    let under_prefix = ROUTE_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    under_prefix || routes::<P>().iter().any(|r| r.params(path).is_some())
}
