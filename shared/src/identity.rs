//! The companion's identity key as people compare it.

use sha2::{Digest, Sha256};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_grouped_and_key_dependent() {
        let a = fingerprint(&[1u8; 32]);
        assert_eq!(a.len(), 8 * 4 + 7);
        assert_eq!(a.split(' ').count(), 8);
        assert_ne!(a, fingerprint(&[2u8; 32]));
    }
}
