//! What the panel shows of a payload and what it copies: the marks the hook's sanitiser leaves
//! where it cut a value (read back with the real size), the one text of a log row, and the texts
//! of the copy commands (a value, a payload, a row as JSON, a call as code).

use super::protocol::{Entry, EntryKind, MAX_PAYLOAD_STRING_CHARS, TRUNCATED_KEY};
use serde_json::{Map, Value};

/// Where the page side cut a value, with the real size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// A string of `total` UTF-16 units (JavaScript's `length`), the first `shown` kept.
    String { shown: usize, total: usize },
    /// An array of `total` items, the first `shown` kept.
    Items { shown: usize, total: usize },
    /// An object of `total` keys, the first `shown` kept.
    Keys { shown: usize, total: usize },
    /// The whole payload was too large to keep: the marker's own text ("payload of N bytes").
    Payload(String),
}

impl Cut {
    /// What the panel says about it: "string of 10,482 chars — first 2,000 shown".
    pub fn note(&self) -> String {
        match self {
            Cut::String { shown, total } => {
                format!("string of {} chars — first {} shown", thousands(*total), thousands(*shown))
            }
            Cut::Items { shown, total } => format!("{} items — first {} shown", thousands(*total), thousands(*shown)),
            Cut::Keys { shown, total } => format!("{} keys — first {} shown", thousands(*total), thousands(*shown)),
            Cut::Payload(size) => format!("{size} — too large to keep, not shown"),
        }
    }
}

/// `10482` → `"10,482"`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"[+N<suffix>"` → N (N > 0).
fn counted(text: &str, suffix: &str) -> Option<usize> {
    let n: usize = text.strip_prefix("[+")?.strip_suffix(suffix)?.parse().ok()?;
    (n > 0).then_some(n)
}

/// A string the hook cut: its kept head and the cut. The hook keeps exactly
/// [`MAX_PAYLOAD_STRING_CHARS`] units and appends `…[+N chars]`.
pub fn cut_string(s: &str) -> Option<(&str, Cut)> {
    let at = s.rfind("\u{2026}[+")?;
    let cut_off = counted(&s[at + '\u{2026}'.len_utf8()..], " chars]")?;
    let head = &s[..at];
    let shown = head.encode_utf16().count();
    (shown == MAX_PAYLOAD_STRING_CHARS).then_some((head, Cut::String { shown, total: shown + cut_off }))
}

/// The cut of this value itself (not of its children), if the page side cut it.
pub fn cut_of(value: &Value) -> Option<Cut> {
    match value {
        Value::String(s) => cut_string(s).map(|(_, cut)| cut),
        Value::Array(items) => {
            let more = counted(items.last()?.as_str()?, " more]")?;
            let shown = items.len() - 1;
            Some(Cut::Items { shown, total: shown + more })
        }
        Value::Object(map) if map.len() == 1 && map.get(TRUNCATED_KEY).is_some_and(Value::is_string) => {
            Some(Cut::Payload(map[TRUNCATED_KEY].as_str().unwrap_or_default().to_string()))
        }
        Value::Object(map) => {
            let more = counted(map.get("[more]")?.as_str()?, " keys]")?;
            let shown = map.len() - 1;
            Some(Cut::Keys { shown, total: shown + more })
        }
        _ => None,
    }
}

/// The value as the JSON tree shows it (a cut string without its mark, a cut array or object
/// without its counting item), and its cut.
pub fn without_mark(value: &Value) -> (Value, Option<Cut>) {
    let Some(cut) = cut_of(value) else {
        return (value.clone(), None);
    };
    let shown = match (value, &cut) {
        (Value::String(s), _) => Value::String(cut_string(s).map_or(s.as_str(), |(head, _)| head).to_string() + "…"),
        (Value::Array(items), _) => Value::Array(items[..items.len() - 1].to_vec()),
        (Value::Object(map), Cut::Keys { .. }) => {
            let mut shown = map.clone();
            shown.remove("[more]");
            Value::Object(shown)
        }
        (other, _) => other.clone(),
    };
    (shown, Some(cut))
}

/// Every cut inside a payload, depth first, with the path to it ("" for the payload itself,
/// `.items`, `.a[3]`): what the detail pane lists above the tree.
pub fn cuts_in(value: &Value) -> Vec<(String, Cut)> {
    fn walk(value: &Value, path: &mut String, out: &mut Vec<(String, Cut)>) {
        if let Some(cut) = cut_of(value) {
            out.push((path.clone(), cut));
        }
        let (shown, _) = without_mark(value);
        let len = path.len();
        match &shown {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    if is_identifier(key) {
                        path.push('.');
                        path.push_str(key);
                    } else {
                        path.push_str(&format!("[{}]", Value::String(key.clone())));
                    }
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// The parsed payload of an entry (its text as a string when it is not JSON).
pub fn payload_value(entry: &Entry) -> Value {
    serde_json::from_str(&entry.payload).unwrap_or_else(|_| Value::String(entry.payload.clone()))
}

/// Longest payload text a row shows (in its cell or its tooltip): the DOM of 1,000 rows stays small.
pub const MAX_ROW_PAYLOAD_CHARS: usize = 500;

/// What a log row shows besides its name: the summary or the compact payload, never both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowText {
    /// The summary says more than the payload; the payload goes to the row's tooltip.
    Summary { summary: String, payload: String },
    /// The summary would only repeat the payload (or there is none): the compact payload.
    Payload(String),
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The row's text. The summary is dropped when it is empty or is the compact payload itself
/// (the summaries fall back to it), whole or shortened with "…".
pub fn row_text(entry: &Entry) -> RowText {
    let payload = clip(&entry.payload, MAX_ROW_PAYLOAD_CHARS);
    let summary = entry.summary.as_str();
    let repeats = summary.is_empty()
        || summary == entry.payload
        || summary.strip_suffix('…').is_some_and(|head| !head.is_empty() && entry.payload.starts_with(head));
    if repeats {
        RowText::Payload(payload)
    } else {
        RowText::Summary { summary: summary.to_string(), payload }
    }
}

/// "Copy value": a string as its text, anything else as pretty JSON.
pub fn copy_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// "Copy payload": the payload as pretty JSON.
pub fn copy_payload(entry: &Entry) -> String {
    match serde_json::from_str::<Value>(&entry.payload) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Err(_) => entry.payload.clone(),
    }
}

/// "Copy row as JSON": the entry as pretty JSON, its payload as JSON (not as JSON text).
pub fn copy_row_json(entry: &Entry) -> String {
    serde_json::to_string_pretty(&entry_json(entry)).unwrap_or_default()
}

/// The method a call row called ("widget.refresh"): a page call's recorded method, else its name.
fn called_method(entry: &Entry, payload: &Value) -> Option<String> {
    match entry.kind {
        EntryKind::Call => Some(entry.name.clone()),
        EntryKind::PageCall => Some(payload.get("method").and_then(Value::as_str).unwrap_or(&entry.name).to_string()),
        _ => None,
    }
}

/// "Copy as code" for a call row (from the panel or the page's own code):
/// `window.HubSpotConversations.widget.refresh({openToNewThread: true})`. `None` for other rows.
pub fn call_code(entry: &Entry) -> Option<String> {
    let payload = payload_value(entry);
    let method = called_method(entry, &payload)?;
    let args = match payload.get("args") {
        Some(Value::Array(args)) => args.iter().map(js_literal).collect::<Vec<_>>().join(", "),
        Some(Value::Null) | None => String::new(),
        Some(_) => "/* arguments too large to keep */".to_string(),
    };
    Some(format!("window.HubSpotConversations.{method}({args})"))
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A JSON value as a JavaScript literal, the way one writes it: `{openToNewThread: true}`.
pub fn js_literal(value: &Value) -> String {
    match value {
        Value::Array(items) => format!("[{}]", items.iter().map(js_literal).collect::<Vec<_>>().join(", ")),
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            let fields: Vec<String> = map
                .iter()
                .map(|(key, item)| {
                    let key = if is_identifier(key) { key.clone() } else { Value::String(key.clone()).to_string() };
                    format!("{key}: {}", js_literal(item))
                })
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// The entry's fields as JSON, its payload parsed (not JSON text).
pub fn entry_json(entry: &Entry) -> Value {
    let mut row = serde_json::to_value(entry).unwrap_or_else(|_| Value::Object(Map::new()));
    if let Some(object) = row.as_object_mut() {
        object.insert("payload".into(), payload_value(entry));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hook_cut(s: &str) -> String {
        // What hook.js's jsonString makes of a long string (UTF-16 units).
        let units: Vec<u16> = s.encode_utf16().collect();
        let head = String::from_utf16_lossy(&units[..MAX_PAYLOAD_STRING_CHARS]);
        format!("{head}…[+{} chars]", units.len() - MAX_PAYLOAD_STRING_CHARS)
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10_482), "10,482");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_cut_string_says_its_real_size() {
        let cut = hook_cut(&"y".repeat(10_482));
        let (head, how) = cut_string(&cut).unwrap();
        assert_eq!(head.len(), 2000);
        assert_eq!(how.note(), "string of 10,482 chars — first 2,000 shown");
        let (shown, _) = without_mark(&Value::String(cut));
        assert_eq!(shown.as_str().unwrap().chars().count(), 2001);
        // A page string that merely ends like the mark is not a cut (its head is not 2000 long).
        assert_eq!(cut_string("short…[+5 chars]"), None);
        assert_eq!(cut_of(&json!("plain")), None);
    }

    #[test]
    fn a_cut_array_and_object_say_their_real_size() {
        let mut items: Vec<Value> = (0..100).map(|i| json!(i)).collect();
        items.push(json!("[+20 more]"));
        let array = Value::Array(items);
        assert_eq!(cut_of(&array), Some(Cut::Items { shown: 100, total: 120 }));
        assert_eq!(cut_of(&array).unwrap().note(), "120 items — first 100 shown");
        let (shown, _) = without_mark(&array);
        assert_eq!(shown.as_array().unwrap().len(), 100);

        let object = json!({"a": 1, "b": 2, "[more]": "[+398 keys]"});
        assert_eq!(cut_of(&object).unwrap().note(), "400 keys — first 2 shown");
        assert_eq!(without_mark(&object).0, json!({"a": 1, "b": 2}));

        assert_eq!(cut_of(&json!(["[+0 more]"])), None);
        assert_eq!(cut_of(&json!(["a", "b"])), None);
        let whole = json!({"[truncated]": "payload of 70000 bytes"});
        assert_eq!(cut_of(&whole).unwrap().note(), "payload of 70000 bytes — too large to keep, not shown");
    }

    #[test]
    fn cuts_are_listed_with_their_paths() {
        let mut items: Vec<Value> = (0..100).map(|i| json!(i)).collect();
        items.push(json!("[+20 more]"));
        let payload = json!({"list": items, "deep": {"my key": [hook_cut(&"z".repeat(3000))]}});
        let cuts = cuts_in(&payload);
        assert_eq!(
            cuts.iter().map(|(p, c)| format!("{p}: {}", c.note())).collect::<Vec<_>>(),
            [".deep[\"my key\"][0]: string of 3,000 chars — first 2,000 shown", ".list: 120 items — first 100 shown",]
        );
    }

    #[test]
    fn a_row_shows_the_summary_or_the_payload_never_both() {
        let unread =
            Entry::sample(1, EntryKind::Event, "unreadConversationCountChanged", "unread: 12", r#"{"unreadCount":12}"#);
        assert_eq!(
            row_text(&unread),
            RowText::Summary { summary: "unread: 12".into(), payload: r#"{"unreadCount":12}"#.into() }
        );
        let plain = Entry::sample(2, EntryKind::Event, "custom", r#"{"a":1}"#, r#"{"a":1}"#);
        assert_eq!(row_text(&plain), RowText::Payload(r#"{"a":1}"#.into()));
        let long_payload = format!(r#"{{"a":"{}"}}"#, "x".repeat(300));
        let shortened: String = long_payload.chars().take(160).chain(['…']).collect();
        let long = Entry::sample(3, EntryKind::Event, "custom", &shortened, &long_payload);
        assert_eq!(row_text(&long), RowText::Payload(long_payload.clone()));
        let empty = Entry::sample(4, EntryKind::Event, "custom", "", "null");
        assert_eq!(row_text(&empty), RowText::Payload("null".into()));
        let huge = Entry::sample(5, EntryKind::Event, "custom", "", &"1".repeat(5000));
        let RowText::Payload(text) = row_text(&huge) else { panic!() };
        assert_eq!(text.chars().count(), MAX_ROW_PAYLOAD_CHARS + 1);
    }

    #[test]
    fn copy_texts() {
        let entry = Entry::sample(7, EntryKind::Event, "widgetLoaded", "loaded", r#"{"message":"hi","n":[1,2]}"#);
        assert_eq!(copy_payload(&entry), "{\n  \"message\": \"hi\",\n  \"n\": [\n    1,\n    2\n  ]\n}");
        let row: Value = serde_json::from_str(&copy_row_json(&entry)).unwrap();
        assert_eq!(row["id"], 7);
        assert_eq!(row["kind"], "event");
        assert_eq!(row["name"], "widgetLoaded");
        assert_eq!(row["summary"], "loaded");
        assert_eq!(row["payload"], json!({"message": "hi", "n": [1, 2]}));
        assert_eq!(copy_value(&json!("a \"b\"")), "a \"b\"");
        assert_eq!(copy_value(&json!({"a": 1})), "{\n  \"a\": 1\n}");
        assert_eq!(call_code(&entry), None);
        assert_eq!(entry_json(&entry), row);
    }

    #[test]
    fn a_call_row_copies_as_code() {
        let panel = Entry::sample(
            1,
            EntryKind::Call,
            "widget.refresh",
            "returned",
            r#"{"id":3,"args":[{"openToNewThread":true}],"outcome":"returned","value":null,"error":"","throttle":null}"#,
        );
        assert_eq!(call_code(&panel).unwrap(), "window.HubSpotConversations.widget.refresh({openToNewThread: true})");
        let page = Entry::sample(
            2,
            EntryKind::PageCall,
            "widget.load",
            "returned",
            r#"{"method":"widget.load","args":[{"widgetOpen":false,"my-key":"x"},[1,"two"],null]}"#,
        );
        assert_eq!(
            call_code(&page).unwrap(),
            r#"window.HubSpotConversations.widget.load({"my-key": "x", widgetOpen: false}, [1, "two"], null)"#
        );
        let no_args = Entry::sample(3, EntryKind::Call, "widget.open", "returned", r#"{"id":1,"args":[]}"#);
        assert_eq!(call_code(&no_args).unwrap(), "window.HubSpotConversations.widget.open()");
        let big =
            Entry::sample(4, EntryKind::PageCall, "clear", "", r#"{"method":"clear","args":{"[truncated]":"x"}}"#);
        assert_eq!(call_code(&big).unwrap(), "window.HubSpotConversations.clear(/* arguments too large to keep */)");
    }
}
