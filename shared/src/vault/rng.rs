//! The system rng without a panic path.
//!
//! `rand_core::UnwrapErr(getrandom::SysRng)` panics when the OS (or `crypto.getRandomValues`)
//! fails; in the extension a panic aborts the whole WASM instance. HPKE wants an infallible
//! rng, so this one remembers a failure instead, and the caller throws the result away.

use core::convert::Infallible;

use hpke::rand_core::utils::next_word_via_fill;
use hpke::rand_core::{TryCryptoRng, TryRng};

use super::VaultError;

#[derive(Default)]
pub(crate) struct CheckedSysRng {
    failed: bool,
}

impl CheckedSysRng {
    /// Anything produced with this rng after a failure used zeros and must be discarded.
    pub(crate) fn check(&self) -> Result<(), VaultError> {
        if self.failed {
            Err(VaultError::Random)
        } else {
            Ok(())
        }
    }
}

impl TryRng for CheckedSysRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        next_word_via_fill(self)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if getrandom::fill(dst).is_err() {
            self.failed = true;
            dst.fill(0);
        }
        Ok(())
    }
}

// Sound only because every user calls `check` before letting the output escape.
impl TryCryptoRng for CheckedSysRng {}
