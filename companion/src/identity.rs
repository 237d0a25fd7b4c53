//! The companion's Ed25519 identity. The extension pins its public key at pairing, and later
//! checks signatures (on the vault key) against it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use shared::api::IdentityInfo;

use crate::auth::tokens::random_bytes;
use crate::error::{Error, Result};
use crate::store::{self, Store};

#[derive(Clone)]
pub struct Identity {
    key: SigningKey,
}

impl Identity {
    pub async fn load_or_create(store: &Store) -> Result<Identity> {
        let fresh = random_bytes::<32>()?;
        let seed = store::identity::load_or_create(store, &fresh).await?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| Error::Internal("the stored identity key is not 32 bytes".into()))?;
        Ok(Identity {
            key: SigningKey::from_bytes(&seed),
        })
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    pub fn info(&self) -> IdentityInfo {
        let public = self.key.verifying_key().to_bytes();
        IdentityInfo {
            public_key: URL_SAFE_NO_PAD.encode(public),
            fingerprint: shared::identity::fingerprint(&public),
        }
    }
}
