//! Pairing, who is calling, devices, and deleting the account.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/pair`: redeem a one-time pairing code for a device token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairRequest {
    /// `XXXX-XXXXX-XXXXX`, Crockford base32; case, dashes and spaces are forgiven.
    #[cfg_attr(feature = "openapi", schema(min_length = 14, max_length = 64))]
    pub code: String,
    /// A label for the dashboard's device list, e.g. "Chrome on Linux".
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub device_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The companion's Ed25519 identity public key, which the extension pins at pairing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IdentityInfo {
    /// base64url (no padding) of the 32-byte public key.
    pub public_key: String,
    /// Human-comparable digest of the key; see [`crate::identity::fingerprint`].
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairResponse {
    /// The device token: shown once, stored by the companion only as a hash.
    pub token: String,
    pub device: DeviceInfo,
    pub user: UserInfo,
    pub identity: IdentityInfo,
}

/// `GET /api/v1/me`: who the caller is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    pub user: UserInfo,
    /// Present when the caller authenticated with a device token.
    pub device: Option<DeviceInfo>,
    pub identity: IdentityInfo,
}

/// `POST /api/v1/pairing-codes` (dashboard session only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PairingCodeResponse {
    pub code: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

/// `DELETE /api/v1/account`: the user's name and password, typed again, confirm the deletion
/// of the account and everything it owns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteAccountRequest {
    pub confirm_name: String,
    pub password: String,
}
