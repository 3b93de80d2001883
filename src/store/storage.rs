//! What the object needs from its storage: a few plain operations, each one
//! statement of `store::sql` in the Durable Object (`edge::session_sql`) and
//! in the host tests' SQLite, and the same by `MemoryStorage` for the fake
//! store, so that the object's logic (`object`) is the same over all three.

use super::{SessionRecord, StoreError};

/// Rows are deleted when `created_at < created_before` or
/// `last_seen_at < seen_before`: no token of theirs can pass any more
/// (`Limits::cutoff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    pub created_before: u64,
    pub seen_before: u64,
}

/// Counts are rows the statement changed (SQLite's `changes()`), never the
/// rows it wrote with their index entries.
pub trait Storage {
    fn insert_session(&mut self, record: &SessionRecord) -> Result<(), StoreError>;
    fn session(&mut self, user: &str, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    fn set_last_seen(&mut self, user: &str, id: &str, at: u64) -> Result<(), StoreError>;
    /// How many sessions went (0 or 1).
    fn delete_session(&mut self, user: &str, id: &str) -> Result<u32, StoreError>;
    fn delete_user_sessions(&mut self, user: &str) -> Result<u32, StoreError>;
    /// Most recently seen first; within one second, the most recently
    /// created first.
    fn user_sessions(&mut self, user: &str) -> Result<Vec<SessionRecord>, StoreError>;
    /// Ends all but the `keep` first of `user_sessions`' order.
    fn keep_most_recent(&mut self, user: &str, keep: u32) -> Result<u32, StoreError>;
    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> Result<u32, StoreError>;
    /// The smallest `created_at` and the smallest `last_seen_at` held.
    fn earliest_session(&mut self) -> Result<Option<(u64, u64)>, StoreError>;
    /// Records a spent key (a sign-in state's or a Flask token signature's
    /// hash) until `expires_at`; `false` when it was there already.
    fn spend(&mut self, key: &str, expires_at: u64) -> Result<bool, StoreError>;
    fn delete_spent_before(&mut self, now: u64) -> Result<u32, StoreError>;
    /// Records a sign-out everywhere at `at`, remembered until `expires_at`.
    fn set_signed_out(&mut self, at: u64, expires_at: u64) -> Result<(), StoreError>;
    /// The last sign-out everywhere still remembered at `now`.
    fn signed_out_at(&mut self, now: u64) -> Result<Option<u64>, StoreError>;
    fn delete_signed_out_before(&mut self, now: u64) -> Result<u32, StoreError>;
    /// The first expiry of a spent key or of the sign-out mark.
    fn earliest_expiry(&mut self) -> Result<Option<u64>, StoreError>;
}

/// The fake: the same operations over vectors, counting its writes, and
/// failing on demand.
#[cfg(any(test, feature = "testkit"))]
#[derive(Debug, Default, Clone)]
pub struct MemoryStorage {
    pub sessions: Vec<SessionRecord>,
    pub spent: Vec<(String, u64)>,
    /// The sign-out mark: (at, expires_at).
    pub signed_out: Option<(u64, u64)>,
    /// Rows inserted, updated or deleted so far.
    pub writes: usize,
    /// When set, every call fails as a broken storage would.
    pub broken: bool,
}

#[cfg(any(test, feature = "testkit"))]
impl MemoryStorage {
    fn ok(&self) -> Result<(), StoreError> {
        if self.broken {
            Err(StoreError::Storage("disk on fire".into()))
        } else {
            Ok(())
        }
    }

    fn delete_where(&mut self, gone: impl Fn(&SessionRecord) -> bool) -> u32 {
        let before = self.sessions.len();
        self.sessions.retain(|r| !gone(r));
        let n = before - self.sessions.len();
        self.writes += n;
        n as u32
    }

    /// Whether nothing at all is held (what `deleteAll` leaves).
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.spent.is_empty() && self.signed_out.is_none()
    }
}

#[cfg(any(test, feature = "testkit"))]
impl Storage for MemoryStorage {
    fn insert_session(&mut self, record: &SessionRecord) -> Result<(), StoreError> {
        self.ok()?;
        if self.sessions.iter().any(|r| r.id == record.id) {
            // As the SQL table's primary key would.
            return Err(StoreError::Storage("UNIQUE constraint failed".into()));
        }
        self.sessions.push(record.clone());
        self.writes += 1;
        Ok(())
    }

    fn session(&mut self, user: &str, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.ok()?;
        Ok(self
            .sessions
            .iter()
            .find(|r| r.user == user && r.id == id)
            .cloned())
    }

    fn set_last_seen(&mut self, user: &str, id: &str, at: u64) -> Result<(), StoreError> {
        self.ok()?;
        for r in self
            .sessions
            .iter_mut()
            .filter(|r| r.user == user && r.id == id)
        {
            r.last_seen_at = at;
            self.writes += 1;
        }
        Ok(())
    }

    fn delete_session(&mut self, user: &str, id: &str) -> Result<u32, StoreError> {
        self.ok()?;
        Ok(self.delete_where(|r| r.user == user && r.id == id))
    }

    fn delete_user_sessions(&mut self, user: &str) -> Result<u32, StoreError> {
        self.ok()?;
        Ok(self.delete_where(|r| r.user == user))
    }

    fn user_sessions(&mut self, user: &str) -> Result<Vec<SessionRecord>, StoreError> {
        self.ok()?;
        // Newest first, then a stable sort: ties keep that order.
        let mut sessions: Vec<SessionRecord> = self
            .sessions
            .iter()
            .rev()
            .filter(|r| r.user == user)
            .cloned()
            .collect();
        sessions.sort_by_key(|r| std::cmp::Reverse(r.last_seen_at));
        Ok(sessions)
    }

    fn keep_most_recent(&mut self, user: &str, keep: u32) -> Result<u32, StoreError> {
        let kept: Vec<String> = self
            .user_sessions(user)?
            .into_iter()
            .take(keep as usize)
            .map(|r| r.id)
            .collect();
        Ok(self.delete_where(|r| r.user == user && !kept.contains(&r.id)))
    }

    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> Result<u32, StoreError> {
        self.ok()?;
        Ok(self.delete_where(|r| {
            r.created_at < cutoff.created_before || r.last_seen_at < cutoff.seen_before
        }))
    }

    fn earliest_session(&mut self) -> Result<Option<(u64, u64)>, StoreError> {
        self.ok()?;
        let created = self.sessions.iter().map(|r| r.created_at).min();
        let seen = self.sessions.iter().map(|r| r.last_seen_at).min();
        Ok(created.zip(seen))
    }

    fn spend(&mut self, key: &str, expires_at: u64) -> Result<bool, StoreError> {
        self.ok()?;
        if self.spent.iter().any(|(k, _)| k == key) {
            return Ok(false);
        }
        self.spent.push((key.to_string(), expires_at));
        self.writes += 1;
        Ok(true)
    }

    fn delete_spent_before(&mut self, now: u64) -> Result<u32, StoreError> {
        self.ok()?;
        let before = self.spent.len();
        self.spent.retain(|(_, expires)| *expires >= now);
        let n = before - self.spent.len();
        self.writes += n;
        Ok(n as u32)
    }

    fn set_signed_out(&mut self, at: u64, expires_at: u64) -> Result<(), StoreError> {
        self.ok()?;
        self.signed_out = Some((at, expires_at));
        self.writes += 1;
        Ok(())
    }

    fn signed_out_at(&mut self, now: u64) -> Result<Option<u64>, StoreError> {
        self.ok()?;
        Ok(self
            .signed_out
            .filter(|(_, expires)| *expires >= now)
            .map(|(at, _)| at))
    }

    fn delete_signed_out_before(&mut self, now: u64) -> Result<u32, StoreError> {
        self.ok()?;
        match self.signed_out {
            Some((_, expires)) if expires < now => {
                self.signed_out = None;
                self.writes += 1;
                Ok(1)
            }
            _ => Ok(0),
        }
    }

    fn earliest_expiry(&mut self) -> Result<Option<u64>, StoreError> {
        self.ok()?;
        let spent = self.spent.iter().map(|(_, e)| *e).min();
        let mark = self.signed_out.map(|(_, e)| e);
        Ok(match (spent, mark) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }
}
