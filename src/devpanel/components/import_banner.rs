//! Above the log: the banner saying that an imported file is shown (with "Back to live log"), why
//! an import failed, and the result of the last copy command.

use crate::core::panel_state::{Action, Copied, ImportedLog};
use crate::devpanel::hooks::PanelActions;
use std::rc::Rc;
use yew::prelude::*;

/// Functions, not components: they have no state of their own.
pub fn import_banner(actions: &PanelActions, imported: Option<&ImportedLog>, error: Option<&str>) -> Html {
    let on_back = {
        let actions = actions.clone();
        Callback::from(move |_| actions.dispatch(Action::BackToLive))
    };
    let actions = actions.clone();
    let on_dismiss = Callback::from(move |_| actions.dispatch(Action::DismissImportError));
    html! {
        <>
            if let Some(imported) = imported {
                <div class="import-banner" role="status" data-import-file={imported.file_name.clone()}>
                    <span>
                        { "Showing an imported log: " }<strong>{ &imported.file_name }</strong>
                        { format!(" ({} entries{}). The live log keeps recording.", imported.entries.len(),
                            if imported.url.is_empty() { String::new() } else { format!(" from {}", imported.url) }) }
                    </span>
                    <button type="button" onclick={on_back}>{ "Back to live log" }</button>
                </div>
            }
            if let Some(error) = error {
                <div class="import-error" role="alert" data-import-error="true">
                    <span>{ error }</span>
                    <button type="button" class="close" aria-label="Dismiss" onclick={on_dismiss}>{ "×" }</button>
                </div>
            }
        </>
    }
}

/// "Copied payload" for a moment; the text copied stays in `data-copied` (tests read it).
pub fn copy_status(copied: Option<&Rc<Copied>>) -> Html {
    let Some(copied) = copied else {
        return html! { <span class="copy-status" role="status"></span> };
    };
    let text = match copied.how.as_str() {
        "failed" => format!("{}: the browser refused to copy", copied.what),
        _ => format!("Copied: {}", copied.what.trim_start_matches("Copy ")),
    };
    html! {
        <span key={format!("{:p}", Rc::as_ptr(copied))} class={if copied.how == "failed" { "copy-status shown failed" } else { "copy-status shown" }}
              role="status" data-copied={copied.text.clone()} data-copied-how={copied.how.clone()} data-copied-what={copied.what.clone()}>
            { text }
        </span>
    }
}
