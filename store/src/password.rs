//! Instructor passwords: argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane) in PHC
//! strings. Hashing takes tens of milliseconds, so it runs on the blocking pool, and at most
//! [`slots`] hashes run at once: the sign-in limiter allows 10 wrong passwords per client address,
//! so 400 wrong sign-ins from 20 addresses once ran 200 hashes together — 4 GB of memory and
//! both cores for 10 s, during which other learners' checks took seconds (BENCHMARKS.md: Load).
//! The others wait for a slot (a future, no thread, no 19 MiB), within the request's deadline.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use kubelab_checks::Text;

use crate::error::{Result, StoreError};

const MIN_LEN: usize = 8;

pub(crate) fn check_strength(password: &str) -> Result<()> {
    if password.chars().count() < MIN_LEN {
        return Err(StoreError::Invalid(Text::new(
            format!("密码至少需要 {MIN_LEN} 个字符。"),
            format!("The password needs at least {MIN_LEN} characters."),
        )));
    }
    Ok(())
}

pub(crate) async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Password(e.to_string()))
    })
    .await
}

/// Checks `password` against a stored hash, or against a fixed dummy hash when there is none,
/// so that an unknown email costs as much time as a wrong password.
pub(crate) async fn verify(password: &str, stored: Option<String>) -> Result<bool> {
    let password = password.to_owned();
    blocking(move || {
        let known = stored.is_some();
        let phc = match stored {
            Some(phc) => phc,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&phc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
}

/// Computes the dummy hash in the background, so that even the first verification of an
/// unknown email costs one hash, not two.
pub(crate) fn warm_up() {
    tokio::task::spawn_blocking(|| dummy_hash().map(|_| ()));
}

fn dummy_hash() -> Result<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h.as_str());
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let h = Argon2::default()
        .hash_password(b"no instructor has this password", &salt)
        .map_err(|e| StoreError::Password(e.to_string()))?
        .to_string();
    Ok(DUMMY.get_or_init(|| h).as_str())
}

/// Hashes at once: half the cores (at least one), so hashing never takes the whole machine from
/// the pages, checks and streams.
fn slot_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).max(1)
}

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(slot_count()))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    let slot = slots()
        .acquire()
        .await
        .map_err(|e| StoreError::Password(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        #[cfg(test)]
        let _counted = tests::Hashing::start();
        f()
    })
    .await
    .map_err(|e| StoreError::Password(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NOW: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);

    /// Counts the hashes running now, and the most that ever ran together.
    pub(super) struct Hashing;

    impl Hashing {
        pub(super) fn start() -> Hashing {
            let now = NOW.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(now, Ordering::SeqCst);
            Hashing
        }
    }

    impl Drop for Hashing {
        fn drop(&mut self) {
            NOW.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_wrong_passwords_hashes_at_most_half_the_cores_at_once() {
        let stored = hash("the right password").await.unwrap();
        let tries: Vec<_> = (0..24)
            .map(|i| {
                let stored = stored.clone();
                tokio::spawn(async move { verify(&format!("wrong {i}"), Some(stored)).await })
            })
            .collect();
        for t in tries {
            assert!(!t.await.unwrap().unwrap(), "a wrong password was accepted");
        }
        assert!(verify("the right password", Some(stored)).await.unwrap());
        let limit = slot_count();
        let most = MOST.load(Ordering::SeqCst);
        assert!(
            (1..=limit).contains(&most),
            "{most} hashes ran at once, the limit is {limit}"
        );
    }
}
