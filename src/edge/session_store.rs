//! The `SessionStore` Durable Object (SQLite-backed, `SESSIONS`): its
//! requests served by `store::object`'s logic over the SQL storage of
//! `session_sql`, its clock and its alarm. The Worker's side of the stub is
//! `session_stub`.

use super::session_sql::SqlSessions;
use crate::config::{seconds, DEFAULT_MAX_SESSION_AGE, DEFAULT_MAX_TOKEN_AGE};
use crate::store::object::{self, upkeep, Upkeep};
use crate::store::protocol::{StoreAnswer, StoreRequest};
use crate::store::{sql, Limits, StoreError};
use std::cell::{Cell, OnceCell};
use worker::js_sys::{self, Uint8Array};
use worker::wasm_bindgen::prelude::wasm_bindgen;
use worker::wasm_bindgen::JsValue;
use worker::{
    durable_object, Date, DurableObject, Env, Request, Response, Result, ScheduledTime, State,
};

/// How soon the alarm tries again when it could not do its work.
const ALARM_RETRY_MS: f64 = 3_600_000.0;

#[durable_object(alarm)]
pub struct SessionStore {
    state: State,
    env: Env,
    schema_ready: Cell<bool>,
    limits: OnceCell<Option<Limits>>,
    /// When the alarm this instance last set is due (epoch seconds); `None`
    /// in a fresh instance, which sets it on its first new row.
    alarm_at: Cell<Option<u64>>,
}

impl DurableObject for SessionStore {
    fn new(state: State, env: Env) -> Self {
        SessionStore {
            state,
            env,
            schema_ready: Cell::new(false),
            limits: OnceCell::new(),
            alarm_at: Cell::new(None),
        }
    }

    /// The Worker calls `call` (RPC); a request over HTTP is not one of its
    /// own, and gets no answer from the store.
    async fn fetch(&self, _req: Request) -> Result<Response> {
        Response::error("the session store is called over RPC (call)", 404)
    }

    async fn alarm(&self) -> Result<Response> {
        // This alarm is spent: the upkeep below sets the next one, if any.
        self.alarm_at.set(None);
        if let Err(e) = self.upkeep().await {
            // Nothing is lost by pruning later; try again in an hour.
            super::log_failure("session_store_alarm_error", e.to_string());
            let retry = Date::now().as_millis() as f64 + ALARM_RETRY_MS;
            self.state.storage().set_alarm(at(retry)).await?;
        }
        Response::empty()
    }
}

/// The RPC method `src/edge/entry.mjs` exposes on the object: a request's
/// bytes in, the answer's bytes out. RPC, not `fetch`: under `wrangler dev` a
/// `fetch` to the object cost three times the whole of a trivial route.
#[wasm_bindgen(wasm_bindgen_futures = worker::wasm_bindgen_futures)]
impl SessionStore {
    #[wasm_bindgen(js_name = call)]
    pub async fn call(&self, bytes: Uint8Array) -> std::result::Result<Uint8Array, JsValue> {
        let answer = match StoreRequest::decode(&bytes.to_vec()) {
            Ok(request) => self.serve(request).await,
            Err(e) => failed(e.0.into()),
        };
        Ok(Uint8Array::from(answer.encode().as_slice()))
    }
}

impl SessionStore {
    async fn serve(&self, request: StoreRequest) -> StoreAnswer {
        let Some(limits) = self.limits() else {
            return failed("MAX_TOKEN_AGE or MAX_SESSION_AGE is invalid".into());
        };
        let mut sql = match self.sql() {
            Ok(sql) => sql,
            Err(e) => return failed(e.to_string()),
        };
        let changes_rows = request.changes_rows();
        let answer = object::serve(&mut sql, request, now(), limits);
        if changes_rows && !matches!(answer, StoreAnswer::Failed { .. }) {
            // The answer stands even if the upkeep fails: the next request
            // that changes rows, or the alarm, does it again.
            if let Err(e) = self.upkeep().await {
                super::log_failure("session_store_alarm_error", e.to_string());
            }
        }
        answer
    }

    /// Prunes, then deletes the storage when nothing is left (`deleteAll`,
    /// so an object keeps nothing once its user has nothing live), or sets
    /// the one alarm for the first row to become unusable when none set
    /// comes before it.
    async fn upkeep(&self) -> std::result::Result<(), StoreError> {
        let limits = self.limits().ok_or_else(|| {
            StoreError::Storage("MAX_TOKEN_AGE or MAX_SESSION_AGE is invalid".into())
        })?;
        let mut sql = self.sql()?;
        let storage = self.state.storage();
        let thrown = |e: worker::Error| StoreError::Storage(e.to_string());
        match upkeep(&mut sql, now(), limits, self.alarm_at.get())? {
            Upkeep::Keep => {}
            Upkeep::Alarm(due) => {
                storage
                    .set_alarm(at(due as f64 * 1000.0))
                    .await
                    .map_err(thrown)?;
                self.alarm_at.set(Some(due));
            }
            Upkeep::DeleteAll => {
                // deleteAll takes the alarm too from compatibility date
                // 2026-02-24; deleting it first holds on older runtimes.
                storage.delete_alarm().await.map_err(thrown)?;
                storage.delete_all().await.map_err(thrown)?;
                self.alarm_at.set(None);
                self.schema_ready.set(false);
            }
        }
        Ok(())
    }

    /// The object reads the two lifetimes from the same bindings as the
    /// Worker (it is the same script), and nothing else: no secrets.
    fn limits(&self) -> Option<Limits> {
        *self.limits.get_or_init(|| {
            // Config's own rule for them (a blank value is unset, as there).
            let var = |name: &str| {
                self.env
                    .var(name)
                    .ok()
                    .map(|v| v.to_string())
                    .filter(|v| !v.trim().is_empty())
            };
            Some(Limits {
                max_token_age: seconds(
                    "MAX_TOKEN_AGE",
                    var("MAX_TOKEN_AGE"),
                    DEFAULT_MAX_TOKEN_AGE,
                )
                .ok()?,
                max_session_age: seconds(
                    "MAX_SESSION_AGE",
                    var("MAX_SESSION_AGE"),
                    DEFAULT_MAX_SESSION_AGE,
                )
                .ok()?,
            })
        })
    }

    fn sql(&self) -> std::result::Result<SqlSessions, StoreError> {
        let sql = SqlSessions {
            sql: self.state.storage().as_raw().sql(),
        };
        if !self.schema_ready.get() {
            for statement in sql::SCHEMA {
                sql.execute(statement, &[])?;
            }
            self.schema_ready.set(true);
        }
        Ok(sql)
    }
}

fn failed(detail: String) -> StoreAnswer {
    StoreAnswer::Failed { detail }
}

fn now() -> u64 {
    Date::now().as_millis() / 1000
}

fn at(epoch_ms: f64) -> ScheduledTime {
    ScheduledTime::new(js_sys::Date::new(&JsValue::from_f64(epoch_ms)))
}
