//! `companion bench resume`: per resume template, the first build with an empty format cache
//! (a new worker that makes the format) and warm builds through one worker, with the builds
//! per minute one after another, and where a warm build's time goes.

use std::time::{Duration, Instant};

use companion::config::Config;
use companion::error::{Error, Result};
use companion::resume::{self, Kind, Request, TEMPLATES};
use companion::tex::{Engine, Settings, Timings};
use shared::resume::Resume;

pub async fn bench_resume(config: &Config, runs: usize) -> Result<()> {
    let profile = resume::read_profile(super::resume::SAMPLE_RESUME)?;
    let base = super::resume::engine(config)?.settings().clone();
    println!("Warm builds: median wall time and CPU time, and the median of each step.");
    println!(
        "template      first (empty cache)   warm wall   warm CPU   format    TeX    PDF   \
         other   builds/min"
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
        let (first, warm) = measured?;
        let wall = median(warm.iter().map(|(wall, _)| *wall));
        let step = |f: fn(&Timings) -> Duration| median(warm.iter().map(|(_, t)| f(t)));
        let (format, tex, pdf) = (step(|t| t.format), step(|t| t.tex), step(|t| t.pdf));
        // Rendering the source, the pipe and its JSON, starting the worker's engine.
        let other = median(
            warm.iter()
                .map(|(wall, t)| wall.saturating_sub(t.format + t.tex + t.pdf)),
        );
        let mean = warm.iter().map(|(wall, _)| *wall).sum::<Duration>()
            / u32::try_from(warm.len()).unwrap_or(1);
        println!(
            "{:12}  {:>17.2} s  {:>8.3} s  {:>7.3} s  {:>6.3}  {:>5.3}  {:>5.3}  {:>6.3}   {:>10.0}",
            template.name,
            first.as_secs_f64(),
            wall.as_secs_f64(),
            step(|t| t.cpu).as_secs_f64(),
            format.as_secs_f64(),
            tex.as_secs_f64(),
            pdf.as_secs_f64(),
            other.as_secs_f64(),
            60.0 / mean.as_secs_f64(),
        );
    }
    Ok(())
}

fn median(values: impl Iterator<Item = Duration>) -> Duration {
    let mut values: Vec<Duration> = values.collect();
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// The first build's wall time, and each warm build's wall time and the worker's timings.
async fn measure(
    engine: &Engine,
    template: &str,
    profile: &Resume,
    runs: usize,
) -> Result<(Duration, Vec<(Duration, Timings)>)> {
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
    if built.pages != 1 {
        return Err(Error::Internal(format!(
            "the sample resume is {} pages with {template}; the benchmark is per one-page resume",
            built.pages
        )));
    }
    let mut warm = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let built = resume::build(engine, request, &quiet).await?;
        warm.push((start.elapsed(), built.timings));
    }
    Ok((first, warm))
}
