mod add_users_dialog;
mod announcement;
mod bulk_actions;
mod bulk_dialog;
mod expiry_select;
mod field;
pub(crate) mod file_check;
mod file_settings;
mod form_alert;
mod import_choices;
mod import_preview;
mod import_steps;
mod outcome_pages;
mod page_events;
mod pager;
mod person_dialog;
mod person_menu;
mod recent_imports;
mod save_file;
mod undo_import;
mod upload_tab;
mod workspace_frame;

pub use add_users_dialog::AddUsersDialog;
pub use announcement::Announcement;
pub use bulk_actions::{BulkBar, Filters, SelectAllMatching, Selection};
pub use bulk_dialog::{BulkDialog, BulkDialogs};
pub use expiry_select::{ExpirySelect, MESSAGE_HINT};
pub use field::Field;
pub use form_alert::FormAlert;
pub use outcome_pages::{
    set_status, ErrorPage, NotAllowed, NotFound, PageNotLoaded, PageNotLoadedAlert,
};
pub use page_events::UsersPageEvents;
pub use pager::Pager;
pub use person_dialog::{PersonDialog, PersonDialogs};
pub use person_menu::{confirm, copy_to_clipboard, PersonMenu};
pub use recent_imports::RecentImports;
pub use undo_import::{undoable, UndoImport};
pub use upload_tab::UploadTab;
pub use workspace_frame::{invite_defaults, FrameResource, WorkspaceLayout};

/// The id of the Users page's `<datalist>` of existing groups, offered as you type.
pub const GROUP_CHOICES: &str = "group-choices";
