//! Pairing: a person shows a one-time code (dashboard or CLI), the extension redeems it for
//! a device token scoped to that person.

use shared::api::{DeviceInfo, PairResponse, PairingCodeResponse};
use shared::events::{DEVICE_PAIRED, DEVICE_REVOKED};
use shared::pairing;

use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::store::{self, Store, now_ms};
use crate::vault::identity::Identity;

pub const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;
const MAX_DEVICE_NAME: usize = 100;

pub async fn create_code(store: &Store, user_id: i64) -> Result<PairingCodeResponse> {
    let expires_at = now_ms() + CODE_LIFETIME_MS;
    // 20-bit lookups rarely collide among live codes; a few draws always suffice.
    for _ in 0..8 {
        let code = pairing::encode(&tokens::random_bytes::<{ pairing::RANDOM_BYTES }>()?);
        let stored = store::pairing::create(
            store,
            &code.lookup,
            user_id,
            &tokens::hash(&code.secret),
            expires_at,
        )
        .await?;
        if stored {
            return Ok(PairingCodeResponse {
                code: code.display(),
                expires_at,
            });
        }
    }
    Err(Error::Internal("could not draw a free pairing code".into()))
}

pub async fn redeem(
    store: &Store,
    bus: &EventBus,
    identity: &Identity,
    code: &str,
    device_name: &str,
) -> Result<PairResponse> {
    let device_name = device_name.trim();
    if device_name.is_empty() || device_name.chars().count() > MAX_DEVICE_NAME {
        return Err(Error::BadRequest(format!(
            "deviceName must have 1 to {MAX_DEVICE_NAME} characters"
        )));
    }
    let code = pairing::parse(code).map_err(|_| Error::PairingCodeInvalid)?;
    let live = store::pairing::find_live(store, &code.lookup)
        .await?
        .ok_or(Error::PairingCodeInvalid)?;
    if !tokens::constant_time_eq(&live.secret_hash, &tokens::hash(&code.secret)) {
        store::pairing::record_failure(store, &code.lookup).await?;
        return Err(Error::PairingCodeInvalid);
    }
    let user_id = store::pairing::redeem(store, &code.lookup)
        .await?
        .ok_or(Error::PairingCodeInvalid)?;
    let user = store::users::get(store, user_id)
        .await?
        .ok_or(Error::PairingCodeInvalid)?;
    let token = tokens::generate_device_token()?;
    let device_id = uuid::Uuid::now_v7().to_string();
    let device: DeviceInfo = store::devices::create(
        store,
        &device_id,
        user_id,
        device_name,
        &tokens::hash(&token),
    )
    .await?
    .into();
    bus.emit(
        user_id,
        DEVICE_PAIRED,
        serde_json::json!({"deviceId": device.id, "name": device.name}),
    )
    .await?;
    Ok(PairResponse {
        token,
        device,
        user,
        identity: identity.info(),
    })
}

pub async fn revoke_device(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    device_id: &str,
) -> Result<DeviceInfo> {
    let device: DeviceInfo = store::devices::revoke(store, user_id, device_id)
        .await?
        .ok_or(Error::NotFound)?
        .into();
    bus.emit(
        user_id,
        DEVICE_REVOKED,
        serde_json::json!({"deviceId": device.id, "name": device.name}),
    )
    .await?;
    Ok(device)
}
