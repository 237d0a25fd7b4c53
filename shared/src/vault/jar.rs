//! Cookie jars through the vault: the plaintext is the jar's JSON.

use zeroize::Zeroizing;

use super::{VaultError, VaultPublicKey, VaultSecretKey};
use crate::cookies::{CookieJar, Platform};

/// Serialises `jar` into a zeroizing buffer and seals it for `user_id` and `platform`.
pub fn seal_jar(
    public_key: &VaultPublicKey,
    user_id: &str,
    platform: &Platform,
    jar: &CookieJar,
) -> Result<String, VaultError> {
    // Writing strings, numbers and booleans into a Vec cannot fail; map it anyway.
    let plaintext = jar
        .to_json_zeroizing()
        .map_err(|_| VaultError::NotACookieJar)?;
    super::seal(public_key, user_id, &platform.id, &plaintext)
}

/// Opens an envelope made by [`seal_jar`]; the JSON buffer is zeroed before this returns.
pub fn open_jar(
    secret_key: &VaultSecretKey,
    expected_user_id: &str,
    expected_platform: &Platform,
    envelope: &str,
) -> Result<CookieJar, VaultError> {
    let plaintext: Zeroizing<Vec<u8>> = super::open(
        secret_key,
        expected_user_id,
        &expected_platform.id,
        envelope,
    )?;
    CookieJar::from_json(&plaintext).map_err(|_| VaultError::NotACookieJar)
}
