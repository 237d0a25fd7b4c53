//! The uploaded resume PDF: checked (size, `%PDF-` magic), hashed, stored as bytes.

use sha2::{Digest, Sha256};
use shared::api::ResumePdfInfo;

use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::store::Store;
use crate::store::profile::{self as rows, NewFile, RESUME_PDF};

pub const CONTENT_TYPE: &str = "application/pdf";
const MAX_NAME_CHARS: usize = 120;

impl From<rows::FileInfo> for ResumePdfInfo {
    fn from(file: rows::FileInfo) -> Self {
        ResumePdfInfo {
            name: file.name,
            content_type: file.content_type,
            size: file.size,
            sha256: file.sha256,
            created_at: file.created_at,
        }
    }
}

/// A file name safe to store and to put in a header: the last path segment, without
/// control characters, quotes or backslashes, at most 120 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\'))
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        "resume.pdf".into()
    } else {
        cleaned.to_owned()
    }
}

/// `Content-Disposition: attachment` naming the file, with an ASCII fallback and the
/// UTF-8 name (RFC 6266).
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn info(store: &Store, user_id: i64) -> Result<Option<ResumePdfInfo>> {
    Ok(rows::file_info(store, user_id, RESUME_PDF)
        .await?
        .map(Into::into))
}

pub async fn download(store: &Store, user_id: i64) -> Result<(ResumePdfInfo, Vec<u8>)> {
    let (info, bytes) = rows::file_bytes(store, user_id, RESUME_PDF)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((info.into(), bytes))
}

/// Stores `bytes` as the user's resume PDF, replacing the previous one.
pub async fn store(
    store: &Store,
    bus: &EventBus,
    user_id: i64,
    name: &str,
    bytes: &[u8],
    max_bytes: usize,
) -> Result<ResumePdfInfo> {
    if bytes.len() > max_bytes {
        return Err(Error::TooLarge(format!(
            "the resume PDF is larger than {max_bytes} bytes"
        )));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(Error::Unprocessable(
            "this is not a PDF: the file does not start with %PDF-".into(),
        ));
    }
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = clean_name(name);
    let created_at = rows::put_file(
        store,
        user_id,
        &NewFile {
            kind: RESUME_PDF,
            name: &name,
            content_type: CONTENT_TYPE,
            sha256: &sha256,
            bytes,
        },
    )
    .await?;
    bus.emit(
        user_id,
        super::PROFILE_UPDATED,
        serde_json::json!({"part": "resume_pdf", "sha256": sha256}),
    )
    .await?;
    // Built from what was written, not read back: a concurrent delete may follow at once.
    Ok(ResumePdfInfo {
        name,
        content_type: CONTENT_TYPE.into(),
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
        created_at,
    })
}

pub async fn remove(store: &Store, bus: &EventBus, user_id: i64) -> Result<()> {
    if !rows::delete_file(store, user_id, RESUME_PDF).await? {
        return Err(Error::NotFound);
    }
    bus.emit(
        user_id,
        super::PROFILE_UPDATED,
        serde_json::json!({"part": "resume_pdf", "removed": true}),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_for_storage_and_headers() {
        assert_eq!(clean_name("C:\\Users\\ada\\CV 2027.pdf"), "CV 2027.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name(""), "resume.pdf");
        assert_eq!(clean_name(".hidden"), "resume.pdf");
    }

    #[test]
    fn attachments_carry_an_ascii_and_a_utf8_name() {
        assert_eq!(
            attachment("Lebenslauf Müller.pdf"),
            "attachment; filename=\"Lebenslauf M_ller.pdf\"; filename*=UTF-8''Lebenslauf%20M%C3%BCller.pdf"
        );
    }
}
