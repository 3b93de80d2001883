use super::*;

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

fn create(r: SessionRecord) -> StoreRequest {
    StoreRequest::Create { session: r }
}

fn spend_request(expires_at: u64) -> StoreRequest {
    StoreRequest::SpendState {
        key: state_key("st"),
        expires_at,
    }
}

#[test]
fn a_fresh_object_sets_the_alarm_on_its_first_row() {
    assert!(needs_alarm(None, &create(record(ADA, 1, NOW, NOW)), LIMITS));
    assert!(needs_alarm(None, &spend_request(NOW + 660), LIMITS));
}

#[test]
fn no_new_alarm_when_the_set_one_comes_before_the_row_ends() {
    let session = record(ADA, 1, NOW, NOW);
    let due = session.usable_until(LIMITS) + 1;
    assert!(!needs_alarm(Some(NOW + 601), &create(session), LIMITS));
    assert!(!needs_alarm(
        Some(due),
        &create(record(ADA, 2, NOW, NOW)),
        LIMITS
    ));
    assert!(!needs_alarm(
        Some(NOW + 661),
        &spend_request(NOW + 660),
        LIMITS
    ));
}

#[test]
fn a_new_alarm_when_the_row_ends_before_the_set_one() {
    let session = record(ADA, 1, NOW, NOW);
    let due = session.usable_until(LIMITS) + 1;
    assert!(needs_alarm(Some(due + 1), &create(session), LIMITS));
    assert!(needs_alarm(
        Some(NOW + 662),
        &spend_request(NOW + 660),
        LIMITS
    ));
}

#[test]
fn requests_that_add_no_row_set_no_alarm() {
    let check = StoreRequest::Check {
        user: ADA.into(),
        id: id(1),
    };
    assert!(!needs_alarm(None, &check, LIMITS));
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
