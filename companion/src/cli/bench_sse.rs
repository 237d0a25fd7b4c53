//! `companion bench sse`: many devices on one companion's event stream. Starts a companion on
//! a throwaway SQLite database and pairs a device; a second process (this binary again, as
//! `bench sse-clients`) opens N streams with the device's token, so that the companion's
//! memory per open stream is its own; then one event is timed from its insert to its
//! arrival at every stream.
//!
//! The two processes talk over the clients' stdout, one line each: `subscribed <µs>` once
//! every stream has replayed the log (connect time), then `arrived <unix µs>...` with each
//! stream's arrival time. Both read the same system clock.

use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;
use tokio::sync::oneshot;

use companion::App;
use companion::config::Config;
use companion::error::{Error, Result};
use companion::state::AppState;

/// Where the clients process finds the device token (kept out of its command line).
pub const TOKEN_ENV: &str = "SSE_BENCH_TOKEN";

pub struct SseFigures {
    pub clients: usize,
    /// Arrival after the insert, sorted.
    pub arrivals: Vec<Duration>,
    pub connect: Duration,
    /// The companion's resident memory before the streams opened.
    pub server_rss_bytes: Option<f64>,
    /// What each open stream added to the companion's resident memory.
    pub server_rss_per_stream_bytes: Option<f64>,
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

fn unix_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros()
}

fn bench_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("sse bench: {e}"))
}

/// The companion's side: serves, pairs, starts the clients process and times the event.
pub async fn run(clients: usize) -> Result<SseFigures> {
    let dir = std::env::temp_dir().join(format!("companion-sse-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(bench_error)?;
    let config = Config {
        workers: 0,
        ..Config::scratch(&dir)
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

async fn pair_device(state: &AppState, base: &str) -> Result<(i64, String)> {
    let user = companion::store::users::create(&state.store, "sse-bench", "!").await?;
    let code = companion::pairing::create_code(&state.store, user.id)
        .await?
        .code;
    let paired: shared::api::PairResponse = reqwest::Client::new()
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
    Ok((user.id, paired.token))
}

/// The next line of the clients process after `word`.
async fn expect_line(lines: &mut Lines<BufReader<ChildStdout>>, word: &str) -> Result<String> {
    let line = lines
        .next_line()
        .await
        .map_err(bench_error)?
        .ok_or_else(|| bench_error(format!("the clients process ended before {word:?}")))?;
    line.strip_prefix(word)
        .map(|rest| rest.trim().to_owned())
        .ok_or_else(|| bench_error(format!("expected {word:?} from the clients, got {line:?}")))
}

fn micros(text: &str) -> Result<u128> {
    text.parse()
        .map_err(|e| bench_error(format!("{text:?} from the clients: {e}")))
}

async fn measure(state: &AppState, base: &str, clients: usize) -> Result<SseFigures> {
    let (user_id, token) = pair_device(state, base).await?;
    let marker = format!("bench-{}", companion::store::now_ms());
    let exe = std::env::current_exe().map_err(bench_error)?;
    let mut child = tokio::process::Command::new(exe)
        .args(["bench", "sse-clients", "--url", base, "--marker", &marker])
        .args(["--clients", &clients.to_string()])
        .env(TOKEN_ENV, token)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(bench_error)?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| bench_error("no stdout"))?;
    let mut lines = BufReader::new(stdout).lines();

    let before = rss_bytes();
    let connect = Duration::from_micros(
        u64::try_from(micros(&expect_line(&mut lines, "subscribed").await?)?).unwrap_or(u64::MAX),
    );
    let after = rss_bytes();

    let emitted = unix_micros();
    state
        .bus
        .emit(
            user_id,
            "test.ping",
            serde_json::json!({ "message": marker }),
        )
        .await?;
    let arrived = expect_line(&mut lines, "arrived").await?;
    let mut arrivals = arrived
        .split_whitespace()
        .map(|at| {
            let after = micros(at)?.saturating_sub(emitted);
            Ok(Duration::from_micros(
                u64::try_from(after).unwrap_or(u64::MAX),
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    arrivals.sort();
    let status = child.wait().await.map_err(bench_error)?;
    if !status.success() || arrivals.len() != clients {
        return Err(bench_error(format!(
            "the clients process ended with {status}, {} of {clients} arrivals",
            arrivals.len()
        )));
    }
    Ok(SseFigures {
        clients,
        arrivals,
        connect,
        server_rss_bytes: before,
        server_rss_per_stream_bytes: before
            .zip(after)
            .map(|(b, a)| (a - b).max(0.0) / clients.max(1) as f64),
    })
}

/// The clients process: opens `clients` streams to `base` as one device, says when all are
/// subscribed, then when `marker` arrived at each.
pub async fn clients(base: &str, token: &str, clients: usize, marker: &str) -> Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(bench_error)?;
    let started = Instant::now();
    let mut ready = Vec::with_capacity(clients);
    for _ in 0..clients {
        let response = http
            .get(format!("{base}/api/v1/events"))
            .bearer_auth(token)
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
    let mut waiting = Vec::with_capacity(clients);
    let (subscribed_tx, mut subscribed_rx) = tokio::sync::mpsc::channel::<()>(clients.max(1));
    for response in ready {
        let marker = marker.to_owned();
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
    println!("subscribed {}", started.elapsed().as_micros());
    let mut arrivals = Vec::with_capacity(clients);
    for task in waiting {
        arrivals.push(task.await.map_err(bench_error)??.to_string());
    }
    println!("arrived {}", arrivals.join(" "));
    Ok(())
}

/// Reads a stream until `marker` arrives; returns when it did (Unix µs).
async fn until_stream<B: AsRef<[u8]>>(
    mut body: impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
    marker: &str,
) -> Result<u128> {
    let mut seen = String::new();
    while let Some(chunk) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(
            chunk.map_err(bench_error)?.as_ref(),
        ));
        if seen.contains(marker) {
            return Ok(unix_micros());
        }
        // Keep only a tail long enough to hold the marker across chunk borders.
        if seen.len() > 4096 {
            seen.drain(..seen.len() - 1024);
        }
    }
    Err(bench_error("a stream ended before the event arrived"))
}

/// `companion bench sse`: measures and prints.
pub async fn report(clients: usize) -> Result<()> {
    let figures = run(clients).await?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} streams connected and subscribed in {:.2} s",
        figures.clients,
        figures.connect.as_secs_f64()
    );
    println!(
        "event insert to arrival at every stream: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(figures.percentile(0.5)),
        ms(figures.percentile(0.99)),
        ms(figures.percentile(1.0))
    );
    if let (Some(base), Some(per_stream)) = (
        figures.server_rss_bytes,
        figures.server_rss_per_stream_bytes,
    ) {
        println!(
            "companion memory: {:.1} MiB before the streams, {:.1} KiB more per open stream",
            base / 1_048_576.0,
            per_stream / 1024.0
        );
    }
    Ok(())
}
