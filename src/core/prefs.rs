//! The panel's remembered preferences: ONE typed, versioned record in `storage.local` (shared by
//! the devtools panel and the panel tab). Read leniently: a field of the wrong type or out of its
//! bounds falls back to its default, an unknown version or unreadable text to all defaults.

use super::filter::{KindGroup, MAX_FILTER_CHARS};
use super::keys::{ColumnWidths, SplitSize};
use super::panel_state::{site_of, View};
use serde::Serialize;
use serde_json::{Map, Value};

/// The `storage.local` key of the record.
pub const PREFS_KEY: &str = "panelPrefs";
pub const PREFS_VERSION: u32 = 1;
/// Longest stored record read (anything longer is not ours: defaults).
pub const MAX_PREFS_BYTES: usize = 64 * 1024;
const MAX_NAME_CHARS: usize = 200;
const MAX_DOC_CHARS: usize = 200;
const MAX_SITE_CHARS: usize = 300;
/// Most sites remembered for the widgetHidden opt-in (the oldest are forgotten first).
pub const MAX_LISTEN_SITES: usize = 200;

/// The localStorage keys used before this record, migrated once (then removed).
pub const OLD_PRESERVE_LOG_KEY: &str = "chat-widget-inspector.preserveLog";
pub const OLD_VIEW_KEY: &str = "chat-widget-inspector.view";
/// Followed by the site.
pub const OLD_LISTEN_KEY_PREFIX: &str = "chat-widget-inspector.listen.widgetHidden.";

/// The entry selected in Events: its id, and its document (ids are per tab: the document tells
/// whether it is still the same entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(test, derive(serde::Deserialize))]
pub struct SelectedEntry {
    pub id: u64,
    pub doc: String,
}

/// Read by hand ([`Prefs::from_json`], README "Wasm size"); the derived decoder (tests only) checks it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[cfg_attr(test, serde(default))]
pub struct Prefs {
    /// Missing: not a record of ours (0).
    #[cfg_attr(test, serde(default, deserialize_with = "lenient"))]
    pub v: u32,
    /// The selected view, by its label ("Events", "Widget", …).
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub view: String,
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub preserve_log: bool,
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub paused: bool,
    /// The filter/search text as typed.
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub filter_text: String,
    /// The kind chips on, by slug (none: All).
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub kinds: Vec<String>,
    /// The event-name choice (none: all events).
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub event_name: Option<String>,
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub selected: Option<SelectedEntry>,
    /// Sites (origins) where the user opted in to listening to widgetHidden with on().
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub listen_widget_hidden: Vec<String>,
    /// The log's share of the split between log and detail, in percent (`SplitSize`); none: the default.
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub split: Option<f64>,
    /// The widths of the log's Time and Name columns (px, `ColumnWidths`); none: the defaults.
    #[cfg_attr(test, serde(deserialize_with = "lenient"))]
    pub columns: Option<ColumnWidths>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            v: PREFS_VERSION,
            view: View::default().label().to_string(),
            preserve_log: false,
            paused: false,
            filter_text: String::new(),
            kinds: vec![],
            event_name: None,
            selected: None,
            listen_widget_hidden: vec![],
            split: None,
            columns: None,
        }
    }
}

/// A field of the wrong type reads as its default instead of failing the whole record (tests: the
/// derived decoder's rule, which [`field`] follows).
#[cfg(test)]
fn lenient<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(d)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// The field `key`: `missing` when absent, its type's default when it does not `read`.
fn field<T: Default>(fields: &Map<String, Value>, key: &str, missing: T, read: impl Fn(&Value) -> Option<T>) -> T {
    fields.get(key).map_or(missing, |value| read(value).unwrap_or_default())
}

/// `null` → `None`, else what `read` makes of it.
fn nullable<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<Option<T>> {
    if value.is_null() {
        Some(None)
    } else {
        read(value).map(Some)
    }
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn texts(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(text).collect()
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64()
}

fn capped(text: &str, max: usize) -> bool {
    text.chars().count() <= max
}

impl Prefs {
    /// The record stored under [`PREFS_KEY`], or the defaults (never fails).
    pub fn from_json(text: &str) -> Prefs {
        if text.len() > MAX_PREFS_BYTES {
            return Prefs::default();
        }
        match serde_json::from_str(text) {
            Ok(Value::Object(fields)) => {
                let prefs = Prefs::read(&fields);
                if prefs.v == PREFS_VERSION {
                    prefs.validated()
                } else {
                    Prefs::default()
                }
            }
            _ => Prefs::default(),
        }
    }

    /// Each field leniently: absent → the record's default, of another type → its type's default.
    fn read(m: &Map<String, Value>) -> Prefs {
        let d = Prefs::default();
        Prefs {
            v: field(m, "v", 0, |v| v.as_u64()?.try_into().ok()),
            view: field(m, "view", d.view, text),
            preserve_log: field(m, "preserve_log", d.preserve_log, Value::as_bool),
            paused: field(m, "paused", d.paused, Value::as_bool),
            filter_text: field(m, "filter_text", d.filter_text, text),
            kinds: field(m, "kinds", d.kinds, texts),
            event_name: field(m, "event_name", d.event_name, |v| nullable(v, text)),
            selected: field(m, "selected", d.selected, |v| {
                nullable(v, |v| Some(SelectedEntry { id: v.get("id")?.as_u64()?, doc: text(v.get("doc")?)? }))
            }),
            listen_widget_hidden: field(m, "listen_widget_hidden", d.listen_widget_hidden, texts),
            split: field(m, "split", d.split, |v| nullable(v, number)),
            columns: field(m, "columns", d.columns, |v| {
                nullable(v, |v| Some(ColumnWidths { time: number(v.get("time")?)?, name: number(v.get("name")?)? }))
            }),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Every field within its bounds: out of bounds → its default.
    pub fn validated(self) -> Prefs {
        let defaults = Prefs::default();
        let view = View::from_label(&self.view).map_or(defaults.view, |v| v.label().to_string());
        let filter_text = if capped(&self.filter_text, MAX_FILTER_CHARS) { self.filter_text } else { String::new() };
        let mut kinds: Vec<String> = vec![];
        for group in KindGroup::ALL {
            if self.kinds.iter().any(|k| k == group.slug()) {
                kinds.push(group.slug().to_string());
            }
        }
        if kinds.len() == KindGroup::ALL.len() {
            kinds.clear();
        }
        let event_name = self.event_name.filter(|n| !n.is_empty() && capped(n, MAX_NAME_CHARS));
        let selected = self.selected.filter(|s| capped(&s.doc, MAX_DOC_CHARS));
        let mut sites: Vec<String> = vec![];
        for site in self.listen_widget_hidden {
            if capped(&site, MAX_SITE_CHARS)
                && site_of(&site).as_deref() == Some(site.as_str())
                && !sites.contains(&site)
            {
                sites.push(site);
            }
        }
        let excess = sites.len().saturating_sub(MAX_LISTEN_SITES);
        sites.drain(..excess);
        Prefs {
            v: PREFS_VERSION,
            view,
            preserve_log: self.preserve_log,
            paused: self.paused,
            filter_text,
            kinds,
            event_name,
            selected,
            listen_widget_hidden: sites,
            split: self.split.filter(|p| (SplitSize::MIN..=SplitSize::MAX).contains(p)),
            columns: self.columns.and_then(ColumnWidths::valid),
        }
    }

    /// The preferences kept in the panel's localStorage before this record: `get` reads a key.
    /// `None` when there were none (nothing to migrate).
    pub fn migrated_from_local_storage(keys: &[String], get: impl Fn(&str) -> Option<String>) -> Option<Prefs> {
        let mut prefs = Prefs::default();
        let mut found = false;
        if let Some(value) = get(OLD_PRESERVE_LOG_KEY) {
            prefs.preserve_log = value == "true";
            found = true;
        }
        if let Some(value) = get(OLD_VIEW_KEY) {
            prefs.view = value;
            found = true;
        }
        for key in keys {
            if let Some(site) = key.strip_prefix(OLD_LISTEN_KEY_PREFIX) {
                found = true;
                if get(key).as_deref() == Some("true") {
                    prefs.listen_widget_hidden.push(site.to_string());
                }
            }
        }
        found.then(|| prefs.validated())
    }

    pub fn view(&self) -> View {
        View::from_label(&self.view).unwrap_or_default()
    }

    pub fn listens_on(&self, site: &str) -> bool {
        self.listen_widget_hidden.iter().any(|s| s == site)
    }

    /// Remembers the widgetHidden opt-in for `site` (most recent last, capped).
    pub fn set_listen(&mut self, site: &str, on: bool) {
        self.listen_widget_hidden.retain(|s| s != site);
        if on {
            self.listen_widget_hidden.push(site.to_string());
        }
        let excess = self.listen_widget_hidden.len().saturating_sub(MAX_LISTEN_SITES);
        self.listen_widget_hidden.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_kept_only_within_its_bounds() {
        assert_eq!(Prefs::from_json(r#"{"v":1,"split":42}"#).split, Some(42.0));
        assert_eq!(Prefs::from_json(r#"{"v":1,"split":99}"#).split, None);
        assert_eq!(Prefs::from_json(r#"{"v":1,"split":"wide"}"#).split, None);
        assert_eq!(Prefs::from_json(r#"{"v":1}"#).split, None);
    }
    use std::collections::BTreeMap;

    #[test]
    fn column_widths_are_kept_only_within_their_bounds() {
        let prefs = Prefs::from_json(r#"{"v":1,"columns":{"time":80,"name":300}}"#);
        assert_eq!(prefs.columns, Some(ColumnWidths { time: 80.0, name: 300.0 }));
        assert_eq!(Prefs::from_json(&prefs.to_json()), prefs, "round trip");
        for bad in [
            r#"{"time":80,"name":9000}"#,
            r#"{"time":10,"name":100}"#,
            r#"{"time":"wide","name":100}"#,
            r#"{"time":80}"#,
            "12",
        ] {
            let prefs = Prefs::from_json(&format!(r#"{{"v":1,"paused":true,"columns":{bad}}}"#));
            assert_eq!(prefs.columns, None, "{bad}");
            assert!(prefs.paused, "the rest of the record is kept: {bad}");
        }
        assert_eq!(Prefs::from_json(r#"{"v":1}"#).columns, None);
    }

    /// A full record and every mutation of it (each field left out, `null`, of each JSON type) read
    /// by hand and by the derived decoder: the same preferences.
    #[test]
    fn reads_as_the_derived_decoder_reads() {
        use serde_json::json;
        let full = json!({"v": 1, "view": "Widget", "preserve_log": true, "paused": true, "filter_text": "x",
            "kinds": ["sdk", "page"], "event_name": "widgetLoaded", "selected": {"id": 12, "doc": "d"},
            "listen_widget_hidden": ["http://localhost:8123"], "split": 40.5, "columns": {"time": 80, "name": 300}});
        let Value::Object(map) = full else { panic!() };
        let changes = [
            Value::Null,
            json!("x"),
            json!(1),
            json!(-1),
            json!(4_294_967_296u64),
            json!(40.5),
            json!(true),
            json!([]),
            json!(["sdk"]),
            json!({}),
            json!({"id": 3, "doc": "e"}),
            json!({"id": 3}),
            json!({"time": 80.5, "name": 250}),
            json!({"time": "80", "name": 250}),
        ];
        let mut cases = vec![map.clone()];
        for key in map.keys() {
            let mut gone = map.clone();
            gone.remove(key);
            cases.push(gone);
            for change in &changes {
                let mut changed = map.clone();
                changed.insert(key.clone(), change.clone());
                cases.push(changed);
            }
        }
        for case in cases {
            let text = Value::Object(case).to_string();
            let derived = match serde_json::from_str::<Prefs>(&text) {
                Ok(prefs) if prefs.v == PREFS_VERSION => prefs.validated(),
                _ => Prefs::default(),
            };
            assert_eq!(Prefs::from_json(&text), derived, "{text}");
        }
    }

    #[test]
    fn round_trips() {
        let prefs = Prefs {
            view: "Widget".into(),
            preserve_log: true,
            paused: true,
            filter_text: "conversation -closed /^w/".into(),
            kinds: vec!["sdk".into(), "panel".into()],
            event_name: Some("widgetLoaded".into()),
            selected: Some(SelectedEntry { id: 12, doc: "doc-1".into() }),
            listen_widget_hidden: vec!["http://localhost:8123".into()],
            ..Prefs::default()
        };
        assert_eq!(Prefs::from_json(&prefs.to_json()), prefs);
        assert_eq!(prefs.view(), View::Widget);
    }

    #[test]
    fn unreadable_or_unknown_versions_are_the_defaults() {
        for text in ["", "null", "[]", "{", "42", r#"{"v":2,"view":"Widget"}"#, r#"{"view":"Widget"}"#] {
            assert_eq!(Prefs::from_json(text), Prefs::default(), "{text}");
        }
        let huge = format!(r#"{{"v":1,"filter_text":"{}"}}"#, "a".repeat(MAX_PREFS_BYTES));
        assert_eq!(Prefs::from_json(&huge), Prefs::default());
    }

    #[test]
    fn invalid_fields_fall_back_one_by_one() {
        let text = r#"{"v":1,"view":"Nope","preserve_log":"yes","paused":true,"filter_text":12,
            "kinds":["sdk","bogus","sdk","page"],"event_name":"","selected":{"id":-1},"unknown":1,
            "listen_widget_hidden":["http://localhost:8123","javascript:alert(1)","http://a.test/path",7]}"#;
        let prefs = Prefs::from_json(text);
        assert_eq!(prefs.view(), View::Events);
        assert!(!prefs.preserve_log, "a string is not a boolean");
        assert!(prefs.paused, "a valid field next to invalid ones is kept");
        assert_eq!(prefs.filter_text, "");
        assert_eq!(prefs.kinds, vec!["sdk", "page"]);
        assert_eq!(prefs.event_name, None);
        assert_eq!(prefs.selected, None);
        assert_eq!(prefs.listen_widget_hidden, Vec::<String>::new(), "a list with a non-string is not a list of sites");
        let prefs = Prefs::from_json(
            r#"{"v":1,"listen_widget_hidden":["http://localhost:8123","javascript:alert(1)","http://a.test/path"]}"#,
        );
        assert_eq!(prefs.listen_widget_hidden, vec!["http://localhost:8123"], "origins only");
    }

    #[test]
    fn caps_apply_on_load() {
        let long = "x".repeat(MAX_FILTER_CHARS + 1);
        let prefs = Prefs { filter_text: long, event_name: Some("n".repeat(500)), ..Prefs::default() };
        let loaded = Prefs::from_json(&prefs.to_json());
        assert_eq!((loaded.filter_text.as_str(), loaded.event_name), ("", None));
        let every = Prefs { kinds: KindGroup::ALL.iter().map(|g| g.slug().to_string()).collect(), ..Prefs::default() };
        assert!(every.validated().kinds.is_empty(), "every chip is All");
        let mut prefs = Prefs::default();
        for i in 0..MAX_LISTEN_SITES + 5 {
            prefs.set_listen(&format!("http://s{i}.test"), true);
        }
        assert_eq!(prefs.listen_widget_hidden.len(), MAX_LISTEN_SITES);
        assert!(!prefs.listens_on("http://s0.test"), "the oldest are forgotten");
        assert!(prefs.listens_on(&format!("http://s{}.test", MAX_LISTEN_SITES + 4)));
        prefs.set_listen("http://s10.test", false);
        assert!(!prefs.listens_on("http://s10.test"));
    }

    #[test]
    fn old_local_storage_values_migrate_once() {
        let old: BTreeMap<String, String> = [
            (OLD_PRESERVE_LOG_KEY, "true"),
            (OLD_VIEW_KEY, "Cookies"),
            ("chat-widget-inspector.listen.widgetHidden.http://localhost:8123", "true"),
            ("chat-widget-inspector.listen.widgetHidden.http://other.test", "false"),
            ("unrelated", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let keys: Vec<String> = old.keys().cloned().collect();
        let prefs = Prefs::migrated_from_local_storage(&keys, |k| old.get(k).cloned()).expect("migrated");
        assert!(prefs.preserve_log);
        assert_eq!(prefs.view(), View::Cookies);
        assert_eq!(prefs.listen_widget_hidden, vec!["http://localhost:8123"]);
        assert_eq!(Prefs::migrated_from_local_storage(&[], |_| None), None, "nothing to migrate");
    }
}
