//! "Undo this import": asks first, then revokes the invitations the import
//! created that are still open (people who joined stay) and says so.
use super::{confirm, FormAlert};
use crate::api::imports::{undo_import, ImportUndo};
use crate::error::AppError;
use leptos::prelude::*;

/// The question asked before an undo.
pub fn undo_question(file_name: &str, invited: u32) -> String {
    let invitations = match invited {
        1 => "the invitation it created".to_owned(),
        n => format!("the {n} invitations it created"),
    };
    format!(
        "Undo the import of {file_name}? Of {invitations}, those still open are revoked and their links stop working. People who already joined stay."
    )
}

#[component]
pub fn UndoImport(
    slug: String,
    batch_id: i32,
    file_name: String,
    invited: u32,
    #[prop(into)] on_undone: Callback<ImportUndo>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let undo = Action::new_local(move |_: &()| {
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
    let question = undo_question(&file_name, invited);
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
