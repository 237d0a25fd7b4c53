//! Uploaded and imported mail over the API: classified by the job, linked to the matching
//! application, which mail moves forward only; unmatched job mail records an application
//! "from email"; duplicates are stored once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::approvals::{Caller, user_with_device};
use crate::helpers::{TestApp, read_sse_until, sse_events};
use crate::mail_inbound::{classified, stored};

/// A full message of the corpus (`job_emails_eml`).
pub fn eml(corpus: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(corpus.join("job_emails_eml").join(name)).expect("corpus message")
}

/// Uploads a raw message; the answer's status and body.
pub async fn upload(caller: &Caller, raw: Vec<u8>) -> (u16, Value) {
    let response = caller
        .client
        .post(format!("{}/api/v1/mail", caller.base))
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

async fn application(caller: &Caller, company: &str, title: &str, status: &str) -> Value {
    let (code, created) = caller
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"company": company, "title": title, "status": status,
                "jobUrl": format!("https://jobs.example.com/{}", company.to_lowercase())})),
        )
        .await;
    assert_eq!(code, 201, "{created}");
    created
}

#[tokio::test]
async fn mail_moves_the_matching_application_forward_only() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (user_id, caller) = user_with_device(&app, "alice").await;
    let globex = application(&caller, "Globex", "Backend Engineer", "applied").await;
    let initech = application(&caller, "Initech Inc.", "Platform Engineer", "offer").await;

    let (status, answer) = upload(&caller, eml(&corpus, "041_autoapplier.eml")).await;
    assert_eq!(status, 201, "{answer}");
    let rejection = classified(&app, user_id, answer["id"].as_i64().expect("id")).await;
    assert_eq!(rejection["category"], "rejection", "{rejection}");
    assert_eq!(rejection["company"], "Globex", "{rejection}");
    assert_eq!(rejection["applicationId"], globex["id"], "{rejection}");
    assert!(!rejection["rules"].as_array().expect("rules").is_empty());
    let (_, moved) = caller
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}", globex["id"]),
            None,
        )
        .await;
    assert_eq!(moved["status"], "rejected", "{moved}");
    let (_, timeline) = caller
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}/timeline", globex["id"]),
            None,
        )
        .await;
    let last = timeline.as_array().and_then(|t| t.last()).expect("entries");
    assert_eq!(last["toStatus"], "rejected");
    assert!(
        last["note"].as_str().expect("note").starts_with("Email: "),
        "{last}"
    );

    let (status, again) = upload(&caller, eml(&corpus, "041_autoapplier.eml")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);

    // An interview invitation after an offer is linked but moves nothing back.
    let (_, answer) = upload(&caller, eml(&corpus, "039_autoapplier.eml")).await;
    let interview = classified(&app, user_id, answer["id"].as_i64().expect("id")).await;
    assert_eq!(interview["category"], "interview", "{interview}");
    assert_eq!(interview["applicationId"], initech["id"], "{interview}");
    let (_, kept) = caller
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}", initech["id"]),
            None,
        )
        .await;
    assert_eq!(kept["status"], "offer", "{kept}");

    // Job mail about no known application records one.
    let (_, answer) = upload(&caller, eml(&corpus, "030_emailagent.eml")).await;
    let offer = classified(&app, user_id, answer["id"].as_i64().expect("id")).await;
    assert_eq!(offer["category"], "offer", "{offer}");
    let (_, created) = caller
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}", offer["applicationId"]),
            None,
        )
        .await;
    assert_eq!(created["source"], "email", "{created}");
    assert_eq!(created["status"], "offer", "{created}");
    assert_eq!(created["company"], offer["company"], "{created}");
    assert_eq!(created["jobUrl"], "");

    // Non-job mail changes nothing.
    let (_, answer) = upload(&caller, eml(&corpus, "043_autoapplier.eml")).await;
    let other = classified(&app, user_id, answer["id"].as_i64().expect("id")).await;
    assert_eq!(other["category"], "other", "{other}");
    assert_eq!(other["applicationId"], Value::Null);

    let (status, rejections) = caller
        .call(Method::GET, "/api/v1/mail?category=rejection", None)
        .await;
    assert_eq!(status, 200);
    let ids: Vec<&Value> = rejections
        .as_array()
        .expect("list")
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [&rejection["id"]]);
    let (status, _) = caller
        .call(Method::GET, "/api/v1/mail?category=spam", None)
        .await;
    assert_eq!(status, 422);

    let (status, queued) = caller
        .call(
            Method::POST,
            &format!("/api/v1/mail/{}/classify", rejection["id"]),
            None,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert!(queued["jobId"].is_i64());
    let (status, _) = upload(&caller, b"  \r\n".to_vec()).await;
    assert_eq!(status, 400, "an empty upload");
    assert_eq!(stored(&app, user_id).await, 4);

    let events = caller
        .client
        .get(format!("{}/api/v1/events", caller.base))
        .send()
        .await
        .expect("stream");
    let text = read_sse_until(events, |t| t.matches("mail.classified").count() >= 2).await;
    let texts: Vec<String> = sse_events(&text)
        .iter()
        .filter(|e| e["type"] == "mail.classified")
        .map(|e| e["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        texts.iter().any(|t| t.starts_with("Mail from ")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn import_reads_eml_folders_and_mbox_files_and_skips_duplicates() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let user = app.create_user("alice").await;
    let dir = tempfile::tempdir().expect("dir");
    let folder = dir.path().join("mail");
    std::fs::create_dir_all(folder.join("nested")).expect("folders");
    for (name, place) in [
        ("041_autoapplier.eml", "a.eml"),
        ("039_autoapplier.eml", "nested/b.eml"),
        ("030_emailagent.eml", "c.EML"),
    ] {
        std::fs::write(folder.join(place), eml(&corpus, name)).expect("write");
    }
    std::fs::write(folder.join("notes.txt"), "not mail").expect("write");
    let mut seen = Vec::new();
    let counts =
        companion::mail::import::import(&app.state.store, user.id, &folder, |done, total| {
            seen.push((done, total));
        })
        .await
        .expect("import");
    assert_eq!(
        (counts.imported, counts.duplicates, counts.skipped),
        (3, 0, 0)
    );
    assert_eq!(seen.last(), Some(&(3, 3)));

    let mut mbox = Vec::new();
    for raw in [
        eml(&corpus, "041_autoapplier.eml"),
        b"Subject: A new one\n\n>From here on, an escaped line.\n".to_vec(),
    ] {
        mbox.extend_from_slice(b"From someone@example.com Mon Jan  1 00:00:00 2024\n");
        mbox.extend_from_slice(&raw);
        mbox.push(b'\n');
    }
    let path = dir.path().join("inbox.mbox");
    std::fs::write(&path, mbox).expect("write");
    let counts = companion::mail::import::import(&app.state.store, user.id, &path, |_, _| {})
        .await
        .expect("import");
    assert_eq!(
        (counts.imported, counts.duplicates, counts.skipped),
        (1, 1, 0)
    );
    assert_eq!(stored(&app, user.id).await, 4);
    let messages = companion::mail::messages::list(&app.state, user.id, None)
        .await
        .expect("list");
    assert!(messages.iter().all(|m| m.source == "import"));
    let newest = classified(&app, user.id, messages[0].id).await;
    assert_eq!(newest["subject"], "A new one", "{newest}");
}

#[tokio::test]
async fn an_upload_that_is_not_a_message_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, caller) = user_with_device(&app, "alice").await;
    for body in [
        &b"[]"[..],
        b"just some text\nFrom: later",
        b": no name\n\nbody",
        br#"[{"From": "a"}]"#,
    ] {
        let (status, problem) = upload(&caller, body.to_vec()).await;
        assert_eq!(status, 400, "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(".eml"),
            "{problem}"
        );
    }
    let (status, list) = caller.call(Method::GET, "/api/v1/mail", None).await;
    assert_eq!(status, 200);
    assert_eq!(list, json!([]), "nothing stored");
    if let Some(corpus) = test_corpus::dir() {
        let (status, answer) = upload(&caller, eml(&corpus, "041_autoapplier.eml")).await;
        assert_eq!(status, 201, "a real message still goes in: {answer}");
    }
}
