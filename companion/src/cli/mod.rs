//! The command bodies of `companion`: each parses nothing (clap did), calls the library and
//! prints what the user asked for. Logs go to stderr, results to stdout.

#[cfg(feature = "browser")]
pub mod bench_apply;
pub mod bench_queue;
#[cfg(feature = "tex")]
pub mod bench_resume;
pub mod bench_sse;
#[cfg(feature = "browser")]
pub mod forms;
pub mod mail;
#[cfg(feature = "tex")]
pub mod resume;
pub mod serve;
pub mod user;
pub mod vault;

use std::io::{BufRead, IsTerminal};

use companion::config::Config;
use companion::error::{Error, Result};
use companion::store::Store;
use tracing_subscriber::EnvFilter;

pub fn init_tracing(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr; stdout carries what the user asked for (codes, URLs).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The database, migrated: every command that reads or writes data starts here.
pub async fn open_store(config: &Config) -> Result<Store> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

/// The id of the user named on the command line.
pub async fn find_user(store: &Store, name: &str) -> Result<i64> {
    Ok(companion::users::find_by_name(store, name).await?.id)
}

pub fn read_password(from_stdin: bool) -> Result<String> {
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

pub fn confirm_deletion(name: &str) -> Result<()> {
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
