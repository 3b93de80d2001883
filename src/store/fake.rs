//! A store for tests: the real object logic (`object::serve`) over one
//! `MemoryStorage` per object name, reached through the real line protocol,
//! with a clock the test sets and failures it can switch on.

use super::object;
use super::protocol::{StoreAnswer, StoreRequest};
use super::storage::MemoryStorage;
use super::{Limits, StoreError, Transport};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

pub struct FakeStore {
    pub objects: RefCell<BTreeMap<String, MemoryStorage>>,
    pub now: Cell<u64>,
    pub limits: Limits,
    /// When set, every call fails with it before reaching an object.
    pub fail: RefCell<Option<StoreError>>,
    /// The object named by each call, in order.
    pub calls: RefCell<Vec<String>>,
}

impl FakeStore {
    pub fn new(now: u64, limits: Limits) -> Self {
        FakeStore {
            objects: RefCell::default(),
            now: Cell::new(now),
            limits,
            fail: RefCell::new(None),
            calls: RefCell::default(),
        }
    }

    pub fn fail_with(&self, err: StoreError) {
        *self.fail.borrow_mut() = Some(err);
    }

    /// Rows written so far across all objects.
    pub fn writes(&self) -> usize {
        self.objects.borrow().values().map(|s| s.writes).sum()
    }

    pub fn session_count(&self) -> usize {
        self.objects
            .borrow()
            .values()
            .map(|s| s.sessions.len())
            .sum()
    }
}

impl Transport for FakeStore {
    async fn send(&self, object_name: &str, body: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        self.calls.borrow_mut().push(object_name.to_string());
        if let Some(err) = self.fail.borrow().clone() {
            return Err(err);
        }
        let request = StoreRequest::decode(&body)
            .map_err(|e| StoreError::BadAnswer(format!("fake got a bad request: {}", e.0)))?;
        assert_eq!(
            request.object_name(),
            object_name,
            "a request goes to the object it names"
        );
        let mut objects = self.objects.borrow_mut();
        let storage = objects.entry(object_name.to_string()).or_default();
        let answer = object::serve(storage, request, self.now.get(), self.limits);
        Ok(StoreAnswer::encode(&answer))
    }
}
