//! The object's logic over SQLite on the host, running `store::sql`'s very
//! statements (the Durable Object's SQLite is SQLite too): the cap, the
//! prune, the deletes and their counts are tested as the object runs them,
//! and a scripted run answers the same over SQLite and over `MemoryStorage`.

use super::*;
use crate::store::sql;
use crate::store::storage::Cutoff;
use rusqlite::{params, Connection, OptionalExtension};

struct SqliteStorage {
    db: Connection,
}

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Storage(e.to_string())
}

impl SqliteStorage {
    fn new() -> Self {
        let db = Connection::open_in_memory().unwrap();
        for statement in sql::SCHEMA {
            db.execute(statement, []).unwrap();
        }
        SqliteStorage { db }
    }

    /// As the object's `run`: the statement, then `changes()`.
    fn run(&self, query: &str, params: impl rusqlite::Params) -> Result<u32, StoreError> {
        self.db.execute(query, params).map_err(failed)?;
        self.db
            .query_row(sql::CHANGES, [], |row| row.get::<_, u32>(0))
            .map_err(failed)
    }

    fn single(
        &self,
        query: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<u64>, StoreError> {
        self.db
            .query_row(query, params, |row| row.get::<_, Option<u64>>(0))
            .optional()
            .map(Option::flatten)
            .map_err(failed)
    }

    fn count(&self, table: &str) -> u64 {
        self.db
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }
}

fn session_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        id: row.get(0)?,
        user: row.get(1)?,
        created_at: row.get(2)?,
        last_seen_at: row.get(3)?,
        user_agent: row.get(4)?,
    })
}

impl Storage for SqliteStorage {
    fn insert_session(&mut self, r: &SessionRecord) -> Result<(), StoreError> {
        let p = params![r.id, r.user, r.created_at, r.last_seen_at, r.user_agent];
        self.run(sql::INSERT_SESSION, p).map(|_| ())
    }
    fn session(&mut self, user: &str, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        self.db
            .query_row(sql::SELECT_SESSION, params![id, user], session_of)
            .optional()
            .map_err(failed)
    }
    fn set_last_seen(&mut self, user: &str, id: &str, at: u64) -> Result<(), StoreError> {
        self.run(sql::TOUCH_SESSION, params![at, id, user])
            .map(|_| ())
    }
    fn delete_session(&mut self, user: &str, id: &str) -> Result<u32, StoreError> {
        self.run(sql::DELETE_SESSION, params![id, user])
    }
    fn delete_user_sessions(&mut self, user: &str) -> Result<u32, StoreError> {
        self.run(sql::DELETE_USER_SESSIONS, params![user])
    }
    fn user_sessions(&mut self, user: &str) -> Result<Vec<SessionRecord>, StoreError> {
        let mut statement = self.db.prepare(sql::SELECT_USER_SESSIONS).map_err(failed)?;
        let rows = statement
            .query_map(params![user], session_of)
            .map_err(failed)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(failed)
    }
    fn keep_most_recent(&mut self, user: &str, keep: u32) -> Result<u32, StoreError> {
        self.run(sql::KEEP_MOST_RECENT, params![user, keep])
    }
    fn delete_sessions_before(&mut self, cutoff: Cutoff) -> Result<u32, StoreError> {
        let p = params![cutoff.created_before, cutoff.seen_before];
        self.run(sql::PRUNE_SESSIONS, p)
    }
    fn earliest_session(&mut self) -> Result<Option<(u64, u64)>, StoreError> {
        self.db
            .query_row(sql::EARLIEST_SESSION, [], |row| {
                Ok(row
                    .get::<_, Option<u64>>(0)?
                    .zip(row.get::<_, Option<u64>>(1)?))
            })
            .map_err(failed)
    }
    fn spend(&mut self, key: &str, expires_at: u64) -> Result<bool, StoreError> {
        self.run(sql::SPEND, params![key, expires_at])
            .map(|n| n > 0)
    }
    fn delete_spent_before(&mut self, now: u64) -> Result<u32, StoreError> {
        self.run(sql::PRUNE_SPENT, params![now])
    }
    fn set_signed_out(&mut self, at: u64, expires_at: u64) -> Result<(), StoreError> {
        self.run(sql::SET_SIGNED_OUT, params![at, expires_at])
            .map(|_| ())
    }
    fn signed_out_at(&mut self, now: u64) -> Result<Option<u64>, StoreError> {
        self.single(sql::SELECT_SIGNED_OUT, params![now])
    }
    fn delete_signed_out_before(&mut self, now: u64) -> Result<u32, StoreError> {
        self.run(sql::PRUNE_SIGNED_OUT, params![now])
    }
    fn earliest_expiry(&mut self) -> Result<Option<u64>, StoreError> {
        self.single(sql::EARLIEST_EXPIRY, [])
    }
}

fn signed_in_at(s: &mut impl Storage, n: u8, at: u64) -> StoreAnswer {
    serve(s, sign_in(record(ADA, n, at, at)), at, LIMITS)
}

fn sqlite_with(records: &[SessionRecord]) -> SqliteStorage {
    let mut s = SqliteStorage::new();
    for r in records {
        s.insert_session(r).unwrap();
    }
    s
}

// ------------------------------------------------------------ the schema

#[test]
fn the_schema_can_run_again_on_an_object_that_has_it() {
    let s = SqliteStorage::new();
    for statement in sql::SCHEMA {
        s.db.execute(statement, []).unwrap();
    }
}

fn plan(s: &SqliteStorage, query: &str) -> String {
    let mut statement =
        s.db.prepare(&format!("EXPLAIN QUERY PLAN {query}"))
            .unwrap();
    let n = statement.parameter_count();
    let values: Vec<u64> = vec![0; n];
    let rows = statement
        .query_map(rusqlite::params_from_iter(values), |r| {
            r.get::<_, String>(3)
        })
        .unwrap();
    rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
}

#[test]
fn the_queries_that_filter_on_time_use_an_index() {
    let s = SqliteStorage::new();
    for query in [
        sql::PRUNE_SESSIONS,
        sql::PRUNE_SPENT,
        sql::EARLIEST_SESSION,
        sql::EARLIEST_EXPIRY,
    ] {
        let plan = plan(&s, query);
        // A scan of a table (not of its index, not of the constant row a
        // scalar subquery reads); `signed_out` holds one row at most.
        let full_scan = plan.split("; ").any(|step| {
            step.starts_with("SCAN")
                && !step.contains("INDEX")
                && !step.contains("CONSTANT ROW")
                && !step.contains("signed_out")
        });
        assert!(!full_scan, "{query}: {plan}");
    }
}

// ------------------------------------------------------------ counts

#[test]
fn counts_are_rows_changed_not_index_writes() {
    // Three indexed columns: the runtime's rowsWritten would say more.
    let mut s = sqlite_with(&[record(ADA, 1, NOW, NOW), record(ADA, 2, NOW, NOW)]);
    assert_eq!(s.delete_session(ADA, &id(1)), Ok(1));
    assert_eq!(s.delete_session(ADA, &id(1)), Ok(0));
    assert_eq!(s.delete_user_sessions(ADA), Ok(1));
}

#[test]
fn a_spent_key_is_fresh_once() {
    let mut s = SqliteStorage::new();
    assert_eq!(s.spend("k", NOW), Ok(true));
    assert_eq!(s.spend("k", NOW + 5), Ok(false));
}

// ------------------------------------------------------------ the object over SQLite

#[test]
fn a_replayed_state_creates_nothing() {
    let mut s = SqliteStorage::new();
    assert_eq!(signed_in_at(&mut s, 1, NOW), StoreAnswer::Created);
    let replay = serve(
        &mut s,
        StoreRequest::SignIn {
            session: record(ADA, 2, NOW, NOW),
            state: state_key(&format!("state of {}", id(1))),
            state_until: NOW + 600,
        },
        NOW,
        LIMITS,
    );
    assert_eq!(replay, StoreAnswer::StateSpent);
    assert_eq!(s.count("sessions"), 1);
}

#[test]
fn sign_in_past_the_cap_ends_the_least_recently_seen() {
    let mut s = SqliteStorage::new();
    for n in 0..100u8 {
        assert_eq!(
            signed_in_at(&mut s, n, NOW + u64::from(n)),
            StoreAnswer::Created
        );
    }
    // Session 0 was seen last at NOW; session 1 at NOW + 1...; use 5 now.
    assert_eq!(check(&mut s, ADA, 5, NOW + 200), StoreAnswer::Live);
    assert_eq!(signed_in_at(&mut s, 100, NOW + 201), StoreAnswer::Created);
    assert_eq!(s.count("sessions"), 100);
    assert_eq!(check(&mut s, ADA, 0, NOW + 201), StoreAnswer::SessionEnded);
    for n in [1, 5, 99, 100] {
        assert_eq!(check(&mut s, ADA, n, NOW + 201), StoreAnswer::Live, "{n}");
    }
    // The checks just now made 1 recent: 2 is the least recently seen.
    assert_eq!(signed_in_at(&mut s, 101, NOW + 202), StoreAnswer::Created);
    assert_eq!(check(&mut s, ADA, 2, NOW + 202), StoreAnswer::SessionEnded);
    assert_eq!(check(&mut s, ADA, 1, NOW + 202), StoreAnswer::Live);
    assert_eq!(s.count("sessions"), 100);
}

#[test]
fn within_one_second_the_cap_ends_the_oldest_sign_in() {
    let mut s = SqliteStorage::new();
    for n in 0..101u8 {
        assert_eq!(signed_in_at(&mut s, n, NOW), StoreAnswer::Created);
        assert_eq!(check(&mut s, ADA, n, NOW), StoreAnswer::Live, "{n}");
    }
    assert_eq!(s.count("sessions"), 100);
    assert_eq!(check(&mut s, ADA, 0, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn sessions_past_use_do_not_count_against_the_cap() {
    let old = NOW - 20_000;
    let records: Vec<SessionRecord> = (0..99u8).map(|n| record(ADA, n, old, old)).collect();
    let mut s = sqlite_with(&records);
    assert_eq!(signed_in_at(&mut s, 150, NOW - 50), StoreAnswer::Created);
    assert_eq!(signed_in_at(&mut s, 151, NOW), StoreAnswer::Created);
    assert_eq!(
        s.count("sessions"),
        2,
        "the old ones were pruned, not capped"
    );
    assert_eq!(check(&mut s, ADA, 150, NOW), StoreAnswer::Live);
}

#[test]
fn the_list_is_most_recently_seen_first_then_most_recently_created() {
    let mut s = sqlite_with(&[
        record(ADA, 2, NOW - 500, NOW - 30),
        record(ADA, 1, NOW - 500, NOW - 10),
        record(ADA, 3, NOW - 500, NOW - 30),
        record(ADA, 4, NOW - 500, NOW - 20_000),
    ]);
    let answer = serve(
        &mut s,
        StoreRequest::List {
            user: ADA.into(),
            id: id(1),
        },
        NOW,
        LIMITS,
    );
    let ids: Vec<String> = match answer {
        StoreAnswer::Sessions { sessions } => sessions.into_iter().map(|v| v.id).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(ids, vec![id(1), id(3), id(2)]);
}

#[test]
fn the_prune_deletes_what_the_rule_says_and_nothing_else() {
    let backs = [0u64, 999, 1_000, 1_119, 1_120, 1_121, 9_999, 10_000, 10_001];
    let records: Vec<SessionRecord> = backs
        .into_iter()
        .enumerate()
        .map(|(n, back)| record(ADA, n as u8, NOW - back, NOW - back.min(1_200)))
        .collect();
    let mut s = sqlite_with(&records);
    s.spend("gone", NOW - 1).unwrap();
    s.spend("kept", NOW).unwrap();
    s.set_signed_out(NOW - 100, NOW - 1).unwrap();
    let usable = records.iter().filter(|r| r.is_usable(LIMITS, NOW)).count();
    let pruned = prune(&mut s, NOW, LIMITS).unwrap();
    assert_eq!(pruned as usize, records.len() - usable + 2);
    assert_eq!(s.count("sessions") as usize, usable);
    assert_eq!(s.count("spent"), 1);
    assert_eq!(s.count("signed_out"), 0);
}

#[test]
fn upkeep_finds_nothing_left_once_all_is_past_use() {
    let mut s = SqliteStorage::new();
    signed_in_at(&mut s, 1, NOW);
    let answer = serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: Some(NOW + 700),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::Ended { count: 1 });
    // The state and the mark are kept while they matter...
    assert_eq!(
        upkeep(&mut s, NOW, LIMITS, None),
        Ok(Upkeep::Alarm(NOW + 601))
    );
    // ...and then nothing is.
    assert_eq!(
        upkeep(&mut s, NOW + 701, LIMITS, None),
        Ok(Upkeep::DeleteAll)
    );
    for table in ["sessions", "spent", "signed_out"] {
        assert_eq!(s.count(table), 0, "{table}");
    }
}

fn upgrade(s: &mut impl Storage, n: u8, token: &str, signed_at: u64, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::Upgrade {
            session: record(ADA, n, signed_at, now),
            token: flask_key(token),
            signed_at,
            token_until: LIMITS.flask_usable_until(signed_at),
        },
        now,
        LIMITS,
    )
}

#[test]
fn a_flask_token_is_upgraded_once() {
    let mut s = SqliteStorage::new();
    assert_eq!(
        upgrade(&mut s, 1, "p.t.sig", NOW - 5, NOW),
        StoreAnswer::Created
    );
    assert_eq!(
        upgrade(&mut s, 2, "p.t.sig", NOW - 5, NOW + 1),
        StoreAnswer::SessionEnded
    );
    assert_eq!(s.count("sessions"), 1);
    assert_eq!(
        upgrade(&mut s, 3, "p.t.other", NOW - 5, NOW + 1),
        StoreAnswer::Created
    );
}

#[test]
fn no_flask_token_signed_before_signing_out_everywhere_is_upgraded() {
    let mut s = SqliteStorage::new();
    signed_in_at(&mut s, 1, NOW);
    let until = LIMITS.flask_usable_until(NOW);
    serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
            flask_until: Some(until),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(
        upgrade(&mut s, 2, "a.b.old", NOW - 5, NOW + 1),
        StoreAnswer::SessionEnded
    );
    assert_eq!(
        upgrade(&mut s, 3, "a.b.same", NOW, NOW + 1),
        StoreAnswer::SessionEnded
    );
    assert_eq!(
        upgrade(&mut s, 4, "a.b.new", NOW + 1, NOW + 2),
        StoreAnswer::Created
    );
    assert_eq!(s.count("sessions"), 1);
}

#[test]
fn signing_out_everywhere_without_flask_tokens_remembers_nothing() {
    let mut s = SqliteStorage::new();
    signed_in_at(&mut s, 1, NOW);
    let request = StoreRequest::EndAll {
        user: ADA.into(),
        id: id(1),
        flask_until: None,
    };
    serve(&mut s, request, NOW, LIMITS);
    assert_eq!(s.count("signed_out"), 0);
}

// ------------------------------------------------------------ both storages agree

/// A run touching every request kind, at moving times.
fn script() -> Vec<(u64, StoreRequest)> {
    let mut steps = Vec::new();
    for n in 0..105u8 {
        steps.push((
            NOW + u64::from(n) * 7,
            sign_in(record(ADA, n, NOW, NOW + u64::from(n) * 7)),
        ));
    }
    let user = || ADA.to_string();
    steps.push((
        NOW + 800,
        StoreRequest::Check {
            user: user(),
            id: id(50),
        },
    ));
    steps.push((
        NOW + 801,
        StoreRequest::Check {
            user: user(),
            id: id(2),
        },
    ));
    steps.push((
        NOW + 802,
        StoreRequest::List {
            user: user(),
            id: id(50),
        },
    ));
    steps.push((
        NOW + 803,
        StoreRequest::EndOther {
            user: user(),
            id: id(50),
            target: id(60),
        },
    ));
    steps.push((
        NOW + 804,
        StoreRequest::EndOther {
            user: user(),
            id: id(50),
            target: id(60),
        },
    ));
    steps.push((
        NOW + 805,
        StoreRequest::End {
            user: user(),
            id: id(70),
        },
    ));
    steps.push((
        NOW + 806,
        StoreRequest::End {
            user: user(),
            id: id(70),
        },
    ));
    steps.push((
        NOW + 1_500,
        StoreRequest::List {
            user: user(),
            id: id(104),
        },
    ));
    steps.push((
        NOW + 1_600,
        StoreRequest::EndAll {
            user: user(),
            id: id(104),
            flask_until: Some(NOW + 3_000),
        },
    ));
    steps.push((
        NOW + 1_601,
        StoreRequest::Check {
            user: user(),
            id: id(104),
        },
    ));
    steps
}

#[test]
fn sqlite_and_memory_storage_answer_alike() {
    let mut memory = MemoryStorage::default();
    let mut sqlite = SqliteStorage::new();
    let mut count = 0;
    for (now, request) in script() {
        let a = serve(&mut memory, request.clone(), now, LIMITS);
        let b = serve(&mut sqlite, request.clone(), now, LIMITS);
        assert_eq!(a, b, "{request:?} at {now}");
        assert!(!matches!(a, StoreAnswer::Failed { .. }), "{a:?}");
        assert_eq!(
            upkeep(&mut memory, now, LIMITS, None),
            upkeep(&mut sqlite, now, LIMITS, None)
        );
        count += 1;
    }
    assert_eq!(count, script().len());
    assert_eq!(memory.sessions.len() as u64, sqlite.count("sessions"));
}
