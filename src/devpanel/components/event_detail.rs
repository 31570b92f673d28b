use super::event_list::kind_name;
use super::json_tree::json_tree;
use super::{format_since_navigation, format_wall_clock};
use crate::core::panel_state::{page_call_caller, Action};
use crate::core::payload::{call_code, copy_payload, copy_row_json, cuts_in};
use crate::core::protocol::{Entry, EntryKind, Via};
use crate::devpanel::files::copy;
use crate::devpanel::hooks::panel_actions;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventDetailProps {
    pub entry: Rc<Entry>,
}

#[function_component(EventDetail)]
pub fn event_detail(props: &EventDetailProps) -> Html {
    let actions = panel_actions();
    let entry = &props.entry;
    let on_close = {
        let actions = actions.clone();
        Callback::from(move |_| actions.dispatch(Action::Select(None)))
    };
    let copy_button = |label: &'static str, text: String| {
        let actions = actions.clone();
        let onclick = Callback::from(move |_: MouseEvent| copy(&actions, label, text.clone()));
        html! { <button type="button" data-copy={label} {onclick}>{ label }</button> }
    };
    let value: serde_json::Value =
        serde_json::from_str(&entry.payload).unwrap_or_else(|_| serde_json::Value::String(entry.payload.clone()));
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_else(|_| entry.payload.clone());
    // Where the page side cut values inside the payload, with the real sizes (a cut of the
    // payload itself is said once, on the tree's root).
    let cuts: Vec<_> = cuts_in(&value).into_iter().filter(|(path, _)| !path.is_empty()).collect();
    let via = entry.via.map(|v| match v {
        Via::Iframe => "chat iframe message",
        Via::On => "HubSpotConversations.on()",
        Via::Dom => "window DOM event",
    });
    // A page call's source location: "<url>:<line>:<col>" of the first frame outside the
    // extension and the loader ("" when the stack had none).
    let caller = page_call_caller(entry);
    let origin = match entry.kind {
        EntryKind::PageCall => Some("the page's own code"),
        EntryKind::Call => Some("this panel"),
        _ => None,
    };
    html! {
        <aside class="detail" aria-label="Selected event">
            <div class="detail-head">
                <strong class="detail-name">{ &entry.name }</strong>
                <span class="detail-kind">{ kind_name(entry.kind) }</span>
                <button type="button" class="close" aria-label="Close details" onclick={on_close}>{ "×" }</button>
            </div>
            <dl class="detail-meta">
                <dt>{ "Time" }</dt><dd>{ format!("{} after navigation", format_since_navigation(entry.t)) }</dd>
                <dt>{ "Wall clock" }</dt><dd>{ format_wall_clock(entry.wall) }</dd>
                if let Some(origin) = origin {
                    <dt>{ "Called by" }</dt><dd data-origin-detail="true">{ origin }</dd>
                }
                if let Some(caller) = caller {
                    <dt>{ "Called from" }</dt><dd class="mono caller" data-caller="true" title={caller.clone()}>{ caller }</dd>
                }
                if let Some(via) = via {
                    <dt>{ "Seen via" }</dt><dd>{ via }</dd>
                }
                if let Some(why) = entry.undelivered {
                    <dt>{ "Delivered to the page" }</dt><dd data-undelivered="true">{ format!("no: {}", why.reason()) }</dd>
                }
            </dl>
            <div class="detail-copy" role="group" aria-label="Copy">
                { copy_button("Copy payload", copy_payload(entry)) }
                { copy_button("Copy row as JSON", copy_row_json(entry)) }
                if let Some(code) = call_code(entry) {
                    { copy_button("Copy as code", code) }
                }
            </div>
            <h2 class="detail-title">{ "Payload" }</h2>
            if !cuts.is_empty() {
                <ul class="cuts" aria-label="Cut by the page side">
                    { for cuts.iter().map(|(path, cut)| html! {
                        <li data-truncation={cut.note()}>
                            <code>{ path }</code>{ ": " }
                            { cut.note() }
                        </li>
                    }) }
                </ul>
            }
            <div class="json" key={entry.id}>
                { json_tree(value) }
            </div>
            <details class="raw">
                <summary>{ "Raw JSON" }</summary>
                <pre data-testid="payload">{ pretty }</pre>
            </details>
        </aside>
    }
}
