use serde::{Deserialize, Serialize};

/// Where an invitation's mail stands. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum DeliveryState {
    /// Invited without mail (the admin copies the link).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "not_sent"))]
    NotSent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "queued"))]
    Queued,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    /// Every attempt failed; resending tries again.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
    /// The receiving server refused it for good (a 5xx reply): the address
    /// needs correcting.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "bounced"))]
    Bounced,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 5] = [
        DeliveryState::NotSent,
        DeliveryState::Queued,
        DeliveryState::Sent,
        DeliveryState::Failed,
        DeliveryState::Bounced,
    ];

    /// The stable name stored in the database and used by the JSON API.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::NotSent => "not_sent",
            DeliveryState::Queued => "queued",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Bounced => "bounced",
        }
    }

    /// What the Users table says.
    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::NotSent => "Not sent",
            DeliveryState::Queued => "Queued",
            DeliveryState::Sent => "Sent",
            DeliveryState::Failed => "Failed",
            DeliveryState::Bounced => "Bounced",
        }
    }

    /// Mail that did not arrive: the "Mail problems" filter.
    pub fn is_problem(self) -> bool {
        matches!(self, DeliveryState::Failed | DeliveryState::Bounced)
    }
}

/// What an outbox row delivers: the invitation itself, or the reminder sent
/// before its link expires (the same link: no new secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum MailKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invitation"))]
    Invitation,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "reminder"))]
    Reminder,
}
