//! The JSON API under `/api/v1`: thin handlers (parse, call a capability, map its errors),
//! each documented for the OpenAPI document that `http::router` builds from the same table.

pub mod account;
pub mod agent;
pub mod agent_requests;
pub mod applications;
pub mod devices;
pub mod events;
pub mod health;
pub mod inbound;
pub mod intake_settings;
pub mod jobs;
pub mod mail;
pub mod pairing;
pub mod postings;
pub mod profile;
pub mod vault;
pub mod watchlist;
