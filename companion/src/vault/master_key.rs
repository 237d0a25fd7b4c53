//! The master key: wraps every vault private key at rest. It never enters the database; it
//! comes from `COMPANION_MASTER_KEY` or a key file outside the data folder, so that a copied
//! database or data folder alone opens nothing.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::auth::tokens::random_bytes;
use crate::config::MasterKeySource;
use crate::error::{Error, Result};
use crate::store::{self, Store};

const NONCE_LEN: usize = 12;
/// Encrypted under the master key and stored, so a wrong key is detected at start-up
/// instead of failing later on every jar.
const CHECK_PLAINTEXT: &[u8] = b"autoresume master key check v1";
const CHECK_AAD: &[u8] = b"autoresume/master-key-check";

pub struct MasterKey {
    cipher: Aes256Gcm,
}

fn decode(text: &str, origin: &str) -> Result<Zeroizing<[u8; 32]>> {
    let bytes = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| Error::Config(format!("{origin} is not base64url")))?,
    );
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        Error::Config(format!(
            "{origin} must hold 32 bytes (43 base64url characters)"
        ))
    })?;
    Ok(Zeroizing::new(key))
}

fn write_new_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let key = Zeroizing::new(random_bytes::<32>()?);
    let io = |e: std::io::Error| {
        Error::Config(format!(
            "cannot write the master key file {}: {e}",
            path.display()
        ))
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let text = Zeroizing::new(format!("{}\n", URL_SAFE_NO_PAD.encode(key.as_slice())));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    tracing::info!(path = %path.display(), "created a new master key file; back it up separately from the data folder");
    Ok(key)
}

impl MasterKey {
    /// Loads the key and checks it against the database. A key file is created only while
    /// the database holds no wrapped key; otherwise a missing or wrong key is an error, never
    /// a silent new key that would orphan every sealed jar.
    pub async fn load(store: &Store, source: MasterKeySource<'_>) -> Result<MasterKey> {
        let check = store::vault::master_check(store).await?;
        let database_has_keys = check.is_some() || store::vault::any_wrapped_key(store).await?;
        let key = match source {
            MasterKeySource::Value(text) => decode(text, "COMPANION_MASTER_KEY")?,
            MasterKeySource::File(path) if path.exists() => {
                let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                    Error::Config(format!(
                        "cannot read the master key file {}: {e}",
                        path.display()
                    ))
                })?);
                decode(&text, &format!("the master key file {}", path.display()))?
            }
            MasterKeySource::File(path) if database_has_keys => {
                return Err(Error::Config(format!(
                    "the master key file {} is missing, but the database holds vault keys wrapped with a master key; \
                     restore the file (or set COMPANION_MASTER_KEY). Without it the sealed accounts cannot be opened.",
                    path.display()
                )));
            }
            MasterKeySource::File(path) => write_new_key_file(path)?,
        };
        let master = MasterKey {
            cipher: Aes256Gcm::new_from_slice(key.as_slice())
                .map_err(|_| Error::Internal("master key length".into()))?,
        };
        match check {
            Some(check) => master.verify(&check)?,
            None => {
                let check = master.wrap(CHECK_AAD, CHECK_PLAINTEXT)?;
                store::vault::insert_master_check(store, &check).await?;
                // Another companion may have stored its check first.
                let stored = store::vault::master_check(store)
                    .await?
                    .ok_or_else(|| Error::Internal("master key check vanished".into()))?;
                master.verify(&stored)?;
            }
        }
        Ok(master)
    }

    fn verify(&self, check: &[u8]) -> Result<()> {
        match self.unwrap(CHECK_AAD, check) {
            Ok(plain) if plain.as_slice() == CHECK_PLAINTEXT => Ok(()),
            _ => Err(Error::Config(
                "the master key does not match this database (wrong COMPANION_MASTER_KEY or key file)".into(),
            )),
        }
    }

    /// nonce ‖ AES-256-GCM(plaintext) with `aad` bound.
    pub fn wrap(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let nonce_bytes = random_bytes::<NONCE_LEN>()?;
        let nonce = Nonce::try_from(&nonce_bytes[..])
            .map_err(|_| Error::Internal("nonce length".into()))?;
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| Error::Internal("wrapping failed".into()))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    pub fn unwrap(&self, aad: &[u8], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        if wrapped.len() < NONCE_LEN {
            return Err(Error::Internal("wrapped key too short".into()));
        }
        let (nonce, ciphertext) = wrapped.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| Error::Internal("nonce length".into()))?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| Error::Internal("a wrapped key does not open with the master key".into()))
    }
}
