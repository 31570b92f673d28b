use super::class_names;
use super::diagnostics_view::severity_mark;
use crate::core::panel_state::{headline, Action, ConnectionState, DiagnosisReport, View};
use crate::core::protocol::{ApiState, PageStatus};
use crate::devpanel::hooks::PanelActions;
use yew::prelude::*;

/// A function, not a component: it has no state of its own, and each component costs the wasm
/// its own copy of Yew's lifecycle code.
pub fn status_bar(
    actions: &PanelActions,
    connection: ConnectionState,
    status: &PageStatus,
    diagnosis: &DiagnosisReport,
    pending: bool,
) -> Html {
    let api = status.api.as_str();
    let api_label = match status.api {
        ApiState::Ready => "ready",
        ApiState::Placeholder => "placeholder (waiting for widget.load())",
        ApiState::Absent => "absent",
    };
    let (connection_class, connection_label) = match connection {
        ConnectionState::Connected => ("connected", "Connected"),
        ConnectionState::Connecting => ("connecting", "Connecting…"),
        ConnectionState::Disconnected => ("disconnected", "Reconnecting…"),
    };
    let actions = actions.clone();
    let on_open_diagnostics = Callback::from(move |_| actions.dispatch(Action::SelectView(View::Diagnostics)));
    let worst = diagnosis.worst();
    let (level, icon, text) = if pending {
        ("pending", "…", "Checking…".to_string())
    } else {
        (worst.map_or("ok", |s| s.as_str()), worst.map_or("✓", |s| severity_mark(s).0), headline(&diagnosis.diagnosis))
    };
    html! {
        <header class="status-header">
        <div class="status-bar" data-api-state={api} data-widget-loaded={status.widget_loaded.to_string()}
                role="status" aria-live="polite">
            <span class={class_names(&[Some("connection"), Some(connection_class)])} title={connection_label} role="img" aria-label={connection_label}></span>
            <span class={class_names(&[Some("field diagnosis"), Some(level)])} data-diagnosis={level}>
                <span class="diagnosis-icon" aria-hidden="true">{ icon }</span>
                <button type="button" class="diagnosis-link" onclick={on_open_diagnostics} title={format!("{text}: open the Diagnostics view")}>
                    { text }
                </button>
            </span>
            <span class="field"><span class="label">{ "API" }</span>
                <span class={class_names(&[Some("value api"), Some(api)])}>{ api_label }</span></span>
            <span class="field"><span class="label">{ "Widget" }</span>
                <span class="value">{ if status.widget_loaded { "loaded" } else { "not loaded" } }</span></span>
            if let Some(portal) = &status.portal {
                <span class="field"><span class="label">{ "Portal" }</span><span class="value portal">{ portal }</span></span>
            }
            if let Some(src) = &status.loader_src {
                <span class="field loader"><span class="label">{ "Loader" }</span>
                    <span class="value url" title={src.clone()}>{ src }</span></span>
            }
            if status.overflow > 0 {
                <span class="field warning" data-overflow={status.overflow.to_string()}
                      title="The page sent batches faster than the background could take them: the oldest waiting ones were dropped, with their entries">
                    { format!("{} page batches dropped under load", status.overflow) }
                </span>
            }
            if status.hook_silent {
                <span class="field warning" data-hook-silent="true"
                      title="The hook injected into this page (loaded before the extension) does not answer: the page replaced builtins it needs (events, JSON, timers) and no fresh realm could be had. Reload the page to observe it.">
                    { "Page not observable: it broke the builtins the hook needs (reload it)" }
                </span>
            }
            if status.unstored {
                <span class="field warning" data-storage-error="true"
                      title="The browser refused to store this tab's log (storage.session is full). The page keeps its events until they are stored.">
                    { "Log not stored: the page keeps its events" }
                </span>
            }
            if status.rejected > 0 {
                <span class="field warning" title="Messages from the page that were malformed, oversized or forged were refused">
                    { format!("{} page messages refused", status.rejected) }
                </span>
            }
        </div>
        </header>
    }
}
