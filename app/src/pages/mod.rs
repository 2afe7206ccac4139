mod activity;
mod api_tokens;
mod groups;
mod imports;
mod landing;
mod lazy;
mod login;
mod setup;
mod signup;
mod users;
mod workspace_home;
mod workspace_settings;

pub use activity::ActivityLogPage;
pub use api_tokens::ApiTokensPage;
pub use groups::GroupsPage;
pub use imports::ImportsPage;
pub use landing::LandingPage;
pub use lazy::{
    ActivityRoute, ApiTokensRoute, GroupsRoute, ImportsRoute, LandingRoute, LoginRoute, SetupRoute,
    SignupRoute, UsersRoute, WorkspaceHomeRoute, WorkspaceSettingsRoute,
};
pub use login::LoginPage;
pub use setup::SetupPage;
pub use signup::SignupPage;
pub use users::UsersPage;
pub use workspace_home::WorkspaceHome;
pub use workspace_settings::WorkspaceSettingsPage;
