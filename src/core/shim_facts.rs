//! The facts the JavaScript shims share with Rust, declared here from the protocol's constants.
//! Each shim carries them as one JSON object between `/*facts*/` and `/*end facts*/` and reads its
//! limits from it; the tests below read the shipped shims and fail when they differ.

use super::action::{DISCOVERY_FILE, DISCOVERY_SCRIPT_ID, HUBSPOT_SEEN, HUBSPOT_SELECTOR};
use super::protocol::{ListenEvent, Undelivered};
use super::protocol::{
    PageRecord, MAX_BATCH_BYTES, MAX_COMMAND_CHARS, MAX_NAME_CHARS, MAX_RECORDS_PER_BATCH, MAX_URL_CHARS, PAGE_EVENT,
    PROTOCOL_VERSION, RELAY_EVENT, SDK_METHODS, SLICE_CHARS, SLICE_RECORDS, TRUNCATED_KEY,
};
use super::protocol::{MAX_PAYLOAD_ITEMS, MAX_PAYLOAD_STRING_CHARS};
use serde_json::{json, Map, Value};

/// What `extension/pageScript/hook.js` must declare.
pub fn hook_facts() -> Value {
    let sdk_methods: Map<String, Value> =
        SDK_METHODS.iter().map(|(method, option)| (method.to_string(), option.unwrap_or("").into())).collect();
    json!({
        "version": PROTOCOL_VERSION,
        "pageEvent": PAGE_EVENT,
        "relayEvent": RELAY_EVENT,
        "maxBatchBytes": MAX_BATCH_BYTES,
        "maxRecordsPerBatch": MAX_RECORDS_PER_BATCH,
        "sliceChars": SLICE_CHARS,
        "sliceRecords": SLICE_RECORDS,
        "maxCommandChars": MAX_COMMAND_CHARS,
        "maxNameChars": MAX_NAME_CHARS,
        "maxUrlChars": MAX_URL_CHARS,
        "undelivered": Undelivered::ALL,
        "truncatedKey": TRUNCATED_KEY,
        "maxStringChars": MAX_PAYLOAD_STRING_CHARS,
        "maxItems": MAX_PAYLOAD_ITEMS,
        "sdkMethods": sdk_methods,
        "listenEvents": ListenEvent::ALL,
    })
}

/// What `extension/contentScript/relay.js` must declare.
pub fn relay_facts() -> Value {
    json!({
        "version": PROTOCOL_VERSION,
        "pageEvent": PAGE_EVENT,
        "relayEvent": RELAY_EVENT,
        "maxBatchBytes": MAX_BATCH_BYTES,
        "sliceChars": SLICE_CHARS,
        "sliceRecords": SLICE_RECORDS,
        "maxCommandChars": MAX_COMMAND_CHARS,
    })
}

/// What `extension/background/background.js` must declare (its listeners are registered before
/// the wasm is loaded, so it cannot ask).
pub fn background_facts() -> Value {
    json!({ "discoveryScript": DISCOVERY_SCRIPT_ID, "hubspotSeen": HUBSPOT_SEEN })
}

/// What `extension/popup/popup.js` must declare (it registers the discovery script).
pub fn popup_facts() -> Value {
    json!({ "discoveryScript": DISCOVERY_SCRIPT_ID, "discoveryFile": DISCOVERY_FILE })
}

/// What `extension/contentScript/discovery.js` must declare.
pub fn discovery_facts() -> Value {
    json!({ "hubspotSeen": HUBSPOT_SEEN, "selector": HUBSPOT_SELECTOR })
}

/// The record kinds `PageRecord` decodes (its serde tags), read from serde's own list of them so
/// that a new variant needs no change here.
pub fn record_kinds() -> Vec<String> {
    let error = serde_json::from_str::<PageRecord>(r#"{"k":"?"}"#).expect_err("no record kind is called ?");
    let message = error.to_string();
    let expected = message.split("expected one of").nth(1).expect("serde lists the variants");
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOOK_JS: &str = include_str!("../../extension/pageScript/hook.js");
    const RELAY_JS: &str = include_str!("../../extension/contentScript/relay.js");
    const BACKGROUND_JS: &str = include_str!("../../extension/background/background.js");
    const POPUP_JS: &str = include_str!("../../extension/popup/popup.js");
    const DISCOVERY_JS: &str = include_str!("../../extension/contentScript/discovery.js");

    fn declared(shim: &str) -> Value {
        let start = shim.find("/*facts*/").expect("the shim has a /*facts*/ block") + "/*facts*/".len();
        let end = shim[start..].find("/*end facts*/").expect("the facts block is closed") + start;
        serde_json::from_str(&shim[start..end]).expect("the facts block is strict JSON")
    }

    #[test]
    fn the_hook_declares_the_protocols_facts() {
        assert_eq!(declared(HOOK_JS), hook_facts());
    }

    #[test]
    fn the_relay_declares_the_protocols_facts() {
        assert_eq!(declared(RELAY_JS), relay_facts());
    }

    #[test]
    fn the_background_popup_and_discovery_script_declare_the_discovery_facts() {
        assert_eq!(declared(BACKGROUND_JS), background_facts());
        assert!(BACKGROUND_JS.contains("text === FACTS.hubspotSeen"));
        assert_eq!(declared(POPUP_JS), popup_facts());
        assert_eq!(declared(DISCOVERY_JS), discovery_facts());
        assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extension").join(DISCOVERY_FILE).is_file());
    }

    #[test]
    fn record_kinds_are_the_tags_of_page_record() {
        let kinds = record_kinds();
        assert_eq!(
            kinds,
            [
                "event",
                "api",
                "widget",
                "loader",
                "open",
                "call",
                "settings",
                "inline",
                "page_call",
                "onready",
                "nav",
                "csp",
                "widget_data",
                "iframe",
                "chat_message",
                "env"
            ]
        );
    }

    #[test]
    fn the_hook_emits_exactly_the_record_kinds_the_background_decodes() {
        let mut emitted: Vec<String> = ["add('", "recordOf('"]
            .iter()
            .flat_map(|maker| HOOK_JS.split(maker).skip(1))
            .filter_map(|rest| rest.split_once('\'').map(|(kind, _)| kind.to_string()))
            .collect();
        emitted.sort();
        emitted.dedup();
        let mut kinds = record_kinds();
        kinds.sort();
        assert_eq!(emitted, kinds);
    }

    #[test]
    fn the_hook_cuts_values_with_the_marks_the_panel_reads_back() {
        // core::payload::cut_of reads these back with the real size.
        for mark in [
            "'\\u2026[+' + (n - max) + ' chars]'",
            "'\"[+' + (n - j) + ' more]\"]'",
            "'\"[more]\":\"[+' + (n - j) + ' keys]\"}'",
        ] {
            assert!(HOOK_JS.contains(mark), "hook.js no longer cuts with {mark}");
        }
        for limit in ["FACTS.maxStringChars", "j < FACTS.maxItems"] {
            assert!(HOOK_JS.contains(limit), "hook.js does not read {limit}");
        }
    }

    #[test]
    fn no_shim_spells_a_shared_fact_outside_its_facts_block() {
        for shim in [HOOK_JS, RELAY_JS] {
            let end = shim.find("/*end facts*/").unwrap();
            let rest = &shim[end..];
            for literal in [PAGE_EVENT, RELAY_EVENT, TRUNCATED_KEY, "1 << 20", "1048576", "4096"] {
                assert!(!rest.contains(literal), "{literal:?} is spelled again after the facts block");
            }
        }
    }
}
