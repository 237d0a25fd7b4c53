use shared::api::Answer;
use shared::cookies::{Cookie, CookieJar, CookieValue};

use super::*;
use companion::apply::{Ending, Why};

const WHY: &str = "Because the engines are wonderful.";

fn why_of(report: &Report) -> Option<Why> {
    match &report.ending {
        Ending::NeedsYou { why, .. } => Some(*why),
        _ => None,
    }
}

fn assert_submitted(report: &Report) {
    assert!(
        matches!(report.ending, Ending::Submitted { .. }),
        "{report:?}"
    );
    assert!(report.clicked);
}

/// The body of the one POST the site received, as JSON.
fn the_json_posted(site: &Site) -> serde_json::Value {
    let posts = site.got("POST");
    assert_eq!(posts.len(), 1, "{posts:?}");
    serde_json::from_slice(&posts[0].body).expect("json")
}

/// A run that submits, without cookies, watched by nobody.
async fn submitted(runner: &Runner, url: &str, answers: &[Answer]) -> Report {
    apply(
        runner,
        url,
        answers,
        &CookieJar::default(),
        true,
        &Watcher::default(),
    )
    .await
    .expect("the run")
}

fn jar(host: &str) -> CookieJar {
    CookieJar::new(vec![Cookie {
        name: "session".into(),
        value: CookieValue::new("s3cret-value".into()),
        domain: host.into(),
        path: "/".into(),
        expires: None,
        secure: false,
        http_only: true,
        same_site: None,
        host_only: true,
    }])
}

/// The plain form, served and planned.
async fn plain_site(extra: &str) -> (Site, Vec<Answer>) {
    let html = pages::plain(extra);
    let site = Site::serve(&[("/job", html.clone()), ("/acme/jobs/1", html.clone())]).await;
    let answers = planned(&html, &site.url("/job"), WHY).await;
    (site, answers)
}

#[tokio::test]
async fn a_plain_form_posts_exactly_the_approved_answers_with_the_cookies() {
    let (site, mut answers) = plain_site("").await;
    // The user changed one planned value: what they approved is what is sent.
    let email = answers
        .iter_mut()
        .find(|a| a.field == "#email")
        .expect("email");
    email.value = "ada@work.example".into();
    email.source = "you".into();
    let runner = runner(&[site.allow()]);
    let watch = Watcher::default();
    let report = apply(
        &runner,
        &site.url("/job"),
        &answers,
        &jar("127.0.0.1"),
        true,
        &watch,
    )
    .await
    .expect("the run");
    assert_submitted(&report);
    assert!(report.clicked);
    let posts = site.got("POST");
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(
        form_pairs(&posts[0].body),
        vec![
            ("first_name".to_owned(), "Ada".to_owned()),
            ("last_name".to_owned(), "Lovelace".to_owned()),
            ("email".to_owned(), "ada@work.example".to_owned()),
            ("why".to_owned(), WHY.to_owned()),
        ]
    );
    // The jar set over CDP reached the site, and only the site.
    assert!(
        site.got("GET")
            .iter()
            .all(|r| r.cookie == "session=s3cret-value")
    );
    assert_eq!(posts[0].cookie, "session=s3cret-value");
    assert!(!log_text(&report).contains("s3cret"));
    let names: Vec<&str> = report.screenshots.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["before-submit", "after-submit"]);
    assert!(
        report
            .screenshots
            .iter()
            .all(|s| s.png.starts_with(b"\x89PNG"))
    );
    let steps = watch.steps.lock().expect("lock");
    assert!(
        steps.iter().any(|s| s.text == "filled 4 of 4 fields"),
        "{steps:?}"
    );
    assert_eq!(*watch.submitting.lock().expect("lock"), 1);
}

#[tokio::test]
async fn a_react_style_form_takes_the_values_through_its_events() {
    let site = Site::serve(&[("/job", pages::REACT.to_owned())]).await;
    let answers = planned(pages::REACT, &site.url("/job"), WHY).await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &answers).await;
    assert_submitted(&report);
    assert_eq!(
        the_json_posted(&site),
        serde_json::json!({"name": "Ada Lovelace", "mail": "ada@example.org", "cover": WHY})
    );
}

#[tokio::test]
async fn a_dry_run_fills_but_posts_nothing() {
    let (site, answers) = plain_site("").await;
    let runner = runner(&[site.allow()]);
    let watch = Watcher::default();
    let report = apply(
        &runner,
        &site.url("/job"),
        &answers,
        &CookieJar::default(),
        false,
        &watch,
    )
    .await
    .expect("the run");
    assert_eq!(report.ending, Ending::ReadyToSubmit);
    assert!(!report.clicked);
    assert_eq!(report.screenshots.len(), 1);
    assert!(site.got("POST").is_empty());
    assert_eq!(*watch.submitting.lock().expect("lock"), 0);
}

#[tokio::test]
async fn a_refused_submitting_record_means_no_click() {
    let (site, answers) = plain_site("").await;
    let runner = runner(&[site.allow()]);
    let watch = Watcher {
        refuse_submit: true,
        ..Watcher::default()
    };
    let run = apply(
        &runner,
        &site.url("/job"),
        &answers,
        &CookieJar::default(),
        true,
        &watch,
    )
    .await;
    assert!(run.is_err(), "{run:?}");
    assert!(site.got("POST").is_empty());
}

#[tokio::test]
async fn a_changed_form_stops_before_filling() {
    let (site, answers) = plain_site("").await;
    let runner = runner(&[site.allow()]);
    let mut relabelled = answers.clone();
    relabelled[0].label = "Given name".into();
    let mut optional = answers.clone();
    optional[2].required = false;
    for changed in [relabelled, optional] {
        let report = submitted(&runner, &site.url("/job"), &changed).await;
        assert_eq!(why_of(&report), Some(Why::Changed), "{report:?}");
        assert!(!report.clicked);
    }
    assert!(site.got("POST").is_empty());
}

#[tokio::test]
async fn a_required_field_without_an_approved_answer_stops() {
    let (site, answers) = plain_site("").await;
    let unanswered: Vec<Answer> = answers
        .into_iter()
        .map(|mut a| {
            if a.field == "#why" {
                a.value = String::new();
            }
            a
        })
        .collect();
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &unanswered).await;
    assert_eq!(why_of(&report), Some(Why::Unanswered), "{report:?}");
    assert!(site.got("POST").is_empty());
}

#[tokio::test]
async fn a_hidden_labelled_input_gets_no_value() {
    let (site, answers) = plain_site(pages::HIDDEN_PHONE).await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &answers).await;
    assert_submitted(&report);
    let posts = site.got("POST");
    let phone: Vec<(String, String)> = form_pairs(&posts[0].body)
        .into_iter()
        .filter(|(k, _)| k == "phone")
        .collect();
    assert_eq!(phone, vec![("phone".to_owned(), String::new())]);
}

#[tokio::test]
async fn a_captcha_or_a_sign_in_wall_stops_the_run() {
    let site = Site::serve(&[
        ("/captcha", pages::CAPTCHA.to_owned()),
        ("/signin", pages::SIGN_IN.to_owned()),
    ])
    .await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/captcha"), &[]).await;
    assert_eq!(why_of(&report), Some(Why::Captcha), "{report:?}");
    let report = apply(
        &runner,
        &site.url("/signin"),
        &[],
        &jar("127.0.0.1"),
        true,
        &Watcher::default(),
    )
    .await
    .expect("the run");
    assert_eq!(why_of(&report), Some(Why::SessionExpired), "{report:?}");
    let report = submitted(&runner, &site.url("/signin"), &[]).await;
    assert_eq!(why_of(&report), Some(Why::SignIn), "{report:?}");
    assert!(site.got("POST").is_empty());
}

#[tokio::test]
async fn an_invisible_captcha_asks_nothing_before_submit() {
    let (site, answers) = plain_site(pages::INVISIBLE_CAPTCHA).await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &answers).await;
    assert_submitted(&report);
    assert_eq!(site.got("POST").len(), 1);
    assert!(
        log_text(&report)
            .contains("invisible reCAPTCHA on the page: it asks nothing before Submit"),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_captcha_widget_rendered_while_filling_stops_before_the_click() {
    let (site, answers) = plain_site(pages::WIDGET_WHILE_FILLING).await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &answers).await;
    assert_eq!(why_of(&report), Some(Why::Captcha), "{report:?}");
    assert!(!report.clicked);
    assert!(site.got("POST").is_empty());
}

#[tokio::test]
async fn a_captcha_challenge_after_the_click_stops_the_run_with_nothing_sent() {
    let (site, answers) = plain_site(pages::CHALLENGE_ON_SUBMIT).await;
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/job"), &answers).await;
    assert_eq!(why_of(&report), Some(Why::CaptchaAfterSubmit), "{report:?}");
    assert!(report.clicked);
    assert!(site.got("POST").is_empty());
    assert!(
        log_text(&report).contains("the site asked for a captcha after Submit"),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_wizard_is_followed_page_by_page_to_its_submit() {
    let site = Site::serve(&[("/wizard", pages::WIZARD.to_owned())]).await;
    // Planning saw no page of it (scripts off); the user added the free-text answer by hand.
    let answers = vec![Answer {
        field: "why-this-team".into(),
        label: "Why this team?".into(),
        value: WHY.into(),
        source: "you".into(),
        ..Answer::default()
    }];
    let runner = runner(&[site.allow()]);
    let report = submitted(&runner, &site.url("/wizard"), &answers).await;
    assert_submitted(&report);
    assert_eq!(
        the_json_posted(&site),
        serde_json::json!({"first": "Ada", "email": "ada@example.org", "city": "London",
            "phone": "+44 20 7946 0000", "why": WHY})
    );
    let log = log_text(&report);
    for button in ["\"next\"", "\"continue\"", "\"review\""] {
        assert!(log.contains(button), "{log}");
    }
}

#[tokio::test]
async fn an_embedded_form_from_another_origin_is_opened_in_the_tab() {
    let form = Site::serve(&[("/embed/job", pages::plain(""))]).await;
    let parent = Site::serve(&[("/careers", pages::embedding(&form.url("/embed/job")))]).await;
    let answers = planned(&pages::plain(""), &form.url("/embed/job"), WHY).await;
    let runner = runner(&[form.allow(), parent.allow()]);
    let report = submitted(&runner, &parent.url("/careers"), &answers).await;
    assert_submitted(&report);
    assert_eq!(form.got("POST").len(), 1);
    assert!(log_text(&report).contains("iframe"));
}

#[tokio::test]
async fn requests_to_the_metadata_service_and_other_ports_are_refused_and_logged() {
    let other = Site::serve(&[]).await;
    let html = pages::reaching(other.port);
    let site = Site::serve(&[("/job", html.clone()), ("/acme/jobs/1", html.clone())]).await;
    let answers = planned(&html, &site.url("/job"), WHY).await;
    let runner = runner(&[site.allow()]);
    let report = apply(
        &runner,
        &site.url("/job"),
        &answers,
        &CookieJar::default(),
        false,
        &Watcher::default(),
    )
    .await
    .expect("the run");
    assert_eq!(report.ending, Ending::ReadyToSubmit);
    assert!(other.received.lock().expect("lock").is_empty());
    let log = log_text(&report);
    assert!(log.contains("refused 169.254.169.254:80"), "{log}");
    assert!(
        log.contains(&format!("refused 127.0.0.1:{}", other.port)),
        "{log}"
    );
}

#[tokio::test]
async fn the_resolve_setting_serves_a_real_host_name_from_loopback_with_its_cookies() {
    let (site, answers) = plain_site("").await;
    let config = Config {
        fetch_allow_hosts: vec!["boards.greenhouse.io:80".into()],
        resolve: vec![format!("boards.greenhouse.io:80=127.0.0.1:{}", site.port)],
        ..Config::default()
    };
    let runner = Runner::new(&config.validated().expect("a valid config"));
    let url = "http://boards.greenhouse.io/acme/jobs/1";
    let report = apply(
        &runner,
        url,
        &answers,
        &jar("boards.greenhouse.io"),
        false,
        &Watcher::default(),
    )
    .await
    .expect("the run");
    assert_eq!(report.ending, Ending::ReadyToSubmit, "{report:?}");
    assert_eq!(report.final_url, url);
    let gets = site.got("GET");
    assert_eq!(gets[0].path, "/acme/jobs/1");
    assert_eq!(gets[0].cookie, "session=s3cret-value");
}

#[tokio::test]
async fn a_page_that_leads_to_another_site_stops_the_run() {
    let (elsewhere, answers) = plain_site("").await;
    let leaving = r#"<!doctype html><title>Apply</title>
<script>location.href = "http://jobs.example.org/acme/jobs/1";</script>"#;
    let site = Site::serve(&[("/acme/jobs/1", leaving.to_owned())]).await;
    let config = Config {
        fetch_allow_hosts: vec![
            "boards.greenhouse.io:80".into(),
            "jobs.example.org:80".into(),
        ],
        resolve: vec![
            format!("boards.greenhouse.io:80=127.0.0.1:{}", site.port),
            format!("jobs.example.org:80=127.0.0.1:{}", elsewhere.port),
        ],
        ..Config::default()
    };
    let runner = Runner::new(&config.validated().expect("a valid config"));
    let report = apply(
        &runner,
        "http://boards.greenhouse.io/acme/jobs/1",
        &answers,
        &CookieJar::default(),
        true,
        &Watcher::default(),
    )
    .await
    .expect("the run");
    assert_eq!(why_of(&report), Some(Why::UnexpectedPage), "{report:?}");
    assert!(!report.clicked);
    assert!(
        elsewhere.got("POST").is_empty(),
        "nothing posted to the other site"
    );
}
