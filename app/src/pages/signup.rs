use crate::api::signup::{open_invitation, AcceptInvitation, InvitationView, LinkProblem};
use crate::components::{set_status, ErrorPage, Field, FormAlert};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/invite/{token}`: the page an invitation link opens.
#[component]
pub fn SignupPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, open_invitation);
    view! {
        <Title text="Join a workspace · Muster"/>
        <main id="main" class="auth-page">
            <section class="card" aria-labelledby="signup-heading">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Ok(Ok(found)) => EitherOf3::A(view! { <SignupForm token=token() invitation=found/> }),
                            Ok(Err(problem)) => EitherOf3::B(view! { <BrokenLink problem/> }),
                            Err(error) => EitherOf3::C(view! { <ErrorPage error/> }),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SignupForm(token: String, invitation: InvitationView) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let InvitationView {
        workspace_name,
        email,
        display_name,
        has_account,
    } = invitation;
    view! {
        <h1 id="signup-heading">{format!("Join {workspace_name}")}</h1>
        <p>"You were invited as " <strong>{email}</strong> "."</p>
        <ActionForm action>
            <input type="hidden" name="token" value=token/>
            <FormAlert error/>
            {if has_account {
                Either::Left(view! {
                    <p>"You already have a Muster account. Enter its password to join."</p>
                    <input type="hidden" name="display_name" value=display_name/>
                    <Field label="Password" name="password" input_type="password" autocomplete="current-password" error/>
                })
            } else {
                Either::Right(view! {
                    <Field label="Display name" name="display_name" autocomplete="name" value=display_name error/>
                    <Field
                        label="Password"
                        name="password"
                        input_type="password"
                        autocomplete="new-password"
                        hint="8 to 128 characters. A long phrase is easier to remember and harder to guess."
                        error
                    />
                })
            }}
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "Join workspace"
            </button>
        </ActionForm>
    }
}

#[component]
fn BrokenLink(problem: LinkProblem) -> impl IntoView {
    set_status(http::StatusCode::GONE);
    view! {
        <h1 id="signup-heading">{problem.heading()}</h1>
        <p>"Ask your admin to resend your invitation. A new link will arrive by mail."</p>
    }
}
