//! The credential vault: the signed vault key, sealed jars and their metadata, platforms.

use serde::{Deserialize, Serialize};

use crate::cookies::{JarMetadata, Platform};

/// `PUT /api/v1/credentials/{platform}`: a cookie jar sealed in the browser. Anything else in
/// the body (such as client-computed metadata) is ignored: the companion derives it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SealedJarRequest {
    /// An `arv1.` envelope from `shared::vault::seal_jar`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^arv1\.[A-Za-z0-9_-]+$"))]
    pub envelope: String,
}

/// A platform whose sessions the vault can hold, with the host permissions the extension
/// requests to read its cookies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlatformInfo {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    pub origins: Vec<String>,
}

impl From<Platform> for PlatformInfo {
    fn from(platform: Platform) -> Self {
        PlatformInfo {
            origins: platform.chrome_origins(),
            id: platform.id,
            name: platform.name,
            domains: platform.domains,
        }
    }
}

/// A user's vault public key, vouched for by the companion's identity key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignedVaultKey {
    pub user_id: String,
    pub key_id: String,
    /// base64url X25519 public key.
    pub public_key: String,
    /// base64url Ed25519 signature over `shared::identity::vault_key_statement`.
    pub signature: String,
    /// The companion's identity key, for comparison with the pinned one.
    pub identity_key: String,
}

/// What the companion shows about a stored jar: never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    pub platform: String,
    pub platform_name: String,
    pub key_id: String,
    pub metadata: JarMetadata,
    /// Unix milliseconds.
    pub updated_at: i64,
    /// When an apply found this session expired (Unix ms): sign in again and refresh the
    /// account. Cleared when a new jar is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_needed_at: Option<i64>,
}
