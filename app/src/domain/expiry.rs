//! How long an invitation's link lives: whole days, one to thirty (Auth0's
//! ceiling; longer-lived links are a standing risk). The pages offer the usual
//! choices; the API and the command line take any day count in the range.
use super::Invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryDays(u8);

impl ExpiryDays {
    pub const MAX: u8 = 30;
    /// What the Invite tab, the Upload tab and the settings page offer.
    pub const CHOICES: [ExpiryDays; 5] = [
        ExpiryDays(1),
        ExpiryDays(3),
        ExpiryDays(7),
        ExpiryDays(14),
        ExpiryDays(30),
    ];

    pub fn parse(days: i64) -> Result<Self, Invalid> {
        match u8::try_from(days) {
            Ok(days @ 1..=Self::MAX) => Ok(Self(days)),
            _ => Err(Invalid::new(format!(
                "Links live 1 to {} days; {days} is not allowed.",
                Self::MAX
            ))),
        }
    }

    /// A form's value: empty is "the workspace's default".
    pub fn parse_choice(text: &str) -> Result<Option<Self>, Invalid> {
        match text.trim() {
            "" => Ok(None),
            given => given
                .parse::<i64>()
                .map_err(|_| Invalid::new(format!("{given:?} is not a number of days.")))
                .and_then(Self::parse)
                .map(Some),
        }
    }

    pub fn days(self) -> u8 {
        self.0
    }

    pub fn hours(self) -> u32 {
        u32::from(self.0) * 24
    }

    /// "1 day", "7 days".
    pub fn label(self) -> String {
        lifetime_label(self.hours())
    }
}

/// A link's lifetime in words: whole days when it is whole days ("7 days"),
/// hours otherwise ("36 hours"), as an instance setting may be.
pub fn lifetime_label(hours: u32) -> String {
    let (count, unit) = if hours.is_multiple_of(24) {
        (hours / 24, "day")
    } else {
        (hours, "hour")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_thirty_days_and_nothing_else() {
        assert_eq!(ExpiryDays::parse(1).unwrap().hours(), 24);
        assert_eq!(ExpiryDays::parse(30).unwrap().days(), 30);
        for wrong in [0, 31, -1, 256, i64::MAX] {
            assert!(ExpiryDays::parse(wrong).is_err(), "{wrong}");
        }
        assert_eq!(ExpiryDays::parse_choice(" ").unwrap(), None);
        assert_eq!(
            ExpiryDays::parse_choice("14").unwrap(),
            Some(ExpiryDays(14))
        );
        assert!(ExpiryDays::parse_choice("a week").is_err());
    }

    #[test]
    fn lifetimes_read_as_days_or_hours() {
        assert_eq!(ExpiryDays(1).label(), "1 day");
        assert_eq!(lifetime_label(168), "7 days");
        assert_eq!(lifetime_label(36), "36 hours");
        assert_eq!(lifetime_label(1), "1 hour");
    }
}
