#![cfg(feature = "browser")]
//! `companion forms plan` in real headless Chromium (chromiumoxide): its snapshot of a saved
//! page, planned natively, is the plan committed from the Playwright snapshot of the same page
//! (shared/tests/forms/plans), so both ways of injecting the script see the same form.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Run {
    stdout: String,
    stderr: String,
    ok: bool,
}

/// The test profile split the way the command takes it: a JSON Resume and an answer bank.
fn profile_files(dir: &Path) -> (PathBuf, PathBuf) {
    let text =
        std::fs::read_to_string(repo().join("shared/tests/forms/profile.json")).expect("profile");
    let profile: serde_json::Value = serde_json::from_str(&text).expect("profile JSON");
    let resume = dir.join("resume.json");
    let answers = dir.join("answers.json");
    std::fs::write(&resume, profile["resume"].to_string()).expect("write resume");
    std::fs::write(&answers, profile["answers"].to_string()).expect("write answers");
    (resume, answers)
}

fn plan(page: &Path, extra: &[&str]) -> Run {
    plan_with(page, extra, &[])
}

fn plan_with(page: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let (resume, answers) = profile_files(dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(["forms", "plan"])
        .arg(page)
        .arg("--profile")
        .arg(&resume)
        .arg("--answers")
        .arg(&answers)
        .arg("--resume-pdf")
        .args(extra)
        .env("COMPANION_DATA_DIR", dir.path())
        .envs(env.iter().copied())
        // No companion.toml there: the defaults apply.
        .current_dir(dir.path())
        .output()
        .expect("run companion");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        ok: output.status.success(),
    }
}

#[test]
fn the_cli_plans_saved_pages_as_the_committed_plans_say() {
    let mut pages = vec![repo().join("shared/tests/forms/pages/vendor_smartrecruiters_like.html")];
    if let Some(corpus) = test_corpus::dir() {
        pages.extend(
            ["17nbist_greenhouse", "17nbist_ashbyhq"]
                .map(|name| corpus.join(format!("ats_forms_real/{name}.html"))),
        );
    }
    for page in pages {
        let name = page
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let run = plan(&page, &["--json"]);
        assert!(run.ok, "{name}: {}", run.stderr);
        let planned: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON plan");
        let committed =
            std::fs::read_to_string(repo().join(format!("shared/tests/forms/plans/{name}.json")))
                .expect("committed plan");
        let committed: serde_json::Value = serde_json::from_str(&committed).expect("plan JSON");
        assert_eq!(planned, committed, "{name}");
    }
}

#[test]
fn the_table_names_types_sources_blockers_and_the_form_confidence() {
    let page = repo().join("shared/tests/forms/pages/vendor_workable_like.html");
    let run = plan(&page, &[]);
    assert!(run.ok, "{}", run.stderr);
    let header = run.stdout.lines().next().expect("a header");
    for column in ["selector", "label", "type", "value", "source", "confidence"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(
        run.stdout.contains("answers:workAuthorization.US"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("blocker: honeypot"), "{}", run.stdout);
    assert!(
        run.stdout.contains("blocker: captcha (recaptcha)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("form confidence: "), "{}", run.stdout);
}

#[test]
fn a_missing_page_is_a_clear_error() {
    let run = plan(Path::new("/nonexistent/page.html"), &["--json"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("cannot open /nonexistent/page.html"),
        "{}",
        run.stderr
    );
}

/// A stand-in for Chromium that prints `says` and how it was started, then closes its
/// stderr and idles until the companion, seeing the end of that output, kills it (exiting at
/// once would race the reading of its words). Its folder is open to the browser user, who
/// runs it when the tests run as root.
fn fake_chromium(dir: &Path, says: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("chromium");
    let script = format!(
        "#!/bin/sh\necho \"{says} uid=$(id -u) key=[$COMPANION_MASTER_KEY] args: $*\" >&2\nexec 2>&-\nexec tail -f /dev/null\n"
    );
    std::fs::write(&path, script).expect("fake chromium");
    for (path, mode) in [(dir, 0o755), (path.as_path(), 0o755)] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    path
}

#[test]
fn chromium_runs_with_its_sandbox_never_as_root_and_without_the_companions_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chromium = fake_chromium(dir.path(), "fake chromium:");
    let page = repo().join("shared/tests/forms/pages/vendor_workable_like.html");
    let key = "q2QGnd3nAWEbvjVKaB0uNu5y7bH0jTRBdTzZbTKb1Uo";
    let run = plan_with(
        &page,
        &[],
        &[
            ("CHROMIUM_BIN", &chromium),
            ("COMPANION_MASTER_KEY", Path::new(key)),
        ],
    );
    assert!(!run.ok);
    let said = run
        .stderr
        .split("fake chromium: ")
        .nth(1)
        .unwrap_or_else(|| panic!("Chromium's words are not in the error: {}", run.stderr));
    assert!(!said.starts_with("uid=0 "), "Chromium ran as root: {said}");
    assert!(
        said.contains("key=[]"),
        "Chromium got the master key: {said}"
    );
    assert!(!said.contains("no-sandbox"), "{said}");
    assert!(said.contains("--user-data-dir="), "{said}");
}

#[test]
fn a_sandbox_that_cannot_start_fails_the_plan_saying_why_and_how_to_fix_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let chromium = fake_chromium(
        dir.path(),
        "[1:1:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox!",
    );
    let page = repo().join("shared/tests/forms/pages/vendor_workable_like.html");
    let run = plan_with(&page, &[], &[("CHROMIUM_BIN", &chromium)]);
    assert!(!run.ok);
    for words in [
        "its sandbox could not start",
        "never run without one",
        "user namespaces",
    ] {
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
}
