mod add_users_dialog;
mod field;
mod form_alert;
mod outcome_pages;
mod person_actions;
mod workspace_frame;

pub use add_users_dialog::AddUsersDialog;
pub use field::Field;
pub use form_alert::FormAlert;
pub use outcome_pages::{set_status, ErrorPage, NotAllowed, NotFound};
pub use person_actions::{PersonActions, UsersPageEvents};
pub use workspace_frame::{FrameResource, WorkspaceLayout};
