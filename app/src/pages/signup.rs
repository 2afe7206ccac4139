use crate::api::signup::{open_invitation, InvitationView, LinkProblem};
use crate::components::{set_status, ErrorPage, Field, FormAlert};
use crate::error::AppError;
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

const AVATAR_LIMIT_BYTES: f64 = 2.0 * 1024.0 * 1024.0;

/// A multipart form (it may carry a picture). Without JavaScript the browser
/// posts it as is; once hydrated it is sent in the background so errors show
/// beside the fields.
#[component]
fn SignupForm(token: String, invitation: InvitationView) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let InvitationView {
        workspace_name,
        email,
        display_name,
        has_account,
        signed_in_as,
    } = invitation;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use web_sys::wasm_bindgen::JsCast;
            ev.prevent_default();
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            // Refuse an oversized picture before sending 2 MB for nothing.
            if let Ok(file) = data.get("avatar").dyn_into::<web_sys::File>() {
                if file.size() > AVATAR_LIMIT_BYTES {
                    error.set(Some(AppError::Invalid {
                        field: "Avatar".into(),
                        message: "The picture is larger than 2 MB.".into(),
                    }));
                    return;
                }
            }
            error.set(None);
            pending.set(true);
            leptos::task::spawn_local(async move {
                let result = crate::api::signup::accept_invitation(data.into()).await;
                pending.set(false);
                // Success redirects (the server function's redirect header).
                if let Err(e) = result {
                    error.set(Some(e));
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, AVATAR_LIMIT_BYTES);
    };
    let error: Signal<Option<AppError>> = error.into();
    view! {
        <h1 id="signup-heading">{format!("Join {workspace_name}")}</h1>
        <p>"You were invited as " <strong>{email.clone()}</strong> "."</p>
        {signed_in_as.map(|other| view! {
            <p class="notice" role="note">
                "You are signed in as " <strong>{other}</strong> ". This invitation is for "
                <strong>{email}</strong> ": joining signs you in as that address instead, and "
                "your own account stays as it is."
            </p>
        })}
        <form method="post" action="/api/accept_invitation" enctype="multipart/form-data" on:submit=submit>
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
                    <Field
                        label="Avatar"
                        name="avatar"
                        input_type="file"
                        accept="image/png,image/jpeg,image/webp"
                        optional=true
                        hint="Optional. A PNG, JPEG or WebP picture up to 2 MB; it is cropped to a square."
                        error
                    />
                })
            }}
            <button type="submit" class="primary" disabled=move || pending.get()>
                "Join workspace"
            </button>
        </form>
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
