//! The Profile page's files: the resume PDF (upload, download, delete) and the profile
//! export file (download, import).

use axum::extract::{Multipart, State};
use axum::response::Response;
use shared::profile::{FieldError, Problems};

use super::DashboardUser;
use super::profile::{Retry, as_problems, page, saved};
use crate::error::{Error, Result};
use crate::http::api::profile::{export_response, pdf_response};
use crate::profile::{self, pdf};
use crate::state::AppState;

/// The first file field of a multipart form: (file name, bytes).
async fn uploaded_file(mut multipart: Multipart, field_name: &str) -> Result<(String, Vec<u8>)> {
    let unreadable = crate::http::problem::unreadable_multipart;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some(field_name) {
            let name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(unreadable)?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(Error::BadRequest(format!("choose a file for {field_name}")))
}

pub async fn upload_pdf(
    State(state): State<AppState>,
    me: DashboardUser,
    multipart: Multipart,
) -> Result<Response> {
    let max = state.config.resume_pdf_max_bytes;
    let result = match uploaded_file(multipart, "file").await {
        Ok((name, bytes)) => pdf::store(&state.store, &state.bus, me.user.id, &name, &bytes, max)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved("resume-pdf", "resume-pdf")),
        Err(error) => {
            let (status, errors) = as_problems(error)?;
            let retry = Retry {
                pdf_error: errors.into_iter().next().map(|e| e.message),
                ..Retry::default()
            };
            page(&state, me, status, None, retry).await
        }
    }
}

pub async fn delete_pdf(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    pdf::remove(&state.store, &state.bus, me.user.id).await?;
    Ok(saved("resume-pdf", "resume-pdf"))
}

pub async fn download_pdf(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let (info, bytes) = pdf::download(&state.store, me.user.id).await?;
    Ok(pdf_response(&info, bytes))
}

pub async fn export(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    export_response(&profile::export(&state.store, me.user.id).await?)
}

pub async fn import(
    State(state): State<AppState>,
    me: DashboardUser,
    multipart: Multipart,
) -> Result<Response> {
    let result = match uploaded_file(multipart, "file").await {
        Ok((_, bytes)) => match String::from_utf8(bytes) {
            Ok(text) => profile::import(&state.store, &state.bus, me.user.id, &text).await,
            Err(_) => Err(Error::invalid(
                "the import file",
                Problems(vec![FieldError {
                    path: String::new(),
                    message: "not a text file: choose the .json file an export gave you".into(),
                }]),
            )),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(saved("import", "import")),
        Err(error) => {
            let (status, errors) = as_problems(error)?;
            let retry = Retry {
                import_errors: errors,
                ..Retry::default()
            };
            page(&state, me, status, None, retry).await
        }
    }
}
