//! The effects as the service-worker shim is handed them: `[list, text1, text2, …]`, where `list`
//! is the effects as JSON and each text an effect carries (a stored value, a message, a command:
//! JSON text already) is left out of it, as it is, its field holding the text's index instead.
//!
//! Nested in the list, every such text was escaped again by the hub and unescaped again by the
//! shim's `JSON.parse`: in a flood that was a fifth of the hub's time per batch, and most of the
//! characters the shim parsed (README "Page cost").

use super::{Effect, PortId};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ShimEffect {
    Store {
        tab: i64,
        items: BTreeMap<String, usize>,
        confirm: bool,
    },
    ToPanels {
        ports: Vec<PortId>,
        message: usize,
    },
    Reply {
        message: usize,
    },
    Ack {
        message: usize,
    },
    ToRelay {
        tab: i64,
        command: usize,
        call: Option<u64>,
    },
    InjectHook {
        tab: i64,
        then_reply: usize,
    },
    /// Every other effect, as [`Effect`] serializes it (its own `type`).
    #[serde(untagged)]
    AsIs(Effect),
}

/// `effects` in the shim's form (see the module's comment): index 0 is the list.
pub fn effects_for_shim(effects: Vec<Effect>) -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut text = |value: String| {
        texts.push(value);
        texts.len() - 1
    };
    let list: Vec<ShimEffect> = effects
        .into_iter()
        .map(|effect| match effect {
            Effect::Store { tab, items, confirm } => ShimEffect::Store {
                tab,
                items: items.into_iter().map(|(key, value)| (key, text(value))).collect(),
                confirm,
            },
            Effect::ToPanels { ports, message } => ShimEffect::ToPanels { ports, message: text(message) },
            Effect::Reply { message } => ShimEffect::Reply { message: text(message) },
            Effect::Ack { message } => ShimEffect::Ack { message: text(message) },
            Effect::ToRelay { tab, command, call } => ShimEffect::ToRelay { tab, command: text(command), call },
            Effect::InjectHook { tab, then_reply } => ShimEffect::InjectHook { tab, then_reply: text(then_reply) },
            other => ShimEffect::AsIs(other),
        })
        .collect();
    texts[0] = serde_json::to_string(&list).expect("effects serialize");
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The shim's reading: the list, each text field replaced by its text.
    fn read(out: &[String]) -> Value {
        let mut list: Value = serde_json::from_str(&out[0]).unwrap();
        let text = |index: &Value| Value::String(out[index.as_u64().unwrap() as usize].clone());
        for effect in list.as_array_mut().unwrap() {
            let field = match effect["type"].as_str().unwrap() {
                "to_panels" | "reply" | "ack" => "message",
                "to_relay" => "command",
                "inject_hook" => "then_reply",
                "store" => {
                    effect["items"].as_object_mut().unwrap().values_mut().for_each(|value| *value = text(value));
                    continue;
                }
                _ => continue,
            };
            effect[field] = text(&effect[field]);
        }
        list
    }

    #[test]
    fn every_text_is_passed_as_it_is_and_every_effect_reads_as_before() {
        let page_text = r#"{"v":1,"type":"append","entries":[{"payload":"{\"a\":\"\\\"quoted\\\"\"}"}]}"#;
        let effects = vec![
            Effect::Reply { message: r#"{"v":1,"type":"took","batch":3}"#.into() },
            Effect::Store {
                tab: 4,
                items: [("tab:4:chunk:0".to_string(), "[1,2]".to_string()), ("tab:4:meta".into(), "{}".into())].into(),
                confirm: true,
            },
            Effect::ToPanels { ports: vec![1, 2], message: page_text.into() },
            Effect::Ack { message: "ack".into() },
            Effect::ToRelay { tab: 4, command: "cmd".into(), call: Some(9) },
            Effect::InjectHook { tab: 4, then_reply: "hello".into() },
            Effect::InjectRelay { tab: 4 },
            Effect::Warn { message: "a \"warning\"".into() },
            Effect::Remove { keys: vec!["tab:4:chunk:1".into()] },
        ];
        let out = effects_for_shim(effects.clone());
        assert_eq!(out.len(), 1 + 7, "one text per text field, the warning's message stays in the list");
        assert!(out.contains(&page_text.to_string()), "a message is passed unescaped");
        assert!(!out[0].contains("took"), "texts are not in the list");
        assert_eq!(read(&out), serde_json::to_value(&effects).unwrap());
    }

    #[test]
    fn no_effects_is_an_empty_list() {
        assert_eq!(effects_for_shim(vec![]), vec!["[]".to_string()]);
        assert_eq!(read(&effects_for_shim(vec![Effect::Probe { tab: 1 }])), json!([{"type":"probe","tab":1}]));
    }
}
