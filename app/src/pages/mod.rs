mod activity;
mod groups;
mod imports;
mod landing;
mod login;
mod setup;
mod signup;
mod users;
mod workspace_home;

pub use activity::ActivityLogPage;
pub use groups::GroupsPage;
pub use imports::ImportsPage;
pub use landing::LandingPage;
pub use login::LoginPage;
pub use setup::SetupPage;
pub use signup::SignupPage;
pub use users::UsersPage;
pub use workspace_home::WorkspaceHome;
