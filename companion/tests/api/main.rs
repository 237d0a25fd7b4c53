//! Integration tests: the real server on a random port with its own database (SQLite, or
//! PostgreSQL when COMPANION_TEST_DATABASE_URL points at a server), driven over HTTP.

mod account;
mod apply_data;
#[cfg(feature = "browser")]
mod apply_e2e;
mod apply_fake;
mod apply_job;
mod apply_pages;
mod approval_pages;
mod approvals;
mod bad_input;
#[cfg(feature = "browser")]
mod cards_browser;
mod config_file;
mod cross_user;
mod cross_user_pages;
mod cross_user_seed;
mod csrf_and_host;
mod csrf_walk;
mod events;
mod form_plans;
mod form_site;
mod helpers;
mod intake;
mod intake_boards;
mod intake_cross_user;
mod intake_site;
mod jobs;
mod jobs_api;
mod jobs_batch;
mod jobs_dashboard;
mod jobs_ops;
mod jobs_process;
mod leak;
mod login;
mod mail_crash;
mod mail_effects;
mod mail_inbound;
mod mail_inbox;
mod mail_limits;
mod mail_memory;
mod mail_once;
mod master_key;
mod metrics;
mod model_keys;
mod pairing;
mod pipeline;
mod profile;
mod resume_reword;
mod schema;
mod secrets_in_logs;
mod vault;
