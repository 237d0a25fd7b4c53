//! A user's own API key for the endpoint they set, wrapped by the master key like the
//! Mailgun signing key. The associated data binds the owner, the purpose and the base URL, so
//! a wrapped key moved to another user or URL does not open. Never returned, never logged,
//! left out of the export (its column is named like a credential).

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{self, now_ms};

/// Longest key accepted, in characters.
const MAX_KEY_CHARS: usize = 500;

fn aad(user_id: i64, base_url: &str) -> Vec<u8> {
    format!("autoresume/model-api-key/v1\0{user_id}\0{base_url}").into_bytes()
}

/// Applies what the settings say about the key: `Some("")` forgets it, `Some(key)` stores it
/// for `base_url`, None keeps it only while `base_url` is the one it was entered for (a key
/// goes to no URL but its own).
pub async fn update(
    state: &AppState,
    user_id: i64,
    base_url: &str,
    key: Option<&str>,
) -> Result<()> {
    match key.map(str::trim) {
        Some("") => store::model_keys::forget(&state.store, user_id, None).await,
        Some(key) => {
            let wrapped = state
                .vault
                .wrap_secret(&aad(user_id, base_url), key.as_bytes())?;
            store::model_keys::put(&state.store, user_id, base_url, &wrapped, now_ms()).await
        }
        None => store::model_keys::forget(&state.store, user_id, Some(base_url)).await,
    }
}

/// Refuses a key that cannot be meant: one without an endpoint of the user's own (the
/// companion's endpoint has the operator's key), or an overlong one.
pub fn check(base_url: &str, key: Option<&str>) -> Result<()> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(());
    };
    if base_url.is_empty() {
        return Err(Error::BadRequest(
            "model.apiKey goes with your own model.baseUrl".into(),
        ));
    }
    if key.chars().count() > MAX_KEY_CHARS || key.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "model.apiKey: at most {MAX_KEY_CHARS} printable characters"
        )));
    }
    Ok(())
}

/// The user's key for `base_url` in plaintext, if they set one for that URL.
pub async fn get(
    state: &AppState,
    user_id: i64,
    base_url: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    store::model_keys::get(&state.store, user_id, base_url)
        .await?
        .map(|wrapped| state.vault.unwrap_secret(&aad(user_id, base_url), &wrapped))
        .transpose()
}

/// Whether the user has a key for `base_url`, for the settings' `apiKeySet`.
pub async fn is_set(state: &AppState, user_id: i64, base_url: &str) -> Result<bool> {
    Ok(store::model_keys::get(&state.store, user_id, base_url)
        .await?
        .is_some())
}
