//! Background jobs in the activity lists (the popup's and the dashboard's Activity page): in
//! words a job seeker understands, never a job kind.

use companion::jobs::{JobError, Worker};
use companion::mail::messages::CLASSIFY_JOB;
use companion::store::jobs::{self, Backoff, NewJob};
use companion::store::now_ms;
use serde_json::json;
use shared::api::AgentEvent;
use shared::events::{JOB_STATE, describe};

use crate::approval_pages::page;
use crate::helpers::{TestApp, wait_for};

#[tokio::test]
async fn every_job_kind_the_companion_runs_has_words() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let worker = companion::job_kinds(Worker::for_app(&app.state, "kinds"), &app.state);
    let kinds: Vec<&str> = worker.kinds().collect();
    assert!(kinds.contains(&CLASSIFY_JOB), "{kinds:?}");
    for kind in kinds {
        let text = describe(&AgentEvent {
            id: 1,
            kind: JOB_STATE.into(),
            payload: json!({"job_id": 1, "kind": kind, "state": "succeeded"}),
            created_at: 0,
        });
        assert!(
            !text.starts_with("A background task") && !text.contains(kind),
            "{kind}: {text}"
        );
    }
}

#[tokio::test]
async fn a_failed_attempt_reads_will_retry_and_the_last_one_failed() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    jobs::enqueue(
        store,
        &NewJob {
            user_id: alice.id,
            kind: CLASSIFY_JOB,
            payload: &payload,
            max_attempts: 2,
            idempotency_key: None,
            run_at: 0,
            platform: None,
        },
        now_ms(),
    )
    .await
    .expect("enqueue");
    let worker = Worker::for_app(&app.state, "failing")
        .backoff(Backoff {
            base_ms: 1,
            cap_ms: 1,
        })
        .register(CLASSIFY_JOB, |_ctx| async {
            Err::<serde_json::Value, _>(JobError::Failed("the model is down".into()))
        });
    let texts = || async {
        companion::store::events::recent(store, alice.id, 10)
            .await
            .expect("events")
            .into_iter()
            .filter(|e| e.kind == JOB_STATE)
            .map(|e| describe(&e))
            .collect::<Vec<_>>()
    };
    wait_for("both attempts to fail", || async {
        worker.run_once().await.expect("run");
        texts().await.len() == 2
    })
    .await;
    let mut texts = texts().await;
    texts.sort();
    assert_eq!(
        texts,
        [
            "Reading a recruiting email: failed",
            "Reading a recruiting email: failed (will retry)"
        ]
    );

    let browser = app.login("alice").await;
    let html = page(&browser, app.url("/dashboard/activity")).await;
    assert!(
        html.contains("Reading a recruiting email: failed (will retry)"),
        "{html}"
    );
    // The sentence, not the event's internal type, is what a person reads.
    assert!(!html.contains("job.state"), "{html}");
}
