//! Typed, versioned messages for every hop (see `docs/protocol.md`).
//!
//! Everything that originates in a page is untrusted: decoding checks the version, the size of
//! the raw text before parsing, and the bounds of every field after parsing.

use super::decode;
use super::diagnostics::{CookieSummary, DiagnosisReport};
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
/// What the relay sends the background at once (characters, records): a larger batch goes as
/// slices, so the background works on every tab in small turns. The hook makes its batches no
/// larger (one record may be), so the relay re-slices only what another sender made.
pub const SLICE_CHARS: usize = 64 * 1024;
pub const SLICE_RECORDS: usize = 100;
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

/// Longest string the hook's sanitiser keeps (UTF-16 units); a longer one is cut and ends with
/// `…[+N chars]` (N: the units cut off), see `core::payload`.
pub const MAX_PAYLOAD_STRING_CHARS: usize = 2000;
/// Most array items (object keys) the hook's sanitiser keeps; the rest are counted in a last item
/// `"[+N more]"` (a last key `"[more]": "[+N keys]"`), see `core::payload`.
pub const MAX_PAYLOAD_ITEMS: usize = 100;

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
        /// The script element's `type` is not a JavaScript type (e.g. `text/plain`, consent tools).
        #[serde(default, skip_serializing_if = "is_false")]
        blocked: bool,
        /// Inserted after an element with the same src was removed (a framework re-inserting the
        /// embed code).
        #[serde(default, skip_serializing_if = "is_false")]
        again: bool,
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
    /// The PAGE called a method of a `HubSpotConversations` object (docs/diagnostics.md §1).
    #[serde(rename = "page_call")]
    PageCall {
        seq: u64,
        t: f64,
        /// One of [`PAGE_CALL_METHODS`].
        method: String,
        /// The object the method belongs to (the placeholder is the first).
        generation: u32,
        placeholder: bool,
        /// Sanitised arguments (an array).
        #[serde(default)]
        args: serde_json::Value,
        /// `returned` or `threw`.
        outcome: CallOutcome,
        #[serde(default)]
        value: serde_json::Value,
        #[serde(default)]
        error: String,
        /// For `on`/`off`: the number naming the function argument (stable for the document's
        /// life); else 0.
        #[serde(default)]
        handler: u32,
        /// `"<url>:<line>:<col>"` of the first stack frame outside the extension and the loader.
        #[serde(default)]
        caller: String,
        /// A loader frame is further down the stack: an onReady callback or an event handler.
        #[serde(default)]
        from_loader: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// `window.hsConversationsOnReady` assigned, read (when an object was assigned) or grown after
    /// the read.
    #[serde(rename = "onready")]
    OnReady {
        seq: u64,
        t: f64,
        action: OnReadyAction,
        array: bool,
        #[serde(default)]
        length: u64,
        #[serde(default)]
        generation: u32,
        /// On `assigned`: the length of a DIFFERENT non-empty array it replaced, else 0.
        #[serde(default)]
        replaced: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// A same-document URL change.
    Nav {
        seq: u64,
        t: f64,
        how: NavHow,
        url: String,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// A `securitypolicyviolation` whose blocked URI or source file is on a HubSpot host.
    Csp {
        seq: u64,
        t: f64,
        directive: String,
        #[serde(default)]
        blocked: String,
        #[serde(default)]
        source: String,
        /// A `Content-Security-Policy-Report-Only` violation (`disposition: "report"`): nothing was
        /// blocked.
        #[serde(default, skip_serializing_if = "is_false")]
        report: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// The widget-data request, from resource timing.
    #[serde(rename = "widget_data")]
    WidgetData {
        seq: u64,
        t: f64,
        /// The request URL, `identificationToken=` value masked.
        url: String,
        /// HTTP status, 0 when the browser does not say.
        #[serde(default)]
        status: u16,
        #[serde(default)]
        duration: f64,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// A chat iframe was inserted (its `load` is a `widget` record with `loaded: true`).
    Iframe {
        seq: u64,
        t: f64,
        #[serde(default)]
        inline: bool,
        #[serde(default)]
        src: String,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// The chat iframe posted a message the rules need (`store-messages-cookie`).
    #[serde(rename = "chat_message")]
    ChatMessage {
        seq: u64,
        t: f64,
        #[serde(rename = "type")]
        message_type: String,
        /// `messagesUtk` present in its data.
        #[serde(default)]
        utk: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
    /// Page facts that stop or change the render.
    Env {
        seq: u64,
        t: f64,
        /// https.
        secure: bool,
        #[serde(default)]
        host: String,
        /// `window.disabledHsPopups`, or null when it is not an array.
        #[serde(default)]
        disabled_popups: Option<Vec<String>>,
        /// Names of `Object/Array/String.prototype` that define `toJSON`.
        #[serde(default)]
        to_json: Vec<String>,
        /// `window.hubspot_live_messages_running`.
        #[serde(default)]
        running: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        replay: bool,
    },
}

/// The methods a `page_call` record may name.
pub const PAGE_CALL_METHODS: [&str; 11] = [
    "widget.load",
    "widget.refresh",
    "widget.open",
    "widget.close",
    "widget.remove",
    "widget.status",
    "clear",
    "on",
    "off",
    "debug",
    "resetAndReloadWidget",
];

/// Most strings in an `env` record's lists.
const MAX_ENV_LIST: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnReadyAction {
    Assigned,
    Read,
    Grew,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NavHow {
    Push,
    Replace,
    Popstate,
    Hashchange,
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
            | PageRecord::Inline { seq, .. }
            | PageRecord::PageCall { seq, .. }
            | PageRecord::OnReady { seq, .. }
            | PageRecord::Nav { seq, .. }
            | PageRecord::Csp { seq, .. }
            | PageRecord::WidgetData { seq, .. }
            | PageRecord::Iframe { seq, .. }
            | PageRecord::ChatMessage { seq, .. }
            | PageRecord::Env { seq, .. } => *seq,
        }
    }

    /// A record the hook re-sent to a new relay: state it had already reported, not a new observation.
    pub fn is_replay(&self) -> bool {
        match self {
            PageRecord::Api { replay, .. }
            | PageRecord::Widget { replay, .. }
            | PageRecord::Loader { replay, .. }
            | PageRecord::Settings { replay, .. }
            | PageRecord::Inline { replay, .. }
            | PageRecord::PageCall { replay, .. }
            | PageRecord::OnReady { replay, .. }
            | PageRecord::Nav { replay, .. }
            | PageRecord::Csp { replay, .. }
            | PageRecord::WidgetData { replay, .. }
            | PageRecord::Iframe { replay, .. }
            | PageRecord::ChatMessage { replay, .. }
            | PageRecord::Env { replay, .. } => *replay,
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
            | PageRecord::Inline { t, .. }
            | PageRecord::PageCall { t, .. }
            | PageRecord::OnReady { t, .. }
            | PageRecord::Nav { t, .. }
            | PageRecord::Csp { t, .. }
            | PageRecord::WidgetData { t, .. }
            | PageRecord::Iframe { t, .. }
            | PageRecord::ChatMessage { t, .. }
            | PageRecord::Env { t, .. } => *t,
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
            PageRecord::Widget { src, .. } | PageRecord::Loader { src, .. } | PageRecord::Iframe { src, .. }
                if src.chars().count() > MAX_URL_CHARS =>
            {
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
            PageRecord::PageCall { method, args, outcome, error, caller, .. } => {
                if !PAGE_CALL_METHODS.contains(&method.as_str()) {
                    Err(DecodeError::Invalid("page call of an unknown method"))
                } else if !matches!(outcome, CallOutcome::Returned | CallOutcome::Threw) {
                    Err(DecodeError::Invalid("a page call either returned or threw"))
                } else if !(args.is_array() || is_truncation_marker(args)) {
                    Err(DecodeError::Invalid("page call arguments must be an array"))
                } else if too_long(error, MAX_URL_CHARS) || too_long(caller, MAX_URL_CHARS) {
                    Err(DecodeError::Invalid("page call error or caller too long"))
                } else {
                    Ok(())
                }
            }
            PageRecord::OnReady { action, replaced, .. } if *replaced > 0 && *action != OnReadyAction::Assigned => {
                Err(DecodeError::Invalid("only an assignment replaces an onReady array"))
            }
            PageRecord::Nav { url, .. } if too_long(url, MAX_URL_CHARS) => Err(DecodeError::Invalid("URL too long")),
            PageRecord::Csp { directive, blocked, source, .. }
                if too_long(directive, MAX_NAME_CHARS)
                    || too_long(blocked, MAX_URL_CHARS)
                    || too_long(source, MAX_URL_CHARS) =>
            {
                Err(DecodeError::Invalid("CSP violation record out of bounds"))
            }
            PageRecord::WidgetData { url, status, duration, .. }
                if too_long(url, MAX_URL_CHARS) || *status > 999 || !duration.is_finite() || *duration < 0.0 =>
            {
                Err(DecodeError::Invalid("widget-data record out of bounds"))
            }
            PageRecord::ChatMessage { message_type, .. }
                if message_type.is_empty() || too_long(message_type, MAX_NAME_CHARS) =>
            {
                Err(DecodeError::Invalid("chat message type must have 1 to 100 characters"))
            }
            PageRecord::Env { host, disabled_popups, to_json, .. }
                if too_long(host, MAX_URL_CHARS)
                    || [disabled_popups.as_deref().unwrap_or_default(), to_json.as_slice()]
                        .iter()
                        .any(|list| list.len() > MAX_ENV_LIST || list.iter().any(|s| too_long(s, MAX_NAME_CHARS))) =>
            {
                Err(DecodeError::Invalid("env record out of bounds"))
            }
            _ => Ok(()),
        }
    }
}

/// `{"[truncated]": "…"}`: what the hook sends instead of a value too large to keep.
fn is_truncation_marker(value: &serde_json::Value) -> bool {
    value.as_object().is_some_and(|o| o.len() == 1 && o.get(TRUNCATED_KEY).is_some_and(|v| v.is_string()))
}

fn too_long(text: &str, limit: usize) -> bool {
    text.chars().count() > limit
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
            PageRecord::PageCall { args, value, .. } => {
                cap_payload(args);
                cap_payload(value);
            }
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
    /// Batch `batch` was handled (not necessarily stored): the relay may send the next one. Apart
    /// from `Ack`, so that a background that cannot store still shows the page's events.
    Took { batch: u64 },
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
    /// Listen to `event` with `on()` from now until the document ends: once per real object
    /// (never the placeholder), after its chat iframe loaded, objects built later included. Only
    /// ever sent because the user opted in (HubSpot's usage report records each listener). The
    /// hook records each `on()` it makes as a `call` record with this `id` and method `on`.
    Listen { id: u64, event: ListenEvent },
    /// No panel watches the tab (the toolbar badge's relay, or a panel closed): send no more batches
    /// on your own; keep buffering (bounded) until the next command. Any other command but `drain`
    /// (a panel's `hello` without `relay`) makes the hook send again as it records.
    Quiet,
    /// Send what is buffered now, once (an empty batch if nothing), and stay quiet.
    Drain,
}

/// The SDK events the panel may ask the hook to listen to with `on()` (an opt-in: the page cannot
/// see an event the loader raises only for `on()` listeners, such as `widgetHidden`, otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListenEvent {
    #[serde(rename = "widgetHidden")]
    WidgetHidden,
}

impl ListenEvent {
    pub const ALL: [ListenEvent; 1] = [ListenEvent::WidgetHidden];

    /// Its SDK name (the wire name).
    pub fn as_str(self) -> &'static str {
        match self {
            ListenEvent::WidgetHidden => "widgetHidden",
        }
    }
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

/// Most cookies a [`PanelRequest::Diagnose`] may carry.
pub const MAX_DIAGNOSE_COOKIES: usize = 100;

/// Panel → background (port "panel").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PanelRequest {
    Subscribe {
        tab: i64,
    },
    /// The next chunk of the snapshot: the entries before `before` (the panel's oldest).
    Older {
        before: u64,
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
    /// Listen to `event` with `on()` in the current document (the user's per-site opt-in; the
    /// panel sends it again for every new document of the site). See [`HookCommand::Listen`].
    Listen {
        event: ListenEvent,
    },
    /// List the page's cookies again.
    Cookies,
    /// Run the Diagnostics rules over the tab's current document with the panel's context (its
    /// clock, its cookie listing): answered by [`PanelUpdate::Diagnosis`] with the same `seq`.
    Diagnose {
        seq: u64,
        now_wall: f64,
        #[serde(default)]
        cookies: Option<Vec<CookieSummary>>,
        #[serde(default)]
        messages_utk_seen: bool,
    },
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
        PanelRequest::Diagnose { now_wall, cookies, .. }
            if !now_wall.is_finite() || cookies.as_ref().is_some_and(|c| c.len() > MAX_DIAGNOSE_COOKIES) =>
        {
            return Err(DecodeError::Invalid("a diagnose request needs a finite clock and at most 100 cookies"));
        }
        _ => {}
    }
    Ok(msg.body)
}

pub fn encode_panel_request(request: &PanelRequest) -> String {
    versioned_via_value(request)
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

/// The first chunk of a snapshot: the newest entries, enough to fill a screen.
pub const SNAPSHOT_HEAD_ENTRIES: usize = 200;
/// Every chunk of a snapshot (`older`) holds at most this many entries and, past its first entry,
/// this much entry cost ([`Entry::cost`]): the panel decodes and applies one in a few milliseconds.
pub const SNAPSHOT_CHUNK_ENTRIES: usize = 1_000;
pub const SNAPSHOT_CHUNK_BYTES: usize = 128 << 10;
/// Largest panel update taken (an append of a full batch, a chunk with a huge payload included).
pub const MAX_PANEL_UPDATE_BYTES: usize = 8 << 20;

/// Background → panel (port "panel"). The panel decodes it by hand ([`decode_panel_update`]); the
/// derived decoder is kept for the tests that compare the two.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PanelUpdate {
    /// Everything the panel shows for the tab, from its newest entries: when `more` is set the
    /// panel asks for the entries before its oldest with [`PanelRequest::Older`], chunk by chunk.
    Snapshot {
        status: PageStatus,
        entries: Vec<Entry>,
        dropped: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        more: bool,
    },
    /// The answer to [`PanelRequest::Older`]: entries with an id below `before`, oldest first.
    Older {
        before: u64,
        entries: Vec<Entry>,
        #[serde(default, skip_serializing_if = "is_false")]
        more: bool,
    },
    Append {
        entries: Vec<Entry>,
        dropped: u64,
        /// The report of the tab's document with these entries, in the context of the panel's
        /// latest diagnose request: a finding then shows in the frame of its row (docs/protocol.md §4).
        #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
        diagnosed: Option<Diagnosed>,
        /// The page's status when these entries changed it: it comes with them, so no render shows
        /// a row (say, the API's "ready") beside a status that does not know it yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<PageStatus>,
    },
    Status {
        status: PageStatus,
    },
    Cookies {
        cookies: Vec<CookieRow>,
        error: Option<String>,
    },
    /// The answer to [`PanelRequest::Diagnose`] (the panel keeps the answer to its latest request):
    /// on the wire `{"type":"diagnosis","seq":…,"report":…}`.
    #[serde(skip_deserializing)]
    Diagnosis(Diagnosed),
}

/// The background's report for the panel's diagnose request `seq`: its answer
/// ([`PanelUpdate::Diagnosis`]), or pushed with an append, as the answer would be had the document
/// been diagnosed again with the entries (its clock: the newest entry's if later, but never past
/// the background's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosed {
    pub seq: u64,
    pub report: DiagnosisReport,
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

/// The panel trusts the background, but still refuses what it cannot read: an update over
/// [`MAX_PANEL_UPDATE_BYTES`], a snapshot chunk over [`SNAPSHOT_CHUNK_ENTRIES`], entries out of order.
///
/// Decoded by hand (`core::decode`), not by serde's derived decoders: see README "Wasm size".
pub fn decode_panel_update(text: &str) -> Result<PanelUpdate, DecodeError> {
    check_size(text, MAX_PANEL_UPDATE_BYTES)?;
    let mut message = decode::UpdateFields::from_text(text).map_err(DecodeError::Malformed)?;
    let v = message.version().map_err(DecodeError::Malformed)?;
    check_version(u32::try_from(v).unwrap_or(u32::MAX))?;
    let body = decode::panel_update(message).map_err(DecodeError::Malformed)?;
    let (entries, before) = match &body {
        PanelUpdate::Snapshot { entries, .. } => (entries, None),
        PanelUpdate::Older { entries, before, .. } => (entries, Some(*before)),
        PanelUpdate::Append { entries, .. } => {
            if !entries.windows(2).all(|w| w[0].id < w[1].id) {
                return Err(DecodeError::Invalid("entries out of order"));
            }
            return Ok(body);
        }
        _ => return Ok(body),
    };
    if entries.len() > SNAPSHOT_CHUNK_ENTRIES.max(SNAPSHOT_HEAD_ENTRIES) {
        return Err(DecodeError::Invalid("too many entries in a snapshot chunk"));
    }
    let ordered = entries.windows(2).all(|w| w[0].id < w[1].id);
    if !ordered || before.is_some_and(|before| entries.last().is_some_and(|e| e.id >= before)) {
        return Err(DecodeError::Invalid("entries out of order"));
    }
    Ok(body)
}

/// The panel's encoder (its only one): through a `serde_json::Value`, whose code the panel's wasm
/// has anyway, so that the panel carries no writer of its own for its few requests (673 bytes of
/// gzipped wasm). The background's messages are many: they take [`versioned`].
fn versioned_via_value<T: Serialize>(body: &T) -> String {
    let mut value = serde_json::to_value(body).expect("protocol types always serialize");
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("v".into(), PROTOCOL_VERSION.into());
    }
    value.to_string()
}

/// `body` (a map: every protocol type is a struct or a tagged enum) with `"v"` first. Written
/// straight into one buffer: going through a `serde_json::Value` tree cost the background about a
/// quarter of its time per batch in a flood (README "Page cost").
fn versioned<T: Serialize>(body: &T) -> String {
    let mut out = format!("{{\"v\":{PROTOCOL_VERSION}").into_bytes();
    let body_at = out.len();
    serde_json::to_writer(&mut out, body).expect("protocol types always serialize");
    debug_assert_eq!(out[body_at], b'{', "protocol messages are maps");
    if out[body_at..] == *b"{}" {
        out.truncate(body_at);
        out.push(b'}');
    } else {
        out[body_at] = b',';
    }
    String::from_utf8(out).expect("serde_json writes UTF-8")
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

    const NEW_RECORDS: &str = r#"{"k":"page_call","seq":1,"t":5,"method":"on","generation":1,"placeholder":true,"args":["conversationStarted","[function]"],"outcome":"returned","value":null,"error":"","handler":3,"caller":"https://shop.test/app.js:10:5","from_loader":true},
               {"k":"onready","seq":2,"t":6,"action":"assigned","array":true,"length":2,"generation":0,"replaced":1},
               {"k":"nav","seq":3,"t":7,"how":"push","url":"https://shop.test/cart"},
               {"k":"csp","seq":4,"t":8,"directive":"frame-src","blocked":"https://app.hubspot.com/x","source":""},
               {"k":"widget_data","seq":5,"t":9,"url":"https://api.hubspot.com/livechat-public/v1/message/public?portalId=1","status":204,"duration":40.5},
               {"k":"iframe","seq":6,"t":10,"inline":false,"src":"https://app.hubspot.com/conversations-visitor/1"},
               {"k":"chat_message","seq":7,"t":11,"type":"store-messages-cookie","utk":true},
               {"k":"env","seq":8,"t":12,"secure":false,"host":"localhost","disabled_popups":["LIVE_CHAT"],"to_json":["Array"],"running":true},
               {"k":"env","seq":9,"t":13,"secure":true,"host":"shop.test","disabled_popups":null,"to_json":[],"running":false},
               {"k":"loader","seq":10,"t":14,"src":"https://js.hs-scripts.com/1.js","portal":"1","blocked":true,"again":true}"#;

    #[test]
    fn decodes_the_diagnostics_records_as_docs_diagnostics_spells_them() {
        let batch = decode_page_batch(&batch_json(NEW_RECORDS)).unwrap();
        assert_eq!(batch.records.len(), 10);
        assert!(matches!(
            &batch.records[0],
            PageRecord::PageCall { method, handler: 3, from_loader: true, placeholder: true, generation: 1, .. } if method == "on"
        ));
        assert!(matches!(
            batch.records[1],
            PageRecord::OnReady { action: OnReadyAction::Assigned, array: true, length: 2, replaced: 1, .. }
        ));
        assert!(matches!(batch.records[2], PageRecord::Nav { how: NavHow::Push, .. }));
        assert!(matches!(&batch.records[3], PageRecord::Csp { directive, .. } if directive == "frame-src"));
        assert!(matches!(batch.records[4], PageRecord::WidgetData { status: 204, .. }));
        assert!(matches!(batch.records[5], PageRecord::Iframe { inline: false, .. }));
        assert!(
            matches!(&batch.records[6], PageRecord::ChatMessage { message_type, utk: true, .. } if message_type == "store-messages-cookie")
        );
        assert!(
            matches!(&batch.records[7], PageRecord::Env { disabled_popups: Some(p), running: true, .. } if p == &["LIVE_CHAT"])
        );
        assert!(matches!(batch.records[8], PageRecord::Env { disabled_popups: None, secure: true, .. }));
        assert!(matches!(batch.records[9], PageRecord::Loader { blocked: true, again: true, .. }));
        // Round trip: the JSON keys are the contract's.
        for record in &batch.records {
            let text = serde_json::to_string(record).unwrap();
            assert_eq!(&serde_json::from_str::<PageRecord>(&text).unwrap(), record, "{text}");
        }
        let loader = serde_json::to_string(&batch.records[9]).unwrap();
        assert!(loader.contains(r#""blocked":true"#) && loader.contains(r#""again":true"#), "{loader}");
        let plain = decode_page_batch(&batch_json(r#"{"k":"loader","seq":1,"t":1,"src":"x","portal":null}"#)).unwrap();
        assert!(matches!(plain.records[0], PageRecord::Loader { blocked: false, again: false, .. }));
    }

    #[test]
    fn refuses_diagnostics_records_out_of_bounds() {
        let long_url = "u".repeat(MAX_URL_CHARS + 1);
        let long_name = "n".repeat(MAX_NAME_CHARS + 1);
        let call = |fields: &str| {
            format!(r#"{{"k":"page_call","seq":1,"t":1,"generation":1,"placeholder":false,"handler":0,{fields}}}"#)
        };
        let bad = [
            call(r#""method":"eval","args":[],"outcome":"returned""#),
            call(r#""method":"widget.open","args":{},"outcome":"returned""#),
            call(r#""method":"widget.open","args":[],"outcome":"not_ready""#),
            call(&format!(r#""method":"widget.open","args":[],"outcome":"threw","error":"{long_url}""#)),
            call(&format!(r#""method":"widget.open","args":[],"outcome":"returned","caller":"{long_url}""#)),
            r#"{"k":"onready","seq":1,"t":1,"action":"read","array":true,"length":1,"replaced":2}"#.to_string(),
            r#"{"k":"onready","seq":1,"t":1,"action":"shrunk","array":true,"length":1}"#.to_string(),
            format!(r#"{{"k":"nav","seq":1,"t":1,"how":"push","url":"{long_url}"}}"#),
            r#"{"k":"nav","seq":1,"t":1,"how":"reload","url":"x"}"#.to_string(),
            format!(r#"{{"k":"csp","seq":1,"t":1,"directive":"{long_name}","blocked":"","source":""}}"#),
            format!(r#"{{"k":"csp","seq":1,"t":1,"directive":"frame-src","blocked":"{long_url}","source":""}}"#),
            r#"{"k":"widget_data","seq":1,"t":1,"url":"x","status":1000,"duration":1}"#.to_string(),
            r#"{"k":"widget_data","seq":1,"t":1,"url":"x","status":200,"duration":-1}"#.to_string(),
            format!(r#"{{"k":"iframe","seq":1,"t":1,"inline":true,"src":"{long_url}"}}"#),
            r#"{"k":"chat_message","seq":1,"t":1,"type":"","utk":true}"#.to_string(),
            format!(r#"{{"k":"chat_message","seq":1,"t":1,"type":"{long_name}","utk":true}}"#),
            format!(r#"{{"k":"env","seq":1,"t":1,"secure":true,"host":"{long_url}"}}"#),
            format!(
                r#"{{"k":"env","seq":1,"t":1,"secure":true,"host":"h","to_json":{}}}"#,
                serde_json::to_string(&vec!["x"; MAX_ENV_LIST + 1]).unwrap()
            ),
            format!(r#"{{"k":"env","seq":1,"t":1,"secure":true,"host":"h","disabled_popups":["{long_name}"]}}"#),
        ];
        for record in bad {
            assert!(decode_page_batch(&batch_json(&record)).is_err(), "accepted {record}");
        }
    }

    #[test]
    fn a_page_calls_large_arguments_are_replaced_by_a_marker() {
        let big = "y".repeat(MAX_PAYLOAD_BYTES + 10);
        let text = batch_json(&format!(
            r#"{{"k":"page_call","seq":1,"t":1,"method":"widget.load","generation":1,"placeholder":false,"args":["{big}"],"outcome":"returned"}}"#
        ));
        let batch = decode_page_batch(&text).unwrap();
        let PageRecord::PageCall { args, .. } = &batch.records[0] else { panic!() };
        assert!(args.to_string().contains("[truncated]"));
        // The hook's own marker is accepted in place of the array.
        let marked = batch_json(
            r#"{"k":"page_call","seq":1,"t":1,"method":"widget.load","generation":1,"placeholder":false,"args":{"[truncated]":"message of 300000 characters"},"outcome":"returned"}"#,
        );
        assert!(decode_page_batch(&marked).is_ok());
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
        let update = PanelUpdate::Append { entries: vec![], dropped: 2, diagnosed: None, status: None };
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

    #[test]
    fn listen_is_asked_for_a_known_event_only() {
        let request = decode_panel_request(r#"{"v":1,"type":"listen","event":"widgetHidden"}"#).unwrap();
        assert_eq!(request, PanelRequest::Listen { event: ListenEvent::WidgetHidden });
        assert_eq!(decode_panel_request(&encode_panel_request(&request)).unwrap(), request);
        for bad in [
            r#"{"v":1,"type":"listen","event":"conversationStarted"}"#,
            r#"{"v":1,"type":"listen","event":"widgethidden"}"#,
            r#"{"v":1,"type":"listen"}"#,
            r#"{"v":2,"type":"listen","event":"widgetHidden"}"#,
        ] {
            assert!(decode_panel_request(bad).is_err(), "{bad}");
        }
        let command = HookCommand::Listen { id: 4, event: ListenEvent::WidgetHidden };
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&encode_hook_command(&command)).unwrap(),
            serde_json::json!({"v": 1, "type": "listen", "id": 4, "event": "widgetHidden"})
        );
        assert_eq!(ListenEvent::ALL.map(ListenEvent::as_str), ["widgetHidden"]);
    }

    #[test]
    fn snapshot_chunks_are_checked_on_arrival() {
        let entry = |id| Entry::sample(id, EntryKind::Event, "a", "", "{}");
        let older = |before, ids: &[u64]| PanelUpdate::Older {
            before,
            entries: ids.iter().map(|&i| entry(i)).collect(),
            more: true,
        };
        let ok = older(10, &[7, 8, 9]);
        assert_eq!(decode_panel_update(&encode_panel_update(&ok)).unwrap(), ok);
        for bad in [older(9, &[7, 8, 9]), older(10, &[8, 7])] {
            assert!(decode_panel_update(&encode_panel_update(&bad)).is_err(), "{bad:?}");
        }
        let too_many: Vec<u64> = (1..=SNAPSHOT_CHUNK_ENTRIES as u64 + 1).collect();
        assert!(decode_panel_update(&encode_panel_update(&older(u64::MAX, &too_many))).is_err());
        let huge = format!(r#"{{"v":1,"type":"status","pad":"{}"}}"#, "x".repeat(MAX_PANEL_UPDATE_BYTES));
        assert!(matches!(decode_panel_update(&huge), Err(DecodeError::TooLarge { .. })));
        // `more` is written only when set: a whole snapshot reads as before.
        let whole = r#"{"v":1,"type":"snapshot","status":{"api":"absent","widget_loaded":false,"url":"","doc":""},"entries":[],"dropped":0}"#;
        assert!(matches!(decode_panel_update(whole), Ok(PanelUpdate::Snapshot { more: false, .. })));
        let request = PanelRequest::Older { before: 42 };
        assert_eq!(decode_panel_request(&encode_panel_request(&request)).unwrap(), request);
    }
}
