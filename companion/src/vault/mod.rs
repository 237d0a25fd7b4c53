//! The credential vault: per-user X25519 keys wrapped by the master key, and the one way
//! from a sealed jar to plaintext ([`Vault::open_jar`]).

pub mod identity;
pub mod master_key;
mod session;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use shared::api::{CredentialInfo, SignedVaultKey};
use shared::cookies::{CookieJar, JarMetadata, Platform};
use shared::events::{CREDENTIALS_REMOVED, CREDENTIALS_UPDATED, VAULT_ROTATED};
use shared::vault::{self as sealing, VaultError, VaultPublicKey, VaultSecretKey};

use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::store::{self, Store};
use identity::Identity;
use master_key::MasterKey;

#[derive(Clone)]
pub struct Vault {
    master: Arc<MasterKey>,
    store: Store,
}

fn key_aad(user_id: i64, key_id: &str) -> Vec<u8> {
    format!("autoresume/vault-private-key/v1\0{user_id}\0{key_id}").into_bytes()
}

/// Vault errors are the caller's fault (bad envelope, wrong binding), named precisely.
fn rejected(error: VaultError) -> Error {
    Error::BadRequest(error.to_string())
}

fn platform(id: &str) -> Result<Platform> {
    if let Some(domain) = id.strip_prefix("custom:") {
        Platform::custom(domain).map_err(|e| Error::BadRequest(e.to_string()))
    } else {
        Platform::lookup(id).map_err(|_| Error::NotFound)
    }
}

impl Vault {
    pub fn new(master: MasterKey, store: Store) -> Self {
        Vault {
            master: Arc::new(master),
            store,
        }
    }

    /// Wraps a secret the companion must use later in plaintext (a provider's signing key)
    /// under the master key; `aad` binds it to its owner and purpose.
    pub fn wrap_secret(&self, aad: &[u8], secret: &[u8]) -> Result<Vec<u8>> {
        self.master.wrap(aad, secret)
    }

    pub fn unwrap_secret(&self, aad: &[u8], wrapped: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        self.master.unwrap(aad, wrapped)
    }

    /// The user's current public key, made on first use.
    pub async fn current_public_key(&self, user_id: i64) -> Result<VaultPublicKey> {
        if let Some(row) = store::vault::current_key(&self.store, user_id).await? {
            return public_key(&row.public_key);
        }
        Ok(self.add_key(user_id).await?.public_key().clone())
    }

    pub async fn signed_public_key(
        &self,
        user_id: i64,
        identity: &Identity,
    ) -> Result<SignedVaultKey> {
        let key = self.current_public_key(user_id).await?;
        let public_key = key.to_base64url();
        let statement =
            shared::identity::vault_key_statement(&user_id.to_string(), &key.key_id, &public_key);
        Ok(SignedVaultKey {
            user_id: user_id.to_string(),
            key_id: key.key_id,
            public_key,
            signature: URL_SAFE_NO_PAD.encode(identity.sign(&statement)),
            identity_key: identity.info().public_key,
        })
    }

    async fn add_key(&self, user_id: i64) -> Result<VaultSecretKey> {
        let secret = sealing::generate_keypair().map_err(|e| Error::Internal(e.to_string()))?;
        let key_id = secret.key_id().to_owned();
        let wrapped = self.master.wrap(
            &key_aad(user_id, &key_id),
            secret.expose_secret_bytes().as_slice(),
        )?;
        store::vault::insert_key(
            &self.store,
            user_id,
            &key_id,
            &secret.public_key().bytes,
            &wrapped,
        )
        .await?;
        Ok(secret)
    }

    async fn secret_key(&self, user_id: i64, key_id: &str) -> Result<VaultSecretKey> {
        let row = store::vault::key(&self.store, user_id, key_id).await?.ok_or_else(|| {
            Error::Conflict(format!(
                "the jar was sealed to vault key {key_id:?}, which is not current; fetch the public key again and reseal"
            ))
        })?;
        let wrapped = row
            .wrapped_secret
            .ok_or_else(|| Error::Internal("an unretired key has no secret".into()))?;
        let bytes = self.master.unwrap(&key_aad(user_id, key_id), &wrapped)?;
        let bytes: &[u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::Internal("a vault secret key is not 32 bytes".into()))?;
        VaultSecretKey::from_bytes(bytes).map_err(|e| Error::Internal(e.to_string()))
    }

    /// The only way to a jar's plaintext. The jar's values zero themselves on drop; callers
    /// must not log, store or send them anywhere but the job site.
    pub async fn open_jar(
        &self,
        user_id: i64,
        platform_id: &str,
        envelope: &str,
    ) -> Result<CookieJar> {
        let platform = platform(platform_id)?;
        let header = sealing::inspect(envelope).map_err(rejected)?;
        // The binding is checked before the key is looked up, so a jar of another user is
        // named as such rather than as an unknown key.
        let user = user_id.to_string();
        if header.user_id != user {
            return Err(rejected(VaultError::WrongUser {
                expected: user,
                found: header.user_id,
            }));
        }
        if header.platform != platform.id {
            return Err(rejected(VaultError::WrongPlatform {
                expected: platform.id,
                found: header.platform,
            }));
        }
        let key = self.secret_key(user_id, &header.key_id).await?;
        sealing::open_jar(&key, &user, &platform, envelope).map_err(rejected)
    }

    /// Opens the stored jar of a platform.
    pub async fn open_stored(&self, user_id: i64, platform_id: &str) -> Result<CookieJar> {
        let row = store::credentials::get(&self.store, user_id, platform_id)
            .await?
            .ok_or(Error::NotFound)?;
        self.open_jar(user_id, platform_id, &row.encrypted_session_cookie)
            .await
    }

    /// Checks a sealed jar against the caller and path by opening it once, derives the
    /// metadata from the plaintext, and stores the envelope as it came.
    pub async fn store_jar(
        &self,
        bus: &EventBus,
        user_id: i64,
        platform_id: &str,
        envelope: &str,
    ) -> Result<CredentialInfo> {
        let platform = platform(platform_id)?;
        let header = sealing::inspect(envelope).map_err(rejected)?;
        let jar = self.open_jar(user_id, &platform.id, envelope).await?;
        if jar.is_empty() {
            return Err(Error::BadRequest(format!(
                "the jar holds no {} session cookie",
                platform.name
            )));
        }
        let metadata = jar.metadata();
        drop(jar);
        let metadata_json =
            serde_json::to_string(&metadata).map_err(|e| Error::Internal(e.to_string()))?;
        let updated_at = store::credentials::upsert(
            &self.store,
            user_id,
            &platform.id,
            envelope,
            &header.key_id,
            &metadata_json,
        )
        .await?;
        let info = CredentialInfo {
            platform: platform.id.clone(),
            platform_name: platform.name.clone(),
            key_id: header.key_id,
            metadata,
            updated_at,
            refresh_needed_at: None,
        };
        bus.emit(
            user_id,
            CREDENTIALS_UPDATED,
            serde_json::json!({
                "platform": info.platform, "name": info.platform_name,
                "count": info.metadata.count, "earliestExpiry": info.metadata.earliest_expiry,
            }),
        )
        .await?;
        Ok(info)
    }

    pub async fn list(&self, user_id: i64) -> Result<Vec<CredentialInfo>> {
        let rows = store::credentials::list(&self.store, user_id).await?;
        rows.into_iter()
            .map(|row| {
                let metadata: JarMetadata = serde_json::from_str(&row.metadata)
                    .map_err(|e| Error::Internal(format!("stored metadata: {e}")))?;
                let platform_name = platform(&row.platform)
                    .map(|p| p.name)
                    .unwrap_or_else(|_| row.platform.clone());
                Ok(CredentialInfo {
                    platform: row.platform,
                    platform_name,
                    key_id: row.key_id,
                    metadata,
                    updated_at: row.updated_at,
                    refresh_needed_at: row.refresh_needed_at,
                })
            })
            .collect()
    }

    pub async fn remove(&self, bus: &EventBus, user_id: i64, platform_id: &str) -> Result<()> {
        if !store::credentials::delete(&self.store, user_id, platform_id).await? {
            return Err(Error::NotFound);
        }
        bus.emit(
            user_id,
            CREDENTIALS_REMOVED,
            serde_json::json!({ "platform": platform_id }),
        )
        .await?;
        Ok(())
    }

    /// A new key pair; every stored jar is opened in memory and sealed to it; then the old
    /// keys are retired (their wrapped secrets erased). Returns the new key and the number of
    /// jars re-sealed.
    pub async fn rotate(&self, bus: &EventBus, user_id: i64) -> Result<(VaultPublicKey, usize)> {
        let new_key = self.add_key(user_id).await?;
        let user = user_id.to_string();
        let mut resealed = 0;
        for row in store::credentials::list(&self.store, user_id).await? {
            if row.key_id == new_key.key_id() {
                continue;
            }
            let platform = platform(&row.platform)?;
            let jar = self
                .open_jar(user_id, &row.platform, &row.encrypted_session_cookie)
                .await?;
            let envelope = sealing::seal_jar(new_key.public_key(), &user, &platform, &jar)
                .map_err(|e| Error::Internal(e.to_string()))?;
            drop(jar);
            if store::credentials::replace_sealed(
                &self.store,
                user_id,
                &row.platform,
                &row.key_id,
                &envelope,
                new_key.key_id(),
            )
            .await?
            {
                resealed += 1;
            }
        }
        store::vault::retire_other_keys(&self.store, user_id, new_key.key_id()).await?;
        let public = new_key.public_key().clone();
        bus.emit(
            user_id,
            VAULT_ROTATED,
            serde_json::json!({ "keyId": public.key_id, "resealed": resealed }),
        )
        .await?;
        Ok((public, resealed))
    }
}

fn public_key(bytes: &[u8]) -> Result<VaultPublicKey> {
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Internal("a stored vault public key is not 32 bytes".into()))?;
    Ok(VaultPublicKey::from_bytes(bytes))
}
