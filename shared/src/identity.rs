//! The companion's identity key as people compare it, the pinning check, and the statements
//! it signs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

/// Ed25519 public keys are 32 bytes.
pub const PUBLIC_KEY_LEN: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityKeyError {
    #[error("the identity key is not base64url without padding")]
    NotBase64,
    #[error("the identity key has {0} bytes instead of {PUBLIC_KEY_LEN}")]
    WrongLength(usize),
    #[error("the identity key is not a valid Ed25519 public key")]
    InvalidKey,
    #[error("the signature is malformed")]
    MalformedSignature,
    #[error("the signature does not verify with the pinned identity key")]
    BadSignature,
}

/// SHA-256 of the raw public key, first 16 bytes as eight groups of four hex digits.
/// Short enough to read aloud, long enough (128 bits) that a forged key cannot match.
pub fn fingerprint(public_key: &[u8]) -> String {
    let digest = Sha256::digest(public_key);
    digest[..16]
        .chunks(2)
        .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a key as the API sends it (`IdentityInfo::public_key`).
pub fn decode_public_key(encoded: &str) -> Result<[u8; PUBLIC_KEY_LEN], IdentityKeyError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded.trim())
        .map_err(|_| IdentityKeyError::NotBase64)?;
    <[u8; PUBLIC_KEY_LEN]>::try_from(bytes.as_slice())
        .map_err(|_| IdentityKeyError::WrongLength(bytes.len()))
}

/// [`fingerprint`] of a key as the API sends it.
pub fn fingerprint_encoded(encoded: &str) -> Result<String, IdentityKeyError> {
    decode_public_key(encoded).map(|key| fingerprint(&key))
}

/// The outcome of comparing the key pinned at pairing with the one a companion presents now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCheck {
    pub ok: bool,
    pub pinned_fingerprint: String,
    pub presented_fingerprint: String,
}

/// Compares decoded bytes, not strings, so that an equivalent encoding of the same key passes.
/// Both fingerprints are returned because a person has to judge a mismatch.
pub fn check(pinned: &str, presented: &str) -> Result<IdentityCheck, IdentityKeyError> {
    let pinned = decode_public_key(pinned)?;
    let presented = decode_public_key(presented)?;
    Ok(IdentityCheck {
        ok: pinned == presented,
        pinned_fingerprint: fingerprint(&pinned),
        presented_fingerprint: fingerprint(&presented),
    })
}

/// What the companion signs to vouch for a user's vault public key. A domain string and the
/// user id keep a signature from being replayed for another purpose or user.
pub fn vault_key_statement(user_id: &str, key_id: &str, public_key_base64url: &str) -> Vec<u8> {
    format!(
        "autoresume-vault-public-key/v1\nuser:{user_id}\nkey-id:{key_id}\nkey:{public_key_base64url}\n"
    )
    .into_bytes()
}

/// Checks `signature_base64url` over `message` with the base64url identity key.
pub fn verify(
    identity_key_base64url: &str,
    message: &[u8],
    signature_base64url: &str,
) -> Result<(), IdentityKeyError> {
    let key = VerifyingKey::from_bytes(&decode_public_key(identity_key_base64url)?)
        .map_err(|_| IdentityKeyError::InvalidKey)?;
    let signature: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature_base64url)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(IdentityKeyError::MalformedSignature)?;
    key.verify_strict(message, &Signature::from_bytes(&signature))
        .map_err(|_| IdentityKeyError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn encoded(byte: u8) -> String {
        URL_SAFE_NO_PAD.encode([byte; PUBLIC_KEY_LEN])
    }

    #[test]
    fn fingerprint_is_grouped_and_key_dependent() {
        let a = fingerprint(&[1u8; 32]);
        assert_eq!(a.len(), 8 * 4 + 7);
        assert_eq!(a.split(' ').count(), 8);
        assert_ne!(a, fingerprint(&[2u8; 32]));
    }

    #[test]
    fn decodes_only_32_byte_base64url_keys() {
        assert_eq!(decode_public_key(&encoded(7)), Ok([7; PUBLIC_KEY_LEN]));
        assert_eq!(
            decode_public_key(&URL_SAFE_NO_PAD.encode([0u8; 31])),
            Err(IdentityKeyError::WrongLength(31))
        );
        assert_eq!(
            decode_public_key("not base64!"),
            Err(IdentityKeyError::NotBase64)
        );
        assert_eq!(
            fingerprint_encoded(&encoded(1)),
            Ok(fingerprint(&[1; PUBLIC_KEY_LEN]))
        );
    }

    #[test]
    fn check_reports_both_fingerprints() {
        let same = check(&encoded(1), &encoded(1)).expect("valid keys");
        assert!(same.ok);
        assert_eq!(same.pinned_fingerprint, same.presented_fingerprint);

        let changed = check(&encoded(1), &encoded(2)).expect("valid keys");
        assert!(!changed.ok);
        assert_eq!(changed.pinned_fingerprint, fingerprint(&[1; 32]));
        assert_eq!(changed.presented_fingerprint, fingerprint(&[2; 32]));

        assert_eq!(
            check(&encoded(1), "AAAA"),
            Err(IdentityKeyError::WrongLength(3))
        );
    }

    #[test]
    fn signatures_verify_only_with_the_signing_key_and_statement() {
        let signer = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let key = URL_SAFE_NO_PAD.encode(signer.verifying_key().to_bytes());
        let other_key = URL_SAFE_NO_PAD.encode(other.verifying_key().to_bytes());
        let statement = vault_key_statement("1", "x25519-abc", "AAAA");
        let signature = URL_SAFE_NO_PAD.encode(signer.sign(&statement).to_bytes());
        assert_eq!(verify(&key, &statement, &signature), Ok(()));
        assert_eq!(
            verify(&other_key, &statement, &signature),
            Err(IdentityKeyError::BadSignature)
        );
        let for_other_user = vault_key_statement("2", "x25519-abc", "AAAA");
        assert_eq!(
            verify(&key, &for_other_user, &signature),
            Err(IdentityKeyError::BadSignature)
        );
        assert_eq!(
            verify(&key, &statement, "short"),
            Err(IdentityKeyError::MalformedSignature)
        );
        assert_eq!(
            verify("nope", &statement, &signature),
            Err(IdentityKeyError::WrongLength(3))
        );
    }
}
