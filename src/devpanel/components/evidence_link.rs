//! A button that selects a log entry in Events and scrolls to it (`data-evidence` = its id).

use crate::core::panel_state::Action;
use crate::devpanel::hooks::PanelActions;
use yew::prelude::*;

/// `class`: how it looks where it stands, `evidence-link` (a monospace chip in a list) or
/// `render-source` (underlined inside a sentence). A function, not a component: it has no state of
/// its own, and each component costs the wasm its own copy of Yew's lifecycle code.
pub fn evidence_link(actions: &PanelActions, id: u64, label: &str, class: &'static str) -> Html {
    let actions = actions.clone();
    let onclick = Callback::from(move |_| actions.dispatch(Action::ShowEvidence(id)));
    html! {
        <button type="button" {class} data-evidence={id.to_string()} {onclick}
                title="Show this entry in Events" aria-label={format!("Show in Events: {label}")}>
            { label }
        </button>
    }
}
