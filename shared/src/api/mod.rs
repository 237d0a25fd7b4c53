//! Wire types of the companion's HTTP API (`/api/v1`): every request and response body, the
//! types inside them and the query strings, defined once for the companion, the extension and
//! the dashboard's scripts. JSON field names are camelCase. The companion's OpenAPI schemas
//! derive from these (feature `openapi`); the WASM build leaves utoipa out.
//!
//! One file per area, re-exported as one flat namespace: utoipa names a schema by its type
//! name alone, so two wire types of one name would collide in the OpenAPI document; here the
//! `ambiguous_glob_reexports` lint catches them first.

mod account;
mod agent;
mod agent_requests;
mod applications;
mod events;
mod intake_settings;
mod jobs;
mod mail;
mod postings;
mod problem;
mod profile;
mod vault;
mod watchlist;

pub use account::*;
pub use agent::*;
pub use agent_requests::*;
pub use applications::*;
pub use events::*;
pub use intake_settings::*;
pub use jobs::*;
pub use mail::*;
pub use postings::*;
pub use problem::*;
pub use profile::*;
pub use vault::*;
pub use watchlist::*;
