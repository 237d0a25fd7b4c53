//! What a browser does before uploading a jar: check the companion's signed vault key against
//! the identity key pinned at pairing, read the export, keep the platform's session cookies
//! and seal them. The extension and the dashboard page both call this through the WASM core.

use serde::Serialize;

use crate::api::SignedVaultKey;
use crate::cookies::{CookieError, CookieJar, JarMetadata, Platform, parse_export};
use crate::identity::{self, IdentityKeyError};
use crate::vault::{self, VaultError, VaultPublicKey};

/// An envelope ready to upload and what may be shown about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedExport {
    pub envelope: String,
    pub metadata: JarMetadata,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealExportError {
    #[error(
        "the vault key is not signed by the paired companion (it presents identity key {presented}, paired with {pinned}); refusing to seal"
    )]
    UntrustedKey { pinned: String, presented: String },
    #[error("the vault key belongs to user {found}, not to user {expected}")]
    WrongUser { expected: String, found: String },
    #[error("the pinned identity key is unusable: {0}")]
    PinnedKey(IdentityKeyError),
    #[error("the vault key is unusable: {0}")]
    Key(VaultError),
    #[error(transparent)]
    Cookies(#[from] CookieError),
    #[error("no {platform} session cookie in the export (expected one of: {expected})")]
    NoSessionCookie { platform: String, expected: String },
    #[error("sealing failed: {0}")]
    Seal(VaultError),
}

/// Checks the signature with `pinned_identity_key` (not the key the response carries), the user
/// id, and that the key id matches the key bytes.
pub fn verify_signed_key(
    signed: &SignedVaultKey,
    pinned_identity_key: &str,
    user_id: &str,
) -> Result<VaultPublicKey, SealExportError> {
    let pinned =
        identity::fingerprint_encoded(pinned_identity_key).map_err(SealExportError::PinnedKey)?;
    let statement =
        identity::vault_key_statement(&signed.user_id, &signed.key_id, &signed.public_key);
    if identity::verify(pinned_identity_key, &statement, &signed.signature).is_err() {
        let presented = identity::fingerprint_encoded(&signed.identity_key)
            .unwrap_or_else(|_| "(not a valid key)".to_owned());
        return Err(SealExportError::UntrustedKey { pinned, presented });
    }
    if signed.user_id != user_id {
        return Err(SealExportError::WrongUser {
            expected: user_id.to_owned(),
            found: signed.user_id.clone(),
        });
    }
    let key = VaultPublicKey::from_base64url(&signed.public_key).map_err(SealExportError::Key)?;
    if key.key_id != signed.key_id {
        return Err(SealExportError::Key(VaultError::PublicKeyIdMismatch {
            expected: key.key_id,
            found: signed.key_id.clone(),
        }));
    }
    Ok(key)
}

/// Keeps `platform`'s unexpired session cookies of `jar` and seals them to `key`.
/// `now` is unix seconds, read by the caller.
pub fn seal_platform_jar(
    key: &VaultPublicKey,
    user_id: &str,
    platform: &Platform,
    jar: CookieJar,
    now: i64,
) -> Result<SealedExport, SealExportError> {
    let jar = platform.filter(jar).without_expired(now);
    if jar.is_empty() {
        let expected = if platform.session_cookie_names.is_empty() {
            format!("any cookie of {}", platform.domains.join(", "))
        } else {
            platform.session_cookie_names.join(", ")
        };
        return Err(SealExportError::NoSessionCookie {
            platform: platform.name.clone(),
            expected,
        });
    }
    let envelope = vault::seal_jar(key, user_id, platform, &jar).map_err(SealExportError::Seal)?;
    Ok(SealedExport {
        envelope,
        metadata: jar.metadata(),
    })
}

/// The whole path for a pasted export (cookies.txt, JSON, `Cookie:` header) or the JSON of
/// `chrome.cookies.getAll` results.
pub fn seal_export(
    signed: &SignedVaultKey,
    pinned_identity_key: &str,
    user_id: &str,
    platform_id: &str,
    export_text: &str,
    now: i64,
) -> Result<SealedExport, SealExportError> {
    let key = verify_signed_key(signed, pinned_identity_key, user_id)?;
    let platform = Platform::lookup(platform_id)?;
    // A Cookie: header carries no domain: it belongs to the platform's first domain.
    let jar = parse_export(export_text, platform.domains.first().map(String::as_str))?;
    seal_platform_jar(&key, user_id, &platform, jar, now)
}

#[cfg(test)]
#[path = "seal_export_tests.rs"]
mod tests;
