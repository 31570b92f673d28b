//! Widget tab: call every SDK method in the page, against the current object, and see what
//! happened. The loaded state comes from what the hook observed, never from polling `status()`.

use super::format_since_navigation;
use crate::core::protocol::{ApiState, EntryKind, PanelRequest};
use crate::devpanel::hooks::PanelStore;
use serde_json::{json, Value};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const RECENT_CALLS: usize = 20;

#[derive(Properties, PartialEq)]
pub struct WidgetTabProps {
    pub store: PanelStore,
}

/// A method button, with the one boolean option it may take.
#[derive(Properties, PartialEq)]
struct MethodProps {
    store: PanelStore,
    method: &'static str,
    #[prop_or_default]
    option: Option<&'static str>,
    /// Fixed arguments (e.g. `debug(true)`), used instead of an option.
    #[prop_or_default]
    args: Option<Vec<Value>>,
    #[prop_or_default]
    label: Option<String>,
    help: &'static str,
}

#[function_component(MethodButton)]
fn method_button(props: &MethodProps) -> Html {
    let checked = use_state(|| false);
    let onclick = {
        let (store, method, option, args, checked) =
            (props.store.clone(), props.method, props.option, props.args.clone(), *checked);
        Callback::from(move |_| {
            let args = match (&args, option) {
                (Some(args), _) => args.clone(),
                (None, Some(option)) if checked => vec![json!({ option: true })],
                _ => vec![],
            };
            store.request(PanelRequest::Call { method: method.to_string(), args });
        })
    };
    let on_option = {
        let checked = checked.clone();
        Callback::from(move |e: Event| checked.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let label = props.label.clone().unwrap_or_else(|| format!("{}()", props.method));
    html! {
        <div class="method">
            <button type="button" class="call" {onclick} title={props.help}>{ label }</button>
            if let Some(option) = props.option {
                <label class="check"><input type="checkbox" checked={*checked} onchange={on_option} />{ option }</label>
            }
            <span class="help">{ props.help }</span>
        </div>
    }
}

#[function_component(WidgetTab)]
pub fn widget_tab(props: &WidgetTabProps) -> Html {
    let store = &props.store;
    let state = store.state();
    let status = &state.status;
    let has = |method: &str| status.methods.iter().any(|m| m == method);
    let on_snapshot = {
        let store = store.clone();
        Callback::from(move |_| store.request(PanelRequest::ReadPage))
    };
    let inline_selector = status
        .settings_now
        .as_ref()
        .and_then(|s| s.fields.get("inlineEmbedSelector"))
        .and_then(|f| f.value.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    // A snapshot always carries an inline record; without a selector there is no inline embed.
    let inline = status.inline.as_ref().filter(|i| !i.selector.is_empty());
    let recent: Vec<_> = state.entries.iter().rev().filter(|e| e.kind == EntryKind::Call).take(RECENT_CALLS).collect();
    let not_ready = status.api == ApiState::Absent;

    html! {
        <div class="pane widget-pane">
            <section class="card" aria-labelledby="widget-state">
                <h2 id="widget-state">{ "Widget" }</h2>
                <dl class="facts">
                    <dt>{ "API" }</dt><dd>{ status.api.as_str() }</dd>
                    <dt>{ "Chat iframe" }</dt>
                    <dd>{ if status.widget_loaded { "loaded (seen by the hook: the iframe fired load)" } else { "not loaded" } }</dd>
                    if !status.methods.is_empty() {
                        <dt>{ "Methods" }</dt><dd class="mono">{ status.methods.join(", ") }</dd>
                    }
                </dl>
                if not_ready {
                    <p class="note">{ "window.HubSpotConversations is not set on this page: calls will report \"API not ready\"." }</p>
                }
            </section>
            <section class="card" aria-labelledby="widget-methods">
                <h2 id="widget-methods">{ "Call the SDK" }</h2>
                <p class="note">{ "Each call runs in the page against the current window.HubSpotConversations. HubSpot's usage analytics record every call." }</p>
                <MethodButton store={store.clone()} method="widget.load" option={Some("widgetOpen")}
                    help="Load the widget (needed with loadImmediately:false). Throttled to one call per second." />
                <MethodButton store={store.clone()} method="widget.refresh" option={Some("openToNewThread")}
                    help="Re-render for the current URL (SPA route changes). Throttled to one call per second." />
                <MethodButton store={store.clone()} method="widget.open" help="Open the widget." />
                <MethodButton store={store.clone()} method="widget.close" help="Close the widget." />
                <MethodButton store={store.clone()} method="widget.remove" help="Remove the widget from the page." />
                <MethodButton store={store.clone()} method="widget.status" help="Ask the loader: { loaded, pending }." />
                <MethodButton store={store.clone()} method="clear" option={Some("resetWidget")}
                    help="Delete the chat cookies; resetWidget also rebuilds the widget (a new object)." />
                if has("debug") {
                    <MethodButton store={store.clone()} method="debug" args={Some(vec![json!(true)])}
                        label={Some("debug(true)".to_string())} help="Turn on the loader's debug logging." />
                    <MethodButton store={store.clone()} method="debug" args={Some(vec![json!(false)])}
                        label={Some("debug(false)".to_string())} help="Turn it off." />
                }
                if has("resetAndReloadWidget") {
                    <MethodButton store={store.clone()} method="resetAndReloadWidget"
                        help="Undocumented: clear cookies and rebuild the widget." />
                }
            </section>
            <section class="card calls" aria-labelledby="widget-calls">
                <h2 id="widget-calls">{ "Results" }</h2>
                if recent.is_empty() {
                    <p class="note">{ "No call yet." }</p>
                }
                <ul class="call-results" aria-live="polite">
                    { for recent.into_iter().map(|entry| html! {
                        <li key={entry.id} data-call={entry.name.clone()} class="call-result">
                            <span class="time">{ format_since_navigation(entry.t) }</span>
                            <strong class="mono">{ format!("{}()", entry.name) }</strong>
                            <span class="summary">{ &entry.summary }</span>
                            <code class="payload">{ &entry.payload }</code>
                        </li>
                    }) }
                </ul>
            </section>
            if inline_selector.is_some() || inline.is_some() {
                <section class="card" aria-labelledby="widget-inline">
                    <h2 id="widget-inline">{ "Inline embed" }</h2>
                    { inline_facts(inline, inline_selector.as_deref()) }
                    <button type="button" onclick={on_snapshot}>{ "Measure again" }</button>
                </section>
            }
        </div>
    }
}

fn inline_facts(inline: Option<&crate::core::protocol::InlineView>, selector: Option<&str>) -> Html {
    let selector = inline.map(|i| i.selector.as_str()).or(selector).unwrap_or_default();
    html! {
        <dl class="facts">
            <dt>{ "inlineEmbedSelector" }</dt><dd class="mono">{ selector }</dd>
            if let Some(inline) = inline {
                <dt>{ "Target element" }</dt>
                <dd class={if inline.exists { "ok" } else { "bad" }}>
                    { if inline.exists { "found" } else { "NOT found: the widget renders nothing and logs nothing" } }
                </dd>
                <dt>{ "#hubspot-conversations-inline-iframe" }</dt>
                <dd>{ if inline.width > 0.0 || inline.height > 0.0 { format!("{} × {} px", inline.width, inline.height) } else { "absent".to_string() } }</dd>
            }
        </dl>
    }
}
