//! Each user's inbound credentials: the secret in the webhook URLs (which picks the user),
//! a Postmark basic-auth pair, and the Mailgun signing key. The secret and the Postmark
//! password are random, shown once and kept as SHA-256 hashes like device tokens; the
//! Mailgun key comes from the user's Mailgun account and is needed in plaintext to check
//! signatures, so it is wrapped by the master key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::inbound::{Fields, MailgunSignature};
use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::mail_inbound::{self as rows, InboundRow};
use crate::store::now_ms;

/// What a rotation hands out, once.
pub struct FreshCredentials {
    pub secret: String,
    pub postmark_user: String,
    pub postmark_password: String,
}

fn mailgun_aad(user_id: i64) -> Vec<u8> {
    format!("autoresume/mailgun-signing-key/v1\0{user_id}").into_bytes()
}

/// A 401 that says which check failed (a provider's delivery log shows it).
pub fn refused(detail: &str) -> Error {
    Error::NotVerified(detail.to_owned())
}

/// New webhook secret and Postmark password; the old ones stop working at once.
pub async fn rotate(state: &AppState, user_id: i64) -> Result<FreshCredentials> {
    let fresh = FreshCredentials {
        secret: tokens::generate_secret()?,
        postmark_user: format!("autoresume-{user_id}"),
        postmark_password: tokens::generate_secret()?,
    };
    rows::put_credentials(
        &state.store,
        user_id,
        &tokens::hash(&fresh.secret),
        &fresh.postmark_user,
        &tokens::hash(&fresh.postmark_password),
        now_ms(),
    )
    .await?;
    Ok(fresh)
}

/// Stores the Mailgun signing key (trimmed); an empty key forgets it.
pub async fn set_mailgun_key(state: &AppState, user_id: i64, key: &str) -> Result<()> {
    let key = key.trim();
    if key.len() > 200 {
        return Err(Error::BadRequest(
            "a Mailgun signing key is at most 200 characters".into(),
        ));
    }
    let wrapped = if key.is_empty() {
        None
    } else {
        Some(
            state
                .vault
                .wrap_secret(&mailgun_aad(user_id), key.as_bytes())?,
        )
    };
    if !rows::set_mailgun_key(&state.store, user_id, wrapped.as_deref(), now_ms()).await? {
        return Err(Error::Conflict(
            "create the inbound address first, then add the Mailgun key".into(),
        ));
    }
    Ok(())
}

/// The user whose webhook secret this is. The secret is looked up by its hash, so the
/// lookup's timing says nothing about the secret.
pub async fn owner(state: &AppState, secret: &str) -> Result<InboundRow> {
    let row = rows::find_by_secret_hash(&state.store, &tokens::hash(secret))
        .await?
        .ok_or_else(|| refused("unknown inbound address"))?;
    Ok(row)
}

/// Postmark's basic auth (`https://user:password@host/...`), checked in constant time.
pub fn check_postmark(row: &InboundRow, authorization: Option<&str>) -> Result<()> {
    let credentials = authorization
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .map(Zeroizing::new)
        .ok_or_else(|| refused("Postmark posts need basic auth"))?;
    let (user, password) = credentials
        .split_once(':')
        .ok_or_else(|| refused("Postmark posts need basic auth"))?;
    let user_ok = tokens::constant_time_eq(user, &row.postmark_user);
    let password_ok =
        tokens::constant_time_eq(&tokens::hash(password), &row.postmark_password_hash);
    if user_ok && password_ok {
        Ok(())
    } else {
        Err(refused("wrong Postmark basic-auth user or password"))
    }
}

/// The user's Mailgun signing key in plaintext, if they set one.
pub fn mailgun_key(state: &AppState, row: &InboundRow) -> Result<Option<Zeroizing<Vec<u8>>>> {
    row.mailgun_key_wrapped
        .as_deref()
        .map(|wrapped| {
            state
                .vault
                .unwrap_secret(&mailgun_aad(row.user_id), wrapped)
        })
        .transpose()
}

/// Checks a Mailgun post: its signature with the user's signing key, its timestamp within
/// `mailgun_timestamp_window_secs`, and its token never seen before (replays are refused
/// while the timestamp would still pass).
pub async fn verify_mailgun(state: &AppState, owner: &InboundRow, fields: &Fields) -> Result<()> {
    let signature = MailgunSignature::from_fields(fields)
        .ok_or_else(|| refused("Mailgun posts carry timestamp, token and signature"))?;
    let key = mailgun_key(state, owner)?
        .ok_or_else(|| refused("no Mailgun signing key is set for this inbound address"))?;
    if !signature.verify(&key) {
        return Err(refused("the Mailgun signature does not match"));
    }
    let window = i64::try_from(state.config.mailgun_timestamp_window_secs).unwrap_or(i64::MAX);
    let now = now_ms();
    let signed = signature
        .seconds()
        .filter(|s| (now / 1000).abs_diff(*s) <= window.unsigned_abs())
        .ok_or_else(|| refused("the Mailgun timestamp is outside the accepted window"))?;
    rows::delete_expired_tokens(&state.store, now).await?;
    let expires_at = signed.saturating_add(window).saturating_mul(1000);
    if !rows::remember_token(&state.store, owner.user_id, &signature.token, expires_at).await? {
        return Err(refused("this Mailgun token was used before (a replay)"));
    }
    Ok(())
}
