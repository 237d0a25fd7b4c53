//! `companion bench sse`: many devices on one companion's event stream. Starts a companion on
//! a throwaway SQLite database, opens N streams for one paired device, then times one event
//! from its insert to its arrival at every stream.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::oneshot;

use crate::App;
use crate::config::Config;
use crate::error::{Error, Result};

pub struct SseFigures {
    pub clients: usize,
    /// Arrival after the insert, sorted.
    pub arrivals: Vec<Duration>,
    pub connect: Duration,
    /// Resident memory the open streams added (client and server share this process).
    pub rss_per_stream_bytes: Option<f64>,
}

impl SseFigures {
    pub fn percentile(&self, p: f64) -> Duration {
        let last = self.arrivals.len().saturating_sub(1);
        let index = ((last as f64) * p).round() as usize;
        self.arrivals.get(index).copied().unwrap_or_default()
    }
}

fn rss_bytes() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

fn bench_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("sse bench: {e}"))
}

pub async fn run(clients: usize) -> Result<SseFigures> {
    let dir = std::env::temp_dir().join(format!("companion-sse-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(bench_error)?;
    let config = Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.clone(),
        database_url: format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
        master_key_file: dir.join("master.key").display().to_string(),
        workers: 0,
        ..Config::default()
    }
    .validated()?;
    let app = App::build(config).await?;
    let state = app.state().clone();
    let base = format!("http://{}", app.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    let figures = measure(&state, &base, clients).await;
    let _ = stop.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    figures
}

async fn measure(state: &crate::state::AppState, base: &str, clients: usize) -> Result<SseFigures> {
    let user = crate::store::users::create(&state.store, "sse-bench", "!").await?;
    let code = crate::pairing::create_code(&state.store, user.id)
        .await?
        .code;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(bench_error)?;
    let paired: shared::api::PairResponse = http
        .post(format!("{base}/api/v1/pair"))
        .json(&shared::api::PairRequest {
            code,
            device_name: "bench".into(),
        })
        .send()
        .await
        .map_err(bench_error)?
        .json()
        .await
        .map_err(bench_error)?;

    let before = rss_bytes();
    let started = Instant::now();
    let mut ready = Vec::with_capacity(clients);
    for _ in 0..clients {
        let response = http
            .get(format!("{base}/api/v1/events"))
            .bearer_auth(&paired.token)
            .send()
            .await
            .map_err(bench_error)?;
        if !response.status().is_success() {
            return Err(bench_error(format!(
                "stream refused: {}",
                response.status()
            )));
        }
        ready.push(response);
    }
    // Each stream first replays the log (the pairing event): once every client has read it,
    // every stream is subscribed.
    let marker = format!("bench-{}", crate::store::now_ms());
    let mut waiting = Vec::with_capacity(clients);
    let (subscribed_tx, mut subscribed_rx) = tokio::sync::mpsc::channel::<()>(clients.max(1));
    for response in ready {
        let marker = marker.clone();
        let subscribed = subscribed_tx.clone();
        waiting.push(tokio::spawn(async move {
            let mut body = response.bytes_stream();
            let mut replay = String::new();
            while !replay.contains("device.paired") {
                let Some(chunk) = body.next().await else {
                    return Err(bench_error("a stream ended during its replay"));
                };
                replay.push_str(&String::from_utf8_lossy(&chunk.map_err(bench_error)?));
            }
            let _ = subscribed.send(()).await;
            until_stream(body, &marker).await
        }));
    }
    for _ in 0..clients {
        subscribed_rx.recv().await;
    }
    let connect = started.elapsed();
    let after = rss_bytes();

    let emitted = Instant::now();
    state
        .bus
        .emit(
            user.id,
            "test.ping",
            serde_json::json!({ "message": marker }),
        )
        .await?;
    let mut arrivals = Vec::with_capacity(clients);
    for task in waiting {
        let arrived = task.await.map_err(bench_error)??;
        arrivals.push(arrived.saturating_duration_since(emitted));
    }
    arrivals.sort();
    Ok(SseFigures {
        clients,
        arrivals,
        connect,
        rss_per_stream_bytes: before
            .zip(after)
            .map(|(b, a)| (a - b).max(0.0) / clients.max(1) as f64),
    })
}

/// Reads a stream until `marker` arrives; returns when it did.
async fn until_stream<B: AsRef<[u8]>>(
    mut body: impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
    marker: &str,
) -> Result<Instant> {
    let mut seen = String::new();
    while let Some(chunk) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(
            chunk.map_err(bench_error)?.as_ref(),
        ));
        if seen.contains(marker) {
            return Ok(Instant::now());
        }
        // Keep only a tail long enough to hold the marker across chunk borders.
        if seen.len() > 4096 {
            seen.drain(..seen.len() - 1024);
        }
    }
    Err(bench_error("a stream ended before the event arrived"))
}
