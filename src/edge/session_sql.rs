//! The session store's rows in the object's SQLite storage: the
//! `store::storage::Storage` the object's logic runs over, each operation
//! one statement of `store::sql` (which the host tests run on SQLite too).

use crate::store::sql;
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

    /// Runs a statement to its end; answers the rows it changed
    /// (`changes()`, not the cursor's `rowsWritten`, which counts index
    /// writes too).
    pub(super) fn run(
        &self,
        query: &str,
        bindings: &[JsValue],
    ) -> std::result::Result<u32, StoreError> {
        let rows = self.exec(query, bindings)?.raw();
        while !rows.next().map_err(storage_error)?.done() {}
        let changed = self.rows(sql::CHANGES, &[])?;
        Ok(as_u64(changed.first().and_then(|r| r.first()))? as u32)
    }

    /// Runs a statement that changes nothing it needs to count.
    pub(super) fn execute(
        &self,
        query: &str,
        bindings: &[JsValue],
    ) -> std::result::Result<(), StoreError> {
        let rows = self.exec(query, bindings)?.raw();
        while !rows.next().map_err(storage_error)?.done() {}
        Ok(())
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

    /// The one value of a one-row query; `None` for SQL's NULL (`MIN` over
    /// no rows) or no row.
    fn single(
        &self,
        query: &str,
        bindings: &[JsValue],
    ) -> std::result::Result<Option<u64>, StoreError> {
        let rows = self.rows(query, bindings)?;
        match rows.first().and_then(|r| r.first()) {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(None),
            Some(v) => as_u64(Some(v)).map(Some),
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

fn bad_row() -> StoreError {
    StoreError::Storage("a row of an unexpected shape".into())
}

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
        self.execute(
            sql::INSERT_SESSION,
            &[
                text(&r.id),
                text(&r.user),
                int(r.created_at),
                int(r.last_seen_at),
                text(&r.user_agent),
            ],
        )
    }

    fn session(
        &mut self,
        user: &str,
        id: &str,
    ) -> std::result::Result<Option<SessionRecord>, StoreError> {
        let rows = self.rows(sql::SELECT_SESSION, &[text(id), text(user)])?;
        rows.first().map(|row| session_of(row)).transpose()
    }

    fn set_last_seen(
        &mut self,
        user: &str,
        id: &str,
        at: u64,
    ) -> std::result::Result<(), StoreError> {
        self.execute(sql::TOUCH_SESSION, &[int(at), text(id), text(user)])
    }

    fn delete_session(&mut self, user: &str, id: &str) -> std::result::Result<u32, StoreError> {
        self.run(sql::DELETE_SESSION, &[text(id), text(user)])
    }

    fn delete_user_sessions(&mut self, user: &str) -> std::result::Result<u32, StoreError> {
        self.run(sql::DELETE_USER_SESSIONS, &[text(user)])
    }

    fn user_sessions(&mut self, user: &str) -> std::result::Result<Vec<SessionRecord>, StoreError> {
        let rows = self.rows(sql::SELECT_USER_SESSIONS, &[text(user)])?;
        let mut sessions = Vec::with_capacity(rows.len());
        for row in &rows {
            sessions.push(session_of(row)?);
        }
        Ok(sessions)
    }

    fn keep_most_recent(&mut self, user: &str, keep: u32) -> std::result::Result<u32, StoreError> {
        self.run(sql::KEEP_MOST_RECENT, &[text(user), int(u64::from(keep))])
    }

    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> std::result::Result<u32, StoreError> {
        self.run(
            sql::PRUNE_SESSIONS,
            &[int(cutoff.created_before), int(cutoff.seen_before)],
        )
    }

    fn earliest_session(&mut self) -> std::result::Result<Option<(u64, u64)>, StoreError> {
        let rows = self.rows(sql::EARLIEST_SESSION, &[])?;
        match rows.first().map(|r| (r.first(), r.get(1))) {
            Some((Some(created), Some(seen))) if !created.is_null() && !seen.is_null() => {
                Ok(Some((as_u64(Some(created))?, as_u64(Some(seen))?)))
            }
            _ => Ok(None),
        }
    }

    fn spend(&mut self, key: &str, expires_at: u64) -> std::result::Result<bool, StoreError> {
        self.run(sql::SPEND, &[text(key), int(expires_at)])
            .map(|changed| changed > 0)
    }

    fn delete_spent_before(&mut self, now: u64) -> std::result::Result<u32, StoreError> {
        self.run(sql::PRUNE_SPENT, &[int(now)])
    }

    fn set_signed_out(&mut self, at: u64, expires_at: u64) -> std::result::Result<(), StoreError> {
        self.execute(sql::SET_SIGNED_OUT, &[int(at), int(expires_at)])
    }

    fn signed_out_at(&mut self, now: u64) -> std::result::Result<Option<u64>, StoreError> {
        self.single(sql::SELECT_SIGNED_OUT, &[int(now)])
    }

    fn delete_signed_out_before(&mut self, now: u64) -> std::result::Result<u32, StoreError> {
        self.run(sql::PRUNE_SIGNED_OUT, &[int(now)])
    }

    fn earliest_expiry(&mut self) -> std::result::Result<Option<u64>, StoreError> {
        self.single(sql::EARLIEST_EXPIRY, &[])
    }
}
