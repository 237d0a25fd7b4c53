//! I/O-free code shared by the companion (native) and the extension (wasm32).
//!
//! Nothing here touches the network, the disk or a clock: callers pass in what they read.

pub mod api;
pub mod companion_url;
pub mod cookies;
pub mod events;
pub mod forms;
pub mod identity;
pub mod mail;
pub mod pairing;
pub mod profile;
pub mod resume;
pub mod seal_export;
pub mod sse;
pub mod vault;
