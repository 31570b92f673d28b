//! An expandable JSON tree, like the one in devtools' console.

use crate::core::payload::{copy_value, without_mark, Cut};
use crate::devpanel::files::copy;
use crate::devpanel::hooks::panel_actions;
use serde_json::Value;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Levels open when a payload is first shown.
const OPEN_DEPTH: usize = 2;

/// The tree of a payload (its nodes are components: each keeps whether it is open).
pub fn json_tree(value: serde_json::Value) -> Html {
    html! {
        <ul class="tree" role="tree">
            <JsonNode label={None::<String>} {value} depth={0} />
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct JsonNodeProps {
    label: Option<String>,
    value: Value,
    depth: usize,
}

#[function_component(JsonNode)]
fn json_node(props: &JsonNodeProps) -> Html {
    let open = use_state(|| props.depth < OPEN_DEPTH);
    let actions = panel_actions();
    let label = props.label.as_ref().map(|l| html! { <><span class="key">{ l }</span>{ ": " }</> });
    // "Copy value": the value as received (a cut value with its mark, which tells the real size).
    let copy_button = {
        let text = copy_value(&props.value);
        let onclick = Callback::from(move |_: MouseEvent| copy(&actions, "Copy value", text.clone()));
        html! { <button type="button" class="copy-value" title="Copy value" aria-label="Copy value" {onclick}>{ "⧉" }</button> }
    };
    // A value the page side cut is shown without its mark, with the real size beside it.
    let (value, cut) = without_mark(&props.value);
    let note =
        cut.as_ref().map(|cut| html! { <span class="truncation" data-truncation={cut.note()}>{ cut.note() }</span> });
    let children: Vec<(String, Value)> = match &value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect(),
        scalar => {
            return html! { <li role="treeitem">{ label }{ scalar_html(scalar) }{ note }{ copy_button }</li> };
        }
    };
    let preview = match (&value, &cut) {
        (Value::Array(_), Some(Cut::Items { total, .. })) => format!("Array({total})"),
        (Value::Array(items), _) => format!("Array({})", items.len()),
        (_, Some(Cut::Keys { total, .. })) => format!("{{…}} {total} keys"),
        _ if children.len() == 1 => "{…} 1 key".to_string(),
        _ => format!("{{…}} {} keys", children.len()),
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    // Enter and Space (the button's own keys) toggle; → expands, ← collapses, as in DevTools.
    let on_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            let want = match e.key().as_str() {
                "ArrowRight" => true,
                "ArrowLeft" => false,
                _ => return,
            };
            e.prevent_default();
            open.set(want);
        })
    };
    html! {
        <li role="treeitem" aria-expanded={open.to_string()}>
            <button type="button" class="toggle" onclick={toggle} onkeydown={on_key}
                    aria-label={if *open { "Collapse" } else { "Expand" }}>
                { if *open { "▾" } else { "▸" } }
            </button>
            { label }<span class="preview">{ preview }</span>{ note }{ copy_button }
            if *open {
                <ul role="group">
                    { for children.into_iter().map(|(name, value)| {
                        let label = Some(name.clone());
                        html! { <JsonNode key={name} {label} {value} depth={props.depth + 1} /> }
                    }) }
                </ul>
            }
        </li>
    }
}

fn scalar_html(value: &Value) -> Html {
    let (class, text) = match value {
        Value::String(s) => ("scalar string", format!("{s:?}")),
        Value::Number(n) => ("scalar number", n.to_string()),
        Value::Bool(b) => ("scalar boolean", b.to_string()),
        _ => ("scalar null", "null".to_string()),
    };
    html! { <span {class}>{ text }</span> }
}
