use crate::api::workspace::{load_workspace_settings, SaveWorkspaceSettings, WorkspaceSettings};
use crate::components::{Announcement, ErrorPage, ExpirySelect, Field, FormAlert, FrameResource};
use crate::domain::Role;
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/workspace`: the workspace's name and how invitations
/// start out. Admins only.
#[component]
pub fn WorkspaceSettingsPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let save = ServerAction::<SaveWorkspaceSettings>::new();
    let settings = Resource::new(
        move || (slug(), save.version().get()),
        |(slug, _)| load_workspace_settings(slug),
    );
    // A new name shows in the top bar at once.
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            frame.refetch();
        }
    });
    view! {
        <Title text="Workspace settings · Muster"/>
        <div class="page-header"><h1>"Workspace settings"</h1></div>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (frame.await, settings.await) {
                    (Ok(frame), Ok(current)) if frame.viewer_is_admin => Either::Left(view! {
                        <SettingsForm slug=frame.slug current save/>
                    }),
                    (Err(error), _) | (Ok(_), Err(error)) => Either::Right(view! { <ErrorPage error/> }),
                    (Ok(_), Ok(_)) => Either::Right(view! { <ErrorPage error=AppError::Forbidden/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(
    slug: String,
    current: WorkspaceSettings,
    save: ServerAction<SaveWorkspaceSettings>,
) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || {
        save.value()
            .get()
            .and_then(Result::ok)
            .map(|_| "Settings saved.")
    };
    let expiry = RwSignal::new(
        current
            .expiry_days
            .map(|d| d.days().to_string())
            .unwrap_or_default(),
    );
    let server_hours = current.server_expiry_hours;
    view! {
        <Announcement message=Signal::derive(move || saved().unwrap_or_default().to_owned())/>
        <ActionForm action=save attr:class="settings-form">
            <input type="hidden" name="slug" value=slug/>
            <FormAlert error/>
            <Field label="Workspace name" name="name" autocomplete="off" value=current.name.clone() error/>
            <fieldset>
                <legend>"New invitations"</legend>
                <div class="field">
                    <label for="field-default-role">"Default role"</label>
                    <select id="field-default-role" name="default_role" aria-describedby="default-role-hint">
                        {Role::ALL
                            .into_iter()
                            .map(|role| view! {
                                <option value=role.as_str() selected=role == current.default_role>{role.label()}</option>
                            })
                            .collect_view()}
                    </select>
                    <p class="hint" id="default-role-hint">"For people invited without a role, and for file rows without one."</p>
                </div>
                <ExpirySelect id="field-expiry-days" name="expiry_days" value=expiry
                    default_hours=Signal::derive(move || Some(server_hours))/>
                <div class="field checkbox">
                    <input id="field-reminders" type="checkbox" name="reminders" value="on"
                        checked=current.reminders aria-describedby="reminders-hint"/>
                    <label for="field-reminders">"Send reminders"</label>
                    <p class="hint" id="reminders-hint">
                        "One reminder two days before the link expires, for links that live four days or more; "
                        "never for invitations made without mail."
                    </p>
                </div>
                <div class="field checkbox">
                    <input id="field-send-email-default" type="checkbox" name="send_email_default" value="on"
                        checked=current.send_email_default/>
                    <label for="field-send-email-default">"“Send invitation emails” starts on when uploading a file"</label>
                </div>
            </fieldset>
            <button type="submit" class="primary" disabled=move || save.pending().get()>"Save"</button>
        </ActionForm>
    }
}
