//! Rules that explain why a chat does not show, run over the current document's log entries
//! (docs/diagnostics.md). Plain Rust: every rule is unit-tested natively, with its healthy
//! counterpart.
//!
//! `diagnose` makes ONE pass over the entries of the current document, parsing the payload JSON
//! only of the rows some rule reads (an `event` row only when it is `hubspot:messages:initialized`),
//! into [`Doc`]; each rule is then a small function over that digest (linear or n log n).
//!
//! Decisions where docs/diagnostics.md is silent:
//! - Order is the order of the rows (the hook's `seq`), not `t`: "before"/"after" compare positions.
//! - `spa-no-refresh`: a route change is a change of path or query; a hash-only change (including
//!   `#hs-chat-open`) is not. A change is answered by a widget-data row OR a call that makes the
//!   loader fetch again (page or panel: a `refresh()` not dropped in flight, a reset, the first
//!   `load()`; not `load()` on a loaded widget nor a call on a stale placeholder) before the next
//!   route change or within 3 s ([`REFRESH_GRACE_MS`], also the grace period); only changes made
//!   once the real object existed count.
//! - `load-never-called`: 5 s after the placeholder ([`LOAD_GRACE_MS`]); any `widget.load` call
//!   (page or panel) or a real object ends it. `Diagnosis::recheck_at` says when to run again.
//! - `no-chat-on-page`: the first of `disabledHsPopups`/`toJSON` (last `env` row), the LAST
//!   widget-data status (204/404; 0 = unknown), the last `messageWillRender`. When a chat iframe
//!   is still loaded (a `refresh()` answered 204: the old widget stays) it is a [`Note`] instead.
//! - `onready-twice`: `on()` calls are matched by event NAME (each run of the callback makes a new
//!   closure, so handler numbers differ), both `from_loader`, placeholder then a later object with
//!   no reset in between.
//! - `throttle-collapsed`: calls collapsed into the same trailing call (page and panel calls share
//!   one throttle per method, the placeholder's `load()` is not modelled) are flagged only when a
//!   merged call's arguments differ from the last one's. The throttle is replayed with each trailing
//!   call run when its widget-data request started (a late timer merges more calls), or when due if
//!   none was seen within 10 s; a `refresh()` on the real object before the first widget-data
//!   request was answered (its start plus its duration) is "dropped while in flight".
//! - `call-before-iframe`: only `widget.open/close`, `clear`, `debug` (they post to the iframe);
//!   `status`, `on`, `off`, `load`, `refresh`, `remove` and a reset (`clear({resetWidget:true})`)
//!   act in the page.
//! - `listeners-lost-after-reset`: a reset is `clear({resetWidget:true})` or
//!   `resetAndReloadWidget()` from the page or the panel; an `on()` outside onReady before the last
//!   reset is lost unless `on()` for the same name follows the reset.
//! - `settings-invalid` / `settings-unknown-key` read the last settings row that is not an
//!   assignment after the loader (an assignment before it, or a read while no object exists: those
//!   give a row only when invalid); `settings-invalid` is quiet once any object exists (the loader
//!   accepted what it read). A key is a typo when its edit distance to a known key (ignoring case)
//!   is at most max(3, len/4); other unknown keys are not flagged.
//! - `cookies-cannot-persist`: only with a cookie listing (`Context::cookies`), 2 s after
//!   `store-messages-cookie` ([`COOKIE_GRACE_MS`]), and only for a request made after the last
//!   `clear()`/reset (clear deletes the cookie); localhost, IP hosts and plain http are notes.
//! - `stale-placeholder`: not `on()`/`off()` (the placeholder shares the loaded object's emitter).
//! - `csp-blocked`: an error only for what the chat needs: the loader (portal script, bundle; or
//!   inline/eval code whose source is the bundle), the chat iframe (`app[-hublet].hubspot.com`,
//!   `/conversations-visitor/`), the widget-data request; HubSpot's other resources (analytics,
//!   forms, banners) are a warning per directive. A `.js.map` blocked with an empty source file is
//!   DevTools' own fetch; a report-only policy's violation (`report`) is a note.

use super::case::lowercase;
use super::decimal::fixed;
use super::decode::{self, flag, named, number, optional, required, string, text, unsigned, Picked, Source, Why};
use super::protocol::{CallOutcome, Entry, EntryKind, NavHow, OnReadyAction, SettingsField};
use super::settings::{known_keys, unknown_keys, validate};
use super::summary::{
    INLINE_TARGET_ROW, MESSAGES_INITIALIZED, SDK_EVENT_NAMES, SETTINGS_ASSIGNED_AFTER, SETTINGS_READ_PREFIX,
};
use super::throttle::{Throttle, ThrottleVerdict};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The chat will not show, or something the page asked for is lost.
    Error,
    /// Works, but not as the page's code expects.
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found. `rule` is the UI contract (`data-rule`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// A short headline, e.g. "Chat will not show: widget-data answered 204 for this URL".
    pub title: String,
    /// One sentence in plain words.
    pub explanation: String,
    /// Ids of the log entries the finding rests on.
    pub evidence: Vec<u64>,
    /// A code snippet that fixes it, where one helps.
    pub fix: Option<String>,
}

/// Something worth knowing that is not a problem (never rendered with `data-rule`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub text: String,
    pub evidence: Vec<u64>,
}

/// The cookies the rules read (`cookies-cannot-persist`); a panel sends only these.
pub const COOKIES_READ: [&str; 2] = ["__hs_opt_out", "messagesUtk"];

/// A cookie as the browser reports it (name and value are all the rules need).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CookieSummary {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Wall clock now, milliseconds since the Unix epoch (for the rules with a grace period).
    pub now_wall: f64,
    /// The tab's HubSpot cookies, when the panel has listed them.
    pub cookies: Option<Vec<CookieSummary>>,
    /// A listing during the current document showed `messagesUtk` (it may be gone since: `clear()`,
    /// in this tab or another of the site, deletes it; that is not a failure to persist).
    pub messages_utk_seen: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    /// Wall clock (ms since the epoch) at which a grace period still running ends: run
    /// `diagnose` again then, even if no entry arrives (`load-never-called`, `spa-no-refresh`,
    /// `cookies-cannot-persist`).
    pub recheck_at: Option<f64>,
}

/// One rule as the README's troubleshooting table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The `data-rule` id.
    pub id: &'static str,
    /// What a user sees.
    pub symptom: &'static str,
    /// The fix, short.
    pub fix: &'static str,
}

/// Every rule, in the order of docs/diagnostics.md §2 (the README's troubleshooting table is
/// checked against it).
pub const RULES: [RuleInfo; 20] = [
    RuleInfo {
        id: "onready-not-run",
        symptom: "Code in `hsConversationsOnReady` never runs",
        fix: "Assign the array (`window.hsConversationsOnReady = [fn]`) before the embed code; do not push into it later",
    },
    RuleInfo {
        id: "onready-twice",
        symptom: "Every event calls a handler twice (`loadImmediately: false`)",
        fix: "Register `on()` handlers once (a guard flag), not on the placeholder and again after `widget.load()`",
    },
    RuleInfo {
        id: "settings-invalid",
        symptom: "No chat, no `HubSpotConversations`, only \"Script error.\" in the console",
        fix: "Give the setting named in the Invariant Violation the right type (booleans are `true`/`false`, not strings)",
    },
    RuleInfo {
        id: "load-never-called",
        symptom: "No chat; the API stays a placeholder",
        fix: "With `loadImmediately: false`, call `window.HubSpotConversations.widget.load()`",
    },
    RuleInfo {
        id: "inline-target-missing",
        symptom: "Inline chat never appears; `refresh()` and `load()` do nothing",
        fix: "Create the `inlineEmbedSelector` element before the loader renders; once it exists: `widget.remove()` then `widget.load()`",
    },
    RuleInfo {
        id: "unknown-event-name",
        symptom: "An `on()` handler never fires, or `off()` does not remove it",
        fix: "Use an SDK event name (e.g. `conversationStarted`) and pass `off()` the same function given to `on()`",
    },
    RuleInfo {
        id: "throttle-collapsed",
        symptom: "A `widget.load()`/`refresh()` option (e.g. `openToNewThread`) is ignored",
        fix: "Call `load`/`refresh` at most once a second, and not while the first load is in flight",
    },
    RuleInfo {
        id: "spa-no-refresh",
        symptom: "After a route change the chat of the previous page stays",
        fix: "Call `window.HubSpotConversations.widget.refresh()` after every route change",
    },
    RuleInfo {
        id: "no-chat-on-page",
        symptom: "Loader and API present, but no chat on this page",
        fix: "Check the chatflow's target URLs in HubSpot; remove `LIVE_CHAT` from `disabledHsPopups`; remove `toJSON` from built-in prototypes",
    },
    RuleInfo {
        id: "duplicate-loader",
        symptom: "Another portal's chat shows, or \"duplicate instance of live chat exists on page\"",
        fix: "Keep one embed code (one portal) on the page",
    },
    RuleInfo {
        id: "identification",
        symptom: "The visitor is not identified in the chat",
        fix: "Set `identificationEmail` and `identificationToken` together before the loader; set later: `clear({resetWidget: true})`",
    },
    RuleInfo {
        id: "call-before-iframe",
        symptom: "`widget.open()` (or another call) right after start-up does nothing",
        fix: "Make the call from `hsConversationsOnReady` (queued until the chat is ready)",
    },
    RuleInfo {
        id: "cookies-cannot-persist",
        symptom: "Every page view starts a new conversation",
        fix: "Let the consent tool allow the `messagesUtk` cookie write (`__hs_opt_out=yes` means the visitor opted out)",
    },
    RuleInfo {
        id: "csp-blocked",
        symptom: "No chat or an empty widget; CSP violations in the console",
        fix: "Allow HubSpot's hosts in `script-src`, `frame-src` and `connect-src`",
    },
    RuleInfo {
        id: "onready-overwritten",
        symptom: "One script's onReady callbacks never run (two scripts assign the array)",
        fix: "Add to the array instead of replacing it: `window.hsConversationsOnReady ??= []; window.hsConversationsOnReady.push(fn)`, before the embed code",
    },
    RuleInfo {
        id: "loader-blocked",
        symptom: "Embed code present, but no request and no chat",
        fix: "Let the consent tool release the embed script (its `type` must be JavaScript)",
    },
    RuleInfo {
        id: "loader-reinserted",
        symptom: "Re-rendering the page does not reload the chat",
        fix: "Keep the embed code out of re-rendered markup; use `widget.refresh()` or `remove()` then `load()`",
    },
    RuleInfo {
        id: "stale-placeholder",
        symptom: "Calls print \"widget.load() has not been called\" after the chat loaded",
        fix: "Read `window.HubSpotConversations` at call time instead of keeping a reference",
    },
    RuleInfo {
        id: "listeners-lost-after-reset",
        symptom: "Event handlers stop firing after `clear({resetWidget: true})`",
        fix: "Register `on()` handlers inside `hsConversationsOnReady` (it runs again after a reset)",
    },
    RuleInfo {
        id: "settings-unknown-key",
        symptom: "A setting has no effect",
        fix: "Spell the key as the loader reads it (e.g. `loadImmediately`)",
    },
];

/// `load-never-called`: how long after the placeholder appeared `widget.load()` is still missing.
pub const LOAD_GRACE_MS: f64 = 5000.0;
/// `spa-no-refresh`: how long after a URL change a widget-data request may take to follow.
pub const REFRESH_GRACE_MS: f64 = 3000.0;
/// `cookies-cannot-persist`: how long after `store-messages-cookie` the cookie listing is trusted.
pub const COOKIE_GRACE_MS: f64 = 2000.0;

/// Methods whose message to the chat iframe is lost while the iframe still holds its blank page.
const LOST_BEFORE_LOAD: [&str; 4] = ["widget.open", "widget.close", "clear", "debug"];

/// Runs every rule over the entries of the current document (those after the last navigation row).
pub fn diagnose<E: Borrow<Entry>>(entries: &[E], context: &Context) -> Diagnosis {
    let entries: Vec<&Entry> = entries.iter().map(Borrow::borrow).collect();
    let doc = Doc::read(&entries);
    // Errors first; within a severity, the order of RULE_FUNCTIONS (the most basic cause first): one
    // list per severity, joined (a stable sort without a sort's code in the wasm).
    let mut by_severity: [Vec<Finding>; 3] = Default::default();
    for rule in RULE_FUNCTIONS {
        for finding in rule(&doc, context) {
            by_severity[finding.severity as usize].push(finding);
        }
    }
    let findings = by_severity.into_iter().flatten().collect();
    Diagnosis { findings, notes: notes(&doc), recheck_at: recheck_at(&doc, context) }
}

/// The earliest end of a grace period that has not ended yet.
fn recheck_at(doc: &Doc, context: &Context) -> Option<f64> {
    let placeholder =
        doc.apis.iter().find(|(_, api)| api.state == "placeholder").map(|(at, _)| at.wall + LOAD_GRACE_MS);
    let navs = doc.navs.iter().map(|(at, _)| at.wall + REFRESH_GRACE_MS);
    let cookies = doc.chat_messages.iter().map(|(at, _)| at.wall + COOKIE_GRACE_MS);
    placeholder.into_iter().chain(navs).chain(cookies).filter(|&t| t > context.now_wall).min_by(f64::total_cmp)
}

/// Longest evidence label (the entry's name and summary).
pub const MAX_EVIDENCE_LABEL_CHARS: usize = 80;

/// The diagnosis as the panel shows it: findings sorted by severity, the labels of the evidence
/// entries, and how many entries of the current document were checked. The background makes it
/// ([`report`]) when a panel asks (docs/protocol.md §4): the rules are not in the panel's wasm.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DiagnosisReport {
    pub diagnosis: Diagnosis,
    /// Entries of the current document (navigation rows excluded) the rules ran over.
    pub checked: usize,
    /// Evidence entry id and its label ("name: summary"), each id once, in id order.
    pub labels: Vec<(u64, String)>,
}

impl DiagnosisReport {
    pub fn errors(&self) -> usize {
        self.diagnosis.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    /// The worst severity found, if any finding.
    pub fn worst(&self) -> Option<Severity> {
        self.diagnosis.findings.iter().map(|f| f.severity).min()
    }

    pub fn label(&self, id: u64) -> String {
        match self.labels.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => self.labels[at].1.clone(),
            Err(_) => format!("entry #{id} (no longer in the log)"),
        }
    }
}

/// The report over one document's entries (its navigation row first, if any).
pub fn report<E: Borrow<Entry>>(document: &[E], context: &Context) -> DiagnosisReport {
    let diagnosis = diagnose(document, context);
    let mut ids = BTreeSet::new();
    ids.extend(
        diagnosis.findings.iter().flat_map(|f| &f.evidence).chain(diagnosis.notes.iter().flat_map(|n| &n.evidence)),
    );
    let mut labels = Vec::with_capacity(ids.len());
    for id in ids {
        if let Ok(at) = document.binary_search_by_key(&id, |e| Borrow::<Entry>::borrow(e).id) {
            labels.push((id, evidence_label(document[at].borrow())));
        }
    }
    let checked = document.iter().filter(|e| Borrow::<Entry>::borrow(*e).kind != EntryKind::Navigation).count();
    DiagnosisReport { diagnosis, checked, labels }
}

/// "name: summary", shortened, for an evidence link.
pub fn evidence_label(entry: &Entry) -> String {
    let text = if entry.summary.is_empty() || entry.summary == entry.name {
        entry.name.clone()
    } else {
        format!("{}: {}", entry.name, entry.summary)
    };
    if text.chars().count() > MAX_EVIDENCE_LABEL_CHARS {
        let short: String = text.chars().take(MAX_EVIDENCE_LABEL_CHARS - 1).collect();
        format!("{short}…")
    } else {
        text
    }
}

/// The status bar's line: the chat-will-not-show error that explains it, else how many problems.
pub fn headline(diagnosis: &Diagnosis) -> String {
    let blocking =
        diagnosis.findings.iter().find(|f| f.severity == Severity::Error && f.title.starts_with(WILL_NOT_SHOW));
    match (blocking, diagnosis.findings.len()) {
        (Some(finding), _) => finding.title.clone(),
        (None, 0) => "No problem found".into(),
        (None, 1) => "1 problem → Diagnostics".into(),
        (None, n) => format!("{n} problems → Diagnostics"),
    }
}

const WILL_NOT_SHOW: &str = "Chat will not show: ";

type Rule = fn(&Doc, &Context) -> Vec<Finding>;

/// Evaluation order: the causes that stop everything first (the headline names the first).
const RULE_FUNCTIONS: [Rule; 20] = [
    loader_blocked,
    settings_invalid,
    csp_blocked,
    load_never_called,
    no_chat_on_page,
    inline_target_missing,
    duplicate_loader,
    loader_reinserted,
    onready_not_run,
    onready_overwritten,
    onready_twice,
    call_before_iframe,
    listeners_lost_after_reset,
    stale_placeholder,
    throttle_collapsed,
    spa_no_refresh,
    unknown_event_name,
    identification,
    cookies_cannot_persist,
    settings_unknown_key,
];

// ---- the digest of the current document ------------------------------------------------------

/// Position and times of a row: `i` its index in the current document (rows arrive in the
/// document's order), `id` the entry id (evidence).
#[derive(Debug, Clone, Copy)]
struct At {
    i: usize,
    id: u64,
    t: f64,
    wall: f64,
}

/// The fields of a `page_call` row the rules read (each row type below: read by [`FromPayload`]; the
/// derived decoder, tests only, checks that reading).
#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct PageCallRow {
    method: String,
    generation: u32,
    placeholder: bool,
    #[cfg_attr(test, serde(default))]
    args: Value,
    outcome: CallOutcome,
    #[cfg_attr(test, serde(default))]
    handler: u32,
    #[cfg_attr(test, serde(default))]
    from_loader: bool,
}

/// A call from the page or the panel, as far as the rules need it.
struct Call {
    at: At,
    method: String,
    page: bool,
    generation: u32,
    placeholder: bool,
    args: Value,
    returned: bool,
    handler: u32,
    from_loader: bool,
    /// When the trailing call the throttle collapsed this one into was due (ms since navigation;
    /// [`Doc::replay_throttles`]).
    collapsed_into: Option<f64>,
}

impl Call {
    /// The event name of an `on`/`off` call.
    fn event_name(&self) -> Option<&str> {
        self.args.get(0)?.as_str()
    }

    fn is_reset(&self) -> bool {
        // The placeholder only has load() and status(): anything else only warns.
        self.returned
            && !self.placeholder
            && (self.method == "resetAndReloadWidget"
                || (self.method == "clear"
                    && self.args.get(0).and_then(|o| o.get("resetWidget")) == Some(&Value::Bool(true))))
    }

    fn describe(&self) -> String {
        let args = self.args.as_array().map(|a| a.iter().map(Value::to_string).collect::<Vec<_>>().join(", "));
        format!("{}({})", self.method, args.unwrap_or_default())
    }
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct PanelCallRow {
    #[cfg_attr(test, serde(default))]
    args: Value,
    outcome: CallOutcome,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct ApiRow {
    state: String,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct OnReadyRow {
    action: OnReadyAction,
    array: bool,
    #[cfg_attr(test, serde(default))]
    length: u64,
    #[cfg_attr(test, serde(default))]
    replaced: u64,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct LoaderRow {
    src: String,
    portal: Option<String>,
    #[cfg_attr(test, serde(default))]
    blocked: bool,
    #[cfg_attr(test, serde(default))]
    again: bool,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct NavRow {
    how: NavHow,
    url: String,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct CspRow {
    directive: String,
    #[cfg_attr(test, serde(default))]
    blocked: String,
    #[cfg_attr(test, serde(default))]
    source: String,
    /// Reported by a `Content-Security-Policy-Report-Only` policy: nothing was blocked.
    #[cfg_attr(test, serde(default))]
    report: bool,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct WidgetDataRow {
    #[cfg_attr(test, serde(default))]
    status: u16,
    /// From its start (the row's `t`) to its response's end.
    #[cfg_attr(test, serde(default))]
    duration: f64,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct FrameRow {
    #[cfg_attr(test, serde(default))]
    loaded: bool,
    #[cfg_attr(test, serde(default))]
    inline: bool,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct InlineRow {
    selector: String,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct ChatMessageRow {
    #[cfg_attr(test, serde(rename = "type"))]
    message_type: String,
    #[cfg_attr(test, serde(default))]
    utk: bool,
}

#[derive(Default)]
#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct EnvRow {
    #[cfg_attr(test, serde(default))]
    secure: bool,
    #[cfg_attr(test, serde(default))]
    host: String,
    #[cfg_attr(test, serde(default))]
    disabled_popups: Option<Vec<String>>,
    #[cfg_attr(test, serde(default))]
    to_json: Vec<String>,
}

#[cfg_attr(test, derive(serde::Deserialize, Debug, PartialEq))]
struct InitializedRow {
    #[cfg_attr(test, serde(default, rename = "messageWillRender"))]
    will_render: Option<bool>,
    #[cfg_attr(test, serde(default))]
    reason: Option<String>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum SettingsKind {
    AssignedBefore,
    AssignedAfter,
    /// Read while no object exists (a row only when the loader throws on it).
    ReadBefore,
}

#[derive(Default)]
struct Doc {
    /// The document's URL (the navigation row), when known.
    url: Option<String>,
    calls: Vec<Call>,
    apis: Vec<(At, ApiRow)>,
    onready: Vec<(At, OnReadyRow)>,
    settings: Vec<(At, SettingsKind, BTreeMap<String, SettingsField>)>,
    loaders: Vec<(At, LoaderRow)>,
    navs: Vec<(At, NavRow)>,
    csps: Vec<(At, CspRow)>,
    widget_data: Vec<(At, WidgetDataRow)>,
    /// Chat iframes inserted (`iframe` rows).
    inserted: Vec<(At, FrameRow)>,
    /// Chat iframes loaded or removed (`widget` rows).
    frames: Vec<(At, FrameRow)>,
    inline_missing: Vec<(At, InlineRow)>,
    chat_messages: Vec<(At, ChatMessageRow)>,
    env: Option<(At, EnvRow)>,
    initialized: Vec<(At, InitializedRow)>,
}

/// A row's payload as the rules read it: by hand, field by field, with serde's rules for a derived
/// struct (`core::decode`; README "Wasm size"). Only the fields named in `KEYS` are kept from the
/// text (the rest are skipped unread), so a row costs no more than with a derived decoder. A payload
/// that does not fit is skipped.
trait FromPayload: Sized {
    const KEYS: &'static [&'static str];

    fn read(fields: &mut Picked) -> Result<Self, Why>;
}

fn parse<T: FromPayload>(entry: &Entry) -> Option<T> {
    T::read(&mut Picked::from_text(&entry.payload, T::KEYS)?).ok()
}

/// A settings row: the fields by name (all of them, so read as a whole object).
fn parse_settings(entry: &Entry) -> Option<BTreeMap<String, SettingsField>> {
    match serde_json::from_str(&entry.payload) {
        Ok(Value::Object(fields)) => decode::settings_fields(fields).ok(),
        _ => None,
    }
}

/// An IPv4 or IPv6 address as browsers write a URL's host (without the brackets). By hand: std's
/// address parser costs the panel's wasm ≈ 3 KB (README "Wasm size"); the tests compare the two.
fn is_ip_address(host: &str) -> bool {
    let octet = |part: &str| {
        !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|n| n <= 255)
    };
    let ipv4 = |text: &str| text.split('.').count() == 4 && text.split('.').all(octet);
    if ipv4(host) {
        return true;
    }
    // IPv6: groups of 1 to 4 hex digits, 8 of them, or fewer with one `::`; the last two may be an
    // IPv4 address.
    let (head, tail) = match host.split_once("::") {
        Some((head, tail)) if !tail.contains("::") => (head, Some(tail)),
        Some(_) => return false,
        None => (host, None),
    };
    let groups = |text: &str| -> Option<usize> {
        if text.is_empty() {
            return Some(0);
        }
        let parts: Vec<&str> = text.split(':').collect();
        let mut count = 0;
        for (i, part) in parts.iter().enumerate() {
            if i == parts.len() - 1 && part.contains('.') {
                count += if ipv4(part) { 2 } else { return None };
            } else if (1..=4).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()) {
                count += 1;
            } else {
                return None;
            }
        }
        Some(count)
    };
    match tail {
        // `::` stands for at least one group of zeros; an IPv4 part may only end the address.
        Some(tail) => {
            !head.contains('.') && groups(head).zip(groups(tail)).is_some_and(|(h, t)| h + t <= 7) && host.contains(':')
        }
        None => host.contains(':') && groups(host) == Some(8),
    }
}

/// The URL a navigation row records.
fn navigation_url(entry: &Entry) -> Option<String> {
    parse::<NavigationRow>(entry).map(|row| row.url)
}

struct NavigationRow {
    url: String,
}

impl FromPayload for NavigationRow {
    const KEYS: &'static [&'static str] = &["url"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(NavigationRow { url: string(required(m, "url")?, "url")? })
    }
}

fn small<T: TryFrom<u64>>(value: Value, key: &str) -> Result<T, Why> {
    T::try_from(unsigned(value, key)?).map_err(|_| format!("`{key}` is out of range"))
}

impl FromPayload for PageCallRow {
    const KEYS: &'static [&'static str] =
        &["method", "generation", "placeholder", "args", "outcome", "handler", "from_loader"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(PageCallRow {
            method: string(required(m, "method")?, "method")?,
            generation: small(required(m, "generation")?, "generation")?,
            placeholder: decode::boolean(required(m, "placeholder")?, "placeholder")?,
            args: m.take("args").unwrap_or_default(),
            outcome: named(required(m, "outcome")?, "outcome", &decode::CALL_OUTCOMES)?,
            handler: m.take("handler").map_or(Ok(0), |v| small(v, "handler"))?,
            from_loader: flag(m, "from_loader")?,
        })
    }
}

impl FromPayload for PanelCallRow {
    const KEYS: &'static [&'static str] = &["args", "outcome"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(PanelCallRow {
            args: m.take("args").unwrap_or_default(),
            outcome: named(required(m, "outcome")?, "outcome", &decode::CALL_OUTCOMES)?,
        })
    }
}

impl FromPayload for ApiRow {
    const KEYS: &'static [&'static str] = &["state"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(ApiRow { state: string(required(m, "state")?, "state")? })
    }
}

impl FromPayload for OnReadyRow {
    const KEYS: &'static [&'static str] = &["action", "array", "length", "replaced"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(OnReadyRow {
            action: named(required(m, "action")?, "action", &decode::ONREADY_ACTIONS)?,
            array: decode::boolean(required(m, "array")?, "array")?,
            length: m.take("length").map_or(Ok(0), |v| unsigned(v, "length"))?,
            replaced: m.take("replaced").map_or(Ok(0), |v| unsigned(v, "replaced"))?,
        })
    }
}

impl FromPayload for LoaderRow {
    const KEYS: &'static [&'static str] = &["src", "portal", "blocked", "again"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(LoaderRow {
            src: string(required(m, "src")?, "src")?,
            portal: optional(m, "portal").map(|v| string(v, "portal")).transpose()?,
            blocked: flag(m, "blocked")?,
            again: flag(m, "again")?,
        })
    }
}

impl FromPayload for NavRow {
    const KEYS: &'static [&'static str] = &["how", "url"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(NavRow {
            how: named(required(m, "how")?, "how", &decode::NAV_HOWS)?,
            url: string(required(m, "url")?, "url")?,
        })
    }
}

impl FromPayload for CspRow {
    const KEYS: &'static [&'static str] = &["directive", "blocked", "source", "report"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(CspRow {
            directive: string(required(m, "directive")?, "directive")?,
            blocked: text(m, "blocked")?,
            source: text(m, "source")?,
            report: flag(m, "report")?,
        })
    }
}

impl FromPayload for WidgetDataRow {
    const KEYS: &'static [&'static str] = &["status", "duration"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(WidgetDataRow {
            status: m.take("status").map_or(Ok(0), |v| small(v, "status"))?,
            duration: m.take("duration").map_or(Ok(0.0), |v| number(v, "duration"))?,
        })
    }
}

impl FromPayload for FrameRow {
    const KEYS: &'static [&'static str] = &["loaded", "inline"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(FrameRow { loaded: flag(m, "loaded")?, inline: flag(m, "inline")? })
    }
}

impl FromPayload for InlineRow {
    const KEYS: &'static [&'static str] = &["selector"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(InlineRow { selector: string(required(m, "selector")?, "selector")? })
    }
}

impl FromPayload for ChatMessageRow {
    const KEYS: &'static [&'static str] = &["type", "utk"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(ChatMessageRow { message_type: string(required(m, "type")?, "type")?, utk: flag(m, "utk")? })
    }
}

impl FromPayload for EnvRow {
    const KEYS: &'static [&'static str] = &["secure", "host", "disabled_popups", "to_json"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(EnvRow {
            secure: flag(m, "secure")?,
            host: text(m, "host")?,
            disabled_popups: optional(m, "disabled_popups")
                .map(|v| decode::strings(v, "disabled_popups"))
                .transpose()?,
            to_json: m.take("to_json").map_or(Ok(Vec::new()), |v| decode::strings(v, "to_json"))?,
        })
    }
}

impl FromPayload for InitializedRow {
    const KEYS: &'static [&'static str] = &["messageWillRender", "reason"];

    fn read(m: &mut Picked) -> Result<Self, Why> {
        Ok(InitializedRow {
            will_render: optional(m, "messageWillRender")
                .map(|v| decode::boolean(v, "messageWillRender"))
                .transpose()?,
            reason: optional(m, "reason").map(|v| string(v, "reason")).transpose()?,
        })
    }
}

impl Doc {
    fn read(entries: &[&Entry]) -> Doc {
        let start = entries.iter().rposition(|e| e.kind == EntryKind::Navigation);
        let mut doc = Doc { url: start.and_then(|i| navigation_url(entries[i])), ..Doc::default() };
        let current = &entries[start.map_or(0, |i| i + 1)..];
        // In the order things happened: a call's row is added when it returns, with the time it was made
        // (a `load()` that builds the next object is logged after that object), and all `t` of a document
        // come from one clock. That clock is coarse (Firefox: 1 ms), so on a tie: what the page already
        // showed (an iframe inserted, an event), then the call, then what a call makes happen at once (the
        // object it built, its onReady read, the settings and page facts read with it), then the calls
        // the loader made page code make from there (onReady callbacks, handlers).
        // SDK events (but the loader's DOM event) and open/close rows make no row of the Doc: left out
        // before the sort, so a flood of events costs a scan, not a sort (rules compare `At::i` only
        // with each other, and the stable sort keeps the order of what is left).
        let mut order: Vec<(&Entry, Option<PageCallRow>)> = current
            .iter()
            .filter(|entry| match entry.kind {
                EntryKind::Event => entry.name == MESSAGES_INITIALIZED,
                EntryKind::Open | EntryKind::Navigation => false,
                _ => true,
            })
            .map(|&entry| (entry, (entry.kind == EntryKind::PageCall).then(|| parse::<PageCallRow>(entry)).flatten()))
            .collect();
        let rank = |(entry, row): &(&Entry, Option<PageCallRow>)| match (entry.kind, row) {
            (EntryKind::Call, _) | (EntryKind::PageCall, Some(PageCallRow { from_loader: false, .. })) => 1,
            (EntryKind::Api | EntryKind::OnReady | EntryKind::Settings | EntryKind::Env, _) => 2,
            (EntryKind::PageCall, _) => 3,
            _ => 0,
        };
        order.sort_by(|a, b| a.0.t.total_cmp(&b.0.t).then(rank(a).cmp(&rank(b))));
        for (i, (entry, page_call)) in order.into_iter().enumerate() {
            let at = At { i, id: entry.id, t: entry.t, wall: entry.wall };
            match entry.kind {
                EntryKind::PageCall => {
                    if let Some(row) = page_call {
                        doc.calls.push(Call {
                            at,
                            method: row.method,
                            page: true,
                            generation: row.generation,
                            placeholder: row.placeholder,
                            args: row.args,
                            returned: row.outcome == CallOutcome::Returned,
                            handler: row.handler,
                            from_loader: row.from_loader,
                            collapsed_into: None,
                        });
                    }
                }
                EntryKind::Call => {
                    if let Some(row) = parse::<PanelCallRow>(entry) {
                        doc.calls.push(Call {
                            at,
                            method: entry.name.clone(),
                            page: false,
                            generation: 0,
                            placeholder: false,
                            args: row.args,
                            returned: row.outcome == CallOutcome::Returned,
                            handler: 0,
                            from_loader: false,
                            collapsed_into: None,
                        });
                    }
                }
                EntryKind::Api => doc.apis.extend(parse(entry).map(|row| (at, row))),
                EntryKind::OnReady => doc.onready.extend(parse(entry).map(|row| (at, row))),
                EntryKind::Settings => {
                    let kind = if entry.summary.starts_with(SETTINGS_READ_PREFIX) {
                        SettingsKind::ReadBefore
                    } else if entry.summary.starts_with(SETTINGS_ASSIGNED_AFTER) {
                        SettingsKind::AssignedAfter
                    } else {
                        SettingsKind::AssignedBefore
                    };
                    doc.settings.extend(parse_settings(entry).map(|fields| (at, kind, fields)));
                }
                EntryKind::Loader => doc.loaders.extend(parse(entry).map(|row| (at, row))),
                EntryKind::UrlChange => doc.navs.extend(parse(entry).map(|row| (at, row))),
                EntryKind::Csp => doc.csps.extend(parse(entry).map(|row| (at, row))),
                EntryKind::WidgetData => doc.widget_data.extend(parse(entry).map(|row| (at, row))),
                EntryKind::Iframe => doc.inserted.extend(parse(entry).map(|row| (at, row))),
                EntryKind::Widget if entry.name == INLINE_TARGET_ROW => {
                    doc.inline_missing.extend(parse(entry).map(|row| (at, row)))
                }
                EntryKind::Widget => doc.frames.extend(parse(entry).map(|row| (at, row))),
                EntryKind::ChatMessage => doc.chat_messages.extend(parse(entry).map(|row| (at, row))),
                EntryKind::Env => doc.env = parse(entry).map(|row| (at, row)).or(doc.env.take()),
                EntryKind::Event if entry.name == MESSAGES_INITIALIZED => {
                    doc.initialized.extend(parse(entry).map(|row| (at, row)))
                }
                EntryKind::Event | EntryKind::Open | EntryKind::Navigation => {}
            }
        }
        doc.replay_throttles();
        doc
    }

    /// The loader's throttle replayed over the document's `load`/`refresh` calls (page and panel calls
    /// share one per method), with each pending trailing call taken to have run when the document's
    /// widget-data requests say it did: on a busy page its timer runs late, and every call until then
    /// merges into it. Marks each collapsed call with the due time of its trailing call.
    fn replay_throttles(&mut self) {
        let requests: Vec<f64> = self.widget_data.iter().map(|(at, _)| at.t).collect();
        let mut throttles = [Throttle::default(), Throttle::default()];
        for call in self.calls.iter_mut().filter(|c| c.returned && !c.placeholder) {
            let throttle = match call.method.as_str() {
                "widget.load" => &mut throttles[0],
                "widget.refresh" => &mut throttles[1],
                _ => continue,
            };
            let t = call.at.t;
            let ran = |due: f64| trailing_ran_at(&requests, due).map_or(t >= due, |ran| ran < t);
            if let ThrottleVerdict::Collapsed { runs_at } = throttle.call_knowing(t, ran) {
                call.collapsed_into = Some(runs_at);
            }
        }
    }

    fn page_calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(|c| c.page)
    }

    fn resets(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(|c| c.is_reset())
    }

    /// The first real (not placeholder) object.
    fn first_ready(&self) -> Option<&At> {
        self.apis.iter().find(|(_, api)| api.state == "ready").map(|(at, _)| at)
    }

    /// A `widget.refresh()` on the real object made while the first widget-data request was still
    /// in flight (from the object until that request's answer, its start plus its duration): the
    /// loader drops it silently.
    fn refresh_dropped(&self, call: &Call) -> bool {
        let (Some(ready), Some((first_data, data))) = (self.first_ready(), self.widget_data.first()) else {
            return false;
        };
        call.method == "widget.refresh"
            && call.returned
            && !call.placeholder
            && call.at.i > ready.i
            && (call.at.t < first_data.t + data.duration || call.at.i < first_data.i)
    }

    fn any_object(&self) -> bool {
        self.apis.iter().any(|(_, api)| api.state != "absent")
    }

    /// The settings as the loader read (or will read) them: the last assignment before the loader
    /// or read while no object existed.
    fn settings_as_read(&self) -> Option<&(At, SettingsKind, BTreeMap<String, SettingsField>)> {
        self.settings.iter().rev().find(|(_, kind, _)| *kind != SettingsKind::AssignedAfter)
    }
}

/// How late a trailing call's timer may run and its request still be taken for it. A busy page
/// runs it seconds late (1.6 s measured in Firefox on a loaded CI machine, where every call until
/// then merged into it); a request later than this is another call's.
const TRAILING_LATE_MS: f64 = 10_000.0;

/// When the trailing call due at `due` ran, as its widget-data request shows (`requests`: their start
/// times, in order): the first request from its due time (the timer never runs early; 2 ms for clocks
/// in whole ms) until [`TRAILING_LATE_MS`] later. `None` when none was seen (yet): the caller assumes it ran when due.
fn trailing_ran_at(requests: &[f64], due: f64) -> Option<f64> {
    requests.iter().copied().find(|&t| t >= due - 2.0).filter(|&t| t <= due + TRAILING_LATE_MS)
}

fn finding(rule: &'static str, severity: Severity, title: String, explanation: String, evidence: Vec<u64>) -> Finding {
    Finding { rule, severity, title, explanation, evidence, fix: None }
}

fn with_fix(mut finding: Finding, fix: impl Into<String>) -> Finding {
    finding.fix = Some(fix.into());
    finding
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The nearest candidate (case-insensitive), if it is close enough to be a likely typo.
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let word = lowercase(word);
    candidates
        .map(|c| (edit_distance(&word, &lowercase(c)), c))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= 3.max(word.chars().count() / 4))
        .map(|(_, c)| c)
}

const ONREADY_FIX: &str = "// before the embed code:\nwindow.hsConversationsOnReady = [\n  () => {\n    /* use window.HubSpotConversations here */\n  },\n];";

// ---- the rules ----------------------------------------------------------------------------------

/// `hsConversationsOnReady` assigned after the loader read it, pushed into after the read, or not
/// an array.
fn onready_not_run(doc: &Doc, _: &Context) -> Vec<Finding> {
    let reads = || doc.onready.iter().filter(|(_, r)| r.action == OnReadyAction::Read).map(|(at, _)| at.i);
    let (first_read, last_read) = (reads().next(), reads().next_back());
    let read_after = |i: usize| last_read.is_some_and(|r| r > i);
    let read_before = |i: usize| first_read.is_some_and(|r| r < i);
    let last_array = doc
        .onready
        .iter()
        .filter(|(_, r)| r.action == OnReadyAction::Assigned && r.array)
        .map(|(at, _)| at.i)
        .next_back();
    let mut evidence = vec![];
    let mut why: Vec<&str> = vec![];
    for (at, row) in &doc.onready {
        let reason = match row.action {
            OnReadyAction::Assigned if !row.array && last_array.is_none_or(|a| a < at.i) => {
                "it was assigned a value that is not an array"
            }
            OnReadyAction::Assigned if row.array && row.length > 0 && read_before(at.i) && !read_after(at.i) => {
                "it was assigned after the loader had read it"
            }
            OnReadyAction::Grew if !read_after(at.i) => "callbacks were pushed into it after the loader had read it",
            _ => continue,
        };
        evidence.push(at.id);
        if !why.contains(&reason) {
            why.push(reason);
        }
    }
    if evidence.is_empty() {
        return vec![];
    }
    let f = finding(

        "onready-not-run",
        Severity::Error,
        "onReady callbacks never run".into(),
        format!(
            "The loader reads window.hsConversationsOnReady once, right after it creates the API object, and only if it is an array; {}, so those callbacks never run.",
            why.join(" and ")
        ),
        evidence,
    );
    vec![with_fix(f, ONREADY_FIX)]
}

/// With `loadImmediately:false`, an `on()` from onReady on the placeholder AND on the object its
/// `load()` built (one shared emitter). Not after a reset (a new emitter).
fn onready_twice(doc: &Doc, _: &Context) -> Vec<Finding> {
    // One sweep in document order: the last reset so far, the last on() from onReady on the
    // placeholder per event name.
    let mut last_reset = None;
    let mut on_placeholder: BTreeMap<&str, &Call> = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut evidence = vec![];
    for call in &doc.calls {
        if call.is_reset() {
            last_reset = Some(call.at.i);
        }
        if !(call.page && call.method == "on" && call.returned && call.from_loader) {
            continue;
        }
        let Some(name) = call.event_name() else { continue };
        if call.placeholder {
            on_placeholder.insert(name, call);
        } else if let Some(first) = on_placeholder.get(name) {
            let shared_emitter = call.generation > first.generation && last_reset.is_none_or(|r| r < first.at.i);
            if shared_emitter {
                names.insert(name.to_string());
                evidence.extend([first.at.id, call.at.id]);
            }
        }
    }
    if names.is_empty() {
        return vec![];
    }
    evidence.sort_unstable();
    evidence.dedup();
    let names: Vec<String> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    let f = finding(
        "onready-twice",
        Severity::Warning,
        format!("Handlers for {} run twice per event", names.join(", ")),
        "With loadImmediately:false the onReady callbacks run on the placeholder and again on the object widget.load() builds, and both share one event emitter: the on() made in each run is registered twice, so every event calls the handler twice.".into(),
        evidence,
    );
    vec![with_fix(
        f,
        "// off() first: the placeholder's run registered it already (a reset's new object has a new emitter, and needs it)\nwindow.hsConversationsOnReady = [\n  () => {\n    window.HubSpotConversations.off('conversationStarted', onConversationStarted);\n    window.HubSpotConversations.on('conversationStarted', onConversationStarted);\n  },\n];",
    )]
}

fn settings_fix(field: &str) -> String {
    let value = match field {
        "enableWidgetCookieBanner" => "'ON_WIDGET_LOAD', // false, true, 'ON_WIDGET_LOAD' or 'ON_EXIT_INTENT'",
        "inlineEmbedSelector" => "'#chat', // a string (a CSS selector)",
        "identificationEmail" | "identificationToken" => "'…', // a string",
        _ => "false, // a boolean: true or false, not a string",
    };
    format!("window.hsConversationsSettings = {{\n  {field}: {value}\n}};")
}

/// The loader's Invariant Violation, recomputed from the settings as it read them.
fn settings_invalid(doc: &Doc, _: &Context) -> Vec<Finding> {
    if doc.any_object() {
        return vec![]; // the loader accepted what it read
    }
    let Some((at, _, fields)) = doc.settings_as_read() else { return vec![] };
    let problems = validate(fields);
    let Some(thrown) = problems.iter().find(|p| p.thrown_by_loader) else { return vec![] };
    let mut explanation = format!(
        "The loader throws “{}” and stops: no HubSpotConversations object, no onReady callbacks, no widget-data request (the page's console only shows “Script error.”)",
        thrown.message
    );
    if problems.len() > 1 {
        explanation.push_str(&format!(
            "; {} more surface once it is fixed",
            plural(problems.len() - 1, "problem", "problems")
        ));
    }
    explanation.push('.');
    let f = finding(
        "settings-invalid",
        Severity::Error,
        format!("{WILL_NOT_SHOW}hsConversationsSettings.{} is invalid", thrown.field),
        explanation,
        vec![at.id],
    );
    vec![with_fix(f, settings_fix(&thrown.field))]
}

/// A placeholder and no `widget.load()` within the grace period.
fn load_never_called(doc: &Doc, context: &Context) -> Vec<Finding> {
    let Some((placeholder, _)) = doc.apis.iter().find(|(_, api)| api.state == "placeholder") else { return vec![] };
    let loaded = doc.first_ready().is_some() || doc.calls.iter().any(|c| c.method == "widget.load");
    if loaded || context.now_wall - placeholder.wall < LOAD_GRACE_MS {
        return vec![];
    }
    let f = finding(
        "load-never-called",
        Severity::Error,
        format!("{WILL_NOT_SHOW}widget.load() was never called"),
        format!(
            "hsConversationsSettings.loadImmediately is false, so the loader only built a placeholder and waits for widget.load(), which nothing called within {} s.",
            fixed(LOAD_GRACE_MS / 1000.0, 0)
        ),
        vec![placeholder.id],
    );
    vec![with_fix(
        f,
        "// when the chat should appear (e.g. after consent):\nwindow.HubSpotConversations.widget.load();",
    )]
}

/// `inlineEmbedSelector` matches nothing when the loader renders.
fn inline_target_missing(doc: &Doc, _: &Context) -> Vec<Finding> {
    for (render, row) in doc.initialized.iter().rev() {
        if row.will_render != Some(true) {
            continue;
        }
        let Some((missing, target)) = doc.inline_missing.iter().rev().find(|(at, _)| at.i < render.i) else {
            return vec![]; // none before the earlier renders either
        };
        let inserted = doc.inserted.iter().any(|(at, f)| f.inline && at.i > missing.i)
            || doc.frames.iter().any(|(at, f)| f.inline && f.loaded && at.i > missing.i);
        if inserted {
            return vec![];
        }
        let f = finding(
            "inline-target-missing",
            Severity::Error,
            format!("{WILL_NOT_SHOW}the inline target {} does not exist", Value::from(target.selector.as_str())),
            "When widget-data answered, inlineEmbedSelector matched no element, so no iframe was inserted; the widget is now wedged (status() stays pending, refresh() and load() are refused) and only remove() then load() recovers once the element exists.".into(),
            vec![missing.id, render.id],
        );
        return vec![with_fix(
            f,
            "// once the element exists:\nwindow.HubSpotConversations.widget.remove();\nwindow.HubSpotConversations.widget.load();",
        )];
    }
    vec![]
}

/// `on()`/`off()` with a name that is not an SDK event, or `off()` with a handler never registered.
fn unknown_event_name(doc: &Doc, _: &Context) -> Vec<Finding> {
    let mut registered: BTreeSet<(&str, u32)> = BTreeSet::new();
    let mut unknown: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    let mut not_registered: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for call in doc.page_calls().filter(|c| c.returned && (c.method == "on" || c.method == "off")) {
        let Some(name) = call.event_name() else { continue };
        if !SDK_EVENT_NAMES.contains(&name) {
            unknown.entry(name).or_default().push(call.at.id);
        } else if call.method == "on" {
            registered.insert((name, call.handler));
        } else if !registered.contains(&(name, call.handler)) {
            not_registered.entry(name).or_default().push(call.at.id);
        }
    }
    let mut findings: Vec<Finding> = unknown
        .into_iter()
        .map(|(name, evidence)| {
            let suggestion = nearest(name, SDK_EVENT_NAMES.iter().copied());
            let mut explanation = format!(
                "The loader does not check event names: \"{name}\" is not an SDK event, so the handler is registered but never called"
            );
            if let Some(s) = suggestion {
                explanation.push_str(&format!(" (did you mean \"{s}\"?)"));
            }
            explanation.push('.');
            let f = finding(
                "unknown-event-name",
                Severity::Warning,
                format!("\"{name}\" is not an SDK event"),
                explanation,
                evidence,
            );
            match suggestion {
                Some(s) => with_fix(f, format!("window.HubSpotConversations.on('{s}', handler);")),
                None => f,
            }
        })
        .collect();
    findings.extend(not_registered.into_iter().map(|(name, evidence)| {
        let f = finding(
            "unknown-event-name",
            Severity::Warning,
            format!("off(\"{name}\") removes nothing"),
            format!("off(\"{name}\", fn) was given a function that was never registered with on(\"{name}\"), so nothing is removed and the original handler keeps firing."),
            evidence,
        );
        with_fix(
            f,
            format!("const handler = (payload) => {{ /* … */ }};\nwindow.HubSpotConversations.on('{name}', handler);\n// later, the SAME function:\nwindow.HubSpotConversations.off('{name}', handler);"),
        )
    }));
    findings
}

/// The page's `load`/`refresh` calls merged by the throttle (arguments lost), and `refresh()`
/// dropped while the first load was in flight.
fn throttle_collapsed(doc: &Doc, _: &Context) -> Vec<Finding> {
    let mut findings = vec![];
    // Calls collapsed into the same trailing call: only the last one's arguments survive.
    let mut groups: BTreeMap<(&str, u64), Vec<&Call>> = BTreeMap::new();
    for call in doc.calls.iter() {
        if let Some(runs_at) = call.collapsed_into {
            groups.entry((call.method.as_str(), runs_at.to_bits())).or_default().push(call);
        }
    }
    let requests: Vec<f64> = doc.widget_data.iter().map(|(at, _)| at.t).collect();
    for ((method, due), calls) in groups {
        let Some((winner, merged)) = calls.split_last() else { continue };
        let lost: Vec<&&Call> = merged.iter().filter(|c| c.args != winner.args).collect();
        if lost.is_empty() || !calls.iter().any(|c| c.page) {
            continue;
        }
        let lost_text: Vec<String> = lost.iter().map(|c| c.describe()).collect();
        let mut evidence: Vec<u64> = lost.iter().map(|c| c.at.id).collect();
        evidence.push(winner.at.id);
        let f = finding(
            "throttle-collapsed",
            Severity::Warning,
            format!("{method}() calls merged by the loader's throttle"),
            format!(
                "The loader runs {method}() at most once a second and merges the calls in between into one trailing call (at {} s) with the LAST arguments, {}, so {} had no effect.",
                fixed(trailing_ran_at(&requests, f64::from_bits(due)).unwrap_or(f64::from_bits(due)) / 1000.0, 3),
                winner.describe(),
                lost_text.join(", ")
            ),
            evidence,
        );
        findings.push(with_fix(
            f,
            format!("// one call with the options you need, at most once a second:\nwindow.HubSpotConversations.{method}({});", lost_text_args(&lost)),
        ));
    }
    // refresh() while the first widget-data request is still in flight is dropped silently.
    if let Some((first_data, _)) = doc.widget_data.first() {
        let dropped: Vec<&Call> = doc.page_calls().filter(|c| doc.refresh_dropped(c)).collect();
        if !dropped.is_empty() {
            let mut evidence: Vec<u64> = dropped.iter().map(|c| c.at.id).collect();
            evidence.push(first_data.id);
            let f = finding(
                "throttle-collapsed",
                Severity::Warning,
                "widget.refresh() dropped: the first load was still in flight".into(),
                "A refresh() made while the widget's first widget-data request is still in flight is dropped silently (the loader only logs it in debug mode).".into(),
                evidence,
            );
            findings.push(with_fix(
                f,
                "// refresh only once the widget has loaded:\nif (window.HubSpotConversations.widget.status().loaded) {\n  window.HubSpotConversations.widget.refresh();\n}",
            ));
        }
    }
    findings
}

fn lost_text_args(lost: &[&&Call]) -> String {
    lost.last()
        .and_then(|c| c.args.as_array())
        .map(|a| a.iter().map(Value::to_string).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// The path and query of a URL (what a route change changes); the fragment is dropped.
fn path_and_query(url: &str) -> &str {
    let url = url.split('#').next().unwrap_or_default();
    match url.find("://") {
        Some(scheme) => {
            let rest = &url[scheme + 3..];
            rest.find(['/', '?']).map_or("/", |i| &rest[i..])
        }
        None => url,
    }
}

/// The URL changed (path or query) and no widget-data request (nor a `refresh()`/`load()`)
/// followed. A hash-only change is not a route change (the loader itself reacts to
/// `#hs-chat-open` only).
fn spa_no_refresh(doc: &Doc, context: &Context) -> Vec<Finding> {
    let Some(ready) = doc.first_ready() else { return vec![] };
    let mut previous = doc.url.clone();
    let mut evidence = vec![];
    let mut urls = vec![];
    let changes: Vec<&(At, NavRow)> = doc
        .navs
        .iter()
        .filter(|(_, nav)| {
            let changed = match previous.as_deref() {
                Some(before) => path_and_query(before) != path_and_query(&nav.url),
                None => nav.how != NavHow::Hashchange,
            };
            previous = Some(nav.url.clone());
            changed
        })
        .collect();
    let data: Vec<&At> = doc.widget_data.iter().map(|(at, _)| at).collect();
    // What makes the loader fetch widget-data again: a refresh() it did not drop, a reset, or the
    // first load() (on a loaded widget load() does nothing). A call on a stale placeholder only warns.
    let first_data = doc.widget_data.first().map(|(at, _)| at.i);
    let reloads: Vec<&At> = doc
        .calls
        .iter()
        .filter(|c| c.returned && !c.placeholder)
        .filter(|c| match c.method.as_str() {
            "widget.refresh" => !doc.refresh_dropped(c),
            "widget.load" => first_data.is_none_or(|i| c.at.i < i),
            _ => c.is_reset(),
        })
        .map(|c| &c.at)
        .collect();
    for (k, (at, nav)) in changes.iter().enumerate() {
        if at.i < ready.i || context.now_wall - at.wall < REFRESH_GRACE_MS {
            continue;
        }
        // Answered before the next route change, or within the grace period (a router that
        // pushes, then replaces, then refreshes answers both changes).
        let until = changes.get(k + 1).map_or(usize::MAX, |(next, _)| next.i);
        let answers = |rows: &[&At]| {
            rows.get(rows.partition_point(|row| row.i <= at.i))
                .is_some_and(|row| row.i < until || row.t <= at.t + REFRESH_GRACE_MS)
        };
        let followed = answers(&data) || answers(&reloads);
        if !followed {
            evidence.push(at.id);
            urls.push(nav.url.as_str());
        }
    }
    if evidence.is_empty() {
        return vec![];
    }
    let f = finding(
        "spa-no-refresh",
        Severity::Warning,
        "Route change without widget.refresh()".into(),
        format!(
            "The URL changed to {} and no widget-data request followed: the loader does not watch pushState/popstate, so the chat of the previous route stays, even where this route has none.",
            urls.join(", ")
        ),
        evidence,
    );
    vec![with_fix(f, "// after every route change (e.g. in the router's afterEach hook):\nwindow.HubSpotConversations?.widget.refresh();")]
}

/// widget-data 204/404, `HIDE_WIDGET`, `messageWillRender:false`, `disabledHsPopups` with
/// `LIVE_CHAT`, or a `toJSON` on a built-in prototype.
fn no_chat_on_page(doc: &Doc, _: &Context) -> Vec<Finding> {
    let env = doc.env.as_ref();
    let last_data = doc.widget_data.last();
    let last_render = doc.initialized.last();
    let (cause, explanation, evidence, fix): (String, String, Vec<u64>, Option<&str>) = if let Some((at, _)) =
        env.filter(|(_, e)| e.disabled_popups.as_ref().is_some_and(|p| p.iter().any(|s| s == "LIVE_CHAT")))
    {
        (
            "window.disabledHsPopups contains LIVE_CHAT".into(),
            "The page lists LIVE_CHAT in window.disabledHsPopups, which tells the loader not to render the chat."
                .into(),
            vec![at.id],
            Some("window.disabledHsPopups = (window.disabledHsPopups || []).filter((p) => p !== 'LIVE_CHAT');"),
        )
    } else if let Some((at, e)) = env.filter(|(_, e)| !e.to_json.is_empty()) {
        (
                format!("toJSON is defined on {}", e.to_json.join(", ")),
                format!("A script defines toJSON on {} (an old library or polyfill), which breaks the loader's messages, so it does not render the chat.", e.to_json.join(", ")),
                vec![at.id],
                Some("// remove the library or polyfill that adds it, or:\ndelete Array.prototype.toJSON;\ndelete Object.prototype.toJSON;\ndelete String.prototype.toJSON;"),
            )
    } else if let Some((at, data)) = last_data.filter(|(_, d)| d.status == 204 || d.status == 404) {
        (
                format!("widget-data answered {} for this URL", data.status),
                format!("HubSpot answered the widget-data request with {}: no chatflow targets this page's URL, so the loader quietly renders nothing.", data.status),
                vec![at.id],
                None,
            )
    } else if let Some((at, row)) = last_render.filter(|(_, r)| r.will_render == Some(false)) {
        match row.reason.as_deref() {
                Some("HIDE_WIDGET") => (
                    "the chatflow hides the widget on this page (HIDE_WIDGET)".into(),
                    "The loader reported messageWillRender: false with reason HIDE_WIDGET: the portal's chatflow settings hide the chat on this page.".into(),
                    vec![at.id],
                    None,
                ),
                // The 2022 loader gives no reason; a widget-data answer that renders (200/304)
                // followed by messageWillRender:false is its HIDE_WIDGET.
                None if last_data.is_some_and(|(_, d)| matches!(d.status, 200 | 304)) => (
                    "the chatflow hides the widget on this page (HIDE_WIDGET)".into(),
                    format!(
                        "widget-data answered {} and then the loader reported messageWillRender: false without a reason (this loader gives none): an answer of type HIDE_WIDGET, the portal's chatflow settings hide the chat on this page.",
                        last_data.map_or(0, |(_, d)| d.status)
                    ),
                    vec![at.id],
                    None,
                ),
                reason => (
                    "the loader reported messageWillRender: false".into(),
                    format!(
                        "The loader dispatched hubspot:messages:initialized with messageWillRender: false{}: it decided not to render the chat (no chatflow for this URL, or the widget-data request failed).",
                        reason.map(|r| format!(" (reason: {r})")).unwrap_or_default()
                    ),
                    vec![at.id],
                    None,
                ),
            }
    } else {
        return vec![];
    };
    if chat_shown(doc) {
        return vec![]; // a refresh answered "no chat" and the earlier widget stays: a note
    }
    let f = finding("no-chat-on-page", Severity::Error, format!("{WILL_NOT_SHOW}{cause}"), explanation, evidence);
    vec![match fix {
        Some(fix) => with_fix(f, fix),
        None => f,
    }]
}

/// The last chat iframe event is a load (not a removal).
fn chat_shown(doc: &Doc) -> bool {
    doc.frames.last().is_some_and(|(_, f)| f.loaded)
}

fn is_bundle(src: &str) -> bool {
    src.contains("conversations-embed")
}

/// Embed codes of two portals (which one won), or the bundle included twice. The same portal
/// script twice is harmless.
fn duplicate_loader(doc: &Doc, _: &Context) -> Vec<Finding> {
    let active: Vec<&(At, LoaderRow)> = doc.loaders.iter().filter(|(_, l)| !l.blocked).collect();
    let mut findings = vec![];
    let mut portals: Vec<&str> = vec![];
    let mut seen_portals = BTreeSet::new();
    for (_, loader) in &active {
        if let Some(p) = loader.portal.as_deref().filter(|p| seen_portals.insert(*p)) {
            portals.push(p);
        }
    }
    if portals.len() > 1 {
        let winner = active.iter().find(|(_, l)| is_bundle(&l.src)).and_then(|(_, l)| l.portal.as_deref());
        let evidence = active.iter().filter(|(_, l)| l.portal.is_some()).map(|(at, _)| at.id).collect();
        let list = portals.join(" and ");
        let (title, outcome) = match winner {
            Some(w) => {
                let losers: Vec<&str> = portals.iter().copied().filter(|p| *p != w).collect();
                (
                    format!("Two portals' embed codes: portal {w} won"),
                    format!("portal {w}'s script ran first, so portal {}'s chat silently never loads", losers.join(", ")),
                )
            }
            None => (
                format!("Two portals' embed codes ({list})"),
                "the first portal script to download wins, so the other portal's chat silently never loads (a race that can change from one visit to the next)".to_string(),
            ),
        };
        let f = finding(
            "duplicate-loader",
            Severity::Warning,
            title,
            format!("The page has the embed codes of portals {list}: {outcome}."),
            evidence,
        );
        let keep = winner.unwrap_or(portals[0]);
        findings.push(with_fix(
            f,
            format!("<!-- keep ONE embed code -->\n<script type=\"text/javascript\" id=\"hs-script-loader\" async defer src=\"//js.hs-scripts.com/{keep}.js\"></script>"),
        ));
    }
    let mut seen = BTreeSet::new();
    let bundles: Vec<&(At, LoaderRow)> =
        active.iter().copied().filter(|(_, l)| is_bundle(&l.src) && !l.again && seen.insert(l.src.as_str())).collect();
    if bundles.len() > 1 {
        let srcs: Vec<&str> = bundles.iter().map(|(_, l)| l.src.as_str()).collect();
        findings.push(finding(
            "duplicate-loader",
            Severity::Warning,
            "The chat bundle is included twice".into(),
            format!(
                "The page loads the chat bundle from {}: the second copy sees window.hubspot_live_messages_running, warns “duplicate instance of live chat exists on page” and does nothing.",
                srcs.join(" and ")
            ),
            bundles.iter().map(|(at, _)| at.id).collect(),
        ));
    }
    findings
}

/// Token without email or the reverse; identification set after the widget object was created.
fn identification(doc: &Doc, _: &Context) -> Vec<Finding> {
    let mut findings = vec![];
    let is_set = |fields: &BTreeMap<String, SettingsField>, key: &str| {
        fields.get(key).is_some_and(|f| f.js_type == "string" && f.value.as_str().is_some_and(|v| !v.is_empty()))
    };
    if let Some((at, _, fields)) = doc.settings.last() {
        let (email, token) = (is_set(fields, "identificationEmail"), is_set(fields, "identificationToken"));
        if email != token {
            let (has, lacks) = if token {
                ("identificationToken", "identificationEmail")
            } else {
                ("identificationEmail", "identificationToken")
            };
            let f = finding(
                "identification",
                Severity::Warning,
                format!("{has} without {lacks}"),
                format!("The loader sends {has} without {lacks} as is, and HubSpot identifies a visitor only with both, so the visitor stays anonymous."),
                vec![at.id],
            );
            findings.push(with_fix(
                f,
                "window.hsConversationsSettings = {\n  identificationEmail: 'visitor@example.com',\n  identificationToken: '<token from the Visitor Identification API>',\n};",
            ));
        }
    }
    let value = |fields: &BTreeMap<String, SettingsField>, key: &str| fields.get(key).map(|f| f.value.clone());
    let last_reset = doc.resets().last().map(|c| c.at.i);
    let last_object = doc.apis.last().map(|(at, _)| at.i);
    for (k, (at, kind, fields)) in doc.settings.iter().enumerate() {
        if *kind != SettingsKind::AssignedAfter
            || !(is_set(fields, "identificationEmail") || is_set(fields, "identificationToken"))
        {
            continue;
        }
        let before = doc.settings[..k].iter().rev().map(|(_, _, f)| f).next();
        let changed = before.is_none_or(|b| {
            ["identificationEmail", "identificationToken"].iter().any(|key| value(b, key) != value(fields, key))
        });
        let reset_after = last_reset.is_some_and(|r| r > at.i) || last_object.is_some_and(|a| a > at.i);
        if changed && !reset_after {
            let f = finding(
                "identification",
                Severity::Warning,
                "Identification set after the widget started".into(),
                "identificationEmail/identificationToken were set after the loader read the settings: the widget keeps the values it read (refresh() reuses them) until it is reset.".into(),
                vec![at.id],
            );
            findings.push(with_fix(
                f,
                "window.hsConversationsSettings = { identificationEmail: email, identificationToken: token };\nwindow.HubSpotConversations.clear({ resetWidget: true });",
            ));
        }
    }
    findings
}

/// A page call made between the chat iframe's insertion and its load: posted into the blank
/// iframe, lost. Calls made before the iframe exists are queued by the loader.
fn call_before_iframe(doc: &Doc, _: &Context) -> Vec<Finding> {
    // Per kind of iframe (floating, inline): the insertions and loads in document order; a call
    // is lost when the last insertion before it has no load between them.
    let positions = |inline: bool, inserted: bool| -> Vec<usize> {
        if inserted {
            doc.inserted.iter().filter(|(_, f)| f.inline == inline).map(|(at, _)| at.i).collect()
        } else {
            doc.frames.iter().filter(|(_, f)| f.inline == inline && f.loaded).map(|(at, _)| at.i).collect()
        }
    };
    let kinds = [(positions(false, true), positions(false, false)), (positions(true, true), positions(true, false))];
    let loading_at = |i: usize| {
        kinds.iter().any(|(inserted, loaded)| {
            let Some(&insertion) = inserted[..inserted.partition_point(|&x| x < i)].last() else { return false };
            let next_load = loaded.get(loaded.partition_point(|&x| x <= insertion)).copied();
            next_load.is_none_or(|load| load > i)
        })
    };
    let lost: Vec<&Call> = doc
        .page_calls()
        .filter(|c| c.returned && !c.placeholder && LOST_BEFORE_LOAD.contains(&c.method.as_str()) && !c.is_reset())
        .filter(|c| loading_at(c.at.i))
        .collect();
    if lost.is_empty() {
        return vec![];
    }
    let mut methods: Vec<String> = lost.iter().map(|c| format!("{}()", c.method)).collect();
    methods.dedup();
    let f = finding(
        "call-before-iframe",
        Severity::Error,
        format!("Lost: {} made before the chat iframe loaded", methods.join(", ")),
        "These calls were made after the chat iframe was inserted but before it loaded: the loader posted them into the iframe's blank page, where they are lost (calls made before the iframe exists are queued and delivered).".into(),
        lost.iter().map(|c| c.at.id).collect(),
    );
    vec![with_fix(f, "// queued by the loader until the chat is ready:\nwindow.hsConversationsOnReady = [\n  () => window.HubSpotConversations.widget.open(),\n];")]
}

/// The chat iframe asked to store `messagesUtk` and no such cookie exists; `__hs_opt_out=yes`.
fn cookies_cannot_persist(doc: &Doc, context: &Context) -> Vec<Finding> {
    let Some(cookies) = &context.cookies else { return vec![] };
    let mut findings = vec![];
    if cookies.iter().any(|c| c.name == "__hs_opt_out" && c.value == "yes") {
        findings.push(finding(
            "cookies-cannot-persist",
            Severity::Warning,
            "The visitor opted out of HubSpot cookies (__hs_opt_out=yes)".into(),
            "With __hs_opt_out=yes the loader tells the chat not to keep its cookie, so each visit starts a new conversation.".into(),
            vec![],
        ));
    }
    // `clear()` deletes the cookie, and the chat asks again only when a reset builds a new one.
    let cleared =
        doc.calls.iter().rev().find(|c| c.returned && matches!(c.method.as_str(), "clear" | "resetAndReloadWidget"));
    let asked: Vec<&At> = doc
        .chat_messages
        .iter()
        .filter(|(at, m)| {
            m.message_type == "store-messages-cookie"
                && m.utk
                && context.now_wall - at.wall >= COOKIE_GRACE_MS
                && cleared.is_none_or(|c| at.i > c.at.i)
        })
        .map(|(at, _)| at)
        .collect();
    if !asked.is_empty() && !context.messages_utk_seen && !cookies.iter().any(|c| c.name == "messagesUtk") {
        let f = finding(
            "cookies-cannot-persist",
            Severity::Error,
            "The messagesUtk cookie is never stored".into(),
            "The chat asked the page to store its messagesUtk cookie and none exists: something (usually a consent tool wrapping document.cookie) swallows the write, so every page view starts a new conversation.".into(),
            asked.iter().map(|at| at.id).collect(),
        );
        findings.push(with_fix(f, "// check in the console: does the write stick?\ndocument.cookie = 'messagesUtk-test=1; path=/';\nconsole.log(document.cookie.includes('messagesUtk-test'));"));
    }
    findings
}

fn origin(url: &str) -> &str {
    match url.find("://") {
        Some(scheme) => {
            let end = url[scheme + 3..].find(['/', '?', '#']).map_or(url.len(), |i| scheme + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

/// What of the chat a CSP violation blocked (HubSpot has other resources: analytics, forms,
/// banners, whose violations leave the chat alone).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CspTarget {
    Loader,
    WidgetData,
    ChatFrame,
    Other,
}

impl CspRow {
    /// The directive family: `script-src-elem` is `script-src`, `child-src` is `frame-src`.
    fn family(&self) -> &str {
        let d = self.directive.as_str();
        ["script-src", "frame-src", "connect-src"]
            .into_iter()
            .find(|family| d.starts_with(family))
            .unwrap_or(if d.starts_with("child-src") { "frame-src" } else { d })
    }

    /// DevTools fetching the bundle's source map (not the page: no source file).
    fn is_devtools_source_map(&self) -> bool {
        self.blocked.ends_with(".js.map") && self.source.is_empty()
    }

    fn target(&self) -> CspTarget {
        let blocked = self.blocked.as_str();
        let path = path_and_query(blocked);
        if path.contains("/livechat-public/") || path.contains("/_hcms/livechat/widget") {
            return CspTarget::WidgetData;
        }
        match self.family() {
            // "inline" or "eval": the loader's when its bundle is the source file.
            "script-src" if is_loader_url(blocked) || (!blocked.contains("://") && is_loader_url(&self.source)) => {
                CspTarget::Loader
            }
            "frame-src" if is_chat_frame_url(blocked) => CspTarget::ChatFrame,
            _ => CspTarget::Other,
        }
    }
}

fn host(url: &str) -> &str {
    let origin = origin(url);
    let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    host.split(':').next().unwrap_or_default()
}

/// The simulator serves its HubSpot under `/hs/` (the hook takes such a script for the loader too).
fn is_simulated_hubspot(url: &str) -> bool {
    url.contains("://") && path_and_query(url).starts_with("/hs/")
}

/// The portal script (`js.hs-scripts.com/<portal>.js`) or the bundle (`js.usemessages.com`).
fn is_loader_url(url: &str) -> bool {
    let host = host(url);
    is_bundle(url) || host.ends_with("usemessages.com") || host.ends_with("hs-scripts.com") || is_simulated_hubspot(url)
}

/// `app.hubspot.com/conversations-visitor/…` (or a hublet's `app-eu1.hubspot.com`).
fn is_chat_frame_url(url: &str) -> bool {
    let host = host(url);
    let app = host == "app.hubspot.com" || (host.starts_with("app-") && host.ends_with(".hubspot.com"));
    app || url.contains("/conversations-visitor/") || is_simulated_hubspot(url)
}

/// A `securitypolicyviolation` for a HubSpot host, one finding per part of the chat blocked (its
/// loader, iframe, widget-data request) and one per directive for HubSpot's other resources, except
/// DevTools' own source-map fetch. A report-only policy blocks nothing: a note.
fn csp_blocked(doc: &Doc, _: &Context) -> Vec<Finding> {
    /// Evidence, blocked origins, directives as reported, whether the loader was the source.
    type Group<'a> = (Vec<u64>, BTreeSet<&'a str>, BTreeSet<&'a str>, bool);
    let mut groups: BTreeMap<(CspTarget, &str), Group> = BTreeMap::new();
    for (at, csp) in doc.csps.iter().filter(|(_, csp)| !csp.report && !csp.is_devtools_source_map()) {
        let target = csp.target();
        let family = match target {
            CspTarget::Loader => "script-src",
            CspTarget::ChatFrame => "frame-src",
            CspTarget::WidgetData => "connect-src",
            CspTarget::Other => csp.family(),
        };
        let group = groups.entry((target, family)).or_default();
        group.0.push(at.id);
        group.1.insert(origin(&csp.blocked));
        group.2.insert(csp.directive.as_str());
        group.3 |= is_loader_url(&csp.source);
    }
    groups
        .into_iter()
        .map(|((target, family), (evidence, origins, directives, from_loader))| {
            // "inline", "eval" and empty blocked URIs are not hosts to allow.
            let origins: Vec<&str> = origins.into_iter().filter(|o| o.contains("://")).collect();
            let (severity, title, what) = match target {
                CspTarget::Loader => (
                    Severity::Error,
                    format!("{WILL_NOT_SHOW}Content-Security-Policy blocks HubSpot's script (script-src)"),
                    "the loader never runs: no object, no request, no chat",
                ),
                CspTarget::ChatFrame => (
                    Severity::Error,
                    format!("{WILL_NOT_SHOW}Content-Security-Policy blocks the chat iframe (frame-src)"),
                    "the widget stays empty although its iframe fires load (status().loaded is true)",
                ),
                CspTarget::WidgetData => (
                    Severity::Error,
                    format!("{WILL_NOT_SHOW}Content-Security-Policy blocks the widget-data request (connect-src)"),
                    "“Initial messages API call failed” and messageWillRender: false",
                ),
                CspTarget::Other => (
                    Severity::Warning,
                    format!("Content-Security-Policy blocks HubSpot ({family})"),
                    if from_loader {
                        "parts of the widget may be missing"
                    } else {
                        "not the chat's loader, iframe or widget-data request: the chat itself is not affected"
                    },
                ),
            };
            let directives: Vec<&str> = directives.into_iter().collect();
            let f = finding(
                "csp-blocked",
                severity,
                title,
                format!(
                    "The page's Content-Security-Policy ({}) blocked {}: {what}.",
                    directives.join(", "),
                    if origins.is_empty() { "HubSpot".to_string() } else { origins.join(", ") }
                ),
                evidence,
            );
            with_fix(
                f,
                format!(
                    "Content-Security-Policy: {family} 'self' {} /* added to your existing sources */",
                    origins.join(" ")
                ),
            )
        })
        .collect()
}

/// A second assignment replaced a non-empty callbacks array before the loader read it.
fn onready_overwritten(doc: &Doc, _: &Context) -> Vec<Finding> {
    let mut evidence = vec![];
    // One sweep: the last non-empty array assigned, the last read.
    let (mut earlier, mut last_read): (Option<&At>, Option<usize>) = (None, None);
    for (at, row) in &doc.onready {
        match row.action {
            OnReadyAction::Read => last_read = Some(at.i),
            OnReadyAction::Grew => {}
            OnReadyAction::Assigned => {
                let since = earlier.map(|a| a.i);
                let read_between = last_read.is_some_and(|r| since.is_none_or(|s| r > s));
                if row.replaced > 0 && !read_between {
                    evidence.extend(earlier.map(|a| a.id).filter(|id| !evidence.contains(id)));
                    evidence.push(at.id);
                }
                if row.array && row.length > 0 {
                    earlier = Some(at);
                }
            }
        }
    }
    if evidence.is_empty() {
        return vec![];
    }
    let f = finding(
        "onready-overwritten",
        Severity::Error,
        "A second hsConversationsOnReady assignment dropped callbacks".into(),
        "window.hsConversationsOnReady = [fn] was assigned again before the loader read it, replacing an array that already held callbacks (another script's): those never run.".into(),
        evidence,
    );
    vec![with_fix(f, "// in every script, before the embed code:\n(window.hsConversationsOnReady = window.hsConversationsOnReady || []).push(() => {\n  /* use window.HubSpotConversations here */\n});")]
}

/// The embed `<script>` neutralised (a type that is not JavaScript).
fn loader_blocked(doc: &Doc, _: &Context) -> Vec<Finding> {
    if doc.any_object() {
        return vec![];
    }
    let mut last_unblocked = BTreeMap::new();
    last_unblocked.extend(doc.loaders.iter().filter(|(_, l)| !l.blocked).map(|(at, l)| (l.src.as_str(), at.i)));
    let blocked: Vec<&(At, LoaderRow)> = doc
        .loaders
        .iter()
        .filter(|(at, l)| l.blocked && last_unblocked.get(l.src.as_str()).is_none_or(|&i| i < at.i))
        .collect();
    let Some((_, first)) = blocked.first() else { return vec![] };
    let portal = first.portal.as_deref().unwrap_or("<portal id>");
    let f = finding(
        "loader-blocked",
        Severity::Error,
        format!("{WILL_NOT_SHOW}the embed script is blocked"),
        format!(
            "The embed code's <script> ({}) has a type that is not JavaScript (a consent tool's text/plain), so the browser never runs it: no loader, no object, no request.",
            first.src
        ),
        blocked.iter().map(|(at, _)| at.id).collect(),
    );
    vec![with_fix(
        f,
        format!("<!-- let the consent tool release it (or classify it as necessary): -->\n<script type=\"text/javascript\" id=\"hs-script-loader\" async defer src=\"//js.hs-scripts.com/{portal}.js\"></script>"),
    )]
}

/// A framework removed and re-added the embed code: nothing reloads.
fn loader_reinserted(doc: &Doc, _: &Context) -> Vec<Finding> {
    let again: Vec<u64> = doc.loaders.iter().filter(|(_, l)| l.again && !l.blocked).map(|(at, _)| at.id).collect();
    if again.is_empty() {
        return vec![];
    }
    let f = finding(
        "loader-reinserted",
        Severity::Warning,
        "The embed code was re-inserted: nothing reloads".into(),
        "Something (usually a framework re-rendering) removed the embed <script> and added it again; the loader already runs, warns “duplicate instance of live chat exists on page” and reloads nothing.".into(),
        again,
    );
    vec![with_fix(f, "// keep the embed code out of re-rendered markup; to reload the chat:\nwindow.HubSpotConversations.widget.refresh();")]
}

/// Calls keep arriving on the placeholder after the real object exists. `on()`/`off()` are not
/// flagged: the placeholder shares its event emitter with the object `load()` builds.
fn stale_placeholder(doc: &Doc, _: &Context) -> Vec<Finding> {
    let Some(ready) = doc.first_ready() else { return vec![] };
    let stale: Vec<&Call> = doc
        .page_calls()
        .filter(|c| c.placeholder && c.at.i > ready.i && !matches!(c.method.as_str(), "on" | "off"))
        .collect();
    if stale.is_empty() {
        return vec![];
    }
    // In a set, sorted and each once (inserted one by one: no sort's code in the wasm).
    let mut methods = BTreeSet::new();
    methods.extend(stale.iter().map(|c| c.method.as_str()));
    let mut effects = vec![];
    let warned: Vec<String> =
        methods.iter().filter(|m| !matches!(**m, "widget.load" | "widget.status")).map(|m| format!("{m}()")).collect();
    if !warned.is_empty() {
        let verb = if warned.len() == 1 { "only prints" } else { "only print" };
        effects.push(format!("{} {verb} a warning", warned.join(", ")));
    }
    if methods.contains("widget.status") {
        effects.push("widget.status() answers {loaded:false} whatever the widget does".into());
    }
    if methods.contains("widget.load") {
        effects.push("widget.load() fetches widget-data a second time".into());
    }
    let f = finding(
        "stale-placeholder",
        Severity::Warning,
        "Calls still go to the placeholder".into(),
        format!(
            "{} {} made on the placeholder object after the real one replaced it (a cached reference): {}.",
            methods.iter().map(|m| format!("{m}()")).collect::<Vec<_>>().join(", "),
            if stale.len() == 1 { "was" } else { "were" },
            effects.join("; ")
        ),
        stale.iter().map(|c| c.at.id).collect(),
    );
    vec![with_fix(f, "// not: const chat = window.HubSpotConversations; … chat.widget.open();\nwindow.HubSpotConversations.widget.open();")]
}

/// Handlers registered with `on()` outside onReady before a reset (the new object has a new
/// emitter).
fn listeners_lost_after_reset(doc: &Doc, _: &Context) -> Vec<Finding> {
    let Some(reset) = doc.resets().last() else { return vec![] };
    let ons = || doc.page_calls().filter(|c| c.method == "on" && c.returned);
    let mut again = BTreeSet::new();
    again.extend(ons().filter(|c| c.at.i > reset.at.i).map(Call::event_name));
    let lost: Vec<&Call> =
        ons().filter(|c| !c.from_loader && c.at.i < reset.at.i && !again.contains(&c.event_name())).collect();
    if lost.is_empty() {
        return vec![];
    }
    let mut names: Vec<String> = lost.iter().filter_map(|c| c.event_name()).map(|n| format!("\"{n}\"")).collect();
    names.dedup();
    let mut evidence: Vec<u64> = lost.iter().map(|c| c.at.id).collect();
    evidence.push(reset.at.id);
    let f = finding(
        "listeners-lost-after-reset",
        Severity::Error,
        format!("Handlers for {} lost after the reset", names.join(", ")),
        format!(
            "{} built a new HubSpotConversations object with a new event emitter: handlers registered with on() outside onReady before it no longer receive events.",
            reset.describe()
        ),
        evidence,
    );
    vec![with_fix(f, "// onReady runs again after a reset:\nwindow.hsConversationsOnReady = [\n  () => window.HubSpotConversations.on('conversationStarted', onConversationStarted),\n];")]
}

/// Keys the loader does not read that are close to one it does.
fn settings_unknown_key(doc: &Doc, _: &Context) -> Vec<Finding> {
    let Some((at, _, fields)) = doc.settings_as_read().or(doc.settings.last()) else { return vec![] };
    let typos: Vec<(String, &str)> = unknown_keys(fields)
        .into_iter()
        .filter_map(|key| nearest(&key, known_keys()).map(|known| (key, known)))
        .collect();
    if typos.is_empty() {
        return vec![];
    }
    let text: Vec<String> = typos.iter().map(|(key, known)| format!("\"{key}\" (did you mean \"{known}\"?)")).collect();
    let f = finding(
        "settings-unknown-key",
        Severity::Warning,
        format!("Unknown setting {}", text.join(", ")),
        format!("The loader ignores keys it does not know, silently: {} has no effect.", text.join(", ")),
        vec![at.id],
    );
    let (_, known) = typos[0];
    vec![with_fix(f, format!("window.hsConversationsSettings = {{\n  {known}: …\n}};"))]
}

/// Facts worth knowing that are not problems.
fn notes(doc: &Doc) -> Vec<Note> {
    let mut notes = vec![];
    if let Some((at, data)) = doc.widget_data.last().filter(|(_, d)| matches!(d.status, 204 | 404)) {
        if chat_shown(doc) {
            notes.push(Note {
                text: format!(
                    "widget-data answered {} for this URL: no chat here, but the widget loaded earlier stays (only HIDE_WIDGET removes it).",
                    data.status
                ),
                evidence: vec![at.id],
            });
        }
    }
    let reported: Vec<&(At, CspRow)> =
        doc.csps.iter().filter(|(_, csp)| csp.report && !csp.is_devtools_source_map()).collect();
    if !reported.is_empty() {
        let mut families = BTreeSet::new();
        families.extend(reported.iter().map(|(_, csp)| csp.family()));
        let families: Vec<&str> = families.into_iter().collect();
        let chat = reported.iter().any(|(_, csp)| csp.target() != CspTarget::Other);
        notes.push(Note {
            text: format!(
                "A report-only Content-Security-Policy reported HubSpot ({}): nothing was blocked{}.",
                families.join(", "),
                if chat { "; enforced as it is, it would stop the chat" } else { "" }
            ),
            evidence: reported.iter().map(|(at, _)| at.id).collect(),
        });
    }
    if let Some(note) = old_loader_drops(doc) {
        notes.push(note);
    }
    let Some((at, env)) = &doc.env else { return notes };
    let host = env.host.trim_start_matches('[').trim_end_matches(']');
    let local = host == "localhost" || host.ends_with(".localhost") || is_ip_address(host);
    if local {
        notes.push(Note {
            text: format!("{host}: the browser stores messagesUtk host-only here, and it persists."),
            evidence: vec![at.id],
        });
    }
    if !env.secure {
        notes.push(Note {
            text: "plain http: the loader warns, the cookie still persists".into(),
            evidence: vec![at.id],
        });
    }
    notes
}

/// The SDK events HubSpot's 2022 loader passes to `on()` handlers (it drops the others silently).
const OLD_LOADER_EVENTS: usize = 5;

/// `on()` for an event the 2022 loader never delivers, on a page whose loader looks like that one
/// (its `hubspot:messages:initialized` carries no `reason`; the newer loader's does). A note, not a
/// finding: the event alone does not prove which loader it is.
fn old_loader_drops(doc: &Doc) -> Option<Note> {
    let (init, _) = doc.initialized.iter().find(|(_, r)| r.will_render.is_some() && r.reason.is_none())?;
    let mut names = BTreeSet::new();
    let mut evidence = vec![];
    for call in doc.page_calls().filter(|c| c.returned && c.method == "on") {
        if let Some(name) = call.event_name().filter(|n| SDK_EVENT_NAMES[OLD_LOADER_EVENTS..].contains(n)) {
            names.insert(name);
            evidence.push(call.at.id);
        }
    }
    if names.is_empty() {
        return None;
    }
    evidence.push(init.id);
    let names: Vec<&str> = names.into_iter().collect();
    Some(Note {
        text: format!(
            "on(\"{}\"): hubspot:messages:initialized came without a reason, as from HubSpot's 2022 loader, which calls on() handlers only for {}; if this is that loader, these handlers never run.",
            names.join("\", \""),
            SDK_EVENT_NAMES[..OLD_LOADER_EVENTS].join(", ")
        ),
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::PageRecord;
    use crate::core::summary::{navigation_row, record_row};
    use crate::core::throttle::Throttle;
    use serde_json::json;

    /// Reads `valid` and every mutation of it (each field left out, `null`, of each JSON type, out of
    /// range; an unknown field added) by hand and with serde's derived decoder: the same row or none.
    fn reads_as_derived<T: FromPayload + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(valid: Value) {
        reads_like_derived(valid, parse::<T>, false);
    }

    fn reads_like_derived<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        valid: Value,
        read: fn(&Entry) -> Option<T>,
        nested_structs: bool,
    ) {
        let map = valid.as_object().expect("an object").clone();
        let mut cases = vec![valid.clone(), json!({"unknown": [1, {"x": null}]})];
        for key in map.keys() {
            let mut gone = map.clone();
            gone.remove(key);
            cases.push(Value::Object(gone));
            for change in [
                Value::Null,
                json!("x"),
                json!(0),
                json!(1),
                json!(-1),
                json!(1.5),
                json!(70_000),
                json!(5_000_000_000u64),
                json!(true),
                json!([]),
                json!(["a", "b"]),
                json!([1]),
                json!({}),
                json!("returned"),
                json!("push"),
                json!("assigned"),
            ] {
                // serde also reads a struct from an array of its fields in order (a settings field as
                // `["string", "x"]`); no row is written so, and the hand reader wants objects.
                if nested_structs && change.as_array().is_some_and(|a| !a.is_empty()) {
                    continue;
                }
                let mut changed = map.clone();
                changed.insert(key.clone(), change);
                cases.push(Value::Object(changed));
            }
        }
        let mut extra = map.clone();
        extra.insert("unknown".into(), json!({"y": 2}));
        cases.push(Value::Object(extra));
        for case in cases {
            let text = case.to_string();
            let entry = Entry::sample(1, EntryKind::Api, "x", "", &text);
            assert_eq!(read(&entry), serde_json::from_str::<T>(&text).ok(), "{text}");
        }
    }

    #[test]
    fn ip_addresses_are_told_as_std_tells_them() {
        let hosts = [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "1..3.4",
            "a.b.c.d",
            "",
            ".",
            "::1",
            "::",
            "1::",
            "fe80::1",
            "2001:db8::8a2e:370:7334",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "1::2::3",
            ":::",
            "::ffff:192.168.1.1",
            "::ffff:1.2.3",
            "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4",
            "1.2.3.4::",
            "12345::",
            "g::1",
            "1:2:3:4:5:6::7",
            "1:2:3:4:5:6:7::",
            "::1:2:3:4:5:6:7",
            ":1::",
            "1:",
            "localhost",
            "shop.test",
            "1.2.3.4a",
            "[::1]",
            "1:2:3:4:5:6:7:8::",
        ];
        for host in hosts {
            assert_eq!(is_ip_address(host), host.parse::<std::net::IpAddr>().is_ok(), "{host}");
        }
    }

    #[test]
    fn rows_are_read_by_hand_as_the_derived_decoders_read_them() {
        reads_as_derived::<PageCallRow>(json!({"method": "on", "generation": 2, "placeholder": false,
        "args": ["x", "[function]"], "outcome": "threw", "handler": 3, "from_loader": true,
        }));
        reads_as_derived::<PanelCallRow>(json!({"args": [{"widgetOpen": true}], "outcome": "not_delivered"}));
        reads_as_derived::<ApiRow>(json!({"state": "ready", "generation": 1}));
        reads_as_derived::<OnReadyRow>(json!({"action": "grew", "array": true, "length": 3, "replaced": 2}));
        reads_as_derived::<LoaderRow>(json!({"src": PORTAL_SCRIPT, "portal": "123", "blocked": true, "again": true}));
        reads_as_derived::<NavRow>(json!({"how": "hashchange", "url": "https://shop.test/#a"}));
        reads_as_derived::<CspRow>(
            json!({"directive": "frame-src", "blocked": "https://app.hubspot.com", "source": "x.js", "report": true}),
        );
        reads_as_derived::<WidgetDataRow>(json!({"status": 204, "duration": 40.5, "url": "x"}));
        reads_as_derived::<FrameRow>(json!({"loaded": true, "inline": true, "src": "https://app.hubspot.com/x"}));
        reads_as_derived::<InlineRow>(json!({"selector": "#chat", "exists": false}));
        reads_as_derived::<ChatMessageRow>(json!({"type": "store-messages-cookie", "utk": true}));
        reads_as_derived::<EnvRow>(json!({"secure": true, "host": "shop.test", "disabled_popups": ["LIVE_CHAT"],
            "to_json": ["Array"], "running": true}));
        reads_as_derived::<InitializedRow>(json!({"messageWillRender": false, "reason": "no chatflow"}));
        reads_like_derived(
            json!({"loadImmediately": {"type": "boolean", "value": false},
            "identificationEmail": {"type": "string", "value": "a@b.test"}, "x": {"type": "undefined"}}),
            parse_settings,
            true,
        );
        let navigation = Entry::sample(1, EntryKind::Navigation, "navigation", "", r#"{"url":"https://shop.test/"}"#);
        assert_eq!(navigation_url(&navigation).as_deref(), Some("https://shop.test/"));
    }

    const ORIGIN: f64 = 1_700_000_000_000.0;
    const PORTAL_SCRIPT: &str = "https://js.hs-scripts.com/123.js";
    const BUNDLE: &str = "https://js.usemessages.com/conversations-embed.js";

    /// A log built the way the hub builds it: records through `record_row`.
    struct Log {
        entries: Vec<std::rc::Rc<Entry>>,
        throttles: BTreeMap<String, Throttle>,
        seq: u64,
    }

    impl Log {
        fn new() -> Log {
            let mut log = Log { entries: vec![], throttles: BTreeMap::new(), seq: 0 };
            log.push_row(navigation_row("https://shop.test/products?page=1"));
            log
        }

        fn push_row(&mut self, row: crate::core::summary::Row) -> u64 {
            let id = self.entries.len() as u64 + 1;
            self.entries.push(std::rc::Rc::new(row.into_entry(id, "d".into(), ORIGIN)));
            id
        }

        /// Adds a record (JSON without `seq`), returns the id of its row.
        fn add(&mut self, mut record: Value) -> u64 {
            self.seq += 1;
            record["seq"] = json!(self.seq);
            let record: PageRecord = serde_json::from_value(record).expect("a valid record");
            let row = record_row(&record, &mut self.throttles).expect("a row");
            self.push_row(row)
        }

        fn api(&mut self, t: f64, state: &str, generation: u32) -> u64 {
            self.add(json!({"k": "api", "t": t, "state": state, "generation": generation}))
        }

        fn call(&mut self, t: f64, method: &str, extra: Value) -> u64 {
            let mut record = json!({
                "k": "page_call", "t": t, "method": method, "generation": 1, "placeholder": false, "args": [],
                "outcome": "returned", "value": null, "error": "", "handler": 0,
                "caller": "https://shop.test/app.js:1:1", "from_loader": false
            });
            for (key, value) in extra.as_object().unwrap() {
                record[key] = value.clone();
            }
            self.add(record)
        }

        fn on(&mut self, t: f64, method: &str, name: &str, handler: u32, extra: Value) -> u64 {
            let mut extra = extra;
            extra["args"] = json!([name, "[function]"]);
            extra["handler"] = json!(handler);
            self.call(t, method, extra)
        }

        fn panel_call(&mut self, t: f64, method: &str, args: Value) -> u64 {
            self.add(
                json!({"k": "call", "t": t, "id": t as u64, "method": method, "args": args, "outcome": "returned"}),
            )
        }

        fn onready(&mut self, t: f64, action: &str, array: bool, length: u64, replaced: u64) -> u64 {
            self.add(json!({"k": "onready", "t": t, "action": action, "array": array, "length": length, "generation": 1, "replaced": replaced}))
        }

        fn settings(&mut self, t: f64, phase: &str, fields: Value) -> u64 {
            self.add(json!({"k": "settings", "t": t, "source": "assigned", "phase": phase, "present": true, "fields": fields}))
        }

        fn settings_read(&mut self, t: f64, fields: Value) -> Option<u64> {
            self.seq += 1;
            let record = json!({"k": "settings", "seq": self.seq, "t": t, "source": "read", "phase": "before_loader", "present": true, "fields": fields});
            let row = record_row(&serde_json::from_value(record).unwrap(), &mut self.throttles)?;
            Some(self.push_row(row))
        }

        fn loader(&mut self, t: f64, src: &str, portal: Option<&str>, flags: Value) -> u64 {
            let mut record = json!({"k": "loader", "t": t, "src": src, "portal": portal});
            for (key, value) in flags.as_object().unwrap() {
                record[key] = value.clone();
            }
            self.add(record)
        }

        fn nav(&mut self, t: f64, how: &str, url: &str) -> u64 {
            self.add(json!({"k": "nav", "t": t, "how": how, "url": url}))
        }

        fn csp(&mut self, t: f64, directive: &str, blocked: &str, source: &str) -> u64 {
            self.add(json!({"k": "csp", "t": t, "directive": directive, "blocked": blocked, "source": source}))
        }

        fn widget_data(&mut self, t: f64, status: u16) -> u64 {
            let url = "https://api.hubspot.com/livechat-public/v1/message/public?portalId=123";
            self.add(json!({"k": "widget_data", "t": t, "url": url, "status": status, "duration": 40}))
        }

        fn iframe(&mut self, t: f64, inline: bool) -> u64 {
            self.add(json!({"k": "iframe", "t": t, "inline": inline, "src": "https://app.hubspot.com/conversations-visitor/123"}))
        }

        fn loaded(&mut self, t: f64, inline: bool) -> u64 {
            self.add(
                json!({"k": "widget", "t": t, "loaded": true, "inline": inline, "src": "https://app.hubspot.com/x"}),
            )
        }

        fn initialized(&mut self, t: f64, will: bool, reason: Option<&str>) -> u64 {
            let payload = json!({"messageWillRender": will, "reason": reason});
            self.add(json!({"k": "event", "t": t, "name": MESSAGES_INITIALIZED, "payload": payload, "via": "dom"}))
        }

        fn inline(&mut self, t: f64, selector: &str, exists: bool) -> Option<u64> {
            self.seq += 1;
            let record = json!({"k": "inline", "seq": self.seq, "t": t, "selector": selector, "exists": exists});
            let row = record_row(&serde_json::from_value(record).unwrap(), &mut self.throttles)?;
            Some(self.push_row(row))
        }

        fn store_cookie(&mut self, t: f64) -> u64 {
            self.add(json!({"k": "chat_message", "t": t, "type": "store-messages-cookie", "utk": true}))
        }

        fn env(&mut self, t: f64, extra: Value) -> u64 {
            let mut record = json!({"k": "env", "t": t, "secure": true, "host": "shop.test", "disabled_popups": null, "to_json": [], "running": false});
            for (key, value) in extra.as_object().unwrap() {
                record[key] = value.clone();
            }
            self.add(record)
        }

        /// A page whose chat works: portal script, loader, onReady, widget-data 200, iframe loaded.
        fn healthy() -> Log {
            let mut log = Log::new();
            log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({}));
            log.onready(20.0, "assigned", true, 1, 0);
            log.settings(21.0, "before_loader", json!({"loadImmediately": {"type": "boolean", "value": true}}));
            log.loader(300.0, BUNDLE, Some("123"), json!({}));
            log.env(400.0, json!({}));
            log.api(500.0, "ready", 1);
            log.onready(501.0, "read", true, 1, 0);
            log.on(502.0, "on", "conversationStarted", 1, json!({"from_loader": true}));
            log.widget_data(700.0, 200);
            log.iframe(710.0, false);
            log.initialized(711.0, true, None);
            log.loaded(800.0, false);
            log
        }

        fn diagnose(&self, now_t: f64) -> Diagnosis {
            self.diagnose_with(now_t, None)
        }

        fn diagnose_with(&self, now_t: f64, cookies: Option<Vec<(&str, &str)>>) -> Diagnosis {
            let cookies = cookies.map(|list| {
                list.into_iter().map(|(name, value)| CookieSummary { name: name.into(), value: value.into() }).collect()
            });
            let diagnosis =
                diagnose(&self.entries, &Context { now_wall: ORIGIN + now_t, cookies, messages_utk_seen: false });
            // Errors first, then warnings, then infos.
            assert!(diagnosis.findings.is_sorted_by_key(|f| f.severity), "{:?}", diagnosis.findings);
            diagnosis
        }
    }

    fn only(diagnosis: &Diagnosis, rule: &str) -> Finding {
        let found: Vec<&Finding> = diagnosis.findings.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(found.len(), 1, "one {rule} finding in {:#?}", diagnosis.findings);
        found[0].clone()
    }

    fn assert_clean(diagnosis: &Diagnosis) {
        assert!(diagnosis.findings.is_empty(), "no finding expected: {:#?}", diagnosis.findings);
    }

    #[test]
    fn a_healthy_page_has_no_finding() {
        let log = Log::healthy();
        assert_clean(&log.diagnose(60_000.0));
        assert_clean(&log.diagnose_with(60_000.0, Some(vec![("messagesUtk", "0123"), ("hubspotutk", "x")])));
        assert_eq!(headline(&log.diagnose(60_000.0)), "No problem found");
    }

    /// SDK events and open rows are left out before the rules' sort: interleaved with the rows the
    /// rules read (at the same times, the ties the sort breaks), they change no finding.
    #[test]
    fn sdk_events_between_the_rows_change_no_finding() {
        fn page(events: bool) -> Log {
            let mut log = Log::new();
            let noise = |log: &mut Log, t: f64| {
                if events {
                    log.add(json!({"k": "event", "t": t, "name": "unreadConversationCountChanged", "payload": {"unreadCount": 1}, "via": "iframe"}));
                    log.add(json!({"k": "open", "t": t, "open": true, "user": false}));
                }
            };
            log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({}));
            noise(&mut log, 10.0);
            log.onready(20.0, "assigned", true, 1, 0);
            log.loader(300.0, BUNDLE, Some("123"), json!({}));
            log.api(500.0, "ready", 1);
            noise(&mut log, 500.0);
            log.onready(501.0, "read", true, 1, 0);
            log.on(502.0, "on", "conversationStrated", 1, json!({"from_loader": true}));
            noise(&mut log, 502.0);
            log.call(600.0, "widget.open", json!({}));
            noise(&mut log, 600.0);
            log.call(650.0, "clear", json!({"args": [{"resetWidget": true}]}));
            log.api(650.0, "ready", 2);
            noise(&mut log, 650.0);
            log.widget_data(700.0, 200);
            log.iframe(710.0, false);
            noise(&mut log, 710.0);
            log.initialized(711.0, true, None);
            log.loaded(800.0, false);
            noise(&mut log, 800.0);
            log.onready(900.0, "assigned", true, 1, 0);
            noise(&mut log, 900.0);
            log
        }
        let rules = |d: &Diagnosis| d.findings.iter().map(|f| (f.rule, f.title.clone())).collect::<Vec<_>>();
        let (quiet, busy) = (page(false).diagnose(60_000.0), page(true).diagnose(60_000.0));
        assert!(quiet.findings.len() >= 2, "the scenario has findings: {:?}", rules(&quiet));
        assert_eq!(rules(&quiet), rules(&busy));
    }

    #[test]
    fn only_the_current_document_counts() {
        let mut log = Log::new();
        log.loader(1.0, PORTAL_SCRIPT, Some("123"), json!({"blocked": true}));
        assert_eq!(only(&log.diagnose(10.0), "loader-blocked").rule, "loader-blocked");
        log.push_row(navigation_row("https://shop.test/next"));
        assert_clean(&log.diagnose(10.0));
    }

    // ---- onready-not-run
    #[test]
    fn onready_not_run_fires_when_assigned_after_the_read_not_an_array_or_pushed_into() {
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.onready(501.0, "read", false, 0, 0);
        let late = log.onready(900.0, "assigned", true, 1, 0);
        let f = only(&log.diagnose(5000.0), "onready-not-run");
        assert_eq!((f.severity, f.evidence.clone()), (Severity::Error, vec![late]));
        assert!(f.explanation.contains("assigned after the loader had read it"), "{}", f.explanation);
        assert!(f.fix.unwrap().contains("window.hsConversationsOnReady = ["));

        let mut log = Log::new();
        let not_array = log.onready(10.0, "assigned", false, 0, 0);
        log.api(500.0, "ready", 1);
        log.onready(501.0, "read", false, 0, 0);
        let f = only(&log.diagnose(5000.0), "onready-not-run");
        assert_eq!(f.evidence, vec![not_array]);
        assert!(f.explanation.contains("not an array"));

        let mut log = Log::healthy();
        let grew = log.onready(2500.0, "grew", true, 2, 0);
        assert_eq!(only(&log.diagnose(5000.0), "onready-not-run").evidence, vec![grew]);
    }

    #[test]
    fn onready_not_run_is_quiet_when_callbacks_run_on_each_object() {
        // Assigned before the placeholder; pushed into after its read, then read again by load().
        let mut log = Log::new();
        log.onready(10.0, "assigned", true, 1, 0);
        log.api(500.0, "placeholder", 1);
        log.onready(501.0, "read", true, 1, 0);
        log.onready(600.0, "assigned", true, 2, 0);
        log.call(700.0, "widget.load", json!({"placeholder": true}));
        log.api(701.0, "ready", 2);
        log.onready(702.0, "read", true, 2, 0);
        assert!(log.diagnose(60_000.0).findings.iter().all(|f| f.rule != "onready-not-run"));
        // An empty array assigned late (a reset of the list) runs nothing and loses nothing.
        let mut log = Log::healthy();
        log.onready(5000.0, "assigned", true, 0, 0);
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- onready-twice
    fn placeholder_then_load(log: &mut Log) {
        log.settings(5.0, "before_loader", json!({"loadImmediately": {"type": "boolean", "value": false}}));
        log.onready(10.0, "assigned", true, 1, 0);
        log.api(500.0, "placeholder", 1);
        log.onready(501.0, "read", true, 1, 0);
        log.on(
            502.0,
            "on",
            "conversationStarted",
            1,
            json!({"from_loader": true, "placeholder": true, "generation": 1}),
        );
        log.call(503.0, "widget.load", json!({"from_loader": true, "placeholder": true, "generation": 1}));
        log.api(504.0, "ready", 2);
        log.onready(505.0, "read", true, 1, 0);
    }

    #[test]
    fn onready_twice_fires_when_on_runs_on_the_placeholder_and_on_the_loaded_object() {
        let mut log = Log::new();
        placeholder_then_load(&mut log);
        // The callback runs again: a new closure (handler #2), the same event, the shared emitter.
        let second = log.on(506.0, "on", "conversationStarted", 2, json!({"from_loader": true, "generation": 2}));
        let f = only(&log.diagnose(60_000.0), "onready-twice");
        assert!(f.evidence.contains(&second) && f.evidence.len() == 2);
        assert!(f.title.contains("\"conversationStarted\""));
    }

    #[test]
    fn onready_twice_is_quiet_for_callbacks_running_twice_and_after_a_reset() {
        // Callbacks merely running twice (no on() in them).
        let mut log = Log::new();
        log.settings(5.0, "before_loader", json!({"loadImmediately": {"type": "boolean", "value": false}}));
        log.onready(10.0, "assigned", true, 1, 0);
        log.api(500.0, "placeholder", 1);
        log.onready(501.0, "read", true, 1, 0);
        log.call(503.0, "widget.load", json!({"from_loader": true, "placeholder": true, "generation": 1}));
        log.api(504.0, "ready", 2);
        log.onready(505.0, "read", true, 1, 0);
        assert!(log.diagnose(60_000.0).findings.iter().all(|f| f.rule != "onready-twice"));
        // on() in onReady with loadImmediately:true (no placeholder), then a reset: a new emitter.
        let mut log = Log::healthy();
        log.call(5000.0, "clear", json!({"args": [{"resetWidget": true}], "generation": 1}));
        log.api(5001.0, "ready", 2);
        log.onready(5002.0, "read", true, 1, 0);
        log.on(5003.0, "on", "conversationStarted", 2, json!({"from_loader": true, "generation": 2}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- settings-invalid
    #[test]
    fn settings_invalid_gives_the_loaders_exact_invariant_violation() {
        let mut log = Log::new();
        let id = log.settings(5.0, "before_loader", json!({"loadImmediately": {"type": "string", "value": "false"}}));
        log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({}));
        let d = log.diagnose(60_000.0);
        let f = only(&d, "settings-invalid");
        assert_eq!(f.evidence, vec![id]);
        assert_eq!(f.title, "Chat will not show: hsConversationsSettings.loadImmediately is invalid");
        assert!(f.explanation.contains("Invariant Violation: Expected mergedSettings.loadImmediately to be a boolean"));
        assert!(f.fix.unwrap().contains("loadImmediately: false"));
        assert_eq!(headline(&d), f.title);
        // Changed in place after a valid assignment: the read shows it.
        let mut log = Log::new();
        log.settings(5.0, "before_loader", json!({}));
        let read = log.settings_read(900.0, json!({"isFullscreen": {"type": "number", "value": 1}})).unwrap();
        assert_eq!(only(&log.diagnose(60_000.0), "settings-invalid").evidence, vec![read]);
    }

    #[test]
    fn settings_invalid_is_quiet_when_the_loader_accepted_them() {
        assert_clean(&Log::healthy().diagnose(60_000.0));
        // Invalid, but assigned after the loader read valid ones: no effect, not this rule.
        let mut log = Log::healthy();
        log.settings(5000.0, "after_loader", json!({"loadImmediately": {"type": "string", "value": "no"}}));
        assert!(log.diagnose(60_000.0).findings.iter().all(|f| f.rule != "settings-invalid"));
    }

    // ---- load-never-called
    #[test]
    fn load_never_called_fires_after_the_grace_period() {
        let mut log = Log::new();
        log.settings(5.0, "before_loader", json!({"loadImmediately": {"type": "boolean", "value": false}}));
        let placeholder = log.api(500.0, "placeholder", 1);
        let early = log.diagnose(500.0 + LOAD_GRACE_MS - 1.0);
        assert!(early.findings.is_empty(), "within the grace period");
        assert_eq!(early.recheck_at, Some(ORIGIN + 500.0 + LOAD_GRACE_MS), "the panel runs it again then");
        let d = log.diagnose(500.0 + LOAD_GRACE_MS);
        let f = only(&d, "load-never-called");
        assert_eq!(
            (f.evidence, f.title.as_str()),
            (vec![placeholder], "Chat will not show: widget.load() was never called")
        );
        assert_eq!(headline(&d), "Chat will not show: widget.load() was never called");
        assert_eq!(d.recheck_at, None, "no grace period left");
    }

    #[test]
    fn load_never_called_is_quiet_once_load_was_called() {
        let mut log = Log::new();
        placeholder_then_load(&mut log);
        assert_clean(&log.diagnose(60_000.0));
        // Called, the real object not reported yet.
        let mut log = Log::new();
        log.api(500.0, "placeholder", 1);
        log.call(9000.0, "widget.load", json!({"placeholder": true}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- inline-target-missing
    #[test]
    fn inline_target_missing_fires_when_the_loader_renders_without_the_element() {
        let mut log = Log::new();
        log.settings(5.0, "before_loader", json!({"inlineEmbedSelector": {"type": "string", "value": "#chat"}}));
        log.api(500.0, "ready", 1);
        let missing = log.inline(501.0, "#chat", false).unwrap();
        log.widget_data(700.0, 200);
        let render = log.initialized(710.0, true, None);
        let f = only(&log.diagnose(60_000.0), "inline-target-missing");
        assert_eq!(f.evidence, vec![missing, render]);
        assert_eq!(f.title, "Chat will not show: the inline target \"#chat\" does not exist");
        assert!(f.explanation.contains("only remove() then load() recovers"));
        assert!(f.fix.unwrap().contains("widget.remove();\nwindow.HubSpotConversations.widget.load();"));
    }

    #[test]
    fn inline_target_missing_is_quiet_when_the_element_appears_in_time() {
        let mut log = Log::new();
        log.settings(5.0, "before_loader", json!({"inlineEmbedSelector": {"type": "string", "value": "#chat"}}));
        log.api(500.0, "ready", 1);
        log.inline(501.0, "#chat", false);
        log.widget_data(700.0, 200);
        log.iframe(705.0, true);
        log.initialized(706.0, true, None);
        log.loaded(800.0, true);
        assert_clean(&log.diagnose(60_000.0));
        assert_eq!(log.inline(900.0, "#chat", true), None, "an existing target gives no row");
    }

    // ---- unknown-event-name
    #[test]
    fn unknown_event_name_suggests_the_nearest_sdk_event() {
        let mut log = Log::healthy();
        let typo = log.on(1000.0, "on", "conversationStrated", 5, json!({}));
        let f = only(&log.diagnose(60_000.0), "unknown-event-name");
        assert_eq!(f.evidence, vec![typo]);
        assert!(f.explanation.contains("did you mean \"conversationStarted\"?"), "{}", f.explanation);
        assert_eq!(f.fix.as_deref(), Some("window.HubSpotConversations.on('conversationStarted', handler);"));
    }

    #[test]
    fn unknown_event_name_flags_off_with_a_handler_never_registered() {
        let mut log = Log::healthy();
        log.on(1000.0, "on", "conversationClosed", 7, json!({}));
        let off = log.on(2000.0, "off", "conversationClosed", 8, json!({}));
        let f = only(&log.diagnose(60_000.0), "unknown-event-name");
        assert_eq!((f.evidence, f.title.as_str()), (vec![off], "off(\"conversationClosed\") removes nothing"));
    }

    #[test]
    fn unknown_event_name_is_quiet_for_sdk_names_and_matching_off() {
        let mut log = Log::healthy();
        log.on(1000.0, "on", "widgetLoaded", 7, json!({}));
        log.on(2000.0, "off", "widgetLoaded", 7, json!({}));
        // A call that threw (not a function) registered nothing.
        log.on(2100.0, "on", "madeUp", 0, json!({"outcome": "threw", "error": "TypeError"}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- throttle-collapsed
    #[test]
    fn throttle_collapsed_names_the_lost_arguments() {
        let mut log = Log::healthy();
        log.call(5000.0, "widget.refresh", json!({}));
        let lost = log.call(5300.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        let winner = log.call(5600.0, "widget.refresh", json!({}));
        let f = only(&log.diagnose(60_000.0), "throttle-collapsed");
        assert_eq!(f.evidence, vec![lost, winner]);
        assert!(
            f.explanation.contains(r#"widget.refresh({"openToNewThread":true}) had no effect"#),
            "{}",
            f.explanation
        );
        assert!(f.explanation.contains("at 6.000 s"), "{}", f.explanation);
    }

    #[test]
    fn throttle_collapsed_flags_a_refresh_while_the_first_load_is_in_flight() {
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        let refresh = log.call(520.0, "widget.refresh", json!({}));
        let data = log.widget_data(700.0, 200);
        // Its request started at 700 and was answered at 740: a refresh at 730 is dropped too.
        let during = log.call(730.0, "widget.refresh", json!({}));
        log.call(745.0, "widget.refresh", json!({}));
        let f = only(&log.diagnose(60_000.0), "throttle-collapsed");
        assert_eq!(f.evidence, vec![refresh, during, data]);
        assert!(f.title.contains("in flight"));
    }

    #[test]
    fn throttle_collapsed_is_quiet_for_a_leading_and_a_trailing_call_or_spaced_calls() {
        let mut log = Log::healthy();
        log.call(5000.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        log.call(5300.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        log.call(5600.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        log.call(9000.0, "widget.refresh", json!({}));
        log.call(10_500.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        // The trailing call (due at 13.0 s) does not open a window: the call at 13.5 s runs at once,
        // and only the one at 13.7 s waits (for 14.5 s), so no arguments are lost.
        log.call(12_000.0, "widget.refresh", json!({}));
        log.call(12_500.0, "widget.refresh", json!({}));
        log.call(13_500.0, "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        log.call(13_700.0, "widget.refresh", json!({}));
        assert_clean(&log.diagnose(60_000.0));
    }

    /// Three `widget.refresh()` calls at `calls` (the middle one with an argument) and the first
    /// one's widget-data request at `first_request`: the log and the ids of the middle and last call.
    fn three_refreshes(calls: [f64; 3], first_request: f64) -> (Log, u64, u64) {
        let mut log = Log::healthy();
        log.call(calls[0], "widget.refresh", json!({}));
        log.widget_data(first_request, 200);
        let lost = log.call(calls[1], "widget.refresh", json!({"args": [{"openToNewThread": true}]}));
        let winner = log.call(calls[2], "widget.refresh", json!({}));
        (log, lost, winner)
    }

    #[test]
    fn throttle_collapsed_follows_a_trailing_call_that_ran_late() {
        // A busy page: the trailing call due at 6.0 s ran at 6.474 s (its widget-data request), so
        // the call at 6.1 s merged into it too and the middle call's argument was lost.
        let (mut log, lost, winner) = three_refreshes([5000.0, 5300.0, 6100.0], 5003.0);
        let before_the_request = log.diagnose(60_000.0);
        log.widget_data(6474.0, 200);
        let f = only(&log.diagnose(60_000.0), "throttle-collapsed");
        assert_eq!(f.evidence, vec![lost, winner]);
        assert!(f.explanation.contains("at 6.474 s"), "{}", f.explanation);
        // Until its request is seen the trailing call is taken to have run when due: the call at
        // 6.1 s then ran at once (as it would have on an idle page), and nothing was merged.
        assert!(before_the_request.findings.iter().all(|f| f.rule != "throttle-collapsed"));
    }

    #[test]
    fn throttle_collapsed_follows_a_trailing_call_that_ran_seconds_late() {
        // As a loaded CI machine ran the simulator in Firefox: refresh() at 2.412 s (its request at
        // 2.419 s), the middle call at 3.005 s, the last at 4.025 s, after the trailing call was
        // due (3.412 s) but before its timer ran (its request at 5.035 s): both merged.
        const CALLS: [f64; 3] = [2412.0, 3005.0, 4025.0];
        let (mut log, lost, winner) = three_refreshes(CALLS, 2419.0);
        log.widget_data(5035.0, 200);
        let f = only(&log.diagnose(60_000.0), "throttle-collapsed");
        assert_eq!(f.evidence, vec![lost, winner]);
        assert!(f.explanation.contains("at 5.035 s"), "{}", f.explanation);
        // A request long after (another call's) is not taken for the trailing one.
        let (mut log, _, _) = three_refreshes(CALLS, 2419.0);
        log.widget_data(3412.0 + TRAILING_LATE_MS + 1.0, 200);
        assert!(log.diagnose(60_000.0).findings.iter().all(|f| f.rule != "throttle-collapsed"));
    }

    // ---- spa-no-refresh
    #[test]
    fn spa_no_refresh_fires_when_a_route_change_fetches_nothing() {
        let mut log = Log::healthy();
        let nav = log.nav(5000.0, "push", "https://shop.test/cart");
        assert!(log.diagnose(5000.0 + REFRESH_GRACE_MS - 1.0).findings.is_empty(), "within the grace period");
        let f = only(&log.diagnose(5000.0 + REFRESH_GRACE_MS), "spa-no-refresh");
        assert_eq!(f.evidence, vec![nav]);
        assert!(f.fix.unwrap().contains("widget.refresh()"));
        // A query change is a route change too.
        let mut log = Log::healthy();
        let nav = log.nav(5000.0, "replace", "https://shop.test/products?page=2");
        assert_eq!(only(&log.diagnose(60_000.0), "spa-no-refresh").evidence, vec![nav]);
    }

    #[test]
    fn spa_no_refresh_is_quiet_after_a_refresh_and_for_hash_changes() {
        let mut log = Log::healthy();
        log.nav(5000.0, "push", "https://shop.test/cart");
        log.call(5010.0, "widget.refresh", json!({}));
        log.widget_data(5100.0, 200);
        log.nav(6000.0, "push", "https://shop.test/checkout");
        log.nav(6001.0, "replace", "https://shop.test/checkout?step=1");
        log.call(6010.0, "widget.refresh", json!({}));
        log.nav(9000.0, "hashchange", "https://shop.test/checkout?step=1#reviews");
        log.nav(9500.0, "hashchange", "https://shop.test/checkout?step=1#hs-chat-open");
        log.nav(9600.0, "popstate", "https://shop.test/checkout?step=1");
        assert_clean(&log.diagnose(60_000.0));
        // No chat on the page at all: nothing to refresh.
        let mut log = Log::new();
        log.nav(5000.0, "push", "https://shop.test/cart");
        assert_clean(&log.diagnose(60_000.0));
    }

    #[test]
    fn spa_no_refresh_is_not_answered_by_a_call_the_loader_ignores() {
        // load() on a loaded widget does nothing; a refresh() on a stale placeholder only warns.
        for (method, extra) in [("widget.load", json!({})), ("widget.refresh", json!({"placeholder": true}))] {
            let mut log = Log::healthy();
            let nav = log.nav(5000.0, "push", "https://shop.test/cart");
            log.call(5010.0, method, extra);
            assert_eq!(only(&log.diagnose(60_000.0), "spa-no-refresh").evidence, vec![nav], "{method}");
        }
        // A refresh() the loader dropped (the first widget-data request still in flight): no request.
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.widget_data(700.0, 200); // answered at 740 ms
        let nav = log.nav(710.0, "push", "https://shop.test/cart");
        log.call(720.0, "widget.refresh", json!({}));
        let d = log.diagnose(60_000.0);
        assert_eq!(only(&d, "spa-no-refresh").evidence, vec![nav]);
        assert!(d.findings.iter().any(|f| f.title.contains("dropped")));
        // Answers: a reset (a new widget fetches widget-data), the first load() of a deferred widget.
        let mut log = Log::healthy();
        log.nav(5000.0, "push", "https://shop.test/cart");
        log.call(5010.0, "clear", json!({"args": [{"resetWidget": true}]}));
        assert_clean(&log.diagnose(60_000.0));
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.nav(600.0, "push", "https://shop.test/cart");
        log.call(610.0, "widget.load", json!({}));
        assert!(log.diagnose(60_000.0).findings.iter().all(|f| f.rule != "spa-no-refresh"));
    }

    #[test]
    fn old_loader_note_names_the_events_it_does_not_deliver() {
        let mut log = Log::healthy(); // its messages:initialized has no reason
        let loaded = log.on(800.0, "on", "widgetLoaded", 2, json!({}));
        log.on(801.0, "on", "conversationClosed", 3, json!({}));
        let closed = log.on(802.0, "on", "widgetClosed", 4, json!({}));
        let d = log.diagnose(60_000.0);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        let note = d.notes.iter().find(|n| n.text.contains("2022 loader")).expect("the note");
        assert!(note.text.starts_with("on(\"widgetClosed\", \"widgetLoaded\"):"), "{}", note.text);
        assert!(note.text.contains(
            "conversationStarted, conversationClosed, unreadConversationCountChanged, inputStaging, contactAssociated;"
        ));
        assert_eq!(note.evidence[..2], [loaded, closed]);
        // The newer loader gives a reason: no note; nor for the five it delivers.
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.initialized(711.0, true, Some("SHOW_WIDGET"));
        log.on(800.0, "on", "widgetLoaded", 2, json!({}));
        assert!(log.diagnose(60_000.0).notes.iter().all(|n| !n.text.contains("2022")));
        let mut log = Log::healthy();
        log.on(800.0, "on", "inputStaging", 2, json!({}));
        assert!(log.diagnose(60_000.0).notes.iter().all(|n| !n.text.contains("2022")));
    }

    // ---- no-chat-on-page
    #[test]
    fn no_chat_on_page_says_which_cause() {
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        let data = log.widget_data(700.0, 204);
        log.initialized(701.0, false, None);
        let d = log.diagnose(60_000.0);
        let f = only(&d, "no-chat-on-page");
        assert_eq!((f.severity, f.evidence), (Severity::Error, vec![data]));
        assert_eq!(headline(&d), "Chat will not show: widget-data answered 204 for this URL");

        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.widget_data(700.0, 200);
        let hidden = log.initialized(701.0, false, Some("HIDE_WIDGET"));
        let f = only(&log.diagnose(60_000.0), "no-chat-on-page");
        assert_eq!(f.evidence, vec![hidden]);
        assert!(f.title.contains("HIDE_WIDGET"));
        // The 2022 loader: no reason, widget-data answered 200.
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.widget_data(700.0, 200);
        let hidden = log.initialized(701.0, false, None);
        let f = only(&log.diagnose(60_000.0), "no-chat-on-page");
        assert_eq!(
            (f.evidence, f.title.as_str()),
            (vec![hidden], "Chat will not show: the chatflow hides the widget on this page (HIDE_WIDGET)")
        );
        // No answer seen (the request failed): no guess.
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.initialized(701.0, false, None);
        assert!(only(&log.diagnose(60_000.0), "no-chat-on-page").title.ends_with("messageWillRender: false"));

        let mut log = Log::new();
        let env = log.env(100.0, json!({"disabled_popups": ["LIVE_CHAT"]}));
        log.api(500.0, "ready", 1);
        log.initialized(701.0, false, None);
        let f = only(&log.diagnose(60_000.0), "no-chat-on-page");
        assert_eq!(
            (f.evidence, f.title.as_str()),
            (vec![env], "Chat will not show: window.disabledHsPopups contains LIVE_CHAT")
        );

        let mut log = Log::new();
        log.env(100.0, json!({"to_json": ["Array.prototype"]}));
        let f = only(&log.diagnose(60_000.0), "no-chat-on-page");
        assert!(f.title.contains("toJSON is defined on Array.prototype"));

        // A refresh answered 404 after the chat loaded (spa.html's route without chat): the old
        // widget stays, which is a note, not a problem.
        let mut log = Log::healthy();
        let data = log.widget_data(5000.0, 404);
        let d = log.diagnose(60_000.0);
        assert_clean(&d);
        assert_eq!(d.notes.len(), 1);
        assert_eq!(d.notes[0].evidence, vec![data]);
        assert!(d.notes[0].text.starts_with("widget-data answered 404 for this URL: no chat here"));
    }

    #[test]
    fn no_chat_on_page_is_quiet_when_the_last_answer_renders() {
        let mut log = Log::healthy();
        log.env(1000.0, json!({"disabled_popups": ["LEADFLOW"]}));
        log.widget_data(5000.0, 204);
        log.widget_data(9000.0, 200);
        log.widget_data(9500.0, 0);
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- duplicate-loader
    #[test]
    fn duplicate_loader_names_the_portal_that_won() {
        let mut log = Log::new();
        let a = log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({}));
        let b = log.loader(11.0, "https://js.hs-scripts.com/456.js", Some("456"), json!({}));
        let bundle = log.loader(300.0, BUNDLE, Some("456"), json!({}));
        let f = only(&log.diagnose(60_000.0), "duplicate-loader");
        assert_eq!(f.title, "Two portals' embed codes: portal 456 won");
        assert_eq!(f.evidence, vec![a, b, bundle]);
        assert!(f.explanation.contains("portal 123's chat silently never loads"));
        // The bundle itself from two places.
        let mut log = Log::new();
        log.loader(300.0, BUNDLE, Some("123"), json!({}));
        log.loader(310.0, "https://cdn.shop.test/conversations-embed.js", Some("123"), json!({}));
        assert!(only(&log.diagnose(60_000.0), "duplicate-loader").explanation.contains("duplicate instance"));
    }

    #[test]
    fn duplicate_loader_is_quiet_for_the_same_portal_script_twice() {
        let mut log = Log::healthy();
        log.loader(12.0, "https://js.hs-scripts.com/123.js?v=2", Some("123"), json!({}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- identification
    #[test]
    fn identification_flags_a_token_without_email_and_a_late_assignment() {
        let mut log = Log::new();
        let id = log.settings(
            5.0,
            "before_loader",
            json!({"identificationToken": {"type": "string", "value": "•••• (40 chars)"}}),
        );
        log.api(500.0, "ready", 1);
        let f = only(&log.diagnose(60_000.0), "identification");
        assert_eq!((f.evidence, f.title.as_str()), (vec![id], "identificationToken without identificationEmail"));

        let mut log = Log::healthy();
        let late = log.settings(
            5000.0,
            "after_loader",
            json!({"identificationEmail": {"type": "string", "value": "a@b.test"},
                   "identificationToken": {"type": "string", "value": "•••• (40 chars)"}}),
        );
        let f = only(&log.diagnose(60_000.0), "identification");
        assert_eq!((f.evidence, f.title.as_str()), (vec![late], "Identification set after the widget started"));
        assert!(f.fix.unwrap().contains("clear({ resetWidget: true })"));
    }

    #[test]
    fn identification_is_quiet_when_both_are_set_in_time_or_followed_by_a_reset() {
        let both = json!({"identificationEmail": {"type": "string", "value": "a@b.test"},
                          "identificationToken": {"type": "string", "value": "•••• (40 chars)"}});
        let mut log = Log::new();
        log.settings(5.0, "before_loader", both.clone());
        log.api(500.0, "ready", 1);
        assert_clean(&log.diagnose(60_000.0));
        let mut log = Log::healthy();
        log.settings(5000.0, "after_loader", both);
        log.call(5001.0, "clear", json!({"args": [{"resetWidget": true}]}));
        log.api(5002.0, "ready", 2);
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- call-before-iframe
    #[test]
    fn call_before_iframe_fires_between_insertion_and_load() {
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.widget_data(700.0, 200);
        log.iframe(710.0, false);
        log.initialized(711.0, true, None);
        let open = log.call(712.0, "widget.open", json!({}));
        // A reset builds the next object in the page: it is not lost.
        log.call(713.0, "clear", json!({"args": [{"resetWidget": true}]}));
        log.loaded(800.0, false);
        let f = only(&log.diagnose(60_000.0), "call-before-iframe");
        assert_eq!(
            (f.evidence, f.title.as_str()),
            (vec![open], "Lost: widget.open() made before the chat iframe loaded")
        );
    }

    #[test]
    fn call_before_iframe_is_quiet_for_calls_queued_before_the_iframe_exists() {
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.call(501.0, "widget.open", json!({"from_loader": true}));
        log.widget_data(700.0, 200);
        log.iframe(710.0, false);
        log.call(711.0, "widget.status", json!({"value": {"loaded": false, "pending": true}}));
        log.loaded(800.0, false);
        log.call(900.0, "widget.open", json!({}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- cookies-cannot-persist
    #[test]
    fn cookies_cannot_persist_fires_when_the_cookie_never_appears_or_opt_out() {
        let mut log = Log::healthy();
        let asked = log.store_cookie(900.0);
        let d = log.diagnose_with(60_000.0, Some(vec![("hubspotutk", "x")]));
        let f = only(&d, "cookies-cannot-persist");
        assert_eq!((f.severity, f.evidence), (Severity::Error, vec![asked]));
        // Seen earlier in this document, deleted since (a clear() in another tab): it did persist.
        let seen = Context { now_wall: ORIGIN + 60_000.0, cookies: Some(vec![]), messages_utk_seen: true };
        assert!(diagnose(&log.entries, &seen).findings.iter().all(|f| f.rule != "cookies-cannot-persist"));
        let d = log.diagnose_with(60_000.0, Some(vec![("messagesUtk", "0123"), ("__hs_opt_out", "yes")]));
        assert!(only(&d, "cookies-cannot-persist").title.contains("__hs_opt_out=yes"));
    }

    #[test]
    fn cookies_cannot_persist_is_quiet_after_the_page_cleared_them_until_the_chat_asks_again() {
        let mut log = Log::healthy();
        log.store_cookie(900.0);
        log.call(1000.0, "clear", json!({"args": []}));
        assert_clean(&log.diagnose_with(60_000.0, Some(vec![])));
        // A reset: the new chat asks again, and this time the write is swallowed.
        log.call(2000.0, "resetAndReloadWidget", json!({}));
        let asked = log.store_cookie(2500.0);
        assert_eq!(only(&log.diagnose_with(60_000.0, Some(vec![])), "cookies-cannot-persist").evidence, vec![asked]);
    }

    #[test]
    fn cookies_cannot_persist_is_quiet_on_localhost_ip_and_http_and_when_unknown() {
        for host in ["localhost", "127.0.0.1", "[::1]", "shop.test"] {
            let mut log = Log::healthy();
            let env = log.env(850.0, json!({"secure": false, "host": host}));
            log.store_cookie(900.0);
            let d = log.diagnose_with(60_000.0, Some(vec![("messagesUtk", "0123"), ("__hs_opt_out", "no")]));
            assert_clean(&d);
            assert!(d
                .notes
                .iter()
                .any(|n| n.text.starts_with("plain http: the loader warns") && n.evidence == vec![env]));
            assert_eq!(d.notes.len(), if host == "shop.test" { 1 } else { 2 }, "{host}: {:?}", d.notes);
        }
        let mut log = Log::healthy();
        log.store_cookie(900.0);
        assert_clean(&log.diagnose_with(60_000.0, None));
        assert_clean(&log.diagnose_with(900.0 + COOKIE_GRACE_MS - 1.0, Some(vec![])));
    }

    // ---- csp-blocked
    #[test]
    fn csp_blocked_fires_per_directive() {
        let mut log = Log::new();
        let frame = log.csp(
            700.0,
            "frame-src",
            "https://app.hubspot.com/conversations-visitor/1",
            "https://js.usemessages.com/conversations-embed.js",
        );
        let connect = log.csp(701.0, "connect-src", "https://api.hubspot.com/livechat-public/v1/message/public", "");
        let d = log.diagnose(60_000.0);
        let rules: Vec<(&str, Vec<u64>)> = d.findings.iter().map(|f| (f.rule, f.evidence.clone())).collect();
        assert_eq!(rules, vec![("csp-blocked", vec![connect]), ("csp-blocked", vec![frame])]);
        assert!(
            d.findings[1].title.contains("(frame-src)")
                && d.findings[1].fix.as_ref().unwrap().contains("https://app.hubspot.com")
        );
    }

    #[test]
    fn csp_blocked_script_src_stops_everything_and_names_only_hosts() {
        let mut log = Log::new();
        log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({}));
        let script = log.csp(11.0, "script-src-elem", PORTAL_SCRIPT, "");
        let inline = log.csp(12.0, "script-src", "inline", "https://js.usemessages.com/conversations-embed.js");
        let d = log.diagnose(60_000.0);
        let f = only(&d, "csp-blocked");
        assert_eq!(f.evidence, vec![script, inline]);
        assert_eq!(headline(&d), "Chat will not show: Content-Security-Policy blocks HubSpot's script (script-src)");
        assert_eq!(
            f.fix.as_deref(),
            Some("Content-Security-Policy: script-src 'self' https://js.hs-scripts.com /* added to your existing sources */")
        );
    }

    #[test]
    fn csp_blocked_tells_the_chat_from_hubspots_other_resources() {
        let mut log = Log::healthy();
        let analytics = log.csp(900.0, "script-src-elem", "https://js.hs-analytics.net/analytics/1/123.js", "");
        let tracking = log.csp(901.0, "img-src", "https://track.hubspot.com/__ptq.gif?a=123", "");
        let meetings = log.csp(902.0, "frame-src", "https://meetings.hubspot.com/sales", "");
        let d = log.diagnose(60_000.0);
        let found: Vec<(Severity, &str, Vec<u64>)> =
            d.findings.iter().map(|f| (f.severity, f.title.as_str(), f.evidence.clone())).collect();
        assert_eq!(
            found,
            vec![
                (Severity::Warning, "Content-Security-Policy blocks HubSpot (frame-src)", vec![meetings]),
                (Severity::Warning, "Content-Security-Policy blocks HubSpot (img-src)", vec![tracking]),
                (Severity::Warning, "Content-Security-Policy blocks HubSpot (script-src)", vec![analytics]),
            ]
        );
        assert!(d.findings.iter().all(|f| f.explanation.ends_with("the chat itself is not affected.")));
        assert!(!headline(&d).starts_with(WILL_NOT_SHOW), "the chat shows: {}", headline(&d));
        // What the loader's bundle itself loads is the widget's.
        let style = log.csp(903.0, "style-src-elem", "inline", "https://js.usemessages.com/conversations-embed.js");
        let d = log.diagnose(60_000.0);
        let f = d.findings.iter().find(|f| f.evidence == vec![style]).expect("the bundle's style");
        assert!(f.severity == Severity::Warning && f.explanation.ends_with("parts of the widget may be missing."));
    }

    #[test]
    fn csp_blocked_knows_the_chat_on_every_hublet_and_in_the_simulator() {
        let mut log = Log::new();
        let frame = log.csp(700.0, "frame-src", "https://app-eu1.hubspot.com/conversations-visitor/1", "");
        let sim_frame = log.csp(701.0, "frame-src", "http://127.0.0.1:8080/hs/chat-iframe.html?uuid=1", "");
        let bundle = log.csp(702.0, "script-src-elem", "https://js-eu1.usemessages.com/conversations-embed.js", "");
        let sim_bundle = log.csp(703.0, "script-src-elem", "http://localhost:8080/hs/conversations-embed.js", "");
        let data = log.csp(704.0, "connect-src", "http://127.0.0.1:8080/hs/livechat-public/v1/message/public", "");
        let d = log.diagnose(60_000.0);
        let found: Vec<(Severity, Vec<u64>)> = d.findings.iter().map(|f| (f.severity, f.evidence.clone())).collect();
        assert_eq!(
            found,
            vec![
                (Severity::Error, vec![bundle, sim_bundle]),
                (Severity::Error, vec![data]),
                (Severity::Error, vec![frame, sim_frame]),
            ]
        );
        assert!(d.findings[2].fix.as_ref().unwrap().contains("http://127.0.0.1:8080 https://app-eu1.hubspot.com"));
    }

    #[test]
    fn csp_blocked_is_a_note_for_a_report_only_policy() {
        let mut log = Log::healthy();
        let url = "https://api.hubspot.com/livechat-public/v1/message/public";
        let reported = log
            .add(json!({"k": "csp", "t": 900.0, "directive": "connect-src", "blocked": url, "source": "",
            "report": true}));
        let d = log.diagnose(60_000.0);
        assert!(d.findings.is_empty(), "{:?}", d.findings);
        let note = d.notes.iter().find(|n| n.evidence == vec![reported]).expect("a note");
        assert_eq!(
            note.text,
            "A report-only Content-Security-Policy reported HubSpot (connect-src): nothing was blocked; enforced as it is, it would stop the chat."
        );
    }

    #[test]
    fn csp_blocked_ignores_devtools_own_source_map_fetch() {
        let mut log = Log::healthy();
        log.csp(900.0, "connect-src", "https://js.usemessages.com/project.js.map", "");
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- onready-overwritten
    #[test]
    fn onready_overwritten_fires_when_a_second_assignment_replaces_callbacks_before_the_read() {
        let mut log = Log::new();
        let first = log.onready(10.0, "assigned", true, 1, 0);
        let second = log.onready(20.0, "assigned", true, 1, 1);
        log.api(500.0, "ready", 1);
        log.onready(501.0, "read", true, 1, 0);
        let f = only(&log.diagnose(60_000.0), "onready-overwritten");
        assert_eq!(f.evidence, vec![first, second]);
    }

    #[test]
    fn onready_overwritten_is_quiet_when_the_first_array_was_read() {
        let mut log = Log::healthy();
        // Re-assigned (for the next object) after the read; read again by the reset.
        log.onready(5000.0, "assigned", true, 1, 1);
        log.call(5001.0, "resetAndReloadWidget", json!({}));
        log.api(5002.0, "ready", 2);
        log.onready(5003.0, "read", true, 1, 0);
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- loader-blocked
    #[test]
    fn loader_blocked_fires_when_the_embed_script_is_neutralised() {
        let mut log = Log::new();
        let blocked = log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({"blocked": true}));
        let d = log.diagnose(60_000.0);
        let f = only(&d, "loader-blocked");
        assert_eq!((f.evidence, f.title.as_str()), (vec![blocked], "Chat will not show: the embed script is blocked"));
        assert!(f.fix.unwrap().contains("js.hs-scripts.com/123.js"));
    }

    #[test]
    fn loader_blocked_is_quiet_once_the_consent_tool_releases_it() {
        let mut log = Log::new();
        log.loader(10.0, PORTAL_SCRIPT, Some("123"), json!({"blocked": true}));
        log.loader(3000.0, PORTAL_SCRIPT, Some("123"), json!({}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- loader-reinserted
    #[test]
    fn loader_reinserted_fires_when_the_embed_code_comes_back() {
        let mut log = Log::healthy();
        let again = log.loader(5000.0, PORTAL_SCRIPT, Some("123"), json!({"again": true}));
        assert_eq!(only(&log.diagnose(60_000.0), "loader-reinserted").evidence, vec![again]);
    }

    #[test]
    fn loader_reinserted_is_quiet_for_the_first_insertion() {
        assert_clean(&Log::healthy().diagnose(60_000.0));
    }

    // ---- stale-placeholder
    #[test]
    fn stale_placeholder_fires_for_calls_on_the_placeholder_after_the_real_object() {
        let mut log = Log::new();
        placeholder_then_load(&mut log);
        let stale = log.call(5000.0, "widget.open", json!({"placeholder": true, "generation": 1}));
        let f = only(&log.diagnose(60_000.0), "stale-placeholder");
        assert_eq!(f.evidence, vec![stale]);
        assert!(f.explanation.starts_with("widget.open() was made on the placeholder"));
        assert!(f.explanation.ends_with("widget.open() only prints a warning."), "{}", f.explanation);
    }

    #[test]
    fn stale_placeholder_says_what_each_call_did_and_leaves_on_and_off_alone() {
        let mut log = Log::new();
        placeholder_then_load(&mut log);
        // The placeholder shares its emitter with the loaded object: on()/off() on it work.
        log.on(5000.0, "on", "conversationStarted", 7, json!({"placeholder": true, "generation": 1}));
        log.on(5001.0, "off", "conversationStarted", 7, json!({"placeholder": true, "generation": 1}));
        assert_clean(&log.diagnose(60_000.0));
        let status = log.call(5002.0, "widget.status", json!({"placeholder": true, "generation": 1}));
        let load = log.call(6500.0, "widget.load", json!({"placeholder": true, "generation": 1}));
        let close = log.call(6501.0, "widget.close", json!({"placeholder": true, "generation": 1}));
        let f = only(&log.diagnose(60_000.0), "stale-placeholder");
        assert_eq!(f.evidence, vec![status, load, close]);
        assert_eq!(
            f.explanation,
            "widget.close(), widget.load(), widget.status() were made on the placeholder object after the real one \
             replaced it (a cached reference): widget.close() only prints a warning; widget.status() answers \
             {loaded:false} whatever the widget does; widget.load() fetches widget-data a second time."
        );
    }

    #[test]
    fn stale_placeholder_is_quiet_for_calls_before_the_real_object() {
        let mut log = Log::new();
        log.api(500.0, "placeholder", 1);
        log.call(501.0, "widget.status", json!({"placeholder": true}));
        log.call(502.0, "widget.load", json!({"placeholder": true}));
        log.api(503.0, "ready", 2);
        log.call(600.0, "widget.open", json!({"generation": 2}));
        assert_clean(&log.diagnose(60_000.0));
    }

    #[test]
    fn a_call_is_placed_when_it_was_made_not_when_its_row_came() {
        // The hook logs load() when it returns, after the object it built and that object's onReady on().
        let mut log = Log::new();
        log.api(500.0, "placeholder", 1);
        log.api(503.0, "ready", 2);
        log.call(502.0, "widget.load", json!({"placeholder": true}));
        assert_clean(&log.diagnose(60_000.0));
    }

    #[test]
    fn on_a_tie_of_the_coarse_clock_a_call_comes_before_what_it_caused() {
        // Firefox's 1 ms clock: load() on the placeholder, the object it built and that object's
        // onReady on() all at the same t, logged in the order the hook adds them.
        let mut log = Log::new();
        log.api(500.0, "placeholder", 1);
        log.api(502.0, "ready", 2);
        log.on(502.0, "on", "conversationStarted", 1, json!({"generation": 2, "from_loader": true}));
        log.call(502.0, "widget.load", json!({"placeholder": true}));
        assert_clean(&log.diagnose(60_000.0));
        // …but what was already there comes first: widget.open() in the initialized handler, right
        // after the chat iframe was inserted, in the same millisecond.
        let mut log = Log::new();
        log.api(500.0, "ready", 1);
        log.iframe(710.0, false);
        log.initialized(710.0, true, None);
        let open = log.call(710.0, "widget.open", json!({}));
        log.loaded(800.0, false);
        assert_eq!(only(&log.diagnose(60_000.0), "call-before-iframe").evidence, vec![open]);
    }

    // ---- listeners-lost-after-reset
    #[test]
    fn listeners_lost_after_reset_fires_for_handlers_registered_outside_onready() {
        let mut log = Log::healthy();
        let on = log.on(1000.0, "on", "conversationClosed", 4, json!({}));
        let reset = log.call(5000.0, "clear", json!({"args": [{"resetWidget": true}]}));
        log.api(5001.0, "ready", 2);
        let f = only(&log.diagnose(60_000.0), "listeners-lost-after-reset");
        assert_eq!(f.evidence, vec![on, reset]);
        // The panel's reset button has the same effect.
        let mut log = Log::healthy();
        log.on(1000.0, "on", "conversationClosed", 4, json!({}));
        let reset = log.panel_call(5000.0, "resetAndReloadWidget", json!([]));
        assert!(only(&log.diagnose(60_000.0), "listeners-lost-after-reset").evidence.contains(&reset));
    }

    #[test]
    fn listeners_lost_after_reset_is_quiet_for_onready_handlers_and_re_registration() {
        let mut log = Log::healthy();
        log.on(1000.0, "on", "conversationClosed", 4, json!({}));
        log.call(5000.0, "clear", json!({"args": [{"resetWidget": true}]}));
        log.api(5001.0, "ready", 2);
        log.onready(5002.0, "read", true, 1, 0);
        log.on(5003.0, "on", "conversationStarted", 9, json!({"from_loader": true, "generation": 2}));
        log.on(5004.0, "on", "conversationClosed", 4, json!({"generation": 2}));
        // clear() without resetWidget keeps the object.
        log.on(6000.0, "on", "widgetLoaded", 5, json!({"generation": 2}));
        log.call(7000.0, "clear", json!({"args": [{"resetWidget": false}], "generation": 2}));
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- settings-unknown-key
    #[test]
    fn settings_unknown_key_suggests_the_nearest_known_key() {
        let mut log = Log::healthy();
        let id = log.settings(22.0, "before_loader", json!({"loadImmedietly": {"type": "boolean", "value": false}}));
        let f = only(&log.diagnose(60_000.0), "settings-unknown-key");
        assert_eq!(f.evidence, vec![id]);
        assert!(f.title.contains("\"loadImmedietly\" (did you mean \"loadImmediately\"?)"), "{}", f.title);
    }

    #[test]
    fn settings_unknown_key_is_quiet_for_known_and_unrelated_keys() {
        let mut log = Log::healthy();
        log.settings(
            22.0,
            "before_loader",
            json!({"loadImmediately": {"type": "boolean", "value": true}, "myAnalyticsId": {"type": "string", "value": "x"}}),
        );
        assert_clean(&log.diagnose(60_000.0));
    }

    // ---- headline, table
    #[test]
    fn the_headline_counts_problems_when_none_stops_the_chat() {
        let mut log = Log::healthy();
        log.loader(5000.0, PORTAL_SCRIPT, Some("123"), json!({"again": true}));
        assert_eq!(headline(&log.diagnose(60_000.0)), "1 problem → Diagnostics");
        log.on(6000.0, "on", "conversationStrated", 5, json!({}));
        assert_eq!(headline(&log.diagnose(60_000.0)), "2 problems → Diagnostics");
    }

    #[test]
    fn every_rule_has_one_function_and_the_ids_of_the_contract() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "onready-not-run",
                "onready-twice",
                "settings-invalid",
                "load-never-called",
                "inline-target-missing",
                "unknown-event-name",
                "throttle-collapsed",
                "spa-no-refresh",
                "no-chat-on-page",
                "duplicate-loader",
                "identification",
                "call-before-iframe",
                "cookies-cannot-persist",
                "csp-blocked",
                "onready-overwritten",
                "loader-blocked",
                "loader-reinserted",
                "stale-placeholder",
                "listeners-lost-after-reset",
                "settings-unknown-key",
            ]
        );
        let docs = include_str!("../../docs/diagnostics.md");
        for id in ids {
            assert!(docs.contains(&format!("`{id}`")), "{id} in docs/diagnostics.md");
        }
    }

    /// The README's troubleshooting table, as [`RULES`] spells it.
    fn troubleshooting_table() -> String {
        let mut table = String::from("| Symptom | Rule | Fix |\n|---|---|---|\n");
        for rule in RULES {
            table.push_str(&format!("| {} | `{}` | {} |\n", rule.symptom, rule.id, rule.fix));
        }
        table
    }

    #[test]
    fn the_readme_troubleshooting_table_is_the_rule_table() {
        let readme = include_str!("../../README.md");
        let start = readme.find("\n## Troubleshooting\n").expect("README has a Troubleshooting section");
        let section = &readme[start + 1..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 4)];
        let rows: String = section.lines().filter(|l| l.starts_with('|')).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            rows,
            troubleshooting_table(),
            "the README table differs from RULES; expected:\n{}",
            troubleshooting_table()
        );
        for rule in RULES {
            assert!(!rule.symptom.contains('|') && !rule.fix.contains('|'), "{} would break the table", rule.id);
        }
    }

    #[test]
    fn edit_distance_and_nearest() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(nearest("conversationstarted", SDK_EVENT_NAMES.iter().copied()), Some("conversationStarted"));
        assert_eq!(nearest("zzzzzzzz", SDK_EVENT_NAMES.iter().copied()), None);
    }
}
