//! What the object needs from its storage: a few plain operations, done by
//! SQL in the Durable Object (`edge::session_store`) and by `MemoryStorage`
//! in the host tests. Each call is one statement, so the object's logic
//! (`object`) is the same over both.

use super::{SessionRecord, StoreError};

/// Rows are deleted when `created_at < created_before` or
/// `last_seen_at < seen_before`: no token of theirs can pass any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    pub created_before: u64,
    pub seen_before: u64,
}

pub trait Storage {
    fn insert_session(&mut self, record: &SessionRecord) -> Result<(), StoreError>;
    fn session(&mut self, user: &str, id: &str) -> Result<Option<SessionRecord>, StoreError>;
    fn set_last_seen(&mut self, user: &str, id: &str, at: u64) -> Result<(), StoreError>;
    /// How many rows went (0 or 1).
    fn delete_session(&mut self, user: &str, id: &str) -> Result<u32, StoreError>;
    fn delete_user_sessions(&mut self, user: &str) -> Result<u32, StoreError>;
    fn user_sessions(&mut self, user: &str) -> Result<Vec<SessionRecord>, StoreError>;
    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> Result<u32, StoreError>;
    /// The smallest `created_at` and the smallest `last_seen_at` held.
    fn earliest_session(&mut self) -> Result<Option<(u64, u64)>, StoreError>;
    /// Records a spent sign-in state; `false` when it was there already.
    fn insert_state(&mut self, key: &str, expires_at: u64) -> Result<bool, StoreError>;
    fn delete_states_before(&mut self, now: u64) -> Result<u32, StoreError>;
    fn earliest_state_expiry(&mut self) -> Result<Option<u64>, StoreError>;
}

/// The fake: the same operations over a vector, counting its writes, and
/// failing on demand.
#[cfg(any(test, feature = "testkit"))]
#[derive(Debug, Default, Clone)]
pub struct MemoryStorage {
    pub sessions: Vec<SessionRecord>,
    pub states: Vec<(String, u64)>,
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
        Ok(self
            .sessions
            .iter()
            .filter(|r| r.user == user)
            .cloned()
            .collect())
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

    fn insert_state(&mut self, key: &str, expires_at: u64) -> Result<bool, StoreError> {
        self.ok()?;
        if self.states.iter().any(|(k, _)| k == key) {
            return Ok(false);
        }
        self.states.push((key.to_string(), expires_at));
        self.writes += 1;
        Ok(true)
    }

    fn delete_states_before(&mut self, now: u64) -> Result<u32, StoreError> {
        self.ok()?;
        let before = self.states.len();
        self.states.retain(|(_, expires)| *expires >= now);
        let n = before - self.states.len();
        self.writes += n;
        Ok(n as u32)
    }

    fn earliest_state_expiry(&mut self) -> Result<Option<u64>, StoreError> {
        self.ok()?;
        Ok(self.states.iter().map(|(_, e)| *e).min())
    }
}
