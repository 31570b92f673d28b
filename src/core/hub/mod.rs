//! The background's brain: per-tab logs and page status, fed by relays and read by panels.
//!
//! The hub does no I/O. Each call returns [`Effect`]s that the thin service-worker shim carries
//! out IN ORDER (it awaits each storage write before the next effect), so an `AckRelay` is only
//! sent once everything before it is persisted and a restarted worker loses nothing.

mod cookies;

use super::event_log::{chunk_of, EventLog, Limits};
use super::protocol::{
    decode_page_batch, decode_panel_request, decode_relay_message, encode_panel_update, ApiState, Entry, EntryKind,
    PageBatch, PageRecord, PageStatus, PanelRequest, PanelUpdate, RelayMessage,
};
use super::summary::summarize_event;
use super::throttle::{Throttle, ThrottleVerdict};
use crate::core::protocol::{CallOutcome, InlineView, SettingsSource, SettingsView};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Documents per tab whose de-duplication state and status are remembered (back/forward cache).
const REMEMBERED_DOCS: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Write these storage.session items (values are JSON text).
    Store {
        items: BTreeMap<String, String>,
    },
    Remove {
        keys: Vec<String>,
    },
    /// Send to every panel port subscribed to `tab`.
    ToPanels {
        tab: i64,
        message: String,
    },
    /// Send to the port whose message is being handled.
    Reply {
        message: String,
    },
    /// The panel port being handled now watches `tab`.
    Subscribed {
        tab: i64,
    },
    /// Acknowledge relay batch `batch` (and all before it) on the relay port being handled.
    AckRelay {
        batch: u64,
    },
    /// Send to the relay of `tab`. When no relay is connected and `call` is set, the shim reports
    /// it back with [`Hub::call_undelivered`].
    ToRelay {
        tab: i64,
        message: String,
        call: Option<PendingCall>,
    },
    /// List the cookies the page at `url` sees (the shim calls the cookies API, then
    /// [`Hub::cookies_listed`]).
    ListCookies {
        tab: i64,
        url: String,
    },
    /// Remove exactly these cookies through the cookies API, then list again.
    RemoveCookies {
        tab: i64,
        cookies: Vec<serde_json::Value>,
    },
    /// Inject the relay (isolated world) into the tab: a panel watches a tab no relay reported from.
    InjectRelay {
        tab: i64,
    },
    /// Inject the hook (MAIN world) into the tab, then ask its relay to say hello again.
    InjectHook {
        tab: i64,
    },
    /// A problem worth a line in the worker's console; never page data beyond a short reason.
    Warn {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingCall {
    pub id: u64,
    pub method: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct DocState {
    doc: String,
    last_seq: Option<u64>,
    time_origin: f64,
    status: PageStatus,
    #[serde(default)]
    throttles: BTreeMap<String, Throttle>,
}

#[derive(Debug, Clone)]
struct TabState {
    log: EventLog,
    docs: VecDeque<DocState>,
    rejected: u64,
    next_call_id: u64,
    /// The Cookies tab's last listing and deletions in flight (memory only).
    cookies: cookies::CookieState,
}

#[derive(Serialize, Deserialize)]
struct TabMeta {
    next_id: u64,
    first_id: u64,
    dropped: u64,
    rejected: u64,
    docs: VecDeque<DocState>,
    #[serde(default)]
    next_call_id: u64,
}

impl TabState {
    fn new(limits: Limits) -> Self {
        TabState {
            log: EventLog::new(limits),
            docs: VecDeque::new(),
            rejected: 0,
            next_call_id: 1,
            cookies: cookies::CookieState::default(),
        }
    }

    fn current(&self) -> Option<&DocState> {
        self.docs.back()
    }

    fn status(&self) -> PageStatus {
        let mut status = self.current().map(|d| d.status.clone()).unwrap_or_default();
        status.rejected = self.rejected;
        status
    }

    fn meta(&self) -> TabMeta {
        TabMeta {
            next_id: self.log.next_id(),
            first_id: self.log.first_id(),
            dropped: self.log.dropped(),
            rejected: self.rejected,
            docs: self.docs.clone(),
            next_call_id: self.next_call_id,
        }
    }
}

fn meta_key(tab: i64) -> String {
    format!("tab:{tab}:meta")
}

fn chunk_key(tab: i64, chunk: u64) -> String {
    format!("tab:{tab}:chunk:{chunk}")
}

#[derive(Debug, Default)]
pub struct Hub {
    limits: Limits,
    tabs: BTreeMap<i64, TabState>,
}

impl Hub {
    pub fn new(limits: Limits) -> Self {
        Hub { limits, tabs: BTreeMap::new() }
    }

    /// Rebuilds the hub from everything the worker stored in `storage.session`.
    /// Unreadable items are skipped: a corrupt chunk costs its entries, not the tab.
    pub fn restore(limits: Limits, items: &HashMap<String, String>) -> Self {
        let mut hub = Hub::new(limits);
        let mut chunks: HashMap<i64, Vec<Entry>> = HashMap::new();
        for (key, value) in items {
            let mut parts = key.split(':');
            let (Some("tab"), Some(tab), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            let Ok(tab) = tab.parse::<i64>() else {
                continue;
            };
            if kind == "chunk" {
                if let Ok(entries) = serde_json::from_str::<Vec<Entry>>(value) {
                    chunks.entry(tab).or_default().extend(entries);
                }
            }
        }
        for (key, value) in items {
            let Some(tab) = key.strip_prefix("tab:").and_then(|k| k.strip_suffix(":meta")) else {
                continue;
            };
            let (Ok(tab), Ok(meta)) = (tab.parse::<i64>(), serde_json::from_str::<TabMeta>(value)) else {
                continue;
            };
            let entries = chunks.remove(&tab).unwrap_or_default();
            let log = EventLog::restore(limits, meta.next_id, meta.first_id, meta.dropped, entries);
            hub.tabs.insert(
                tab,
                TabState {
                    log,
                    docs: meta.docs,
                    rejected: meta.rejected,
                    next_call_id: meta.next_call_id.max(1),
                    cookies: cookies::CookieState::default(),
                },
            );
        }
        hub
    }

    pub fn tab_count(&self) -> usize {
        self.tabs.len()
    }

    /// A message from the relay of `tab`'s top frame.
    pub fn relay_message(&mut self, tab: i64, text: &str) -> Vec<Effect> {
        match decode_relay_message(text) {
            Ok(RelayMessage::Page { batch, data }) => {
                let mut effects = self.page_batch(tab, &data);
                effects.push(Effect::AckRelay { batch });
                effects
            }
            Ok(RelayMessage::NoHook) => vec![Effect::InjectHook { tab }],
            Err(error) => self.reject(tab, error.to_string()),
        }
    }

    fn reject(&mut self, tab: i64, reason: String) -> Vec<Effect> {
        let state = self.tabs.entry(tab).or_insert_with(|| TabState::new(self.limits));
        state.rejected += 1;
        let status = state.status();
        let mut effects = vec![Effect::Warn { message: format!("tab {tab}: rejected a page message: {reason}") }];
        effects.extend(self.persist(tab));
        effects.push(Effect::ToPanels { tab, message: encode_panel_update(&PanelUpdate::Status { status }) });
        effects
    }

    fn page_batch(&mut self, tab: i64, data: &str) -> Vec<Effect> {
        let batch = match decode_page_batch(data) {
            Ok(batch) => batch,
            Err(error) => return self.reject(tab, error.to_string()),
        };
        let state = self.tabs.entry(tab).or_insert_with(|| TabState::new(self.limits));
        let status_before = state.status();
        let first_new_id = state.log.next_id();
        let dropped_before = state.log.dropped();

        if state.current().map(|d| d.doc.as_str()) != Some(batch.doc.as_str()) {
            enter_document(state, &batch);
        }
        let doc = state.docs.back_mut().expect("enter_document made the document current");
        let is_resend =
            !batch.records.is_empty() && batch.records.iter().all(|r| doc.last_seq.is_some_and(|last| r.seq() <= last));
        if !is_resend {
            state.log.add_dropped(batch.dropped);
        }
        for record in &batch.records {
            let doc = state.docs.back_mut().expect("current document");
            if doc.last_seq.is_some_and(|last| record.seq() <= last) {
                continue;
            }
            doc.last_seq = Some(record.seq());
            apply_to_status(&mut doc.status, record);
            let Some(row) = record_row(record, &mut doc.throttles) else { continue };
            let entry_doc = doc.doc.clone();
            let time_origin = doc.time_origin;
            state.log.push(|id| row.into_entry(id, entry_doc, time_origin));
        }

        let new_entries: Vec<Entry> = state.log.since(first_new_id).cloned().collect();
        let dropped = state.log.dropped();
        let status = state.status();
        let mut effects = self.persist(tab);
        if !new_entries.is_empty() || dropped != dropped_before {
            let update = PanelUpdate::Append { entries: new_entries, dropped };
            effects.push(Effect::ToPanels { tab, message: encode_panel_update(&update) });
        }
        if status != status_before {
            effects.push(Effect::ToPanels { tab, message: encode_panel_update(&PanelUpdate::Status { status }) });
        }
        effects
    }

    /// A message from a panel port; `subscribed_tab` is the tab that port subscribed to, if any.
    pub fn panel_message(&mut self, subscribed_tab: Option<i64>, text: &str) -> Vec<Effect> {
        match decode_panel_request(text) {
            Ok(PanelRequest::Subscribe { tab }) => {
                let mut effects = vec![Effect::Subscribed { tab }, Effect::Reply { message: self.snapshot(tab) }];
                if !self.tabs.contains_key(&tab) {
                    effects.push(Effect::InjectRelay { tab });
                }
                effects
            }
            Ok(PanelRequest::Call { method, args }) => match subscribed_tab {
                Some(tab) => {
                    let state = self.tabs.entry(tab).or_insert_with(|| TabState::new(self.limits));
                    let id = state.next_call_id;
                    state.next_call_id += 1;
                    let message = json!({ "v": 1, "type": "call", "id": id, "method": method, "args": args });
                    let call = Some(PendingCall { id, method });
                    let mut effects = self.persist(tab);
                    effects.push(Effect::ToRelay { tab, message: message.to_string(), call });
                    effects
                }
                None => vec![Effect::Warn { message: "call before subscribe ignored".into() }],
            },
            Ok(PanelRequest::Snapshot) => match subscribed_tab {
                Some(tab) => vec![Effect::ToRelay { tab, message: r#"{"v":1,"type":"snapshot"}"#.into(), call: None }],
                None => vec![],
            },
            Ok(request @ (PanelRequest::Cookies | PanelRequest::DeleteCookies { .. })) => match subscribed_tab {
                Some(tab) => self.cookie_request(tab, request),
                None => vec![],
            },
            Ok(PanelRequest::Clear) => match subscribed_tab {
                Some(tab) => {
                    if let Some(state) = self.tabs.get_mut(&tab) {
                        state.log.clear();
                        state.rejected = 0;
                    }
                    let mut effects = self.persist(tab);
                    effects.push(Effect::ToPanels { tab, message: self.snapshot(tab) });
                    effects
                }
                None => vec![Effect::Warn { message: "clear before subscribe ignored".into() }],
            },
            Err(error) => vec![Effect::Warn { message: format!("rejected a panel message: {error}") }],
        }
    }

    pub fn snapshot(&self, tab: i64) -> String {
        let update = match self.tabs.get(&tab) {
            Some(state) => PanelUpdate::Snapshot {
                status: state.status(),
                entries: state.log.entries().cloned().collect(),
                dropped: state.log.dropped(),
            },
            None => PanelUpdate::Snapshot { status: PageStatus::default(), entries: vec![], dropped: 0 },
        };
        encode_panel_update(&update)
    }

    /// No relay took call `call.id`: log it as not delivered so the user sees why nothing happened.
    pub fn call_undelivered(&mut self, tab: i64, call: PendingCall) -> Vec<Effect> {
        let state = self.tabs.entry(tab).or_insert_with(|| TabState::new(self.limits));
        let (doc, time_origin) = state.current().map_or((String::new(), 0.0), |d| (d.doc.clone(), d.time_origin));
        let first_new_id = state.log.next_id();
        let row = Row {
            kind: EntryKind::Call,
            name: call.method.clone(),
            via: None,
            summary:
                "API not ready: the page is not connected (reload it, or it is a page the extension may not script)"
                    .into(),
            payload: json!({ "id": call.id, "outcome": "not_delivered" }).to_string(),
            t: 0.0,
        };
        state.log.push(|id| row.into_entry(id, doc, time_origin));
        let entries: Vec<Entry> = state.log.since(first_new_id).cloned().collect();
        let dropped = state.log.dropped();
        let mut effects = self.persist(tab);
        effects.push(Effect::ToPanels { tab, message: encode_panel_update(&PanelUpdate::Append { entries, dropped }) });
        effects
    }

    /// The page URL of `tab`'s current document, if a relay has reported one.
    pub fn page_url(&self, tab: i64) -> Option<&str> {
        self.tabs.get(&tab)?.current().map(|d| d.status.url.as_str()).filter(|u| !u.is_empty())
    }

    pub fn tab_removed(&mut self, tab: i64) -> Vec<Effect> {
        let Some(mut state) = self.tabs.remove(&tab) else {
            return vec![];
        };
        let mut keys: Vec<String> = state
            .log
            .entries()
            .map(|e| chunk_of(e.id))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .chain(state.log.take_changes().removed)
            .map(|chunk| chunk_key(tab, chunk))
            .collect();
        keys.sort();
        keys.dedup();
        keys.push(meta_key(tab));
        vec![Effect::Remove { keys }]
    }

    fn persist(&mut self, tab: i64) -> Vec<Effect> {
        let Some(state) = self.tabs.get_mut(&tab) else {
            return vec![];
        };
        let changes = state.log.take_changes();
        let mut items = BTreeMap::new();
        for chunk in changes.rewritten {
            let entries: Vec<&Entry> = state.log.chunk(chunk).collect();
            let text = serde_json::to_string(&entries).expect("entries serialize");
            items.insert(chunk_key(tab, chunk), text);
        }
        let meta = serde_json::to_string(&state.meta()).expect("meta serializes");
        items.insert(meta_key(tab), meta);
        let mut effects = Vec::new();
        if !changes.removed.is_empty() {
            effects.push(Effect::Remove { keys: changes.removed.into_iter().map(|c| chunk_key(tab, c)).collect() });
        }
        effects.push(Effect::Store { items });
        effects
    }
}

/// A batch from a document other than the current one: a navigation (or a return to a document
/// restored from the back/forward cache, whose status is remembered).
fn enter_document(state: &mut TabState, batch: &PageBatch) {
    let known = state.docs.iter().position(|d| d.doc == batch.doc);
    let mut doc = match known {
        Some(index) => state.docs.remove(index).expect("index is in range"),
        None => DocState {
            doc: batch.doc.clone(),
            last_seq: None,
            time_origin: batch.time_origin,
            status: PageStatus { doc: batch.doc.clone(), ..PageStatus::default() },
            throttles: BTreeMap::new(),
        },
    };
    doc.status.url = batch.url.clone();
    let (doc_id, url, wall) = (doc.doc.clone(), batch.url.clone(), doc.time_origin);
    state.docs.push_back(doc);
    while state.docs.len() > REMEMBERED_DOCS {
        state.docs.pop_front();
    }
    state.log.push(|id| Entry {
        id,
        doc: doc_id,
        t: 0.0,
        wall,
        kind: EntryKind::Navigation,
        name: "navigation".into(),
        via: None,
        summary: url.clone(),
        payload: json!({ "url": url }).to_string(),
    });
}

fn apply_to_status(status: &mut PageStatus, record: &PageRecord) {
    match record {
        PageRecord::Api { state, methods, .. } => {
            status.api = *state;
            status.methods = methods.clone();
            if *state == ApiState::Absent {
                status.widget_loaded = false;
            }
        }
        PageRecord::Settings { t, source, phase, present, fields, .. } => {
            let view = SettingsView { t: *t, phase: *phase, present: *present, fields: fields.clone() };
            if *source == SettingsSource::Assigned {
                status.settings_as_set = Some(view.clone());
            }
            status.settings_now = Some(view);
        }
        PageRecord::Inline { selector, exists, width, height, .. } => {
            status.inline =
                Some(InlineView { selector: selector.clone(), exists: *exists, width: *width, height: *height });
        }
        PageRecord::Call { .. } => {}
        PageRecord::Widget { loaded, .. } => status.widget_loaded = *loaded,
        PageRecord::Loader { src, portal, .. } => {
            // The portal script (js.hs-scripts.com/<id>.js) only inserts the real loader
            // (conversations-embed.js): the status shows the loader once it is known.
            let is_portal_script = src.contains("hs-scripts");
            if status.loader_src.is_none() || !is_portal_script {
                status.loader_src = Some(src.clone());
            }
            if portal.is_some() {
                status.portal = portal.clone();
            }
        }
        PageRecord::Event { .. } | PageRecord::Open { .. } => {}
    }
}

/// What a record shows in the log, before it gets an id.
struct Row {
    kind: EntryKind,
    name: String,
    via: Option<crate::core::protocol::Via>,
    summary: String,
    payload: String,
    t: f64,
}

impl Row {
    fn into_entry(self, id: u64, doc: String, time_origin: f64) -> Entry {
        let Row { kind, name, via, summary, payload, t } = self;
        Entry { id, doc, t, wall: time_origin + t, kind, name, via, summary, payload }
    }
}

/// The log row for a record, or `None` for records that only update the status (snapshots).
fn record_row(record: &PageRecord, throttles: &mut BTreeMap<String, Throttle>) -> Option<Row> {
    let t = record.time();
    let row = |kind, name: &str, summary: String, payload: serde_json::Value| Row {
        kind,
        name: name.to_string(),
        via: None,
        summary,
        payload: payload.to_string(),
        t,
    };
    Some(match record {
        PageRecord::Event { name, payload, via, .. } => Row {
            kind: EntryKind::Event,
            name: name.clone(),
            via: Some(*via),
            summary: summarize_event(name, payload),
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
            row(EntryKind::Api, "HubSpotConversations", summary, payload)
        }
        PageRecord::Widget { loaded, inline, src, .. } => {
            let place = if *inline { "inline chat iframe" } else { "chat iframe" };
            let summary = if *loaded { format!("{place} loaded") } else { format!("{place} removed") };
            row(EntryKind::Widget, "chat iframe", summary, json!({ "loaded": loaded, "inline": inline, "src": src }))
        }
        PageRecord::Loader { src, portal, .. } => {
            let summary = match portal {
                Some(portal) => format!("portal {portal}: {src}"),
                None => src.clone(),
            };
            row(EntryKind::Loader, "loader script", summary, json!({ "src": src, "portal": portal }))
        }
        PageRecord::Open { open, user, .. } => {
            let action = if *open { "opened" } else { "closed" };
            let actor = if *user { "by the visitor" } else { "by code" };
            let payload = json!({ "isOpen": open, "isUser": user });
            row(EntryKind::Open, "open-change", format!("widget {action} {actor}"), payload)
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
                _ => serde_json::Value::Null,
            };
            let payload = json!({
                "id": id, "args": args, "outcome": outcome, "value": value, "error": error, "throttle": throttle
            });
            row(EntryKind::Call, method, summary, payload)
        }
        PageRecord::Settings { source: SettingsSource::Assigned, phase, present, fields, .. } => {
            let when = match phase {
                crate::core::protocol::SettingsPhase::BeforeLoader => "before the loader read it",
                crate::core::protocol::SettingsPhase::AfterLoader => "AFTER the loader read it: it has no effect",
            };
            let problems = crate::core::settings::validate(fields).len();
            let mut summary = if *present { format!("assigned {when}") } else { format!("set to a non-object {when}") };
            if problems > 0 {
                summary.push_str(&format!(" — {problems} invalid"));
            }
            row(
                EntryKind::Settings,
                "hsConversationsSettings",
                summary,
                serde_json::to_value(fields).unwrap_or_default(),
            )
        }
        PageRecord::Settings { .. } | PageRecord::Inline { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay_page(batch: u64, doc: &str, records: &str) -> String {
        let data = format!(
            r#"{{"v":1,"doc":"{doc}","url":"http://shop.test/{doc}","time_origin":1000,"dropped":0,"records":[{records}]}}"#
        );
        json!({ "v": 1, "type": "page", "batch": batch, "data": data }).to_string()
    }

    fn event(seq: u64, name: &str) -> String {
        format!(
            r#"{{"k":"event","seq":{seq},"t":{seq},"name":"{name}","payload":{{"message":"m{seq}"}},"via":"iframe"}}"#
        )
    }

    fn snapshot(hub: &Hub, tab: i64) -> (PageStatus, Vec<Entry>, u64) {
        match decode(&hub.snapshot(tab)) {
            PanelUpdate::Snapshot { status, entries, dropped } => (status, entries, dropped),
            other => panic!("not a snapshot: {other:?}"),
        }
    }

    fn decode(text: &str) -> PanelUpdate {
        crate::core::protocol::decode_panel_update(text).unwrap()
    }

    fn stored(effects: &[Effect], into: &mut HashMap<String, String>) {
        for effect in effects {
            match effect {
                Effect::Store { items } => into.extend(items.clone()),
                Effect::Remove { keys } => keys.iter().for_each(|k| {
                    into.remove(k);
                }),
                _ => {}
            }
        }
    }

    #[test]
    fn a_batch_becomes_entries_status_and_an_ack_after_the_store() {
        let mut hub = Hub::default();
        let records =
            format!(r#"{{"k":"api","seq":1,"t":1,"state":"ready","generation":1}},{}"#, event(2, "widgetLoaded"));
        let effects = hub.relay_message(4, &relay_page(9, "a", &records));
        let store = effects.iter().position(|e| matches!(e, Effect::Store { .. })).unwrap();
        let ack = effects.iter().position(|e| *e == Effect::AckRelay { batch: 9 }).unwrap();
        assert!(store < ack, "ack must follow the store");
        let (status, entries, _) = snapshot(&hub, 4);
        assert_eq!(status.api, ApiState::Ready);
        assert_eq!(status.url, "http://shop.test/a");
        let kinds: Vec<EntryKind> = entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EntryKind::Navigation, EntryKind::Api, EntryKind::Event]);
        assert_eq!(entries[2].wall, 1002.0);
        assert_eq!(entries[2].summary, "m2");
    }

    #[test]
    fn resent_batches_are_not_duplicated() {
        let mut hub = Hub::default();
        let page = relay_page(1, "a", &format!("{},{}", event(1, "widgetLoaded"), event(2, "widgetClosed")));
        hub.relay_message(1, &page);
        let again = hub.relay_message(1, &page);
        assert!(!again.iter().any(|e| matches!(e, Effect::ToPanels { .. })));
        assert!(again.contains(&Effect::AckRelay { batch: 1 }));
        hub.relay_message(1, &relay_page(2, "a", &format!("{},{}", event(2, "widgetClosed"), event(3, "x"))));
        let names: Vec<String> = snapshot(&hub, 1).1.into_iter().map(|e| e.name).collect();
        assert_eq!(names, vec!["navigation", "widgetLoaded", "widgetClosed", "x"]);
    }

    #[test]
    fn a_new_document_adds_a_navigation_and_resets_the_status() {
        let mut hub = Hub::default();
        hub.relay_message(1, &relay_page(1, "a", r#"{"k":"api","seq":1,"t":1,"state":"ready","generation":1}"#));
        let effects = hub.relay_message(1, &relay_page(1, "b", ""));
        let (status, entries, _) = snapshot(&hub, 1);
        assert_eq!(status.api, ApiState::Absent);
        assert_eq!(status.doc, "b");
        assert_eq!(entries.iter().filter(|e| e.kind == EntryKind::Navigation).count(), 2);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains("\"status\""))));
        // Back to document "a" (back/forward cache): its status comes back, no events repeat.
        hub.relay_message(1, &relay_page(2, "a", r#"{"k":"api","seq":1,"t":1,"state":"ready","generation":1}"#));
        assert_eq!(snapshot(&hub, 1).0.api, ApiState::Ready);
        assert_eq!(snapshot(&hub, 1).1.iter().filter(|e| e.kind == EntryKind::Api).count(), 1);
    }

    #[test]
    fn forged_or_broken_messages_are_counted_and_lose_nothing() {
        let mut hub = Hub::default();
        hub.relay_message(1, &relay_page(1, "a", &event(1, "widgetLoaded")));
        let effects = hub.relay_message(1, r#"{"v":1,"type":"page","batch":2,"data":"{oops"}"#);
        assert!(
            effects.contains(&Effect::AckRelay { batch: 2 }),
            "a broken batch is acknowledged so it is not resent forever"
        );
        hub.relay_message(1, "not json at all");
        let (status, entries, _) = snapshot(&hub, 1);
        assert_eq!(status.rejected, 2);
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn the_state_survives_a_restart_from_storage() {
        let mut hub = Hub::new(Limits { max_entries: 600, max_bytes: usize::MAX });
        let mut storage = HashMap::new();
        for batch in 1..=10u64 {
            let records: Vec<String> = (1..=100).map(|i| event((batch - 1) * 100 + i, "inputStaging")).collect();
            stored(&hub.relay_message(3, &relay_page(batch, "a", &records.join(","))), &mut storage);
        }
        let before = snapshot(&hub, 3);
        assert_eq!(before.1.len(), 600);
        assert_eq!(before.2, 401);
        assert!(storage.len() <= 4, "evicted chunks are removed from storage: {:?}", storage.keys());

        let mut restarted = Hub::restore(Limits { max_entries: 600, max_bytes: usize::MAX }, &storage);
        assert_eq!(snapshot(&restarted, 3), before);
        // De-duplication state survives too: a batch resent after the restart adds nothing.
        let records: Vec<String> = (901..=1000).map(|i| event(i, "inputStaging")).collect();
        restarted.relay_message(3, &relay_page(10, "a", &records.join(",")));
        assert_eq!(snapshot(&restarted, 3), before);
    }

    #[test]
    fn subscribe_replays_and_asks_for_a_relay_when_none_reported() {
        let mut hub = Hub::default();
        let effects = hub.panel_message(None, r#"{"v":1,"type":"subscribe","tab":5}"#);
        assert_eq!(effects[0], Effect::Subscribed { tab: 5 });
        assert!(matches!(effects[1], Effect::Reply { .. }));
        assert_eq!(effects[2], Effect::InjectRelay { tab: 5 });
        hub.relay_message(5, &relay_page(1, "a", &event(1, "widgetLoaded")));
        let effects = hub.panel_message(None, r#"{"v":1,"type":"subscribe","tab":5}"#);
        assert_eq!(effects.len(), 2);
        let Effect::Reply { message } = &effects[1] else { panic!() };
        assert!(message.contains("widgetLoaded"));
    }

    #[test]
    fn clear_empties_the_log_and_storage_but_not_the_status() {
        let mut hub = Hub::default();
        let mut storage = HashMap::new();
        let records = format!(r#"{{"k":"api","seq":1,"t":1,"state":"ready","generation":1}},{}"#, event(2, "a"));
        stored(&hub.relay_message(2, &relay_page(1, "a", &records)), &mut storage);
        let effects = hub.panel_message(Some(2), r#"{"v":1,"type":"clear"}"#);
        stored(&effects, &mut storage);
        let (status, entries, dropped) = snapshot(&hub, 2);
        assert!(entries.is_empty());
        assert_eq!(dropped, 0);
        assert_eq!(status.api, ApiState::Ready);
        assert_eq!(storage.keys().collect::<Vec<_>>(), vec!["tab:2:meta"]);
        assert!(hub.panel_message(None, r#"{"v":1,"type":"clear"}"#).iter().all(|e| matches!(e, Effect::Warn { .. })));
    }

    #[test]
    fn a_closed_tab_leaves_nothing_in_storage() {
        let mut hub = Hub::default();
        let mut storage = HashMap::new();
        stored(&hub.relay_message(8, &relay_page(1, "a", &event(1, "a"))), &mut storage);
        stored(&hub.relay_message(9, &relay_page(1, "a", &event(1, "a"))), &mut storage);
        stored(&hub.tab_removed(8), &mut storage);
        assert!(storage.keys().all(|k| k.starts_with("tab:9:")));
        assert_eq!(hub.tab_count(), 1);
    }

    #[test]
    fn the_hooks_dropped_count_is_reported() {
        let mut hub = Hub::default();
        let data = r#"{"v":1,"doc":"a","url":"u","time_origin":0,"dropped":7,"records":[]}"#;
        let effects = hub.relay_message(1, &json!({"v":1,"type":"page","batch":1,"data":data}).to_string());
        assert_eq!(snapshot(&hub, 1).2, 7);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains("\"dropped\":7"))));
    }

    fn call_request(method: &str, args: &str) -> String {
        format!(r#"{{"v":1,"type":"call","method":"{method}","args":{args}}}"#)
    }

    #[test]
    fn the_status_shows_the_loader_rather_than_the_portal_script() {
        let mut hub = Hub::default();
        let records = r#"{"k":"loader","seq":1,"t":1,"src":"https://js.usemessages.com/conversations-embed.js","portal":"123"},
            {"k":"loader","seq":2,"t":2,"src":"https://js.hs-scripts.com/123.js","portal":"123"}"#;
        hub.relay_message(1, &relay_page(1, "a", records));
        let status = snapshot(&hub, 1).0;
        assert_eq!(status.loader_src.as_deref(), Some("https://js.usemessages.com/conversations-embed.js"));
        assert_eq!(status.portal.as_deref(), Some("123"));
    }

    #[test]
    fn a_panel_call_goes_to_the_relay_with_a_fresh_id() {
        let mut hub = Hub::default();
        hub.relay_message(1, &relay_page(1, "a", ""));
        let effects = hub.panel_message(Some(1), &call_request("widget.load", r#"[{"widgetOpen":true}]"#));
        let Some(Effect::ToRelay { tab: 1, message, call: Some(call) }) = effects.last() else {
            panic!("no relay effect: {effects:?}")
        };
        assert_eq!(call.id, 1);
        let message: serde_json::Value = serde_json::from_str(message).unwrap();
        assert_eq!(message, json!({"v":1,"type":"call","id":1,"method":"widget.load","args":[{"widgetOpen":true}]}));
        let again = hub.panel_message(Some(1), &call_request("widget.open", "[]"));
        assert!(matches!(again.last(), Some(Effect::ToRelay { call: Some(PendingCall { id: 2, .. }), .. })));
        assert!(hub
            .panel_message(Some(1), &call_request("alert", "[]"))
            .iter()
            .all(|e| matches!(e, Effect::Warn { .. })));
        assert!(hub
            .panel_message(None, &call_request("widget.open", "[]"))
            .iter()
            .all(|e| matches!(e, Effect::Warn { .. })));
    }

    fn call_record(seq: u64, t: f64, method: &str, outcome: &str) -> String {
        format!(
            r#"{{"k":"call","seq":{seq},"t":{t},"id":{seq},"method":"{method}","args":[],"outcome":"{outcome}","value":null,"error":"TypeError: boom"}}"#
        )
    }

    #[test]
    fn call_outcomes_become_call_entries_and_throttled_loads_are_marked() {
        let mut hub = Hub::default();
        let records = [
            call_record(1, 100.0, "widget.load", "returned"),
            call_record(2, 400.0, "widget.load", "returned"),
            call_record(3, 500.0, "widget.open", "threw"),
            call_record(4, 600.0, "widget.close", "not_ready"),
            call_record(5, 700.0, "debug", "missing"),
            call_record(6, 2200.0, "widget.load", "returned"),
        ]
        .join(",");
        hub.relay_message(1, &relay_page(1, "a", &records));
        let calls: Vec<Entry> = snapshot(&hub, 1).1.into_iter().filter(|e| e.kind == EntryKind::Call).collect();
        let summaries: Vec<&str> = calls.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(
            summaries,
            vec![
                "returned",
                "collapsed by the loader's 1 s throttle: the trailing call runs at 1.100 s",
                "threw TypeError: boom",
                "API not ready: window.HubSpotConversations is not set",
                "this HubSpotConversations object has no debug()",
                "returned",
            ]
        );
        assert!(calls[1].payload.contains(r#""collapsed":true"#));
        assert_eq!(calls[0].name, "widget.load");
    }

    #[test]
    fn an_undelivered_call_is_logged() {
        let mut hub = Hub::default();
        let effects = hub.call_undelivered(3, PendingCall { id: 9, method: "clear".into() });
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains("not connected"))));
        assert_eq!(snapshot(&hub, 3).1[0].kind, EntryKind::Call);
    }

    #[test]
    fn settings_and_inline_records_update_the_status() {
        let mut hub = Hub::default();
        let records = r##"{"k":"settings","seq":1,"t":5,"source":"assigned","phase":"before_loader","present":true,
              "fields":{"loadImmediately":{"type":"string","value":"yes"}}},
            {"k":"settings","seq":2,"t":900,"source":"snapshot","phase":"after_loader","present":true,"fields":{}},
            {"k":"inline","seq":3,"t":901,"selector":"#chat","exists":false,"width":0,"height":0}"##;
        hub.relay_message(1, &relay_page(1, "a", records));
        let (status, entries, _) = snapshot(&hub, 1);
        let as_set = status.settings_as_set.unwrap();
        assert_eq!(as_set.phase, crate::core::protocol::SettingsPhase::BeforeLoader);
        assert!(as_set.fields.contains_key("loadImmediately"));
        assert!(status.settings_now.unwrap().fields.is_empty());
        assert_eq!(status.inline.unwrap().selector, "#chat");
        // The assignment is logged (with its problem count); snapshots are not.
        let settings: Vec<&Entry> = entries.iter().filter(|e| e.kind == EntryKind::Settings).collect();
        assert_eq!(settings.len(), 1);
        assert_eq!(settings[0].summary, "assigned before the loader read it — 1 invalid");
    }
}
