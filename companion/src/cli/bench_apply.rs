//! `companion bench apply`: dry runs of the headless apply on saved application pages served
//! over loopback, with a new browser each run (cold) and with one warm browser (warm): wall
//! time per form, the median of each step the run logs, and the peak memory of the browser's
//! processes (proportional set size summed over `/proc`, so shared pages count once).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use companion::apply::{Attempt, Ending, Report, ResumeFile, Runner, Step, Watch};
use companion::config::Config;
use companion::error::{Error, Result};
use companion::jobs::JobError;
use futures_util::future::BoxFuture;
use shared::api::Answer;
use shared::cookies::CookieJar;
use shared::forms::Profile;

const SAMPLE: Duration = Duration::from_millis(50);
const FREE_TEXT: &str = "I would like to build this with you.";

struct Quiet;

impl Watch for Quiet {
    fn step<'a>(&'a self, _step: &'a Step) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async { Ok(()) })
    }

    fn submitting(&self) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(async { Err(JobError::Failed("a benchmark never submits".into())) })
    }
}

fn profile() -> Profile {
    Profile {
        resume: serde_json::json!({"basics": {
            "name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000",
            "location": {"city": "London", "countryCode": "GB"},
            "profiles": [{"network": "LinkedIn", "url": "https://www.linkedin.com/in/ada"}],
        }}),
        has_resume_pdf: true,
        ..Profile::default()
    }
}

/// A stand-in resume: the forms take any file; none of them reads it here.
fn resume() -> ResumeFile {
    ResumeFile {
        name: "Ada Lovelace.pdf".into(),
        bytes: b"%PDF-1.4\n%%EOF\n".to_vec(),
    }
}

async fn page(State(dir): State<Arc<PathBuf>>, UrlPath(name): UrlPath<String>) -> Response {
    if name.contains('/') || name.starts_with('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read_to_string(dir.join(&name)).await {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve(dir: &Path) -> Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::Internal(format!("bench server: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Internal(format!("bench server: {e}")))?
        .port();
    let app = axum::Router::new()
        .route("/{name}", axum::routing::get(page))
        .with_state(Arc::new(dir.to_owned()));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(port)
}

/// The answers the plan job would make, every unknown one approved as a user would: the
/// first option of a choice, else [`FREE_TEXT`].
async fn answers(html: &str, url: &str) -> Result<Vec<Answer>> {
    let snapshot = companion::forms::snapshot(html, url).await?;
    let plan = shared::forms::plan(&snapshot, &profile());
    let first_option = |selector: &str| {
        let field = snapshot.fields.iter().find(|f| f.selector == selector)?;
        let option = field
            .options
            .iter()
            .find(|o| !o.value.trim().is_empty() && !o.text.trim().is_empty())?;
        Some(option.text.clone())
    };
    Ok(companion::approvals::plan::planned_answers(&plan, &[])
        .into_iter()
        .map(|mut answer| {
            if answer.value.is_empty() && answer.source == "unknown" {
                answer.value = first_option(&answer.field).unwrap_or_else(|| FREE_TEXT.to_owned());
                answer.source = "you".to_owned();
            }
            answer
        })
        .collect())
}

/// Proportional set size of every process whose command line names `dir`, in bytes.
fn pss_of(dir: &str) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(dir))
        })
        .filter_map(|pid| {
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum::<u64>()
        * 1024
}

/// What one form's runs measured.
#[derive(Default)]
struct Figures {
    ending: String,
    cold: Vec<Duration>,
    warm: Vec<Duration>,
    steps: BTreeMap<String, Vec<u64>>,
}

fn median<T: Copy + Ord>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied()
}

/// Each `name (N ms)` line of a run's log.
fn step_times(report: &Report) -> Vec<(String, u64)> {
    report
        .log
        .iter()
        .filter_map(|line| {
            let (name, rest) = line.text.rsplit_once(" (")?;
            let ms = rest.strip_suffix(" ms)")?.parse().ok()?;
            Some((name.to_owned(), ms))
        })
        .collect()
}

fn ending_of(report: &Report) -> String {
    match &report.ending {
        Ending::ReadyToSubmit => "ready to submit".into(),
        Ending::Submitted { .. } => "submitted".into(),
        Ending::NeedsYou { why, detail } => format!("{}: {detail}", why.as_str()),
    }
}

pub async fn bench_apply(dir: &Path, runs: usize) -> Result<()> {
    let port = serve(dir).await?;
    let config = Config {
        fetch_allow_hosts: vec![format!("127.0.0.1:{port}")],
        ..Config::default()
    };
    let mut forms: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::BadRequest(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".html"))
        .collect();
    forms.sort();
    let jar = CookieJar::default();
    let profile = profile();
    let resume = resume();
    let warm = Runner::new(&config);
    let peak = Arc::new(AtomicU64::new(0));
    let mut results = BTreeMap::new();
    for form in &forms {
        let url = format!("http://127.0.0.1:{port}/{form}");
        let html = std::fs::read_to_string(dir.join(form))
            .map_err(|e| Error::BadRequest(format!("{form}: {e}")))?;
        let answers = answers(&html, &url).await?;
        let attempt = Attempt {
            url: &url,
            cookies: &jar,
            answers: &answers,
            profile: &profile,
            resume: Some(&resume),
            submit: false,
        };
        let mut figures = Figures::default();
        for _ in 0..runs {
            let cold = Runner::new(&config);
            let started = Instant::now();
            let report = cold.attempt(attempt, &Quiet).await?;
            figures.cold.push(started.elapsed());
            figures.ending = ending_of(&report);
            cold.close().await;
        }
        // Warmed up by a first run that is not counted.
        warm.attempt(attempt, &Quiet).await?;
        let sampler = sample(&warm, peak.clone()).await;
        for _ in 0..runs {
            let started = Instant::now();
            let report = warm.attempt(attempt, &Quiet).await?;
            figures.warm.push(started.elapsed());
            for (name, ms) in step_times(&report) {
                figures.steps.entry(name).or_default().push(ms);
            }
        }
        sampler.abort();
        results.insert(form.clone(), figures);
    }
    warm.close().await;
    print(&results, runs, peak.load(Ordering::Relaxed));
    Ok(())
}

/// Samples the warm browser's memory until aborted, keeping the peak.
async fn sample(runner: &Runner, peak: Arc<AtomicU64>) -> tokio::task::JoinHandle<()> {
    let dir = runner
        .browser_dir()
        .await
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    tokio::spawn(async move {
        loop {
            let pss = tokio::task::spawn_blocking({
                let dir = dir.clone();
                move || pss_of(&dir)
            })
            .await
            .unwrap_or(0);
            peak.fetch_max(pss, Ordering::Relaxed);
            tokio::time::sleep(SAMPLE).await;
        }
    })
}

fn print(results: &BTreeMap<String, Figures>, runs: usize, peak: u64) {
    let ms = |d: Option<Duration>| d.map_or(0, |d| d.as_millis());
    println!("{runs} dry runs per form and browser state; medians");
    println!("form\tcold ms\twarm ms\tending");
    for (form, f) in results {
        println!(
            "{form}\t{}\t{}\t{}",
            ms(median(&f.cold)),
            ms(median(&f.warm)),
            f.ending
        );
    }
    println!("\nwarm steps (median ms)");
    for (form, f) in results {
        let steps: Vec<String> = f
            .steps
            .iter()
            .map(|(name, times)| format!("{name} {}", median(times).unwrap_or(0)))
            .collect();
        println!("{form}\t{}", steps.join(", "));
    }
    println!(
        "\npeak memory of the warm browser's processes (PSS): {:.0} MiB",
        peak as f64 / (1024.0 * 1024.0)
    );
}
