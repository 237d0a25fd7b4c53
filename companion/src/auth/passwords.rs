//! Argon2id password hashing, off the async runtime and a few at a time: each check costs
//! about 19 MiB and 100 ms, so unbounded concurrent logins would be a denial of service.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString, rand_core::OsRng,
};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

pub const MIN_PASSWORD_LEN: usize = 10;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords {
            permits: Arc::new(Semaphore::new(2)),
        }
    }
}

impl Passwords {
    pub async fn hash(&self, password: &str) -> Result<String> {
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(Error::BadRequest(format!(
                "the password must have at least {MIN_PASSWORD_LEN} characters"
            )));
        }
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| Error::Internal(format!("password hashing: {e}")))
        })
        .await
    }

    pub async fn verify(&self, password: &str, stored_hash: &str) -> Result<bool> {
        let password = password.to_owned();
        let stored_hash = stored_hash.to_owned();
        self.run(move || {
            let parsed = PasswordHash::new(&stored_hash)
                .map_err(|e| Error::Internal(format!("stored password hash: {e}")))?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(format!("password semaphore: {e}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| Error::Internal(format!("password task: {e}")))?
    }
}

/// A hash of a random password, verified against when the user name is unknown so that
/// unknown and known names take the same time.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3ZpZ1zdIa1JgDfWhAqtdyaPJtMbDYq1gQvLhy1uXWuY";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_short_passwords_are_refused() {
        let passwords = Passwords::default();
        let hash = passwords.hash("correct horse battery").await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            passwords
                .verify("correct horse battery", &hash)
                .await
                .expect("verify")
        );
        assert!(
            !passwords
                .verify("wrong horse battery", &hash)
                .await
                .expect("verify")
        );
        assert!(matches!(
            passwords.hash("short").await,
            Err(Error::BadRequest(_))
        ));
        assert!(
            !passwords
                .verify("anything at all", DUMMY_HASH)
                .await
                .expect("dummy parses")
        );
    }
}
