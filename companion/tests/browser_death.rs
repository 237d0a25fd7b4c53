#![cfg(feature = "browser")]
//! Chromium dies with the process that launched it (`setpriv --pdeathsig KILL` in the
//! launcher): a worker killed mid-apply leaves no browser that could still submit. The test
//! runs itself again as the launching process, kills that with SIGKILL and looks for the
//! browser's processes by their run folder in `/proc/*/cmdline`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use companion::browser::{self, Network, Options};

const CHILD: &str = "COMPANION_TEST_BROWSER_DEATH_CHILD";
const TEST: &str = "chromium_dies_with_the_process_that_launched_it";
const DEADLINE: Duration = Duration::from_secs(20);

/// The processes whose command line names `dir`.
fn processes_in(dir: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(dir))
        })
        .collect()
}

/// Launches Chromium, says where, and waits to be killed.
async fn launch_and_wait() {
    let session = browser::launch(Options {
        network: Network::Off,
        scripts: false,
        trusted_spki: &[],
    })
    .await
    .expect("chromium starts");
    println!("RUN_DIR={}", session.run_dir().display());
    std::future::pending::<()>().await;
}

#[test]
fn chromium_dies_with_the_process_that_launched_it() {
    if std::env::var_os(CHILD).is_some() {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(launch_and_wait());
        return;
    }
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the launching process");
    let stdout = child.stdout.take().expect("its output");
    let dir = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        // libtest's "test ... " may lead the line.
        .find_map(|line| line.split_once("RUN_DIR=").map(|(_, dir)| dir.to_owned()))
        .expect("the child launched chromium");
    assert!(!processes_in(&dir).is_empty(), "chromium runs in {dir}");
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let deadline = Instant::now() + DEADLINE;
    let mut left = processes_in(&dir);
    while !left.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        left = processes_in(&dir);
    }
    // The killed process could not remove its run folder.
    let _ = std::fs::remove_dir_all(PathBuf::from(&dir));
    assert_eq!(left, Vec::<u32>::new(), "chromium outlived its worker");
}
