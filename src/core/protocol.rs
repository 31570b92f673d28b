//! Typed, versioned messages for every hop (see `docs/protocol.md`).
//!
//! Everything that originates in a page is untrusted: decoding checks the version, the size of
//! the raw text before parsing, and the bounds of every field after parsing.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const PROTOCOL_VERSION: u32 = 1;

/// Largest hook batch (the detail string of one CustomEvent) the background accepts.
pub const MAX_BATCH_BYTES: usize = 1 << 20;
/// Largest number of records in one hook batch.
pub const MAX_RECORDS_PER_BATCH: usize = 500;
/// Largest serialized payload kept for one entry; larger payloads are replaced by a marker.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// Largest panel → background message.
pub const MAX_PANEL_MESSAGE_BYTES: usize = 4 * 1024;
const MAX_NAME_CHARS: usize = 100;
const MAX_URL_CHARS: usize = 2048;
const MAX_DOC_ID_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    TooLarge { bytes: usize, limit: usize },
    Malformed(String),
    WrongVersion(u32),
    Invalid(&'static str),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLarge { bytes, limit } => {
                write!(f, "message of {bytes} bytes exceeds the {limit}-byte limit")
            }
            DecodeError::Malformed(why) => write!(f, "malformed message: {why}"),
            DecodeError::WrongVersion(v) => {
                write!(
                    f,
                    "protocol version {v} is not supported (expected {PROTOCOL_VERSION})"
                )
            }
            DecodeError::Invalid(why) => write!(f, "invalid message: {why}"),
        }
    }
}

impl std::error::Error for DecodeError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ApiState {
    #[default]
    Absent,
    Placeholder,
    Ready,
}

impl ApiState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiState::Absent => "absent",
            ApiState::Placeholder => "placeholder",
            ApiState::Ready => "ready",
        }
    }
}

/// How the hook saw an SDK event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    Iframe,
    On,
    Dom,
}

/// One observation made by the page hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum PageRecord {
    Event {
        seq: u64,
        t: f64,
        name: String,
        #[serde(default)]
        payload: serde_json::Value,
        via: Via,
    },
    Api {
        seq: u64,
        t: f64,
        state: ApiState,
        generation: u32,
    },
    Widget {
        seq: u64,
        t: f64,
        loaded: bool,
        #[serde(default)]
        inline: bool,
        #[serde(default)]
        src: String,
    },
    Loader {
        seq: u64,
        t: f64,
        src: String,
        portal: Option<String>,
    },
    Open {
        seq: u64,
        t: f64,
        open: bool,
        user: bool,
    },
}

impl PageRecord {
    pub fn seq(&self) -> u64 {
        match self {
            PageRecord::Event { seq, .. }
            | PageRecord::Api { seq, .. }
            | PageRecord::Widget { seq, .. }
            | PageRecord::Loader { seq, .. }
            | PageRecord::Open { seq, .. } => *seq,
        }
    }

    pub fn time(&self) -> f64 {
        match self {
            PageRecord::Event { t, .. }
            | PageRecord::Api { t, .. }
            | PageRecord::Widget { t, .. }
            | PageRecord::Loader { t, .. }
            | PageRecord::Open { t, .. } => *t,
        }
    }

    fn validate(&self) -> Result<(), DecodeError> {
        let t = self.time();
        if !t.is_finite() || t < 0.0 {
            return Err(DecodeError::Invalid(
                "record time must be a finite, non-negative number",
            ));
        }
        match self {
            PageRecord::Event { name, .. }
                if name.is_empty() || name.chars().count() > MAX_NAME_CHARS =>
            {
                Err(DecodeError::Invalid(
                    "event name must have 1 to 100 characters",
                ))
            }
            PageRecord::Widget { src, .. } | PageRecord::Loader { src, .. }
                if src.chars().count() > MAX_URL_CHARS =>
            {
                Err(DecodeError::Invalid("URL too long"))
            }
            PageRecord::Loader {
                portal: Some(p), ..
            } if p.chars().count() > MAX_NAME_CHARS => {
                Err(DecodeError::Invalid("portal id too long"))
            }
            _ => Ok(()),
        }
    }
}

/// What the hook sends for one document (the CustomEvent detail string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageBatch {
    pub v: u32,
    pub doc: String,
    pub url: String,
    pub time_origin: f64,
    #[serde(default)]
    pub dropped: u64,
    pub records: Vec<PageRecord>,
}

fn check_size(text: &str, limit: usize) -> Result<(), DecodeError> {
    if text.len() > limit {
        Err(DecodeError::TooLarge {
            bytes: text.len(),
            limit,
        })
    } else {
        Ok(())
    }
}

fn check_version(v: u32) -> Result<(), DecodeError> {
    if v == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(DecodeError::WrongVersion(v))
    }
}

fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError::Malformed(e.to_string()))
}

/// Decodes and validates a hook batch. Oversized payloads are replaced by a marker rather than
/// rejecting the whole batch, so one huge event does not hide its neighbours.
pub fn decode_page_batch(text: &str) -> Result<PageBatch, DecodeError> {
    check_size(text, MAX_BATCH_BYTES)?;
    let mut batch: PageBatch = parse(text)?;
    check_version(batch.v)?;
    if batch.doc.is_empty() || batch.doc.len() > MAX_DOC_ID_CHARS {
        return Err(DecodeError::Invalid(
            "document id must have 1 to 64 characters",
        ));
    }
    if batch.url.chars().count() > MAX_URL_CHARS {
        return Err(DecodeError::Invalid("URL too long"));
    }
    if !batch.time_origin.is_finite() || batch.time_origin < 0.0 {
        return Err(DecodeError::Invalid(
            "time_origin must be a finite, non-negative number",
        ));
    }
    if batch.records.len() > MAX_RECORDS_PER_BATCH {
        return Err(DecodeError::Invalid("too many records in one batch"));
    }
    for record in &mut batch.records {
        record.validate()?;
        if let PageRecord::Event { payload, .. } = record {
            let size = serde_json::to_string(payload)
                .map(|s| s.len())
                .unwrap_or(usize::MAX);
            if size > MAX_PAYLOAD_BYTES {
                *payload = serde_json::json!({ "[truncated]": format!("payload of {size} bytes") });
            }
        }
    }
    Ok(batch)
}

/// Relay → background (port "relay").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelayMessage {
    Page { batch: u64, data: String },
    NoHook,
}

#[derive(Deserialize)]
struct Versioned<T> {
    v: u32,
    #[serde(flatten)]
    body: T,
}

/// Decodes a relay message. The size limit covers the hook's batch plus the envelope.
pub fn decode_relay_message(text: &str) -> Result<RelayMessage, DecodeError> {
    check_size(text, MAX_BATCH_BYTES + MAX_BATCH_BYTES / 4 + 1024)?;
    let msg: Versioned<RelayMessage> = parse(text)?;
    check_version(msg.v)?;
    Ok(msg.body)
}

/// Panel → background (port "panel").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PanelRequest {
    Subscribe { tab: i64 },
    Clear,
}

pub fn decode_panel_request(text: &str) -> Result<PanelRequest, DecodeError> {
    check_size(text, MAX_PANEL_MESSAGE_BYTES)?;
    let msg: Versioned<PanelRequest> = parse(text)?;
    check_version(msg.v)?;
    if let PanelRequest::Subscribe { tab } = msg.body {
        if tab < 0 {
            return Err(DecodeError::Invalid("tab id must not be negative"));
        }
    }
    Ok(msg.body)
}

pub fn encode_panel_request(request: &PanelRequest) -> String {
    versioned(request)
}

/// What the panel shows in its status bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PageStatus {
    pub api: ApiState,
    pub widget_loaded: bool,
    pub portal: Option<String>,
    pub loader_src: Option<String>,
    pub url: String,
    pub doc: String,
    /// Page messages the background refused (malformed, oversized, forged shapes).
    #[serde(default)]
    pub rejected: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Event,
    Api,
    Widget,
    Loader,
    Open,
    Navigation,
}

/// One row of the log, as stored by the background and shown by the panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: u64,
    pub doc: String,
    /// Milliseconds since the document's navigation started.
    pub t: f64,
    /// Wall clock, milliseconds since the Unix epoch.
    pub wall: f64,
    pub kind: EntryKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    pub summary: String,
    /// The payload as JSON text (parsed lazily when a row is expanded).
    pub payload: String,
}

impl Entry {
    /// Approximate memory and storage cost, used for the log's byte budget.
    pub fn cost(&self) -> usize {
        96 + self.doc.len() + self.name.len() + self.summary.len() + self.payload.len()
    }
}

/// Background → panel (port "panel").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PanelUpdate {
    Snapshot {
        status: PageStatus,
        entries: Vec<Entry>,
        dropped: u64,
    },
    Append {
        entries: Vec<Entry>,
        dropped: u64,
    },
    Status {
        status: PageStatus,
    },
}

pub fn encode_panel_update(update: &PanelUpdate) -> String {
    versioned(update)
}

/// The panel trusts the background, but still refuses what it cannot read.
pub fn decode_panel_update(text: &str) -> Result<PanelUpdate, DecodeError> {
    let msg: Versioned<PanelUpdate> = parse(text)?;
    check_version(msg.v)?;
    Ok(msg.body)
}

fn versioned<T: Serialize>(body: &T) -> String {
    let mut value = serde_json::to_value(body).expect("protocol types always serialize");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("v".into(), PROTOCOL_VERSION.into());
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch_json(records: &str) -> String {
        format!(
            r#"{{"v":1,"doc":"d1","url":"http://shop.test/","time_origin":1000.5,"dropped":0,"records":[{records}]}}"#
        )
    }

    #[test]
    fn decodes_every_record_kind() {
        let text = batch_json(
            r#"{"k":"event","seq":1,"t":5,"name":"conversationStarted","payload":{"conversation":{"conversationId":123}},"via":"iframe"},
               {"k":"api","seq":2,"t":6,"state":"placeholder","generation":1},
               {"k":"widget","seq":3,"t":7,"loaded":true,"inline":false,"src":"https://app.hubspot.com/x"},
               {"k":"loader","seq":4,"t":8,"src":"https://js.usemessages.com/conversations-embed.js","portal":"123"},
               {"k":"open","seq":5,"t":9,"open":true,"user":true}"#,
        );
        let batch = decode_page_batch(&text).unwrap();
        assert_eq!(batch.records.len(), 5);
        assert_eq!(
            batch.records[1],
            PageRecord::Api {
                seq: 2,
                t: 6.0,
                state: ApiState::Placeholder,
                generation: 1
            }
        );
        assert_eq!(batch.records[4].seq(), 5);
    }

    #[test]
    fn rejects_malformed_input_with_a_clear_error() {
        assert!(matches!(
            decode_page_batch("{not json"),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode_page_batch("[]"),
            Err(DecodeError::Malformed(_))
        ));
        let unknown_kind = batch_json(r#"{"k":"bogus","seq":1,"t":1}"#);
        assert!(matches!(
            decode_page_batch(&unknown_kind),
            Err(DecodeError::Malformed(_))
        ));
        let negative_seq = batch_json(r#"{"k":"open","seq":-1,"t":1,"open":true,"user":true}"#);
        assert!(matches!(
            decode_page_batch(&negative_seq),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn rejects_other_versions() {
        let text = batch_json("").replace(r#""v":1"#, r#""v":2"#);
        assert_eq!(decode_page_batch(&text), Err(DecodeError::WrongVersion(2)));
        assert_eq!(
            decode_panel_request(r#"{"v":0,"type":"clear"}"#),
            Err(DecodeError::WrongVersion(0))
        );
    }

    #[test]
    fn rejects_oversized_input_before_parsing() {
        let huge = "x".repeat(MAX_BATCH_BYTES + 1);
        assert!(matches!(
            decode_page_batch(&huge),
            Err(DecodeError::TooLarge { .. })
        ));
        let big_request = format!(r#"{{"v":1,"type":"clear","pad":"{}"}}"#, "x".repeat(5000));
        assert!(matches!(
            decode_panel_request(&big_request),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn rejects_out_of_bound_fields() {
        let long_name = batch_json(&format!(
            r#"{{"k":"event","seq":1,"t":1,"name":"{}","payload":null,"via":"on"}}"#,
            "n".repeat(101)
        ));
        assert!(matches!(
            decode_page_batch(&long_name),
            Err(DecodeError::Invalid(_))
        ));
        let empty_doc = batch_json("").replace(r#""doc":"d1""#, r#""doc":"""#);
        assert!(matches!(
            decode_page_batch(&empty_doc),
            Err(DecodeError::Invalid(_))
        ));
        let records = vec![
            r#"{"k":"open","seq":1,"t":1,"open":true,"user":true}"#;
            MAX_RECORDS_PER_BATCH + 1
        ]
        .join(",");
        assert!(matches!(
            decode_page_batch(&batch_json(&records)),
            Err(DecodeError::Invalid(_))
        ));
    }

    #[test]
    fn deep_payloads_are_refused_not_overflowing_the_stack() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let text = batch_json(&format!(
            r#"{{"k":"event","seq":1,"t":1,"name":"widgetLoaded","payload":{deep},"via":"iframe"}}"#
        ));
        assert!(matches!(
            decode_page_batch(&text),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn oversized_payload_is_replaced_by_a_marker_keeping_the_batch() {
        let big = "y".repeat(MAX_PAYLOAD_BYTES + 10);
        let text = batch_json(&format!(
            r#"{{"k":"event","seq":1,"t":1,"name":"widgetLoaded","payload":"{big}","via":"iframe"}},
               {{"k":"open","seq":2,"t":1,"open":true,"user":false}}"#
        ));
        let batch = decode_page_batch(&text).unwrap();
        assert_eq!(batch.records.len(), 2);
        let PageRecord::Event { payload, .. } = &batch.records[0] else {
            panic!()
        };
        assert!(payload.to_string().contains("[truncated]"));
    }

    #[test]
    fn relay_and_panel_messages_round_trip() {
        assert_eq!(
            decode_relay_message(r#"{"v":1,"type":"page","batch":3,"data":"{}"}"#).unwrap(),
            RelayMessage::Page {
                batch: 3,
                data: "{}".into()
            }
        );
        assert_eq!(
            decode_relay_message(r#"{"v":1,"type":"no_hook"}"#).unwrap(),
            RelayMessage::NoHook
        );
        let request = PanelRequest::Subscribe { tab: 7 };
        assert_eq!(
            decode_panel_request(&encode_panel_request(&request)).unwrap(),
            request
        );
        assert!(decode_panel_request(r#"{"v":1,"type":"subscribe","tab":-1}"#).is_err());
        let update = PanelUpdate::Append {
            entries: vec![],
            dropped: 2,
        };
        assert_eq!(
            decode_panel_update(&encode_panel_update(&update)).unwrap(),
            update
        );
    }
}
