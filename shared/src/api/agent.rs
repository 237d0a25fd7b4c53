//! The agent's pause switch and per-platform apply limits (`/api/v1/agent`).

use serde::{Deserialize, Serialize};

/// The agent's controls as the dashboard and the extension see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgentSettings {
    /// While paused, applies (jobs for a job site) stay queued; other jobs run.
    pub paused: bool,
    /// Unix ms of the pause, while paused.
    pub paused_at: Option<i64>,
    /// The companion's limits, used for platforms without an override.
    pub defaults: LimitValues,
    /// The caller's overrides per platform.
    pub limits: Vec<PlatformLimitSetting>,
    /// New approvals are dry runs (everything but the final click) unless the approval
    /// says otherwise. On until the user turns it off.
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LimitValues {
    pub max_concurrent: i64,
    pub per_hour: i64,
}

/// One platform's limits; a missing value keeps the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlatformLimitSetting {
    /// linkedin, indeed, glassdoor, workday or custom:<domain>
    pub platform: String,
    /// Applies running at once on this platform (0 stops them).
    pub max_concurrent: Option<i64>,
    /// Applies started per hour on this platform (0 stops them).
    pub per_hour: Option<i64>,
}

/// What to change; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentUpdate {
    pub paused: Option<bool>,
    /// Replaces every override of the caller.
    pub limits: Option<Vec<PlatformLimitSetting>>,
    /// The default of new approvals: dry runs or real submits.
    #[serde(default)]
    pub dry_run: Option<bool>,
}
