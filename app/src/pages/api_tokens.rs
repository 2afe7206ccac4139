use crate::api::api_tokens::{list_api_tokens, revoke_api_token, ApiTokenSummary, CreateApiToken};
use crate::components::{
    confirm, copy_to_clipboard, Announcement, ErrorPage, Field, FormAlert, FrameResource,
};
use crate::domain::format_date_time;
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/w/{slug}/settings/api-tokens`: tokens for the JSON API. Admins only.
#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let create = ServerAction::<CreateApiToken>::new();
    let reload = RwSignal::new(0u32);
    let announce = RwSignal::new(String::new());
    let tokens = Resource::new(
        move || (slug(), reload.get(), create.version().get()),
        |(slug, _, _)| list_api_tokens(slug),
    );
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            announce.set(format!(
                "Created the API token “{}”. Copy it now: it is not shown again.",
                created.token.name
            ));
        }
    });
    view! {
        <Title text="API tokens · Muster"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(frame) if frame.viewer_is_admin => Either::Left(view! {
                        <TokensAdmin slug=frame.slug tokens create reload announce/>
                    }),
                    Ok(_) => Either::Right(view! { <ErrorPage error=AppError::Forbidden/> }),
                    Err(error) => Either::Right(view! { <ErrorPage error/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TokensAdmin(
    slug: String,
    tokens: Resource<Result<Vec<ApiTokenSummary>, AppError>>,
    create: ServerAction<CreateApiToken>,
    reload: RwSignal<u32>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || create.value().get().and_then(Result::ok);
    let form_slug = slug.clone();
    view! {
        <div class="page-header"><h1>"API tokens"</h1></div>
        <p>
            "A token lets a script invite people into this workspace, list invitations and members, "
            "resend and revoke invitations through the JSON API at "<code>"/api/v1"</code>
            " (described at "<a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a>"). "
            "It cannot sign in or change members. Send it as "<code>"Authorization: Bearer …"</code>"."
        </p>
        <Announcement message=announce/>
        <section class="card" aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">"New token"</h2>
            <ActionForm action=create attr:class="inline-form">
                <input type="hidden" name="slug" value=form_slug/>
                <FormAlert error/>
                <Field label="Token name" name="name" autocomplete="off" hint="What will use it, e.g. “HR sync”." error/>
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            {move || created().map(|created| {
                let secret = created.secret.clone();
                view! {
                    <div class="notice">
                        <label for="new-api-token">"New API token"</label>
                        <input id="new-api-token" type="text" readonly value=created.secret.clone()
                            aria-describedby="new-api-token-hint"/>
                        <p id="new-api-token-hint">"Copy it now: Muster keeps only a fingerprint and cannot show it again."</p>
                        <button type="button" on:click=move |_| {
                            if copy_to_clipboard(&secret) {
                                announce.set("Copied the token.".into());
                            }
                        }>"Copy token"</button>
                    </div>
                }
            })}
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    match tokens.await {
                        Ok(tokens) if tokens.is_empty() => Either::Left(Either::Left(view! {
                            <p class="empty">"No tokens yet."</p>
                        })),
                        Ok(tokens) => Either::Left(Either::Right(view! { <TokensTable slug tokens reload announce/> })),
                        Err(error) => Either::Right(view! { <ErrorPage error/> }),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn TokensTable(
    slug: String,
    tokens: Vec<ApiTokenSummary>,
    reload: RwSignal<u32>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let count = tokens.len();
    view! {
        <table class="data-table">
            <caption>{format!("{count} {}", if count == 1 { "token" } else { "tokens" })}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Ends with"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {tokens.into_iter().map(|token| view! { <TokenRow slug=slug.clone() token reload announce/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn TokenRow(
    slug: String,
    token: ApiTokenSummary,
    reload: RwSignal<u32>,
    announce: RwSignal<String>,
) -> impl IntoView {
    let ApiTokenSummary {
        id,
        name,
        hint,
        created_by,
        created_at,
        last_used_at,
        revoked_at,
    } = token;
    let revoke = {
        let (slug, name) = (slug.clone(), name.clone());
        Action::new(move |_: &()| {
            let (slug, name) = (slug.clone(), name.clone());
            async move {
                match revoke_api_token(slug, id).await {
                    Ok(()) => {
                        announce.set(format!("Revoked the API token “{name}”."));
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => announce.set(e.to_string()),
                }
            }
        })
    };
    let confirm_revoke = {
        let name = name.clone();
        move |_| {
            if confirm(&format!(
                "Revoke the API token “{name}”? Scripts using it stop working at once."
            )) {
                revoke.dispatch(());
            }
        }
    };
    let created = match created_by {
        Some(by) => format!("{} by {by}", format_date_time(created_at)),
        None => format_date_time(created_at),
    };
    let revoke_label = format!("Revoke {name}");
    view! {
        <tr>
            <td>{name}</td>
            <td><code>{format!("…{hint}")}</code></td>
            <td>{created}</td>
            <td>{last_used_at.map_or_else(|| "Never".to_owned(), format_date_time)}</td>
            <td>{match revoked_at {
                Some(at) => format!("Revoked {}", format_date_time(at)),
                None => "Active".to_owned(),
            }}</td>
            <td>
                {revoked_at.is_none().then(|| view! {
                    <div class="row-actions">
                        <button type="button" class="danger" on:click=confirm_revoke.clone() aria-label=revoke_label.clone()>"Revoke"</button>
                    </div>
                })}
            </td>
        </tr>
    }
}
