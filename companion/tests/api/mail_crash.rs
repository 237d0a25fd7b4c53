//! `companion mail import` and `companion worker` processes killed with SIGKILL at random
//! points while the server serves, a few times over, then run to the end: every message is
//! classified once, mail makes one application per company and role, and no event is in
//! the log twice. The kill points come from a seed printed at the start (`MAIL_CRASH_SEED`
//! repeats a run).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use companion::store::Store;

use crate::helpers::TestApp;
use crate::mail_once::message;

const MESSAGES: usize = 1_200;
const ROUNDS: usize = 4;
/// Short, so that a killed worker's jobs are taken over quickly.
const LEASE_SECS: &str = "1";

/// Company names as mail writes them: each group is one company in different spellings
/// (case, underscores, dashes, spaces, punctuation).
const COMPANIES: [&[&str]; 8] = [
    &["Company_A", "company a", "COMPANY-A"],
    &["Acme Robotics", "ACME  Robotics"],
    &["Wayne_Enterprises", "wayne enterprises"],
    &["The Company", "the company"],
    &["Initech"],
    &["Hooli", "HOOLI"],
    &["Umbrella-Labs", "Umbrella Labs"],
    &["Stark Industries"],
];
const ROLES: [&str; 2] = ["Backend Engineer", "Data Scientist"];

/// xorshift64*: enough randomness for kill points, and repeatable from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn seed() -> u64 {
    let seed = std::env::var("MAIL_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| companion::store::now_ms().unsigned_abs());
    eprintln!("mail crash test seed: {seed} (set MAIL_CRASH_SEED={seed} to repeat this run)");
    seed.max(1)
}

/// The messages, one .eml file each, in a random order of companies and kinds.
fn write_mail(dir: &Path, rng: &mut Rng) {
    for n in 0..MESSAGES {
        let group = COMPANIES[usize::try_from(rng.below(COMPANIES.len() as u64)).unwrap_or(0)];
        let company = group[usize::try_from(rng.below(group.len() as u64)).unwrap_or(0)];
        let role = ROLES[usize::try_from(rng.below(2)).unwrap_or(0)];
        let kind = usize::try_from(rng.below(3)).unwrap_or(0);
        std::fs::write(
            dir.join(format!("{n:05}.eml")),
            message(kind, company, role, n),
        )
        .expect("write a message");
    }
}

/// Starts `companion` with the app's database and keys, its log in `log`.
fn companion(app: &TestApp, args: &[&str], log: &Path) -> Child {
    let config = &app.state.config;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(args)
        .env("COMPANION_DATABASE_URL", &config.database_url)
        .env("COMPANION_MASTER_KEY_FILE", &config.master_key_file)
        .env("COMPANION_DATA_DIR", &config.data_dir)
        .env("COMPANION_JOB_LEASE_SECS", LEASE_SECS)
        .env("COMPANION_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start companion")
}

fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

async fn count(store: &Store, sql: &'static str, user_id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(user_id)
        .fetch_one(store.pool())
        .await
        .expect("count");
    n
}

/// Whether every stored message was classified and no classification is left to run.
async fn settled(store: &Store, user_id: i64) -> bool {
    let pending =
        "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1 AND parse_state = 'pending'";
    let running = "SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND kind = 'mail.classify'
        AND state IN ('queued', 'running')";
    count(store, pending, user_id).await == 0 && count(store, running, user_id).await == 0
}

/// A company or role as the checks compare them: lower-case words of letters and digits.
fn normalised(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How often each value occurs more than once.
fn repeated<T: std::hash::Hash + Eq + std::fmt::Debug>(items: Vec<T>) -> Vec<(T, usize)> {
    let mut counts: HashMap<T, usize> = HashMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts.into_iter().filter(|(_, n)| *n > 1).collect()
}

#[tokio::test]
async fn sigkilled_imports_and_workers_leave_each_message_classified_once() {
    let mut rng = Rng(seed());
    // The server only serves: every job runs in worker processes that get killed.
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let alice = app.create_user("alice").await;
    let work = tempfile::tempdir().expect("temp dir");
    let mail = work.path().join("mail");
    std::fs::create_dir(&mail).expect("mail folder");
    write_mail(&mail, &mut rng);
    let log = work.path().join("companion.log");
    let mail_arg = mail.to_str().expect("utf-8 path");
    let import = ["mail", "import", mail_arg, "--user", "alice"];
    let worker = ["worker", "--workers", "2"];

    for _ in 0..ROUNDS {
        let importer = companion(&app, &import, &log);
        let workers = [
            companion(&app, &worker, &log),
            companion(&app, &worker, &log),
        ];
        // Kill points: the import somewhere in its run, each worker at its own moment.
        tokio::time::sleep(Duration::from_millis(300 + rng.below(2_500))).await;
        kill(importer);
        for worker in workers {
            tokio::time::sleep(Duration::from_millis(rng.below(800))).await;
            kill(worker);
        }
        let store = &app.state.store;
        let stored = "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1";
        let done = "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1
            AND parse_state <> 'pending'";
        eprintln!(
            "killed: {} stored, {} classified",
            count(store, stored, alice.id).await,
            count(store, done, alice.id).await
        );
    }

    let finished = companion(&app, &import, &log).wait().expect("import runs");
    assert!(finished.success(), "the last import failed; see {log:?}");
    let last = companion(&app, &worker, &log);
    let store = &app.state.store;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !settled(store, alice.id).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "messages left unclassified: {}",
            count(
                store,
                "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1 AND parse_state = 'pending'",
                alice.id,
            )
            .await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    kill(last);

    let stored = count(
        store,
        "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1",
        alice.id,
    )
    .await;
    assert_eq!(stored, MESSAGES as i64, "every message stored once");

    let events = companion::store::events::after(store, alice.id, 0, 1_000_000)
        .await
        .expect("events");
    let of = |kind: &'static str| events.iter().filter(move |e| e.kind == kind);
    let classified: Vec<i64> = of("mail.classified")
        .filter_map(|e| e.payload["id"].as_i64())
        .collect();
    assert_eq!(
        classified.len(),
        MESSAGES,
        "one mail.classified per message"
    );
    assert_eq!(repeated(classified), vec![], "messages classified twice");
    let created: Vec<i64> = of("application.created")
        .filter_map(|e| e.payload["id"].as_i64())
        .collect();
    assert_eq!(
        repeated(created.clone()),
        vec![],
        "applications announced twice"
    );
    let moves: Vec<(i64, String)> = of("application.updated")
        .map(|e| {
            let status = e.payload["status"].as_str().unwrap_or_default().to_owned();
            (e.payload["id"].as_i64().unwrap_or_default(), status)
        })
        .collect();
    assert_eq!(repeated(moves), vec![], "moves announced twice");

    let applications = companion::approvals::applications::list(&app.state, alice.id, None)
        .await
        .expect("applications");
    let pairs: Vec<(String, String)> = applications
        .iter()
        .map(|a| (normalised(&a.company), normalised(&a.title)))
        .collect();
    assert_eq!(
        repeated(pairs),
        vec![],
        "more than one application for a company and role"
    );
    let mut announced = created;
    announced.sort_unstable();
    let mut ids: Vec<i64> = applications.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    assert_eq!(announced, ids, "each application announced once");
    let companies: std::collections::HashSet<String> = applications
        .iter()
        .map(|a| normalised(&a.company))
        .collect();
    assert_eq!(
        companies.len(),
        COMPANIES.len(),
        "one company per spelling group: {companies:?}"
    );
    let unlinked = count(
        store,
        "SELECT COUNT(*) FROM mail_messages WHERE user_id = $1 AND application_id IS NULL",
        alice.id,
    )
    .await;
    assert_eq!(unlinked, 0, "every message is about an application");
}
