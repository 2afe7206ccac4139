//! "Undo this import": asks first, then revokes the invitations the import
//! created that are still open (people who joined stay), puts back what it
//! changed for members, and says so.
use super::{confirm, FormAlert};
use crate::api::imports::{undo_import, ImportUndo, OutcomeCounts};
use crate::error::AppError;
use leptos::prelude::*;

/// The question asked before an undo.
pub fn undo_question(file_name: &str, counts: OutcomeCounts) -> String {
    let invitations = match counts.invited {
        0 => String::new(),
        1 => " Of the invitation it created, if still open, it is revoked and its link stops working. People who already joined stay.".to_owned(),
        n => format!(" Of the {n} invitations it created, those still open are revoked and their links stop working. People who already joined stay."),
    };
    let updates = match counts.updated {
        0 => String::new(),
        1 => " What it changed for 1 member is put back, where nobody has changed it since."
            .to_owned(),
        n => format!(
            " What it changed for {n} members is put back, where nobody has changed it since."
        ),
    };
    format!("Undo the import of {file_name}?{invitations}{updates}")
}

/// Whether an import did anything an undo can take back.
pub fn undoable(counts: OutcomeCounts) -> bool {
    counts.invited + counts.updated > 0
}

#[component]
pub fn UndoImport(
    slug: String,
    batch_id: i32,
    file_name: String,
    counts: OutcomeCounts,
    #[prop(into)] on_undone: Callback<ImportUndo>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let undo = Action::new(move |_: &()| {
        let slug = slug.clone();
        async move { undo_import(slug, batch_id).await }
    });
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(done)) => {
            error.set(None);
            on_undone.run(done);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let question = undo_question(&file_name, counts);
    view! {
        <button type="button" class="secondary" disabled=move || undo.pending().get()
            on:click=move |_| {
                if confirm(&question) {
                    undo.dispatch(());
                }
            }>
            {move || if undo.pending().get() { "Undoing…" } else { "Undo this import" }}
            <span class="visually-hidden">{format!(" of {file_name}")}</span>
        </button>
        <FormAlert error=Signal::derive(move || error.get())/>
    }
}
