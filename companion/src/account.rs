//! Data ownership: a user can take everything they own as one archive, and delete their
//! account with everything it owns.

use std::io::{Cursor, Write};
use std::net::IpAddr;

use serde_json::{Map, Value, json};
use shared::api::UserInfo;
use zip::write::SimpleFileOptions;

use crate::error::{Error, Result};
use crate::store::account::{Cell, ExportRow};
use crate::store::{self, Store, now_ms};

/// Columns never exported: credentials of the account itself (password and token hashes,
/// CSRF tokens, providers' signing tokens) and key material only the companion may use. Matched by name so that a
/// column added later with such a name stays out too.
const SECRET_MARKERS: [&str; 8] = [
    "_hash",
    "token",
    "csrf",
    "secret",
    "password",
    "wrapped",
    "encrypted",
    "api_key",
];

/// Tables of short-lived login state: nothing in them is the user's data.
const SKIPPED_TABLES: [&str; 2] = ["sessions", "pairing_codes"];

pub fn is_secret_column(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_MARKERS.iter().any(|marker| name.contains(marker))
}

/// The archive's name for the user's download.
pub fn archive_name(user: &UserInfo) -> String {
    format!("autoresume-{}-{}.zip", user.name, now_ms() / 1000)
}

/// Everything the user owns as a zip: `manifest.json`, one `data/<table>.json` per table
/// (an array of rows) and binary values under `files/`, referenced from their row.
pub async fn export(store: &Store, user: &UserInfo) -> Result<Vec<u8>> {
    let mut tables = vec!["users".to_owned()];
    tables.extend(
        store::account::user_tables(store)
            .await?
            .into_iter()
            .filter(|t| !SKIPPED_TABLES.contains(&t.as_str())),
    );
    let mut dumps = Vec::with_capacity(tables.len());
    for table in tables {
        let rows = store::account::rows(store, &table, user.id).await?;
        dumps.push((table, rows));
    }
    let user = user.clone();
    tokio::task::spawn_blocking(move || write_archive(&user, &dumps))
        .await
        .map_err(|e| Error::Internal(format!("export: {e}")))?
}

fn write_archive(user: &UserInfo, dumps: &[(String, Vec<ExportRow>)]) -> Result<Vec<u8>> {
    let zip_error = |e: zip::result::ZipError| Error::Internal(format!("export archive: {e}"));
    let io_error = |e: std::io::Error| Error::Internal(format!("export archive: {e}"));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut counts = Map::new();
    for (table, rows) in dumps {
        let mut json_rows = Vec::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            let mut object = Map::new();
            for (column, cell) in row {
                if is_secret_column(column) {
                    continue;
                }
                let value = match cell {
                    Cell::Json(value) => value.clone(),
                    Cell::Bytes(bytes) => {
                        let path = format!("files/{table}/{}-{column}", index + 1);
                        zip.start_file(path.as_str(), options).map_err(zip_error)?;
                        zip.write_all(bytes).map_err(io_error)?;
                        json!({ "file": path, "bytes": bytes.len() })
                    }
                };
                object.insert(column.clone(), value);
            }
            json_rows.push(Value::Object(object));
        }
        counts.insert(table.clone(), Value::from(rows.len()));
        zip.start_file(format!("data/{table}.json"), options)
            .map_err(zip_error)?;
        let body = serde_json::to_vec_pretty(&json_rows)
            .map_err(|e| Error::Internal(format!("export: {e}")))?;
        zip.write_all(&body).map_err(io_error)?;
    }
    let manifest = json!({
        "format": "autoresume-export",
        "version": 1,
        "exported_at": now_ms(),
        "user": { "id": user.id, "name": user.name },
        "tables": counts,
        "omitted": "password and token hashes, session and pairing state, key material and \
                    sealed cookie jars: only this companion can use them",
    });
    zip.start_file("manifest.json", options)
        .map_err(zip_error)?;
    let body = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("export: {e}")))?;
    zip.write_all(&body).map_err(io_error)?;
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// Deletes the account after checking the user typed their name and password; wrong
/// passwords count against the login limit, so this is no way around it.
pub async fn delete(
    store: &Store,
    passwords: &crate::auth::passwords::Passwords,
    client: IpAddr,
    user_id: i64,
    confirm_name: &str,
    password: &str,
) -> Result<UserInfo> {
    let row = store::users::find_by_id(store, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let user = row.info();
    if confirm_name != user.name {
        return Err(Error::BadRequest(
            "type your user name exactly to confirm the deletion".into(),
        ));
    }
    if !passwords
        .check(client, &user.name, password, &row.password_hash)
        .await?
    {
        return Err(Error::Forbidden("the password is wrong".into()));
    }
    store::account::delete_user(store, user.id).await?;
    tracing::info!(user = user.id, "account deleted with all its data");
    Ok(user)
}

/// Deletes an account without asking for its password: the operator's `companion user
/// delete`, who holds the database anyway.
pub async fn delete_as_operator(store: &Store, user_id: i64) -> Result<()> {
    store::account::delete_user(store, user_id).await?;
    tracing::info!(
        user = user_id,
        "account deleted with all its data by the operator"
    );
    Ok(())
}
