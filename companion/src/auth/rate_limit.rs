//! Fixed-window counters of failed attempts per key (client address, user name).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

#[derive(Clone)]
pub struct AttemptLimiter {
    limit: u32,
    window: Duration,
    windows: Arc<Mutex<HashMap<String, (Instant, u32)>>>,
}

impl AttemptLimiter {
    pub fn per_minute(limit: u32) -> Self {
        AttemptLimiter {
            limit,
            window: Duration::from_secs(60),
            windows: Arc::default(),
        }
    }

    /// Refuses when `key` already used up its failures in this window.
    pub fn check(&self, key: &str) -> Result<()> {
        let windows = self
            .windows
            .lock()
            .map_err(|_| Error::Internal("limiter lock".into()))?;
        let now = Instant::now();
        match windows.get(key) {
            Some((start, count))
                if now.duration_since(*start) < self.window && *count >= self.limit =>
            {
                Err(Error::TooManyRequests)
            }
            _ => Ok(()),
        }
    }

    pub fn record_failure(&self, key: &str) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        let now = Instant::now();
        // Bound the map: forget finished windows once it grows.
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_limit_per_key() {
        let limiter = AttemptLimiter::per_minute(2);
        limiter.record_failure("a");
        assert!(limiter.check("a").is_ok());
        limiter.record_failure("a");
        assert!(matches!(limiter.check("a"), Err(Error::TooManyRequests)));
        assert!(limiter.check("b").is_ok());
    }
}
