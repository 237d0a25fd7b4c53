//! The vault's one error type. Messages name the cause but never contain plaintext or keys.

/// What exactly is wrong with an envelope that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MalformedEnvelope {
    #[error("it does not start with a version prefix such as \"arv1.\"")]
    MissingPrefix,
    #[error("it is longer than {} bytes", super::MAX_ENVELOPE_LEN)]
    TooLarge,
    #[error("the payload is not canonical base64url without padding")]
    NotBase64url,
    #[error("it is truncated: the header ends early")]
    TruncatedHeader,
    #[error("the header field {0} is empty or not UTF-8")]
    BadField(&'static str),
    #[error("it is truncated: the encapsulated key is missing")]
    TruncatedKey,
    #[error("it is truncated: the ciphertext is shorter than its 16-byte tag")]
    TruncatedCiphertext,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("malformed sealed envelope: {0}")]
    Malformed(MalformedEnvelope),
    #[error("unsupported sealed envelope version {found:?}: this build reads \"arv1\"")]
    UnsupportedVersion { found: String },
    #[error("the envelope was sealed for user {found:?}, not {expected:?}")]
    WrongUser { expected: String, found: String },
    #[error("the envelope was sealed for platform {found:?}, not {expected:?}")]
    WrongPlatform { expected: String, found: String },
    #[error("the envelope was sealed to vault key {found:?}, not to key {expected:?}")]
    WrongKey { expected: String, found: String },
    #[error("the envelope was sealed to vault key {key_id:?}, which is not known here")]
    UnknownKey { key_id: String },
    #[error(
        "the envelope failed authentication: it was altered, or sealed with other associated data or another key"
    )]
    Decrypt,
    #[error("{field} must be 1 to 255 bytes of UTF-8, not {len} bytes")]
    InvalidField { field: &'static str, len: usize },
    #[error("a vault public key is 32 bytes in base64url without padding")]
    InvalidPublicKey,
    #[error("a vault secret key is 32 bytes")]
    InvalidSecretKey,
    #[error("a vault public key's id {found:?} does not match its bytes ({expected:?})")]
    PublicKeyIdMismatch { expected: String, found: String },
    #[error("the system random number generator failed")]
    Random,
    #[error("the envelope opened, but its plaintext is not a cookie jar")]
    NotACookieJar,
    #[error("sealing failed inside HPKE")]
    Seal,
}

impl From<MalformedEnvelope> for VaultError {
    fn from(reason: MalformedEnvelope) -> Self {
        VaultError::Malformed(reason)
    }
}
