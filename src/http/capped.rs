//! A body read chunk by chunk up to a cap (CONTRACT.md "Hardening": an
//! upstream answer past 256 KiB is not read further). The edge feeds it the
//! chunks the fetch API delivers, so the check holds for what was decoded,
//! whatever `Content-Length` said, and the Worker never holds more than the
//! cap: the chunk that crosses it is refused, not kept.

/// The body went past the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverCap;

#[derive(Debug)]
pub struct CappedBody {
    bytes: Vec<u8>,
    cap: usize,
}

impl CappedBody {
    pub fn new(cap: usize) -> Self {
        CappedBody {
            bytes: Vec::new(),
            cap,
        }
    }

    /// Adds the next chunk; `OverCap` once the total would pass the cap, at
    /// which point the caller stops reading. A body of exactly `cap` bytes
    /// is fine.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), OverCap> {
        let room = self.cap - self.bytes.len();
        if chunk.len() > room {
            return Err(OverCap);
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests;
