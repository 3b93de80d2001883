use super::*;

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
fn states_of_one_window_spread_over_its_shards_by_hash() {
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
    let window = NOW / protocol::STATE_WINDOW_SECS;
    assert!(names
        .iter()
        .all(|n| n.starts_with(&format!("states:{window}:"))));
}

#[test]
fn one_state_names_one_object_whenever_it_is_spent() {
    let spend = |expires_at| {
        StoreRequest::SpendState {
            key: state_key("st"),
            expires_at,
        }
        .object_name()
    };
    assert_eq!(spend(NOW), spend(NOW));
}

#[test]
fn states_of_another_window_go_to_other_objects() {
    let spend = |expires_at| {
        StoreRequest::SpendState {
            key: state_key("st"),
            expires_at,
        }
        .object_name()
    };
    assert_ne!(spend(NOW), spend(NOW + protocol::STATE_WINDOW_SECS));
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
