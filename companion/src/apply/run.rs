//! One run: open the page, follow an embedded form or a wizard page by page, fill what the
//! decision (`shared::forms::apply`) allows, and click the final submit only after the watch
//! recorded it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chromiumoxide::Page;
use shared::forms::apply::{StopKind, challenge, decide_page, missing};
use shared::forms::{BlockerKind, FormSnapshot};
use tokio::sync::Mutex;

use super::page::{self, Button, Seen};
use super::site::{host_of, looks_like_sign_in, same_site, why_not};
use super::{Attempt, Ending, LogLine, Report, Shot, Step, Watch, Why};
use crate::browser::{self, Network, Options, Session};
use crate::error::{Error, Result};
use crate::fetch::proxy::EgressProxy;
use crate::fetch::{FetchPolicy, trust};

/// Wizard pages followed before the run gives up on reaching a submit.
const MAX_PAGES: usize = 12;
/// How long a page may take to show its form, a wizard its next step, a submit its outcome.
const FORM_WAIT: Duration = Duration::from_secs(10);
const STEP_WAIT: Duration = Duration::from_secs(10);
const OUTCOME_WAIT: Duration = Duration::from_secs(15);
/// Errors that stay this long after a submit are the form's answer, not a passing state.
const ERRORS_SETTLE: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(200);

/// One reusable headless browser per worker (warm); each attempt gets a fresh in-memory
/// context.
pub struct Runner {
    policy: FetchPolicy,
    timeout: Duration,
    browser: Mutex<Option<Arc<Session>>>,
}

impl Runner {
    pub fn new(config: &crate::config::Config) -> Runner {
        Runner {
            policy: config.fetch_policy(),
            timeout: Duration::from_secs(config.apply_timeout_secs),
            browser: Mutex::new(None),
        }
    }

    /// The warm browser, launched on first use and again when it died.
    async fn session(&self) -> Result<Arc<Session>> {
        let mut slot = self.browser.lock().await;
        if let Some(session) = slot.as_ref().filter(|s| s.alive()) {
            return Ok(session.clone());
        }
        // Chromium takes extra trust as the keys it may accept in a chain it cannot verify.
        let trusted_spki = match self.policy.trust_ca_file.as_str() {
            "" => Vec::new(),
            path => trust::read_certificates(path)?
                .iter()
                .map(|der| trust::spki_hash(der))
                .collect::<Result<_>>()?,
        };
        let session = Arc::new(
            browser::launch(Options {
                network: Network::PerContext,
                scripts: true,
                trusted_spki: &trusted_spki,
            })
            .await?,
        );
        *slot = Some(session.clone());
        Ok(session)
    }

    /// Closes the warm browser once no attempt uses it (a worker shutting down).
    pub async fn close(&self) {
        let session = self.browser.lock().await.take();
        if let Some(session) = session.and_then(Arc::into_inner) {
            session.close().await;
        }
    }

    /// The folder of the warm browser's run, if one is up (its processes name it).
    pub async fn browser_dir(&self) -> Option<std::path::PathBuf> {
        let slot = self.browser.lock().await;
        slot.as_ref().map(|s| s.run_dir().to_owned())
    }

    /// One application. An error means nothing was clicked: Chromium failed, the page did
    /// not load, the watch stopped the run (`Error::Conflict` with its reason) or the time ran
    /// out first; once the final click happened, the run always ends in a report.
    pub async fn attempt(&self, attempt: Attempt<'_>, watch: &dyn Watch) -> Result<Report> {
        let started = Instant::now();
        let session = self.session().await?;
        let proxy = EgressProxy::start_resolving(
            self.policy.allow_hosts.clone(),
            self.policy.resolve.clone(),
        )
        .await?;
        let context = session.context(&proxy).await?;
        let mut run = Run {
            tab: &context.tab,
            attempt,
            watch,
            started,
            log: Vec::new(),
            shots: Vec::new(),
            clicked: false,
            answered: Vec::new(),
            sites: host_of(attempt.url).into_iter().collect(),
        };
        run.note(format!(
            "browser ready ({} ms)",
            started.elapsed().as_millis()
        ));
        let cookies = page::cookies(attempt.cookies);
        let ended = match session.set_cookies(&context, cookies).await {
            Ok(()) => tokio::time::timeout(self.timeout, run.go()).await,
            Err(e) => Ok(Err(e)),
        };
        let ending = match ended {
            Ok(ending) => ending,
            Err(_) if run.clicked => Ok(Ending::NeedsYou {
                why: Why::Unsure,
                detail: format!("no outcome seen within {} s", self.timeout.as_secs()),
            }),
            Err(_) => Err(Error::Upstream(format!(
                "the apply did not finish within {} s",
                self.timeout.as_secs()
            ))),
        };
        for refusal in proxy.refusals() {
            run.note(format!(
                "refused {}:{}: {}",
                refusal.host, refusal.port, refusal.reason
            ));
        }
        let final_url = page::url(&context.tab).await;
        run.note(format!("done at {final_url}"));
        let Run {
            log,
            shots,
            clicked,
            ..
        } = run;
        // A context left open holds the jar in memory until the browser ends.
        if let Err(e) = session.close_context(context).await {
            tracing::warn!("closing an apply's browser context: {e}");
        }
        Ok(Report {
            ending: ending?,
            final_url,
            screenshots: shots,
            log,
            clicked,
        })
    }
}

struct Run<'a> {
    tab: &'a Page,
    attempt: Attempt<'a>,
    watch: &'a dyn Watch,
    started: Instant,
    log: Vec<LogLine>,
    shots: Vec<Shot>,
    clicked: bool,
    /// Indexes of the answers whose fields a page held.
    answered: Vec<usize>,
    /// Hosts the run may be on: the application page's, an embedded form's.
    sites: Vec<String>,
}

fn stopped(why: Why, detail: impl Into<String>) -> Ending {
    Ending::NeedsYou {
        why,
        detail: detail.into(),
    }
}

impl Run<'_> {
    fn note(&mut self, text: String) {
        let at_ms = self.started.elapsed().as_millis() as u64;
        self.log.push(LogLine { at_ms, text });
    }

    /// Reports a step to the watch, which may stop the run.
    async fn step(
        &mut self,
        name: &'static str,
        text: String,
        done: u32,
        total: u32,
    ) -> Result<()> {
        let step = Step {
            name,
            text,
            done,
            total,
        };
        self.watch
            .step(&step)
            .await
            .map_err(|e| Error::Conflict(format!("the apply stopped: {e}")))?;
        self.note(format!("{name}: {}", step.text));
        Ok(())
    }

    /// Logs how long the step `name` took since `since`, as `name (N ms)` (what
    /// `companion bench apply` reads).
    fn timed(&mut self, name: &str, since: Instant) {
        self.note(format!("{name} ({} ms)", since.elapsed().as_millis()));
    }

    async fn shoot(&mut self, name: &str) {
        match page::screenshot(self.tab).await {
            Ok(png) => self.shots.push(Shot {
                name: name.to_owned(),
                png,
            }),
            Err(e) => self.note(format!("no screenshot {name}: {e}")),
        }
    }

    async fn go(&mut self) -> Result<Ending> {
        let url = self.attempt.url;
        self.step("open", format!("opening {url}"), 0, 0).await?;
        let since = Instant::now();
        self.open(url).await?;
        self.timed("load", since);
        let mut page = 0;
        let mut embedded = false;
        loop {
            let since = Instant::now();
            // A wizard's later steps showed when `next` saw the step change.
            let snapshot = if page == 0 {
                self.wait_for_form().await?
            } else {
                page::snapshot(self.tab).await?
            };
            self.timed("snapshot", since);
            if let Some(ending) = self.off_site().await {
                return Ok(ending);
            }
            if snapshot.fields.is_empty() && page == 0 && !embedded {
                let frame: Option<String> = page::call(self.tab, "embedded", "").await?;
                if let Some(frame) = frame {
                    self.note(format!(
                        "the form is in an iframe from another site: loading {frame} in the tab"
                    ));
                    self.sites.extend(host_of(&frame));
                    embedded = true;
                    self.open(&frame).await?;
                    continue;
                }
            }
            if let Some(ending) = self.page(&snapshot, page).await? {
                return Ok(ending);
            }
            page += 1;
            if page >= MAX_PAGES {
                return Ok(stopped(
                    Why::UnexpectedPage,
                    format!("no submit after {MAX_PAGES} pages"),
                ));
            }
        }
    }

    async fn open(&mut self, url: &str) -> Result<()> {
        self.tab.goto(url).await.map_err(|e| {
            Error::Upstream(format!("the page {url} did not load: {}", why_not(&e)))
        })?;
        Ok(())
    }

    /// The snapshot once the page shows a form or something that stops the run, or what it
    /// shows when [`FORM_WAIT`] is up.
    async fn wait_for_form(&mut self) -> Result<FormSnapshot> {
        let deadline = Instant::now() + FORM_WAIT;
        loop {
            // A page still navigating has no context to run in for a moment.
            let taken = page::snapshot(self.tab).await;
            if let Ok(snapshot) = &taken {
                let stops = snapshot
                    .blockers
                    .iter()
                    .any(|b| b.needs_a_person() && b.kind != BlockerKind::NoForm);
                if !snapshot.fields.is_empty() || stops {
                    return taken;
                }
            }
            if Instant::now() >= deadline {
                return taken;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Stops when the page left the application's site (a redirect elsewhere).
    async fn off_site(&mut self) -> Option<Ending> {
        let now = page::url(self.tab).await;
        let host = host_of(&now)?;
        if self.sites.iter().any(|site| same_site(site, &host)) {
            return None;
        }
        Some(stopped(
            Why::UnexpectedPage,
            format!("the page went to {host}, not the application's site"),
        ))
    }

    /// One page of the form: decide, fill, then move on (Some(ending) when the run ends here).
    async fn page(&mut self, snapshot: &FormSnapshot, index: usize) -> Result<Option<Ending>> {
        let attempt = self.attempt;
        let plan = shared::forms::plan(snapshot, attempt.profile);
        let mut decision = decide_page(snapshot, &plan, attempt.answers);
        if index > 0 {
            // A wizard's review page shows answers, not fields.
            decision.stops.retain(|s| s.kind != StopKind::NoForm);
        }
        for note in &decision.notes {
            self.note(note.clone());
        }
        if let Some(stop) = decision.stops.first() {
            let why = self.why(stop.kind).await;
            self.note(format!("stopped: {} ({})", why.as_str(), stop.detail));
            self.shoot("stopped").await;
            return Ok(Some(stopped(why, stop.detail.clone())));
        }
        self.answered.extend(decision.answered.iter().copied());
        let total = decision.fill.len() as u32;
        if total > 0 {
            let page = index + 1;
            self.step(
                "fill",
                format!("filling {total} fields on page {page}"),
                0,
                total,
            )
            .await?;
            let since = Instant::now();
            let outcomes = page::fill(self.tab, &decision.fill, attempt.resume).await?;
            self.timed("fill", since);
            let done: Vec<_> = outcomes
                .iter()
                .filter(|o| o.status == "filled" || o.status == "kept")
                .collect();
            for outcome in done.iter().filter(|o| !o.note.is_empty()) {
                self.note(format!("\"{}\": {}", outcome.label, outcome.note));
            }
            let filled = done.len() as u32;
            self.step(
                "filled",
                format!("filled {filled} of {total} fields"),
                filled,
                total,
            )
            .await?;
            if let Some(left) = outcomes
                .iter()
                .find(|o| o.required && o.status != "filled" && o.status != "kept")
            {
                let detail = format!("\"{}\" could not be filled: {}", left.label, left.note);
                self.note(format!("stopped: unanswered ({detail}, {})", left.selector));
                self.shoot("stopped").await;
                return Ok(Some(stopped(Why::Unanswered, detail)));
            }
        }
        let selectors: Vec<&str> = decision.fill.iter().map(|f| f.selector.as_str()).collect();
        let args = serde_json::to_string(&selectors)
            .map_err(|e| Error::Internal(format!("the filled fields: {e}")))?;
        let button: Option<Button> = page::call(self.tab, "primary", &args).await?;
        let Some(button) = button else {
            self.shoot("stopped").await;
            return Ok(Some(stopped(Why::NoForm, "no button sends the form")));
        };
        if button.kind == "next" {
            self.next(&button, index).await?;
            return Ok(None);
        }
        self.submit(&button).await.map(Some)
    }

    /// The reason for the user behind a stop: a sign-in wall (or a form-less page at a sign-in
    /// address) is an expired session when the run brought the user's cookies.
    async fn why(&mut self, kind: StopKind) -> Why {
        let sign_in = match kind {
            StopKind::SignIn => true,
            StopKind::NoForm => looks_like_sign_in(&page::url(self.tab).await),
            _ => false,
        };
        if sign_in {
            return if self.attempt.cookies.is_empty() {
                Why::SignIn
            } else {
                Why::SessionExpired
            };
        }
        Why::from(kind)
    }

    /// A wizard's Next (or Review): click it and wait for the next step to show.
    async fn next(&mut self, button: &Button, index: usize) -> Result<()> {
        let page = index + 1;
        self.step("next", format!("page {page}: \"{}\"", button.text), 0, 0)
            .await?;
        let before: String = page::call(self.tab, "step", "").await?;
        let since = Instant::now();
        page::click(self.tab, button).await?;
        let deadline = Instant::now() + STEP_WAIT;
        loop {
            tokio::time::sleep(POLL).await;
            let now: Result<String> = page::call(self.tab, "step", "").await;
            if now.as_ref().is_ok_and(|now| *now != before) {
                break;
            }
            if Instant::now() >= deadline {
                return Err(Error::Upstream(format!(
                    "the form did not move on after \"{}\"",
                    button.text
                )));
            }
        }
        self.timed("next page", since);
        Ok(())
    }

    async fn submit(&mut self, button: &Button) -> Result<Ending> {
        if let Some(stop) = missing(self.attempt.answers, &self.answered).first() {
            self.note(format!("stopped: changed ({})", stop.detail));
            self.shoot("stopped").await;
            return Ok(stopped(Why::Changed, stop.detail.clone()));
        }
        // A widget the vendor's script rendered while the run filled.
        if let Some(stop) = challenge(&page::snapshot(self.tab).await?) {
            self.note(format!("stopped: captcha ({})", stop.detail));
            self.shoot("stopped").await;
            return Ok(stopped(Why::Captcha, stop.detail));
        }
        self.shoot("before-submit").await;
        if !self.attempt.submit {
            self.note(format!("dry run: \"{}\" not clicked", button.text));
            return Ok(Ending::ReadyToSubmit);
        }
        self.step("submit", format!("submitting (\"{}\")", button.text), 0, 0)
            .await?;
        self.watch
            .submitting()
            .await
            .map_err(|e| Error::Conflict(format!("not submitted: {e}")))?;
        let since = Instant::now();
        let before = page::url(self.tab).await;
        page::click(self.tab, button).await?;
        self.clicked = true;
        self.note(format!("clicked \"{}\"", button.text));
        let ending = self.outcome(&before).await;
        self.timed("outcome", since);
        self.shoot("after-submit").await;
        Ok(ending)
    }

    /// What the page shows after the click: a confirmation, a captcha challenge (at the
    /// form's address `before`: the site held the application back), errors that stay, or
    /// none of them.
    async fn outcome(&mut self, before: &str) -> Ending {
        let deadline = Instant::now() + OUTCOME_WAIT;
        let mut errors_since: Option<Instant> = None;
        loop {
            tokio::time::sleep(POLL).await;
            if let Ok(seen) = page::call::<Seen>(self.tab, "outcome", "").await {
                if let Some(confirmation) = seen.confirmation {
                    self.note(format!("confirmation: {confirmation}"));
                    return Ending::Submitted { confirmation };
                }
                if let Some(ending) = self.challenged(before).await {
                    return ending;
                }
                if seen.errors.is_empty() {
                    errors_since = None;
                } else if errors_since.get_or_insert_with(Instant::now).elapsed() >= ERRORS_SETTLE {
                    return stopped(Why::FormErrors, seen.errors.join("; "));
                }
            }
            if Instant::now() >= deadline {
                return stopped(Why::Unsure, "no confirmation and no errors seen");
            }
        }
    }

    /// A captcha challenge shown after the click: still on the form, nothing was sent; on
    /// another page, the run cannot tell.
    async fn challenged(&mut self, before: &str) -> Option<Ending> {
        let stop = challenge(&page::snapshot(self.tab).await.ok()?)?;
        let asked = format!(
            "the site asked for a captcha after Submit ({})",
            stop.detail
        );
        if page::url(self.tab).await != before {
            self.note(format!("{asked}; the page changed"));
            return Some(stopped(Why::Unsure, asked));
        }
        self.note(format!("{asked}; nothing was sent"));
        Some(stopped(Why::CaptchaAfterSubmit, stop.detail))
    }
}
