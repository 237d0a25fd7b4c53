//! Recruiting mail: parsing (MIME, charsets, HTML, forwards) and a rule-based classifier
//! that names the category, the hiring company, the role and the tone of one message.
//!
//! The rules are data ([`rules.toml`](rules.toml), embedded); a user's own rule file extends
//! them. Everything here is pure: callers read the files and the clock.

mod category;
mod classify;
mod company;
pub mod eval;
mod forward;
mod gate;
mod html;
mod parse;
mod rules;
mod text;

pub use category::Category;
pub use classify::{Classification, Classifier};
pub use forward::is_forward_subject;
pub use parse::{Mail, ParseError, parse};
pub use rules::RulesError;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_corpus;
#[cfg(test)]
mod tests_forward;
#[cfg(test)]
mod tests_own;
#[cfg(test)]
mod tests_training;
