//! Argon2id password hashing, off the async runtime and a few at a time: each check costs
//! about 19 MiB and 100 ms, so unbounded concurrent logins would be a denial of service.
//! Every check of a user's password goes through one attempt limiter, whatever route asks.

use std::net::IpAddr;
use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString, rand_core::OsRng,
};
use tokio::sync::Semaphore;

use super::rate_limit::AttemptLimiter;
use crate::error::{Error, Result};

pub const MIN_PASSWORD_LEN: usize = 10;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    attempts: AttemptLimiter,
}

impl Passwords {
    /// `attempts_per_minute` wrong passwords per client address and per user name.
    pub fn new(attempts_per_minute: u32) -> Self {
        Passwords {
            permits: Arc::new(Semaphore::new(2)),
            attempts: AttemptLimiter::per_minute(attempts_per_minute),
        }
    }

    /// Checks `password` for the user `user_name` (whose hash, or `DUMMY_HASH` for an
    /// unknown name, is `stored_hash`) from `client`. Refused with `TooManyRequests` once the
    /// address or the name used up its attempts; a wrong password uses one up.
    pub async fn check(
        &self,
        client: IpAddr,
        user_name: &str,
        password: &str,
        stored_hash: &str,
    ) -> Result<bool> {
        let attempt = self
            .attempts
            .reserve(&[&format!("ip:{client}"), &format!("user:{user_name}")])?;
        let verified = self.verify(password, stored_hash).await?;
        if verified {
            attempt.succeeded();
        }
        Ok(verified)
    }

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

    async fn verify(&self, password: &str, stored_hash: &str) -> Result<bool> {
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
        let passwords = Passwords::new(10);
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

    #[tokio::test]
    async fn wrong_passwords_use_up_the_attempts_of_the_name_and_the_address() {
        let passwords = Passwords::new(2);
        let hash = passwords.hash("correct horse battery").await.expect("hash");
        let here = IpAddr::from([127, 0, 0, 1]);
        let there = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..2 {
            assert!(
                !passwords
                    .check(here, "alice", "wrong guess!", &hash)
                    .await
                    .expect("checked")
            );
        }
        for (client, name) in [(here, "bob"), (there, "alice")] {
            assert!(matches!(
                passwords
                    .check(client, name, "correct horse battery", &hash)
                    .await,
                Err(Error::TooManyRequests)
            ));
        }
        assert!(
            passwords
                .check(there, "bob", "correct horse battery", &hash)
                .await
                .expect("checked")
        );
    }
}
