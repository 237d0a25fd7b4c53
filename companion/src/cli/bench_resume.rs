//! `companion bench resume`: per resume template, the first build with an empty format cache
//! (a new worker that makes the format) and warm builds through one worker, with the builds
//! per minute one after another.

use std::time::{Duration, Instant};

use companion::config::Config;
use companion::error::{Error, Result};
use companion::resume::{self, Kind, Request, TEMPLATES};
use companion::tex::{Engine, Settings};
use shared::resume::Resume;

pub async fn bench_resume(config: &Config, runs: usize) -> Result<()> {
    let profile = resume::read_profile(super::resume::SAMPLE_RESUME)?;
    let base = super::resume::engine(config)?.settings().clone();
    println!(
        "template      first (empty format cache)   warm median   warm mean   builds/min   pages"
    );
    for template in TEMPLATES.iter().filter(|t| t.kind == Kind::Resume) {
        let scratch = std::env::temp_dir().join(format!(
            "autoresume-bench-resume-{}-{}",
            std::process::id(),
            template.name
        ));
        let engine = Engine::new(Settings {
            format_dir: scratch.clone(),
            ..base.clone()
        });
        let measured = measure(&engine, template.name, &profile, runs).await;
        let _ = std::fs::remove_dir_all(&scratch);
        let (first, mut warm, pages) = measured?;
        warm.sort();
        let median = warm[warm.len() / 2];
        let mean = warm.iter().sum::<Duration>() / u32::try_from(warm.len()).unwrap_or(1);
        println!(
            "{:12}  {:>26.2} s  {:>10.3} s  {:>8.3} s  {:>11.0}   {pages}",
            template.name,
            first.as_secs_f64(),
            median.as_secs_f64(),
            mean.as_secs_f64(),
            60.0 / mean.as_secs_f64(),
        );
    }
    Ok(())
}

async fn measure(
    engine: &Engine,
    template: &str,
    profile: &Resume,
    runs: usize,
) -> Result<(Duration, Vec<Duration>, u32)> {
    let request = Request {
        template,
        resume: profile,
        posting: None,
        letter: None,
    };
    let quiet = |_: &str| {};
    let start = Instant::now();
    let built = resume::build(engine, request, &quiet).await?;
    let first = start.elapsed();
    let mut warm = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        resume::build(engine, request, &quiet).await?;
        warm.push(start.elapsed());
    }
    if built.pages != 1 {
        return Err(Error::Internal(format!(
            "the sample resume is {} pages with {template}; the benchmark is per one-page resume",
            built.pages
        )));
    }
    Ok((first, warm, built.pages))
}
