use super::Invalid;
use serde::{Deserialize, Serialize};

/// The name of a group of people in a workspace ("Sales", "Berlin office").
/// Two names that differ only in case are the same group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName(String);

impl GroupName {
    pub const MAX_CHARS: usize = 64;
    /// Characters that separate groups in one cell or field.
    pub const SEPARATORS: [char; 4] = ['|', ',', ';', '\n'];

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = super::nfc(input.trim());
        if value.is_empty() {
            return Err(Invalid::new("Enter a group name."));
        }
        if value.chars().any(char::is_control) {
            return Err(Invalid::new(
                "A group name cannot contain line breaks or control characters.",
            ));
        }
        if value.contains(Self::SEPARATORS) {
            return Err(Invalid::new(
                "A group name cannot contain | , or ; (they separate groups).",
            ));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::new(format!(
                "A group name can be at most {} characters long.",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(value))
    }

    /// Several names separated by `|`, `,`, `;` or new lines; blanks are
    /// skipped and a name given twice (in any case) counts once.
    pub fn parse_list(input: &str) -> Result<Vec<Self>, Invalid> {
        let mut names: Vec<Self> = Vec::new();
        for part in input.split(Self::SEPARATORS) {
            if part.trim().is_empty() {
                continue;
            }
            let name = Self::parse(part)
                .map_err(|e| Invalid::new(format!("“{}”: {}", part.trim(), e.0)))?;
            if !names.iter().any(|n| n.is_same_as(&name)) {
                names.push(name);
            }
        }
        Ok(names)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same group as `other` (case aside), without building both keys.
    pub fn is_same_as(&self, other: &Self) -> bool {
        if self.0.is_ascii() && other.0.is_ascii() {
            self.0.eq_ignore_ascii_case(&other.0)
        } else {
            self.key() == other.key()
        }
    }

    /// What makes two names the same group.
    pub fn key(&self) -> String {
        Self::key_of(&self.0)
    }

    /// The key of a group name as stored (already checked).
    pub fn key_of(name: &str) -> String {
        name.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(GroupName::parse("  Sales ").unwrap().as_str(), "Sales");
        assert!(GroupName::parse("   ").is_err());
        assert!(GroupName::parse("a\nb").is_err());
        assert!(GroupName::parse("a|b").is_err());
        assert!(GroupName::parse(&"x".repeat(65)).is_err());
        assert_eq!(GroupName::parse("Été").unwrap().key(), "été");
    }

    #[test]
    fn lists_split_on_every_separator_and_drop_repeats() {
        let names = GroupName::parse_list("Sales | Berlin; sales,\nOps,, ").unwrap();
        let names: Vec<&str> = names.iter().map(GroupName::as_str).collect();
        assert_eq!(names, ["Sales", "Berlin", "Ops"]);
        assert!(GroupName::parse_list("").unwrap().is_empty());
        let error = GroupName::parse_list(&format!("ok, {}", "y".repeat(70))).unwrap_err();
        assert!(error.0.contains("at most 64"), "{}", error.0);
    }
}
