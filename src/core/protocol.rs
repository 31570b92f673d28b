//! Typed, versioned messages for every hop (see `docs/protocol.md`).
//!
//! Everything that originates in a page is untrusted: decoding checks the version, the size of
//! the raw text before parsing, and the bounds of every field after parsing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

pub const PROTOCOL_VERSION: u32 = 1;

/// The DOM event the hook sends its batches on (detail: a [`PageBatch`] as JSON text).
pub const PAGE_EVENT: &str = "hubspot-chat-inspector:page";
/// The DOM event the relay sends [`HookCommand`]s on (detail: JSON text).
pub const RELAY_EVENT: &str = "hubspot-chat-inspector:relay";

/// Largest hook batch (the detail string of one CustomEvent) the background accepts.
pub const MAX_BATCH_BYTES: usize = 1 << 20;
/// Largest number of records in one hook batch.
pub const MAX_RECORDS_PER_BATCH: usize = 500;
/// Largest serialized payload kept for one entry; larger payloads are replaced by a marker.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// Largest panel → background message.
pub const MAX_PANEL_MESSAGE_BYTES: usize = 16 * 1024;
/// Largest hook command (the relay event's detail) the relay forwards and the hook reads.
pub const MAX_COMMAND_CHARS: usize = 4096;
/// Longest event name or portal id the background accepts (the hook clips to it).
pub const MAX_NAME_CHARS: usize = 100;
/// Longest URL, selector or error text the background accepts (the hook clips to it).
pub const MAX_URL_CHARS: usize = 2048;
const MAX_DOC_ID_CHARS: usize = 64;
const MAX_SETTINGS_FIELDS: usize = 100;
/// Most method names in an `api` record (the hook lists at most 200).
const MAX_METHODS: usize = 200;

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
                write!(f, "protocol version {v} is not supported (expected {PROTOCOL_VERSION})")
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

/// Why the loader did not deliver a chat-iframe event to the page's `on()` handlers (the hook
/// records it anyway, labelled). The hook spells these in its facts block, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Undelivered {
    /// Posted with the chat origin by a frame that is not the page's chat iframe.
    ForeignFrame,
    /// No `uuid`, or `null`.
    MissingUuid,
    /// A `uuid` that is not a string of the canonical 8-4-4-4-12 hexadecimal form.
    BogusUuid,
}

impl Undelivered {
    pub const ALL: [Undelivered; 3] = [Undelivered::ForeignFrame, Undelivered::MissingUuid, Undelivered::BogusUuid];

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Undelivered::ForeignFrame => "foreign_frame",
            Undelivered::MissingUuid => "missing_uuid",
            Undelivered::BogusUuid => "bogus_uuid",
        }
    }

    /// Why, in the panel's words.
    pub fn reason(self) -> &'static str {
        match self {
            Undelivered::ForeignFrame => "posted by a frame that is not the page's chat iframe",
            Undelivered::MissingUuid => "the message has no uuid",
            Undelivered::BogusUuid => "the message's uuid is not a UUID",
        }
    }
}

/// The key of the marker object that replaces a payload too large to keep:
/// `{"[truncated]": "payload of N bytes"}` (background) or `"message of N characters"` (hook).
pub const TRUNCATED_KEY: &str = "[truncated]";

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
        /// Set only for `via: iframe` messages the loader did not deliver to `on()`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        undelivered: Option<Undelivered>,
    },
    Api {
        seq: u64,
        t: f64,
        state: ApiState,
        generation: u32,
        /// Function-valued properties of the object and of `object.widget` ("widget.load", …).
        #[serde(default)]
        methods: Vec<String>,
        /// Re-sent state (see [`HookCommand::Hello`]): updates the page status, adds no log row.
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    Widget {
        seq: u64,
        t: f64,
        loaded: bool,
        #[serde(default)]
        inline: bool,
        #[serde(default)]
        src: String,
        /// Re-sent state (see [`HookCommand::Hello`]): updates the page status, adds no log row.
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    Loader {
        seq: u64,
        t: f64,
        src: String,
        portal: Option<String>,
        /// Re-sent state (see [`HookCommand::Hello`]): updates the page status, adds no log row.
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    Open {
        seq: u64,
        t: f64,
        open: bool,
        user: bool,
    },
    Call {
        seq: u64,
        t: f64,
        id: u64,
        method: String,
        #[serde(default)]
        args: serde_json::Value,
        outcome: CallOutcome,
        #[serde(default)]
        value: serde_json::Value,
        #[serde(default)]
        error: String,
    },
    Settings {
        seq: u64,
        t: f64,
        source: SettingsSource,
        phase: SettingsPhase,
        present: bool,
        #[serde(default)]
        fields: BTreeMap<String, SettingsField>,
        /// Re-sent state (see [`HookCommand::Hello`]): updates the page status, adds no log row.
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    Inline {
        seq: u64,
        t: f64,
        selector: String,
        exists: bool,
        #[serde(default)]
        width: f64,
        #[serde(default)]
        height: f64,
        /// Re-sent state (see [`HookCommand::Hello`]): updates the page status, adds no log row.
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Returned,
    Threw,
    NotReady,
    Missing,
    /// No page connection took the call (set by the background, never by the hook).
    NotDelivered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsSource {
    /// The page assigned `window.hsConversationsSettings`.
    Assigned,
    /// The hook read it: when an API object appeared (what the loader just read) or on `read_page`.
    Read,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsPhase {
    BeforeLoader,
    AfterLoader,
}

/// One own property of `window.hsConversationsSettings`: its JS type and sanitised value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsField {
    #[serde(rename = "type")]
    pub js_type: String,
    #[serde(default)]
    pub value: serde_json::Value,
}

impl PageRecord {
    pub fn seq(&self) -> u64 {
        match self {
            PageRecord::Event { seq, .. }
            | PageRecord::Api { seq, .. }
            | PageRecord::Widget { seq, .. }
            | PageRecord::Loader { seq, .. }
            | PageRecord::Open { seq, .. }
            | PageRecord::Call { seq, .. }
            | PageRecord::Settings { seq, .. }
            | PageRecord::Inline { seq, .. } => *seq,
        }
    }

    /// A record the hook re-sent to a new relay: state it had already reported, not a new observation.
    pub fn is_replay(&self) -> bool {
        match self {
            PageRecord::Api { replay, .. }
            | PageRecord::Widget { replay, .. }
            | PageRecord::Loader { replay, .. }
            | PageRecord::Settings { replay, .. }
            | PageRecord::Inline { replay, .. } => *replay,
            PageRecord::Event { .. } | PageRecord::Open { .. } | PageRecord::Call { .. } => false,
        }
    }

    pub fn time(&self) -> f64 {
        match self {
            PageRecord::Event { t, .. }
            | PageRecord::Api { t, .. }
            | PageRecord::Widget { t, .. }
            | PageRecord::Loader { t, .. }
            | PageRecord::Open { t, .. }
            | PageRecord::Call { t, .. }
            | PageRecord::Settings { t, .. }
            | PageRecord::Inline { t, .. } => *t,
        }
    }

    fn validate(&self) -> Result<(), DecodeError> {
        let t = self.time();
        if !t.is_finite() || t < 0.0 {
            return Err(DecodeError::Invalid("record time must be a finite, non-negative number"));
        }
        match self {
            PageRecord::Event { name, .. } if name.is_empty() || name.chars().count() > MAX_NAME_CHARS => {
                Err(DecodeError::Invalid("event name must have 1 to 100 characters"))
            }
            PageRecord::Event { via, undelivered: Some(_), .. } if *via != Via::Iframe => {
                Err(DecodeError::Invalid("only chat iframe messages can be undelivered"))
            }
            PageRecord::Widget { src, .. } | PageRecord::Loader { src, .. } if src.chars().count() > MAX_URL_CHARS => {
                Err(DecodeError::Invalid("URL too long"))
            }
            PageRecord::Loader { portal: Some(p), .. } if p.chars().count() > MAX_NAME_CHARS => {
                Err(DecodeError::Invalid("portal id too long"))
            }
            PageRecord::Call { method, error, .. }
                if method.chars().count() > MAX_NAME_CHARS || error.chars().count() > MAX_URL_CHARS =>
            {
                Err(DecodeError::Invalid("call method or error too long"))
            }
            PageRecord::Api { methods, .. }
                if methods.len() > MAX_METHODS || methods.iter().any(|m| m.chars().count() > MAX_NAME_CHARS) =>
            {
                Err(DecodeError::Invalid("too many or too long method names"))
            }
            PageRecord::Settings { fields, .. } if fields.len() > MAX_SETTINGS_FIELDS => {
                Err(DecodeError::Invalid("too many settings fields"))
            }
            PageRecord::Inline { selector, width, height, .. }
                if selector.chars().count() > MAX_URL_CHARS || !width.is_finite() || !height.is_finite() =>
            {
                Err(DecodeError::Invalid("inline embed record out of bounds"))
            }
            _ => Ok(()),
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
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
        Err(DecodeError::TooLarge { bytes: text.len(), limit })
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
        return Err(DecodeError::Invalid("document id must have 1 to 64 characters"));
    }
    if batch.url.chars().count() > MAX_URL_CHARS {
        return Err(DecodeError::Invalid("URL too long"));
    }
    if !batch.time_origin.is_finite() || batch.time_origin < 0.0 {
        return Err(DecodeError::Invalid("time_origin must be a finite, non-negative number"));
    }
    if batch.records.len() > MAX_RECORDS_PER_BATCH {
        return Err(DecodeError::Invalid("too many records in one batch"));
    }
    for record in &mut batch.records {
        record.validate()?;
        match record {
            PageRecord::Event { payload: value, .. } | PageRecord::Call { value, .. } => cap_payload(value),
            PageRecord::Settings { fields, .. } => fields.values_mut().for_each(|f| cap_payload(&mut f.value)),
            _ => {}
        }
    }
    Ok(batch)
}

fn cap_payload(value: &mut serde_json::Value) {
    let size = serde_json::to_string(value).map(|s| s.len()).unwrap_or(usize::MAX);
    if size > MAX_PAYLOAD_BYTES {
        *value = serde_json::json!({ TRUNCATED_KEY: format!("payload of {size} bytes") });
    }
}

/// Relay → background (port "relay").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelayMessage {
    Page {
        batch: u64,
        data: String,
    },
    NoHook,
    /// The hook the background injected (after `NoHook`) does not answer the relay: the page broke
    /// what the hook needs to observe it (builtins it could not take, even from a fresh realm).
    HookSilent,
}

/// Background → relay, on the relay's port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelayReply {
    /// Batch `batch` and every batch before it are stored: the relay may forget them.
    Ack { batch: u64 },
    /// The hook was just injected: say hello to it again.
    Hello,
}

pub fn encode_relay_reply(reply: &RelayReply) -> String {
    versioned(reply)
}

/// Background → relay (`tabs.sendMessage` to the top frame) → hook: the relay forwards the text
/// unchanged as the relay event's detail; the hook validates it again. The relay sends `Hello`
/// itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HookCommand {
    /// A relay listens. `relay`: the relay instance's random id (16 hex digits). A hook that has
    /// answered a relay with another id before (the extension was reloaded while the page stayed
    /// open) re-emits its current state as `replay` records; the same relay saying hello again
    /// (back/forward cache, re-hellos) gets only what is pending.
    Hello {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relay: Option<String>,
    },
    /// Call an SDK method of the current `window.HubSpotConversations` (see [`SDK_METHODS`]).
    Call { id: u64, method: String, args: Vec<serde_json::Value> },
    /// Read the settings and the inline embed again.
    ReadPage,
}

pub fn encode_hook_command(command: &HookCommand) -> String {
    versioned(command)
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
    Subscribe {
        tab: i64,
    },
    Clear,
    /// Call an SDK method in the page, against the current object.
    Call {
        method: String,
        #[serde(default)]
        args: Vec<serde_json::Value>,
    },
    /// Read the page's settings and inline embed again.
    ReadPage,
    /// List the page's cookies again.
    Cookies,
    DeleteCookies {
        cookies: Vec<CookieRef>,
        #[serde(default)]
        then_reset_widget: bool,
    },
}

/// Exactly one cookie, as the cookies API identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookieRef {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub store_id: String,
    #[serde(default)]
    pub partition_key: Option<serde_json::Value>,
}

impl CookieRef {
    pub fn new(
        name: &str,
        domain: &str,
        path: &str,
        store_id: &str,
        partition_key: &Option<serde_json::Value>,
    ) -> Self {
        CookieRef {
            name: name.into(),
            domain: domain.into(),
            path: path.into(),
            store_id: store_id.into(),
            partition_key: partition_key.clone(),
        }
    }
}

/// The SDK methods the panel may call, with the one boolean option each may take.
pub const SDK_METHODS: [(&str, Option<&str>); 9] = [
    ("widget.load", Some("widgetOpen")),
    ("widget.refresh", Some("openToNewThread")),
    ("widget.open", None),
    ("widget.close", None),
    ("widget.remove", None),
    ("widget.status", None),
    ("clear", Some("resetWidget")),
    ("debug", None),
    ("resetAndReloadWidget", None),
];

fn validate_call(method: &str, args: &[serde_json::Value]) -> Result<(), DecodeError> {
    let Some((_, option)) = SDK_METHODS.iter().find(|(name, _)| *name == method) else {
        return Err(DecodeError::Invalid("unknown SDK method"));
    };
    let ok = match (method, option, args) {
        (_, _, []) => method != "debug",
        ("debug", _, [serde_json::Value::Bool(_)]) => true,
        (_, Some(option), [serde_json::Value::Object(map)]) => {
            map.len() == 1 && map.get(*option).is_some_and(serde_json::Value::is_boolean)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(DecodeError::Invalid("arguments do not fit the SDK method"))
    }
}

pub fn decode_panel_request(text: &str) -> Result<PanelRequest, DecodeError> {
    check_size(text, MAX_PANEL_MESSAGE_BYTES)?;
    let msg: Versioned<PanelRequest> = parse(text)?;
    check_version(msg.v)?;
    match &msg.body {
        PanelRequest::Subscribe { tab } if *tab < 0 => {
            return Err(DecodeError::Invalid("tab id must not be negative"));
        }
        PanelRequest::Call { method, args } => validate_call(method, args)?,
        PanelRequest::DeleteCookies { cookies, .. } if cookies.is_empty() || cookies.len() > 50 => {
            return Err(DecodeError::Invalid("delete 1 to 50 cookies at a time"));
        }
        _ => {}
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
    /// Page batches the background dropped unread because the tab sent them faster than they
    /// could be processed (its queue was full); their entries are lost.
    #[serde(default)]
    pub overflow: u64,
    /// The last write of this tab's log to `storage.session` failed: the relay keeps the page's
    /// batches (they are not acknowledged) until a write succeeds.
    #[serde(default)]
    pub unstored: bool,
    /// A hook was injected into this tab's page but does not answer (see `RelayMessage::HookSilent`):
    /// nothing of the page can be observed until it navigates. Cleared by the next page batch.
    #[serde(default)]
    pub hook_silent: bool,
    /// Methods of the current object (see `PageRecord::Api`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// The settings as the page assigned them, and as last read.
    #[serde(default)]
    pub settings_as_set: Option<SettingsView>,
    #[serde(default)]
    pub settings_now: Option<SettingsView>,
    #[serde(default)]
    pub inline: Option<InlineView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub t: f64,
    pub phase: SettingsPhase,
    pub present: bool,
    pub fields: BTreeMap<String, SettingsField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlineView {
    pub selector: String,
    pub exists: bool,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Event,
    Api,
    Widget,
    Loader,
    Open,
    /// A call made from the panel.
    Call,
    Settings,
    Navigation,
    /// A call the page's own code made (docs/diagnostics.md §1).
    PageCall,
    /// `window.hsConversationsOnReady` assigned, read by the loader, or grown after the read.
    OnReady,
    /// A same-document URL change (pushState, replaceState, popstate, hashchange).
    UrlChange,
    /// A Content-Security-Policy violation involving a HubSpot host.
    Csp,
    /// The widget-data request, from resource timing.
    WidgetData,
    /// A chat iframe inserted into the page.
    Iframe,
    /// A chat iframe message the rules need (`store-messages-cookie`).
    ChatMessage,
    /// Page facts that stop or change the render (http, disabledHsPopups, prototype toJSON, …).
    Env,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undelivered: Option<Undelivered>,
    pub summary: String,
    /// The payload as JSON text (parsed lazily when a row is expanded).
    pub payload: String,
}

#[cfg(test)]
impl Entry {
    /// An entry of document "d" at time 0, for tests.
    pub fn sample(id: u64, kind: EntryKind, name: &str, summary: &str, payload: &str) -> Entry {
        Entry {
            id,
            doc: "d".into(),
            t: 0.0,
            wall: 0.0,
            kind,
            name: name.into(),
            via: None,
            undelivered: None,
            summary: summary.into(),
            payload: payload.into(),
        }
    }
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
    Snapshot { status: PageStatus, entries: Vec<Entry>, dropped: u64 },
    Append { entries: Vec<Entry>, dropped: u64 },
    Status { status: PageStatus },
    Cookies { cookies: Vec<CookieRow>, error: Option<String> },
}

/// One cookie as the Cookies view shows it. Absent chat cookies are listed with `present: false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CookieRow {
    pub name: String,
    pub present: bool,
    /// One of the three cookies `clear()` deletes.
    pub chat: bool,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub host_only: bool,
    #[serde(default)]
    pub path: String,
    /// Seconds since the Unix epoch; `None` for a session cookie.
    #[serde(default)]
    pub expires: Option<f64>,
    #[serde(default)]
    pub same_site: String,
    #[serde(default)]
    pub secure: bool,
    #[serde(default)]
    pub http_only: bool,
    #[serde(default)]
    pub store_id: String,
    #[serde(default)]
    pub partition_key: Option<serde_json::Value>,
}

impl CookieRow {
    /// Bytes of name and value, as devtools' Application panel counts them.
    pub fn size(&self) -> usize {
        self.name.len() + self.value.len()
    }

    pub fn reference(&self) -> CookieRef {
        CookieRef::new(&self.name, &self.domain, &self.path, &self.store_id, &self.partition_key)
    }
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
                generation: 1,
                methods: vec![],
                replay: false
            }
        );
        assert_eq!(batch.records[4].seq(), 5);
    }

    #[test]
    fn rejects_malformed_input_with_a_clear_error() {
        assert!(matches!(decode_page_batch("{not json"), Err(DecodeError::Malformed(_))));
        assert!(matches!(decode_page_batch("[]"), Err(DecodeError::Malformed(_))));
        let unknown_kind = batch_json(r#"{"k":"bogus","seq":1,"t":1}"#);
        assert!(matches!(decode_page_batch(&unknown_kind), Err(DecodeError::Malformed(_))));
        let negative_seq = batch_json(r#"{"k":"open","seq":-1,"t":1,"open":true,"user":true}"#);
        assert!(matches!(decode_page_batch(&negative_seq), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn rejects_other_versions() {
        let text = batch_json("").replace(r#""v":1"#, r#""v":2"#);
        assert_eq!(decode_page_batch(&text), Err(DecodeError::WrongVersion(2)));
        assert_eq!(decode_panel_request(r#"{"v":0,"type":"clear"}"#), Err(DecodeError::WrongVersion(0)));
    }

    #[test]
    fn rejects_oversized_input_before_parsing() {
        let huge = "x".repeat(MAX_BATCH_BYTES + 1);
        assert!(matches!(decode_page_batch(&huge), Err(DecodeError::TooLarge { .. })));
        let big_request = format!(r#"{{"v":1,"type":"clear","pad":"{}"}}"#, "x".repeat(20_000));
        assert!(matches!(decode_panel_request(&big_request), Err(DecodeError::TooLarge { .. })));
    }

    #[test]
    fn rejects_out_of_bound_fields() {
        let long_name = batch_json(&format!(
            r#"{{"k":"event","seq":1,"t":1,"name":"{}","payload":null,"via":"on"}}"#,
            "n".repeat(101)
        ));
        assert!(matches!(decode_page_batch(&long_name), Err(DecodeError::Invalid(_))));
        let empty_doc = batch_json("").replace(r#""doc":"d1""#, r#""doc":"""#);
        assert!(matches!(decode_page_batch(&empty_doc), Err(DecodeError::Invalid(_))));
        let records =
            vec![r#"{"k":"open","seq":1,"t":1,"open":true,"user":true}"#; MAX_RECORDS_PER_BATCH + 1].join(",");
        assert!(matches!(decode_page_batch(&batch_json(&records)), Err(DecodeError::Invalid(_))));
    }

    #[test]
    fn an_api_record_lists_a_bounded_number_of_method_names() {
        let api = |methods: &str| {
            batch_json(&format!(r#"{{"k":"api","seq":1,"t":1,"state":"ready","generation":1,"methods":{methods}}}"#))
        };
        assert!(decode_page_batch(&api(r#"["widget.load","clear"]"#)).is_ok());
        let many = serde_json::to_string(&vec!["m"; MAX_METHODS + 1]).unwrap();
        assert!(matches!(decode_page_batch(&api(&many)), Err(DecodeError::Invalid(_))));
        let long = serde_json::to_string(&vec!["m".repeat(MAX_NAME_CHARS + 1)]).unwrap();
        assert!(matches!(decode_page_batch(&api(&long)), Err(DecodeError::Invalid(_))));
    }

    #[test]
    fn deep_payloads_are_refused_not_overflowing_the_stack() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let text = batch_json(&format!(
            r#"{{"k":"event","seq":1,"t":1,"name":"widgetLoaded","payload":{deep},"via":"iframe"}}"#
        ));
        assert!(matches!(decode_page_batch(&text), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn an_undelivered_label_is_one_of_three_and_only_on_iframe_events() {
        let event = |via: &str, label: &str| {
            batch_json(&format!(r#"{{"k":"event","seq":1,"t":1,"name":"x","payload":null,"via":"{via}"{label}}}"#))
        };
        for why in Undelivered::ALL {
            assert_eq!(serde_json::to_value(why).unwrap(), why.as_str());
            let label = format!(r#","undelivered":"{}""#, why.as_str());
            let batch = decode_page_batch(&event("iframe", &label)).unwrap();
            assert!(matches!(batch.records[0], PageRecord::Event { undelivered: Some(w), .. } if w == why));
            assert!(matches!(decode_page_batch(&event("on", &label)), Err(DecodeError::Invalid(_))));
        }
        let batch = decode_page_batch(&event("iframe", "")).unwrap();
        assert!(matches!(batch.records[0], PageRecord::Event { undelivered: None, .. }));
        let unknown = event("iframe", r#","undelivered":"lost""#);
        assert!(matches!(decode_page_batch(&unknown), Err(DecodeError::Malformed(_))));
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
        let PageRecord::Event { payload, .. } = &batch.records[0] else { panic!() };
        assert!(payload.to_string().contains("[truncated]"));
    }

    #[test]
    fn calls_are_limited_to_the_sdk_methods_and_their_options() {
        let call = |text: &str| decode_panel_request(&format!(r#"{{"v":1,"type":"call",{text}}}"#));
        assert!(call(r#""method":"widget.load","args":[{"widgetOpen":true}]"#).is_ok());
        assert!(call(r#""method":"widget.load""#).is_ok());
        assert!(call(r#""method":"clear","args":[{"resetWidget":false}]"#).is_ok());
        assert!(call(r#""method":"debug","args":[true]"#).is_ok());
        assert!(call(r#""method":"debug""#).is_err());
        assert!(call(r#""method":"widget.load","args":[{"resetWidget":true}]"#).is_err());
        assert!(call(r#""method":"widget.open","args":[{"x":true}]"#).is_err());
        assert!(call(r#""method":"widget.load","args":[{"widgetOpen":"yes"}]"#).is_err());
        assert!(call(r#""method":"eval","args":[]"#).is_err());
        assert!(call(r#""method":"constructor""#).is_err());
    }

    #[test]
    fn decodes_call_settings_and_inline_records() {
        let text = batch_json(
            r#"{"k":"call","seq":1,"t":5,"id":3,"method":"widget.status","args":[],"outcome":"returned","value":{"loaded":true}},
               {"k":"settings","seq":2,"t":6,"source":"assigned","phase":"before_loader","present":true,
                "fields":{"loadImmediately":{"type":"string","value":"yes"}}},
               {"k":"inline","seq":3,"t":7,"selector":".chat","exists":true,"width":300,"height":500}"#,
        );
        let batch = decode_page_batch(&text).unwrap();
        assert!(matches!(&batch.records[0], PageRecord::Call { outcome: CallOutcome::Returned, id: 3, .. }));
        let PageRecord::Settings { fields, phase, .. } = &batch.records[1] else { panic!() };
        assert_eq!(*phase, SettingsPhase::BeforeLoader);
        assert_eq!(fields["loadImmediately"].js_type, "string");
    }

    #[test]
    fn relay_and_panel_messages_round_trip() {
        assert_eq!(
            decode_relay_message(r#"{"v":1,"type":"page","batch":3,"data":"{}"}"#).unwrap(),
            RelayMessage::Page { batch: 3, data: "{}".into() }
        );
        assert_eq!(decode_relay_message(r#"{"v":1,"type":"no_hook"}"#).unwrap(), RelayMessage::NoHook);
        assert_eq!(decode_relay_message(r#"{"v":1,"type":"hook_silent"}"#).unwrap(), RelayMessage::HookSilent);
        let request = PanelRequest::Subscribe { tab: 7 };
        assert_eq!(decode_panel_request(&encode_panel_request(&request)).unwrap(), request);
        assert!(decode_panel_request(r#"{"v":1,"type":"subscribe","tab":-1}"#).is_err());
        let update = PanelUpdate::Append { entries: vec![], dropped: 2 };
        assert_eq!(decode_panel_update(&encode_panel_update(&update)).unwrap(), update);
    }

    #[test]
    fn the_relays_hello_carries_its_id_and_replayed_state_is_flagged() {
        let json = |c: &HookCommand| serde_json::from_str::<serde_json::Value>(&encode_hook_command(c)).unwrap();
        assert_eq!(json(&HookCommand::Hello { relay: None }), serde_json::json!({"v": 1, "type": "hello"}));
        assert_eq!(
            json(&HookCommand::Hello { relay: Some("0123456789abcdef".into()) }),
            serde_json::json!({"v": 1, "type": "hello", "relay": "0123456789abcdef"})
        );
        let text = batch_json(
            r#"{"k":"api","seq":1,"t":6,"state":"ready","generation":2,"replay":true},
               {"k":"widget","seq":2,"t":7,"loaded":true},
               {"k":"event","seq":3,"t":8,"name":"x","payload":null,"via":"on","replay":true}"#,
        );
        let batch = decode_page_batch(&text).unwrap();
        assert!(batch.records[0].is_replay());
        assert!(!batch.records[1].is_replay());
        assert!(!batch.records[2].is_replay(), "an event is never re-sent state");
        let encoded = serde_json::to_string(&batch.records[1]).unwrap();
        assert!(!encoded.contains("replay"), "the flag is written only when set: {encoded}");
    }
}
