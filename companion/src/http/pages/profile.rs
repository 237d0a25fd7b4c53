//! The dashboard's Profile page: resume basics and raw JSON, the answer bank as a typed
//! form, free-text answers, the resume PDF, import and export. Plain forms that work
//! without JavaScript; a failed save shows its problems beside the form and keeps the input.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{FreeAnswerInfo, ResumePdfInfo, UserInfo};
use shared::profile::{FieldError, FreeAnswer};

use super::{DashboardUser, ago, render_with};
use crate::error::{Error, Result};
use crate::profile::form::{AnswersForm, AuthorizationRow, ResumeForm};
use crate::profile::{self, pdf};
use crate::state::AppState;

pub const RESUME_PDF_UPLOAD: &str = "/dashboard/profile/resume-pdf";
/// Blank work-authorisation rows offered after the filled ones.
const EMPTY_ROWS: usize = 2;

pub struct PdfView {
    pub name: String,
    pub size: String,
    pub uploaded: String,
    pub sha256: String,
}

impl From<ResumePdfInfo> for PdfView {
    fn from(info: ResumePdfInfo) -> Self {
        PdfView {
            size: human_size(info.size),
            uploaded: ago(info.created_at),
            sha256: info.sha256.chars().take(12).collect(),
            name: info.name,
        }
    }
}

fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A free-text answer as its edit form shows it.
pub struct FreeAnswerView {
    pub id: i64,
    pub question: String,
    pub answer: String,
    pub tags: String,
}

impl From<FreeAnswerInfo> for FreeAnswerView {
    fn from(info: FreeAnswerInfo) -> Self {
        FreeAnswerView {
            id: info.id,
            question: info.question,
            answer: info.answer,
            tags: info.tags.join(", "),
        }
    }
}

/// A select's options: (value, label).
type Choices = &'static [(&'static str, &'static str)];

pub struct Selects {
    pub work_status: Choices,
    pub yes_no: Choices,
    pub period: Choices,
    pub notice_unit: Choices,
    pub start: Choices,
    pub willing: Choices,
    pub remote: Choices,
    pub gender: Choices,
    pub race: Choices,
    pub veteran: Choices,
    pub disability: Choices,
}

const DECLINE: (&str, &str) = ("decline", "Decline to answer");

/// The option values are the answer bank's own wire names.
const SELECTS: Selects = Selects {
    work_status: &[
        ("citizen", "Citizen"),
        ("permanent_resident", "Permanent resident"),
        ("visa_holder", "Visa holder (no new sponsorship needed)"),
        ("needs_sponsorship", "Needs sponsorship"),
        ("not_authorized", "Not authorised"),
    ],
    yes_no: &[("yes", "Yes"), ("no", "No")],
    period: &[
        ("year", "per year"),
        ("month", "per month"),
        ("week", "per week"),
        ("day", "per day"),
        ("hour", "per hour"),
    ],
    notice_unit: &[("weeks", "weeks"), ("days", "days")],
    start: &[("immediately", "Immediately"), ("date", "From a date")],
    willing: &[("yes", "Yes"), ("open", "Open to it"), ("no", "No")],
    remote: &[
        ("remote", "Remote"),
        ("hybrid", "Hybrid"),
        ("onsite", "On-site"),
        ("flexible", "Any of these"),
    ],
    gender: &[
        ("female", "Female"),
        ("male", "Male"),
        ("non_binary", "Non-binary"),
        DECLINE,
    ],
    race: &[
        ("hispanic_or_latino", "Hispanic or Latino"),
        ("white", "White"),
        ("black_or_african_american", "Black or African American"),
        ("asian", "Asian"),
        (
            "native_hawaiian_or_pacific_islander",
            "Native Hawaiian or Other Pacific Islander",
        ),
        (
            "american_indian_or_alaska_native",
            "American Indian or Alaska Native",
        ),
        ("two_or_more_races", "Two or more races"),
        DECLINE,
    ],
    veteran: &[
        ("protected_veteran", "I am a protected veteran"),
        ("not_a_protected_veteran", "I am not a protected veteran"),
        DECLINE,
    ],
    disability: &[("yes", "Yes, I have a disability"), ("no", "No"), DECLINE],
};

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    notice: Option<&'static str>,
    resume: ResumeForm,
    resume_errors: Vec<FieldError>,
    answers: AnswersForm,
    answer_errors: Vec<FieldError>,
    selects: Selects,
    free_answers: Vec<FreeAnswerView>,
    new_answer: FreeAnswerView,
    free_errors: Vec<FieldError>,
    pdf: Option<PdfView>,
    pdf_error: Option<String>,
    import_errors: Vec<FieldError>,
    max_pdf: String,
}

/// What a failed post puts back on the page instead of the stored data.
#[derive(Default)]
pub(super) struct Retry {
    pub(super) resume: Option<(ResumeForm, Vec<FieldError>)>,
    pub(super) answers: Option<(AnswersForm, Vec<FieldError>)>,
    pub(super) free: Option<(FreeAnswerView, Vec<FieldError>)>,
    pub(super) pdf_error: Option<String>,
    pub(super) import_errors: Vec<FieldError>,
}

pub(super) async fn page(
    state: &AppState,
    me: DashboardUser,
    status: StatusCode,
    notice: Option<&'static str>,
    retry: Retry,
) -> Result<Response> {
    let user_id = me.user.id;
    let (resume, resume_errors) = match retry.resume {
        Some(failed) => failed,
        None => {
            let doc = profile::resume(&state.store, user_id).await?;
            (
                ResumeForm::from_resume(&doc.resume, doc.version),
                Vec::new(),
            )
        }
    };
    let (mut answers, answer_errors) = match retry.answers {
        Some(failed) => failed,
        None => {
            let doc = profile::answers(&state.store, user_id).await?;
            (
                AnswersForm::from_bank(&doc.answers, doc.version),
                Vec::new(),
            )
        }
    };
    answers
        .authorization
        .extend(std::iter::repeat_with(AuthorizationRow::default).take(EMPTY_ROWS));
    let (new_answer, free_errors) = retry.free.unwrap_or_else(|| {
        (
            FreeAnswerView {
                id: 0,
                question: String::new(),
                answer: String::new(),
                tags: String::new(),
            },
            Vec::new(),
        )
    });
    let page = ProfilePage {
        notice,
        resume,
        resume_errors,
        answers,
        answer_errors,
        selects: SELECTS,
        free_answers: profile::free_answers(&state.store, user_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        new_answer,
        free_errors,
        pdf: pdf::info(&state.store, user_id).await?.map(Into::into),
        pdf_error: retry.pdf_error,
        import_errors: retry.import_errors,
        max_pdf: human_size(i64::try_from(state.config.resume_pdf_max_bytes).unwrap_or(i64::MAX)),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "profile",
    };
    Ok(render_with(status, &page))
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

fn saved_notice(what: Option<&str>) -> Option<&'static str> {
    Some(match what? {
        "resume" => "Resume saved.",
        "answers" => "Answer bank saved.",
        "free-answers" => "Free-text answers saved.",
        "resume-pdf" => "Resume PDF saved.",
        "import" => "Profile imported.",
        _ => return None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    me: DashboardUser,
    Query(query): Query<Saved>,
) -> Result<Response> {
    page(
        &state,
        me,
        StatusCode::OK,
        saved_notice(query.saved.as_deref()),
        Retry::default(),
    )
    .await
}

pub(super) fn saved(what: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/dashboard/profile?saved={what}#{anchor}")).into_response()
}

/// A save's problems as the page shows them, with the status the page is sent with;
/// other errors pass through.
pub(super) fn as_problems(error: Error) -> Result<(StatusCode, Vec<FieldError>)> {
    match error {
        Error::Invalid { errors, .. } => Ok((StatusCode::UNPROCESSABLE_ENTITY, errors)),
        Error::Conflict(message) => Ok((
            StatusCode::CONFLICT,
            vec![FieldError {
                path: String::new(),
                message: format!(
                    "{message}. Your input is kept below; open the page again to see the other change."
                ),
            }],
        )),
        Error::BadRequest(message) => Ok((
            StatusCode::BAD_REQUEST,
            vec![FieldError {
                path: String::new(),
                message,
            }],
        )),
        error @ (Error::Unprocessable(_) | Error::TooLarge(_) | Error::UnsupportedMediaType(_)) => {
            Ok((
                crate::http::problem::status(&error),
                vec![FieldError {
                    path: String::new(),
                    message: error.to_string(),
                }],
            ))
        }
        other => Err(other),
    }
}

pub async fn save_resume(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let form = ResumeForm::from_post(&pairs);
    let current = profile::resume(&state.store, me.user.id).await?;
    let result = match form.to_resume(&current.resume) {
        Ok(resume) => {
            profile::save_resume(&state.store, &state.bus, me.user.id, &resume, form.version).await
        }
        Err(problems) => Err(Error::invalid("the resume", problems)),
    };
    match result {
        Ok(_) => Ok(saved("resume", "resume")),
        Err(error) => {
            let (status, errors) = as_problems(error)?;
            let retry = Retry {
                resume: Some((form, errors)),
                ..Retry::default()
            };
            page(&state, me, status, None, retry).await
        }
    }
}

pub async fn save_answers(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let form = AnswersForm::from_post(&pairs);
    let result = match form.to_bank() {
        Ok(bank) => {
            profile::save_answers(&state.store, &state.bus, me.user.id, &bank, form.version).await
        }
        Err(problems) => Err(Error::invalid("the answer bank", problems)),
    };
    match result {
        Ok(_) => Ok(saved("answers", "answers")),
        Err(error) => {
            let (status, errors) = as_problems(error)?;
            let retry = Retry {
                answers: Some((form, errors)),
                ..Retry::default()
            };
            page(&state, me, status, None, retry).await
        }
    }
}

#[derive(Deserialize)]
pub struct FreeAnswerForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    tags: String,
}

impl FreeAnswerForm {
    fn answer(&self) -> FreeAnswer {
        FreeAnswer {
            question: self.question.clone(),
            answer: self.answer.clone(),
            tags: self.tags.split(',').map(str::to_owned).collect(),
        }
    }
}

async fn after_free_answer(
    state: &AppState,
    me: DashboardUser,
    form: FreeAnswerForm,
    id: i64,
    result: Result<FreeAnswerInfo>,
) -> Result<Response> {
    match result {
        Ok(_) => Ok(saved("free-answers", "free-answers")),
        Err(error) => {
            let (status, errors) = as_problems(error)?;
            let view = FreeAnswerView {
                id,
                question: form.question,
                answer: form.answer,
                tags: form.tags,
            };
            let retry = Retry {
                free: Some((view, errors)),
                ..Retry::default()
            };
            page(state, me, status, None, retry).await
        }
    }
}

pub async fn add_free_answer(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<FreeAnswerForm>,
) -> Result<Response> {
    let result =
        profile::add_free_answer(&state.store, &state.bus, me.user.id, form.answer()).await;
    after_free_answer(&state, me, form, 0, result).await
}

pub async fn update_free_answer(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    Form(form): Form<FreeAnswerForm>,
) -> Result<Response> {
    let result =
        profile::update_free_answer(&state.store, &state.bus, me.user.id, id, form.answer()).await;
    after_free_answer(&state, me, form, id, result).await
}

pub async fn delete_free_answer(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    profile::delete_free_answer(&state.store, &state.bus, me.user.id, id).await?;
    Ok(saved("free-answers", "free-answers"))
}
