//! The English of the log: what each page record shows as a row (name, one-line summary,
//! payload), before the log gives it an id.

use super::protocol::{
    ApiState, CallOutcome, Entry, EntryKind, PageRecord, SettingsPhase, SettingsSource, Undelivered, Via, TRUNCATED_KEY,
};
use super::settings::validate;
use super::throttle::{Throttle, ThrottleVerdict};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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
    if let Some(size) = truncated(payload) {
        return truncate(format!("truncated: {size}"));
    }
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

/// The size text of a marker that replaced a payload too large to keep (`{"[truncated]": "…"}`).
pub fn truncated(payload: &Value) -> Option<&str> {
    match payload.as_object() {
        Some(object) if object.len() == 1 => object.get(TRUNCATED_KEY)?.as_str(),
        _ => None,
    }
}

/// The summary of an event row: what the payload says, after why the page never got it.
fn event_summary(name: &str, payload: &Value, undelivered: Option<Undelivered>) -> String {
    let summary = summarize_event(name, payload);
    match undelivered {
        Some(why) => truncate(format!("not delivered to the page: {} — {summary}", why.reason())),
        None => summary,
    }
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

/// What a record shows in the log, before it gets an id.
pub struct Row {
    pub kind: EntryKind,
    pub name: String,
    pub via: Option<Via>,
    pub undelivered: Option<Undelivered>,
    pub summary: String,
    /// JSON text.
    pub payload: String,
    /// Milliseconds since the document's navigation started.
    pub t: f64,
}

impl Row {
    fn new(kind: EntryKind, name: &str, summary: String, payload: &Value, t: f64) -> Row {
        Row { kind, name: name.to_string(), via: None, undelivered: None, summary, payload: payload.to_string(), t }
    }

    pub fn into_entry(self, id: u64, doc: String, time_origin: f64) -> Entry {
        let Row { kind, name, via, undelivered, summary, payload, t } = self;
        Entry { id, doc, t, wall: time_origin + t, kind, name, via, undelivered, summary, payload }
    }
}

/// The row of a navigation to `url`.
pub fn navigation_row(url: &str) -> Row {
    Row::new(EntryKind::Navigation, "navigation", url.to_string(), &json!({ "url": url }), 0.0)
}

/// The row of a panel call that no page connection took.
pub fn undelivered_call_row(id: u64, method: &str) -> Row {
    let summary = "API not ready: the page is not connected (reload it, or it is a page the extension may not script)";
    Row::new(EntryKind::Call, method, summary.into(), &json!({ "id": id, "outcome": "not_delivered" }), 0.0)
}

/// The log row for a record, or `None` for records that only update the status (reads of the
/// settings and the inline embed). `throttles` are the document's per-method `widget.load` /
/// `widget.refresh` throttles, advanced by each call.
pub fn record_row(record: &PageRecord, throttles: &mut BTreeMap<String, Throttle>) -> Option<Row> {
    let t = record.time();
    Some(match record {
        PageRecord::Event { name, payload, via, undelivered, .. } => Row {
            kind: EntryKind::Event,
            name: name.clone(),
            via: Some(*via),
            undelivered: *undelivered,
            summary: event_summary(name, payload, *undelivered),
            payload: payload.to_string(),
            t,
        },
        PageRecord::Api { state, generation, methods, .. } => {
            let summary = match state {
                ApiState::Absent => "window.HubSpotConversations is gone".to_string(),
                ApiState::Placeholder => {
                    format!("object #{generation} is a placeholder: only widget.load() and widget.status() work")
                }
                ApiState::Ready => format!("object #{generation} assigned: the API is ready"),
            };
            let payload = json!({ "state": state.as_str(), "generation": generation, "methods": methods });
            Row::new(EntryKind::Api, "HubSpotConversations", summary, &payload, t)
        }
        PageRecord::Widget { loaded, inline, src, .. } => {
            let place = if *inline { "inline chat iframe" } else { "chat iframe" };
            let summary = if *loaded { format!("{place} loaded") } else { format!("{place} removed") };
            let payload = json!({ "loaded": loaded, "inline": inline, "src": src });
            Row::new(EntryKind::Widget, "chat iframe", summary, &payload, t)
        }
        PageRecord::Loader { src, portal, .. } => {
            let summary = match portal {
                Some(portal) => format!("portal {portal}: {src}"),
                None => src.clone(),
            };
            Row::new(EntryKind::Loader, "loader script", summary, &json!({ "src": src, "portal": portal }), t)
        }
        PageRecord::Open { open, user, .. } => {
            let action = if *open { "opened" } else { "closed" };
            let actor = if *user { "by the visitor" } else { "by code" };
            let payload = json!({ "isOpen": open, "isUser": user });
            Row::new(EntryKind::Open, "open-change", format!("widget {action} {actor}"), &payload, t)
        }
        PageRecord::Call { id, method, args, outcome, value, error, .. } => {
            let throttled = (*outcome == CallOutcome::Returned
                && matches!(method.as_str(), "widget.load" | "widget.refresh"))
            .then(|| throttles.entry(method.clone()).or_default().call(t));
            let mut summary = match outcome {
                CallOutcome::Returned if value.is_null() => "returned".to_string(),
                CallOutcome::Returned => format!("returned {value}"),
                CallOutcome::Threw => format!("threw {error}"),
                CallOutcome::NotReady => "API not ready: window.HubSpotConversations is not set".to_string(),
                CallOutcome::Missing => format!("this HubSpotConversations object has no {method}()"),
                CallOutcome::NotDelivered => "API not ready: the page is not connected".to_string(),
            };
            let throttle = match throttled {
                Some(ThrottleVerdict::Collapsed { runs_at }) => {
                    summary = format!(
                        "collapsed by the loader's 1 s throttle: the trailing call runs at {:.3} s",
                        runs_at / 1000.0
                    );
                    json!({ "collapsed": true, "trailing_call_at_ms": runs_at })
                }
                _ => Value::Null,
            };
            let payload = json!({
                "id": id, "args": args, "outcome": outcome, "value": value, "error": error, "throttle": throttle
            });
            Row::new(EntryKind::Call, method, summary, &payload, t)
        }
        PageRecord::Settings { source: SettingsSource::Assigned, phase, present, fields, .. } => {
            let when = match phase {
                SettingsPhase::BeforeLoader => "before the loader read it",
                SettingsPhase::AfterLoader => "AFTER the loader read it: it has no effect",
            };
            let problems = validate(fields).len();
            let mut summary = if *present { format!("assigned {when}") } else { format!("set to a non-object {when}") };
            if problems > 0 {
                summary.push_str(&format!(" — {problems} invalid"));
            }
            let payload = serde_json::to_value(fields).unwrap_or_default();
            Row::new(EntryKind::Settings, "hsConversationsSettings", summary, &payload, t)
        }
        PageRecord::Settings { source: SettingsSource::Read, .. } | PageRecord::Inline { .. } => return None,
    })
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
    fn a_truncation_marker_shows_the_real_size() {
        let hook = json!({"[truncated]": "message of 10485760 characters"});
        assert_eq!(summarize_event("widgetLoaded", &hook), "truncated: message of 10485760 characters");
        let background = json!({"[truncated]": "payload of 70000 bytes"});
        assert_eq!(summarize_event("conversationStarted", &background), "truncated: payload of 70000 bytes");
        // A payload that merely has the key among others is the page's own data.
        assert_eq!(truncated(&json!({"[truncated]": "x", "message": "hi"})), None);
        assert_eq!(summarize_event("widgetLoaded", &json!({"[truncated]": 5})), "{\"[truncated]\":5}");
    }

    #[test]
    fn an_undelivered_event_says_so_and_why() {
        let record: PageRecord = serde_json::from_str(
            r#"{"k":"event","seq":1,"t":2,"name":"widgetLoaded","payload":{"message":"widget has loaded"},"via":"iframe","undelivered":"bogus_uuid"}"#,
        )
        .unwrap();
        let row = record_row(&record, &mut BTreeMap::new()).unwrap();
        assert_eq!(row.undelivered, Some(Undelivered::BogusUuid));
        assert_eq!(row.summary, "not delivered to the page: the message's uuid is not a UUID — widget has loaded");
        let entry = row.into_entry(1, "d".into(), 0.0);
        assert!(serde_json::to_string(&entry).unwrap().contains(r#""undelivered":"bogus_uuid""#));

        let delivered: PageRecord = serde_json::from_str(
            r#"{"k":"event","seq":1,"t":2,"name":"widgetLoaded","payload":{"message":"widget has loaded"},"via":"iframe"}"#,
        )
        .unwrap();
        let row = record_row(&delivered, &mut BTreeMap::new()).unwrap();
        assert_eq!((row.undelivered, row.summary.as_str()), (None, "widget has loaded"));
        let entry = row.into_entry(1, "d".into(), 0.0);
        assert!(!serde_json::to_string(&entry).unwrap().contains("undelivered"), "absent when delivered");

        for why in Undelivered::ALL {
            let text = format!(
                r#"{{"k":"event","seq":1,"t":2,"name":"x","payload":{{"[truncated]":"message of 300000 characters"}},"via":"iframe","undelivered":{}}}"#,
                serde_json::to_string(&why).unwrap()
            );
            let row = record_row(&serde_json::from_str(&text).unwrap(), &mut BTreeMap::new()).unwrap();
            assert_eq!(
                row.summary,
                format!("not delivered to the page: {} — truncated: message of 300000 characters", why.reason())
            );
        }
    }

    #[test]
    fn falls_back_to_compact_json_and_truncates() {
        assert_eq!(summarize_event("madeUpEvent", &json!({"a": 1})), "{\"a\":1}");
        let long = summarize_event("x", &json!({"message": "z".repeat(500)}));
        assert_eq!(long.chars().count(), MAX_SUMMARY_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
