//! One-line summaries of SDK event payloads for the log's rows.

use serde_json::Value;

/// The SDK events HubSpot's newer loader delivers (see the loader facts).
pub const SDK_EVENT_NAMES: [&str; 11] = [
    "conversationStarted",
    "conversationClosed",
    "unreadConversationCountChanged",
    "inputStaging",
    "contactAssociated",
    "userInteractedWithWidget",
    "quickReplyButtonClick",
    "widgetLoaded",
    "widgetClosed",
    "userSelectedThread",
    "widgetHidden",
];

const MAX_SUMMARY_CHARS: usize = 160;

/// A short, human summary of an event's payload: the field a developer looks for first.
pub fn summarize_event(name: &str, payload: &Value) -> String {
    let field = |path: &[&str]| -> Option<&Value> { path.iter().try_fold(payload, |value, key| value.get(key)) };
    let text = match name {
        "conversationStarted" | "conversationClosed" | "userSelectedThread" => {
            field(&["conversation", "conversationId"]).map(|id| format!("conversation {}", compact(id)))
        }
        "unreadConversationCountChanged" => field(&["unreadCount"]).map(|n| format!("unread: {}", compact(n))),
        "quickReplyButtonClick" => field(&["value"]).map(|v| format!("reply {}", compact(v))),
        "widgetHidden" => match (field(&["reason"]), field(&["description"])) {
            (Some(reason), Some(description)) => Some(format!("{} — {}", plain(reason), plain(description))),
            (Some(reason), None) => Some(plain(reason)),
            _ => None,
        },
        _ => field(&["message"]).map(plain),
    };
    truncate(text.unwrap_or_else(|| compact(payload)))
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

fn compact(value: &Value) -> String {
    value.to_string()
}

fn truncate(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_SUMMARY_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summarizes_the_field_developers_look_for() {
        assert_eq!(
            summarize_event("conversationStarted", &json!({"conversation": {"conversationId": 123}})),
            "conversation 123"
        );
        assert_eq!(summarize_event("unreadConversationCountChanged", &json!({"unreadCount": 2})), "unread: 2");
        assert_eq!(summarize_event("widgetLoaded", &json!({"message": "widget has loaded"})), "widget has loaded");
        assert_eq!(
            summarize_event("widgetHidden", &json!({"reason": "NO_WIDGET", "description": "none"})),
            "NO_WIDGET — none"
        );
        assert_eq!(
            summarize_event("quickReplyButtonClick", &json!({"name":"QUICK_REPLIES","value":["Learn more"]})),
            "reply [\"Learn more\"]"
        );
    }

    #[test]
    fn falls_back_to_compact_json_and_truncates() {
        assert_eq!(summarize_event("madeUpEvent", &json!({"a": 1})), "{\"a\":1}");
        let long = summarize_event("x", &json!({"message": "z".repeat(500)}));
        assert_eq!(long.chars().count(), MAX_SUMMARY_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
