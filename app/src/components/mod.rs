mod field;
mod form_alert;
mod outcome_pages;
mod workspace_frame;

pub use field::Field;
pub use form_alert::FormAlert;
pub use outcome_pages::{ErrorPage, NotAllowed, NotFound};
pub use workspace_frame::{FrameResource, WorkspaceLayout};
