//! Widget view: call every SDK method in the page, against the current object, and see what
//! happened. The loaded state and whether the chat renders come from what the hook observed,
//! never from polling `status()` or listening with `on()` — except `widgetHidden`, which the user
//! may opt in to per site (HubSpot's usage report records that listener).

use super::class_names;
use super::evidence_link::evidence_link;
use super::format_since_navigation;
use crate::core::decimal::shortest;
use crate::core::panel_state::{call_disabled_reason, CallGroup, CallOutcome, RenderVerdict};
use crate::core::protocol::{ApiState, InlineView, PageStatus, PanelRequest, SDK_METHODS};
use crate::devpanel::hooks::{panel_actions, PanelActions};
use serde_json::{json, Value};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WidgetViewProps {
    pub status: Rc<PageStatus>,
    /// The latest calls made from the panel, newest first, per page load (the current first).
    pub calls: Vec<CallGroup>,
    /// Whether the chat renders, derived from what the page showed.
    pub render: Option<RenderVerdict>,
    /// The page's site (origin), for the per-site choice; `None` for a page that has none.
    pub site: Option<String>,
    /// The user's choice to listen to widgetHidden on this site (`None` until read).
    pub listen: Option<bool>,
}

/// One button of the view: a method of `SDK_METHODS` with its option, or with fixed arguments.
struct MethodButton {
    method: &'static str,
    option: Option<&'static str>,
    /// Fixed arguments (e.g. `debug(true)`), used instead of an option.
    args: Option<Vec<Value>>,
    label: String,
    help: &'static str,
    /// Why it cannot work on the API state shown (then disabled, the reason as its title).
    disabled: Option<&'static str>,
}

/// Methods the loader does not document: offered only when the page's object has them.
fn offered_only_when_present(method: &str) -> bool {
    matches!(method, "debug" | "resetAndReloadWidget")
}

fn help(method: &str) -> &'static str {
    match method {
        "widget.load" => "Load the widget (needed with loadImmediately:false). Throttled to one call per second.",
        "widget.refresh" => "Re-render for the current URL (SPA route changes). Throttled to one call per second.",
        "widget.open" => "Open the widget.",
        "widget.close" => "Close the widget.",
        "widget.remove" => "Remove the widget from the page.",
        "widget.status" => "Ask the loader: { loaded, pending }.",
        "clear" => "Delete the chat cookies; resetWidget also rebuilds the widget (a new object).",
        "resetAndReloadWidget" => "Undocumented: clear cookies and rebuild the widget.",
        _ => "",
    }
}

/// The buttons for one method of `SDK_METHODS`: `debug` takes its boolean as an argument, so it
/// gets one button per value.
fn buttons(method: &'static str, option: Option<&'static str>) -> Vec<MethodButton> {
    let button = |args: Option<Vec<Value>>, label: String, help: &'static str| MethodButton {
        method,
        option,
        args,
        label,
        help,
        disabled: None,
    };
    if method == "debug" {
        return vec![
            button(Some(vec![json!(true)]), "debug(true)".into(), "Turn on the loader's debug logging."),
            button(Some(vec![json!(false)]), "debug(false)".into(), "Turn it off."),
        ];
    }
    vec![button(None, format!("{method}()"), help(method))]
}

/// A function, not a component: the option's checkbox keeps its own state (the DOM's), read when
/// the call is made.
fn method_button(actions: &PanelActions, props: MethodButton) -> Html {
    let onclick = {
        let (actions, method, option, args) = (actions.clone(), props.method, props.option, props.args);
        Callback::from(move |e: MouseEvent| {
            let args = match (&args, option) {
                (Some(args), _) => args.clone(),
                (None, Some(option)) if option_checked(&e) => vec![json!({ option: true })],
                _ => vec![],
            };
            actions.request(PanelRequest::Call { method: method.to_string(), args });
        })
    };
    html! {
        <div class="method">
            <button type="button" class="call" {onclick} title={props.disabled.unwrap_or(props.help)}
                disabled={props.disabled.is_some()} data-disabled-reason={props.disabled}>{ props.label }</button>
            if let Some(option) = props.option {
                <label class="check"><input type="checkbox" disabled={props.disabled.is_some()} />{ option }</label>
            }
            <span class="help">{ props.help }</span>
        </div>
    }
}

/// Whether the option's checkbox beside the clicked call button is checked.
fn option_checked(e: &MouseEvent) -> bool {
    let method = e.target_unchecked_into::<web_sys::Element>().parent_element();
    let input = method.and_then(|m| m.query_selector("input[type=checkbox]").ok().flatten());
    input.is_some_and(|i| wasm_bindgen::JsCast::unchecked_into::<HtmlInputElement>(i).checked())
}

#[function_component(WidgetView)]
pub fn widget_view(props: &WidgetViewProps) -> Html {
    let actions = panel_actions();
    let status = &props.status;
    let on_measure_again = {
        let actions = actions.clone();
        Callback::from(move |_| actions.request(PanelRequest::ReadPage))
    };
    let inline_selector = status
        .settings_now
        .as_ref()
        .and_then(|s| s.fields.get("inlineEmbedSelector"))
        .and_then(|f| f.value.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    // A read of the page always carries an inline record; without a selector there is no inline embed.
    let inline = status.inline.as_ref().filter(|i| !i.selector.is_empty());
    let not_ready = matches!(status.api, ApiState::Absent);
    let method_buttons = SDK_METHODS
        .into_iter()
        .filter(|(method, _)| !offered_only_when_present(method) || status.methods.iter().any(|m| m == method))
        .flat_map(|(method, option)| buttons(method, option))
        .map(|button| {
            let disabled = call_disabled_reason(button.method, status.api);
            method_button(&actions, MethodButton { disabled, ..button })
        });

    html! {
        <div class="pane widget-pane">
            <section class="card" aria-labelledby="widget-state">
                <h2 id="widget-state">{ "Widget" }</h2>
                <dl class="facts">
                    <dt>{ "API" }</dt><dd>{ status.api.as_str() }</dd>
                    <dt>{ "Chat iframe" }</dt>
                    <dd>{ if status.widget_loaded { "loaded (seen by the hook: the iframe fired load)" } else { "not loaded" } }</dd>
                    <dt>{ "Chat renders" }</dt>
                    { render_fact(&actions, props.render.as_ref()) }
                    if !status.methods.is_empty() {
                        <dt>{ "Methods" }</dt><dd class="mono">{ status.methods.join(", ") }</dd>
                    }
                </dl>
                { listen_widget_hidden(&actions, props.site.as_deref(), props.listen) }
                if not_ready {
                    <p class="note" data-empty-state="no-api">{ "window.HubSpotConversations is not set on this page: no SDK call can run (the buttons are disabled). They work once the page loads HubSpot's script." }</p>
                }
            </section>
            <section class="card" aria-labelledby="widget-methods">
                <h2 id="widget-methods">{ "Call the SDK" }</h2>
                <p class="note">{ "Each call runs in the page against the current window.HubSpotConversations. HubSpot's usage analytics record every call." }</p>
                { for method_buttons }
            </section>
            <section class="card calls" aria-labelledby="widget-calls">
                <h2 id="widget-calls">{ "Results" }</h2>
                { for props.calls.iter().map(call_group) }
            </section>
            if inline_selector.is_some() || inline.is_some() {
                <section class="card" aria-labelledby="widget-inline">
                    <h2 id="widget-inline">{ "Inline embed" }</h2>
                    { inline_facts(inline, inline_selector.as_deref()) }
                    <button type="button" onclick={on_measure_again}>{ "Measure again" }</button>
                </section>
            }
        </div>
    }
}

/// One page load's calls: the current page, or an earlier one kept by "Preserve log".
fn call_group(group: &CallGroup) -> Html {
    let heading = if group.current { "This page".to_string() } else { format!("Previous page: {}", group.url) };
    html! {
        <section class={if group.current { "call-group" } else { "call-group previous" }}
            data-call-group={if group.current { "current" } else { "previous" }} aria-label={heading.clone()}>
            <h3 class="call-group-title">{ heading }</h3>
            if group.calls.is_empty() {
                <p class="note" data-empty-state="no-calls">{ "No call from this panel on this page yet: the buttons above run one; its result shows here and in Events (Panel calls)." }</p>
            }
            <ul class="call-results" aria-live="polite">
                { for group.calls.iter().map(|(entry, outcome)| {
                    let summary = match outcome {
                        CallOutcome::NoEffect(why) => why.clone(),
                        _ => entry.summary.clone(),
                    };
                    html! {
                        <li key={entry.id} data-call={entry.name.clone()} data-origin="panel" data-outcome={outcome.key()}
                            class={class_names(&[Some("call-result"), Some(outcome.key())])}>
                            <span class="time">{ format_since_navigation(entry.t) }</span>
                            <span class="outcome">{ outcome.label() }</span>
                            <strong class="mono">{ format!("{}()", entry.name) }</strong>
                            <span class="summary">{ summary }</span>
                            <code class="payload">{ &entry.payload }</code>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// "Chat renders": what the page showed, and where that comes from (a link to the entry).
fn render_fact(actions: &PanelActions, render: Option<&RenderVerdict>) -> Html {
    let Some(verdict) = render else {
        return html! {
            <dd data-render="unknown">{ "not known yet: no hubspot:messages:initialized event in this page so far" }</dd>
        };
    };
    html! {
        <dd class={if verdict.renders { "ok" } else { "bad" }} data-render={verdict.renders.to_string()}>
            { &verdict.text }
            <span class="note">{ " — derived from " }{ evidence_link(actions, verdict.evidence, &verdict.derived_from, "render-source") }</span>
        </dd>
    }
}

/// The per-site opt-in to listening to widgetHidden with on(): off by default, remembered for
/// the site, and labelled with what HubSpot sees of it.
fn listen_widget_hidden(actions: &PanelActions, site: Option<&str>, on: Option<bool>) -> Html {
    let onchange = {
        let (actions, site) = (actions.clone(), site.map(str::to_string));
        Callback::from(move |e: Event| {
            if let Some(site) = &site {
                actions.set_listen_widget_hidden(site, e.target_unchecked_into::<HtmlInputElement>().checked());
            }
        })
    };
    let where_ = site.unwrap_or("this page (it has no web origin: not available)");
    html! {
        <div class="listen">
            <label class="check">
                <input type="checkbox" data-listen="widgetHidden" checked={on == Some(true)}
                    disabled={site.is_none() || on.is_none()} {onchange} />
                { "Listen to widgetHidden with on() — HubSpot's usage report records this listener" }
            </label>
            <p class="note">
                { format!("Off by default; remembered for {where_}. When on, every page of this site opened while the panel is open calls on('widgetHidden') once per widget object, after its chat iframe loaded: HubSpot records it (HubspotConversations-api-event-listener-registered) and the page can tell. Off, nothing is called: whether the chat renders is derived from what the page shows.") }
            </p>
        </div>
    }
}

fn inline_facts(inline: Option<&InlineView>, selector: Option<&str>) -> Html {
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
                <dd>{ if inline.width > 0.0 || inline.height > 0.0 { format!("{} × {} px", shortest(inline.width), shortest(inline.height)) } else { "absent".to_string() } }</dd>
            }
        </dl>
    }
}
