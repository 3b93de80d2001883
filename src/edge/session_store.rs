//! The `SessionStore` Durable Object (SQLite-backed, `SESSIONS`): SQL under
//! `store::object`'s logic, its clock and its alarm; and the Worker's
//! `store::Transport` over a stub, with the 5 s deadline.

use crate::config::{seconds, DEFAULT_MAX_SESSION_AGE, DEFAULT_MAX_TOKEN_AGE};
use crate::store::object::{self, next_alarm, prune};
use crate::store::protocol::{StoreAnswer, StoreRequest};
use crate::store::storage::{Cutoff, Storage};
use crate::store::{Limits, SessionRecord, StoreError, Transport, STORE_TIMEOUT_SECS};
use futures_util::future::{select, Either};
use std::cell::{Cell, OnceCell};
use std::time::Duration;
use worker::js_sys::{self, Array, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::types::{SqlStorage as SqlStorageSys, SqlStorageCursor as SqlCursorSys};
use worker::worker_sys::DurableObject as DurableObjectSys;
use worker::{
    durable_object, web_sys, Date, Delay, DurableObject, Env, ObjectNamespace, Request, Response,
    Result, ScheduledTime, State,
};

/// How soon the alarm tries again when it could not do its work.
const ALARM_RETRY_MS: f64 = 3_600_000.0;

#[durable_object(alarm)]
pub struct SessionStore {
    state: State,
    env: Env,
    schema_ready: Cell<bool>,
    limits: OnceCell<Option<Limits>>,
}

impl DurableObject for SessionStore {
    fn new(state: State, env: Env) -> Self {
        SessionStore {
            state,
            env,
            schema_ready: Cell::new(false),
            limits: OnceCell::new(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let answer = match req.bytes().await {
            Ok(bytes) => match StoreRequest::decode(&bytes) {
                Ok(request) => self.serve(request).await,
                Err(e) => failed(e.0.into()),
            },
            Err(e) => failed(format!("unreadable request: {e}")),
        };
        Response::from_bytes(answer.encode())
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let outcome = match (self.limits(), self.sql()) {
            (Some(limits), Ok(mut sql)) => prune(&mut sql, now(), limits)
                .and_then(|_| next_alarm(&mut sql, limits))
                .map(|next| next.map(|secs| secs as f64 * 1000.0)),
            (None, _) => Err(StoreError::Storage(
                "MAX_TOKEN_AGE or MAX_SESSION_AGE is invalid".into(),
            )),
            (_, Err(e)) => Err(e),
        };
        let next_ms = match outcome {
            Ok(next) => next,
            Err(e) => {
                // Nothing is lost by pruning later; try again in an hour.
                super::log_failure("session_store_alarm_error", e.to_string());
                Some(Date::now().as_millis() as f64 + ALARM_RETRY_MS)
            }
        };
        if let Some(ms) = next_ms {
            storage.set_alarm(at(ms)).await?;
        }
        Response::empty()
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
        let adds_rows = matches!(
            request,
            StoreRequest::Create { .. } | StoreRequest::SpendState { .. }
        );
        let answer = object::serve(&mut sql, request, now(), limits);
        if adds_rows && !matches!(answer, StoreAnswer::Failed { .. }) {
            // The answer stands even if arming fails: the next row that is
            // added, or the next alarm, arms it again.
            if let Err(e) = self.arm_alarm(&mut sql, limits).await {
                super::log_failure("session_store_alarm_error", e.to_string());
            }
        }
        answer
    }

    /// Sets the alarm for the first row to become unusable (the earliest of
    /// all, so setting it again is always right).
    async fn arm_alarm(&self, sql: &mut SqlSessions, limits: Limits) -> Result<()> {
        match next_alarm(sql, limits) {
            Ok(Some(next)) => {
                self.state
                    .storage()
                    .set_alarm(at(next as f64 * 1000.0))
                    .await
            }
            _ => Ok(()),
        }
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
            sql.run(
                "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, \
                 created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, \
                 user_agent TEXT NOT NULL)",
                &[],
            )?;
            sql.run(
                "CREATE TABLE IF NOT EXISTS spent_states (key TEXT PRIMARY KEY, \
                 expires_at INTEGER NOT NULL)",
                &[],
            )?;
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

// ---------------------------------------------------------------- SQL storage

/// Over the runtime's `SqlStorage` itself: `worker::SqlStorage` converts
/// every value through a general enum (blobs, array buffers), 1 KB of gzipped
/// wasm this table of strings and integers does not need.
struct SqlSessions {
    sql: SqlStorageSys,
}

type Row = Vec<JsValue>;

fn int(value: u64) -> JsValue {
    // Epoch seconds are far inside JavaScript's safe integers.
    JsValue::from_f64(value as f64)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn storage_error(e: JsValue) -> StoreError {
    StoreError::Storage(
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "SQL storage threw".into()),
    )
}

impl SqlSessions {
    fn exec(
        &self,
        query: &str,
        bindings: &[JsValue],
    ) -> std::result::Result<SqlCursorSys, StoreError> {
        let array = Array::new();
        for value in bindings {
            array.push(value);
        }
        self.sql.exec(query, array).map_err(storage_error)
    }

    /// Runs a statement to its end; answers the rows it wrote.
    fn run(&self, query: &str, bindings: &[JsValue]) -> std::result::Result<u32, StoreError> {
        let cursor = self.exec(query, bindings)?;
        let rows = cursor.raw();
        while !rows.next().map_err(storage_error)?.done() {}
        Ok(cursor.rows_written() as u32)
    }

    fn rows(&self, query: &str, bindings: &[JsValue]) -> std::result::Result<Vec<Row>, StoreError> {
        let rows = self.exec(query, bindings)?.raw();
        let mut out = Vec::new();
        loop {
            let next = rows.next().map_err(storage_error)?;
            if next.done() {
                return Ok(out);
            }
            out.push(Array::from(&next.value()).to_vec());
        }
    }
}

fn as_u64(value: Option<&JsValue>) -> std::result::Result<u64, StoreError> {
    match value.and_then(JsValue::as_f64) {
        Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(f as u64),
        _ => Err(bad_row()),
    }
}

fn as_string(value: Option<&JsValue>) -> std::result::Result<String, StoreError> {
    value.and_then(JsValue::as_string).ok_or_else(bad_row)
}

fn is_null(row: Option<&Row>) -> bool {
    // MIN over no rows is NULL.
    row.and_then(|r| r.first()).is_none_or(JsValue::is_null)
}

fn bad_row() -> StoreError {
    StoreError::Storage("a row of an unexpected shape".into())
}

const SESSION_COLUMNS: &str = "id, user_id, created_at, last_seen_at, user_agent";

fn session_of(row: &[JsValue]) -> std::result::Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id: as_string(row.first())?,
        user: as_string(row.get(1))?,
        created_at: as_u64(row.get(2))?,
        last_seen_at: as_u64(row.get(3))?,
        user_agent: as_string(row.get(4))?,
    })
}

impl Storage for SqlSessions {
    fn insert_session(&mut self, r: &SessionRecord) -> std::result::Result<(), StoreError> {
        self.run(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, user_agent) \
             VALUES (?, ?, ?, ?, ?)",
            &[
                text(&r.id),
                text(&r.user),
                int(r.created_at),
                int(r.last_seen_at),
                text(&r.user_agent),
            ],
        )
        .map(|_| ())
    }

    fn session(
        &mut self,
        user: &str,
        id: &str,
    ) -> std::result::Result<Option<SessionRecord>, StoreError> {
        let rows = self.rows(
            &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ? AND user_id = ?"),
            &[text(id), text(user)],
        )?;
        rows.first().map(|row| session_of(row)).transpose()
    }

    fn set_last_seen(
        &mut self,
        user: &str,
        id: &str,
        at: u64,
    ) -> std::result::Result<(), StoreError> {
        self.run(
            "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND user_id = ?",
            &[int(at), text(id), text(user)],
        )
        .map(|_| ())
    }

    fn delete_session(&mut self, user: &str, id: &str) -> std::result::Result<u32, StoreError> {
        self.run(
            "DELETE FROM sessions WHERE id = ? AND user_id = ?",
            &[text(id), text(user)],
        )
    }

    fn delete_user_sessions(&mut self, user: &str) -> std::result::Result<u32, StoreError> {
        self.run("DELETE FROM sessions WHERE user_id = ?", &[text(user)])
    }

    fn user_sessions(&mut self, user: &str) -> std::result::Result<Vec<SessionRecord>, StoreError> {
        let rows = self.rows(
            &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?"),
            &[text(user)],
        )?;
        let mut sessions = Vec::with_capacity(rows.len());
        for row in &rows {
            sessions.push(session_of(row)?);
        }
        Ok(sessions)
    }

    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> std::result::Result<u32, StoreError> {
        self.run(
            "DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?",
            &[int(cutoff.created_before), int(cutoff.seen_before)],
        )
    }

    fn earliest_session(&mut self) -> std::result::Result<Option<(u64, u64)>, StoreError> {
        let rows = self.rows(
            "SELECT MIN(created_at), MIN(last_seen_at) FROM sessions",
            &[],
        )?;
        if is_null(rows.first()) {
            return Ok(None);
        }
        let row = &rows[0];
        Ok(Some((as_u64(row.first())?, as_u64(row.get(1))?)))
    }

    fn insert_state(
        &mut self,
        key: &str,
        expires_at: u64,
    ) -> std::result::Result<bool, StoreError> {
        self.run(
            "INSERT OR IGNORE INTO spent_states (key, expires_at) VALUES (?, ?)",
            &[text(key), int(expires_at)],
        )
        .map(|written| written > 0)
    }

    fn delete_states_before(&mut self, now: u64) -> std::result::Result<u32, StoreError> {
        self.run("DELETE FROM spent_states WHERE expires_at < ?", &[int(now)])
    }

    fn earliest_state_expiry(&mut self) -> std::result::Result<Option<u64>, StoreError> {
        let rows = self.rows("SELECT MIN(expires_at) FROM spent_states", &[])?;
        if is_null(rows.first()) {
            return Ok(None);
        }
        as_u64(rows[0].first()).map(Some)
    }
}

// ---------------------------------------------------------------- the Worker's side

/// Carries store requests to the `SESSIONS` objects.
pub struct StubTransport {
    namespace: ObjectNamespace,
}

impl StubTransport {
    /// `None` when `SESSIONS` is not bound: the stateless Worker.
    pub fn from_env(env: &Env) -> Option<Self> {
        env.durable_object("SESSIONS")
            .ok()
            .map(|namespace| StubTransport { namespace })
    }
}

impl Transport for StubTransport {
    async fn send(&self, object: &str, body: Vec<u8>) -> std::result::Result<Vec<u8>, StoreError> {
        // The runtime's objects directly (stub, Request, Response): worker's
        // wrappers convert and stream bodies, 1 KB of gzipped wasm for one
        // small POST and its answer.
        let thrown = |e: JsValue| {
            // Not `{e:?}`: a JsValue's Debug links float formatting.
            StoreError::Unavailable(
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| "the stub threw".into()),
            )
        };
        let stub: DurableObjectSys = self
            .namespace
            .get_by_name(object)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .into_rpc();
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&Uint8Array::from(body.as_slice()));
        let request =
            web_sys::Request::new_with_str_and_init("https://session-store.invalid/", &init)
                .map_err(thrown)?;
        let call = async {
            let answer = JsFuture::from(stub.fetch_with_request(&request).map_err(thrown)?)
                .await
                .map_err(thrown)?;
            let response: web_sys::Response = answer.dyn_into().map_err(thrown)?;
            if response.status() != 200 {
                return Err(StoreError::Unavailable(format!(
                    "the object answered {}",
                    response.status()
                )));
            }
            let buffer = JsFuture::from(response.array_buffer().map_err(thrown)?)
                .await
                .map_err(thrown)?;
            Ok(Uint8Array::new(&buffer).to_vec())
        };
        let deadline = Delay::from(Duration::from_secs(STORE_TIMEOUT_SECS));
        let outcome = match select(Box::pin(call), deadline).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(StoreError::Timeout),
        };
        outcome
    }
}
