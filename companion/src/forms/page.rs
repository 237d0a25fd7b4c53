//! The application page of a posting: where its form is, what the planner answers from,
//! and its snapshot.

use shared::forms::{FormSnapshot, Profile};

#[cfg(feature = "browser")]
use super::browser;
use crate::error::Result;
use crate::state::AppState;

/// The page that holds the application form: Lever and Ashby put it on a page of its own
/// beside the posting, Greenhouse and most others on the posting's page.
pub fn application_page(job_url: &str) -> String {
    let Ok(mut url) = url::Url::parse(job_url) else {
        return job_url.to_owned();
    };
    let suffix = match url.host_str().unwrap_or_default() {
        "jobs.lever.co" | "jobs.eu.lever.co" => "apply",
        "jobs.ashbyhq.com" => "application",
        _ => return job_url.to_owned(),
    };
    let path = url.path().trim_end_matches('/').to_owned();
    let segments = path.split('/').filter(|s| !s.is_empty()).count();
    if segments != 2 {
        // Already the form's page, or not a posting (a company's job list).
        return job_url.to_owned();
    }
    url.set_path(&format!("{path}/{suffix}"));
    url.to_string()
}

/// What the planner answers from: the user's resume, answer bank, stored answers and whether
/// a resume PDF is there to attach.
pub async fn planner_profile(state: &AppState, user_id: i64) -> Result<Profile> {
    let export = crate::profile::export(&state.store, user_id).await?;
    Ok(Profile {
        resume: export.resume,
        answers: export.answers,
        free_answers: export.free_answers,
        has_resume_pdf: crate::profile::pdf::info(&state.store, user_id)
            .await?
            .is_some(),
    })
}

#[cfg(feature = "browser")]
pub async fn snapshot(html: &str, url: &str) -> Result<FormSnapshot> {
    browser::snapshot_html(html, url).await
}

#[cfg(not(feature = "browser"))]
pub async fn snapshot(_html: &str, _url: &str) -> Result<FormSnapshot> {
    Err(crate::error::Error::Internal(
        "this companion was built without the `browser` feature: forms cannot be planned".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::application_page;

    #[test]
    fn lever_and_ashby_forms_are_on_their_own_page() {
        assert_eq!(
            application_page("https://jobs.lever.co/globex/5c8f1f6a"),
            "https://jobs.lever.co/globex/5c8f1f6a/apply"
        );
        assert_eq!(
            application_page("https://jobs.lever.co/globex/5c8f1f6a/apply"),
            "https://jobs.lever.co/globex/5c8f1f6a/apply"
        );
        assert_eq!(
            application_page("https://jobs.ashbyhq.com/initech/0f1e2d3c/"),
            "https://jobs.ashbyhq.com/initech/0f1e2d3c/application"
        );
        assert_eq!(
            application_page("https://boards.greenhouse.io/acme/jobs/4012345"),
            "https://boards.greenhouse.io/acme/jobs/4012345"
        );
        assert_eq!(
            application_page("https://jobs.lever.co/globex"),
            "https://jobs.lever.co/globex"
        );
    }
}
