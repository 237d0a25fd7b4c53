//! The vault's X25519 key pair.
//!
//! The companion keeps one [`VaultSecretKey`] per vault key version (wrapped with its master key
//! at rest, see [`VaultSecretKey::expose_secret_bytes`]) and hands out the [`VaultPublicKey`].

use core::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, Serializable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::VaultError;
use super::rng::CheckedSysRng;

/// X25519 keys, public and private, are 32 bytes.
pub const KEY_LEN: usize = 32;
const KEY_ID_DOMAIN: &[u8] = b"autoresume-vault-key-id/v1";
const KEY_ID_HASH_BYTES: usize = 12;

type PrivateKey = <X25519HkdfSha256 as Kem>::PrivateKey;
pub(crate) type PublicKey = <X25519HkdfSha256 as Kem>::PublicKey;

/// The key id of a public key: derived from its bytes, so an id can never name two keys and
/// the companion never has to store or look up a mapping.
pub fn key_id_for(public_key: &[u8; KEY_LEN]) -> String {
    let digest = Sha256::new()
        .chain_update(KEY_ID_DOMAIN)
        .chain_update(public_key)
        .finalize();
    format!(
        "x25519-{}",
        URL_SAFE_NO_PAD.encode(&digest[..KEY_ID_HASH_BYTES])
    )
}

/// What the extension seals to. JSON: `{"keyId": "...", "publicKey": "<base64url>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    rename_all = "camelCase",
    try_from = "PublicKeyJson",
    into = "PublicKeyJson"
)]
pub struct VaultPublicKey {
    pub key_id: String,
    pub bytes: [u8; KEY_LEN],
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublicKeyJson {
    key_id: String,
    public_key: String,
}

impl VaultPublicKey {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        VaultPublicKey {
            key_id: key_id_for(&bytes),
            bytes,
        }
    }

    /// base64url without padding of the 32 bytes.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes)
    }

    /// Reads [`Self::to_base64url`]; the key id is derived again from the bytes.
    pub fn from_base64url(encoded: &str) -> Result<Self, VaultError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim())
            .map_err(|_| VaultError::InvalidPublicKey)?;
        let bytes = <[u8; KEY_LEN]>::try_from(bytes.as_slice())
            .map_err(|_| VaultError::InvalidPublicKey)?;
        Ok(Self::from_bytes(bytes))
    }

    pub(crate) fn to_hpke(&self) -> Result<PublicKey, VaultError> {
        PublicKey::from_bytes(&self.bytes).map_err(|_| VaultError::InvalidPublicKey)
    }
}

impl TryFrom<PublicKeyJson> for VaultPublicKey {
    type Error = VaultError;

    fn try_from(json: PublicKeyJson) -> Result<Self, VaultError> {
        let key = Self::from_base64url(&json.public_key)?;
        if key.key_id != json.key_id {
            return Err(VaultError::PublicKeyIdMismatch {
                expected: key.key_id,
                found: json.key_id,
            });
        }
        Ok(key)
    }
}

impl From<VaultPublicKey> for PublicKeyJson {
    fn from(key: VaultPublicKey) -> Self {
        PublicKeyJson {
            public_key: key.to_base64url(),
            key_id: key.key_id,
        }
    }
}

/// The vault's private key. Not `Clone`, `Copy` or `Serialize`; the inner x25519 secret zeroes
/// itself on drop, and `Debug` prints `VaultSecretKey(****)`.
pub struct VaultSecretKey {
    secret: PrivateKey,
    public: VaultPublicKey,
}

impl VaultSecretKey {
    /// A fresh random key (`getrandom`: the OS, or `crypto.getRandomValues` in WASM).
    pub fn generate() -> Result<Self, VaultError> {
        let mut rng = CheckedSysRng::default();
        let (secret, public) = X25519HkdfSha256::gen_keypair_with_rng(&mut rng);
        rng.check()?;
        Ok(Self::from_parts(secret, &public))
    }

    /// RFC 9180 `DeriveKeyPair`: the same input keying material always gives the same key.
    /// `ikm` must hold at least 32 bytes of entropy; meant for tests and for deriving a key
    /// from an already-random secret.
    pub fn derive(ikm: &[u8]) -> Self {
        let (secret, public) = X25519HkdfSha256::derive_keypair(ikm);
        Self::from_parts(secret, &public)
    }

    /// Reads the bytes of [`Self::expose_secret_bytes`] back (after the companion unwraps them).
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Result<Self, VaultError> {
        let secret = PrivateKey::from_bytes(bytes).map_err(|_| VaultError::InvalidSecretKey)?;
        let public = X25519HkdfSha256::sk_to_pk(&secret);
        Ok(Self::from_parts(secret, &public))
    }

    fn from_parts(secret: PrivateKey, public: &PublicKey) -> Self {
        let mut bytes = [0; KEY_LEN];
        bytes.copy_from_slice(&public.to_bytes());
        VaultSecretKey {
            secret,
            public: VaultPublicKey::from_bytes(bytes),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.public.key_id
    }

    pub fn public_key(&self) -> &VaultPublicKey {
        &self.public
    }

    /// The 32 private bytes, for wrapping at rest. The only way out of this type: grep for it.
    pub fn expose_secret_bytes(&self) -> Zeroizing<[u8; KEY_LEN]> {
        let mut bytes = Zeroizing::new([0; KEY_LEN]);
        let mut serialized = self.secret.to_bytes();
        bytes.copy_from_slice(&serialized);
        zeroize::Zeroize::zeroize(serialized.as_mut_slice());
        bytes
    }

    pub(crate) fn hpke(&self) -> &PrivateKey {
        &self.secret
    }
}

impl fmt::Debug for VaultSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultSecretKey(****)")
    }
}

/// A fresh random key pair; the public half is [`VaultSecretKey::public_key`].
pub fn generate_keypair() -> Result<VaultSecretKey, VaultError> {
    VaultSecretKey::generate()
}
