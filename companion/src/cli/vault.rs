//! `companion vault check | rotate`.

use companion::config::Config;
use companion::error::{Error, Result};
use companion::events::EventBus;
use companion::store;
use companion::vault::Vault;
use companion::vault::master_key::MasterKey;

use super::{find_user, open_store};
use crate::VaultCommand;

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

pub async fn vault_command(config: &Config, command: VaultCommand) -> Result<()> {
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
