//! `/api/v1/profile`: the caller's resume, answer bank, free-text answers, resume PDF,
//! and the export file.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::api::{
    AnswersDocument, FreeAnswerInfo, Problem, PutAnswers, PutResume, ResumeDocument, ResumePdfInfo,
    ResumePdfQuery,
};
use shared::profile::{AnswerBank, FreeAnswer, ProfileExport};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::profile::{self, pdf};
use crate::state::AppState;

/// The caller's JSON Resume and its version.
#[utoipa::path(get, path = "/api/v1/profile", tag = "profile",
    responses(
        (status = 200, description = "The resume (`{}` and version 0 until the first save)", body = ResumeDocument),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_resume(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ResumeDocument>> {
    Ok(Json(
        profile::resume(&state.store, principal.user_id()).await?,
    ))
}

/// Replace the resume. The version must be the one last read, else 409.
#[utoipa::path(put, path = "/api/v1/profile", tag = "profile",
    request_body = PutResume,
    responses(
        (status = 200, description = "Saved", body = ResumeDocument),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version: someone saved in between", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid JSON Resume: `errors` lists each problem with its path", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_resume(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<PutResume>,
) -> Result<Json<ResumeDocument>> {
    let user_id = principal.user_id();
    profile::save_resume(
        &state.store,
        &state.bus,
        user_id,
        &request.resume,
        request.version,
    )
    .await?;
    Ok(Json(profile::resume(&state.store, user_id).await?))
}

/// The caller's typed answer bank and its version.
#[utoipa::path(get, path = "/api/v1/profile/answers", tag = "profile",
    responses(
        (status = 200, description = "The answer bank (empty and version 0 until the first save)", body = AnswersDocument),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_answers(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AnswersDocument>> {
    Ok(Json(
        profile::answers(&state.store, principal.user_id()).await?,
    ))
}

/// Replace the answer bank. The version must be the one last read, else 409.
#[utoipa::path(put, path = "/api/v1/profile/answers", tag = "profile",
    request_body = PutAnswers,
    responses(
        (status = 200, description = "Saved", body = AnswersDocument),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers: `errors` lists each problem with its path", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_answers(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<PutAnswers>,
) -> Result<Json<AnswersDocument>> {
    let user_id = principal.user_id();
    let answers = AnswerBank::parse(&request.answers.to_string())
        .map_err(|problems| Error::invalid("the answer bank", problems))?;
    profile::save_answers(&state.store, &state.bus, user_id, &answers, request.version).await?;
    Ok(Json(profile::answers(&state.store, user_id).await?))
}

/// The caller's answers to recurring free-text questions, oldest first.
#[utoipa::path(get, path = "/api/v1/profile/free-answers", tag = "profile",
    responses(
        (status = 200, description = "Answers", body = [FreeAnswerInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_free_answers(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<FreeAnswerInfo>>> {
    Ok(Json(
        profile::free_answers(&state.store, principal.user_id()).await?,
    ))
}

/// Add an answer to a recurring question.
#[utoipa::path(post, path = "/api/v1/profile/free-answers", tag = "profile",
    request_body = FreeAnswer,
    responses(
        (status = 201, description = "Added", body = FreeAnswerInfo),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long texts, too many tags", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_free_answer(
    State(state): State<AppState>,
    principal: Principal,
    Json(answer): Json<FreeAnswer>,
) -> Result<(StatusCode, Json<FreeAnswerInfo>)> {
    let added =
        profile::add_free_answer(&state.store, &state.bus, principal.user_id(), answer).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Change one of the caller's free-text answers.
#[utoipa::path(put, path = "/api/v1/profile/free-answers/{answer_id}", tag = "profile",
    params(("answer_id" = i64, Path, description = "Answer id")),
    request_body = FreeAnswer,
    responses(
        (status = 200, description = "Saved", body = FreeAnswerInfo),
        (status = 400, description = "Malformed id or JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer of this user", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long texts, too many tags", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_free_answer(
    State(state): State<AppState>,
    principal: Principal,
    Path(answer_id): Path<i64>,
    Json(answer): Json<FreeAnswer>,
) -> Result<Json<FreeAnswerInfo>> {
    Ok(Json(
        profile::update_free_answer(
            &state.store,
            &state.bus,
            principal.user_id(),
            answer_id,
            answer,
        )
        .await?,
    ))
}

/// Delete one of the caller's free-text answers.
#[utoipa::path(delete, path = "/api/v1/profile/free-answers/{answer_id}", tag = "profile",
    params(("answer_id" = i64, Path, description = "Answer id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_free_answer(
    State(state): State<AppState>,
    principal: Principal,
    Path(answer_id): Path<i64>,
) -> Result<StatusCode> {
    profile::delete_free_answer(&state.store, &state.bus, principal.user_id(), answer_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raw-body routes check the media type themselves (no extractor does): 415 otherwise.
fn require_content_type(headers: &HeaderMap, expected: &str, what: &str) -> Result<()> {
    let matches = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with(expected));
    if matches {
        Ok(())
    } else {
        Err(Error::UnsupportedMediaType(format!(
            "send {what} with Content-Type: {expected}"
        )))
    }
}

/// Upload the resume PDF (the raw bytes), replacing the previous one.
#[utoipa::path(put, path = "/api/v1/profile/resume-pdf", tag = "profile",
    params(ResumePdfQuery),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The PDF file itself"),
    responses(
        (status = 200, description = "Stored", body = ResumePdfInfo),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `resume_pdf_max_bytes`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type is not application/pdf", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a PDF (no %PDF- header)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_resume_pdf(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ResumePdfQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ResumePdfInfo>> {
    require_content_type(&headers, pdf::CONTENT_TYPE, "the file itself")?;
    let max = state.config.resume_pdf_max_bytes;
    let bytes = axum::body::to_bytes(body, max)
        .await
        .map_err(|_| Error::TooLarge(format!("the resume PDF is larger than {max} bytes")))?;
    let name = query.name.as_deref().unwrap_or("resume.pdf");
    Ok(Json(
        pdf::store(
            &state.store,
            &state.bus,
            principal.user_id(),
            name,
            &bytes,
            max,
        )
        .await?,
    ))
}

/// A stored PDF as a download.
pub fn pdf_response(info: &ResumePdfInfo, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, pdf::CONTENT_TYPE.to_owned()),
            (CONTENT_DISPOSITION, pdf::attachment(&info.name)),
        ],
        Bytes::from(bytes),
    )
        .into_response()
}

/// Download the resume PDF.
#[utoipa::path(get, path = "/api/v1/profile/resume-pdf", tag = "profile",
    responses(
        (status = 200, description = "The PDF", body = Vec<u8>, content_type = "application/pdf"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No resume PDF uploaded", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_resume_pdf(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response> {
    let (info, bytes) = pdf::download(&state.store, principal.user_id()).await?;
    Ok(pdf_response(&info, bytes))
}

/// Remove the resume PDF.
#[utoipa::path(delete, path = "/api/v1/profile/resume-pdf", tag = "profile",
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No resume PDF uploaded", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_resume_pdf(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<StatusCode> {
    pdf::remove(&state.store, &state.bus, principal.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub const EXPORT_FILE_NAME: &str = "autoresume-profile.json";

/// The export file as a download.
pub fn export_response(file: &ProfileExport) -> Result<Response> {
    let json = serde_json::to_vec_pretty(file).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_owned()),
            (CONTENT_DISPOSITION, pdf::attachment(EXPORT_FILE_NAME)),
        ],
        json,
    )
        .into_response())
}

/// Resume, answer bank and free-text answers as one JSON file (a download).
#[utoipa::path(get, path = "/api/v1/profile/export", tag = "profile",
    responses(
        (status = 200, description = "The export file, as an attachment", body = ProfileExport),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(State(state): State<AppState>, principal: Principal) -> Result<Response> {
    export_response(&profile::export(&state.store, principal.user_id()).await?)
}

/// Replace resume, answer bank and free-text answers with an export file. Everything is
/// checked first; a file with any problem changes nothing.
#[utoipa::path(post, path = "/api/v1/profile/import", tag = "profile",
    request_body = ProfileExport,
    responses(
        (status = 204, description = "Imported"),
        (status = 400, description = "Not UTF-8 text", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid export file: `errors` lists each problem with its path", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode> {
    require_content_type(&headers, "application/json", "the export file")?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| Error::BadRequest("the import file is not UTF-8 text".into()))?;
    profile::import(&state.store, &state.bus, principal.user_id(), text).await?;
    Ok(StatusCode::NO_CONTENT)
}
