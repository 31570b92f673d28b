//! An expandable JSON tree, like the one in devtools' console.

use serde_json::Value;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Levels open when a payload is first shown.
const OPEN_DEPTH: usize = 2;

#[derive(Properties, PartialEq)]
pub struct JsonTreeProps {
    pub value: Value,
}

#[function_component(JsonTree)]
pub fn json_tree(props: &JsonTreeProps) -> Html {
    html! {
        <ul class="tree" role="tree">
            <JsonNode label={None::<String>} value={props.value.clone()} depth={0} />
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
    let label = props.label.as_ref().map(|l| html! { <><span class="key">{ l }</span>{ ": " }</> });
    let children: Vec<(String, Value)> = match &props.value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect(),
        scalar => {
            return html! { <li role="treeitem">{ label }{ scalar_html(scalar) }</li> };
        }
    };
    let preview = match &props.value {
        Value::Array(items) => format!("Array({})", items.len()),
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
            { label }<span class="preview">{ preview }</span>
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
        Value::String(s) => ("string", format!("{s:?}")),
        Value::Number(n) => ("number", n.to_string()),
        Value::Bool(b) => ("boolean", b.to_string()),
        _ => ("null", "null".to_string()),
    };
    html! { <span class={classes!("scalar", class)}>{ text }</span> }
}
