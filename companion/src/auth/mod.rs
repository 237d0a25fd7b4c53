//! Credentials: random tokens, password hashing, attempt limits.

pub mod passwords;
pub mod rate_limit;
pub mod tokens;
