use super::Invalid;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password that meets the policy: 8 to 128 characters, no composition rules
/// (NIST SP 800-63B). Not `Debug`-printable, so it cannot end up in a log by accident.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(Invalid::new(format!(
                "Use at least {MIN_PASSWORD_CHARS} characters."
            )));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(Invalid::new(format!(
                "Use at most {MAX_PASSWORD_CHARS} characters."
            )));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"🦀".repeat(8)).is_ok());
        assert!(Password::parse(&"é".repeat(128)).is_ok());
        assert!(Password::parse(&"é".repeat(129)).is_err());
    }

    #[test]
    fn never_shows_itself_in_debug_output() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
