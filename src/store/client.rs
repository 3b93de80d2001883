//! The Worker's side: typed calls over a `Transport` that carries one
//! request's bytes to the object it names and brings the answer's bytes
//! back (a Durable Object stub on Workers, with its deadline; a fake here).

use super::protocol::{flask_key, state_key, StoreAnswer, StoreRequest};
use super::{SessionRecord, SessionView, StoreError};

#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `body` to the object named `object` and answers its reply.
    /// No answer within `STORE_TIMEOUT_SECS` is `StoreError::Timeout`.
    async fn send(&self, object: &str, body: Vec<u8>) -> Result<Vec<u8>, StoreError>;
}

impl<T: Transport> Transport for &T {
    async fn send(&self, object: &str, body: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        (*self).send(object, body).await
    }
}

/// The answer to a call made with a session: `Ended` when that session is
/// not live (`401 session_ended`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked<T> {
    Live(T),
    Ended,
}

pub struct Client<T> {
    transport: T,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T) -> Self {
        Client { transport }
    }

    async fn call(&self, request: StoreRequest) -> Result<StoreAnswer, StoreError> {
        let object = request.object_name();
        let bytes = self.transport.send(&object, request.encode()).await?;
        match StoreAnswer::decode(&bytes) {
            Ok(StoreAnswer::Failed { detail }) => Err(StoreError::Storage(detail)),
            Ok(answer) => Ok(answer),
            Err(e) => Err(StoreError::BadAnswer(e.0.into())),
        }
    }

    /// `/login`: spends the sign-in state `state` (its cookie usable until
    /// `state_until`) and creates `session`, in one call to the user's
    /// object; `false`, and nothing created, when the state was spent already.
    pub async fn sign_in(
        &self,
        session: SessionRecord,
        state: &str,
        state_until: u64,
    ) -> Result<bool, StoreError> {
        let request = StoreRequest::SignIn {
            session,
            state: state_key(state),
            state_until,
        };
        match self.call(request).await? {
            StoreAnswer::Created => Ok(true),
            StoreAnswer::StateSpent => Ok(false),
            other => Err(unexpected("sign_in", &other)),
        }
    }

    /// `/reauth` with a classic Flask token signed at `signed_at` (usable
    /// until `token_until`): `Ended` when it was upgraded already, or the
    /// user signed out everywhere since it was signed.
    pub async fn upgrade(
        &self,
        session: SessionRecord,
        token: &str,
        signed_at: u64,
        token_until: u64,
    ) -> Result<Checked<()>, StoreError> {
        let request = StoreRequest::Upgrade {
            session,
            token: flask_key(token),
            signed_at,
            token_until,
        };
        match self.call(request).await? {
            StoreAnswer::Created => Ok(Checked::Live(())),
            StoreAnswer::SessionEnded => Ok(Checked::Ended),
            other => Err(unexpected("upgrade", &other)),
        }
    }

    /// `renewing`: the Worker answers a renewed token, signed now.
    pub async fn check(
        &self,
        user: &str,
        id: &str,
        renewing: bool,
    ) -> Result<Checked<()>, StoreError> {
        let (user, id) = (user.into(), id.into());
        let request = match renewing {
            true => StoreRequest::Renew { user, id },
            false => StoreRequest::Check { user, id },
        };
        match self.call(request).await? {
            StoreAnswer::Live => Ok(Checked::Live(())),
            StoreAnswer::SessionEnded => Ok(Checked::Ended),
            other => Err(unexpected("check", &other)),
        }
    }

    pub async fn list(
        &self,
        user: &str,
        id: &str,
    ) -> Result<Checked<Vec<SessionView>>, StoreError> {
        let request = StoreRequest::List {
            user: user.into(),
            id: id.into(),
        };
        match self.call(request).await? {
            StoreAnswer::Sessions { sessions } => Ok(Checked::Live(sessions)),
            StoreAnswer::SessionEnded => Ok(Checked::Ended),
            other => Err(unexpected("list", &other)),
        }
    }

    /// `/logout`: how many sessions ended (1, or 0 when it had already).
    pub async fn end(&self, user: &str, id: &str) -> Result<u32, StoreError> {
        let request = StoreRequest::End {
            user: user.into(),
            id: id.into(),
        };
        match self.call(request).await? {
            StoreAnswer::Ended { count } => Ok(count),
            other => Err(unexpected("end", &other)),
        }
    }

    /// `Live(false)`: `target` is not a live session of this user.
    pub async fn end_other(
        &self,
        user: &str,
        id: &str,
        target: &str,
    ) -> Result<Checked<bool>, StoreError> {
        let request = StoreRequest::EndOther {
            user: user.into(),
            id: id.into(),
            target: target.into(),
        };
        match self.call(request).await? {
            StoreAnswer::Ended { count } => Ok(Checked::Live(count > 0)),
            StoreAnswer::NotFound => Ok(Checked::Live(false)),
            StoreAnswer::SessionEnded => Ok(Checked::Ended),
            other => Err(unexpected("end_other", &other)),
        }
    }

    /// `flask_until`: remember the moment until then (Flask tokens are
    /// accepted), so that none signed before it is upgraded afterwards.
    pub async fn end_all(
        &self,
        user: &str,
        id: &str,
        flask_until: Option<u64>,
    ) -> Result<Checked<u32>, StoreError> {
        let request = StoreRequest::EndAll {
            user: user.into(),
            id: id.into(),
            flask_until,
        };
        match self.call(request).await? {
            StoreAnswer::Ended { count } => Ok(Checked::Live(count)),
            StoreAnswer::SessionEnded => Ok(Checked::Ended),
            other => Err(unexpected("end_all", &other)),
        }
    }
}

/// Names the answer's kind only: a listing holds session ids, which stay
/// out of the log.
fn unexpected(op: &str, answer: &StoreAnswer) -> StoreError {
    let kind = match answer {
        StoreAnswer::Created => "created",
        StoreAnswer::Live => "live",
        StoreAnswer::SessionEnded => "session_ended",
        StoreAnswer::Ended { .. } => "ended",
        StoreAnswer::NotFound => "not_found",
        StoreAnswer::Sessions { .. } => "sessions",
        StoreAnswer::StateSpent => "state_spent",
        StoreAnswer::Failed { .. } => "failed",
    };
    StoreError::BadAnswer(format!("{op} answered {kind}"))
}
