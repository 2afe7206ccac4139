//! What the Users page's parts tell each other.
use leptos::prelude::*;

/// Bump `reload` to refresh the table; `announce` is read out by screen
/// readers (role "status"); `refocus` names the element that gets focus back
/// once the table has been drawn again (the row's menu button, after its
/// action).
#[derive(Clone, Copy)]
pub struct UsersPageEvents {
    pub reload: RwSignal<u32>,
    pub announce: RwSignal<String>,
    pub refocus: RwSignal<Option<String>>,
}

impl UsersPageEvents {
    pub fn new() -> Self {
        Self {
            reload: RwSignal::new(0),
            announce: RwSignal::new(String::new()),
            refocus: RwSignal::new(None),
        }
    }

    pub fn done(&self, message: String) {
        self.announce.set(message);
        self.reload.update(|n| *n += 1);
    }

    /// After the table is drawn again: focus goes back where it was.
    pub fn restore_focus(&self) {
        let Some(id) = self.refocus.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        {
            use web_sys::wasm_bindgen::JsCast;
            if let Some(element) = document()
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
                self.refocus.set(None);
            }
        }
        let _ = id;
    }
}

impl Default for UsersPageEvents {
    fn default() -> Self {
        Self::new()
    }
}
