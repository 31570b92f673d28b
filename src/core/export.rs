//! The log as a file (docs/export.md): written by "Export…", read back by "Import…".
//!
//! Two forms of the same content. JSON: one object, a header plus `"entries": [...]`. NDJSON: the
//! header alone on the first line, then one entry per line. An entry is the log's `Entry` with its
//! payload as JSON (not JSON text). Reading checks the size, the format name, the version, every
//! entry, and the count, and says what is wrong in one sentence.

use super::decode;
use super::payload::entry_json;
use super::protocol::Entry;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The `format` of a log file.
pub const EXPORT_FORMAT: &str = "chat-widget-inspector-log";
/// The version of the file format this panel writes and reads.
pub const EXPORT_VERSION: u32 = 1;
/// Largest file an import reads.
pub const MAX_IMPORT_BYTES: usize = 32 << 20;
/// Most entries an import keeps (the panel's own cap).
pub const MAX_IMPORT_ENTRIES: usize = super::panel_state::MAX_PANEL_ENTRIES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Ndjson,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// What a log file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// Wall clock of the export, ms since the epoch.
    pub exported_at: f64,
    /// The inspected page's URL when exported.
    pub url: String,
    /// How many entries follow.
    pub count: usize,
}

impl Header {
    pub fn new(exported_at: f64, url: &str, count: usize) -> Self {
        Header { format: EXPORT_FORMAT.into(), version: EXPORT_VERSION, exported_at, url: url.into(), count }
    }
}

/// The file's text.
pub fn export<'a>(
    entries: impl ExactSizeIterator<Item = &'a Entry>,
    exported_at: f64,
    url: &str,
    format: ExportFormat,
) -> String {
    let header = Header::new(exported_at, url, entries.len());
    let rows = entries.map(entry_json);
    match format {
        ExportFormat::Json => {
            let mut document = serde_json::to_value(&header).unwrap_or_default();
            document["entries"] = Value::Array(rows.collect());
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        ExportFormat::Ndjson => {
            let mut text = serde_json::to_string(&header).unwrap_or_default();
            text.push('\n');
            for row in rows {
                text.push_str(&row.to_string());
                text.push('\n');
            }
            text
        }
    }
}

/// A file name for an export: `hubspot-chat-log-2026-11-30T16-42-48.json`.
pub fn file_name(exported_at: f64, format: ExportFormat) -> String {
    let secs = (exported_at / 1000.0).floor() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rest / 3600, rest % 3600 / 60, rest % 60);
    format!("hubspot-chat-log-{y:04}-{m:02}-{d:02}T{hh:02}-{mm:02}-{ss:02}.{}", format.extension())
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A log read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedFile {
    pub header: Header,
    /// Sorted by id, ids unique.
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    TooBig { bytes: usize },
    Empty,
    NotJson { line: usize, message: String },
    NotALog,
    Version { found: u32 },
    TooManyEntries { count: usize },
    BadEntry { number: usize, message: String },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooBig { bytes } => write!(
                f,
                "The file is {} MB; the panel imports files up to {} MB.",
                bytes.div_ceil(1 << 20),
                MAX_IMPORT_BYTES >> 20
            ),
            ImportError::Empty => write!(f, "The file is empty."),
            ImportError::NotJson { line, message } => write!(f, "The file is not JSON or NDJSON (line {line}: {message})."),
            ImportError::NotALog => {
                write!(f, "The file is JSON but not a log exported by this panel (no \"format\": \"{EXPORT_FORMAT}\").")
            }
            ImportError::Version { found } => write!(
                f,
                "The file is a log of format version {found}; this panel reads version {EXPORT_VERSION}. Update the extension."
            ),
            ImportError::TooManyEntries { count } => {
                write!(f, "The file holds {count} entries; the panel imports at most {MAX_IMPORT_ENTRIES}.")
            }
            ImportError::BadEntry { number, message } => write!(f, "Entry {number} of the file is not a log entry: {message}."),
        }
    }
}

fn header_of(value: &Value) -> Result<Header, ImportError> {
    if value.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
        return Err(ImportError::NotALog);
    }
    let header = read_header(value).ok_or(ImportError::NotALog)?;
    if header.version != EXPORT_VERSION {
        return Err(ImportError::Version { found: header.version });
    }
    Ok(header)
}

/// Read by hand, as the entries are (`core::decode`): the fields a header must have, with their types.
fn read_header(value: &Value) -> Option<Header> {
    Some(Header {
        format: value.get("format")?.as_str()?.into(),
        version: value.get("version")?.as_u64()?.try_into().ok()?,
        exported_at: value.get("exported_at").map_or(Some(0.0), Value::as_f64)?,
        url: value.get("url").map_or(Some(""), Value::as_str)?.into(),
        count: value.get("count").map_or(Some(0), Value::as_u64)?.try_into().ok()?,
    })
}

fn entry_of(mut value: Value, number: usize) -> Result<Entry, ImportError> {
    let bad = |message: String| ImportError::BadEntry { number, message };
    let object = value.as_object_mut().ok_or_else(|| bad("not an object".into()))?;
    let payload = object.remove("payload").unwrap_or(Value::Null);
    object.insert("payload".into(), Value::String(payload.to_string()));
    let entry = decode::entry(object).map_err(bad)?;
    if !entry.t.is_finite() || !entry.wall.is_finite() {
        return Err(bad("its time is not a finite number".into()));
    }
    Ok(entry)
}

/// Reads a log file (JSON or NDJSON, told apart by its content).
pub fn import(text: &str) -> Result<ImportedFile, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooBig { bytes: text.len() });
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let (header, rows): (Header, Vec<Value>) = match serde_json::from_str::<Value>(text) {
        Ok(mut document) => {
            let header = header_of(&document)?;
            let rows = match document.get_mut("entries").map(Value::take) {
                Some(Value::Array(rows)) => rows,
                // A one-line NDJSON file (a header and no entries) is a JSON document too.
                None => Vec::new(),
                Some(_) => return Err(ImportError::NotALog),
            };
            if rows.len() > MAX_IMPORT_ENTRIES {
                return Err(ImportError::TooManyEntries { count: rows.len() });
            }
            (header, rows)
        }
        Err(whole) => {
            let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
            let (_, first) = lines.next().ok_or(ImportError::Empty)?;
            let Ok(first) = serde_json::from_str::<Value>(first) else {
                return Err(ImportError::NotJson { line: whole.line(), message: whole.to_string() });
            };
            let header = header_of(&first)?;
            let mut rows = Vec::new();
            for (index, line) in lines {
                if rows.len() == MAX_IMPORT_ENTRIES {
                    return Err(ImportError::TooManyEntries { count: MAX_IMPORT_ENTRIES + 1 });
                }
                let row = serde_json::from_str(line)
                    .map_err(|e| ImportError::NotJson { line: index + 1, message: e.to_string() })?;
                rows.push(row);
            }
            (header, rows)
        }
    };
    let mut entries =
        rows.into_iter().enumerate().map(|(i, row)| entry_of(row, i + 1)).collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.id);
    entries.dedup_by_key(|e| e.id);
    Ok(ImportedFile { header, entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::{EntryKind, Via};

    fn sample() -> Vec<Entry> {
        let mut started = Entry::sample(
            4,
            EntryKind::Event,
            "conversationStarted",
            "conversation 123",
            r#"{"conversation":{"conversationId":123}}"#,
        );
        started.via = Some(Via::Iframe);
        started.t = 1234.5;
        started.wall = 1_764_521_000_000.0;
        vec![
            Entry::sample(2, EntryKind::Navigation, "navigation", "https://shop.test/", "null"),
            started,
            Entry::sample(9, EntryKind::Call, "widget.open", "returned", r#"{"args":[],"id":1,"outcome":"returned"}"#),
        ]
    }

    #[test]
    fn round_trips_in_both_formats() {
        let entries = sample();
        for format in [ExportFormat::Json, ExportFormat::Ndjson] {
            let text = export(entries.iter(), 1000.0, "https://shop.test/", format);
            let file = import(&text).unwrap();
            assert_eq!(file.entries, entries, "{format:?}");
            assert_eq!(file.header, Header::new(1000.0, "https://shop.test/", 3));
        }
    }

    #[test]
    fn the_json_form_is_one_object_with_readable_payloads() {
        let text = export(sample().iter(), 0.0, "u", ExportFormat::Json);
        let document: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(document["format"], EXPORT_FORMAT);
        assert_eq!(document["version"], EXPORT_VERSION);
        assert_eq!(document["count"], 3);
        assert_eq!(document["entries"][1]["payload"]["conversation"]["conversationId"], 123);
        assert_eq!(document["entries"][1]["via"], "iframe");
    }

    #[test]
    fn the_ndjson_form_is_a_header_line_then_one_entry_per_line() {
        let text = export(sample().iter(), 0.0, "u", ExportFormat::Ndjson);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        let header: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(header["format"], EXPORT_FORMAT);
        assert!(header.get("entries").is_none());
        let row: Value = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(row["name"], "conversationStarted");
        // Blank lines and CRLF line ends are fine.
        assert_eq!(import(&text.replace('\n', "\r\n\r\n")).unwrap().entries, sample());
    }

    #[test]
    fn an_empty_log_round_trips() {
        for format in [ExportFormat::Json, ExportFormat::Ndjson] {
            let text = export([].iter(), 0.0, "", format);
            assert_eq!(import(&text).unwrap().entries, Vec::<Entry>::new());
        }
    }

    #[test]
    fn refuses_another_version() {
        let text = export(sample().iter(), 0.0, "u", ExportFormat::Json).replace("\"version\": 1", "\"version\": 2");
        assert_eq!(import(&text), Err(ImportError::Version { found: 2 }));
        assert!(ImportError::Version { found: 2 }.to_string().contains("version 2; this panel reads version 1"));
        let ndjson =
            export(sample().iter(), 0.0, "u", ExportFormat::Ndjson).replacen("\"version\":1", "\"version\":7", 1);
        assert_eq!(import(&ndjson), Err(ImportError::Version { found: 7 }));
    }

    #[test]
    fn refuses_what_is_not_a_log() {
        assert_eq!(import(""), Err(ImportError::Empty));
        assert_eq!(import(" \n "), Err(ImportError::Empty));
        assert!(matches!(import("{\"format\": "), Err(ImportError::NotJson { line: 1, .. })));
        assert!(matches!(import("<html>"), Err(ImportError::NotJson { .. })));
        assert_eq!(import("[1,2]"), Err(ImportError::NotALog));
        assert_eq!(import(r#"{"log":{"entries":[]}}"#), Err(ImportError::NotALog)); // a HAR file
        let bad_line = format!("{}\n{{\"id\":1,\n", export([].iter(), 0.0, "", ExportFormat::Ndjson).trim_end());
        assert!(matches!(import(&bad_line), Err(ImportError::NotJson { line: 2, .. })));
        let bad_entry = format!(r#"{{"format":"{EXPORT_FORMAT}","version":1,"entries":[{{"id":1,"kind":"nope"}}]}}"#);
        let error = import(&bad_entry).unwrap_err();
        assert!(matches!(error, ImportError::BadEntry { number: 1, .. }), "{error:?}");
        assert!(error.to_string().starts_with("Entry 1 of the file is not a log entry"));
    }

    #[test]
    fn refuses_too_big_and_too_many() {
        let big = " ".repeat(MAX_IMPORT_BYTES + 1);
        assert_eq!(import(&big), Err(ImportError::TooBig { bytes: MAX_IMPORT_BYTES + 1 }));
        assert_eq!(
            ImportError::TooBig { bytes: 40 << 20 }.to_string(),
            "The file is 40 MB; the panel imports files up to 32 MB."
        );
        let row = r#"{"id":1,"doc":"d","t":0,"wall":0,"kind":"event","name":"x","summary":"","payload":null}"#;
        let many = format!(
            "{{\"format\":\"{EXPORT_FORMAT}\",\"version\":1}}\n{}",
            format!("{row}\n").repeat(MAX_IMPORT_ENTRIES + 1)
        );
        assert_eq!(import(&many), Err(ImportError::TooManyEntries { count: MAX_IMPORT_ENTRIES + 1 }));
    }

    #[test]
    fn names_the_file_after_the_time() {
        assert_eq!(file_name(0.0, ExportFormat::Json), "hubspot-chat-log-1970-01-01T00-00-00.json");
        assert_eq!(file_name(1_764_521_000_000.0, ExportFormat::Ndjson), "hubspot-chat-log-2025-11-30T16-43-20.ndjson");
    }
}
