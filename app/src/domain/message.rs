//! The admin's own words in an invitation mail: optional, up to 500
//! characters, line breaks kept (they become `<br>` in the HTML part, after
//! escaping); other control characters refused.
use super::Invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalMessage(String);

impl PersonalMessage {
    pub const MAX_CHARS: usize = 500;

    /// Empty (or only spaces) is no message.
    pub fn parse(input: &str) -> Result<Option<Self>, Invalid> {
        let text = super::nfc(input.trim()).replace("\r\n", "\n");
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Invalid::new(
                "A message can hold line breaks, but no other control characters.",
            ));
        }
        let chars = text.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(Invalid::new(format!(
                "A message can be at most {} characters long ({chars} now).",
                Self::MAX_CHARS
            )));
        }
        Ok(Some(Self(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_optional_keeps_its_lines_and_has_a_limit() {
        assert_eq!(PersonalMessage::parse("  ").unwrap(), None);
        let kept = PersonalMessage::parse(" Welcome!\r\nSee you Monday. ")
            .unwrap()
            .unwrap();
        assert_eq!(kept.as_str(), "Welcome!\nSee you Monday.");
        assert!(PersonalMessage::parse("bell\u{7}").is_err());
        assert!(PersonalMessage::parse(&"é".repeat(500)).unwrap().is_some());
        assert!(PersonalMessage::parse(&"é".repeat(501)).is_err());
    }
}
