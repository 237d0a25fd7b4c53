//! Each received message is classified once with one `mail.classified`, whatever runs twice:
//! a job after a crash, a sweep beside a job, many messages about one company.

use companion::mail::messages::{self, Source};
use companion::store::jobs;

use crate::helpers::{TestApp, wait_for};
use crate::mail_inbound::classified;

/// A recruiting message shaped like the corpus's (`job_emails_eml/041_autoapplier.eml`):
/// a rejection, a confirmation or an interview from `company` about `role`, with its own
/// Message-ID `n`.
pub fn message(kind: usize, company: &str, role: &str, n: usize) -> Vec<u8> {
    let domain: String = company
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let (subject, body) = match kind % 3 {
        0 => (
            "Update on your application",
            format!(
                "Thank you for your interest in the {role} position at {company}.\n\
                 Unfortunately, we have decided to move forward with other candidates at\n\
                 this time.\n\nWe appreciate the time you invested and wish you the best."
            ),
        ),
        1 => (
            "Thank you for applying",
            format!(
                "Thank you for applying to the {role} position at {company}.\n\
                 We have received your application and our team will review it shortly."
            ),
        ),
        _ => (
            "Interview invitation",
            format!(
                "We would like to invite you to an interview for the {role} position at \
                 {company}.\nPlease pick a time that suits you for a video call next week."
            ),
        ),
    };
    format!(
        "From: {company} Recruiting <recruiting@{domain}.example>\r\n\
         To: candidate@example.com\r\n\
         Subject: {subject}\r\n\
         Date: Tue, 17 Jun 2026 14:30:00 -0500\r\n\
         Message-ID: <m-{n}@{domain}.example>\r\n\
         Content-Type: text/plain; charset=\"utf-8\"\r\n\r\n\
         Hi Joseph,\r\n\r\n{body}\r\n\r\nRegards,\r\n{company} Recruiting\r\n"
    )
    .into_bytes()
}

/// Every `mail.classified` event of the user, as the message ids they report.
pub async fn classified_events(app: &TestApp, user_id: i64) -> Vec<i64> {
    let events = companion::store::events::after(&app.state.store, user_id, 0, 100_000)
        .await
        .expect("events");
    events
        .iter()
        .filter(|e| e.kind == "mail.classified")
        .filter_map(|e| e.payload["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn repeated_mail_from_a_company_named_by_filler_words_makes_one_application() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let mut linked = Vec::new();
    for (n, company) in ["Company_A", "company a", "COMPANY-A", "Company_A"]
        .iter()
        .enumerate()
    {
        let raw = message(0, company, "Backend Engineer", n);
        let received = messages::receive(&app.state.store, alice.id, Source::Upload, &raw)
            .await
            .expect("received");
        let message = classified(&app, alice.id, received.id).await;
        assert_eq!(message["category"], "rejection", "{message}");
        linked.push(message["applicationId"].clone());
    }
    let applications = companion::approvals::applications::list(&app.state, alice.id, None)
        .await
        .expect("applications");
    assert_eq!(applications.len(), 1, "{applications:?}");
    assert!(
        linked
            .iter()
            .all(|id| id.as_i64() == Some(applications[0].id)),
        "{linked:?}"
    );
}

#[tokio::test]
async fn a_classification_job_run_again_sends_its_event_once() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let raw = message(0, "Initech", "Platform Engineer", 1);
    let received = messages::receive(&app.state.store, alice.id, Source::Upload, &raw)
        .await
        .expect("received");
    classified(&app, alice.id, received.id).await;
    let store = &app.state.store;
    let succeeded = || async {
        jobs::list(store, alice.id, Some(jobs::SUCCEEDED), 10)
            .await
            .expect("jobs")
            .into_iter()
            .find(|j| j.kind == messages::CLASSIFY_JOB)
    };
    // The message reads as classified as soon as the job's transaction commits; the job is
    // marked done just after.
    wait_for("the classification job finished", || async {
        succeeded().await.is_some()
    })
    .await;
    let job = succeeded().await.expect("the classification job");
    // As if its worker died after classifying but before the job was marked done: the
    // lease ran out and another worker runs it again.
    sqlx::query(
        "UPDATE jobs SET state = 'queued', finished_at = NULL, result = NULL WHERE id = $1",
    )
    .bind(job.id)
    .execute(store.pool())
    .await
    .expect("requeue");
    jobs::wake_workers(store).await.expect("wake");
    wait_for("the job ran again", || async {
        let again = jobs::get(store, job.id).await.expect("job").expect("job");
        again.state == jobs::SUCCEEDED && again.attempt == job.attempt + 1
    })
    .await;
    assert_eq!(classified_events(&app, alice.id).await, vec![received.id]);
    let applications = companion::approvals::applications::list(&app.state, alice.id, None)
        .await
        .expect("applications");
    assert_eq!(applications.len(), 1, "{applications:?}");
    let timeline =
        companion::approvals::applications::timeline(&app.state, alice.id, applications[0].id)
            .await
            .expect("timeline");
    assert_eq!(timeline.len(), 1, "{timeline:?}");

    // Asked for again by the user, it is a new classification with its own event.
    messages::enqueue_classify(store, alice.id, received.id)
        .await
        .expect("queued");
    wait_for("the second classification is sent", || async {
        classified_events(&app, alice.id).await.len() == 2
    })
    .await;
}

#[tokio::test]
async fn the_sweep_queues_a_pending_message_left_without_its_job_once() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let store = &app.state.store;
    let raw = message(1, "Hooli", "Data Scientist", 1);
    // Stored by a process killed before it queued the job (possible before both were one
    // transaction, and left over in databases from then).
    let mut conn = store.pool().acquire().await.expect("connection");
    let id = companion::store::mail::insert(
        &mut conn,
        &companion::store::mail::NewMessage {
            user_id: alice.id,
            source: "import",
            message_id: Some("m-1@hooli.example"),
            dedupe_key: "id:m-1@hooli.example",
            raw: &raw,
        },
        companion::store::now_ms(),
    )
    .await
    .expect("insert")
    .expect("new");
    drop(conn);

    let queued = messages::enqueue_unqueued(store.clone())
        .await
        .expect("sweep");
    assert_eq!(queued, 1);
    let again = messages::enqueue_unqueued(store.clone())
        .await
        .expect("sweep");
    assert_eq!(again, 0, "the message has its job now");
    let message = classified(&app, alice.id, id).await;
    assert_eq!(message["category"], "confirmation", "{message}");
    assert_eq!(
        messages::enqueue_unqueued(store.clone())
            .await
            .expect("sweep"),
        0
    );
    assert_eq!(classified_events(&app, alice.id).await, vec![id]);
}

/// Makes the database refuse `mail.classify` jobs (or accept them again), like a process
/// killed right after storing a message and before queueing its job.
async fn refuse_classify_jobs(store: &companion::store::Store, refuse: bool) {
    let statements: &[&'static str] = match (store.backend(), refuse) {
        (companion::store::Backend::Sqlite, false) => &["DROP TRIGGER refuse_classify"],
        (companion::store::Backend::Postgres, false) => &["DROP TRIGGER refuse_classify ON jobs"],
        (companion::store::Backend::Sqlite, true) => {
            &["CREATE TRIGGER refuse_classify BEFORE INSERT ON jobs
             WHEN NEW.kind = 'mail.classify' BEGIN SELECT RAISE(ABORT, 'refused'); END"]
        }
        (companion::store::Backend::Postgres, true) => &[
            "CREATE FUNCTION refuse_classify() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.kind = 'mail.classify' THEN RAISE EXCEPTION 'refused'; END IF;
                 RETURN NEW;
             END $$",
            "CREATE TRIGGER refuse_classify BEFORE INSERT ON jobs
             FOR EACH ROW EXECUTE FUNCTION refuse_classify()",
        ],
    };
    for &statement in statements {
        sqlx::query(statement)
            .execute(store.pool())
            .await
            .expect("trigger");
    }
}

#[tokio::test]
async fn a_message_is_stored_only_with_its_classification_job() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let store = &app.state.store;
    refuse_classify_jobs(store, true).await;
    let raw = message(2, "Globex", "Platform Engineer", 1);
    let refused = messages::receive(store, alice.id, Source::Import, &raw).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(crate::mail_inbound::stored(&app, alice.id).await, 0);

    refuse_classify_jobs(store, false).await;
    let received = messages::receive(store, alice.id, Source::Import, &raw)
        .await
        .expect("stored this time");
    assert!(
        !received.duplicate,
        "the rerun stores what the killed run did not"
    );
    let message = classified(&app, alice.id, received.id).await;
    assert_eq!(message["category"], "interview", "{message}");
}
