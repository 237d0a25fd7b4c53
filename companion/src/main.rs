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
    /// Inspect how application forms are planned.
    #[cfg(feature = "browser")]
    Forms {
        #[command(subcommand)]
        command: FormsCommand,
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
    /// Enqueue N jobs, then claim and complete them with W workers; print jobs/s per phase.
    Queue {
        #[arg(long, default_value_t = 10_000)]
        jobs: usize,
        #[arg(long, default_value_t = 4)]
        workers: usize,
        /// A database to measure (it gets a bench user and its jobs); default: a throwaway
        /// SQLite file in the temporary folder.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Open N event streams on a throwaway companion and time one event from its insert to
    /// its arrival at all of them (raise `ulimit -n` above 2 x N first).
    Sse {
        #[arg(long, default_value_t = 2000)]
        clients: usize,
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

async fn bench_queue(jobs: usize, workers: usize, database_url: Option<String>) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("companion-bench-{}", std::process::id()));
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.join("bench.db").display()));
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let phases = companion::jobs::bench::queue(&store, jobs, workers).await;
    let latency = companion::jobs::bench::latency(&store, workers, 500).await;
    store.close().await;
    let _ = std::fs::remove_dir_all(&scratch);
    let kind = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    println!("{jobs} jobs, {workers} workers, {kind}");
    for phase in phases? {
        println!(
            "{:>18}: {:>8} jobs in {:>7.3} s = {:>9.0} jobs/s",
            phase.name,
            phase.jobs,
            phase.elapsed.as_secs_f64(),
            phase.per_second()
        );
    }
    let latency = latency?;
    println!(
        "{:>18}: p50 {:.2} ms, p99 {:.2} ms ({} jobs enqueued one at a time to idle workers)",
        "enqueue to start",
        latency.percentile(0.5).as_secs_f64() * 1000.0,
        latency.percentile(0.99).as_secs_f64() * 1000.0,
        latency.samples.len()
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
                    database_url,
                },
        } => bench_queue(jobs, workers, database_url).await,
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
            if let Some(bytes) = figures.rss_per_stream_bytes {
                println!(
                    "memory per open stream: {:.1} KiB (client and server in one process)",
                    bytes / 1024.0
                );
            }
            Ok(())
        }
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
