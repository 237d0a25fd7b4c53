//! Cookie jars: one normalised [`CookieJar`] read from any common export, and the
//! [`Platform`]s whose session cookies the vault keeps.
//!
//! [`parse_export`] reads the browser cookies API objects (`chrome.cookies.Cookie`),
//! EditThisCookie and Cookie-Editor JSON, Netscape `cookies.txt` and a raw `Cookie:` header.
//! [`Platform::filter`] then keeps only the cookies that make a session on that platform.
//! Cookie values are secrets: they are zeroed on drop and never printed by `Debug`.

mod error;
mod jar;
mod parse;
mod platform;

pub use error::{CookieError, SkipReason, Skipped};
pub use jar::{Cookie, CookieJar, CookieValue, JarMetadata, SameSite};
pub use parse::{ExportFormat, ParsedExport, parse_export, parse_export_detailed};
pub use platform::{KNOWN_PLATFORMS, Platform};

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_corpus;
#[cfg(test)]
mod tests_parse;
#[cfg(test)]
mod tests_platform;
#[cfg(test)]
mod tests_send;
