//! "Previous page" / "Page n of m" / "Next page" under a paged table.
use leptos::prelude::*;

/// Shown only when there is more than one page. `shown` is 0-based.
#[component]
pub fn Pager(
    page: RwSignal<usize>,
    shown: usize,
    pages: usize,
    /// Runs before moving to the next page (to say where it starts).
    #[prop(optional)]
    before_next: Option<Callback<()>>,
) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                <button type="button" disabled={shown == 0} on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous page"</button>
                <span>{format!("Page {} of {pages}", shown + 1)}</span>
                <button type="button" disabled={shown + 1 >= pages} on:click=move |_| {
                    if let Some(before) = before_next {
                        before.run(());
                    }
                    page.update(|p| *p += 1);
                }>"Next page"</button>
            </nav>
        }
    })
}
