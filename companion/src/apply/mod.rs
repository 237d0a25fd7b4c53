//! The headless apply: one run of the application page in a fresh, off-the-record browser
//! context of a warm headless Chromium, with the user's jar set over CDP (never on disk),
//! the approved answers filled by the extension's own fill script, and the final click held
//! back until [`Watch::submitting`] has recorded it. What to fill, and when to stop instead,
//! is decided in `shared::forms::apply`, so the in-tab assist can make the same decision.

pub mod artifacts;
mod job;
pub mod outcome;
mod watch;

pub use job::{Browse, register, register_with, release_stranded};

use futures_util::future::BoxFuture;

use crate::jobs::JobError;

/// The resume file to attach, in memory only.
#[derive(Clone)]
pub struct ResumeFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ResumeFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumeFile")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// One application to make.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    /// The application page.
    pub url: &'a str,
    /// Opened from the vault, in memory only.
    pub cookies: &'a shared::cookies::CookieJar,
    /// As the user approved them.
    pub answers: &'a [shared::api::Answer],
    /// Structured values for wizard pages planning could not see.
    pub profile: &'a shared::forms::Profile,
    pub resume: Option<&'a ResumeFile>,
    /// False: a dry run, everything but the final click.
    pub submit: bool,
}

/// A step of the run, as progress ("filling 12 of 14 fields").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: &'static str,
    pub text: String,
    pub done: u32,
    pub total: u32,
}

/// What the run reports to, and what can stop it.
pub trait Watch: Send + Sync {
    /// Each step ("filling 12 of 14 fields"); an Err (cancelled, lease lost) stops the run
    /// before submit.
    fn step<'a>(&'a self, step: &'a Step) -> BoxFuture<'a, Result<(), JobError>>;
    /// Right before the final click; records "submitting" durably. An Err means: do not
    /// click.
    fn submitting(&self) -> BoxFuture<'_, Result<(), JobError>>;
}

/// Why a run stopped and handed over to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Captcha,
    /// A captcha challenge came up after the final click, in place of the confirmation.
    CaptchaAfterSubmit,
    SignIn,
    SessionExpired,
    Unanswered,
    Changed,
    Hidden,
    UnexpectedPage,
    NoForm,
    FormErrors,
    Unsure,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Captcha | Why::CaptchaAfterSubmit => "captcha",
            Why::SignIn => "sign_in",
            Why::SessionExpired => "session_expired",
            Why::Unanswered => "unanswered",
            Why::Changed => "changed",
            Why::Hidden => "hidden",
            Why::UnexpectedPage => "unexpected_page",
            Why::NoForm => "no_form",
            Why::FormErrors => "form_errors",
            Why::Unsure => "unsure",
        }
    }

    /// The reason in a sentence for the user.
    pub fn sentence(self) -> &'static str {
        match self {
            Why::Captcha => "The page asks for a captcha, which only you can solve.",
            Why::CaptchaAfterSubmit => {
                "The site asked for a captcha after Submit, so nothing was sent; only you can \
                 solve it."
            }
            Why::SignIn => "The page asks you to sign in.",
            Why::SessionExpired => {
                "Your saved session for this site has expired: sign in again and refresh the \
                 connected account."
            }
            Why::Unanswered => "A required field has no approved answer.",
            Why::Changed => "The form changed since it was planned.",
            Why::Hidden => "An answer belongs to a field you could not see on the page.",
            Why::UnexpectedPage => "The page led somewhere other than the application.",
            Why::NoForm => "No application form was found on the page.",
            Why::FormErrors => "The form came back with errors after submitting.",
            Why::Unsure => {
                "The application may have been submitted, but no confirmation was seen: check."
            }
        }
    }
}

/// A stop before submit as the user reads it (a sign-in wall is told apart by the run, which
/// knows whether it brought the user's cookies).
impl From<shared::forms::apply::StopKind> for Why {
    fn from(kind: shared::forms::apply::StopKind) -> Why {
        use shared::forms::apply::StopKind;
        match kind {
            StopKind::Captcha => Why::Captcha,
            StopKind::Changed => Why::Changed,
            StopKind::Hidden => Why::Hidden,
            StopKind::Unanswered => Why::Unanswered,
            StopKind::SignIn | StopKind::NoForm => Why::NoForm,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The confirmation text or URL seen.
    Submitted { confirmation: String },
    /// A dry run: filled and checked, not clicked.
    ReadyToSubmit,
    /// Stopped before submit, or after it for `FormErrors` and `Unsure`.
    NeedsYou { why: Why, detail: String },
}

/// A PNG screenshot of the page at a step.
#[derive(Clone)]
pub struct Shot {
    pub name: String,
    pub png: Vec<u8>,
}

impl std::fmt::Debug for Shot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shot")
            .field("name", &self.name)
            .field("png", &self.png.len())
            .finish()
    }
}

/// A line of the step log, `at_ms` after the run started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at_ms: u64,
    pub text: String,
}

/// What a run did and saw.
#[derive(Debug, Clone)]
pub struct Report {
    pub ending: Ending,
    pub final_url: String,
    pub screenshots: Vec<Shot>,
    pub log: Vec<LogLine>,
    /// The final submit click happened.
    pub clicked: bool,
}

#[cfg(feature = "browser")]
mod page;
#[cfg(feature = "browser")]
mod run;
#[cfg(feature = "browser")]
mod site;

#[cfg(feature = "browser")]
pub use run::Runner;

/// Without the `browser` feature there is no Chromium to apply with.
#[cfg(not(feature = "browser"))]
pub struct Runner;

#[cfg(not(feature = "browser"))]
impl Runner {
    pub fn new(_config: &crate::config::Config) -> Runner {
        Runner
    }

    pub async fn attempt(
        &self,
        _attempt: Attempt<'_>,
        _watch: &dyn Watch,
    ) -> crate::error::Result<Report> {
        Err(crate::error::Error::Internal(
            "this companion was built without the `browser` feature: it cannot apply".into(),
        ))
    }
}
