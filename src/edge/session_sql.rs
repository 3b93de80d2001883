//! The session store's rows in the object's SQLite storage: the
//! `store::storage::Storage` the object's logic runs over.

use crate::store::storage::{Cutoff, Storage};
use crate::store::{SessionRecord, StoreError};
use worker::js_sys::{self, Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::worker_sys::types::{SqlStorage as SqlStorageSys, SqlStorageCursor as SqlCursorSys};

/// Over the runtime's `SqlStorage` itself: `worker::SqlStorage` converts
/// every value through a general enum (blobs, array buffers), 1 KB of gzipped
/// wasm this table of strings and integers does not need.
pub(super) struct SqlSessions {
    pub(super) sql: SqlStorageSys,
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
    pub(super) fn run(
        &self,
        query: &str,
        bindings: &[JsValue],
    ) -> std::result::Result<u32, StoreError> {
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
