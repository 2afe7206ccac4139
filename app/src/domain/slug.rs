use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// The URL-safe name of a workspace: `/w/{slug}/…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 48;

    /// Lowercase; accents dropped (é → e); every run of other characters becomes one `-`.
    pub fn from_name(name: &str) -> Self {
        let mut slug = String::with_capacity(name.len());
        for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut slug = slug.trim_matches('-').to_owned();
        slug.truncate(Self::MAX_LEN);
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            Self("workspace".to_owned())
        } else {
            Self(slug.to_owned())
        }
    }

    /// A slug taken from a URL: it must already be in canonical form.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let canonical = Self::from_name(input);
        if canonical.0 == input {
            Ok(canonical)
        } else {
            Err(Invalid::new("That is not a workspace address."))
        }
    }

    /// `base-2`, `base-3`… for when the plain slug is taken.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(Self::MAX_LEN - suffix.len());
        Self(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_and_dashes_everything_else() {
        assert_eq!(Slug::from_name("Acme Corp").as_str(), "acme-corp");
        assert_eq!(
            Slug::from_name("  R&D -- Team #2!  ").as_str(),
            "r-d-team-2"
        );
        assert_eq!(Slug::from_name("Café Crème").as_str(), "cafe-creme");
    }

    #[test]
    fn never_empty_and_never_too_long() {
        assert_eq!(Slug::from_name("日本").as_str(), "workspace");
        assert_eq!(
            Slug::from_name(&"a".repeat(100)).as_str().len(),
            Slug::MAX_LEN
        );
        assert_eq!(Slug::from_name("acme").with_suffix(2).as_str(), "acme-2");
    }

    #[test]
    fn parses_only_canonical_slugs() {
        assert!(Slug::parse("acme-corp").is_ok());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("../etc").is_err());
    }
}
