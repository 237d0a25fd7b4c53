#![doc = include_str!("README.md")]

mod envelope;
mod error;
mod jar;
mod keys;
mod rng;
mod seal;
#[cfg(test)]
mod tests;

pub use envelope::{EnvelopeHeader, inspect};
pub use error::{MalformedEnvelope, VaultError};
pub use jar::{open_jar, seal_jar};
pub use keys::{KEY_LEN, VaultPublicKey, VaultSecretKey, generate_keypair, key_id_for};
pub use seal::{open, open_with_any, seal};

/// The text prefix of a version-1 envelope.
pub const PREFIX_V1: &str = "arv1.";
/// The version byte at the start of a version-1 payload.
pub const VERSION_V1: u8 = 1;
/// Binds the ciphertext to its kind, so that no other sealed object can be passed off as a jar.
pub const PURPOSE: &str = "autoresume-cookie-jar";
/// HPKE `info`: purpose and version.
pub const INFO_V1: &[u8] = b"autoresume-cookie-jar/v1";
/// Envelopes longer than this are refused before decoding: a jar is a few kilobytes.
pub const MAX_ENVELOPE_LEN: usize = 1 << 20;
