//! A stand-in for the headless browser: it reports the steps of a three-field form to the
//! job's watch, asks the ledger before its "click", and ends as told. With it the apply
//! job's state logic (ledger, dry run, progress, artifacts) is tested without Chromium.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use companion::apply::{self, Attempt, Browse, Ending, LogLine, Report, Shot, Step, Watch};
use companion::error::{Error, Result};
use companion::jobs::Worker;
use companion::store::jobs::Backoff;
use futures_util::future::BoxFuture;

use crate::helpers::TestApp;

/// A one-pixel PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
];

/// What the fake does at its end.
#[derive(Clone, Debug)]
pub enum Plan {
    /// Like a form that takes the answers: a dry run is ready to submit, a real one
    /// submits (after the ledger said yes).
    Form,
    /// Stops before submit with this ending.
    Stop(Ending),
    /// Records `submitting`, then dies (a worker killed between the click and its outcome).
    DieAfterSubmitting,
}

pub struct Fake {
    plan: Mutex<Plan>,
    /// Browser runs started.
    pub runs: AtomicUsize,
    /// Final clicks made.
    pub clicks: AtomicUsize,
    /// `submit` of every attempt, in order.
    pub submits: Mutex<Vec<bool>>,
}

impl Fake {
    pub fn new(plan: Plan) -> Arc<Fake> {
        Arc::new(Fake {
            plan: Mutex::new(plan),
            runs: AtomicUsize::new(0),
            clicks: AtomicUsize::new(0),
            submits: Mutex::new(Vec::new()),
        })
    }

    pub fn set(&self, plan: Plan) {
        *self.plan.lock().expect("plan") = plan;
    }

    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    pub fn clicks(&self) -> usize {
        self.clicks.load(Ordering::SeqCst)
    }

    async fn run(&self, attempt: Attempt<'_>, watch: &dyn Watch) -> Result<Report> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        self.submits.lock().expect("submits").push(attempt.submit);
        let plan = self.plan.lock().expect("plan").clone();
        for done in 1..=3 {
            let step = Step {
                name: "fill",
                text: format!("filling {done} of 3 fields"),
                done,
                total: 3,
            };
            watch
                .step(&step)
                .await
                .map_err(|e| Error::Internal(e.to_string()))?;
        }
        let mut clicked = false;
        let ending = match plan {
            Plan::Stop(ending) => ending,
            Plan::Form if !attempt.submit => Ending::ReadyToSubmit,
            Plan::Form | Plan::DieAfterSubmitting => {
                watch
                    .submitting()
                    .await
                    .map_err(|e| Error::Internal(e.to_string()))?;
                if matches!(plan, Plan::DieAfterSubmitting) {
                    panic!("the worker died between the click and its outcome");
                }
                self.clicks.fetch_add(1, Ordering::SeqCst);
                clicked = true;
                Ending::Submitted {
                    confirmation: "Thanks for applying".into(),
                }
            }
        };
        Ok(Report {
            ending,
            final_url: format!("{}#done", attempt.url),
            screenshots: vec![Shot {
                name: "before submit".into(),
                png: PNG.to_vec(),
            }],
            log: vec![
                LogLine {
                    at_ms: 0,
                    text: "opened the page".into(),
                },
                LogLine {
                    at_ms: 40,
                    text: "filled 3 fields".into(),
                },
            ],
            clicked,
        })
    }
}

impl Browse for Fake {
    fn attempt<'a>(
        &'a self,
        attempt: Attempt<'a>,
        watch: &'a dyn Watch,
    ) -> BoxFuture<'a, Result<Report>> {
        Box::pin(self.run(attempt, watch))
    }
}

fn worker(app: &TestApp, fake: &Arc<Fake>) -> Worker {
    let browser: Arc<dyn Browse> = fake.clone();
    apply::register_with(
        Worker::for_app(&app.state, "test-apply").backoff(Backoff {
            base_ms: 1,
            cap_ms: 1,
        }),
        &app.state,
        browser,
    )
}

/// Runs due apply jobs with `fake` until none is due; returns how many ran.
pub async fn run_applies(app: &TestApp, fake: &Arc<Fake>) -> usize {
    let worker = worker(app, fake);
    let mut ran = 0;
    while worker.run_once().await.expect("run") {
        ran += 1;
    }
    ran
}

/// Runs one due apply job; false when none was due.
pub async fn run_one(app: &TestApp, fake: &Arc<Fake>) -> bool {
    worker(app, fake).run_once().await.expect("run")
}

/// Runs the retry of a failed apply once its (millisecond) backoff is over.
pub async fn run_retry(app: &TestApp, fake: &Arc<Fake>) {
    let worker = worker(app, fake);
    crate::helpers::wait_for("the retry is due and runs", || async {
        worker.run_once().await.expect("run")
    })
    .await;
}
