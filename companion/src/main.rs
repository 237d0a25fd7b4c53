//! The `companion` command line. Everything it does lives in the library.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use companion::auth::passwords::Passwords;
use companion::config::Config;
use companion::error::{Error, Result};
use companion::events::EventBus;
use companion::store::{self, Store};
use companion::vault::Vault;
use companion::vault::master_key::MasterKey;
use companion::{App, pairing, users};
use tracing_subscriber::EnvFilter;

/// AutoResume's self-hosted companion: stores your data, runs long jobs and pushes live
/// events to the browser extension and the dashboard.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// TOML configuration file (default: ./companion.toml if present). Environment variables
    /// COMPANION_* override it.
    #[arg(long, global = true, env = "COMPANION_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Run job workers and the scheduler only, without the HTTP server (same configuration
    /// and database as `serve`). Stops on SIGINT or SIGTERM.
    Worker {
        /// Worker name prefix shown on the jobs it claims (default: worker-<pid>).
        #[arg(long)]
        name: Option<String>,
        /// How many workers (default: the `workers` setting, at least 1).
        #[arg(long)]
        workers: Option<u32>,
    },
    /// Measure the job queue.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print a one-time pairing code (valid 10 minutes) for the extension.
    Pair {
        /// The user whose extension is being paired.
        #[arg(long)]
        user: String,
    },
    /// Inspect and rotate the credential vault.
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
    },
    /// Classify recruiting mail and measure the classifier (built-in rules plus
    /// `mail_rules_path`).
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Inspect how application forms are planned.
    #[cfg(feature = "browser")]
    Forms {
        #[command(subcommand)]
        command: FormsCommand,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Print the category, company, role and sentiment of each message (a raw .eml file or
    /// a bare body).
    Classify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file: {"file", "category", "company", "role", "sentiment"}.
        #[arg(long)]
        json: bool,
    },
    /// Score the classifier against labelled mail: per-category precision, recall and F1,
    /// accuracy, company accuracy, next to the majority-class baseline.
    Eval {
        /// The folder the labelled file paths are relative to.
        dir: PathBuf,
        /// CSV with the columns file, category and company.
        labels: PathBuf,
    },
    /// Store an mbox file or a folder of .eml files as the user's received mail (duplicates
    /// skipped); the companion's workers classify them.
    Import {
        /// An mbox file, or a folder searched for .eml files.
        path: PathBuf,
        /// The user whose mail this is.
        #[arg(long)]
        user: String,
    },
    /// Messages parsed and classified per second on one core, over the .eml and .txt files
    /// in the folders (and their subfolders).
    Bench {
        #[arg(default_values = ["../shared/corpus/job_emails", "../shared/corpus/job_emails_eml"])]
        dirs: Vec<PathBuf>,
        /// How long to measure.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
}

#[cfg(feature = "browser")]
#[derive(Subcommand)]
enum FormsCommand {
    /// Load a saved application page in headless Chromium, snapshot its form with the
    /// extension's script and print the plan: per field the selector, label, type, value,
    /// source and confidence; blockers; the form's confidence.
    Plan {
        /// The saved page (.html).
        file: PathBuf,
        /// A JSON Resume, or a profile export (autoresume-profile.json).
        #[arg(long)]
        profile: PathBuf,
        /// An answer bank (JSON) to use instead of the export's.
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Plan file inputs as if a resume PDF were stored.
        #[arg(long)]
        resume_pdf: bool,
        /// Print the plan as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Enqueue N no-op jobs and run them with real workers (jobs/s per phase), then time
    /// single jobs from enqueue to start (p50/p99); beside graphile-worker with --graphile.
    Queue {
        #[arg(long, default_value_t = 10_000)]
        jobs: usize,
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Jobs each worker runs at once.
        #[arg(long, default_value_t = 10)]
        concurrency: usize,
        /// Jobs each worker claims ahead into its local queue.
        #[arg(long, default_value_t = 490)]
        prefetch: usize,
        /// A database to measure (it gets a bench user and its jobs); default: a throwaway
        /// SQLite file in the temporary folder.
        #[arg(long)]
        database_url: Option<String>,
        /// tests/bench/graphile-queue.mjs: also run graphile-worker (npm) with matching
        /// settings on the same PostgreSQL server and print the ratio.
        #[arg(long)]
        graphile: Option<PathBuf>,
    },
    /// Open N event streams on a throwaway companion (from a second process) and time one
    /// event from its insert to its arrival at all of them (raise `ulimit -n` above N first).
    Sse {
        #[arg(long, default_value_t = 2000)]
        clients: usize,
    },
    /// The streams of `bench sse`, which starts this itself.
    #[command(hide = true)]
    SseClients {
        #[arg(long)]
        url: String,
        #[arg(long, env = companion::sse_bench::TOKEN_ENV, hide_env_values = true)]
        token: String,
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        marker: String,
    },
}

#[derive(Subcommand)]
enum VaultCommand {
    /// Open a stored jar in memory and print its cookie names, count and expiry (never values).
    Check {
        #[arg(long)]
        user: String,
        /// linkedin, indeed, glassdoor, workday or custom:<domain>
        #[arg(long)]
        platform: String,
    },
    /// Make a new vault key pair, re-seal every stored jar to it, retire the old key.
    Rotate {
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. Asks for the password twice unless --password-stdin is given.
    Add {
        name: String,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Write everything a user owns to a zip archive (as the dashboard's "Download my data").
    Export {
        name: String,
        /// Where to write the archive (default: autoresume-NAME-TIME.zip here).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Delete a user and everything the account owns. Asks to type the name again unless
    /// --yes is given.
    Delete {
        name: String,
        /// Do not ask (for scripts).
        #[arg(long)]
        yes: bool,
    },
}

fn init_tracing(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr; stdout carries what the user asked for (codes, URLs).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn serve(config: Config) -> Result<()> {
    let app = App::build(config).await?;
    let state = app.state().clone();
    let base = state.config.base_url().to_owned();
    println!(
        "AutoResume companion listening on {base} ({} database)",
        state.config.database_kind()
    );
    if store::users::count(&state.store).await? == 0 {
        let token = state.setup.issue()?;
        println!();
        println!("First run: open this one-time link to create your account:");
        println!("    {base}/setup/{token}");
    } else {
        println!("Dashboard: {base}/dashboard");
        println!("Pair the extension: open {base}/dashboard/devices and create a pairing code,");
        println!(
            "or run `companion pair --user NAME`; then enter the address and the code in the extension popup."
        );
    }
    app.serve(shutdown_signal()).await
}

fn read_password(from_stdin: bool) -> Result<String> {
    let io = |e: std::io::Error| Error::BadRequest(format!("cannot read the password: {e}"));
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(io)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::BadRequest(
            "no terminal to ask for a password: use --password-stdin".into(),
        ));
    }
    let first = rpassword::prompt_password("Password: ").map_err(io)?;
    let second = rpassword::prompt_password("Repeat it: ").map_err(io)?;
    if first != second {
        return Err(Error::BadRequest("the two passwords differ".into()));
    }
    Ok(first)
}

async fn find_user(store: &Store, name: &str) -> Result<i64> {
    let user = store::users::find_by_name(store, name)
        .await?
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "no user named {name:?}; create one with `companion user add`"
            ))
        })?;
    Ok(user.id)
}

fn describe_expiry(expiry: Option<i64>) -> String {
    match expiry {
        None => "session cookies only (no expiry)".to_owned(),
        Some(at) => {
            let now = store::now_ms() / 1000;
            let days = (at - now) / 86_400;
            if at <= now {
                format!("expired (unix {at})")
            } else {
                format!("earliest expiry in {days} days (unix {at})")
            }
        }
    }
}

async fn vault_command(config: &Config, command: VaultCommand) -> Result<()> {
    let store = open_store(config).await?;
    let master = MasterKey::load(&store, config.master_key_source()).await?;
    let vault = Vault::new(master, store.clone());
    match command {
        VaultCommand::Check { user, platform } => {
            let user_id = find_user(&store, &user).await?;
            let jar = vault
                .open_stored(user_id, &platform)
                .await
                .map_err(|e| match e {
                    Error::NotFound => {
                        Error::BadRequest(format!("no {platform} session is stored for {user}"))
                    }
                    other => other,
                })?;
            let metadata = jar.metadata();
            drop(jar);
            println!(
                "{platform}: {} cookies, {}",
                metadata.count,
                describe_expiry(metadata.earliest_expiry)
            );
            for name in metadata.names {
                println!("  {name}");
            }
        }
        VaultCommand::Rotate { user } => {
            let user_id = find_user(&store, &user).await?;
            let bus = EventBus::new(store.clone())?;
            let (key, resealed) = vault.rotate(&bus, user_id).await?;
            println!(
                "New vault key {} for {user}; {resealed} stored jars re-sealed; old keys retired.",
                key.key_id
            );
        }
    }
    store.close().await;
    Ok(())
}

fn confirm_deletion(name: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::BadRequest(
            "no terminal to confirm the deletion: add --yes".into(),
        ));
    }
    println!("This deletes {name} and everything the account owns. Type the name to confirm:");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::BadRequest(format!("cannot read the confirmation: {e}")))?;
    if line.trim() != name {
        return Err(Error::BadRequest(
            "not confirmed; nothing was deleted".into(),
        ));
    }
    Ok(())
}

async fn user_command(config: &Config, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let store = open_store(config).await?;
            let user = users::create(&store, &Passwords::default(), &name, &password).await?;
            store.close().await;
            println!(
                "Created user {} (id {}). Log in at {}/login",
                user.name,
                user.id,
                config.base_url()
            );
        }
        UserCommand::Export { name, out } => {
            let store = open_store(config).await?;
            let user_id = find_user(&store, &name).await?;
            let user = store::users::get(&store, user_id)
                .await?
                .ok_or(Error::NotFound)?;
            let archive = companion::account::export(&store, &user).await?;
            store.close().await;
            let out = out.unwrap_or_else(|| companion::account::archive_name(&user).into());
            std::fs::write(&out, &archive)
                .map_err(|e| Error::BadRequest(format!("cannot write {}: {e}", out.display())))?;
            println!("Wrote {} ({} bytes).", out.display(), archive.len());
        }
        UserCommand::Delete { name, yes } => {
            let store = open_store(config).await?;
            let user_id = find_user(&store, &name).await?;
            if !yes {
                confirm_deletion(&name)?;
            }
            store::account::delete_user(&store, user_id).await?;
            store.close().await;
            println!("Deleted {name} and everything the account owned.");
        }
    }
    Ok(())
}

async fn bench_queue(
    jobs: usize,
    settings: companion::jobs::bench::Settings,
    database_url: Option<String>,
    graphile: Option<PathBuf>,
) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("companion-bench-{}", std::process::id()));
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.join("bench.db").display()));
    let measured = companion::jobs::bench::report(&url, jobs, settings, graphile.as_deref()).await;
    let _ = std::fs::remove_dir_all(&scratch);
    measured
}

async fn mail_command(config: &Config, command: MailCommand) -> Result<()> {
    use companion::mail::cli;
    let classifier = companion::mail::classifier(config)?;
    match command {
        MailCommand::Classify { files, json } => {
            print!("{}", cli::classify(&classifier, &files, json)?);
        }
        MailCommand::Eval { dir, labels } => {
            print!("{}", cli::eval(&classifier, &dir, &labels)?.render());
        }
        MailCommand::Import { path, user } => mail_import(config, &path, &user).await?,
        MailCommand::Bench { dirs, seconds } => {
            let messages = cli::corpus(&dirs)?;
            let figures = cli::bench(
                &classifier,
                &messages,
                std::time::Duration::from_secs(seconds),
            );
            println!(
                "{} messages ({} bytes) x {} rounds in {:.2} s on one core: {:.0} messages/s{}",
                figures.messages,
                figures.bytes,
                figures.rounds,
                figures.elapsed.as_secs_f64(),
                figures.per_second(),
                if cfg!(debug_assertions) {
                    " (debug build: a release build is several times faster)"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

async fn mail_import(config: &Config, path: &std::path::Path, user: &str) -> Result<()> {
    let store = open_store(config).await?;
    let user_id = find_user(&store, user).await?;
    let mut shown = std::time::Instant::now();
    let counts = companion::mail::import::import(&store, user_id, path, |done, total| {
        if done == total || shown.elapsed() >= std::time::Duration::from_secs(1) {
            eprintln!("{done}/{total} messages read");
            shown = std::time::Instant::now();
        }
    })
    .await;
    store.close().await;
    let counts = counts?;
    println!(
        "{} imported, {} duplicates skipped, {} empty skipped; the companion's workers classify them.",
        counts.imported, counts.duplicates, counts.skipped
    );
    Ok(())
}

async fn open_store(config: &Config) -> Result<Store> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    init_tracing(&config.log);
    match cli.command {
        Command::Serve => serve(config).await,
        Command::Worker { name, workers } => {
            let name = name.unwrap_or_else(|| format!("worker-{}", std::process::id()));
            let workers = workers.unwrap_or(config.workers);
            tracing::info!(
                name,
                workers,
                database = config.database_kind(),
                "job workers starting"
            );
            companion::run_workers(config, &name, workers, shutdown_signal()).await
        }
        Command::Migrate => {
            open_store(&config).await?.close().await;
            println!("Database is up to date ({}).", config.database_kind());
            Ok(())
        }
        Command::User { command } => user_command(&config, command).await,
        Command::Vault { command } => vault_command(&config, command).await,
        Command::Mail { command } => mail_command(&config, command).await,
        #[cfg(feature = "browser")]
        Command::Forms {
            command:
                FormsCommand::Plan {
                    file,
                    profile,
                    answers,
                    resume_pdf,
                    json,
                },
        } => {
            let profile = companion::forms::load_profile(&profile, answers.as_deref(), resume_pdf)?;
            let snapshot = companion::forms::browser::snapshot_file(&file).await?;
            let plan = shared::forms::plan(&snapshot, &profile);
            if json {
                let text = serde_json::to_string_pretty(&plan)
                    .map_err(|e| Error::Internal(e.to_string()))?;
                println!("{text}");
            } else {
                print!("{}", companion::forms::table(&plan));
            }
            Ok(())
        }
        Command::Bench {
            command:
                BenchCommand::Queue {
                    jobs,
                    workers,
                    concurrency,
                    prefetch,
                    database_url,
                    graphile,
                },
        } => {
            let settings = companion::jobs::bench::Settings {
                workers,
                concurrency,
                prefetch,
            };
            bench_queue(jobs, settings, database_url, graphile).await
        }
        Command::Bench {
            command: BenchCommand::Sse { clients },
        } => {
            let figures = companion::sse_bench::run(clients).await?;
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
        Command::Bench {
            command:
                BenchCommand::SseClients {
                    url,
                    token,
                    clients,
                    marker,
                },
        } => companion::sse_bench::clients(&url, &token, clients, &marker).await,
        Command::Pair { user } => {
            let store = open_store(&config).await?;
            let user_id = find_user(&store, &user).await?;
            let code = pairing::create_code(&store, user_id).await?;
            store.close().await;
            println!("Pairing code: {}", code.code);
            println!(
                "Valid for 10 minutes, once. In the extension popup enter the companion address"
            );
            println!("{} and this code.", config.base_url());
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
