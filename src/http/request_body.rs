//! Reading a body within its bounds, as plain logic the edge drives with the
//! chunks the runtime delivers: past `max` bytes the body is too large, but
//! reading (and dropping) a request's body goes on up to `drain` bytes in
//! all, because `wrangler dev`'s proxy fails the connection's next request
//! when a Worker answers 413 without reading an oversize chunked body. An
//! upstream answer is read the same way, without draining (`capped`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    Unreadable,
}

/// Whether a declared `Content-Length` lets the body be read in one go: the
/// runtime holds a body to its declared length, and one read is much cheaper
/// than pulling chunks through wasm (`/reauth` under `wrangler dev`: 88 % of
/// `GET /auth/config`'s throughput streamed, 95-98 % so; `make bench`).
pub fn fits_in_one_read(content_length: Option<&str>, max: usize) -> bool {
    content_length
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|len| len <= max)
}

/// A body read in one go is still held to `max`, whatever it declared.
pub fn check_whole(body: Vec<u8>, max: usize) -> Result<Vec<u8>, BodyError> {
    if body.len() > max {
        Err(BodyError::TooLarge)
    } else {
        Ok(body)
    }
}

/// What the reader does after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Read,
    Stop,
}

#[derive(Debug)]
pub struct BoundedBody {
    max: usize,
    drain: usize,
    total: usize,
    body: Vec<u8>,
}

impl BoundedBody {
    pub fn new(max: usize, drain: usize) -> Self {
        BoundedBody {
            max,
            drain,
            total: 0,
            body: Vec::new(),
        }
    }

    /// An upstream answer (CONTRACT.md "Hardening"): nothing is drained, so
    /// reading stops at the chunk that takes the body past `cap`, and that
    /// chunk is not kept. Fed the chunks the fetch API delivers, the check
    /// holds for what was decoded, whatever `Content-Length` said.
    pub fn capped(cap: usize) -> Self {
        BoundedBody::new(cap, cap)
    }

    /// Keeps the chunk while the body is within `max`; past it keeps only
    /// the count, until `drain` bytes have gone by.
    pub fn push(&mut self, chunk: &[u8]) -> Next {
        self.total = self.total.saturating_add(chunk.len());
        if self.total <= self.max {
            self.body.extend_from_slice(chunk);
            Next::Read
        } else if self.total >= self.drain {
            Next::Stop
        } else {
            Next::Read
        }
    }

    /// The stream ended (or the reader stopped).
    pub fn finish(self) -> Result<Vec<u8>, BodyError> {
        if self.total > self.max {
            Err(BodyError::TooLarge)
        } else {
            Ok(self.body)
        }
    }

    /// The stream broke off: a body already past the limit is still too
    /// large, else it cannot be read.
    pub fn broken(self) -> BodyError {
        if self.total > self.max {
            BodyError::TooLarge
        } else {
            BodyError::Unreadable
        }
    }
}

#[cfg(test)]
mod tests;
