//! How a run's ending settles its request and the submit ledger: a pure decision, so every
//! ending (and every ending after a click) is tested without a browser.

use shared::api::READY_TO_SUBMIT;

use super::{Ending, Why};
use crate::store::submit_ledger::{FORM_ERRORS, SUBMITTED, UNSURE};

/// The code and sentence of a run that found the final click recorded without its outcome
/// (its worker died between the two): nobody clicks again until the user has looked.
pub const MAY_HAVE_BEEN_SUBMITTED: (&str, &str) = (
    "may_have_been_submitted",
    "May have been submitted: check the site before you submit again (a run stopped between \
     the final click and its outcome).",
);

/// A run that failed (the browser, the page, the companion): the user finishes in their tab.
pub const RUN_FAILED: &str = "run_failed";

/// The run was cancelled before it submitted.
pub const CANCELLED: (&str, &str) = (
    "cancelled",
    "The run was cancelled before it submitted; finish in your tab or approve a new run.",
);

const READY_TEXT: &str = "Ready to submit: the agent filled the form and stopped before the final \
     click (dry run). Check its screenshots, then let the agent submit or finish in your tab.";

/// What the request becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// Applied, linked to the posting's application.
    Applied,
    /// needs_you with a reason code and sentence.
    NeedsYou { code: String, text: String },
}

/// A run's ending as the request and the ledger take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub settle: Settle,
    /// The outcome written to the ledger row the run recorded before its click, if it did.
    pub ledger: Option<&'static str>,
}

/// Decides a run's ending. `begun`: the run recorded `submitting` (it may have clicked);
/// `clicked`: the runner says it clicked. Once begun, only a seen confirmation is
/// `submitted` and only errors the site showed after a click are `form_errors` (nothing was
/// submitted, another try may follow); anything else is `unsure`, which holds the posting
/// until the user says what happened.
pub fn decide(ending: &Ending, begun: bool, clicked: bool) -> Decision {
    let (settle, ledger) = match ending {
        Ending::Submitted { .. } => (Settle::Applied, SUBMITTED),
        Ending::ReadyToSubmit => (needs_you(READY_TO_SUBMIT, READY_TEXT.to_owned()), UNSURE),
        Ending::NeedsYou { why, detail } => {
            let text = match detail.trim() {
                "" => why.sentence().to_owned(),
                // "…only you can solve: hCaptcha on the page."
                detail => format!("{}: {detail}.", why.sentence().trim_end_matches('.')),
            };
            // The site answered the click (errors, a captcha challenge) and kept the form.
            let answered = matches!(why, Why::FormErrors | Why::CaptchaAfterSubmit);
            let ledger = if answered && clicked {
                FORM_ERRORS
            } else {
                UNSURE
            };
            (needs_you(why.as_str(), text), ledger)
        }
    };
    let settle = match settle {
        // Recorded as submitting but not confirmed: it may have gone out.
        Settle::NeedsYou { .. } if begun && ledger == UNSURE => needs_you(
            MAY_HAVE_BEEN_SUBMITTED.0,
            MAY_HAVE_BEEN_SUBMITTED.1.to_owned(),
        ),
        other => other,
    };
    Decision {
        settle,
        ledger: begun.then_some(ledger),
    }
}

fn needs_you(code: &str, text: String) -> Settle {
    Settle::NeedsYou {
        code: code.to_owned(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stopped(why: Why) -> Ending {
        Ending::NeedsYou {
            why,
            detail: String::new(),
        }
    }

    #[test]
    fn a_confirmed_submit_is_applied_and_submitted_in_the_ledger() {
        let submitted = Ending::Submitted {
            confirmation: "Thanks".into(),
        };
        let decision = decide(&submitted, true, true);
        assert_eq!(decision.settle, Settle::Applied);
        assert_eq!(decision.ledger, Some(SUBMITTED));
    }

    #[test]
    fn a_dry_run_is_ready_to_submit_and_leaves_the_ledger_alone() {
        let decision = decide(&Ending::ReadyToSubmit, false, false);
        assert_eq!(decision.ledger, None);
        assert!(
            matches!(decision.settle, Settle::NeedsYou { ref code, .. } if code == READY_TO_SUBMIT)
        );
    }

    #[test]
    fn a_stop_before_submit_names_its_reason() {
        let ending = Ending::NeedsYou {
            why: Why::Captcha,
            detail: "hCaptcha on the page".into(),
        };
        let decision = decide(&ending, false, false);
        assert_eq!(decision.ledger, None);
        assert_eq!(
            decision.settle,
            Settle::NeedsYou {
                code: "captcha".into(),
                text:
                    "The page asks for a captcha, which only you can solve: hCaptcha on the page."
                        .into(),
            }
        );
    }

    #[test]
    fn errors_after_the_click_free_the_posting_for_another_try() {
        let decision = decide(&stopped(Why::FormErrors), true, true);
        assert_eq!(decision.ledger, Some(FORM_ERRORS));
        assert!(
            matches!(decision.settle, Settle::NeedsYou { ref code, .. } if code == "form_errors")
        );
    }

    #[test]
    fn a_captcha_after_the_click_frees_the_posting_and_says_nothing_was_sent() {
        let ending = Ending::NeedsYou {
            why: Why::CaptchaAfterSubmit,
            detail: "reCAPTCHA on the page".into(),
        };
        let decision = decide(&ending, true, true);
        assert_eq!(decision.ledger, Some(FORM_ERRORS));
        assert_eq!(
            decision.settle,
            Settle::NeedsYou {
                code: "captcha".into(),
                text: "The site asked for a captcha after Submit, so nothing was sent; only you \
                       can solve it: reCAPTCHA on the page."
                    .into(),
            }
        );
        // Recorded as submitting without the runner's click: it may have gone out.
        let decision = decide(&ending, true, false);
        assert_eq!(decision.ledger, Some(UNSURE));
        assert!(
            matches!(decision.settle, Settle::NeedsYou { ref code, .. } if code == MAY_HAVE_BEEN_SUBMITTED.0)
        );
    }

    #[test]
    fn anything_unconfirmed_after_submitting_holds_the_posting() {
        for (ending, clicked) in [
            (stopped(Why::Unsure), true),
            (stopped(Why::FormErrors), false),
            (stopped(Why::UnexpectedPage), true),
            (Ending::ReadyToSubmit, false),
        ] {
            let decision = decide(&ending, true, clicked);
            assert_eq!(decision.ledger, Some(UNSURE), "{ending:?}");
            assert_eq!(
                decision.settle,
                Settle::NeedsYou {
                    code: MAY_HAVE_BEEN_SUBMITTED.0.into(),
                    text: MAY_HAVE_BEEN_SUBMITTED.1.into(),
                },
                "{ending:?}"
            );
        }
    }
}
