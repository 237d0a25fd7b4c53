//! Fixed-window counters of attempts per key (client address, user name). An attempt counts
//! from the moment it starts, so a burst of concurrent guesses cannot all be checked before
//! the first failure is known; a success gives its attempt back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Keys are hashed, so an entry has a fixed size whatever a client sends as a user name.
type Key = [u8; 32];

/// Live windows kept at most: about 5 MB.
const MAX_KEYS: usize = 100_000;

#[derive(Clone)]
pub struct AttemptLimiter {
    limit: u32,
    window: Duration,
    max_keys: usize,
    windows: Arc<Mutex<HashMap<Key, (Instant, u32)>>>,
}

/// A counted attempt. Dropping it leaves it counted (a failure); `succeeded` gives it back.
#[must_use = "an attempt stays counted unless it is marked as succeeded"]
pub struct Attempt {
    windows: Arc<Mutex<HashMap<Key, (Instant, u32)>>>,
    counted: Vec<(Key, Instant)>,
}

impl AttemptLimiter {
    pub fn per_minute(limit: u32) -> Self {
        Self::new(limit, Duration::from_secs(60), MAX_KEYS)
    }

    fn new(limit: u32, window: Duration, max_keys: usize) -> Self {
        AttemptLimiter {
            limit,
            window,
            max_keys,
            windows: Arc::default(),
        }
    }

    /// Counts an attempt against every key at once, or refuses without counting when one of
    /// them has used up its window.
    pub fn reserve(&self, keys: &[&str]) -> Result<Attempt> {
        let keys: Vec<Key> = keys.iter().map(|k| Sha256::digest(k).into()).collect();
        let mut windows = self
            .windows
            .lock()
            .map_err(|_| Error::Internal("limiter lock".into()))?;
        let now = Instant::now();
        let live = |start: &Instant| now.duration_since(*start) < self.window;
        let exhausted = keys.iter().any(|key| {
            windows
                .get(key)
                .is_some_and(|(start, count)| live(start) && *count >= self.limit)
        });
        if exhausted {
            return Err(Error::TooManyRequests);
        }
        let new_keys = keys.iter().filter(|k| !windows.contains_key(*k)).count();
        if windows.len() + new_keys > self.max_keys {
            windows.retain(|_, (start, _)| live(start));
            // Still full: refusing is safer than forgetting someone's failures, which a
            // flood of made-up names would otherwise buy.
            if windows.len() + new_keys > self.max_keys {
                return Err(Error::TooManyRequests);
            }
        }
        let mut counted = Vec::with_capacity(keys.len());
        for key in keys {
            let entry = windows.entry(key).or_insert((now, 0));
            if !live(&entry.0) {
                *entry = (now, 0);
            }
            entry.1 += 1;
            counted.push((key, entry.0));
        }
        Ok(Attempt {
            windows: self.windows.clone(),
            counted,
        })
    }
}

impl Attempt {
    pub fn succeeded(self) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        for (key, started) in &self.counted {
            // A window that restarted since holds other attempts; this one is gone with it.
            if let Some((start, count)) = windows.get_mut(key)
                && start == started
            {
                *count = count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_when_they_start_and_successes_are_given_back() {
        let limiter = AttemptLimiter::per_minute(2);
        let first = limiter.reserve(&["ip", "a"]).expect("first");
        let second = limiter.reserve(&["ip", "a"]).expect("second");
        assert!(matches!(
            limiter.reserve(&["ip", "a"]),
            Err(Error::TooManyRequests)
        ));
        assert!(matches!(
            limiter.reserve(&["ip", "b"]),
            Err(Error::TooManyRequests)
        ));
        assert!(limiter.reserve(&["other-ip", "b"]).is_ok());
        first.succeeded();
        drop(second);
        let third = limiter.reserve(&["ip", "a"]).expect("given back");
        drop(third);
        assert!(matches!(
            limiter.reserve(&["ip", "a"]),
            Err(Error::TooManyRequests)
        ));
    }

    #[test]
    fn the_map_is_bounded_and_keys_are_fixed_size() {
        let limiter = AttemptLimiter::new(5, Duration::from_secs(60), 3);
        let long = "x".repeat(1_000_000);
        for key in ["a", "b", long.as_str()] {
            drop(limiter.reserve(&[key]).expect("room"));
        }
        assert!(matches!(
            limiter.reserve(&["d"]),
            Err(Error::TooManyRequests)
        ));
        assert!(limiter.reserve(&["a"]).is_ok(), "known keys still count");
        let windows = limiter.windows.lock().expect("lock");
        assert_eq!(windows.len(), 3);
    }

    #[test]
    fn finished_windows_make_room() {
        let limiter = AttemptLimiter::new(5, Duration::ZERO, 2);
        for key in ["a", "b", "c", "d"] {
            drop(
                limiter
                    .reserve(&[key])
                    .expect("expired windows are dropped"),
            );
        }
        assert!(limiter.windows.lock().expect("lock").len() <= 2);
    }
}
