#![cfg(feature = "tex")]
//! Resumes as PDF, end to end through the real TeX worker and the offline bundle that
//! `scripts/tex-bundle` assembles (`scripts/test` prepares it): every corpus resume with every
//! template, read back with `pdftotext`; escaping; fonts; the time limit; no network.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use companion::error::Error;
use companion::resume::{self, Request, TEMPLATES};
use companion::tex::{Engine, Settings};
use shared::resume::{Posting, Resume};

const SAMPLE: &str = include_str!("../templates/resume/samples/multilingual.json");
const LETTER: &str = include_str!("../templates/resume/samples/letter.txt");
const CORPUS_RESUMES: [&str; 3] = [
    "56kyle_resume_resume.json",
    "jsonresume_resume-schema_sample.resume.json",
    "jsonresume_resume-schema_examples_valid_complete.json",
];

fn bundle() -> PathBuf {
    let path = std::env::var_os("COMPANION_TEX_BUNDLE")
        .map(PathBuf::from)
        .unwrap_or_else(companion::config::default_tex_bundle);
    assert!(
        path.is_file(),
        "no TeX bundle at {}: run scripts/tex-bundle (scripts/test does)",
        path.display()
    );
    path
}

/// One format cache for all the tests of this run: the first compile makes it.
fn engine(timeout: Duration) -> Engine {
    Engine::new(Settings {
        program: PathBuf::from(env!("CARGO_BIN_EXE_companion")),
        bundle: bundle(),
        format_dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("tex-format"),
        timeout,
    })
}

/// Generous: the machine the tests share may be busy, and the first compile makes the format.
const LIMIT: Duration = Duration::from_secs(120);

/// The whole profile (no posting, so no one-page rule); a cover letter with its letter.
async fn build(engine: &Engine, template: &str, resume: &Resume) -> Result<resume::Built, Error> {
    let posting = Posting::default();
    let letter = (template == "cover-letter").then_some(LETTER);
    let request = Request {
        template,
        resume,
        posting: letter.map(|_| &posting),
        letter,
    };
    resume::build(engine, request, &|_| {}).await
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("out.pdf");
    std::fs::write(&file, pdf).expect("write PDF");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/setup installs it)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Whitespace-insensitive: pdftotext -layout pads columns and may wrap long lines.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each of `needles` appears in `text`, each after the one before.
fn in_order(text: &str, needles: &[&str]) {
    let text = squeeze(text);
    let mut from = 0;
    for needle in needles {
        let needle = squeeze(needle);
        match text[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} missing or out of order in:\n{text}"),
        }
    }
}

fn corpus_resumes() -> Vec<(String, Resume)> {
    let Some(dir) = test_corpus::dir() else {
        return Vec::new();
    };
    CORPUS_RESUMES
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join("json_resume").join(name)).expect("read");
            (name.to_string(), resume::read_profile(&text).expect(name))
        })
        .collect()
}

#[tokio::test]
async fn every_corpus_resume_builds_with_every_template_and_reads_in_order() {
    let engine = engine(LIMIT);
    let resumes = corpus_resumes();
    for (name, resume) in &resumes {
        for template in TEMPLATES {
            let built = build(&engine, template.name, resume)
                .await
                .unwrap_or_else(|e| panic!("{name} with {}: {e}", template.name));
            assert!(built.pages >= 1);
            let text = pdftotext(&built.pdf);
            let mut needles = vec![resume.basics.name.as_str(), resume.basics.email.as_str()];
            if template.name != "cover-letter" {
                for job in &resume.work {
                    needles.extend([job.position.as_str(), job.name.as_str()]);
                }
            }
            let needles: Vec<&str> = needles.into_iter().filter(|n| !n.is_empty()).collect();
            in_order(&text, &needles);
        }
    }
}

fn with_text_everywhere(text: &str) -> Resume {
    let mut resume: Resume = resume::read_profile(SAMPLE).expect("sample");
    resume.basics.summary = text.to_owned();
    resume.work[0].highlights = vec![text.to_owned()];
    resume.basics.label = text.to_owned();
    resume
}

#[tokio::test]
async fn tex_in_a_profile_comes_out_as_literal_text() {
    let attacks = [
        r"\input{/etc/passwd}",
        r"\write18{touch /tmp/pwned}",
        r"\csname relax\endcsname",
        "^^5cinput",
        "}}} {{",
        r"100% #1 & ~ $x$ a_b c^d \\ [opt]",
    ];
    let engine = engine(LIMIT);
    for template in ["classic", "modern"] {
        let resume = with_text_everywhere(&attacks.join(" "));
        let built = build(&engine, template, &resume).await.expect(template);
        let text = squeeze(&pdftotext(&built.pdf));
        for attack in attacks {
            assert!(
                text.contains(&squeeze(attack)),
                "{attack:?} not literal in:\n{text}"
            );
        }
        assert!(!text.contains("root:x:0"), "a file was read");
    }
}

#[tokio::test]
async fn greek_cyrillic_and_accented_latin_render() {
    let engine = engine(LIMIT);
    let resume: Resume = resume::read_profile(SAMPLE).expect("sample");
    for template in TEMPLATES {
        let built = build(&engine, template.name, &resume)
            .await
            .expect(template.name);
        let text = pdftotext(&built.pdf);
        for words in ["Ελένη Παπαδοπούλου-Иванова", "Θεσσαλονίκη"]
        {
            assert!(
                text.contains(words),
                "{words} in {}:\n{text}",
                template.name
            );
        }
        if template.name != "cover-letter" {
            for words in [
                "Старший разработчик",
                "Société Générale",
                "Größe, Łódź, Ærøskøbing",
            ] {
                in_order(&text, &[words]);
            }
        }
    }
}

#[tokio::test]
async fn a_character_no_font_has_is_an_error_that_names_it() {
    let engine = engine(LIMIT);
    for (text, named) in [("Worked in 北京", "U+5317"), ("Shipped it 🚀", "U+1F680")] {
        let resume = with_text_everywhere(text);
        match build(&engine, "classic", &resume).await {
            Err(Error::Unprocessable(message)) => {
                assert!(message.contains(named), "{message}");
                assert!(message.contains("no font"), "{message}");
            }
            other => panic!("{text}: {:?}", other.map(|b| b.pages)),
        }
    }
}

#[tokio::test]
async fn a_loop_is_stopped_at_the_limit_and_the_next_compile_works() {
    let limit = Duration::from_secs(8);
    let engine = engine(limit);
    // Warm up first, so the limit measures the loop, not the format.
    let resume: Resume = resume::read_profile(SAMPLE).expect("sample");
    build(&engine, "modern", &resume).await.expect("warm up");
    // The format has the class and packages loaded: documents start in the preamble.
    let looping = "\\begin{document}\\def\\x{\\x}\\x\\end{document}";
    let started = std::time::Instant::now();
    match engine.compile(looping, &|_| {}).await {
        Err(Error::Unprocessable(message)) => {
            assert!(
                message.contains("longer than the limit of 8 s"),
                "{message}"
            );
        }
        other => panic!("{:?}", other.map(|pdf| pdf.pages)),
    }
    assert!(started.elapsed() < limit + Duration::from_secs(5));
    build(&engine, "modern", &resume)
        .await
        .expect("a new worker compiles");
}

#[tokio::test]
async fn a_tex_error_reports_its_first_line_and_the_worker_carries_on() {
    let engine = engine(LIMIT);
    let broken =
        "% no class: the format has it\n\\begin{document}\n\\nosuchcommand\n\\end{document}\n";
    match engine.compile(broken, &|_| {}).await {
        Err(Error::Unprocessable(message)) => {
            assert!(
                message.contains("! Undefined control sequence."),
                "{message}"
            );
            assert!(message.contains("l.3 \\nosuchcommand"), "{message}");
        }
        other => panic!("{:?}", other.map(|pdf| pdf.pages)),
    }
    let resume: Resume = resume::read_profile(SAMPLE).expect("sample");
    build(&engine, "classic", &resume)
        .await
        .expect("after an error");
}

fn cli(args: &[&str], offline: bool) -> std::process::Output {
    let companion = env!("CARGO_BIN_EXE_companion");
    let mut command = if offline {
        let mut command = Command::new("unshare");
        command.args(["-n", "--", companion]);
        command
    } else {
        Command::new(companion)
    };
    let data = Path::new(env!("CARGO_TARGET_TMPDIR"));
    command
        .args(args)
        .env("COMPANION_TEX_BUNDLE", bundle())
        .env("COMPANION_DATA_DIR", data)
        .output()
        .expect("run the companion")
}

#[test]
fn the_cli_builds_with_the_network_namespace_cut() {
    let can_unshare = Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !can_unshare {
        eprintln!("SKIPPED: `unshare -n` is not possible here (needs root or user namespaces)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile.json");
    std::fs::write(&profile, SAMPLE).expect("write");
    let out = dir.path().join("resume.pdf");
    let run = cli(
        &[
            "resume",
            "build",
            "--profile",
            profile.to_str().expect("path"),
            "--template",
            "modern",
            "--out",
            out.to_str().expect("path"),
        ],
        true,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(pdftotext(&std::fs::read(&out).expect("PDF")).contains("Ελένη"));
}

#[test]
fn the_cli_explains_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile.json");
    std::fs::write(&profile, SAMPLE).expect("write");
    let profile = profile.to_str().expect("path");
    let out = dir.path().join("x.pdf");
    let out = out.to_str().expect("path");
    let build = |profile: &str, template: &str| {
        let args = [
            "resume",
            "build",
            "--profile",
            profile,
            "--template",
            template,
        ];
        cli(&[&args[..], &["--out", out]].concat(), false)
    };

    let run = build(profile, "fancy");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("no template called \"fancy\"")
            && stderr.contains("classic, modern, cover-letter"),
        "{stderr}"
    );

    let invalid = dir.path().join("invalid.json");
    std::fs::write(&invalid, r#"{"basics": {"email": 42}, "work": "none"}"#).expect("write");
    let run = build(invalid.to_str().expect("path"), "classic");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        stderr.contains("2 problems") && stderr.contains("basics.email") && stderr.contains("work"),
        "{stderr}"
    );

    let run = cli(&["resume", "templates"], false);
    let stdout = String::from_utf8_lossy(&run.stdout);
    for template in TEMPLATES {
        assert!(
            stdout.contains(template.name) && stdout.contains(template.description),
            "{stdout}"
        );
    }
}

/// Four jobs of twelve bullets, newest first: three about the posting's stack in each, the rest
/// about other work, each bullet naming its job and number so the PDF's text shows which ones
/// are left.
fn long_profile() -> Resume {
    let jobs: Vec<serde_json::Value> = ["Aurora", "Borealis", "Cirrus", "Dunmore"]
        .iter()
        .enumerate()
        .map(|(n, employer)| {
            let bullets: Vec<String> = (1..=12)
                .map(|i| {
                    if i % 4 == 0 {
                        format!(
                            "{employer} item {i}: built Rust services on PostgreSQL with async \
                             Tokio workers and kept their latency low under production load"
                        )
                    } else {
                        format!(
                            "{employer} item {i}: arranged the quarterly catering, booked \
                             meeting rooms and kept the shared office calendar in good order"
                        )
                    }
                })
                .collect();
            serde_json::json!({
                "name": employer,
                "position": "Engineer",
                "startDate": format!("{}-01-01", 2021 - 3 * n),
                "endDate": format!("{}-12-31", 2023 - 3 * n),
                "highlights": bullets,
            })
        })
        .collect();
    let profile = serde_json::json!({
        "basics": {"name": "Robin Long", "email": "robin@example.org", "label": "Engineer"},
        "work": jobs,
        "skills": [{"name": "Office", "keywords": ["Catering"]}, {"name": "Rust", "keywords": ["Tokio", "PostgreSQL"]}],
    });
    resume::read_profile(&profile.to_string()).expect("long profile")
}

fn rust_posting() -> Posting {
    serde_json::from_value(serde_json::json!({
        "title": "Rust engineer",
        "company": "Example",
        "description": "Rust services on PostgreSQL with Tokio; production latency matters.",
        "skills": [{"name": "Rust", "keywords": ["Tokio", "PostgreSQL"]}],
    }))
    .expect("posting")
}

#[tokio::test]
async fn a_long_profile_for_a_posting_fits_one_page_by_leaving_out_the_least_relevant_bullets() {
    let engine = engine(LIMIT);
    let profile = long_profile();
    let posting = rust_posting();
    let whole = build(&engine, "classic", &profile).await.expect("whole");
    assert!(
        whole.pages >= 2,
        "the profile should be long: {} page",
        whole.pages
    );

    for template in ["classic", "modern"] {
        let request = Request {
            template,
            resume: &profile,
            posting: Some(&posting),
            letter: None,
        };
        let built = resume::build(&engine, request, &|_| {})
            .await
            .expect(template);
        assert_eq!(built.pages, 1, "{template}");
        assert!(!built.dropped.is_empty(), "{template}");
        let text = squeeze(&pdftotext(&built.pdf));
        for dropped in &built.dropped {
            assert!(dropped.text.contains("catering"), "{template}: {dropped:?}");
            let label = dropped.text.split(':').next().unwrap_or_default();
            assert!(
                !text.contains(&format!("{label}:")),
                "{template}: {label} is shown"
            );
        }
        // Every bullet about the posting's stack stays, each job in order, with its title.
        for employer in ["Aurora", "Borealis", "Cirrus", "Dunmore"] {
            for i in [4, 8, 12] {
                assert!(
                    text.contains(&format!("{employer} item {i}:")),
                    "{template}"
                );
            }
        }
        in_order(&text, &["Aurora", "Borealis", "Cirrus", "Dunmore"]);
        // The fewest that fit: with one bullet fewer left out, it is two pages.
        let mut one_fewer = resume::tailored(&profile, Some(&posting));
        for _ in 1..built.dropped.len() {
            one_fewer.drop_least_relevant();
        }
        assert_eq!(
            one_fewer.dropped(),
            &built.dropped[..built.dropped.len() - 1]
        );
        let longer = build(&engine, template, one_fewer.resume())
            .await
            .expect("longer");
        assert!(longer.pages > 1, "{template}: one bullet more still fits");
    }
}

#[tokio::test]
async fn a_profile_that_cannot_fit_one_page_says_so() {
    let engine = engine(LIMIT);
    let mut profile = long_profile();
    // Ninety jobs: even with every bullet that may go gone, the entries alone fill pages.
    let job = profile.work[0].clone();
    profile.work = (0..90).map(|_| job.clone()).collect();
    let posting = rust_posting();
    let request = Request {
        template: "classic",
        resume: &profile,
        posting: Some(&posting),
        letter: None,
    };
    match resume::build(&engine, request, &|_| {}).await {
        Err(Error::Unprocessable(message)) => {
            assert!(message.contains("does not fit on one page"), "{message}");
            assert!(message.contains("never made smaller"), "{message}");
        }
        other => panic!("{:?}", other.map(|b| b.pages)),
    }
}
