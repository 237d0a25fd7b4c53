//! Accounts: creation rules shared by the CLI and the first-run setup page, and what every
//! new account starts with.

use shared::api::UserInfo;

use crate::auth::passwords::Passwords;
use crate::error::{Error, Result};
use crate::store::{self, Store};

pub fn validate_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::BadRequest(
            "a user name has 1 to 64 letters, digits, dots, dashes or underscores".into(),
        ))
    }
}

pub async fn create(
    store: &Store,
    passwords: &Passwords,
    name: &str,
    password: &str,
) -> Result<UserInfo> {
    validate_name(name)?;
    let hash = passwords.hash(password).await?;
    let user = store::users::create(store, name, &hash).await?;
    crate::approvals::schedule_expiry(store, user.id).await?;
    Ok(user)
}

/// The user with this name, or an error that says how to create one.
pub async fn find_by_name(store: &Store, name: &str) -> Result<UserInfo> {
    let row = store::users::find_by_name(store, name)
        .await?
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "no user named {name:?}; create one with `companion user add`"
            ))
        })?;
    Ok(row.info())
}

/// Whether any account exists yet (before the first, the setup page is open).
pub async fn any(store: &Store) -> Result<bool> {
    Ok(store::users::count(store).await? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_restricted() {
        assert!(validate_name("alice.b-2_x").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("<script>").is_err());
        assert!(validate_name(&"a".repeat(65)).is_err());
    }
}
