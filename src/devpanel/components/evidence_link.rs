//! A button that selects a log entry in Events and scrolls to it (`data-evidence` = its id).

use crate::core::panel_state::Action;
use crate::devpanel::hooks::use_panel_actions;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EvidenceLinkProps {
    pub id: u64,
    pub label: String,
    /// How it looks where it stands: a monospace chip in a list, or underlined inside a sentence.
    #[prop_or("evidence-link")]
    pub class: &'static str,
}

#[function_component(EvidenceLink)]
pub fn evidence_link(props: &EvidenceLinkProps) -> Html {
    let actions = use_panel_actions();
    let id = props.id;
    let onclick = Callback::from(move |_| actions.dispatch(Action::ShowEvidence(id)));
    html! {
        <button type="button" class={props.class} data-evidence={id.to_string()} {onclick}
                title="Show this entry in Events" aria-label={format!("Show in Events: {}", props.label)}>
            { &props.label }
        </button>
    }
}
