//! The companion's Ed25519 identity. The extension pins its public key at pairing, and later
//! checks signatures (on the vault key) against it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use shared::api::IdentityInfo;

use super::master_key::MasterKey;
use crate::auth::tokens::random_bytes;
use crate::error::{Error, Result};
use crate::store::{self, Store};
use zeroize::Zeroizing;

#[derive(Clone)]
pub struct Identity {
    key: SigningKey,
}

const IDENTITY_AAD: &[u8] = b"autoresume/identity-key/v1";

impl Identity {
    /// The identity key is stored wrapped by the master key like the vault keys, so a copy
    /// of the database cannot sign a forged vault key.
    pub async fn load_or_create(store: &Store, master: &MasterKey) -> Result<Identity> {
        let fresh = Zeroizing::new(random_bytes::<32>()?);
        let wrapped = master.wrap(IDENTITY_AAD, fresh.as_slice())?;
        let stored = store::identity::load_or_create(store, &wrapped).await?;
        let seed = if stored.len() == 32 {
            // Written in the clear by the first release: wrap it now.
            let rewrapped = master.wrap(IDENTITY_AAD, &stored)?;
            store::identity::replace(store, &rewrapped).await?;
            Zeroizing::new(stored)
        } else {
            master.unwrap(IDENTITY_AAD, &stored)?
        };
        let seed: &[u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| Error::Internal("the stored identity key is not 32 bytes".into()))?;
        Ok(Identity {
            key: SigningKey::from_bytes(seed),
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
