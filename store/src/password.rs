//! Instructor passwords: argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane) in PHC
//! strings. Hashing takes tens of milliseconds, so it runs on the blocking pool.

use std::sync::OnceLock;

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

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Password(e.to_string()))?
}
