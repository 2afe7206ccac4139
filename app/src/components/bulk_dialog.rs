//! The confirmation of a bulk change, its progress bar while the server does
//! it a chunk at a time, and what it did.
use super::{FormAlert, UsersPageEvents, GROUP_CHOICES};
use crate::api::bulk::{
    continue_bulk_change, start_bulk_change, thousands, BulkAction, BulkProgress, BulkRequest,
    BulkTarget,
};
use crate::api::users::count_people;
use crate::domain::Role;
use crate::error::AppError;
use leptos::html;
use leptos::prelude::*;

/// A bulk change to ask about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAsk {
    pub action: BulkAction,
    pub target: BulkTarget,
    /// How many people it is for, when the page knows; else the dialog asks.
    pub count: Option<u64>,
}

/// Opens the page's bulk dialog (provided by `BulkDialog`).
#[derive(Clone, Copy)]
pub struct BulkDialogs(RwSignal<Option<BulkAsk>>);

impl BulkDialogs {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    pub fn ask(&self, ask: BulkAsk) {
        self.0.set(Some(ask));
    }
}

impl Default for BulkDialogs {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the dialog is.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Asking,
    Running(BulkProgress),
    Done(BulkProgress),
}

#[component]
pub fn BulkDialog(slug: String, dialogs: BulkDialogs, on_done: Callback<()>) -> impl IntoView {
    let events = expect_context::<UsersPageEvents>();
    let dialog = NodeRef::<html::Dialog>::new();
    let asked = dialogs.0;
    let stage = RwSignal::new(Stage::Asking);
    let error = RwSignal::new(None::<AppError>);
    let stop = RwSignal::new(false);
    let role = RwSignal::new(Role::Member.as_str().to_owned());
    let group = RwSignal::new(String::new());
    let count = RwSignal::new(None::<u64>);

    Effect::new(move |_| {
        let ask = asked.get();
        stage.set(Stage::Asking);
        error.set(None);
        stop.set(false);
        count.set(ask.as_ref().and_then(|a| a.count));
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get() {
            if ask.is_some() && !dialog.open() {
                let _ = dialog.show_modal();
            } else if ask.is_none() && dialog.open() {
                dialog.close();
            }
        }
    });
    // The shortcuts do not know how many people they are for: ask.
    let counter = {
        let slug = slug.clone();
        Action::new(move |target: &BulkTarget| {
            let (slug, target) = (slug.clone(), target.clone());
            async move {
                if let BulkTarget::Matching { search, status } = target {
                    match count_people(slug, search, status).await {
                        Ok(n) => count.set(Some(n)),
                        Err(e) => error.set(Some(e)),
                    }
                }
            }
        })
    };
    Effect::new(move |_| {
        if let Some(ask) = asked.get() {
            if ask.count.is_none() {
                counter.dispatch(ask.target);
            }
        }
    });

    let run = {
        let slug = slug.clone();
        Action::new(move |ask: &BulkAsk| {
            let (slug, ask) = (slug.clone(), ask.clone());
            async move {
                error.set(None);
                let request = BulkRequest {
                    action: ask.action,
                    role: (ask.action == BulkAction::ChangeRole)
                        .then(|| Role::parse(&role.get_untracked()).ok())
                        .flatten(),
                    group: matches!(
                        ask.action,
                        BulkAction::AddToGroup | BulkAction::RemoveFromGroup
                    )
                    .then(|| group.get_untracked()),
                    target: ask.target,
                };
                let mut at = match start_bulk_change(slug.clone(), request).await {
                    Ok(at) => at,
                    Err(e) => return error.set(Some(e)),
                };
                while !at.finished && !stop.get_untracked() {
                    stage.set(Stage::Running(at.clone()));
                    // A step lost in transit is asked again: the server does it once.
                    let mut next =
                        continue_bulk_change(slug.clone(), at.id, at.cursor.clone()).await;
                    if next.is_err() {
                        next = continue_bulk_change(slug.clone(), at.id, at.cursor.clone()).await;
                    }
                    match next {
                        Ok(progress) => at = progress,
                        Err(e) => {
                            error.set(Some(e));
                            break;
                        }
                    }
                }
                let mut summary = at.summary.clone();
                if !at.finished {
                    summary = format!(
                        "Stopped after {} of {} people. {summary}",
                        thousands(at.done),
                        thousands(at.total)
                    );
                }
                stage.set(Stage::Done(BulkProgress { summary, ..at }));
                on_done.run(());
            }
        })
    };
    let close = move || {
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let on_close = move |_| {
        // Closing while it runs stops it after the chunk in hand.
        stop.set(true);
        if let Stage::Done(at) = stage.get_untracked() {
            events.announce.set(at.summary);
        }
        asked.set(None);
    };

    view! {
        <dialog node_ref=dialog class="dialog bulk-dialog" aria-labelledby="bulk-dialog-heading" on:close=on_close>
            {move || asked.get().map(|ask| {
                let action = ask.action;
                let question = move || {
                    let group_name = group.get();
                    let group_name = if group_name.trim().is_empty() { "the group".to_owned() } else { group_name.trim().to_owned() };
                    match count.get() {
                        Some(n) => action.question(n, Role::parse(&role.get()).ok(), &group_name),
                        None => "Counting the people it is for…".to_owned(),
                    }
                };
                let ask_to_run = ask.clone();
                view! {
                    <div class="dialog-header">
                        <h2 id="bulk-dialog-heading">{action.label()}</h2>
                        <button type="button" class="secondary" on:click=move |_| close()>
                            {move || if matches!(stage.get(), Stage::Running(_)) { "Stop" } else { "Close" }}
                        </button>
                    </div>
                    <FormAlert error=Signal::derive(move || error.get())/>
                    {move || match stage.get() {
                        Stage::Asking => {
                            let ask = ask_to_run.clone();
                            view! {
                                <form class="stack" on:submit=move |ev| { ev.prevent_default(); run.dispatch(ask.clone()); }>
                                    {(action == BulkAction::ChangeRole).then(|| view! {
                                        <div class="field">
                                            <label for="bulk-role">"New role"</label>
                                            <select id="bulk-role" on:change=move |ev| role.set(event_target_value(&ev))>
                                                {Role::ALL.into_iter().map(|r| view! {
                                                    <option value=r.as_str() selected=move || role.get() == r.as_str()>{r.label()}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                    })}
                                    {matches!(action, BulkAction::AddToGroup | BulkAction::RemoveFromGroup).then(|| view! {
                                        <div class="field">
                                            <label for="bulk-group">"Group"</label>
                                            <input id="bulk-group" type="text" list=GROUP_CHOICES autocomplete="off" required
                                                prop:value=move || group.get()
                                                on:input=move |ev| group.set(event_target_value(&ev))/>
                                        </div>
                                    })}
                                    <p id="bulk-dialog-question" class="bulk-question">{question}</p>
                                    <div class="button-row">
                                        <button type="submit" class:primary=!matches!(action, BulkAction::Revoke | BulkAction::Remove)
                                            class:danger-solid=matches!(action, BulkAction::Revoke | BulkAction::Remove)
                                            disabled=move || count.get().is_none_or(|n| n == 0) || run.pending().get()>
                                            {action.label()}
                                        </button>
                                        <button type="button" class="secondary" on:click=move |_| close()>"Cancel"</button>
                                    </div>
                                </form>
                            }.into_any()
                        }
                        Stage::Running(at) => view! {
                            <div class="stack">
                                <label for="bulk-progress">{format!("{} of {} people done", thousands(at.done), thousands(at.total))}</label>
                                <progress id="bulk-progress" max=at.total.max(1) value=at.done></progress>
                            </div>
                        }.into_any(),
                        Stage::Done(at) => view! {
                            <p class="bulk-result" role="status">{at.summary.clone()}</p>
                            <div class="button-row">
                                <button type="button" class="primary" on:click=move |_| close()>"Done"</button>
                            </div>
                        }.into_any(),
                    }}
                }
            })}
        </dialog>
    }
}
