use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An email address as the person gave it (trimmed, domain in ASCII/punycode),
/// with a canonical `key` used to decide whether two addresses are the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    address: String,
    key: String,
}

const MAX_ADDRESS: usize = 254; // RFC 5321 path limit minus the angle brackets
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

impl Email {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.is_empty() {
            return Err(Invalid::new("Enter an email address."));
        }
        if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Invalid::new(
                "An email address cannot contain spaces or control characters.",
            ));
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(|| {
            Invalid::new("An email address needs an @ between the name and the domain.")
        })?;
        validate_local(local)?;
        let ascii_domain = to_ascii_domain(domain)?;
        // Built by hand: `format!` was a tenth of a 100,000-row import's time.
        let mut address = String::with_capacity(local.len() + 1 + ascii_domain.len());
        address.push_str(local);
        address.push('@');
        address.push_str(&ascii_domain);
        if address.len() > MAX_ADDRESS {
            return Err(Invalid::new(format!(
                "An email address can be at most {MAX_ADDRESS} characters long."
            )));
        }
        let key = if local.is_ascii() {
            address.to_ascii_lowercase() // the domain is lowercase already
        } else {
            let mut key = local.to_lowercase();
            key.push('@');
            key.push_str(&ascii_domain);
            key
        };
        Ok(Self { address, key })
    }

    /// An address as spreadsheets hold it: `mailto:` links and
    /// `Name <address>` forms are unwrapped, spaces (non-breaking ones too) trimmed.
    pub fn parse_cell(input: &str) -> Result<Self, Invalid> {
        let mut text = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
            text = &text[open + 1..text.len() - 1];
        }
        if text
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        {
            text = &text[7..];
        }
        Self::parse(text)
    }

    /// Several addresses pasted at once: separated by commas, semicolons or
    /// line breaks; repeats (by key) are kept once. Names the first bad entry.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, Invalid> {
        let mut emails: Vec<Self> = Vec::new();
        for entry in text
            .split([',', ';', '\n', '\r'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let email =
                Self::parse(entry).map_err(|e| Invalid::new(format!("{entry}: {}", e.0)))?;
            if !emails.iter().any(|known| known.key == email.key) {
                emails.push(email);
            }
        }
        if emails.is_empty() {
            return Err(Invalid::new("Enter an email address."));
        }
        Ok(emails)
    }

    /// The address to write to and to show.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// Case-insensitive identity: two addresses with the same key are one person.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

fn validate_local(local: &str) -> Result<(), Invalid> {
    if local.is_empty() {
        return Err(Invalid::new("The part before the @ is missing."));
    }
    if local.len() > MAX_LOCAL {
        return Err(Invalid::new(format!(
            "The part before the @ can be at most {MAX_LOCAL} characters long."
        )));
    }
    // Dot-atom only (RFC 5322 §3.2.3); quoted local parts are legal but no real
    // mailbox needs them, and they are a favourite of injection attempts.
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                '!' | '#'
                    | '$'
                    | '%'
                    | '&'
                    | '\''
                    | '*'
                    | '+'
                    | '-'
                    | '/'
                    | '='
                    | '?'
                    | '^'
                    | '_'
                    | '`'
                    | '{'
                    | '|'
                    | '}'
                    | '~'
                    | '.'
            )
    };
    if let Some(bad) = local.chars().find(|c| !allowed(*c)) {
        return Err(Invalid::new(format!(
            "The character {bad:?} is not allowed before the @."
        )));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(Invalid::new(
            "Dots before the @ cannot come first, last or twice in a row.",
        ));
    }
    Ok(())
}

/// Letters, digits, hyphens and dots only, and no punycode label (`xn--`),
/// which IDNA must check.
fn is_plain_ascii(domain: &str) -> bool {
    domain
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !domain.split('.').any(|label| {
            label
                .get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        })
}

fn to_ascii_domain(domain: &str) -> Result<String, Invalid> {
    if domain.is_empty() {
        return Err(Invalid::new("The domain after the @ is missing."));
    }
    let ascii = if is_plain_ascii(domain) {
        // What UTS 46 makes of letters, digits, hyphens and dots: the same,
        // lowercased. Most addresses are like this; IDNA proper is far slower.
        domain.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(domain)
            .map_err(|_| Invalid::new("The domain after the @ is not a valid domain name."))?
    };
    if ascii.len() > MAX_DOMAIN {
        return Err(Invalid::new("The domain after the @ is too long."));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(Invalid::new(
            "The domain after the @ needs a dot, as in example.com.",
        ));
    }
    for label in &labels {
        let valid = !label.is_empty()
            && label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(Invalid::new(
                "The domain after the @ is not a valid domain name.",
            ));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(Invalid::new(
            "The domain after the @ is not a valid domain name.",
        ));
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_cells_are_unwrapped() {
        for cell in [
            "mailto:Eve@Example.com",
            "Eve Example <Eve@Example.com>",
            "\u{a0}Eve@Example.com\u{a0}",
            "MAILTO:Eve@Example.com",
        ] {
            assert_eq!(
                Email::parse_cell(cell).unwrap().as_str(),
                "Eve@example.com",
                "{cell:?}"
            );
        }
        assert!(Email::parse_cell("Eve <>").is_err());
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_idna() {
        for domain in [
            "example.com",
            "EXAMPLE.Com",
            "a-b.c0.example",
            "-bad.example",
            "a..b",
            "example.com.",
            "x.123",
            "XN--BCHER-KVA.example",
            "xn--zz.example",
            "Bücher.example",
        ] {
            let fast = is_plain_ascii(domain).then(|| domain.to_ascii_lowercase());
            let full = idna::domain_to_ascii(domain).ok();
            if let Some(fast) = fast {
                assert_eq!(Some(fast), full, "{domain}");
            }
        }
        assert!(!is_plain_ascii("XN--BCHER-KVA.example"));
        assert!(!is_plain_ascii("bücher.example"));
        assert_eq!(
            Email::parse("a@XN--BCHER-KVA.example").unwrap().as_str(),
            "a@xn--bcher-kva.example"
        );
    }

    #[test]
    fn keeps_the_address_and_lowercases_the_key() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@example.com");
        assert_eq!(email.key(), "ada.lovelace@example.com");
    }

    #[test]
    fn the_same_person_whatever_the_case() {
        let a = Email::parse("BOB@example.com").unwrap();
        let b = Email::parse("bob@EXAMPLE.com").unwrap();
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn several_pasted_addresses_are_split_and_deduplicated() {
        let list =
            Email::parse_list("a@example.com, b@example.com\nA@EXAMPLE.com;\r\n c@example.com ,")
                .unwrap();
        let keys: Vec<&str> = list.iter().map(Email::key).collect();
        assert_eq!(keys, ["a@example.com", "b@example.com", "c@example.com"]);
        assert_eq!(
            Email::parse_list("a@example.com, nope").unwrap_err().0,
            "nope: An email address needs an @ between the name and the domain."
        );
        assert!(Email::parse_list(" , ").is_err());
    }

    #[test]
    fn international_domains_become_punycode() {
        let email = Email::parse("jürgen@bücher.de").unwrap();
        assert_eq!(email.as_str(), "jürgen@xn--bcher-kva.de");
    }

    #[test]
    fn refuses_what_cannot_be_a_mailbox() {
        for bad in [
            "",
            "plainaddress",
            "a@b",
            "@example.com",
            "a@",
            "a b@example.com",
            "\"quoted\"@example.com",
            "a@@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example..com",
            "nul\0@example.com",
            "a@127.0.0.1",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn enforces_rfc_5321_lengths() {
        let local = "a".repeat(65);
        assert!(Email::parse(&format!("{local}@example.com")).is_err());
        let long_domain = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(Email::parse(&format!("a@{long_domain}")).is_err());
        let at_limit = format!(
            "{}@{}.com",
            "a".repeat(64),
            vec!["b".repeat(61); 3].join(".")
        );
        assert!(at_limit.len() <= 254, "{}", at_limit.len());
        assert!(Email::parse(&at_limit).is_ok());
    }
}
