//! The importer's steps: File → Columns → Review → Confirm → Result. Each
//! step is a panel of the Upload file view, and every panel stays in the
//! page, so going back and forth keeps every choice. Each move adds a
//! history entry: the browser's Back button goes back a step.
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    File,
    Columns,
    Review,
    Confirm,
    Result,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::File,
        Step::Columns,
        Step::Review,
        Step::Confirm,
        Step::Result,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Step::File => "File",
            Step::Columns => "Columns",
            Step::Review => "Review",
            Step::Confirm => "Confirm",
            Step::Result => "Result",
        }
    }

    pub fn number(self) -> usize {
        self as usize + 1
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn from_number(number: f64) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.number() as f64 == number)
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub fn back(self) -> Option<Step> {
        Step::ALL.get(self.number().checked_sub(2)?).copied()
    }
}

/// The step shown, and how to move.
#[derive(Clone, Copy)]
pub struct Steps {
    pub current: RwSignal<Step>,
}

impl Steps {
    /// Starts at File; follows the browser's Back and Forward buttons.
    pub fn new() -> Self {
        let current = RwSignal::new(Step::File);
        #[cfg(feature = "hydrate")]
        {
            let handle = window_event_listener(leptos::ev::popstate, move |ev| {
                // Our entries carry the step's number; the entry before the
                // first step (the page as it was) carries none.
                let state = ev.state();
                if state.is_null() || state.is_undefined() {
                    current.set(Step::File);
                } else if let Some(step) = state.as_f64().and_then(Step::from_number) {
                    current.set(step);
                }
            });
            on_cleanup(move || handle.remove());
        }
        Steps { current }
    }

    /// Shows `step`, with a history entry to come back to this one.
    pub fn go(&self, step: Step) {
        if self.current.get_untracked() == step {
            return;
        }
        self.current.set(step);
        // Written after the step is drawn: the entry costs the browser a
        // few milliseconds the drawing task need not carry.
        #[cfg(feature = "hydrate")]
        set_timeout(
            move || {
                if let Ok(history) = window().history() {
                    let number = web_sys::wasm_bindgen::JsValue::from_f64(step.number() as f64);
                    let _ = history.push_state_with_url(&number, "", None);
                }
            },
            std::time::Duration::ZERO,
        );
    }

    pub fn shows(&self, step: Step) -> bool {
        self.current.get() == step
    }
}

/// While `holds_work` says the importer holds something a reload or a
/// closed tab would lose (a file not yet uploaded, an upload under way —
/// browsers keep no chosen file across a reload), the browser asks before
/// the page goes. Only while `view` is on screen: a closed dialog asks
/// nothing.
pub fn ask_before_leaving(
    view: NodeRef<leptos::html::Div>,
    holds_work: impl Fn() -> bool + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
            let on_screen = view.get_untracked().is_some_and(|v| v.offset_width() > 0);
            if on_screen && holds_work() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (view, holds_work);
}

/// The list of steps; those not reachable yet are disabled.
#[component]
pub fn StepList(steps: Steps, #[prop(into)] furthest: Signal<Step>) -> impl IntoView {
    view! {
        <nav class="stepper" aria-label="Import steps">
            <ol>
                {Step::ALL.into_iter().map(|step| view! {
                    <li>
                        <button type="button"
                            aria-current=move || steps.shows(step).then_some("step")
                            disabled=move || { step > furthest.get() }
                            on:click=move |_| steps.go(step)>
                            <span class="step-number" aria-hidden="true">{step.number()}</span>
                            {step.label()}
                        </button>
                    </li>
                }).collect_view()}
            </ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_each_other() {
        assert_eq!(Step::File.next(), Some(Step::Columns));
        assert_eq!(Step::Confirm.next(), Some(Step::Result));
        assert_eq!(Step::Result.next(), None);
        assert_eq!(Step::File.back(), None);
        assert_eq!(Step::Review.back(), Some(Step::Columns));
        assert_eq!(Step::from_number(3.0), Some(Step::Review));
        assert_eq!(Step::from_number(9.0), None);
    }
}
