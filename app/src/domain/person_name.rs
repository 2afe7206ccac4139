use super::Invalid;
use serde::{Deserialize, Serialize};

/// Trim, normalise to NFC and refuse control characters (a CR/LF in a name is
/// how mail headers get injected) and over-long values.
fn clean(input: &str, what: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = super::nfc(input.trim());
    if value.is_empty() {
        return Err(Invalid::new(format!("Enter {what}.")));
    }
    if value.chars().any(char::is_control) {
        return Err(Invalid::new(format!(
            "{} cannot contain line breaks or control characters.",
            capitalise(what)
        )));
    }
    if value.chars().count() > max_chars {
        return Err(Invalid::new(format!(
            "{} can be at most {max_chars} characters long.",
            capitalise(what)
        )));
    }
    Ok(value)
}

fn capitalise(what: &str) -> String {
    let what = what.trim_start_matches("a ").trim_start_matches("your ");
    let mut chars = what.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A person's display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        clean(input, "a name", Self::MAX_CHARS).map(Self)
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A workspace's name, shown in the top bar and in invitation mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceName(String);

impl WorkspaceName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        clean(input, "a workspace name", Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_normalises_to_nfc() {
        let decomposed = "  Zoe\u{0301} ";
        assert_eq!(DisplayName::parse(decomposed).unwrap().as_str(), "Zoé");
    }

    #[test]
    fn refuses_line_breaks_and_control_characters() {
        let err = DisplayName::parse("Eve\r\nBcc: all@example.com").unwrap_err();
        assert_eq!(
            err.0,
            "Name cannot contain line breaks or control characters."
        );
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn refuses_empty_and_overlong_names() {
        assert_eq!(DisplayName::parse("   ").unwrap_err().0, "Enter a name.");
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
        assert_eq!(
            WorkspaceName::parse("").unwrap_err().0,
            "Enter a workspace name."
        );
    }
}
