//! CSV import in JobSpy's output columns (`site, job_url, job_url_direct, title, company,
//! location, date_posted, job_type, interval, min_amount, max_amount, currency, is_remote,
//! description, ...`). Unknown columns are ignored; each row is saved like any posting.

use std::collections::HashMap;

use shared::api::{ImportReport, ImportedRow, RejectedRow, Source};

use super::RawPosting;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Rows past this are refused; a bigger file is split by the user.
pub const MAX_ROWS: usize = 5_000;

/// One CSV row as a posting, or why it is not one.
pub fn row_to_posting(row: &HashMap<&str, &str>) -> Result<RawPosting, String> {
    let field = |name: &str| {
        row.get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("nan"))
    };
    let amount = |name: &str| -> Result<Option<i64>, String> {
        field(name)
            .map(|v| {
                v.replace(',', "")
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .map(|n| n.round() as i64)
                    .ok_or_else(|| format!("{name} {v:?} is not an amount"))
            })
            .transpose()
    };
    Ok(RawPosting {
        url: field("job_url_direct")
            .or_else(|| field("job_url"))
            .map(str::to_owned),
        company: field("company").unwrap_or_default().to_owned(),
        title: field("title").unwrap_or_default().to_owned(),
        location: field("location").map(str::to_owned),
        remote: field("is_remote")
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
        salary_min: amount("min_amount")?,
        salary_max: amount("max_amount")?,
        salary_currency: field("currency").map(str::to_owned),
        // JobSpy writes descriptions as Markdown or plain text, never trusted HTML.
        description_html: super::text::paragraphs(field("description").unwrap_or_default()),
        posted_at: field("date_posted").and_then(super::dates::parse_ms),
        external_id: field("id").map(str::to_owned),
        ..RawPosting::new(Source::Csv)
    })
}

pub async fn import(state: &AppState, user_id: i64, body: &[u8]) -> Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| Error::BadRequest(format!("the CSV header cannot be read: {e}")))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for required in ["title", "company"] {
        if !names.iter().any(|n| n == required) {
            return Err(Error::BadRequest(format!(
                "the CSV has no {required:?} column (expected JobSpy's columns)"
            )));
        }
    }
    let records: Vec<_> = reader.records().take(MAX_ROWS + 1).collect();
    if records.len() > MAX_ROWS {
        return Err(Error::TooLarge(format!(
            "at most {MAX_ROWS} rows per import; split the file"
        )));
    }
    let mut report = ImportReport::default();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                report.rejected.push(RejectedRow {
                    line,
                    reason: format!("not valid CSV: {error}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row: HashMap<&str, &str> = names
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let raw = match row_to_posting(&row) {
            Ok(raw) => raw,
            Err(reason) => {
                report.rejected.push(RejectedRow { line, reason });
                continue;
            }
        };
        match super::save(state, user_id, raw).await {
            Ok(saved) => {
                let entry = ImportedRow {
                    line,
                    posting_id: saved.posting.id,
                };
                if saved.duplicate {
                    report.duplicates.push(entry);
                } else {
                    report.imported.push(entry);
                }
            }
            Err(error) if error.is_client_error() => report.rejected.push(RejectedRow {
                line,
                reason: error.to_string(),
            }),
            Err(error) => return Err(error),
        }
    }
    Ok(report)
}
