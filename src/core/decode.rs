//! Hand-written decoders for what the panel receives: [`PanelUpdate`]s and the entries of an
//! imported log (README "Wasm size"). An update's fields are picked from the text as it comes
//! ([`Picked`]: each value a `serde_json::Value`, a parser the panel needs for payloads anyway, no
//! key allocated, unknown fields skipped unread), its entries one by one; an imported entry is
//! walked from its parsed `Value`. Strings are moved out, never copied. serde's derived decoders for
//! these types (an internally tagged enum buffers through serde's `Content`, then decodes every
//! field type once more from it) cost the panel's wasm far more than this file; the background
//! keeps them where it reads its own storage.
//!
//! The rules are serde's for the derived types: a field without a default must be present, a field
//! with one may be missing but not `null` unless it is an `Option`, numbers keep their type (an
//! id is an unsigned integer, never `1.0`), unknown fields are ignored, unknown enum names refused.

use super::diagnostics::{Diagnosis, DiagnosisReport, Finding, Note, Severity, RULES};
use super::protocol::{
    ApiState, CallOutcome, CookieRow, Diagnosed, Entry, EntryKind, InlineView, NavHow, OnReadyAction, PageStatus,
    PanelUpdate, SettingsField, SettingsPhase, SettingsView, Undelivered, Via,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why a message could not be decoded, in words (the caller wraps it).
pub type Why = String;

pub type Fields = Map<String, Value>;

/// The wire names of the enums the panel receives, in one table each (tests check them against
/// serde's spelling, which the background writes).
pub const ENTRY_KINDS: [(&str, EntryKind); 16] = [
    ("event", EntryKind::Event),
    ("api", EntryKind::Api),
    ("widget", EntryKind::Widget),
    ("loader", EntryKind::Loader),
    ("open", EntryKind::Open),
    ("call", EntryKind::Call),
    ("settings", EntryKind::Settings),
    ("navigation", EntryKind::Navigation),
    ("page_call", EntryKind::PageCall),
    ("on_ready", EntryKind::OnReady),
    ("url_change", EntryKind::UrlChange),
    ("csp", EntryKind::Csp),
    ("widget_data", EntryKind::WidgetData),
    ("iframe", EntryKind::Iframe),
    ("chat_message", EntryKind::ChatMessage),
    ("env", EntryKind::Env),
];
pub const VIAS: [(&str, Via); 3] = [("iframe", Via::Iframe), ("on", Via::On), ("dom", Via::Dom)];
pub const UNDELIVERED: [(&str, Undelivered); 3] = [
    ("foreign_frame", Undelivered::ForeignFrame),
    ("missing_uuid", Undelivered::MissingUuid),
    ("bogus_uuid", Undelivered::BogusUuid),
];
pub const API_STATES: [(&str, ApiState); 3] =
    [("absent", ApiState::Absent), ("placeholder", ApiState::Placeholder), ("ready", ApiState::Ready)];
pub const SETTINGS_PHASES: [(&str, SettingsPhase); 2] =
    [("before_loader", SettingsPhase::BeforeLoader), ("after_loader", SettingsPhase::AfterLoader)];

pub const CALL_OUTCOMES: [(&str, CallOutcome); 5] = [
    ("returned", CallOutcome::Returned),
    ("threw", CallOutcome::Threw),
    ("not_ready", CallOutcome::NotReady),
    ("missing", CallOutcome::Missing),
    ("not_delivered", CallOutcome::NotDelivered),
];
pub const ONREADY_ACTIONS: [(&str, OnReadyAction); 3] =
    [("assigned", OnReadyAction::Assigned), ("read", OnReadyAction::Read), ("grew", OnReadyAction::Grew)];
pub const NAV_HOWS: [(&str, NavHow); 4] = [
    ("push", NavHow::Push),
    ("replace", NavHow::Replace),
    ("popstate", NavHow::Popstate),
    ("hashchange", NavHow::Hashchange),
];

/// The six scalar `visit_*` methods of a visitor, each giving `$result` (generic over the error
/// type `$E`): the visitors here take objects or arrays only, and refuse the rest in their own words.
macro_rules! scalars {
    ($E:ident => $result:expr) => {
        fn visit_unit<$E: serde::de::Error>(self) -> Result<Self::Value, $E> {
            $result
        }
        fn visit_bool<$E: serde::de::Error>(self, _: bool) -> Result<Self::Value, $E> {
            $result
        }
        fn visit_i64<$E: serde::de::Error>(self, _: i64) -> Result<Self::Value, $E> {
            $result
        }
        fn visit_u64<$E: serde::de::Error>(self, _: u64) -> Result<Self::Value, $E> {
            $result
        }
        fn visit_f64<$E: serde::de::Error>(self, _: f64) -> Result<Self::Value, $E> {
            $result
        }
        fn visit_str<$E: serde::de::Error>(self, _: &str) -> Result<Self::Value, $E> {
            $result
        }
    };
}

/// The fields of a JSON object named in `keys`, in that order: read from the text, each value as a
/// `Value`, the other fields skipped unread and no key allocated (as fast as a derived decoder).
/// The rules' rows are read so, and the entries of an update.
pub struct Picked {
    keys: &'static [&'static str],
    values: Vec<Option<Value>>,
}

impl Picked {
    pub fn from_text(text: &str, keys: &'static [&'static str]) -> Option<Picked> {
        let mut reader = serde_json::Deserializer::from_str(text);
        // `deserialize_any`, and a visitor that refuses every other JSON type with its own words:
        // serde's "invalid type" errors would link `f64` formatting into the wasm.
        let values = serde::Deserializer::deserialize_any(&mut reader, Picked { keys, values: vec![] }).ok()?;
        reader.end().ok()?;
        Some(Picked { keys, values })
    }
}

impl Source for Picked {
    fn take(&mut self, key: &str) -> Option<Value> {
        let i = self.keys.iter().position(|k| *k == key)?;
        self.values[i].take()
    }
}

impl<'de> serde::de::Visitor<'de> for Picked {
    type Value = Vec<Option<Value>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    scalars!(E => Err(E::custom("not an object")));

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serde::de::Error::custom("not an object"))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; self.keys.len()];
        while let Some(key) = map.next_key_seed(KeyIndex(self.keys))? {
            match key {
                Some(i) => values[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(values)
    }
}

/// A key, as its index in the keys wanted (`None`: not wanted), read without allocating it.
pub struct KeyIndex(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for KeyIndex {
    type Value = Option<usize>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|k| *k == key))
    }
}

/// The keys of an update (its `entries` are read as they come, see [`EntriesSeed`]).
const UPDATE_KEYS: [&str; 12] =
    ["v", "type", "entries", "status", "dropped", "before", "more", "cookies", "error", "seq", "report", "diagnosed"];
const ENTRY_KEYS: [&str; 10] = ["id", "doc", "t", "wall", "kind", "name", "via", "undelivered", "summary", "payload"];

/// An update's fields, its entries already read (or why not).
pub struct UpdateFields {
    fields: Picked,
    entries: Option<Result<Vec<Entry>, Why>>,
}

impl UpdateFields {
    pub fn from_text(text: &str) -> Result<UpdateFields, Why> {
        let mut reader = serde_json::Deserializer::from_str(text);
        let update = serde::Deserializer::deserialize_any(&mut reader, UpdateVisitor).map_err(|e| e.to_string())?;
        reader.end().map_err(|e| e.to_string())?;
        Ok(update)
    }

    /// The protocol version it says.
    pub fn version(&mut self) -> Result<u64, Why> {
        unsigned(required(&mut self.fields, "v")?, "v")
    }
}

struct UpdateVisitor;

impl<'de> serde::de::Visitor<'de> for UpdateVisitor {
    type Value = UpdateFields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a message object")
    }

    // Every other JSON type is refused in these words (serde's "invalid type" errors would link
    // `f64` formatting into the wasm).
    scalars!(E => Err(E::custom("`a message` must be an object")));

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serde::de::Error::custom("`a message` must be an object"))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = vec![None; UPDATE_KEYS.len()];
        let mut entries = None;
        while let Some(key) = map.next_key_seed(KeyIndex(&UPDATE_KEYS))? {
            match key {
                Some(2) => entries = Some(map.next_value_seed(EntriesSeed)?),
                Some(i) => values[i] = Some(map.next_value()?),
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(UpdateFields { fields: Picked { keys: &UPDATE_KEYS, values }, entries })
    }
}

/// An update's `entries`, each read with [`Picked`] and made an [`Entry`] at once (the first that
/// does not fit is the answer; the rest are skipped).
struct EntriesSeed;

impl<'de> serde::de::DeserializeSeed<'de> for EntriesSeed {
    type Value = Result<Vec<Entry>, Why>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for EntriesSeed {
    type Value = Result<Vec<Entry>, Why>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }

    scalars!(E => Ok(Err(wrong("entries", "an array"))));

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
        Ok(Err(wrong("entries", "an array")))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut error = None;
        while let Some(fields) = seq.next_element_seed(PickedSeed(&ENTRY_KEYS))? {
            if error.is_some() {
                continue;
            }
            match fields.map(|values| entry(&mut Picked { keys: &ENTRY_KEYS, values })) {
                Some(Ok(e)) => entries.push(e),
                Some(Err(why)) => error = Some(why),
                None => error = Some(wrong("an entry", "an object")),
            }
        }
        Ok(match error {
            Some(why) => Err(why),
            None => Ok(entries),
        })
    }
}

/// One object's fields as [`Picked`] reads them; `None` for any other JSON value (skipped).
struct PickedSeed(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for PickedSeed {
    type Value = Option<Vec<Option<Value>>>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        // Read as a `Value` unless it is an object: rare, and only to be refused.
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for PickedSeed {
    type Value = Option<Vec<Option<Value>>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    scalars!(E => Ok(None));

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Picked { keys: self.0, values: vec![] }.visit_map(map).map(Some)
    }
}

/// The body of a versioned message (`v` checked by the caller) by its `type`.
pub fn panel_update(mut message: UpdateFields) -> Result<PanelUpdate, Why> {
    let kind = match message.fields.take("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err("`type` must be a string".into()),
        None => return Err("missing field `type`".into()),
    };
    let mut entries = || message.entries.take().unwrap_or_else(|| Err("missing field `entries`".into()));
    let m = &mut message.fields;
    Ok(match kind.as_str() {
        "snapshot" => PanelUpdate::Snapshot {
            status: status(object(required(m, "status")?, "status")?)?,
            entries: entries()?,
            dropped: unsigned(required(m, "dropped")?, "dropped")?,
            more: flag(m, "more")?,
        },
        "older" => PanelUpdate::Older {
            before: unsigned(required(m, "before")?, "before")?,
            entries: entries()?,
            more: flag(m, "more")?,
        },
        "append" => PanelUpdate::Append {
            entries: entries()?,
            dropped: unsigned(required(m, "dropped")?, "dropped")?,
            diagnosed: optional(m, "diagnosed").map(|d| diagnosed(&mut object(d, "diagnosed")?)).transpose()?,
            status: optional(m, "status").map(|s| status(object(s, "status")?)).transpose()?,
        },
        "status" => PanelUpdate::Status { status: status(object(required(m, "status")?, "status")?)? },
        "cookies" => PanelUpdate::Cookies {
            cookies: list(required(m, "cookies")?, "cookies", |c| cookie(object(c, "a cookie")?))?,
            error: optional(m, "error").map(|e| string(e, "error")).transpose()?,
        },
        "diagnosis" => PanelUpdate::Diagnosis(diagnosed(m)?),
        other => return Err(format!("unknown message type `{other}`")),
    })
}

/// A request's `seq` and the background's report for it.
fn diagnosed(m: &mut impl Source) -> Result<Diagnosed, Why> {
    Ok(Diagnosed {
        seq: unsigned(required(m, "seq")?, "seq")?,
        report: report(object(required(m, "report")?, "report")?)?,
    })
}

/// The background's Diagnostics report: a finding's `rule` must be one of [`RULES`].
fn report(mut r: Fields) -> Result<DiagnosisReport, Why> {
    let mut d = object(required(&mut r, "diagnosis")?, "diagnosis")?;
    let m = &mut d;
    let diagnosis = Diagnosis {
        findings: list(required(m, "findings")?, "findings", |f| finding(object(f, "a finding")?))?,
        notes: list(required(m, "notes")?, "notes", |n| {
            let mut n = object(n, "a note")?;
            Ok(Note { text: string(required(&mut n, "text")?, "text")?, evidence: ids(required(&mut n, "evidence")?)? })
        })?,
        recheck_at: optional(m, "recheck_at").map(|t| number(t, "recheck_at")).transpose()?,
    };
    let labels = list(required(&mut r, "labels")?, "labels", |pair| match array(pair, "a label")?.as_mut_slice() {
        [id, label] => Ok((unsigned(id.take(), "a label's id")?, string(label.take(), "a label")?)),
        _ => Err(wrong("a label", "an [id, text] pair")),
    })?;
    if !labels.windows(2).all(|w| w[0].0 < w[1].0) {
        return Err("labels out of order".into());
    }
    Ok(DiagnosisReport { diagnosis, checked: unsigned(required(&mut r, "checked")?, "checked")? as usize, labels })
}

fn finding(mut f: Fields) -> Result<Finding, Why> {
    let m = &mut f;
    let id = string(required(m, "rule")?, "rule")?;
    Ok(Finding {
        rule: RULES.iter().find(|r| r.id == id).map(|r| r.id).ok_or_else(|| format!("unknown rule `{id}`"))?,
        severity: named(
            required(m, "severity")?,
            "severity",
            &[("error", Severity::Error), ("warning", Severity::Warning), ("info", Severity::Info)],
        )?,
        title: string(required(m, "title")?, "title")?,
        explanation: string(required(m, "explanation")?, "explanation")?,
        evidence: ids(required(m, "evidence")?)?,
        fix: optional(m, "fix").map(|t| string(t, "fix")).transpose()?,
    })
}

fn ids(value: Value) -> Result<Vec<u64>, Why> {
    list(value, "evidence", |id| unsigned(id, "an evidence id"))
}

/// One log entry (as the background sends it, and as a log file holds it once its payload is text).
pub fn entry(m: &mut impl Source) -> Result<Entry, Why> {
    Ok(Entry {
        id: unsigned(required(m, "id")?, "id")?,
        doc: string(required(m, "doc")?, "doc")?,
        t: number(required(m, "t")?, "t")?,
        wall: number(required(m, "wall")?, "wall")?,
        kind: named(required(m, "kind")?, "kind", &ENTRY_KINDS)?,
        name: string(required(m, "name")?, "name")?,
        via: optional(m, "via").map(|v| named(v, "via", &VIAS)).transpose()?,
        undelivered: optional(m, "undelivered").map(|v| named(v, "undelivered", &UNDELIVERED)).transpose()?,
        summary: string(required(m, "summary")?, "summary")?,
        payload: string(required(m, "payload")?, "payload")?,
    })
}

fn status(mut s: Fields) -> Result<PageStatus, Why> {
    let m = &mut s;
    Ok(PageStatus {
        api: named(required(m, "api")?, "api", &API_STATES)?,
        widget_loaded: boolean(required(m, "widget_loaded")?, "widget_loaded")?,
        portal: optional(m, "portal").map(|v| string(v, "portal")).transpose()?,
        loader_src: optional(m, "loader_src").map(|v| string(v, "loader_src")).transpose()?,
        url: string(required(m, "url")?, "url")?,
        doc: string(required(m, "doc")?, "doc")?,
        rejected: m.remove("rejected").map_or(Ok(0), |v| unsigned(v, "rejected"))?,
        overflow: m.remove("overflow").map_or(Ok(0), |v| unsigned(v, "overflow"))?,
        unstored: flag(m, "unstored")?,
        hook_silent: flag(m, "hook_silent")?,
        methods: match m.remove("methods") {
            Some(methods) => strings(methods, "methods")?,
            None => Vec::new(),
        },
        settings_as_set: optional(m, "settings_as_set").map(settings).transpose()?,
        settings_now: optional(m, "settings_now").map(settings).transpose()?,
        inline: optional(m, "inline").map(inline).transpose()?,
    })
}

fn settings(value: Value) -> Result<SettingsView, Why> {
    let mut s = object(value, "settings")?;
    let m = &mut s;
    let fields = settings_fields(object(required(m, "fields")?, "fields")?)?;
    Ok(SettingsView {
        t: number(required(m, "t")?, "t")?,
        phase: named(required(m, "phase")?, "phase", &SETTINGS_PHASES)?,
        present: boolean(required(m, "present")?, "present")?,
        fields,
    })
}

/// `hsConversationsSettings`' fields as the hook read them: name → `{type, value}`.
pub fn settings_fields(map: Fields) -> Result<BTreeMap<String, SettingsField>, Why> {
    let mut fields = BTreeMap::new();
    for (name, field) in map {
        let mut f = object(field, "a settings field")?;
        let js_type = string(required(&mut f, "type")?, "type")?;
        fields.insert(name, SettingsField { js_type, value: f.remove("value").unwrap_or_default() });
    }
    Ok(fields)
}

/// A list of strings.
pub fn strings(value: Value, key: &str) -> Result<Vec<String>, Why> {
    list(value, key, |v| string(v, key))
}

/// An array, each item read by `read` (a loop: `collect()` into a `Result` costs more code).
fn list<T>(value: Value, key: &str, read: impl Fn(Value) -> Result<T, Why>) -> Result<Vec<T>, Why> {
    let items = array(value, key)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(read(item)?);
    }
    Ok(out)
}

fn inline(value: Value) -> Result<InlineView, Why> {
    let mut i = object(value, "inline")?;
    let m = &mut i;
    Ok(InlineView {
        selector: string(required(m, "selector")?, "selector")?,
        exists: boolean(required(m, "exists")?, "exists")?,
        width: number(required(m, "width")?, "width")?,
        height: number(required(m, "height")?, "height")?,
    })
}

fn cookie(mut c: Fields) -> Result<CookieRow, Why> {
    let m = &mut c;
    Ok(CookieRow {
        name: string(required(m, "name")?, "name")?,
        present: boolean(required(m, "present")?, "present")?,
        chat: boolean(required(m, "chat")?, "chat")?,
        value: text(m, "value")?,
        domain: text(m, "domain")?,
        host_only: flag(m, "host_only")?,
        path: text(m, "path")?,
        expires: optional(m, "expires").map(|v| number(v, "expires")).transpose()?,
        same_site: text(m, "same_site")?,
        secure: flag(m, "secure")?,
        http_only: flag(m, "http_only")?,
        store_id: text(m, "store_id")?,
        partition_key: optional(m, "partition_key"),
    })
}

/// Where fields come from: a parsed object, or only the fields a reader picked (`diagnostics`).
pub trait Source {
    /// The field's value, taken out.
    fn take(&mut self, key: &str) -> Option<Value>;
}

impl Source for Fields {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.remove(key)
    }
}

/// A field that must be there (`null` included: the type decides).
pub fn required(m: &mut impl Source, key: &str) -> Result<Value, Why> {
    m.take(key).ok_or_else(|| format!("missing field `{key}`"))
}

/// An `Option` field: missing and `null` are both `None`.
pub fn optional(m: &mut impl Source, key: &str) -> Option<Value> {
    m.take(key).filter(|v| !v.is_null())
}

/// A `bool` field that defaults to `false`.
pub fn flag(m: &mut impl Source, key: &str) -> Result<bool, Why> {
    m.take(key).map_or(Ok(false), |v| boolean(v, key))
}

/// A `String` field that defaults to `""`.
pub fn text(m: &mut impl Source, key: &str) -> Result<String, Why> {
    m.take(key).map_or(Ok(String::new()), |v| string(v, key))
}

fn wrong(key: &str, expected: &str) -> Why {
    format!("`{key}` must be {expected}")
}

pub fn object(value: Value, key: &str) -> Result<Fields, Why> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(wrong(key, "an object")),
    }
}

fn array(value: Value, key: &str) -> Result<Vec<Value>, Why> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(wrong(key, "an array")),
    }
}

pub fn string(value: Value, key: &str) -> Result<String, Why> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(wrong(key, "a string")),
    }
}

pub fn boolean(value: Value, key: &str) -> Result<bool, Why> {
    value.as_bool().ok_or_else(|| wrong(key, "true or false"))
}

pub fn unsigned(value: Value, key: &str) -> Result<u64, Why> {
    value.as_u64().ok_or_else(|| wrong(key, "an unsigned integer"))
}

pub fn number(value: Value, key: &str) -> Result<f64, Why> {
    value.as_f64().ok_or_else(|| wrong(key, "a number"))
}

pub fn named<T: Copy>(value: Value, key: &str, names: &[(&str, T)]) -> Result<T, Why> {
    let name = string(value, key)?;
    names.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| format!("unknown `{key}` `{name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::{decode_panel_update, encode_panel_update, DecodeError, MAX_PANEL_UPDATE_BYTES};
    use serde_json::json;

    /// What serde's derived decoder (the one the panel used before) makes of `text`.
    fn derived(text: &str) -> Result<PanelUpdate, String> {
        #[derive(serde::Deserialize)]
        struct Versioned {
            #[allow(dead_code)]
            v: u32,
            #[serde(flatten)]
            body: PanelUpdate,
        }
        serde_json::from_str::<Versioned>(text).map(|m| m.body).map_err(|e| e.to_string())
    }

    fn full_entry(id: u64, kind: EntryKind) -> Entry {
        Entry {
            id,
            doc: "doc-1".into(),
            t: 12.5,
            wall: 1_764_130_000_012.5,
            kind,
            name: "conversationStarted \u{e9}\"\\".into(),
            via: Some(Via::Iframe),
            undelivered: Some(Undelivered::BogusUuid),
            summary: "line\nbreak \u{1F600}".into(),
            payload: r#"{"a":[1,2.5,null,"x"]}"#.into(),
        }
    }

    fn full_status() -> PageStatus {
        let field = |t: &str, v: Value| SettingsField { js_type: t.into(), value: v };
        PageStatus {
            api: ApiState::Placeholder,
            widget_loaded: true,
            portal: Some("123".into()),
            loader_src: Some("https://js.hs-scripts.com/123.js".into()),
            url: "https://shop.test/".into(),
            doc: "doc-1".into(),
            rejected: 3,
            overflow: 4,
            unstored: true,
            hook_silent: true,
            methods: vec!["widget.load".into(), "on".into()],
            settings_as_set: Some(SettingsView {
                t: 1.5,
                phase: SettingsPhase::BeforeLoader,
                present: true,
                fields: [
                    ("loadImmediately".to_string(), field("boolean", json!(false))),
                    ("identificationEmail".to_string(), field("string", json!("a@b.test"))),
                    ("nested".to_string(), field("object", json!({"x": [1, {"y": null}]}))),
                ]
                .into(),
            }),
            settings_now: Some(SettingsView {
                t: 2.0,
                phase: SettingsPhase::AfterLoader,
                present: false,
                fields: BTreeMap::new(),
            }),
            inline: Some(InlineView { selector: "#chat".into(), exists: true, width: 300.0, height: 0.5 }),
        }
    }

    fn full_cookie() -> CookieRow {
        CookieRow {
            name: "messagesUtk".into(),
            present: true,
            chat: true,
            value: "abc".into(),
            domain: ".shop.test".into(),
            host_only: true,
            path: "/".into(),
            expires: Some(1_800_000_000.5),
            same_site: "lax".into(),
            secure: true,
            http_only: true,
            store_id: "0".into(),
            partition_key: Some(json!({"topLevelSite": "https://shop.test"})),
        }
    }

    /// Every update the background sends, with every field set to something other than its default.
    fn every_update() -> Vec<PanelUpdate> {
        let entries: Vec<Entry> =
            ENTRY_KINDS.iter().enumerate().map(|(i, (_, k))| full_entry(i as u64 + 1, *k)).collect();
        vec![
            PanelUpdate::Snapshot { status: full_status(), entries: entries.clone(), dropped: 7, more: true },
            PanelUpdate::Snapshot { status: PageStatus::default(), entries: vec![], dropped: 0, more: false },
            PanelUpdate::Older { before: 100, entries: entries.clone(), more: true },
            PanelUpdate::Older { before: 1, entries: vec![], more: false },
            PanelUpdate::Append { entries, dropped: u64::MAX, diagnosed: None, status: None },
            PanelUpdate::Status { status: full_status() },
            PanelUpdate::Cookies {
                cookies: vec![full_cookie(), CookieRow { expires: None, partition_key: None, ..full_cookie() }],
                error: Some("denied".into()),
            },
            PanelUpdate::Cookies { cookies: vec![], error: None },
        ]
    }

    #[test]
    fn a_diagnosis_report_is_read_back_as_sent_and_an_unknown_rule_is_refused() {
        use crate::core::diagnostics::Finding;
        let finding = Finding {
            rule: "csp-blocked",
            severity: Severity::Warning,
            title: "t \u{e9}".into(),
            explanation: "e".into(),
            evidence: vec![3, 9],
            fix: Some("f();".into()),
        };
        let report = DiagnosisReport {
            diagnosis: Diagnosis {
                findings: vec![finding.clone(), Finding { severity: Severity::Error, fix: None, ..finding }],
                notes: vec![Note { text: "n".into(), evidence: vec![] }],
                recheck_at: Some(1_764_000_000_123.5),
            },
            checked: 12,
            labels: vec![(3, "loader".into()), (9, "env: x".into())],
        };
        // Pushed with an append, the same report is read (and refused) the same way.
        let entries = vec![full_entry(5, EntryKind::Event)];
        let pushed = Diagnosed { seq: 4, report: report.clone() };
        let ready = PageStatus { api: crate::core::protocol::ApiState::Ready, ..PageStatus::default() };
        let append = PanelUpdate::Append { entries, dropped: 1, diagnosed: Some(pushed), status: Some(ready) };
        let update = PanelUpdate::Diagnosis(Diagnosed { seq: 4, report });
        let text = encode_panel_update(&update);
        assert_eq!(decode_panel_update(&text).unwrap(), update);
        let appended = encode_panel_update(&append);
        assert_eq!(decode_panel_update(&appended).unwrap(), append);
        for (from, to) in [
            (r#""rule":"csp-blocked""#, r#""rule":"made-up""#),
            (r#""severity":"warning""#, r#""severity":"fatal""#),
            (r#"[[3,"loader"],[9,"env: x"]]"#, r#"[[9,"env: x"],[3,"loader"]]"#),
            (r#"[[3,"loader"],"#, r#"[[3],"#),
            (r#""checked":12"#, r#""checked":-1"#),
            (r#""seq":4"#, r#""seq":"4""#),
        ] {
            for text in [&text, &appended] {
                assert!(text.contains(from), "{from} in {text}");
                let broken = text.replacen(from, to, 1);
                assert!(decode_panel_update(&broken).is_err(), "{broken}");
            }
        }
    }

    #[test]
    fn decodes_every_update_the_background_sends_with_nothing_lost() {
        for update in every_update() {
            let text = encode_panel_update(&update);
            assert_eq!(decode_panel_update(&text).as_ref(), Ok(&update), "{text}");
            assert_eq!(derived(&text).as_ref(), Ok(&update), "the derived decoder agrees: {text}");
        }
    }

    #[test]
    fn the_wire_names_are_serdes() {
        for (name, kind) in ENTRY_KINDS {
            assert_eq!(serde_json::to_value(kind).unwrap(), name);
        }
        for (name, via) in VIAS {
            assert_eq!(serde_json::to_value(via).unwrap(), name);
        }
        for (name, why) in UNDELIVERED {
            assert_eq!(serde_json::to_value(why).unwrap(), name);
            assert_eq!(why.as_str(), name);
        }
        for (name, state) in API_STATES {
            assert_eq!(serde_json::to_value(state).unwrap(), name);
        }
        for (name, phase) in SETTINGS_PHASES {
            assert_eq!(serde_json::to_value(phase).unwrap(), name);
        }
        for (name, outcome) in CALL_OUTCOMES {
            assert_eq!(serde_json::to_value(outcome).unwrap(), name);
        }
        for (name, action) in ONREADY_ACTIONS {
            assert_eq!(serde_json::to_value(action).unwrap(), name);
        }
        for (name, how) in NAV_HOWS {
            assert_eq!(serde_json::to_value(how).unwrap(), name);
        }
        // Every variant is in its table (a new variant fails to compile here until it is added).
        let index = |kind: EntryKind| match kind {
            EntryKind::Event => 0,
            EntryKind::Api => 1,
            EntryKind::Widget => 2,
            EntryKind::Loader => 3,
            EntryKind::Open => 4,
            EntryKind::Call => 5,
            EntryKind::Settings => 6,
            EntryKind::Navigation => 7,
            EntryKind::PageCall => 8,
            EntryKind::OnReady => 9,
            EntryKind::UrlChange => 10,
            EntryKind::Csp => 11,
            EntryKind::WidgetData => 12,
            EntryKind::Iframe => 13,
            EntryKind::ChatMessage => 14,
            EntryKind::Env => 15,
        };
        for (i, (_, kind)) in ENTRY_KINDS.iter().enumerate() {
            assert_eq!(index(*kind), i);
        }
        let via = |v: Via| match v {
            Via::Iframe => 0,
            Via::On => 1,
            Via::Dom => 2,
        };
        assert!(VIAS.iter().enumerate().all(|(i, (_, v))| via(*v) == i));
        let state = |s: ApiState| match s {
            ApiState::Absent => 0,
            ApiState::Placeholder => 1,
            ApiState::Ready => 2,
        };
        assert!(API_STATES.iter().enumerate().all(|(i, (_, s))| state(*s) == i));
        let phase = |p: SettingsPhase| match p {
            SettingsPhase::BeforeLoader => 0,
            SettingsPhase::AfterLoader => 1,
        };
        assert!(SETTINGS_PHASES.iter().enumerate().all(|(i, (_, p))| phase(*p) == i));
        let outcome = |o: CallOutcome| match o {
            CallOutcome::Returned => 0,
            CallOutcome::Threw => 1,
            CallOutcome::NotReady => 2,
            CallOutcome::Missing => 3,
            CallOutcome::NotDelivered => 4,
        };
        assert!(CALL_OUTCOMES.iter().enumerate().all(|(i, (_, o))| outcome(*o) == i));
        let action = |a: OnReadyAction| match a {
            OnReadyAction::Assigned => 0,
            OnReadyAction::Read => 1,
            OnReadyAction::Grew => 2,
        };
        assert!(ONREADY_ACTIONS.iter().enumerate().all(|(i, (_, a))| action(*a) == i));
        let how = |h: NavHow| match h {
            NavHow::Push => 0,
            NavHow::Replace => 1,
            NavHow::Popstate => 2,
            NavHow::Hashchange => 3,
        };
        assert!(NAV_HOWS.iter().enumerate().all(|(i, (_, h))| how(*h) == i));
        assert_eq!(UNDELIVERED.map(|(_, w)| w), Undelivered::ALL);
    }

    fn malformed(text: &str) -> String {
        match decode_panel_update(text) {
            Err(DecodeError::Malformed(why)) => why,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn refuses_malformed_messages_with_a_clear_error() {
        for text in ["", "{", "[]", "null", r#""snapshot""#, r#"{"v":1,"type":"status","status":{}"#] {
            malformed(text);
        }
        assert_eq!(malformed(r#"{"type":"status"}"#), "missing field `v`");
        assert_eq!(malformed(r#"{"v":"1","type":"status"}"#), "`v` must be an unsigned integer");
        assert_eq!(malformed(r#"{"v":1}"#), "missing field `type`");
        assert_eq!(malformed(r#"{"v":1,"type":7}"#), "`type` must be a string");
        assert_eq!(malformed(r#"{"v":1,"type":"bogus"}"#), "unknown message type `bogus`");
        assert_eq!(malformed(r#"{"v":1,"type":"append","dropped":0}"#), "missing field `entries`");
        assert_eq!(malformed(r#"{"v":1,"type":"append","entries":{},"dropped":0}"#), "`entries` must be an array");
        assert_eq!(
            malformed(r#"{"v":1,"type":"append","entries":[],"dropped":-1}"#),
            "`dropped` must be an unsigned integer"
        );
        assert_eq!(
            malformed(r#"{"v":1,"type":"append","entries":[],"dropped":1.0}"#),
            "`dropped` must be an unsigned integer"
        );
        assert_eq!(malformed(r#"{"v":1,"type":"append","entries":[7],"dropped":0}"#), "`an entry` must be an object");
        assert_eq!(malformed(r#"{"v":1,"type":"status","status":null}"#), "`status` must be an object");
    }

    #[test]
    fn checks_the_version_before_the_body() {
        assert_eq!(decode_panel_update(r#"{"v":2,"type":"status","status":{}}"#), Err(DecodeError::WrongVersion(2)));
        assert_eq!(decode_panel_update(r#"{"v":0,"type":"bogus"}"#), Err(DecodeError::WrongVersion(0)));
        let huge = r#"{"v":4294967296,"type":"status"}"#;
        assert_eq!(decode_panel_update(huge), Err(DecodeError::WrongVersion(u32::MAX)));
    }

    #[test]
    fn refuses_oversized_messages_before_parsing() {
        let text = format!(
            r#"{{"v":1,"type":"append","entries":[],"dropped":0,"pad":"{}"}}"#,
            " ".repeat(MAX_PANEL_UPDATE_BYTES)
        );
        assert!(matches!(decode_panel_update(&text), Err(DecodeError::TooLarge { .. })));
        assert!(matches!(
            decode_panel_update(&"[".repeat(MAX_PANEL_UPDATE_BYTES + 1)),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    /// Mutations of a valid message, each compared with what serde's derived decoder made of it:
    /// the same answer (accepted with the same value, or refused), field by field.
    #[test]
    fn agrees_with_the_derived_decoder_on_every_field() {
        let base = |update: &PanelUpdate| serde_json::to_value(update).unwrap();
        let mut cases = Vec::new();
        for update in every_update() {
            let mut message = base(&update);
            message["v"] = json!(1);
            cases.push(message.clone());
            // Each field of the message, of its status, of its first entry and cookie: left out, null,
            // of another type, and an unknown field added.
            let paths: Vec<Vec<String>> = {
                let mut paths = Vec::new();
                let mut walk = |prefix: Vec<String>, value: &Value| {
                    if let Some(map) = value.as_object() {
                        for key in map.keys() {
                            let mut path = prefix.clone();
                            path.push(key.clone());
                            paths.push(path);
                        }
                    }
                };
                walk(vec![], &message);
                for key in ["status", "entries/0", "cookies/0", "status/settings_as_set", "status/inline"] {
                    let pointer = format!("/{key}");
                    if let Some(value) = message.pointer(&pointer) {
                        walk(key.split('/').map(String::from).collect(), value);
                    }
                }
                paths
            };
            for path in paths {
                let (parent, last) = path.split_at(path.len() - 1);
                let pointer = format!("/{}", parent.join("/"));
                for change in [
                    None,
                    Some(Value::Null),
                    Some(json!("x")),
                    Some(json!(1)),
                    Some(json!(-1)),
                    Some(json!(1.5)),
                    Some(json!(true)),
                    Some(json!([])),
                    Some(json!({})),
                ] {
                    let mut mutated = message.clone();
                    let target = if parent.is_empty() { Some(&mut mutated) } else { mutated.pointer_mut(&pointer) };
                    let Some(Value::Object(map)) = target else { continue };
                    match change {
                        None => map.remove(&last[0]),
                        Some(value) => map.insert(last[0].clone(), value),
                    };
                    cases.push(mutated);
                }
            }
            let mut extra = message.clone();
            extra["unknown"] = json!({"x": 1});
            cases.push(extra);
        }
        assert!(cases.len() > 500, "{}", cases.len());
        for case in cases {
            let text = case.to_string();
            let ours = decode_panel_update(&text);
            if !case["type"].is_string() {
                // serde also takes a variant's index as its tag (`"type":1`); the wire never does.
                assert!(ours.is_err(), "{text}");
                continue;
            }
            match derived(&text) {
                // Ordering and chunk checks come after decoding, for both.
                Ok(update) if ours.is_ok() => assert_eq!(ours.unwrap(), update, "{text}"),
                Ok(update) => assert!(
                    matches!(ours, Err(DecodeError::Invalid(_)) | Err(DecodeError::WrongVersion(_))),
                    "{text}: derived {update:?}, ours {ours:?}"
                ),
                Err(why) => assert!(ours.is_err(), "{text}: derived refused ({why}), ours {ours:?}"),
            }
        }
    }
}
