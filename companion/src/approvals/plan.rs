//! The planned form on a request: the planner's fields as the request's answers, merged with
//! what the user changed, and the card's confidence from the match score and the form.

use serde::Serialize;
use shared::api::{AgentRequest, Answer, FormSummary};
use shared::forms::{Blocker, BlockerKind, FormPlan, PlannedField, Source};

use super::{MAX_ANSWER_VALUE, MAX_ANSWERS, MAX_TEXT, NEEDS_YOU, PENDING};
use super::{UPDATED_EVENT, emit};
use crate::error::{Error, Result};
use crate::forms::clip;
use crate::state::AppState;
use crate::store::agent_requests::{self as rows, Change, Planned};
use crate::store::now_ms;

/// The user's own value (typed on the Edit page, added by hand, or a changed planned one).
pub const YOU: &str = "you";
/// A value the model wrote from the profile and the stored answers.
pub const DRAFT: &str = "draft";
pub const UNKNOWN: &str = "unknown";

/// Labels named in a reason before "and N more".
const NAMED: usize = 5;

/// Every field of the plan as an answer, drafts (selector, text) filled in; honeypots and
/// passwords are left out, so nothing ever fills them.
pub fn planned_answers(plan: &FormPlan, drafts: &[(String, String)]) -> Vec<Answer> {
    plan.fields
        .iter()
        .filter(|f| f.selector.chars().count() <= MAX_TEXT)
        .filter_map(|field| {
            let draft = drafts
                .iter()
                .find(|(selector, _)| *selector == field.selector);
            answer_for(field, draft.map(|(_, text)| text.as_str()))
        })
        .take(MAX_ANSWERS)
        .collect()
}

fn answer_for(field: &PlannedField, draft: Option<&str>) -> Option<Answer> {
    let source = match (&field.source, draft) {
        (Source::NeverFill { .. }, _) => return None,
        (_, Some(_)) => DRAFT.to_owned(),
        (Source::Resume { path }, _) => format!("resume:{path}"),
        (Source::AnswerBank { key }, _) => format!("answers:{key}"),
        (Source::FreeAnswer { question }, _) => format!("free_answer:{}", clip(question, 200)),
        (Source::Document, _) => "resume_pdf".to_owned(),
        (Source::NeedsDraft | Source::Unknown, _) => UNKNOWN.to_owned(),
    };
    let value = match draft {
        Some(text) => text.to_owned(),
        None => field
            .value
            .as_ref()
            .map(|v| v.display())
            .unwrap_or_default(),
    };
    Some(Answer {
        field: field.selector.clone(),
        label: clip(&field.label, MAX_TEXT),
        value: clip(&value, MAX_ANSWER_VALUE),
        source,
        field_type: Some(field.field_type),
        confidence: Some(if draft.is_some() {
            0.0
        } else {
            field.confidence
        }),
        required: field.required,
        draft: draft.is_some(),
    })
}

/// The user changed it (or approved its draft): a new plan keeps it.
fn touched(answer: &Answer) -> bool {
    answer.source == YOU || (answer.source == DRAFT && !answer.draft)
}

/// A new plan's answers, with every answer the user touched kept in place of the planned one
/// (and those for fields the new plan lacks kept at the end).
pub fn merged(current: &[Answer], planned: Vec<Answer>) -> Vec<Answer> {
    let kept = |field: &str| current.iter().find(|a| a.field == field && touched(a));
    let mut answers: Vec<Answer> = planned
        .into_iter()
        .map(|answer| kept(&answer.field).cloned().unwrap_or(answer))
        .collect();
    for answer in current.iter().filter(|a| touched(a)) {
        if !answers.iter().any(|a| a.field == answer.field) {
            answers.push(answer.clone());
        }
    }
    answers.truncate(MAX_ANSWERS);
    answers
}

/// The answers after the user's edit: a changed value becomes the user's own; an unchanged
/// one keeps its source, type and draft flag whatever the client sent (an old client must not
/// approve drafts by sending them back), except for drafts the user approves by field. A
/// known field keeps its label: it is what the form calls it, and the Edit page sends none.
pub fn edited(current: &[Answer], submitted: &[Answer], approve_drafts: &[String]) -> Vec<Answer> {
    submitted
        .iter()
        .map(|answer| {
            let Some(before) = current.iter().find(|a| a.field == answer.field) else {
                return answer.clone();
            };
            if before.value != answer.value {
                return Answer {
                    value: answer.value.clone(),
                    source: YOU.to_owned(),
                    confidence: Some(1.0),
                    draft: false,
                    ..before.clone()
                };
            }
            let approved = before.draft && approve_drafts.contains(&before.field);
            Answer {
                confidence: if approved {
                    Some(1.0)
                } else {
                    before.confidence
                },
                draft: before.draft && !approved,
                ..before.clone()
            }
        })
        .collect()
}

/// The labels of drafts waiting for the user's approval.
pub fn unapproved_drafts(answers: &[Answer]) -> Vec<String> {
    answers
        .iter()
        .filter(|a| a.draft)
        .map(|a| {
            clip(
                if a.label.is_empty() {
                    &a.field
                } else {
                    &a.label
                },
                60,
            )
        })
        .collect()
}

/// Filled with a value the agent may use as it is.
fn usable(answer: &Answer) -> bool {
    !answer.value.is_empty() && !answer.draft
}

/// What a plan or an edit writes beside the answers.
pub struct CardUpdate {
    pub confidence: f64,
    reasons: String,
    form: String,
}

impl CardUpdate {
    pub fn as_planned(&self) -> Planned<'_> {
        Planned {
            confidence: self.confidence,
            confidence_reasons: &self.reasons,
            form_plan: &self.form,
        }
    }
}

/// The card's confidence and its reasons: the match step's, then the form's (what is
/// planned, required fields still unknown, drafts to approve, blockers, a drafting error).
pub fn card(answers: &[Answer], form: &FormSummary) -> Result<CardUpdate> {
    let mut counted = Vec::new();
    let mut unknown_required = Vec::new();
    for answer in answers {
        if usable(answer) {
            counted.push(answer.confidence.unwrap_or(1.0));
        } else if answer.required {
            counted.push(0.0);
            unknown_required.push(if answer.label.is_empty() {
                clip(&answer.field, 60)
            } else {
                clip(&answer.label, 60)
            });
        }
    }
    let form_confidence =
        shared::forms::confidence_of(&counted, unknown_required.len(), form.blocked);
    let mut reasons = form.match_reasons.clone();
    let filled = answers.iter().filter(|a| usable(a)).count();
    reasons.push(format!(
        "form: {filled} of {} fields planned, form confidence {}%",
        answers.len(),
        (form_confidence * 100.0).round()
    ));
    if !unknown_required.is_empty() {
        reasons.push(format!(
            "{} required {} unknown: {}",
            unknown_required.len(),
            plural(unknown_required.len(), "field", "fields"),
            named(&unknown_required)
        ));
    }
    let drafts = unapproved_drafts(answers);
    if !drafts.is_empty() {
        reasons.push(format!(
            "{} drafted {} for your approval: {}",
            drafts.len(),
            plural(drafts.len(), "answer waits", "answers wait"),
            named(&drafts)
        ));
    }
    reasons.extend(form.blockers.iter().map(blocker_reason));
    if let Some(error) = &form.draft_error {
        reasons.push(format!("no drafts: {error}"));
    }
    let form = FormSummary {
        confidence: form_confidence,
        ..form.clone()
    };
    Ok(CardUpdate {
        confidence: ((form.match_score * form_confidence) * 100.0).round() / 100.0,
        reasons: to_json(&reasons)?,
        form: to_json(&form)?,
    })
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

/// `one` for one, `many` for any other count.
pub(super) fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

fn named(labels: &[String]) -> String {
    let mut list = labels
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > NAMED {
        list.push_str(&format!(" and {} more", labels.len() - NAMED));
    }
    list
}

fn blocker_reason(blocker: &Blocker) -> String {
    match blocker.kind {
        BlockerKind::Captcha if blocker.invisible => {
            "an invisible captcha on the form: it asks nothing before Submit, and if it asks \
             after, you finish in your own tab"
                .into()
        }
        BlockerKind::Captcha => "a captcha on the form: you finish it in your own tab".into(),
        // The plan job says there what the user's session lacks.
        BlockerKind::LoginWall => format!("the form wants a sign-in: {}", blocker.detail),
        BlockerKind::AccountCreation => format!("the form wants an account: {}", blocker.detail),
        BlockerKind::NoForm => "no application form on the page: apply from the posting".into(),
        BlockerKind::MultiPage => "the form has more pages than the first one planned".into(),
        BlockerKind::Honeypot => "a hidden trap field, which stays empty".into(),
    }
}

/// Stores a new plan on the request: its answers merged with what the user changed, the form
/// and the card's confidence, at the version just read (a change meanwhile is merged again).
/// None when the request can no longer use answers (decided, applied, expired).
pub async fn store(
    state: &AppState,
    user_id: i64,
    id: i64,
    planned: &[Answer],
    form: &FormSummary,
) -> Result<Option<AgentRequest>> {
    for _ in 0..3 {
        let current = super::get(state, user_id, id).await?;
        if ![PENDING, NEEDS_YOU].contains(&current.state.as_str()) {
            return Ok(None);
        }
        let answers = merged(&current.answers, planned.to_vec());
        let update = card(&answers, form)?;
        let answers = to_json(&answers)?;
        let change = Change {
            from: &[PENDING, NEEDS_YOU],
            version: Some(current.version),
            to_state: None,
            answers: Some(&answers),
            resume: None,
            application_id: None,
            planned: Some(update.as_planned()),
            decides: false,
            dry_run: None,
            reason: None,
        };
        if let Some(row) = rows::change(&state.store, user_id, id, &change, now_ms()).await? {
            let request = AgentRequest::from(row);
            emit(state, user_id, UPDATED_EVENT, &request).await?;
            return Ok(Some(request));
        }
    }
    Err(Error::Conflict(format!(
        "request {id} kept changing while its plan was stored"
    )))
}

/// The match step's score and reasons of a request: kept in its form once planned, since
/// the request's own confidence then includes the form.
pub fn match_of(request: &AgentRequest) -> (f64, Vec<String>) {
    match &request.form {
        Some(form) => (form.match_score, form.match_reasons.clone()),
        None => (request.confidence, request.confidence_reasons.clone()),
    }
}
