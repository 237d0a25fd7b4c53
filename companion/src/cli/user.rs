//! `companion user add | export | delete`.

use companion::auth::passwords::Passwords;
use companion::config::Config;
use companion::error::{Error, Result};
use companion::{account, pairing, users};

use super::{confirm_deletion, find_user, open_store, read_password};
use crate::UserCommand;

pub async fn user_command(config: &Config, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let store = open_store(config).await?;
            let user = users::create(
                &store,
                &Passwords::new(config.auth_attempts_per_minute),
                &name,
                &password,
            )
            .await?;
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
            let user = users::find_by_name(&store, &name).await?;
            let archive = account::export(&store, &user).await?;
            store.close().await;
            let out = out.unwrap_or_else(|| account::archive_name(&user).into());
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
            account::delete_as_operator(&store, user_id).await?;
            store.close().await;
            println!("Deleted {name} and everything the account owned.");
        }
    }
    Ok(())
}

/// `companion pair --user NAME`: a one-time pairing code for the extension.
pub async fn pair(config: &Config, user: &str) -> Result<()> {
    let store = open_store(config).await?;
    let user_id = find_user(&store, user).await?;
    let code = pairing::create_code(&store, user_id).await?;
    store.close().await;
    println!("Pairing code: {}", code.code);
    println!("Valid for 10 minutes, once. In the extension popup enter the companion address");
    println!("{} and this code.", config.base_url());
    Ok(())
}
