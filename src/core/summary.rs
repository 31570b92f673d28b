//! The English of the log: what each page record shows as a row (name, one-line summary,
//! payload), before the log gives it an id.

use super::decimal::fixed;
use super::protocol::{
    ApiState, CallOutcome, Entry, EntryKind, NavHow, OnReadyAction, PageRecord, SettingsPhase, SettingsSource,
    Undelivered, Via, TRUNCATED_KEY,
};
use super::settings::validate;
use super::throttle::{Throttle, ThrottleVerdict};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The SDK events HubSpot's newer loader delivers (see the loader facts), in their order there: the
/// 2022 loader delivers only the first five (`diagnostics::OLD_LOADER_EVENTS`).
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

/// The window DOM event the loader dispatches once it knows whether the chat renders.
pub const MESSAGES_INITIALIZED: &str = "hubspot:messages:initialized";

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
        MESSAGES_INITIALIZED => field(&["messageWillRender"]).map(|will| {
            let mut text = format!("messageWillRender: {}", compact(will));
            if let Some(reason) = field(&["reason"]).filter(|r| !r.is_null()) {
                text.push_str(&format!(", reason: {}", plain(reason)));
            }
            // What widgetHidden would tell an on() listener, said without one.
            if *will == Value::Bool(false) {
                text.push_str(" → the chat will not render (derived from this event, not a widgetHidden event)");
            }
            text
        }),
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

/// `'widgetHidden'` for the arguments `["widgetHidden"]` of an `on()` call.
fn listen_args(args: &Value) -> String {
    let names: Vec<String> =
        args.as_array().into_iter().flatten().filter_map(Value::as_str).map(|n| format!("'{n}'")).collect();
    names.join(", ")
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
        PageRecord::Loader { src, portal, blocked, again, .. } => {
            let mut summary = match portal {
                Some(portal) => format!("portal {portal}: {src}"),
                None => src.clone(),
            };
            if *blocked {
                summary.push_str(" — blocked: its type is not JavaScript");
            }
            if *again {
                summary.push_str(" — inserted again after it was removed");
            }
            let payload = json!({ "src": src, "portal": portal, "blocked": blocked, "again": again });
            Row::new(EntryKind::Loader, "loader script", truncate(summary), &payload, t)
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
                // The hook's on() on the panel's `listen` command (the user's opt-in).
                CallOutcome::Returned if method == "on" => {
                    format!("listening with on({}): HubSpot's usage report records this listener", listen_args(args))
                }
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
                        "collapsed by the loader's 1 s throttle: the trailing call runs at {} s",
                        fixed(runs_at / 1000.0, 3)
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
            let mut summary =
                if *present { format!("assigned {when}") } else { format!("assigned a non-object {when}") };
            if problems > 0 {
                summary.push_str(&format!(" — {problems} invalid"));
            }
            let payload = serde_json::to_value(fields).unwrap_or_default();
            Row::new(EntryKind::Settings, "hsConversationsSettings", summary, &payload, t)
        }
        PageRecord::Settings { source: SettingsSource::Read, phase: SettingsPhase::BeforeLoader, fields, .. } => {
            // No object yet: what the loader read (or will read). A row only when the loader
            // throws on it (evidence for settings-invalid; changed in place after the assignment).
            let problems = validate(fields).len();
            if problems == 0 {
                return None;
            }
            let summary = format!("{SETTINGS_READ_PREFIX}: {problems} invalid, the loader throws on it");
            let payload = serde_json::to_value(fields).unwrap_or_default();
            Row::new(EntryKind::Settings, "hsConversationsSettings", summary, &payload, t)
        }
        PageRecord::Settings { source: SettingsSource::Read, .. } => return None,
        PageRecord::Inline { selector, exists: false, .. } if !selector.is_empty() => {
            // Evidence for inline-target-missing: the target is missing when this was read.
            let summary = format!("inlineEmbedSelector {} matches no element", json!(selector));
            let payload = json!({ "selector": selector, "exists": false });
            Row::new(EntryKind::Widget, INLINE_TARGET_ROW, summary, &payload, t)
        }
        PageRecord::Inline { .. } => return None,
        PageRecord::PageCall { method, outcome, generation, placeholder, caller, from_loader, .. } => {
            let throttled = (*outcome == CallOutcome::Returned
                && !*placeholder
                && matches!(method.as_str(), "widget.load" | "widget.refresh"))
            .then(|| throttles.entry(method.clone()).or_default().call(t));
            let mut payload = own_fields(record);
            let mut summary = page_call_summary(record);
            if let Some(ThrottleVerdict::Collapsed { runs_at }) = throttled {
                summary = format!(
                    "{method}() collapsed by the loader's 1 s throttle: the trailing call runs at {} s",
                    fixed(runs_at / 1000.0, 3)
                );
                payload["throttle"] = json!({ "collapsed": true, "trailing_call_at_ms": runs_at });
            }
            let mut whence = String::new();
            if *placeholder {
                whence.push_str(" — on the placeholder");
            } else {
                whence.push_str(&format!(" — on object #{generation}"));
            }
            if *from_loader {
                whence.push_str(", called by the loader (onReady or a handler)");
            }
            if !caller.is_empty() {
                whence.push_str(&format!(", at {caller}"));
            }
            summary.push_str(&whence);
            Row::new(EntryKind::PageCall, method, truncate(summary), &payload, t)
        }
        PageRecord::OnReady { action, array, length, generation, replaced, .. } => {
            let callbacks = |n: u64| if n == 1 { "1 callback".to_string() } else { format!("{n} callbacks") };
            let summary = match action {
                OnReadyAction::Assigned if !*array => {
                    "assigned a value that is not an array: its callbacks never run".into()
                }
                OnReadyAction::Assigned if *replaced > 0 => {
                    format!(
                        "assigned an array of {}, replacing an array of {}",
                        callbacks(*length),
                        callbacks(*replaced)
                    )
                }
                OnReadyAction::Assigned => format!("assigned an array of {}", callbacks(*length)),
                OnReadyAction::Read if !*array => format!("read for object #{generation}: not an array, nothing runs"),
                OnReadyAction::Read => format!("read for object #{generation}: {} run", callbacks(*length)),
                OnReadyAction::Grew => {
                    format!("grew to {} after the loader read it: the new ones do not run", callbacks(*length))
                }
            };
            Row::new(EntryKind::OnReady, "hsConversationsOnReady", summary, &own_fields(record), t)
        }
        PageRecord::Nav { how, url, .. } => {
            let how = match how {
                NavHow::Push => "pushState",
                NavHow::Replace => "replaceState",
                NavHow::Popstate => "popstate",
                NavHow::Hashchange => "hashchange",
            };
            Row::new(EntryKind::UrlChange, "url change", truncate(format!("{how} → {url}")), &own_fields(record), t)
        }
        PageRecord::Csp { directive, blocked, source, report, .. } => {
            let verb = if *report { "would block" } else { "blocked" };
            let mut summary = format!("{directive} {verb} {}", if blocked.is_empty() { "(inline)" } else { blocked });
            if !source.is_empty() {
                summary.push_str(&format!(" (from {source})"));
            }
            if *report {
                summary.push_str(" (report-only)");
            }
            Row::new(EntryKind::Csp, "CSP violation", truncate(summary), &own_fields(record), t)
        }
        PageRecord::WidgetData { status, duration, .. } => {
            let status = match status {
                0 => "status not reported by the browser".to_string(),
                204 | 404 => format!("{status}: no chat for this URL"),
                other => other.to_string(),
            };
            let summary = format!("{status} ({} ms)", fixed(*duration, 0));
            Row::new(EntryKind::WidgetData, "widget-data", summary, &own_fields(record), t)
        }
        PageRecord::Iframe { inline, .. } => {
            let summary = if *inline { "inline chat iframe inserted" } else { "chat iframe inserted" };
            Row::new(EntryKind::Iframe, "chat iframe", summary.into(), &own_fields(record), t)
        }
        PageRecord::ChatMessage { message_type, utk, .. } => {
            let summary = match (message_type.as_str(), utk) {
                ("store-messages-cookie", true) => "the chat asks the page to store the messagesUtk cookie".to_string(),
                ("store-messages-cookie", false) => "the chat asks the page to store a cookie (no messagesUtk)".into(),
                (other, _) => format!("chat message {other}"),
            };
            Row::new(EntryKind::ChatMessage, message_type, summary, &own_fields(record), t)
        }
        PageRecord::Env { secure, host, disabled_popups, to_json, running, .. } => {
            let mut parts = vec![format!("{} {host}", if *secure { "https" } else { "plain http" })];
            if let Some(popups) = disabled_popups {
                parts.push(format!("disabledHsPopups: [{}]", popups.join(", ")));
            }
            if !to_json.is_empty() {
                parts.push(format!("toJSON defined on {}", to_json.join(", ")));
            }
            if *running {
                parts.push("a chat loader is running".into());
            }
            Row::new(EntryKind::Env, "page", truncate(parts.join(", ")), &own_fields(record), t)
        }
    })
}

/// The name of the row an `inline` record with `exists: false` gives (kind `Widget`).
pub const INLINE_TARGET_ROW: &str = "inline target";
/// How the summary of a settings row read before any object exists starts (its payload is the
/// fields, like an assigned row's).
pub const SETTINGS_READ_PREFIX: &str = "read while no object exists";
/// How the summary of a settings row assigned after the loader read the settings starts.
pub const SETTINGS_ASSIGNED_AFTER: &str = "assigned AFTER";

/// A record's own fields (everything but `k`, `seq`, `t`, `replay`): a row's payload, so that the
/// rules read the names of docs/diagnostics.md §1.
fn own_fields(record: &PageRecord) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        for key in ["k", "seq", "t", "replay"] {
            map.remove(key);
        }
    }
    value
}

/// `widget.open() returned`, `widget.open() threw TypeError: …`, `on("conversationStarted") handler #3`.
fn page_call_summary(record: &PageRecord) -> String {
    let PageRecord::PageCall { method, args, outcome, value, error, handler, .. } = record else {
        return String::new();
    };
    let call = match method.as_str() {
        "on" | "off" => {
            let name = args.get(0).map(|n| n.to_string()).unwrap_or_default();
            format!("{method}({name}) handler #{handler}")
        }
        _ => format!("{method}()"),
    };
    match outcome {
        CallOutcome::Threw => format!("{call} threw {error}"),
        _ if method == "on" || method == "off" => call,
        _ if value.is_null() => format!("{call} returned"),
        _ => format!("{call} returned {value}"),
    }
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
    fn the_initialized_event_says_whether_the_chat_renders() {
        let name = MESSAGES_INITIALIZED;
        assert_eq!(
            summarize_event(name, &json!({"messageWillRender": false, "reason": null})),
            "messageWillRender: false → the chat will not render (derived from this event, not a widgetHidden event)"
        );
        assert_eq!(summarize_event(name, &json!({"messageWillRender": true})), "messageWillRender: true");
        assert_eq!(
            summarize_event(name, &json!({"messageWillRender": false, "reason": "HIDE_WIDGET"})),
            "messageWillRender: false, reason: HIDE_WIDGET → the chat will not render (derived from this event, not a widgetHidden event)"
        );
        assert_eq!(
            summarize_event(name, &json!({"messageWillRender": null, "reason": null})),
            "messageWillRender: null"
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

    fn row_of(json: &str, throttles: &mut BTreeMap<String, Throttle>) -> Option<Row> {
        record_row(&serde_json::from_str(json).expect("a valid record"), throttles)
    }

    #[test]
    fn the_hooks_on_for_the_opt_in_says_that_hubspot_sees_it() {
        let mut throttles = BTreeMap::new();
        let json = r#"{"k":"call","seq":1,"t":1,"id":3,"method":"on","args":["widgetHidden"],"outcome":"returned","value":null,"error":""}"#;
        let row = row_of(json, &mut throttles).unwrap();
        assert_eq!((row.kind, row.name.as_str()), (EntryKind::Call, "on"));
        assert_eq!(row.summary, "listening with on('widgetHidden'): HubSpot's usage report records this listener");
        let threw = r#"{"k":"call","seq":2,"t":1,"id":3,"method":"on","args":["widgetHidden"],"outcome":"threw","value":null,"error":"TypeError: x"}"#;
        assert_eq!(row_of(threw, &mut throttles).unwrap().summary, "threw TypeError: x");
    }

    fn page_call(t: f64, method: &str, extra: &str) -> String {
        let mut record = json!({
            "k": "page_call", "seq": 1, "t": t, "method": method, "generation": 2, "placeholder": false, "args": [],
            "outcome": "returned", "value": null, "error": "", "handler": 0,
            "caller": "https://shop.test/app.js:3:9", "from_loader": false
        });
        let extra: Value = serde_json::from_str(&format!("{{{}}}", extra.trim_start_matches(','))).unwrap();
        for (key, value) in extra.as_object().unwrap() {
            record[key] = value.clone();
        }
        record.to_string()
    }

    #[test]
    fn a_page_call_row_says_what_returned_or_threw_and_where_from() {
        let mut throttles = BTreeMap::new();
        let row = row_of(&page_call(5.0, "widget.open", ""), &mut throttles).unwrap();
        assert_eq!((row.kind, row.name.as_str()), (EntryKind::PageCall, "widget.open"));
        assert_eq!(row.summary, "widget.open() returned — on object #2, at https://shop.test/app.js:3:9");
        let payload: Value = serde_json::from_str(&row.payload).unwrap();
        for key in ["method", "generation", "placeholder", "args", "outcome", "handler", "caller", "from_loader"] {
            assert!(payload.get(key).is_some(), "{key} in {payload}");
        }
        for key in ["k", "seq", "t", "replay"] {
            assert!(payload.get(key).is_none(), "{key} in {payload}");
        }
        let threw = page_call(6.0, "widget.open", r#","outcome":"threw","error":"TypeError: x is not a function""#);
        let row = row_of(&threw, &mut throttles).unwrap();
        assert!(row.summary.starts_with("widget.open() threw TypeError: x is not a function — on object #2"));
        let on = page_call(
            7.0,
            "on",
            r#","args":["conversationStarted","[function]"],"handler":3,"from_loader":true,"placeholder":true,"caller":"""#,
        );
        let row = row_of(&on, &mut throttles).unwrap();
        assert_eq!(
            row.summary,
            r#"on("conversationStarted") handler #3 — on the placeholder, called by the loader (onReady or a handler)"#
        );
        let status = page_call(8.0, "widget.status", r#","value":{"loaded":true}"#);
        assert!(row_of(&status, &mut throttles)
            .unwrap()
            .summary
            .starts_with(r#"widget.status() returned {"loaded":true}"#));
    }

    #[test]
    fn page_and_panel_loads_share_one_throttle_per_method() {
        let mut throttles = BTreeMap::new();
        let panel = r#"{"k":"call","seq":1,"t":0,"id":1,"method":"widget.load","args":[],"outcome":"returned","value":null,"error":""}"#;
        assert!(!row_of(panel, &mut throttles).unwrap().summary.contains("collapsed"));
        let row = row_of(&page_call(300.0, "widget.load", ""), &mut throttles).unwrap();
        assert!(row
            .summary
            .starts_with("widget.load() collapsed by the loader's 1 s throttle: the trailing call runs at 1.000 s"));
        let payload: Value = serde_json::from_str(&row.payload).unwrap();
        assert_eq!(payload["throttle"], json!({"collapsed": true, "trailing_call_at_ms": 1000.0}));
        // Another method has its own throttle; a call after a quiet second runs at once.
        assert!(!row_of(&page_call(400.0, "widget.refresh", ""), &mut throttles)
            .unwrap()
            .summary
            .contains("collapsed"));
        assert!(!row_of(&page_call(5000.0, "widget.load", ""), &mut throttles).unwrap().summary.contains("collapsed"));
        // The placeholder's load() builds the real object: not part of the model.
        let placeholder = page_call(5100.0, "widget.load", r#","placeholder":true"#);
        assert!(!row_of(&placeholder, &mut throttles).unwrap().summary.contains("collapsed"));
    }

    #[test]
    fn each_diagnostics_record_gives_a_row_with_its_own_fields() {
        let mut throttles = BTreeMap::new();
        let cases = [
            (r#"{"k":"onready","seq":1,"t":1,"action":"assigned","array":true,"length":2,"generation":0,"replaced":1}"#,
             EntryKind::OnReady, "assigned an array of 2 callbacks, replacing an array of 1 callback"),
            (r#"{"k":"onready","seq":1,"t":1,"action":"assigned","array":false,"length":0,"generation":0,"replaced":0}"#,
             EntryKind::OnReady, "assigned a value that is not an array: its callbacks never run"),
            (r#"{"k":"onready","seq":1,"t":1,"action":"read","array":true,"length":1,"generation":2,"replaced":0}"#,
             EntryKind::OnReady, "read for object #2: 1 callback run"),
            (r#"{"k":"onready","seq":1,"t":1,"action":"grew","array":true,"length":3,"generation":1,"replaced":0}"#,
             EntryKind::OnReady, "grew to 3 callbacks after the loader read it: the new ones do not run"),
            (r#"{"k":"nav","seq":1,"t":1,"how":"push","url":"https://shop.test/cart"}"#,
             EntryKind::UrlChange, "pushState → https://shop.test/cart"),
            (r#"{"k":"csp","seq":1,"t":1,"directive":"frame-src","blocked":"https://app.hubspot.com/x","source":""}"#,
             EntryKind::Csp, "frame-src blocked https://app.hubspot.com/x"),
            (r#"{"k":"csp","seq":1,"t":1,"directive":"connect-src","blocked":"https://api.hubspot.com/x","source":"","report":true}"#,
             EntryKind::Csp, "connect-src would block https://api.hubspot.com/x (report-only)"),
            (r#"{"k":"widget_data","seq":1,"t":1,"url":"https://api.hubspot.com/livechat-public/v1/message/public","status":204,"duration":41.6}"#,
             EntryKind::WidgetData, "204: no chat for this URL (42 ms)"),
            (r#"{"k":"widget_data","seq":1,"t":1,"url":"x","status":0,"duration":3}"#,
             EntryKind::WidgetData, "status not reported by the browser (3 ms)"),
            (r#"{"k":"iframe","seq":1,"t":1,"inline":true,"src":"https://app.hubspot.com/x"}"#,
             EntryKind::Iframe, "inline chat iframe inserted"),
            (r#"{"k":"chat_message","seq":1,"t":1,"type":"store-messages-cookie","utk":true}"#,
             EntryKind::ChatMessage, "the chat asks the page to store the messagesUtk cookie"),
            (r#"{"k":"env","seq":1,"t":1,"secure":false,"host":"localhost","disabled_popups":["LIVE_CHAT"],"to_json":["Array.prototype"],"running":true}"#,
             EntryKind::Env, "plain http localhost, disabledHsPopups: [LIVE_CHAT], toJSON defined on Array.prototype, a chat loader is running"),
            (r##"{"k":"inline","seq":1,"t":1,"selector":"#chat","exists":false,"width":0,"height":0}"##,
             EntryKind::Widget, r##"inlineEmbedSelector "#chat" matches no element"##),
        ];
        for (json, kind, summary) in cases {
            let row = row_of(json, &mut throttles).unwrap_or_else(|| panic!("a row for {json}"));
            assert_eq!((row.kind, row.summary.as_str()), (kind, summary), "{json}");
            let payload: Value = serde_json::from_str(&row.payload).unwrap();
            let record: Value = serde_json::from_str(json).unwrap();
            if kind != EntryKind::Widget {
                for (key, value) in record.as_object().unwrap() {
                    if !["k", "seq", "t"].contains(&key.as_str()) {
                        let same =
                            payload[key] == *value || payload[key].as_f64().is_some_and(|x| Some(x) == value.as_f64());
                        assert!(same, "{key} of {json}: {}", payload[key]);
                    }
                }
            }
        }
        // An inline target that exists, or no selector: status only.
        assert!(row_of(r##"{"k":"inline","seq":1,"t":1,"selector":"#chat","exists":true}"##, &mut throttles).is_none());
        assert!(row_of(r#"{"k":"inline","seq":1,"t":1,"selector":"","exists":false}"#, &mut throttles).is_none());
    }

    #[test]
    fn a_settings_read_gives_a_row_only_when_the_loader_would_throw_on_it() {
        let mut throttles = BTreeMap::new();
        let read = |phase: &str, value: &str| {
            format!(
                r#"{{"k":"settings","seq":1,"t":1,"source":"read","phase":"{phase}","present":true,"fields":{{"loadImmediately":{value}}}}}"#
            )
        };
        let row = row_of(&read("before_loader", r#"{"type":"string","value":"no"}"#), &mut throttles).unwrap();
        assert_eq!(row.summary, "read while no object exists: 1 invalid, the loader throws on it");
        assert!(row_of(&read("before_loader", r#"{"type":"boolean","value":false}"#), &mut throttles).is_none());
        assert!(row_of(&read("after_loader", r#"{"type":"string","value":"no"}"#), &mut throttles).is_none());
    }

    #[test]
    fn falls_back_to_compact_json_and_truncates() {
        assert_eq!(summarize_event("madeUpEvent", &json!({"a": 1})), "{\"a\":1}");
        let long = summarize_event("x", &json!({"message": "z".repeat(500)}));
        assert_eq!(long.chars().count(), MAX_SUMMARY_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
