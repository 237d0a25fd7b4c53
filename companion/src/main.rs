//! The `companion` command line: arguments here, command bodies in `cli/`, everything they
//! do in the library.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use companion::config::Config;
use companion::error::Result;

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
pub enum Command {
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
    /// Resumes and cover letters as PDF, compiled offline from a JSON Resume.
    #[cfg(feature = "tex")]
    Resume {
        #[command(subcommand)]
        command: ResumeCommand,
    },
    /// The TeX worker a compile runs in (started by the companion itself).
    #[cfg(feature = "tex")]
    #[command(hide = true)]
    TexWorker {
        #[arg(long)]
        bundle: PathBuf,
        #[arg(long)]
        format_dir: PathBuf,
    },
    /// Assemble the offline TeX bundle: compile every template with the sample profiles
    /// against Debian's TeX Live and keep only the files they opened (scripts/tex-bundle).
    #[cfg(feature = "tex")]
    #[command(hide = true)]
    TexBundle {
        /// The zip to write.
        #[arg(long)]
        out: PathBuf,
        /// The JSON Resume corpus whose resumes are traced too.
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Inspect how application forms are planned.
    #[cfg(feature = "browser")]
    Forms {
        #[command(subcommand)]
        command: FormsCommand,
    },
}

#[derive(Subcommand)]
pub enum MailCommand {
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

#[cfg(feature = "tex")]
#[derive(Subcommand)]
pub enum ResumeCommand {
    /// Build a PDF from a profile with a template. The first build prepares the TeX format
    /// (about 3 s, once); later ones take under half a second.
    Build {
        /// A JSON Resume, or a profile export (autoresume-profile.json).
        #[arg(long)]
        profile: PathBuf,
        /// classic, modern or cover-letter (`companion resume templates` lists them).
        #[arg(long)]
        template: String,
        /// The posting it is for (JSON Resume's job schema). A resume is tailored to it: each
        /// job's bullets and the skills in order of relevance, and kept to one page by leaving
        /// out the least relevant bullets. Its company and title head a cover letter.
        #[arg(long)]
        job: Option<PathBuf>,
        /// The cover letter's text (plain text, paragraphs separated by blank lines).
        #[arg(long)]
        letter: Option<PathBuf>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// List the templates with a one-line description.
    Templates,
}

#[cfg(feature = "browser")]
#[derive(Subcommand)]
pub enum FormsCommand {
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
pub enum BenchCommand {
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
    /// Dry runs of the headless apply on saved application pages (served over loopback):
    /// wall time per form with a new browser per run (cold) and one warm browser, the
    /// median of each step, and the peak memory of the browser's processes.
    #[cfg(feature = "browser")]
    Apply {
        /// A folder of saved pages (.html).
        #[arg(default_value = "../shared/corpus/ats_forms_real")]
        dir: PathBuf,
        /// Runs per form and browser state.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// First (empty format cache) and warm compiles of a one-page resume per template, and
    /// builds per minute one after another.
    #[cfg(feature = "tex")]
    Resume {
        /// Warm builds per template.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// The streams of `bench sse`, which starts this itself.
    #[command(hide = true)]
    SseClients {
        #[arg(long)]
        url: String,
        #[arg(long, env = cli::bench_sse::TOKEN_ENV, hide_env_values = true)]
        token: String,
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        marker: String,
    },
}

#[derive(Subcommand)]
pub enum VaultCommand {
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
pub enum UserCommand {
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

async fn run(cli: Cli) -> Result<()> {
    // The worker reads no configuration: the companion that started it passed what it needs.
    #[cfg(feature = "tex")]
    if let Command::TexWorker { bundle, format_dir } = &cli.command {
        return companion::tex::worker::serve(bundle, format_dir);
    }
    let config = Config::load(cli.config.as_deref())?;
    cli::init_tracing(&config.log);
    match cli.command {
        Command::Serve => cli::serve::serve(config).await,
        Command::Worker { name, workers } => {
            let name = name.unwrap_or_else(|| format!("worker-{}", std::process::id()));
            let workers = workers.unwrap_or(config.workers);
            tracing::info!(
                name,
                workers,
                database = config.database_kind(),
                "job workers starting"
            );
            companion::run_workers(config, &name, workers, cli::serve::shutdown_signal()).await
        }
        Command::Migrate => {
            cli::open_store(&config).await?.close().await;
            println!("Database is up to date ({}).", config.database_kind());
            Ok(())
        }
        Command::User { command } => cli::user::user_command(&config, command).await,
        Command::Vault { command } => cli::vault::vault_command(&config, command).await,
        Command::Mail { command } => cli::mail::mail_command(&config, command).await,
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
        } => cli::forms::plan(&file, &profile, answers.as_deref(), resume_pdf, json).await,
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
            let settings = cli::bench_queue::Settings {
                workers,
                concurrency,
                prefetch,
            };
            cli::bench_queue::bench_queue(jobs, settings, database_url, graphile).await
        }
        Command::Bench {
            command: BenchCommand::Sse { clients },
        } => cli::bench_sse::report(clients).await,
        Command::Bench {
            command:
                BenchCommand::SseClients {
                    url,
                    token,
                    clients,
                    marker,
                },
        } => cli::bench_sse::clients(&url, &token, clients, &marker).await,
        #[cfg(feature = "browser")]
        Command::Bench {
            command: BenchCommand::Apply { dir, runs },
        } => cli::bench_apply::bench_apply(&dir, runs).await,
        #[cfg(feature = "tex")]
        Command::Bench {
            command: BenchCommand::Resume { runs },
        } => cli::bench_resume::bench_resume(&config, runs).await,
        #[cfg(feature = "tex")]
        Command::Resume {
            command: ResumeCommand::Templates,
        } => {
            cli::resume::templates();
            Ok(())
        }
        #[cfg(feature = "tex")]
        Command::Resume {
            command:
                ResumeCommand::Build {
                    profile,
                    template,
                    job,
                    letter,
                    out,
                },
        } => {
            let args = cli::resume::BuildArgs {
                profile: &profile,
                template: &template,
                job: job.as_deref(),
                letter: letter.as_deref(),
                out: &out,
            };
            cli::resume::build(&config, args).await
        }
        #[cfg(feature = "tex")]
        Command::TexWorker { .. } => Ok(()),
        #[cfg(feature = "tex")]
        Command::TexBundle { out, corpus } => cli::resume::tex_bundle(&out, corpus.as_deref()),
        Command::Pair { user } => cli::user::pair(&config, &user).await,
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
