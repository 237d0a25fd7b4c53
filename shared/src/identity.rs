//! The companion's Ed25519 identity as people compare it, and the statements it signs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
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

/// What the companion signs to vouch for a user's vault public key. A domain string and the
/// user id keep a signature from being replayed for another purpose or user.
pub fn vault_key_statement(user_id: &str, key_id: &str, public_key_base64url: &str) -> Vec<u8> {
    format!("autoresume-vault-public-key/v1\nuser:{user_id}\nkey-id:{key_id}\nkey:{public_key_base64url}\n").into_bytes()
}

/// Checks `signature_base64url` over `message` with the base64url identity key.
pub fn verify(
    identity_key_base64url: &str,
    message: &[u8],
    signature_base64url: &str,
) -> Result<(), IdentityError> {
    let key_bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(identity_key_base64url)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(IdentityError::InvalidKey)?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| IdentityError::InvalidKey)?;
    let signature_bytes: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature_base64url)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(IdentityError::MalformedSignature)?;
    key.verify_strict(message, &Signature::from_bytes(&signature_bytes))
        .map_err(|_| IdentityError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn fingerprint_is_grouped_and_key_dependent() {
        let a = fingerprint(&[1u8; 32]);
        assert_eq!(a.len(), 8 * 4 + 7);
        assert_eq!(a.split(' ').count(), 8);
        assert_ne!(a, fingerprint(&[2u8; 32]));
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
            Err(IdentityError::BadSignature)
        );
        let for_other_user = vault_key_statement("2", "x25519-abc", "AAAA");
        assert_eq!(
            verify(&key, &for_other_user, &signature),
            Err(IdentityError::BadSignature)
        );
        assert_eq!(
            verify(&key, &statement, "short"),
            Err(IdentityError::MalformedSignature)
        );
        assert_eq!(
            verify("nope", &statement, &signature),
            Err(IdentityError::InvalidKey)
        );
    }
}
