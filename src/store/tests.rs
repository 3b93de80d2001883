use super::fake::FakeStore;
use super::object::{next_alarm, prune, serve};
use super::protocol::{state_key, StoreAnswer, StoreRequest};
use super::storage::{MemoryStorage, Storage};
use super::*;
use crate::testkit::block_on;

const NOW: u64 = 1_800_000_000;
const LIMITS: Limits = Limits {
    max_token_age: 1_000,
    max_session_age: 10_000,
};
const ADA: &str = "1001";
const BOB: &str = "2002";

fn id(n: u8) -> String {
    // 22 base64url characters, as new_session_id gives.
    format!("{:A>22}", n)
}

fn record(user: &str, n: u8, created_at: u64, last_seen_at: u64) -> SessionRecord {
    SessionRecord {
        id: id(n),
        user: user.into(),
        created_at,
        last_seen_at,
        user_agent: format!("agent {n}"),
    }
}

fn storage_with(records: &[SessionRecord]) -> MemoryStorage {
    let mut s = MemoryStorage::default();
    for r in records {
        s.insert_session(r).unwrap();
    }
    s.writes = 0;
    s
}

fn check(s: &mut MemoryStorage, user: &str, n: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::Check {
            user: user.into(),
            id: id(n),
        },
        now,
        LIMITS,
    )
}

fn end(s: &mut MemoryStorage, user: &str, n: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::End {
            user: user.into(),
            id: id(n),
        },
        now,
        LIMITS,
    )
}

// ------------------------------------------------------------ ids and fields

#[test]
fn new_session_id_is_128_bits_of_base64url() {
    let sid = new_session_id().unwrap();
    assert_eq!(sid.len(), 22);
    assert!(is_session_id(&sid));
    let bytes = base64::Engine::decode(&B64, &sid).unwrap();
    assert_eq!(bytes.len(), 16);
}

#[test]
fn new_session_ids_differ() {
    let ids: std::collections::HashSet<String> =
        (0..100).map(|_| new_session_id().unwrap()).collect();
    assert_eq!(ids.len(), 100);
}

#[test]
fn is_session_id_rejects_wrong_length_and_characters() {
    assert!(is_session_id(&id(1)));
    assert!(!is_session_id(""));
    assert!(!is_session_id(&format!("{}A", id(1))));
    assert!(!is_session_id(&id(1)[1..]));
    assert!(!is_session_id("AAAAAAAAAAAAAAAAAAAA/+"));
    assert!(!is_session_id("AAAAAAAAAAAAAAAAAAAAA="));
}

#[test]
fn clip_user_agent_keeps_256_characters_not_bytes() {
    let long = "é".repeat(300);
    let clipped = clip_user_agent(Some(&long));
    assert_eq!(clipped.chars().count(), 256);
    assert_eq!(clipped.len(), 512);
    assert_eq!(clip_user_agent(Some("short")), "short");
    assert_eq!(clip_user_agent(None), "");
}

// ------------------------------------------------------------ create and check

#[test]
fn created_session_is_live() {
    let mut s = MemoryStorage::default();
    let answer = serve(
        &mut s,
        StoreRequest::Create {
            session: record(ADA, 1, NOW, NOW),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::Created);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn create_clips_user_agent() {
    let mut s = MemoryStorage::default();
    let mut r = record(ADA, 1, NOW, NOW);
    r.user_agent = "x".repeat(1000);
    serve(&mut s, StoreRequest::Create { session: r }, NOW, LIMITS);
    assert_eq!(s.sessions[0].user_agent.len(), USER_AGENT_MAX_CHARS);
}

#[test]
fn create_refuses_malformed_id() {
    let mut s = MemoryStorage::default();
    let mut r = record(ADA, 1, NOW, NOW);
    r.id = "short".into();
    let answer = serve(&mut s, StoreRequest::Create { session: r }, NOW, LIMITS);
    assert!(matches!(answer, StoreAnswer::Failed { .. }));
    assert!(s.sessions.is_empty());
}

#[test]
fn create_refuses_duplicate_id() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let answer = serve(
        &mut s,
        StoreRequest::Create {
            session: record(ADA, 1, NOW, NOW),
        },
        NOW,
        LIMITS,
    );
    assert!(matches!(answer, StoreAnswer::Failed { .. }));
    assert_eq!(s.sessions.len(), 1);
}

#[test]
fn check_of_unknown_id_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(check(&mut s, ADA, 2, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_of_malformed_id_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    let answer = serve(
        &mut s,
        StoreRequest::Check {
            user: ADA.into(),
            id: "' OR 1=1 --".into(),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::SessionEnded);
}

#[test]
fn check_of_another_users_session_is_ended() {
    let mut s = storage_with(&[record(BOB, 1, NOW, NOW)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_within_the_minute_does_not_write() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    for t in 0..TOUCH_INTERVAL_SECS {
        assert_eq!(check(&mut s, ADA, 1, NOW + t), StoreAnswer::Live);
    }
    assert_eq!(s.writes, 0);
    assert_eq!(s.sessions[0].last_seen_at, NOW);
}

#[test]
fn check_a_minute_later_writes_last_seen() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    check(&mut s, ADA, 1, NOW + TOUCH_INTERVAL_SECS);
    assert_eq!(s.writes, 1);
    assert_eq!(s.sessions[0].last_seen_at, NOW + TOUCH_INTERVAL_SECS);
}

#[test]
fn check_past_max_session_age_is_ended() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_001, NOW - 10)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_at_max_session_age_is_live() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_000, NOW - 10)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn check_unseen_past_max_token_age_and_slack_is_ended() {
    let seen = NOW - 1_000 - SEEN_SLACK_SECS - 1;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn check_unseen_within_max_token_age_and_slack_is_live() {
    // A token issued up to a minute after the last write may still be valid.
    let seen = NOW - 1_000 - SEEN_SLACK_SECS;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

// ------------------------------------------------------------ ending

#[test]
fn end_of_live_session_answers_one() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 1 });
}

#[test]
fn ended_session_is_not_live() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    end(&mut s, ADA, 1, NOW);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn second_end_answers_zero() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    end(&mut s, ADA, 1, NOW);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
}

#[test]
fn end_of_unusable_row_answers_zero_and_deletes_it() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 20_000, NOW - 20_000)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
    assert!(s.sessions.is_empty());
}

#[test]
fn end_does_not_touch_another_users_session() {
    let mut s = storage_with(&[record(BOB, 1, NOW, NOW)]);
    assert_eq!(end(&mut s, ADA, 1, NOW), StoreAnswer::Ended { count: 0 });
    assert_eq!(check(&mut s, BOB, 1, NOW), StoreAnswer::Live);
}

#[test]
fn end_all_counts_the_live_sessions_and_ends_them() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW, NOW),
        record(ADA, 2, NOW, NOW),
        record(ADA, 3, NOW - 20_000, NOW - 20_000),
    ]);
    let answer = serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::Ended { count: 2 });
    assert!(s.sessions.is_empty());
}

#[test]
fn end_all_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    let answer = serve(
        &mut s,
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
        },
        NOW,
        LIMITS,
    );
    assert_eq!(answer, StoreAnswer::SessionEnded);
    assert_eq!(s.sessions.len(), 1);
}

fn end_other(s: &mut MemoryStorage, user: &str, caller: u8, target: &str) -> StoreAnswer {
    serve(
        s,
        StoreRequest::EndOther {
            user: user.into(),
            id: id(caller),
            target: target.into(),
        },
        NOW,
        LIMITS,
    )
}

#[test]
fn end_other_ends_the_target_and_keeps_the_caller() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW), record(ADA, 2, NOW, NOW)]);
    assert_eq!(
        end_other(&mut s, ADA, 1, &id(2)),
        StoreAnswer::Ended { count: 1 }
    );
    assert_eq!(check(&mut s, ADA, 2, NOW), StoreAnswer::SessionEnded);
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::Live);
}

#[test]
fn end_other_may_end_the_callers_own_session() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(
        end_other(&mut s, ADA, 1, &id(1)),
        StoreAnswer::Ended { count: 1 }
    );
    assert_eq!(check(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

#[test]
fn end_other_of_unknown_target_is_not_found() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(9)), StoreAnswer::NotFound);
    assert_eq!(end_other(&mut s, ADA, 1, "../etc"), StoreAnswer::NotFound);
}

#[test]
fn end_other_of_another_users_session_is_not_found_and_it_survives() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW), record(BOB, 2, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(2)), StoreAnswer::NotFound);
    assert_eq!(check(&mut s, BOB, 2, NOW), StoreAnswer::Live);
}

#[test]
fn end_other_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    assert_eq!(end_other(&mut s, ADA, 1, &id(2)), StoreAnswer::SessionEnded);
    assert_eq!(s.sessions.len(), 1);
}

// ------------------------------------------------------------ listing

fn list(s: &mut MemoryStorage, user: &str, caller: u8, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::List {
            user: user.into(),
            id: id(caller),
        },
        now,
        LIMITS,
    )
}

fn listed_ids(answer: StoreAnswer) -> Vec<String> {
    match answer {
        StoreAnswer::Sessions { sessions } => sessions.into_iter().map(|v| v.id).collect(),
        other => panic!("not a listing: {other:?}"),
    }
}

#[test]
fn list_is_most_recently_seen_first() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 500, NOW - 300),
        record(ADA, 2, NOW - 500, NOW - 100),
        record(ADA, 3, NOW - 500, NOW - 200),
    ]);
    // The caller's own check touches it (it was seen more than a minute ago).
    assert_eq!(
        listed_ids(list(&mut s, ADA, 1, NOW)),
        vec![id(1), id(2), id(3)]
    );
}

#[test]
fn list_leaves_out_unusable_and_other_users_sessions() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW, NOW),
        record(ADA, 2, NOW - 20_000, NOW - 20_000),
        record(BOB, 3, NOW, NOW),
    ]);
    assert_eq!(listed_ids(list(&mut s, ADA, 1, NOW)), vec![id(1)]);
}

#[test]
fn list_carries_the_recorded_fields() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 50, NOW - 10)]);
    match list(&mut s, ADA, 1, NOW) {
        StoreAnswer::Sessions { sessions } => assert_eq!(
            sessions,
            vec![SessionView {
                id: id(1),
                created_at: NOW - 50,
                last_seen_at: NOW - 10,
                user_agent: "agent 1".into(),
            }]
        ),
        other => panic!("not a listing: {other:?}"),
    }
}

#[test]
fn list_needs_a_live_caller() {
    let mut s = storage_with(&[record(ADA, 2, NOW, NOW)]);
    assert_eq!(list(&mut s, ADA, 1, NOW), StoreAnswer::SessionEnded);
}

// ------------------------------------------------------------ sign-in states

fn spend(s: &mut MemoryStorage, state: &str, now: u64) -> StoreAnswer {
    serve(
        s,
        StoreRequest::SpendState {
            key: state_key(state),
            expires_at: now + 600,
        },
        now,
        LIMITS,
    )
}

#[test]
fn state_is_fresh_the_first_time() {
    let mut s = MemoryStorage::default();
    assert_eq!(spend(&mut s, "abc", NOW), StoreAnswer::StateFresh);
}

#[test]
fn state_is_spent_the_second_time() {
    let mut s = MemoryStorage::default();
    spend(&mut s, "abc", NOW);
    assert_eq!(spend(&mut s, "abc", NOW + 1), StoreAnswer::StateSpent);
}

#[test]
fn another_state_is_still_fresh() {
    let mut s = MemoryStorage::default();
    spend(&mut s, "abc", NOW);
    assert_eq!(spend(&mut s, "abd", NOW), StoreAnswer::StateFresh);
}

#[test]
fn state_key_is_its_sha256_not_the_state() {
    let key = state_key("my-state");
    assert_eq!(key.len(), 64);
    assert!(!key.contains("my-state"));
    assert_eq!(
        state_key("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

// ------------------------------------------------------------ pruning and the alarm

#[test]
fn prune_deletes_sessions_past_max_session_age() {
    let mut s = storage_with(&[record(ADA, 1, NOW - 10_001, NOW)]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
    assert!(s.sessions.is_empty());
}

#[test]
fn prune_deletes_sessions_unseen_past_max_token_age() {
    let seen = NOW - 1_000 - SEEN_SLACK_SECS - 1;
    let mut s = storage_with(&[record(ADA, 1, seen, seen)]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
}

#[test]
fn prune_keeps_what_can_still_be_used() {
    let seen = NOW - 1_000 - SEEN_SLACK_SECS;
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 10_000, NOW),
        record(ADA, 2, seen, seen),
    ]);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 0);
    assert_eq!(s.sessions.len(), 2);
}

#[test]
fn prune_keeps_exactly_the_sessions_check_finds_usable() {
    // The SQL delete and the check's test must draw the same line.
    let mut records = Vec::new();
    let backs = [0u64, 999, 1_000, 1_119, 1_120, 1_121, 9_999, 10_000, 10_001];
    for (n, back) in backs.into_iter().enumerate() {
        records.push(record(ADA, n as u8, NOW - back, NOW - back.min(1_200)));
    }
    let usable: Vec<String> = records
        .iter()
        .filter(|r| r.is_usable(LIMITS, NOW))
        .map(|r| r.id.clone())
        .collect();
    let mut s = storage_with(&records);
    prune(&mut s, NOW, LIMITS).unwrap();
    let kept: Vec<String> = s.sessions.iter().map(|r| r.id.clone()).collect();
    assert_eq!(kept, usable);
    assert!(!kept.is_empty() && kept.len() < records.len());
}

#[test]
fn prune_deletes_expired_states_only() {
    let mut s = MemoryStorage::default();
    spend(&mut s, "old", NOW - 700);
    spend(&mut s, "new", NOW - 100);
    assert_eq!(prune(&mut s, NOW, LIMITS).unwrap(), 1);
    assert_eq!(spend(&mut s, "new", NOW), StoreAnswer::StateSpent);
    assert_eq!(spend(&mut s, "old", NOW), StoreAnswer::StateFresh);
}

#[test]
fn no_alarm_when_nothing_is_held() {
    let mut s = MemoryStorage::default();
    assert_eq!(next_alarm(&mut s, LIMITS).unwrap(), None);
}

#[test]
fn alarm_is_a_second_after_the_first_session_becomes_unusable() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 9_000, NOW),     // age: until NOW + 1000
        record(ADA, 2, NOW - 100, NOW - 500), // use: until NOW + 500 + slack
    ]);
    assert_eq!(
        next_alarm(&mut s, LIMITS).unwrap(),
        Some(NOW + 500 + SEEN_SLACK_SECS + 1)
    );
}

#[test]
fn alarm_comes_for_a_spent_state_too() {
    let mut s = MemoryStorage::default();
    spend(&mut s, "abc", NOW);
    assert_eq!(next_alarm(&mut s, LIMITS).unwrap(), Some(NOW + 601));
}

#[test]
fn alarm_after_prune_is_later_than_now() {
    let mut s = storage_with(&[
        record(ADA, 1, NOW - 10_000, NOW),
        record(ADA, 2, NOW - 10_001, NOW),
    ]);
    spend(&mut s, "abc", NOW - 600);
    prune(&mut s, NOW, LIMITS).unwrap();
    assert_eq!(next_alarm(&mut s, LIMITS).unwrap(), Some(NOW + 1));
}

#[test]
fn broken_storage_answers_failed() {
    let mut s = storage_with(&[record(ADA, 1, NOW, NOW)]);
    s.broken = true;
    assert!(matches!(
        check(&mut s, ADA, 1, NOW),
        StoreAnswer::Failed { .. }
    ));
}

// ------------------------------------------------------------ protocol

#[test]
fn request_is_one_field_per_line() {
    let r = StoreRequest::Check {
        user: ADA.into(),
        id: id(1),
    };
    assert_eq!(r.encode(), format!("check\n{ADA}\n{}", id(1)).into_bytes());
}

#[test]
fn newlines_and_backslashes_in_a_field_survive_the_wire() {
    let mut session = record(ADA, 1, NOW, NOW);
    session.user_agent = "a\nb\\n\\\nc\r".into();
    session.user = "odd\\user\n".into();
    let r = StoreRequest::Create { session };
    assert_eq!(StoreRequest::decode(&r.encode()), Ok(r));
}

#[test]
fn malformed_requests_are_refused() {
    for bytes in [
        &b""[..],
        b"check\n1001",
        b"check\n1001\nid\nextra",
        b"drop_table\n1001\nid",
        b"spend_state\nkey\nsoon",
        b"create\nid\nuser\n1\n-2\nua",
        b"check\n10\\x01\nid",
        b"check\n\xff\nid",
    ] {
        assert!(StoreRequest::decode(bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn malformed_answers_are_refused() {
    for bytes in [
        &b"<html>oops</html>"[..],
        b"ended",
        b"ended\n-1",
        b"ended\n99999999999",
        b"sessions\nid\n1\n2",
        b"live\n",
    ] {
        assert!(StoreAnswer::decode(bytes).is_err(), "{bytes:?}");
    }
}

#[test]
fn every_request_survives_the_wire() {
    let requests = vec![
        StoreRequest::Create {
            session: record(ADA, 1, NOW, NOW),
        },
        StoreRequest::Check {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::List {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::End {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::EndOther {
            user: ADA.into(),
            id: id(1),
            target: id(2),
        },
        StoreRequest::EndAll {
            user: ADA.into(),
            id: id(1),
        },
        StoreRequest::SpendState {
            key: state_key("s"),
            expires_at: NOW,
        },
    ];
    for r in requests {
        assert_eq!(StoreRequest::decode(&r.encode()), Ok(r));
    }
}

#[test]
fn every_answer_survives_the_wire() {
    let answers = vec![
        StoreAnswer::Created,
        StoreAnswer::Live,
        StoreAnswer::SessionEnded,
        StoreAnswer::Ended { count: 3 },
        StoreAnswer::NotFound,
        StoreAnswer::Sessions {
            sessions: vec![record(ADA, 1, NOW, NOW).view(), record(ADA, 2, 5, 6).view()],
        },
        StoreAnswer::Sessions { sessions: vec![] },
        StoreAnswer::StateFresh,
        StoreAnswer::StateSpent,
        StoreAnswer::Failed { detail: "x".into() },
    ];
    for a in answers {
        assert_eq!(StoreAnswer::decode(&a.encode()), Ok(a));
    }
}

#[test]
fn sessions_go_to_their_users_object() {
    let r = StoreRequest::EndAll {
        user: ADA.into(),
        id: id(1),
    };
    assert_eq!(r.object_name(), "user:1001");
    let c = StoreRequest::Create {
        session: record(ADA, 1, NOW, NOW),
    };
    assert_eq!(c.object_name(), "user:1001");
}

#[test]
fn states_spread_over_256_shards_by_hash() {
    let names: std::collections::HashSet<String> = (0..5000)
        .map(|n| {
            StoreRequest::SpendState {
                key: state_key(&n.to_string()),
                expires_at: NOW,
            }
            .object_name()
        })
        .collect();
    assert_eq!(names.len(), protocol::STATE_SHARDS);
    assert!(names
        .iter()
        .all(|n| n.starts_with("states:") && n.len() == 9));
}

// ------------------------------------------------------------ client over the fake

fn store() -> FakeStore {
    FakeStore::new(NOW, LIMITS)
}

fn signed_in(store: &FakeStore, user: &str, n: u8) {
    block_on(Client::new(store).create(record(user, n, NOW, NOW))).unwrap();
}

#[test]
fn client_round_trip_create_check_end() {
    let fake = store();
    let client = Client::new(&fake);
    signed_in(&fake, ADA, 1);
    assert_eq!(block_on(client.check(ADA, &id(1))), Ok(Checked::Live(())));
    assert_eq!(block_on(client.end(ADA, &id(1))), Ok(1));
    assert_eq!(block_on(client.check(ADA, &id(1))), Ok(Checked::Ended));
    assert_eq!(block_on(client.end(ADA, &id(1))), Ok(0));
}

#[test]
fn client_keeps_users_in_their_own_objects() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    signed_in(&fake, BOB, 2);
    let client = Client::new(&fake);
    assert_eq!(
        block_on(client.end_other(ADA, &id(1), &id(2))),
        Ok(Checked::Live(false))
    );
    assert_eq!(block_on(client.check(BOB, &id(2))), Ok(Checked::Live(())));
    assert_eq!(fake.objects.borrow().len(), 2);
}

#[test]
fn client_lists_and_ends_all() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    signed_in(&fake, ADA, 2);
    let client = Client::new(&fake);
    match block_on(client.list(ADA, &id(1))).unwrap() {
        Checked::Live(sessions) => assert_eq!(sessions.len(), 2),
        Checked::Ended => panic!("caller is live"),
    }
    assert_eq!(block_on(client.end_all(ADA, &id(2))), Ok(Checked::Live(2)));
    assert_eq!(fake.session_count(), 0);
    assert_eq!(block_on(client.list(ADA, &id(1))), Ok(Checked::Ended));
}

#[test]
fn client_checks_of_a_busy_session_write_once_a_minute() {
    let fake = store();
    signed_in(&fake, ADA, 1);
    let written = fake.writes();
    let client = Client::new(&fake);
    for t in 0..120 {
        fake.now.set(NOW + t);
        assert_eq!(block_on(client.check(ADA, &id(1))), Ok(Checked::Live(())));
    }
    assert_eq!(fake.writes() - written, 1);
}

#[test]
fn client_spends_a_state_once() {
    let fake = store();
    let client = Client::new(&fake);
    assert_eq!(block_on(client.spend_state("st", NOW + 600)), Ok(true));
    assert_eq!(block_on(client.spend_state("st", NOW + 600)), Ok(false));
}

#[test]
fn client_passes_on_a_transport_timeout() {
    let fake = store();
    fake.fail_with(StoreError::Timeout);
    let client = Client::new(&fake);
    assert_eq!(
        block_on(client.check(ADA, &id(1))),
        Err(StoreError::Timeout)
    );
}

#[test]
fn client_turns_a_failed_answer_into_a_storage_error() {
    let fake = store();
    fake.objects
        .borrow_mut()
        .entry("user:1001".into())
        .or_default()
        .broken = true;
    let client = Client::new(&fake);
    assert!(matches!(
        block_on(client.check(ADA, &id(1))),
        Err(StoreError::Storage(_))
    ));
}

struct Canned(&'static str);

impl Transport for Canned {
    async fn send(&self, _object: &str, _body: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        Ok(self.0.as_bytes().to_vec())
    }
}

#[test]
fn client_refuses_an_answer_that_is_not_json() {
    let client = Client::new(Canned("<html>oops</html>"));
    assert!(matches!(
        block_on(client.check(ADA, &id(1))),
        Err(StoreError::BadAnswer(_))
    ));
}

/// A canned answer that is the protocol, only not this request's.
fn valid(wire: &'static str) -> Canned {
    assert!(StoreAnswer::decode(wire.as_bytes()).is_ok(), "{wire}");
    Canned(wire)
}

#[test]
fn client_refuses_the_answer_to_another_request() {
    let client = Client::new(valid("state_fresh"));
    assert!(matches!(
        block_on(client.check(ADA, &id(1))),
        Err(StoreError::BadAnswer(_))
    ));
}

#[test]
fn client_never_reads_a_listing_as_live_for_end() {
    let client = Client::new(valid("sessions\nAAAAAAAAAAAAAAAAAAAAAA\n1\n1\n"));
    match block_on(client.end(ADA, &id(1))) {
        Err(StoreError::BadAnswer(detail)) => assert!(!detail.contains("AAAAAAAA")),
        other => panic!("expected a bad answer, got {other:?}"),
    }
}
