mod landing;
mod login;
mod setup;
mod users;
mod workspace_home;

pub use landing::LandingPage;
pub use login::LoginPage;
pub use setup::SetupPage;
pub use users::UsersPage;
pub use workspace_home::WorkspaceHome;
