//! The public job-board APIs of Greenhouse, Lever and Ashby, polled for the boards on a
//! user's watchlist by the `intake.poll_boards` job. Only postings the user does not have
//! yet are added (the usual deduplication decides).

use serde_json::{Value, json};
use shared::api::{Source, Vendor};

use super::RawPosting;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, Worker};
use crate::state::AppState;
use crate::store::{self, now_ms};

pub const POLL_BOARDS: &str = "intake.poll_boards";

/// The board's API URL under the configured base.
fn board_url(state: &AppState, vendor: Vendor, board: &str) -> String {
    let config = &state.config;
    match vendor {
        Vendor::Greenhouse => format!(
            "{}/v1/boards/{board}/jobs?content=true",
            config.greenhouse_api_url.trim_end_matches('/')
        ),
        Vendor::Lever => format!(
            "{}/v0/postings/{board}?mode=json",
            config.lever_api_url.trim_end_matches('/')
        ),
        Vendor::Ashby => format!(
            "{}/posting-api/job-board/{board}?includeCompensation=true",
            config.ashby_api_url.trim_end_matches('/')
        ),
    }
}

/// A board token or company slug as the vendors use them; anything else could change the
/// API path.
pub fn check_board(board: &str) -> Result<&str> {
    let board = board.trim();
    let valid = !board.is_empty()
        && board.len() <= 100
        && board
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !board.starts_with('.');
    if valid {
        Ok(board)
    } else {
        Err(Error::BadRequest(
            "a board is the token or slug from the board's URL: letters, digits, '-', '_', '.'"
                .into(),
        ))
    }
}

/// The postings in one board's API answer.
pub fn parse_board(vendor: Vendor, board: &str, body: &[u8]) -> Result<Vec<RawPosting>> {
    let document: Value = serde_json::from_slice(body).map_err(|e| {
        Error::BadRequest(format!("the {} answer is not JSON: {e}", vendor.as_str()))
    })?;
    let postings = match vendor {
        Vendor::Greenhouse => document
            .get("jobs")
            .and_then(Value::as_array)
            .map(|jobs| jobs.iter().map(|j| greenhouse(j, board)).collect()),
        Vendor::Lever => document
            .as_array()
            .map(|jobs| jobs.iter().map(|j| lever(j, board)).collect()),
        Vendor::Ashby => document.get("jobs").and_then(Value::as_array).map(|jobs| {
            jobs.iter()
                .filter(|j| j.get("isListed") != Some(&json!(false)))
                .map(|j| ashby(j, board))
                .collect()
        }),
    };
    postings
        .ok_or_else(|| Error::BadRequest(format!("the {} answer has no job list", vendor.as_str())))
}

fn string(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn whole(value: &Value, pointer: &str) -> Option<i64> {
    value
        .pointer(pointer)?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n.round() as i64)
}

fn greenhouse(job: &Value, board: &str) -> RawPosting {
    let location = string(job, "/location/name");
    RawPosting {
        url: string(job, "/absolute_url"),
        external_id: string(job, "/id"),
        company: string(job, "/company_name").unwrap_or_else(|| board.to_owned()),
        title: string(job, "/title").unwrap_or_default(),
        remote: location
            .as_deref()
            .is_some_and(|l| l.to_lowercase().contains("remote")),
        location,
        description_html: string(job, "/content").unwrap_or_default(),
        posted_at: string(job, "/first_published")
            .or_else(|| string(job, "/updated_at"))
            .and_then(|d| super::dates::parse_ms(&d)),
        ..RawPosting::new(Source::Greenhouse)
    }
}

fn lever(job: &Value, board: &str) -> RawPosting {
    let lists: String = job
        .get("lists")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|list| {
            format!(
                "<h3>{}</h3><ul>{}</ul>",
                super::text::escape(&string(list, "/text").unwrap_or_default()),
                string(list, "/content").unwrap_or_default()
            )
        })
        .collect();
    let description = format!(
        "{}{lists}{}",
        string(job, "/description").unwrap_or_default(),
        string(job, "/additional").unwrap_or_default()
    );
    RawPosting {
        url: string(job, "/hostedUrl"),
        external_id: string(job, "/id"),
        company: board.to_owned(),
        title: string(job, "/text").unwrap_or_default(),
        location: string(job, "/categories/location"),
        remote: string(job, "/workplaceType").is_some_and(|w| w == "remote"),
        salary_min: whole(job, "/salaryRange/min"),
        salary_max: whole(job, "/salaryRange/max"),
        salary_currency: string(job, "/salaryRange/currency"),
        description_html: description,
        posted_at: job.get("createdAt").and_then(Value::as_i64),
        ..RawPosting::new(Source::Lever)
    }
}

fn ashby(job: &Value, board: &str) -> RawPosting {
    let salary = job
        .pointer("/compensation/summaryComponents")
        .and_then(Value::as_array)
        .and_then(|parts| {
            parts
                .iter()
                .find(|p| p.get("compensationType") == Some(&json!("Salary")))
        });
    RawPosting {
        url: string(job, "/jobUrl"),
        external_id: string(job, "/id"),
        company: board.to_owned(),
        title: string(job, "/title").unwrap_or_default(),
        location: string(job, "/location"),
        remote: job.get("isRemote") == Some(&json!(true)),
        salary_min: salary.and_then(|s| whole(s, "/minValue")),
        salary_max: salary.and_then(|s| whole(s, "/maxValue")),
        salary_currency: salary.and_then(|s| string(s, "/currencyCode")),
        description_html: string(job, "/descriptionHtml").unwrap_or_default(),
        posted_at: string(job, "/publishedAt").and_then(|d| super::dates::parse_ms(&d)),
        ..RawPosting::new(Source::Ashby)
    }
}

/// Adds the intake job kinds to a worker.
pub fn register(worker: Worker, state: &AppState) -> Worker {
    let state = state.clone();
    worker.register(POLL_BOARDS, move |ctx| poll_job(state.clone(), ctx))
}

/// Polls every board on the job's user's watchlist; a board that fails is recorded on its
/// watchlist entry and the others still run.
async fn poll_job(state: AppState, ctx: JobContext) -> Result<Value, JobError> {
    let user_id = ctx.user_id();
    let boards = store::watchlist::list(&state.store, user_id).await?;
    let (mut added, mut duplicates, mut skipped, mut failed) = (0, 0, 0, 0);
    for (done, watch) in boards.iter().enumerate() {
        ctx.checkpoint().await?;
        let Some(vendor) = Vendor::parse(&watch.vendor) else {
            continue;
        };
        match poll_board(&state, user_id, vendor, &watch.board).await {
            Ok(counts) => {
                added += counts.added;
                duplicates += counts.duplicates;
                skipped += counts.skipped;
                store::watchlist::record_poll(&state.store, user_id, watch.id, None, now_ms())
                    .await?;
            }
            Err(error) => {
                failed += 1;
                let message = error.to_string();
                store::watchlist::record_poll(
                    &state.store,
                    user_id,
                    watch.id,
                    Some(&message),
                    now_ms(),
                )
                .await?;
            }
        }
        let percent = u8::try_from((done + 1) * 100 / boards.len()).unwrap_or(100);
        ctx.progress(percent, &format!("{} {}", watch.vendor, watch.board))
            .await?;
    }
    Ok(
        json!({"added": added, "duplicates": duplicates, "skipped": skipped, "failedBoards": failed}),
    )
}

#[derive(Default)]
struct PollCounts {
    added: usize,
    duplicates: usize,
    /// Postings the intake refused (no title, a forbidden URL).
    skipped: usize,
}

async fn poll_board(
    state: &AppState,
    user_id: i64,
    vendor: Vendor,
    board: &str,
) -> Result<PollCounts> {
    let fetched = state
        .fetcher
        .get(&board_url(state, vendor, board), "application/json")
        .await?;
    let mut counts = PollCounts::default();
    for raw in parse_board(vendor, board, &fetched.body)? {
        match super::save(state, user_id, raw).await {
            Ok(saved) if saved.duplicate => counts.duplicates += 1,
            Ok(_) => counts.added += 1,
            Err(error) if error.is_client_error() => counts.skipped += 1,
            Err(error) => return Err(error),
        }
    }
    Ok(counts)
}
