//! `companion forms plan`.

use std::path::Path;

use companion::error::{Error, Result};

/// Snapshots a saved page in headless Chromium and prints its plan.
pub async fn plan(
    file: &Path,
    profile: &Path,
    answers: Option<&Path>,
    resume_pdf: bool,
    json: bool,
) -> Result<()> {
    let profile = companion::forms::load_profile(profile, answers, resume_pdf)?;
    let snapshot = companion::forms::browser::snapshot_file(file).await?;
    let plan = shared::forms::plan(&snapshot, &profile);
    if json {
        let text =
            serde_json::to_string_pretty(&plan).map_err(|e| Error::Internal(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", companion::forms::table(&plan));
    }
    Ok(())
}
