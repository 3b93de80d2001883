//! The SQL the `SessionStore` object runs, as plain text: the Durable
//! Object's storage (`edge::session_sql`) and the host tests' SQLite
//! (`store/tests/sqlite.rs`) run these same statements, so the prune, the cap
//! and the deletes are tested as the object runs them.
//!
//! One object holds one user's rows (`protocol::user_object`): at most
//! `MAX_SESSIONS_PER_USER` sessions, the sign-in states and Flask token
//! signatures spent there while they could be replayed, and the last "sign out
//! everywhere" while a Flask token signed before it could be. The indexes serve
//! the queries that filter or order on a column other than the key: the
//! prune, the alarm's `MIN`s and the least recently seen session.

/// Run once per object instance; every statement is idempotent.
pub const SCHEMA: [&str; 6] = [
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, \
     created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, user_agent TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sessions_last_seen ON sessions (last_seen_at)",
    "CREATE INDEX IF NOT EXISTS sessions_created ON sessions (created_at)",
    "CREATE TABLE IF NOT EXISTS spent (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS spent_expires ON spent (expires_at)",
    // One row at most (id 0): the latest "sign out everywhere".
    "CREATE TABLE IF NOT EXISTS signed_out (id INTEGER PRIMARY KEY CHECK (id = 0), \
     at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
];

/// id, user, created_at, last_seen_at, user_agent.
pub const INSERT_SESSION: &str = "INSERT INTO sessions \
     (id, user_id, created_at, last_seen_at, user_agent) VALUES (?1, ?2, ?3, ?4, ?5)";

/// id, user.
pub const SELECT_SESSION: &str = "SELECT id, user_id, created_at, last_seen_at, user_agent \
     FROM sessions WHERE id = ?1 AND user_id = ?2";

/// at, id, user.
pub const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2 AND user_id = ?3";

/// id, user.
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = ?1 AND user_id = ?2";

/// user.
pub const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = ?1";

/// user. Most recently seen first, and within one second the most recently
/// created first (the larger `rowid`: SQLite gives a new row one larger than
/// any it holds): the order of an index walk down `last_seen_at`, which
/// holds the rowid; O(n log n) at most.
pub const SELECT_USER_SESSIONS: &str = "SELECT id, user_id, created_at, last_seen_at, user_agent \
     FROM sessions WHERE user_id = ?1 ORDER BY last_seen_at DESC, rowid DESC";

/// user, how many to keep: all but the `keep` most recently seen go (in the
/// listing's order, so the sessions a user sees first are the ones kept).
pub const KEEP_MOST_RECENT: &str = "DELETE FROM sessions WHERE user_id = ?1 AND id NOT IN \
     (SELECT id FROM sessions WHERE user_id = ?1 ORDER BY last_seen_at DESC, rowid DESC LIMIT ?2)";

/// created_before, seen_before (`Limits::cutoff`).
pub const PRUNE_SESSIONS: &str = "DELETE FROM sessions WHERE created_at < ?1 OR last_seen_at < ?2";

/// The smallest `created_at` and `last_seen_at` (NULLs when empty): two
/// subqueries, so that each `MIN` is one step down its own index.
pub const EARLIEST_SESSION: &str = "SELECT (SELECT MIN(created_at) FROM sessions), \
     (SELECT MIN(last_seen_at) FROM sessions)";

/// key, expires_at. Writes nothing when the key is there already.
pub const SPEND: &str = "INSERT OR IGNORE INTO spent (key, expires_at) VALUES (?1, ?2)";

/// now.
pub const PRUNE_SPENT: &str = "DELETE FROM spent WHERE expires_at < ?1";

/// at, expires_at.
pub const SET_SIGNED_OUT: &str =
    "INSERT OR REPLACE INTO signed_out (id, at, expires_at) VALUES (0, ?1, ?2)";

/// now: the last sign-out everywhere, while it still matters.
pub const SELECT_SIGNED_OUT: &str = "SELECT at FROM signed_out WHERE expires_at >= ?1";

/// now.
pub const PRUNE_SIGNED_OUT: &str = "DELETE FROM signed_out WHERE expires_at < ?1";

/// The first expiry of a spent key or the sign-out mark (NULL when none).
pub const EARLIEST_EXPIRY: &str = "SELECT MIN(e) FROM (SELECT MIN(expires_at) AS e FROM spent \
     UNION ALL SELECT expires_at FROM signed_out)";

/// Rows the last statement inserted, updated or deleted (not the index
/// entries it wrote, which the runtime's `rowsWritten` counts too).
pub const CHANGES: &str = "SELECT changes()";
