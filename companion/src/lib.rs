//! AutoResume's companion: a library with a thin binary (`main.rs`, `cli/`).
//!
//! Modules form layers, each importing only those below it (`tests/layers.rs` checks):
//! `app` (wiring) → `http` (routes, API, dashboard) → capabilities (`account`, `apply`, `users`,
//! `pairing`, `profile`, `intake`, `approvals`, `forms`, `mail`, `llm`, `resume`; each registers
//! its own job kinds) → `jobs` (the runner) → `state` → `vault` → `events` → `store` (all SQL) →
//! `config` → `browser` (sandboxed headless Chromium) → `fetch`, `auth` → `error`.

pub mod account;
mod app;
pub mod apply;
pub mod approvals;
pub mod auth;
#[cfg(feature = "browser")]
pub mod browser;
pub mod config;
pub mod error;
pub mod events;
pub mod fetch;
pub mod forms;
pub mod http;
pub mod intake;
pub mod jobs;
pub mod llm;
pub mod mail;
pub mod pairing;
pub mod profile;
pub mod resume;

pub mod state;
pub mod store;
#[cfg(feature = "tex")]
pub mod tex;
pub mod users;
pub mod vault;

pub use app::{App, job_kinds, run_workers};
