//! Passwords everyone tries first are refused (NIST SP 800-63B §5.1.1.2).
use crate::domain::{Invalid, Password};
use std::collections::HashSet;
use std::sync::OnceLock;

const LIST: &str = include_str!("common_passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// The password policy for a new account, applied by every path that creates
/// one (setup, sign-up, the command line): 8–128 characters, not a common one.
pub fn new_account_password(text: &str) -> Result<Password, Invalid> {
    let password = Password::parse(text)?;
    refuse_common(&password)?;
    Ok(password)
}

fn refuse_common(password: &Password) -> Result<(), Invalid> {
    let lowered = password.expose().to_lowercase();
    if common().contains(lowered.as_str()) {
        return Err(Invalid::new(
            "This password is one of the most common ones. Choose another.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for common in ["password", "PASSWORD", "12345678", "baseball", "trustno1"] {
            assert!(
                refuse_common(&Password::parse(common).unwrap()).is_err(),
                "{common}"
            );
        }
        assert!(refuse_common(&Password::parse("correct horse battery staple").unwrap()).is_ok());
        assert!(common().len() > 10_000);
        assert!(new_account_password("Baseball").is_err());
        assert!(new_account_password("short").is_err());
        assert!(new_account_password("correct horse battery staple").is_ok());
    }
}
