//! Argon2id password hashing, off the async runtime.
use crate::domain::Password;
use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub struct PasswordHasher {
    params: Params,
    /// Verified against when an account does not exist, so a wrong email takes
    /// as long as a wrong password.
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, AppError> {
        let params = Params::new(memory_kib, iterations, 1, None)
            .map_err(|error| AppError::internal_text("invalid password hashing settings", error))?;
        let dummy_hash = hash_with(&params, "not a real password: timing equaliser")?;
        Ok(Self { params, dummy_hash })
    }

    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let params = self.params.clone();
        let password = password.expose().to_owned();
        tokio::task::spawn_blocking(move || hash_with(&params, &password))
            .await
            .map_err(|error| AppError::internal("password hashing task failed", error))?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is
    /// no account, so both take the same time. Returns false in the latter case.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, AppError> {
        let account_exists = stored.is_some();
        let hash = stored.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .map_err(|error| AppError::internal("password verification task failed", error))?;
        Ok(account_exists && matches)
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, AppError> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes)
        .map_err(|error| AppError::internal("no randomness for a password salt", error))?;
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|error| AppError::internal_text("password salt encoding failed", error))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AppError::internal_text("password hashing failed", error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn production_parameters_are_argon2id_19_mib_2_passes_1_lane() {
        let hasher = PasswordHasher::new(19456, 2).unwrap();
        let hash = hasher
            .hash(&Password::parse("correct horse battery").unwrap())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher
            .verify("correct horse battery", Some(&hash))
            .await
            .unwrap());
        assert!(!hasher
            .verify("correct horse battery!", Some(&hash))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn long_and_emoji_passwords_are_not_truncated() {
        let hasher = PasswordHasher::new(64, 1).unwrap();
        let long = format!("{}🦀", "x".repeat(100));
        let hash = hasher.hash(&Password::parse(&long).unwrap()).await.unwrap();
        assert!(hasher.verify(&long, Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&"x".repeat(100), Some(&hash)).await.unwrap());
    }

    #[test]
    fn the_timing_equaliser_costs_what_a_real_check_costs() {
        let hasher = PasswordHasher::new(19456, 2).unwrap();
        assert!(hasher
            .dummy_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    }

    #[tokio::test]
    async fn no_account_never_verifies() {
        let hasher = PasswordHasher::new(64, 1).unwrap();
        assert!(!hasher
            .verify("not a real password: timing equaliser", None)
            .await
            .unwrap());
    }
}
