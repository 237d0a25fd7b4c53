//! Dashboard pages of the approval queue: cards, edit, magic link. Plain forms that work
//! without JavaScript; `static/agent-requests.js` adds live cards.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{AgentRequest, Answer, ProposeBody, UserInfo};

use super::{DashboardUser, ago, render};
use crate::approvals::{self, STATES, plan};
use crate::error::{Error, Result};
use crate::http::api::agent_requests::by_hand;
use crate::state::AppState;

/// A request as a card shows it.
pub struct CardView {
    pub request: AgentRequest,
    pub percent: i64,
    pub when: String,
    pub answers: Vec<AnswerView>,
    /// Answers with a value the agent may use (not empty, not an unapproved draft).
    pub filled: usize,
    pub unknown_required: usize,
    pub drafts: usize,
}

/// One planned answer as the card, the Edit page and the magic link show it.
pub struct AnswerView {
    pub answer: Answer,
    /// Where the value came from, in words.
    pub source: String,
    /// The per-field confidence in percent; none for answers added by hand.
    pub percent: Option<i64>,
    pub unknown: bool,
    /// Required, and the label does not say so already ("Email *").
    pub star: bool,
}

/// 0..=1 scaled to 0..=100: the cast cannot overflow.
#[allow(clippy::cast_possible_truncation)]
fn percent(fraction: f64) -> i64 {
    (fraction.clamp(0.0, 1.0) * 100.0).round() as i64
}

/// Where an answer came from, in words (static/agent-requests.js has the same table).
pub fn source_words(answer: &Answer) -> String {
    let source = answer.source.as_str();
    if let Some(path) = source.strip_prefix("resume:") {
        return format!("resume · {path}");
    }
    if let Some(key) = source.strip_prefix("answers:") {
        return format!("answer bank · {key}");
    }
    if let Some(question) = source.strip_prefix("free_answer:") {
        return format!("stored answer · {question}");
    }
    match source {
        plan::DRAFT if answer.draft => "model draft, waiting for your approval".into(),
        plan::DRAFT => "model draft, approved by you".into(),
        plan::YOU => "you".into(),
        "resume_pdf" => "resume PDF".into(),
        plan::UNKNOWN => "unknown".into(),
        other => other.to_owned(),
    }
}

impl From<AgentRequest> for CardView {
    fn from(request: AgentRequest) -> Self {
        let answers: Vec<AnswerView> = request
            .answers
            .iter()
            .map(|answer| AnswerView {
                source: source_words(answer),
                percent: answer.confidence.map(percent),
                unknown: answer.value.is_empty(),
                star: answer.required && !answer.label.trim_end().ends_with(['*', '✱']),
                answer: answer.clone(),
            })
            .collect();
        let usable = |a: &&AnswerView| !a.unknown && !a.answer.draft;
        CardView {
            percent: percent(request.confidence),
            when: ago(request.created_at),
            filled: answers.iter().filter(usable).count(),
            unknown_required: answers
                .iter()
                .filter(|a| a.answer.required && (a.unknown || a.answer.draft))
                .count(),
            drafts: answers.iter().filter(|a| a.answer.draft).count(),
            answers,
            request,
        }
    }
}

impl CardView {
    pub fn request(&self) -> &AgentRequest {
        &self.request
    }

    pub fn state_label(&self) -> &'static str {
        state_label(&self.request.state)
    }

    /// A dry run that ended before the final click: the agent may submit it (Submit now).
    pub fn ready_to_submit(&self) -> bool {
        self.request.state == "needs_you"
            && self
                .request
                .reason
                .as_ref()
                .is_some_and(|r| r.code == shared::api::READY_TO_SUBMIT)
    }

    /// "Dry run" only where it still tells what happens: a run to come or under way, or one
    /// that stopped before the final click. A pending card has the checkbox instead.
    pub fn dry_run_badge(&self) -> bool {
        self.request.dry_run
            && (matches!(self.request.state.as_str(), "approved" | "applying")
                || self.ready_to_submit())
    }
}

/// Words for a state (static/agent-requests.js has the same table for live cards).
pub fn state_label(state: &str) -> &'static str {
    match state {
        "pending" => "Waiting for you",
        "approved" => "Approved",
        "applying" => "Applying",
        "applied" => "Applied",
        "needs_you" => "Needs you",
        "failed" => "Failed",
        "declined" => "Rejected",
        "expired" => "Expired",
        _ => "Unknown",
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    notice: Option<String>,
}

pub struct FilterView {
    pub state: &'static str,
    pub label: &'static str,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "agent_requests.html")]
struct RequestsPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    cards: Vec<CardView>,
    filter: String,
    filters: Vec<FilterView>,
    total: i64,
    notice: Option<String>,
    last_event_id: i64,
    /// The approve forms' dry-run checkbox starts as the user's setting.
    dry_run_default: bool,
}

pub async fn requests(
    State(state): State<AppState>,
    me: DashboardUser,
    Query(query): Query<ListQuery>,
) -> Result<Response> {
    let filter = query
        .state
        .filter(|s| STATES.contains(&s.as_str()))
        .unwrap_or_default();
    // Read first: an event written while the page is built is then replayed, not lost.
    let last_event_id = crate::store::events::max_id(&state.store).await?;
    let requests = approvals::list(
        &state,
        me.user.id,
        Some(filter.as_str()).filter(|f| !f.is_empty()),
    )
    .await?;
    let counts = crate::store::agent_requests::count_by_state(&state.store, me.user.id).await?;
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    Ok(render(&RequestsPage {
        cards: requests.into_iter().map(Into::into).collect(),
        filters: STATES
            .iter()
            .map(|s| FilterView {
                state: s,
                label: state_label(s),
                count: count(s),
            })
            .collect(),
        total: counts.iter().map(|(_, n)| n).sum(),
        last_event_id,
        dry_run_default: crate::store::agent::dry_run(&state.store, me.user.id).await?,
        filter,
        notice: query.notice.filter(|n| !n.is_empty()),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "requests",
    }))
}

/// After a form post: back to the list, with what went wrong in words when it did.
pub(super) fn back(outcome: Result<impl Sized>, to: &str) -> Result<Response> {
    let notice = match outcome {
        Ok(_) => return Ok(Redirect::to(to).into_response()),
        Err(
            error @ (Error::Conflict(_)
            | Error::StaleVersion { .. }
            | Error::Unprocessable(_)
            | Error::TooLarge(_)
            | Error::UnsupportedMediaType(_)
            | Error::BadRequest(_)),
        ) => error.to_string(),
        Err(other) => return Err(other),
    };
    let separator = if to.contains('?') { '&' } else { '?' };
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("notice", &notice)
        .finish();
    Ok(Redirect::to(&format!("{to}{separator}{query}")).into_response())
}

const LIST: &str = "/dashboard/agent-requests";

/// Where a form asked to come back to, when it is one of the dashboard's own pages; else the
/// list. Never another site (`//host`, `/\host`, a scheme) and nothing a header cannot carry.
pub(super) fn back_to(asked: Option<&str>) -> &str {
    asked
        .filter(|path| {
            (*path == "/dashboard" || path.starts_with("/dashboard/"))
                && !path.contains("//")
                && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        })
        .unwrap_or(LIST)
}

#[derive(Deserialize)]
pub struct ProposeForm {
    job_url: String,
    company: String,
    title: String,
}

pub async fn propose(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<ProposeForm>,
) -> Result<Response> {
    let body = ProposeBody {
        job_url: form.job_url,
        company: form.company,
        title: form.title,
    };
    back(
        approvals::propose(&state, me.user.id, by_hand(body)).await,
        LIST,
    )
}

#[derive(Deserialize)]
pub struct DecisionForm {
    version: Option<i64>,
    /// The approve form's dry-run checkbox (`on` when ticked), present only with
    /// `dry_run_shown`: without the checkbox the user's setting decides.
    dry_run: Option<String>,
    dry_run_shown: Option<String>,
    /// The page the form was on, when not the list (see [`back_to`]).
    back: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    me: DashboardUser,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    let user_id = me.user.id;
    let outcome = match action.as_str() {
        "approve" => {
            let dry_run = form.dry_run_shown.map(|_| form.dry_run.is_some());
            approvals::approve(&state, user_id, id, form.version, dry_run).await
        }
        "submit" => approvals::submit_now(&state, user_id, id, form.version).await,
        "decline" => approvals::decline(&state, user_id, id, form.version).await,
        "mark-submitted" => approvals::mark_submitted(&state, user_id, id, form.version).await,
        _ => return Err(Error::NotFound),
    };
    if let Ok(request) = &outcome
        && action == "mark-submitted"
        && let Some(application_id) = request.application_id
    {
        return Ok(
            Redirect::to(&format!("/dashboard/applications/{application_id}")).into_response(),
        );
    }
    back(outcome, back_to(form.back.as_deref()))
}

#[derive(Template)]
#[template(path = "agent_request_edit.html")]
struct EditPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    card: CardView,
    notice: Option<String>,
    /// Where Save and Cancel lead: the list, or the request's page it was opened from.
    back: String,
}

impl EditPage {
    fn opened_from_list(&self) -> bool {
        self.back == LIST
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

#[derive(Deserialize)]
pub struct EditQuery {
    notice: Option<String>,
    back: Option<String>,
}

pub async fn edit_page(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> Result<Response> {
    let request = approvals::get(&state, me.user.id, id).await?;
    Ok(render(&EditPage {
        card: request.into(),
        notice: query.notice.filter(|n| !n.is_empty()),
        back: back_to(query.back.as_deref()).to_owned(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "requests",
    }))
}

/// The edit form, parsed.
struct EditForm {
    version: i64,
    answers: Vec<Answer>,
    resume: Option<String>,
    approve_drafts: Vec<String>,
    back: Option<String>,
}

/// The edit form: answer rows as repeated `field`/`label`/`source`/`value` inputs in order
/// (label and source may be left out: the stored answer keeps its own), `approve_draft` with
/// the field of each draft the user approves, plus an optional new answer.
fn parse_edit_form(body: &[u8]) -> Result<EditForm> {
    let mut version = None;
    let mut resume = None;
    let mut answers: Vec<Answer> = Vec::new();
    let mut approve_drafts = Vec::new();
    let mut back = None;
    let (mut new_label, mut new_value) = (String::new(), String::new());
    for (name, value) in url::form_urlencoded::parse(body) {
        let value = value.into_owned();
        match name.as_ref() {
            "version" => version = value.parse().ok(),
            "resume" => resume = Some(value),
            "back" => back = Some(value),
            "field" => answers.push(Answer {
                field: value,
                ..Answer::default()
            }),
            "approve_draft" => approve_drafts.push(value),
            "label" | "source" | "value" => {
                let answer = answers
                    .last_mut()
                    .ok_or_else(|| Error::BadRequest("an answer without its field".into()))?;
                match name.as_ref() {
                    "label" => answer.label = value,
                    "source" => answer.source = value,
                    _ => answer.value = value,
                }
            }
            "new_label" => new_label = value.trim().to_owned(),
            "new_value" => new_value = value,
            _ => {}
        }
    }
    if !new_label.is_empty() {
        let field: String = new_label
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        answers.push(Answer {
            field,
            label: new_label,
            value: new_value,
            source: approvals::plan::YOU.into(),
            ..Answer::default()
        });
    }
    let version = version.ok_or_else(|| Error::BadRequest("the form has no version".into()))?;
    Ok(EditForm {
        version,
        answers,
        resume,
        approve_drafts,
        back,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response> {
    let form = parse_edit_form(&body)?;
    let edit = approvals::Edit {
        answers: &form.answers,
        resume: form.resume.as_deref(),
        approve_drafts: &form.approve_drafts,
    };
    let outcome = approvals::edit(&state, me.user.id, id, form.version, &edit).await;
    let to = back_to(form.back.as_deref());
    match outcome {
        Ok(_) => Ok(Redirect::to(to).into_response()),
        failed => {
            // Back to the form, which still knows where it leads afterwards.
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("back", to)
                .finish();
            back(failed, &format!("{LIST}/{id}/edit?{query}"))
        }
    }
}

#[derive(Template)]
#[template(path = "magic_link.html")]
struct MagicLinkPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    card: CardView,
}

pub async fn magic_link(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    let request = approvals::open_magic_link(&state, me.user.id, id).await?;
    Ok(render(&MagicLinkPage {
        card: request.into(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "requests",
    }))
}

// ---- applications ----
