//! The user's profile: the JSON Resume, the typed answer bank, free-text answers, the
//! uploaded resume PDF, and the export file that carries the first three. Every write is
//! validated first, scoped to its user, and announced with a `profile.updated` event.

pub mod form;
pub mod pdf;
pub mod schema;

use shared::api::{AnswersDocument, FreeAnswerInfo, ResumeDocument};
use shared::profile::{AnswerBank, EXPORT_FORMAT, EXPORT_VERSION, FreeAnswer, ProfileExport};

use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::store::profile::{self as rows, Kind};
use crate::store::{Store, now_ms};

pub const PROFILE_UPDATED: &str = shared::events::PROFILE_UPDATED;

impl From<rows::FreeAnswerRow> for FreeAnswerInfo {
    fn from(row: rows::FreeAnswerRow) -> Self {
        FreeAnswerInfo {
            id: row.id,
            question: row.question,
            answer: row.answer,
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

async fn announce(bus: &EventBus, user_id: i64, part: &str, version: Option<i64>) -> Result<()> {
    bus.emit(
        user_id,
        PROFILE_UPDATED,
        serde_json::json!({"part": part, "version": version}),
    )
    .await?;
    Ok(())
}

fn stale(what: &str, sent: i64, current: i64) -> Error {
    Error::Conflict(format!(
        "{what} changed since version {sent} (now version {current}); reload it and apply your edit again"
    ))
}

pub async fn resume(store: &Store, user_id: i64) -> Result<ResumeDocument> {
    Ok(match rows::get(store, Kind::Resume, user_id).await? {
        Some(doc) => ResumeDocument {
            resume: serde_json::from_str(&doc.json)
                .map_err(|e| Error::Internal(format!("stored resume: {e}")))?,
            version: doc.version,
            updated_at: Some(doc.updated_at),
        },
        None => ResumeDocument {
            resume: serde_json::json!({}),
            version: 0,
            updated_at: None,
        },
    })
}

/// Checks a resume against the JSON Resume schema: 422 with every problem.
pub fn check_resume(resume: &serde_json::Value) -> Result<()> {
    if !resume.is_object() {
        return Err(Error::invalid(
            "the resume",
            shared::profile::Problems(vec![shared::profile::FieldError {
                path: String::new(),
                message: "a JSON Resume document is a JSON object".into(),
            }]),
        ));
    }
    schema::validate_resume(resume)?.map_err(|problems| Error::invalid("the resume", problems))
}

/// Saves the resume if `version` is still current; returns the new version.
pub async fn save_resume(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    resume: &serde_json::Value,
    version: i64,
) -> Result<i64> {
    check_resume(resume)?;
    let saved = rows::save(store, Kind::Resume, user_id, &resume.to_string(), version).await?;
    let Some(new_version) = saved else {
        let current = self::resume(store, user_id).await?.version;
        return Err(stale("the resume", version, current));
    };
    announce(bus, user_id, "resume", Some(new_version)).await?;
    Ok(new_version)
}

pub async fn answers(store: &Store, user_id: i64) -> Result<AnswersDocument> {
    Ok(match rows::get(store, Kind::Answers, user_id).await? {
        Some(doc) => AnswersDocument {
            answers: serde_json::from_str(&doc.json)
                .map_err(|e| Error::Internal(format!("stored answer bank: {e}")))?,
            version: doc.version,
            updated_at: Some(doc.updated_at),
        },
        None => AnswersDocument {
            answers: AnswerBank::default(),
            version: 0,
            updated_at: None,
        },
    })
}

/// Saves the answer bank if `version` is still current; returns the new version.
pub async fn save_answers(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    answers: &AnswerBank,
    version: i64,
) -> Result<i64> {
    answers
        .validate()
        .map_err(|problems| Error::invalid("the answer bank", problems))?;
    let json = serde_json::to_string(answers).map_err(|e| Error::Internal(e.to_string()))?;
    let saved = rows::save(store, Kind::Answers, user_id, &json, version).await?;
    let Some(new_version) = saved else {
        let current = self::answers(store, user_id).await?.version;
        return Err(stale("the answer bank", version, current));
    };
    announce(bus, user_id, "answers", Some(new_version)).await?;
    Ok(new_version)
}

pub async fn free_answers(store: &Store, user_id: i64) -> Result<Vec<FreeAnswerInfo>> {
    Ok(rows::free_answers(store, user_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Normalises and checks an answer; returns it with its tags as stored JSON.
fn checked(answer: FreeAnswer) -> Result<(FreeAnswer, String)> {
    answer
        .validate_at("")
        .map_err(|problems| Error::invalid("the answer", problems))?;
    let answer = answer.normalized();
    let tags = serde_json::to_string(&answer.tags).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((answer, tags))
}

pub async fn add_free_answer(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    answer: FreeAnswer,
) -> Result<FreeAnswerInfo> {
    let (answer, tags) = checked(answer)?;
    let added =
        rows::add_free_answer(store, user_id, &answer.question, &answer.answer, &tags).await?;
    announce(bus, user_id, "free_answers", None).await?;
    Ok(added.into())
}

pub async fn update_free_answer(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    id: i64,
    answer: FreeAnswer,
) -> Result<FreeAnswerInfo> {
    let (answer, tags) = checked(answer)?;
    let updated =
        rows::update_free_answer(store, user_id, id, &answer.question, &answer.answer, &tags)
            .await?
            .ok_or(Error::NotFound)?;
    announce(bus, user_id, "free_answers", None).await?;
    Ok(updated.into())
}

pub async fn delete_free_answer(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    id: i64,
) -> Result<()> {
    if !rows::delete_free_answer(store, user_id, id).await? {
        return Err(Error::NotFound);
    }
    announce(bus, user_id, "free_answers", None).await
}

/// Everything the export file holds, ready to serialise.
pub async fn export(store: &Store, user_id: i64) -> Result<ProfileExport> {
    Ok(ProfileExport {
        format: EXPORT_FORMAT.into(),
        version: EXPORT_VERSION,
        exported_at: now_ms(),
        resume: resume(store, user_id).await?.resume,
        answers: answers(store, user_id).await?.answers,
        free_answers: free_answers(store, user_id)
            .await?
            .into_iter()
            .map(|a| FreeAnswer {
                question: a.question,
                answer: a.answer,
                tags: a.tags,
            })
            .collect(),
    })
}

/// Checks a whole export file (shape, answer bank, free answers, resume schema) and only
/// then replaces the profile with it in one transaction; a bad file changes nothing.
pub async fn import(store: &Store, bus: &EventBus, user_id: i64, text: &str) -> Result<()> {
    let file = match ProfileExport::parse(text) {
        Ok(file) => file,
        Err(problems) => return Err(Error::invalid("the import file", problems)),
    };
    if let Err(problems) = schema::validate_resume(&file.resume)? {
        let prefixed = problems
            .0
            .into_iter()
            .map(|mut p| {
                p.path = if p.path.is_empty() {
                    "resume".into()
                } else {
                    format!("resume.{}", p.path)
                };
                p
            })
            .collect();
        return Err(Error::invalid(
            "the import file",
            shared::profile::Problems(prefixed),
        ));
    }
    let answers =
        serde_json::to_string(&file.answers).map_err(|e| Error::Internal(e.to_string()))?;
    let free_answers = file
        .free_answers
        .iter()
        .map(|a| {
            let tags =
                serde_json::to_string(&a.tags).map_err(|e| Error::Internal(e.to_string()))?;
            Ok((a.question.clone(), a.answer.clone(), tags))
        })
        .collect::<Result<Vec<_>>>()?;
    rows::import(
        store,
        user_id,
        &rows::Import {
            resume: &file.resume.to_string(),
            answers: &answers,
            free_answers: &free_answers,
        },
    )
    .await?;
    announce(bus, user_id, "import", None).await
}
