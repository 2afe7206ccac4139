//! Choosing many people in the Users table and acting on all of them: a
//! checkbox per row, one for the page, then "Select all N matching" for the
//! whole filtered set; the actions' buttons; and the shortcuts for expired
//! invitations. The confirmation and the progress live in `BulkDialog`.
use super::bulk_dialog::{BulkAsk, BulkDialogs};
use crate::api::bulk::{thousands, BulkAction, BulkTarget};
use crate::api::users::PersonId;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Who is chosen: people ticked one by one, or everyone matching the filter.
#[derive(Clone, Copy)]
pub struct Selection {
    pub people: RwSignal<BTreeSet<PersonId>>,
    pub all_matching: RwSignal<bool>,
}

impl Selection {
    pub fn new() -> Self {
        Self {
            people: RwSignal::new(BTreeSet::new()),
            all_matching: RwSignal::new(false),
        }
    }

    pub fn clear(&self) {
        self.people.set(BTreeSet::new());
        self.all_matching.set(false);
    }

    pub fn toggle(&self, person: PersonId, on: bool) {
        self.all_matching.set(false);
        self.people.update(|chosen| {
            if on {
                chosen.insert(person);
            } else {
                chosen.remove(&person);
            }
        });
    }
}

impl Default for Selection {
    fn default() -> Self {
        Self::new()
    }
}

/// What the table is filtered by, for "everyone matching".
#[derive(Clone, Copy)]
pub struct Filters {
    pub search: RwSignal<String>,
    pub status: RwSignal<String>,
}

/// The row of buttons over the table when people are chosen, and the
/// shortcuts for expired invitations otherwise.
#[component]
pub fn BulkBar(
    selection: Selection,
    filters: Filters,
    /// How many people the filter matches (all pages).
    #[prop(into)]
    matching: Signal<u64>,
) -> impl IntoView {
    let dialogs = expect_context::<BulkDialogs>();
    let chosen = move || {
        if selection.all_matching.get() {
            matching.get()
        } else {
            selection.people.with(|p| p.len() as u64)
        }
    };
    let ask = move |action: BulkAction| {
        let (target, count) = if selection.all_matching.get_untracked() {
            (
                BulkTarget::Matching {
                    search: filters.search.get_untracked(),
                    status: filters.status.get_untracked(),
                },
                matching.get_untracked(),
            )
        } else {
            let people: Vec<PersonId> = selection.people.get_untracked().into_iter().collect();
            let count = people.len() as u64;
            (BulkTarget::People(people), count)
        };
        dialogs.ask(BulkAsk {
            action,
            target,
            count: Some(count),
        });
    };
    let expired = move |action: BulkAction| {
        dialogs.ask(BulkAsk {
            action,
            target: BulkTarget::Matching {
                search: String::new(),
                status: "expired".into(),
            },
            count: None,
        });
    };
    view! {
        {move || if chosen() > 0 {
            view! {
                <div class="bulk-bar" role="toolbar" aria-label="Act on the chosen people">
                    <span class="bulk-count">{move || format!("{} selected", thousands(chosen()))}</span>
                    {BulkAction::ALL.into_iter().map(|action| view! {
                        <button type="button" class:danger=matches!(action, BulkAction::Revoke | BulkAction::Remove)
                            on:click=move |_| ask(action)>{action.label()}</button>
                    }).collect_view()}
                    <button type="button" class="secondary" on:click=move |_| selection.clear()>"Clear selection"</button>
                </div>
            }.into_any()
        } else {
            view! {
                <div class="bulk-shortcuts">
                    <button type="button" on:click=move |_| expired(BulkAction::Resend)>"Resend all expired"</button>
                    <button type="button" class="danger" on:click=move |_| expired(BulkAction::Revoke)>"Revoke all expired"</button>
                </div>
            }.into_any()
        }}
    }
}

/// Under the header when the whole page is ticked: the step to every page.
#[component]
pub fn SelectAllMatching(
    selection: Selection,
    on_page: Vec<PersonId>,
    total: u64,
) -> impl IntoView {
    let page_count = on_page.len();
    let whole_page = move || {
        page_count > 0
            && selection
                .people
                .with(|p| on_page.iter().all(|id| p.contains(id)))
    };
    move || {
        if selection.all_matching.get() {
            Some(
                view! {
                    <p class="select-all-note">
                        {format!("All {} people matching are selected. ", thousands(total))}
                        <button type="button" class="link-button" on:click=move |_| selection.clear()>"Clear selection"</button>
                    </p>
                }
                .into_any(),
            )
        } else if whole_page() && total > page_count as u64 {
            Some(
                view! {
                    <p class="select-all-note">
                        {format!("All {page_count} on this page are selected. ")}
                        <button type="button" class="link-button" on:click=move |_| selection.all_matching.set(true)>
                            {format!("Select all {} matching", thousands(total))}
                        </button>
                    </p>
                }
                .into_any(),
            )
        } else {
            None
        }
    }
}
