use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person may do in a workspace. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "builder"))]
    Builder,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Builder, Role::Member];

    /// Accepts the canonical names and the aliases found in real exports, any case.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        // The usual spellings, without building a folded copy.
        for role in [Role::Admin, Role::Builder, Role::Member] {
            if input.trim().eq_ignore_ascii_case(role.as_str()) {
                return Ok(role);
            }
        }
        let folded: String = input
            .trim()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match folded.as_str() {
            "admin" | "administrator" | "privileged" => Ok(Role::Admin),
            "builder" => Ok(Role::Builder),
            "member" | "enduser" | "standard" | "user" => Ok(Role::Member),
            _ => Err(Invalid::new(format!(
                "{:?} is not a role. Use Admin, Builder or Member.",
                input.trim()
            ))),
        }
    }

    /// The stable name stored in the database and sent over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Builder => "builder",
            Role::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Builder => "Builder",
            Role::Member => "Member",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a membership currently grants access. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum MembershipStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "active"))]
    Active,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "archived"))]
    Archived,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipStatus::Active => "active",
            MembershipStatus::Archived => "archived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MembershipStatus::Active => "Active",
            MembershipStatus::Archived => "Archived",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aliases_in_any_case() {
        for (input, role) in [
            ("Admin", Role::Admin),
            ("ADMINISTRATOR", Role::Admin),
            ("privileged", Role::Admin),
            ("Builder", Role::Builder),
            ("End user", Role::Member),
            ("End-user", Role::Member),
            ("standard", Role::Member),
            (" User ", Role::Member),
        ] {
            assert_eq!(Role::parse(input).unwrap(), role, "{input}");
        }
    }

    #[test]
    fn round_trips_through_storage() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }

    #[test]
    fn names_the_bad_value() {
        assert_eq!(
            Role::parse("superuser").unwrap_err().0,
            "\"superuser\" is not a role. Use Admin, Builder or Member."
        );
    }
}
