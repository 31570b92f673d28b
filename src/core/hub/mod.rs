//! The background's brain: per-tab logs and page status, fed by relays and read by panels.
//!
//! The hub does no I/O and owns every decision: which panel ports watch which tab, what is stored,
//! what a relay is told, when cookies are listed, what an undelivered call means. Each call returns
//! [`Effect`]s that the thin service-worker shim carries out IN ORDER (it awaits each storage write
//! before the next effect), so an ack is only sent once everything before it is persisted and a
//! restarted worker loses nothing.
//!
//! - `document.rs`: per-document state, de-duplication of resent batches, the page status;
//! - `storage.rs`: the `storage.session` format, persisting and restoring;
//! - `cookies.rs`: the Cookies view's listing and deletions;
//! - `action.rs`: the toolbar action's badge and popup summary per tab;
//! - `shim.rs`: the form in which the shim is handed the effects.

mod action;
mod cookies;
mod document;
mod shim;
mod storage;

pub use shim::effects_for_shim;

use super::cookies::PageOrigin;
use super::diagnostics::{report, Context};
use super::event_log::{EventLog, Limits};
use super::protocol::{
    decode_page_batch, decode_panel_request, decode_relay_message, encode_hook_command, encode_panel_update,
    encode_relay_reply, Diagnosed, Entry, EntryKind, HookCommand, ListenEvent, PageStatus, PanelRequest, PanelUpdate,
    RelayMessage, RelayReply, SNAPSHOT_CHUNK_BYTES, SNAPSHOT_CHUNK_ENTRIES, SNAPSHOT_HEAD_ENTRIES,
};
use super::summary::{record_row, undelivered_call_row, Row};
use document::{apply_to_status, DocState};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// The shim's id of a connected panel port.
pub type PortId = u32;

/// Panel calls per tab waiting for their delivery report; older ones are forgotten.
const MAX_PENDING_CALLS: usize = 64;

/// A panel is pushed a report with its appends at most this often (the background's clock): in a
/// stream the rules run about once a frame per panel, as when the panel asks, not once per batch.
const PUSH_DIAGNOSIS_EVERY_MS: f64 = 16.0;
/// ... and only for an append of at most this many entries to a document of at most this many (a
/// page as a developer looks at it, where a frame shows): the rules then take a few milliseconds at
/// most, so a flooding tab keeps the background as free for the other tabs as before (the panel
/// asks, at its own pace).
const PUSH_UP_TO_APPENDED: usize = 20;
const PUSH_UP_TO_DOCUMENT: usize = 1_000;

/// What a panel's latest diagnose request said: its reports are pushed with the appends in that
/// context (`Hub::append_to_panels`).
#[derive(Debug)]
struct PanelDiagnose {
    seq: u64,
    context: Context,
    pushed_at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Write these storage.session items of `tab` (values are JSON text). When the write fails,
    /// or when `confirm` is set, the shim reports the outcome with [`Hub::store_result`].
    Store {
        tab: i64,
        items: BTreeMap<String, String>,
        confirm: bool,
    },
    Remove {
        keys: Vec<String>,
    },
    /// Send `message` (a `PanelUpdate` as JSON text) to these panel ports.
    ToPanels {
        ports: Vec<PortId>,
        message: String,
    },
    /// Send `message` to the port whose message is being handled (a panel's or a relay's).
    Reply {
        message: String,
    },
    /// Acknowledge a relay batch: like `Reply`, but only if every `Store` before it in this list
    /// succeeded. An ack means "stored": an unacknowledged batch stays with the relay.
    Ack {
        message: String,
    },
    /// Send `command` (a `HookCommand` as JSON text) to the relay in `tab`'s top frame. When `call`
    /// is set, the shim reports whether a hook took it with [`Hub::relay_delivery`].
    ToRelay {
        tab: i64,
        command: String,
        call: Option<u64>,
    },
    /// List the cookies of `domains` (the page's host and its parent domains) in `tab`'s cookie
    /// store; the shim answers with [`Hub::cookies_listed`].
    ListCookies {
        tab: i64,
        url: String,
        domains: Vec<String>,
    },
    /// Remove exactly these cookies through the cookies API (`cookies.set` details).
    RemoveCookies {
        tab: i64,
        cookies: Vec<serde_json::Value>,
    },
    /// Inject the relay (isolated world) into the tab's top frame. The relay is no declared content
    /// script: it goes only into pages a panel watches (a relay already there ignores the second).
    InjectRelay {
        tab: i64,
    },
    /// Inject the hook (MAIN world) into the tab; if that worked, send `then_reply` to the relay
    /// port being handled.
    InjectHook {
        tab: i64,
        then_reply: String,
    },
    /// A problem worth a line in the worker's console; never page data beyond a short reason.
    Warn {
        message: String,
    },
    /// Read the DOM facts of `tab`'s top document (the toolbar action's probe, in the extension's
    /// isolated world) and answer with [`Hub::probe_result`].
    Probe {
        tab: i64,
    },
    /// Show this badge on `tab`'s toolbar action (empty `text`: none). When `recheck_at` is set
    /// (wall clock, ms), ask [`Hub::badge`] again then: a diagnostics grace period ends. When
    /// `drain_at` is set, call [`Hub::drain`] then (a tab no panel watches is sampled).
    Badge {
        tab: i64,
        text: String,
        color: String,
        title: String,
        recheck_at: Option<f64>,
        drain_at: Option<f64>,
    },
}

#[derive(Debug, Clone)]
struct TabState {
    log: EventLog,
    docs: VecDeque<DocState>,
    rejected: u64,
    next_call_id: u64,
    /// Panel calls sent to the relay whose delivery is not reported yet: id → method.
    pending_calls: BTreeMap<u64, String>,
    /// The last write to storage failed; everything is written again at the next persist.
    unstored: bool,
    /// Relay batches dropped unread under load (see [`Hub::relay_overflow`]).
    overflow: u64,
    /// The injected hook does not answer (`RelayMessage::HookSilent`) and no batch came since.
    hook_silent: bool,
    /// The first log chunk kept in storage: older ones are in memory only (the tab's quota).
    stored_from: u64,
    /// Bytes this tab holds in storage: per log chunk, and its meta item.
    stored_chunks: BTreeMap<u64, usize>,
    stored_meta: usize,
    /// The Cookies view's last listing and deletions in flight (memory only).
    cookies: cookies::CookieState,
}

impl TabState {
    fn new(limits: Limits) -> Self {
        TabState {
            log: EventLog::new(limits),
            docs: VecDeque::new(),
            rejected: 0,
            next_call_id: 1,
            pending_calls: BTreeMap::new(),
            unstored: false,
            overflow: 0,
            hook_silent: false,
            stored_from: 0,
            stored_chunks: BTreeMap::new(),
            stored_meta: 0,
            cookies: cookies::CookieState::default(),
        }
    }

    fn stored_bytes(&self) -> usize {
        self.stored_meta + self.stored_chunks.values().sum::<usize>()
    }

    /// Adds a row to the log, stamped with the current document.
    fn push_row(&mut self, row: Row) {
        let (doc, time_origin) = self.current().map_or((String::new(), 0.0), |d| (d.doc.clone(), d.time_origin));
        self.log.push(|id| row.into_entry(id, doc, time_origin));
    }
}

/// What the hub may keep in `storage.session` in all (the browsers' quota is 10 MiB): each tab
/// gets an equal share, and a tab over its share stops storing its own oldest chunks (kept in
/// memory; lost, and counted as dropped, if the worker restarts), never another tab's.
pub const STORAGE_BUDGET: usize = 8 << 20;

/// The entry cost the background holds in memory for all tabs together: each tab may hold an equal
/// share of it (at most its log's own byte cap, at least [`MIN_TAB_MEMORY`]), so that pages flooding
/// in many tabs cannot grow the background without bound. A new tab makes the others give up their
/// oldest entries (counted as dropped); a closed one gives the others room again.
pub const MEMORY_BUDGET: usize = 160 << 20;
pub const MIN_TAB_MEMORY: usize = 1 << 20;

#[derive(Debug)]
pub struct Hub {
    limits: Limits,
    storage_budget: usize,
    tabs: BTreeMap<i64, TabState>,
    /// Connected panel ports and the tab each watches (memory only: ports die with the worker).
    panels: BTreeMap<PortId, Option<i64>>,
    /// The latest diagnose request of each panel, since it subscribed.
    diagnose: BTreeMap<PortId, PanelDiagnose>,
    /// The toolbar action's per-tab knowledge (memory only: the browser keeps the badges).
    action: BTreeMap<i64, action::ActionTab>,
    /// The open tabs were probed once since the extension was loaded (`Hub::worker_started`).
    swept: bool,
    /// "Find HubSpot on every tab" is on (the discovery content script is registered).
    discovery: bool,
    /// `worker_started` told whether `discovery` is on: until then every load is followed, so that
    /// a tab's `complete` arriving while a restarted background asks the browser is not lost.
    started: bool,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new(Limits::default())
    }
}

impl Hub {
    pub fn new(limits: Limits) -> Self {
        Hub::with_storage_budget(limits, STORAGE_BUDGET)
    }

    pub fn with_storage_budget(limits: Limits, storage_budget: usize) -> Self {
        Hub {
            limits,
            storage_budget,
            tabs: BTreeMap::new(),
            panels: BTreeMap::new(),
            diagnose: BTreeMap::new(),
            action: BTreeMap::new(),
            swept: false,
            discovery: false,
            started: false,
        }
    }

    pub fn tab_count(&self) -> usize {
        self.tabs.len()
    }

    fn tab_mut(&mut self, tab: i64) -> &mut TabState {
        let limits = self.limits;
        self.tabs.entry(tab).or_insert_with(|| TabState::new(limits))
    }

    fn is_watched(&self, tab: i64) -> bool {
        self.panels.values().any(|watched| *watched == Some(tab))
    }

    /// `update` for every panel port watching `tab` (nothing when none does).
    fn to_panels(&self, tab: i64, update: &PanelUpdate) -> Option<Effect> {
        let ports: Vec<PortId> =
            self.panels.iter().filter(|(_, watched)| **watched == Some(tab)).map(|(port, _)| *port).collect();
        (!ports.is_empty()).then(|| Effect::ToPanels { ports, message: encode_panel_update(update) })
    }

    /// `entries` appended to `tab`'s log (and its `dropped`), to the panels that watch it. A panel
    /// that asked for a diagnosis since it subscribed gets the report of the document with them too,
    /// in that request's context, for a small append to a small document ([`PUSH_UP_TO_APPENDED`],
    /// [`PUSH_UP_TO_DOCUMENT`]) and at most every [`PUSH_DIAGNOSIS_EVERY_MS`]: a finding then shows
    /// in the frame of its row, not a round trip later (the panel asks when none came).
    fn append_to_panels(
        &mut self,
        tab: i64,
        entries: Vec<Entry>,
        dropped: u64,
        status: Option<PageStatus>,
        now_wall: f64,
    ) -> Vec<Effect> {
        let Some(state) = self.tabs.get(&tab) else { return vec![] };
        let newest_wall = entries.last().map_or(0.0, |e| e.wall);
        let navigated = entries.iter().any(|e| e.kind == EntryKind::Navigation);
        let small = !entries.is_empty() && entries.len() <= PUSH_UP_TO_APPENDED;
        // Read only when a panel is due a report (the log is looked at from its end, at most
        // PUSH_UP_TO_DOCUMENT + 1 entries back).
        let mut document: Option<Option<Vec<&Entry>>> = None;
        let mut effects = vec![];
        let mut plain = vec![];
        for (port, watched) in &self.panels {
            if *watched != Some(tab) {
                continue;
            }
            let Some(asked) = self.diagnose.get_mut(port) else {
                plain.push(*port);
                continue;
            };
            if navigated {
                // What a listing showed of `messagesUtk` belongs to the document it was made in.
                asked.context.messages_utk_seen = false;
            }
            if !small || now_wall - asked.pushed_at < PUSH_DIAGNOSIS_EVERY_MS {
                plain.push(*port);
                continue;
            }
            let document = document
                .get_or_insert_with(|| state.log.current_document_up_to(PUSH_UP_TO_DOCUMENT).map(Iterator::collect));
            let Some(document) = document else {
                plain.push(*port);
                continue;
            };
            asked.pushed_at = now_wall;
            // The panel's clock moves with the newest entry's too (`PanelState::rediagnose`), but
            // never past the background's: an entry's time is the page's word.
            asked.context.now_wall = asked.context.now_wall.max(newest_wall.min(now_wall));
            let diagnosed = Diagnosed { seq: asked.seq, report: report(document, &asked.context) };
            let update = PanelUpdate::Append {
                entries: entries.clone(),
                dropped,
                diagnosed: Some(diagnosed),
                status: status.clone(),
            };
            effects.push(Effect::ToPanels { ports: vec![*port], message: encode_panel_update(&update) });
        }
        if !plain.is_empty() {
            let update = PanelUpdate::Append { entries, dropped, diagnosed: None, status };
            effects.push(Effect::ToPanels { ports: plain, message: encode_panel_update(&update) });
        }
        effects
    }

    /// A panel port connected; it watches no tab until it subscribes.
    pub fn panel_connected(&mut self, port: PortId) -> Vec<Effect> {
        self.panels.insert(port, None);
        vec![]
    }

    pub fn panel_disconnected(&mut self, port: PortId) -> Vec<Effect> {
        self.panels.remove(&port);
        self.diagnose.remove(&port);
        vec![]
    }

    /// A message from the relay of `tab`'s top frame; `browser_url` is that frame's URL as the
    /// browser reports it (the port's sender), never the page's word. `now_wall`: the background's
    /// clock, ms since the epoch.
    pub fn relay_message(&mut self, tab: i64, browser_url: &str, text: &str, now_wall: f64) -> Vec<Effect> {
        match decode_relay_message(text) {
            Ok(RelayMessage::Page { batch, data }) => {
                let mut effects = vec![Effect::Reply { message: encode_relay_reply(&RelayReply::Took { batch }) }];
                effects.extend(self.page_batch(tab, browser_url, &data, now_wall));
                effects.push(Effect::Ack { message: encode_relay_reply(&RelayReply::Ack { batch }) });
                effects
            }
            Ok(RelayMessage::NoHook) => {
                vec![Effect::InjectHook { tab, then_reply: encode_relay_reply(&RelayReply::Hello) }]
            }
            Ok(RelayMessage::HookSilent) => self.set_hook_silent(tab, true),
            Err(error) => self.reject(tab, error.to_string()),
        }
    }

    fn reject(&mut self, tab: i64, reason: String) -> Vec<Effect> {
        let state = self.tab_mut(tab);
        state.rejected += 1;
        let status = state.status();
        let mut effects = vec![Effect::Warn { message: format!("tab {tab}: rejected a page message: {reason}") }];
        effects.extend(self.persist(tab));
        effects.extend(self.to_panels(tab, &PanelUpdate::Status { status }));
        effects
    }

    fn page_batch(&mut self, tab: i64, browser_url: &str, data: &str, now_wall: f64) -> Vec<Effect> {
        let batch = match decode_page_batch(data) {
            Ok(batch) => batch,
            Err(error) => return self.reject(tab, error.to_string()),
        };
        let new_tab = !self.tabs.contains_key(&tab);
        let state = self.tab_mut(tab);
        let status_before = state.status();
        state.hook_silent = false; // a batch: a hook answers
        let first_new_id = state.log.next_id();
        let dropped_before = state.log.dropped();

        let doc = state.enter_document(&batch, browser_url);
        let resend = doc.is_resend(&batch);
        let mut rows = vec![];
        for record in &batch.records {
            if !doc.is_new(record) {
                continue;
            }
            doc.last_seq = Some(record.seq());
            apply_to_status(&mut doc.status, record);
            if !record.is_replay() {
                rows.extend(record_row(record, &mut doc.throttles));
            }
        }
        if !resend {
            state.log.add_dropped(batch.dropped);
        }
        rows.into_iter().for_each(|row| state.push_row(row));

        // A new tab shrinks every tab's share: the others stop storing their own oldest chunks now,
        // so that this tab's writes fit, and hold fewer entries in memory if the budget asks it.
        let mut effects = if new_tab { self.enforce_memory_shares(tab) } else { vec![] };
        if new_tab {
            effects.extend(self.enforce_quotas(tab));
        }
        effects.extend(self.persist(tab));
        let state = &self.tabs[&tab];
        let entries: Vec<Entry> = state.log.since(first_new_id).cloned().collect();
        let dropped = state.log.dropped();
        let status = state.status();
        let changed_status = (status != status_before).then_some(status);
        if !entries.is_empty() || dropped != dropped_before {
            // The status its entries changed comes with them (the same render).
            effects.extend(self.append_to_panels(tab, entries, dropped, changed_status, now_wall));
        } else if let Some(status) = changed_status {
            effects.extend(self.to_panels(tab, &PanelUpdate::Status { status }));
        }
        effects
    }

    /// Sets every tab's byte cap to its share of [`MEMORY_BUDGET`] (at least [`MIN_TAB_MEMORY`],
    /// at most the log's own cap); returns the tabs that dropped entries for it.
    pub(super) fn apply_memory_shares(&mut self) -> Vec<i64> {
        let share = (MEMORY_BUDGET / self.tabs.len().max(1)).max(MIN_TAB_MEMORY).min(self.limits.max_bytes);
        let mut shrunk = vec![];
        for (tab, state) in self.tabs.iter_mut() {
            let dropped = state.log.dropped();
            state.log.set_max_bytes(share);
            if state.log.dropped() != dropped {
                shrunk.push(*tab);
            }
        }
        shrunk
    }

    /// Every tab's log holds at most its share of the memory budget: those over it (other than
    /// `except`, which is persisted by its caller) drop their oldest entries now, in storage and in
    /// the panels that watch them too.
    pub(super) fn enforce_memory_shares(&mut self, except: i64) -> Vec<Effect> {
        let shrunk: Vec<i64> = self.apply_memory_shares().into_iter().filter(|tab| *tab != except).collect();
        let mut effects = vec![];
        for tab in shrunk {
            effects.extend(self.persist(tab));
            let dropped = self.tabs[&tab].log.dropped();
            effects.extend(
                self.to_panels(tab, &PanelUpdate::Append { entries: vec![], dropped, diagnosed: None, status: None }),
            );
        }
        effects
    }

    /// `tab` started or finished loading a document at `url` (the browser's word, not the page's).
    /// A watched tab's new web page gets a relay (the hook runs on http and https pages only); both
    /// moments are reported because an injection asked at the start may still reach the old document.
    pub fn tab_loading(&mut self, tab: i64, url: &str) -> Vec<Effect> {
        if PageOrigin::parse(url).is_some() && self.is_watched(tab) {
            vec![Effect::InjectRelay { tab }]
        } else {
            vec![]
        }
    }

    /// A message from panel port `port`.
    pub fn panel_message(&mut self, port: PortId, text: &str) -> Vec<Effect> {
        let request = match decode_panel_request(text) {
            Ok(request) => request,
            Err(error) => return vec![Effect::Warn { message: format!("rejected a panel message: {error}") }],
        };
        if let PanelRequest::Subscribe { tab } = request {
            self.panels.insert(port, Some(tab));
            self.diagnose.remove(&port); // its next request says in what context
            let mut effects = vec![Effect::Reply { message: self.snapshot(tab) }, Effect::InjectRelay { tab }];
            // The toolbar badge quieted the tab's hook: a hello without a relay id makes it send as
            // it records again (a hello is answered with a batch of the hook's document). Also at the
            // first panel this hub sees for the tab: `quieted` lives in memory only, so a background
            // that stopped after quieting the hook (an idle event page) cannot vouch that it is not.
            let action = self.action.entry(tab).or_default();
            let first_panel = !std::mem::replace(&mut action.panel_seen, true);
            if std::mem::take(&mut action.quieted) || first_panel {
                let hello = encode_hook_command(&HookCommand::Hello { relay: None });
                effects.push(Effect::ToRelay { tab, command: hello, call: None });
            }
            return effects;
        }
        let Some(tab) = self.panels.get(&port).copied().flatten() else {
            return vec![Effect::Warn { message: "a panel request before subscribe was ignored".into() }];
        };
        match request {
            PanelRequest::Subscribe { .. } => unreachable!("handled above"),
            PanelRequest::Older { before } => vec![Effect::Reply { message: self.older(tab, before) }],
            PanelRequest::Call { method, args } => self.call_sdk(tab, method, args),
            PanelRequest::Listen { event } => self.listen(tab, event),
            PanelRequest::ReadPage => {
                vec![Effect::ToRelay { tab, command: encode_hook_command(&HookCommand::ReadPage), call: None }]
            }
            request @ (PanelRequest::Cookies | PanelRequest::DeleteCookies { .. }) => self.cookie_request(tab, request),
            PanelRequest::Diagnose { seq, now_wall, cookies, messages_utk_seen } => {
                let context = Context { now_wall, cookies, messages_utk_seen };
                let document: Vec<&Entry> =
                    self.tabs.get(&tab).map(|state| state.log.current_document().collect()).unwrap_or_default();
                let report = report(&document, &context);
                // An answer does not hold back the next push: an append that comes right after it
                // (a grace period's recheck just before the page's call) still brings its finding in
                // the render of its row. A panel has one request in flight at most, so the rules run
                // for it at most once per round trip and once per push interval.
                let pushed_at = self.diagnose.get(&port).map_or(f64::NEG_INFINITY, |asked| asked.pushed_at);
                self.diagnose.insert(port, PanelDiagnose { seq, context, pushed_at });
                vec![Effect::Reply { message: encode_panel_update(&PanelUpdate::Diagnosis(Diagnosed { seq, report })) }]
            }
            PanelRequest::Clear => {
                if let Some(state) = self.tabs.get_mut(&tab) {
                    state.log.clear();
                    state.rejected = 0;
                }
                let mut effects = self.persist(tab);
                effects.extend(self.to_panels(tab, &self.snapshot_update(tab)));
                effects
            }
        }
    }

    /// Sends an SDK call (already validated) to `tab`'s page under a fresh id.
    fn call_sdk(&mut self, tab: i64, method: String, args: Vec<serde_json::Value>) -> Vec<Effect> {
        self.send_call(tab, method.clone(), |id| HookCommand::Call { id, method, args })
    }

    /// Asks `tab`'s hook to listen to `event` with `on()` (the user's opt-in). Its `on()` calls
    /// come back as `call` records of method `on`; an undelivered request is logged like a call.
    fn listen(&mut self, tab: i64, event: ListenEvent) -> Vec<Effect> {
        self.send_call(tab, "on".into(), |id| HookCommand::Listen { id, event })
    }

    /// Sends the command `command(id)` under a fresh call id, remembered until its delivery is
    /// reported (an undelivered one is logged as a `method` call).
    fn send_call(&mut self, tab: i64, method: String, command: impl FnOnce(u64) -> HookCommand) -> Vec<Effect> {
        let state = self.tab_mut(tab);
        let id = state.next_call_id;
        state.next_call_id += 1;
        let command = encode_hook_command(&command(id));
        state.pending_calls.insert(id, method);
        while state.pending_calls.len() > MAX_PENDING_CALLS {
            state.pending_calls.pop_first();
        }
        let mut effects = self.persist(tab);
        effects.push(Effect::ToRelay { tab, command, call: Some(id) });
        effects
    }

    /// Whether a hook took call `call` in `tab`. An undelivered call is logged, so the user sees
    /// why nothing happened.
    pub fn relay_delivery(&mut self, tab: i64, call: u64, delivered: bool) -> Vec<Effect> {
        let Some(state) = self.tabs.get_mut(&tab) else {
            return vec![]; // the tab closed meanwhile
        };
        let Some(method) = state.pending_calls.remove(&call) else {
            return vec![];
        };
        if delivered {
            return vec![];
        }
        let first_new_id = state.log.next_id();
        state.push_row(undelivered_call_row(call, &method));
        let mut effects = self.persist(tab);
        let state = &self.tabs[&tab];
        let entries: Vec<Entry> = state.log.since(first_new_id).cloned().collect();
        let update = PanelUpdate::Append { entries, dropped: state.log.dropped(), diagnosed: None, status: None };
        effects.extend(self.to_panels(tab, &update));
        effects
    }

    /// Whether `tab`'s injected hook is silent; the panels are told when that changes.
    fn set_hook_silent(&mut self, tab: i64, silent: bool) -> Vec<Effect> {
        let state = self.tab_mut(tab);
        if state.hook_silent == silent {
            return vec![];
        }
        state.hook_silent = silent;
        let status = state.status();
        let mut effects = vec![Effect::Warn { message: format!("tab {tab}: the injected hook does not answer") }];
        effects.extend(self.persist(tab));
        effects.extend(self.to_panels(tab, &PanelUpdate::Status { status }));
        effects
    }

    /// The shim dropped a relay batch of `tab` unread: the tab's queue was full (it floods the
    /// background). The batch is never acknowledged as stored, but a later ack covers it: count it.
    pub fn relay_overflow(&mut self, tab: i64) -> Vec<Effect> {
        let state = self.tab_mut(tab);
        state.overflow += 1;
        let status = state.status();
        let mut effects = self.persist(tab);
        effects.extend(self.to_panels(tab, &PanelUpdate::Status { status }));
        effects
    }

    /// The outcome of a `Store` the shim reported (every failure, and successes asked for with
    /// `confirm`). A failed write is retried in full at the next persist; the panels are told.
    pub fn store_result(&mut self, tab: i64, ok: bool) -> Vec<Effect> {
        let Some(state) = self.tabs.get_mut(&tab) else {
            return vec![];
        };
        if state.unstored != ok {
            return vec![];
        }
        state.unstored = !ok;
        if !ok {
            state.log.mark_all_dirty();
            state.stored_chunks.clear();
        }
        let status = state.status();
        let mut effects = vec![];
        if !ok {
            effects.push(Effect::Warn { message: format!("tab {tab}: storage.session refused a write") });
        }
        effects.extend(self.to_panels(tab, &PanelUpdate::Status { status }));
        effects
    }

    /// The first chunk of `tab`'s snapshot: its newest entries (see [`PanelUpdate::Snapshot`]).
    fn snapshot_update(&self, tab: i64) -> PanelUpdate {
        match self.tabs.get(&tab) {
            Some(state) => {
                let (entries, more) = state.log.page_before(u64::MAX, SNAPSHOT_HEAD_ENTRIES, SNAPSHOT_CHUNK_BYTES);
                PanelUpdate::Snapshot {
                    status: state.status(),
                    entries: entries.into_iter().cloned().collect(),
                    dropped: state.log.dropped(),
                    more,
                }
            }
            None => PanelUpdate::Snapshot { status: Default::default(), entries: vec![], dropped: 0, more: false },
        }
    }

    /// What a panel shows for `tab` first, as JSON text: sent when it (re)subscribes. The rest
    /// comes chunk by chunk as the panel asks for it ([`Hub::older`]).
    pub fn snapshot(&self, tab: i64) -> String {
        encode_panel_update(&self.snapshot_update(tab))
    }

    /// The chunk of `tab`'s log before entry id `before`, as JSON text ([`PanelUpdate::Older`]).
    pub fn older(&self, tab: i64, before: u64) -> String {
        let (entries, more) = match self.tabs.get(&tab) {
            Some(state) => {
                let (entries, more) = state.log.page_before(before, SNAPSHOT_CHUNK_ENTRIES, SNAPSHOT_CHUNK_BYTES);
                (entries.into_iter().cloned().collect(), more)
            }
            None => (vec![], false),
        };
        encode_panel_update(&PanelUpdate::Older { before, entries, more })
    }

    /// The URL of `tab`'s current document as the browser reported it, if a relay has sent from
    /// it. Cookie operations use this, never a URL the page reported.
    pub fn page_url(&self, tab: i64) -> Option<&str> {
        self.tabs.get(&tab)?.current().map(|d| d.browser_url.as_str()).filter(|u| !u.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostics::DiagnosisReport;
    use crate::core::protocol::{ApiState, EntryKind, PageStatus};
    use serde_json::json;
    use std::collections::HashMap;

    const PANEL: PortId = 1;
    /// The URL the browser reports for the relay's frame in these tests.
    const SHOP_TEST: &str = "http://shop.test/";

    fn subscribe(tab: i64) -> String {
        format!(r#"{{"v":1,"type":"subscribe","tab":{tab}}}"#)
    }

    /// A hub whose panel port `PANEL` watches `tab`.
    fn watched(tab: i64) -> Hub {
        let mut hub = Hub::default();
        hub.panel_connected(PANEL);
        hub.panel_message(PANEL, &subscribe(tab));
        hub
    }

    fn ack(batch: u64) -> Effect {
        Effect::Ack { message: encode_relay_reply(&RelayReply::Ack { batch }) }
    }

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

    /// The whole snapshot of `tab`: its first chunk and every older one, as a panel asks for them.
    fn snapshot(hub: &Hub, tab: i64) -> (PageStatus, Vec<Entry>, u64) {
        let PanelUpdate::Snapshot { status, mut entries, dropped, mut more } = decode(&hub.snapshot(tab)) else {
            panic!("not a snapshot")
        };
        while more {
            let before = entries[0].id;
            let PanelUpdate::Older { before: echoed, entries: older, more: again } = decode(&hub.older(tab, before))
            else {
                panic!("not an older chunk")
            };
            assert_eq!(echoed, before);
            assert!(!older.is_empty());
            entries.splice(0..0, older);
            more = again;
        }
        (status, entries, dropped)
    }

    fn decode(text: &str) -> PanelUpdate {
        crate::core::protocol::decode_panel_update(text).unwrap()
    }

    /// The appends among `effects`: the ports each goes to and the report pushed with it.
    fn appends(effects: &[Effect]) -> Vec<(Vec<PortId>, Option<Diagnosed>)> {
        let updates = effects.iter().filter_map(|e| match e {
            Effect::ToPanels { ports, message } => Some((ports.clone(), decode(message))),
            _ => None,
        });
        updates
            .filter_map(|(ports, update)| match update {
                PanelUpdate::Append { diagnosed, .. } => Some((ports, diagnosed)),
                _ => None,
            })
            .collect()
    }

    fn stored(effects: &[Effect], into: &mut HashMap<String, String>) {
        for effect in effects {
            match effect {
                Effect::Store { items, .. } => into.extend(items.clone()),
                Effect::Remove { keys } => keys.iter().for_each(|k| {
                    into.remove(k);
                }),
                _ => {}
            }
        }
    }

    #[test]
    fn the_diagnostics_records_become_rows_the_rules_read() {
        use crate::core::diagnostics::{diagnose, Context};
        use std::rc::Rc;
        let mut hub = Hub::default();
        let records = r#"{"k":"loader","seq":1,"t":5,"src":"https://js.hs-scripts.com/123.js","portal":"123","blocked":true},
            {"k":"env","seq":2,"t":6,"secure":false,"host":"shop.test","disabled_popups":null,"to_json":[],"running":false},
            {"k":"page_call","seq":3,"t":7,"method":"widget.open","generation":1,"placeholder":false,"args":[],"outcome":"threw","error":"TypeError: Cannot read properties of undefined","caller":"http://shop.test/app.js:3:1"}"#;
        hub.relay_message(4, SHOP_TEST, &relay_page(1, "a", records), 0.0);
        let (status, entries, _) = snapshot(&hub, 4);
        assert_eq!(status.loader_src.as_deref(), Some("https://js.hs-scripts.com/123.js"));
        let kinds: Vec<EntryKind> = entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::Navigation, EntryKind::Loader, EntryKind::Env, EntryKind::PageCall]);
        assert_eq!(entries[3].name, "widget.open");
        assert!(entries[3].summary.starts_with("widget.open() threw TypeError"), "{}", entries[3].summary);
        let entries: Vec<Rc<Entry>> = entries.into_iter().map(Rc::new).collect();
        let diagnosis = diagnose(&entries, &Context { now_wall: 60_000.0, cookies: None, messages_utk_seen: false });
        let rules: Vec<(&str, Vec<u64>)> = diagnosis.findings.iter().map(|f| (f.rule, f.evidence.clone())).collect();
        assert_eq!(rules, [("loader-blocked", vec![entries[1].id])]);
        assert_eq!(diagnosis.notes.len(), 1, "plain http");
    }

    #[test]
    fn a_panel_asks_for_the_diagnosis_of_the_current_document_and_gets_the_rules_report() {
        use crate::core::protocol::{decode_panel_update, encode_panel_request};
        let mut hub = watched(4);
        let blocked =
            r#"{"k":"loader","seq":1,"t":5,"src":"https://js.hs-scripts.com/123.js","portal":"123","blocked":true}"#;
        hub.relay_message(4, SHOP_TEST, &relay_page(1, "a", blocked), 0.0);
        hub.relay_message(4, SHOP_TEST, &relay_page(2, "b", blocked), 0.0); // a second document
        let ask = |hub: &mut Hub, seq: u64| {
            let request = PanelRequest::Diagnose { seq, now_wall: 60_000.0, cookies: None, messages_utk_seen: false };
            let effects = hub.panel_message(PANEL, &encode_panel_request(&request));
            let [Effect::Reply { message }] = effects.as_slice() else { panic!("{effects:?}") };
            match decode_panel_update(message).unwrap() {
                PanelUpdate::Diagnosis(Diagnosed { seq: answered, report }) => (answered, report),
                other => panic!("{other:?}"),
            }
        };
        let (seq, report) = ask(&mut hub, 7);
        assert_eq!(seq, 7);
        let (_, entries, _) = snapshot(&hub, 4);
        let loader = entries.iter().rfind(|e| e.kind == EntryKind::Loader).unwrap();
        let rules: Vec<(&str, &[u64])> =
            report.diagnosis.findings.iter().map(|f| (f.rule, f.evidence.as_slice())).collect();
        assert_eq!(rules, [("loader-blocked", [loader.id].as_slice())], "the current document's loader only");
        assert_eq!(report.checked, 1);
        assert_eq!(report.labels.first().map(|(id, _)| *id), Some(loader.id));
        assert!(report.label(loader.id).starts_with("loader"), "{}", report.label(loader.id));
        // A tab with no log yet: an empty report. A request before subscribe: refused.
        let mut hub = watched(9);
        assert_eq!(ask(&mut hub, 1).1, DiagnosisReport::default());
        let mut hub = Hub::default();
        hub.panel_connected(PANEL);
        let effects = hub.panel_message(PANEL, r#"{"v":1,"type":"diagnose","seq":1,"now_wall":1}"#);
        assert!(matches!(effects.as_slice(), [Effect::Warn { .. }]));
        // An absurd clock or cookie list is refused.
        let mut hub = watched(4);
        let many: Vec<String> = (0..=100).map(|i| format!(r#"{{"name":"c{i}","value":""}}"#)).collect();
        for bad in [
            r#"{"v":1,"type":"diagnose","seq":1,"now_wall":"soon"}"#.to_string(),
            format!(r#"{{"v":1,"type":"diagnose","seq":1,"now_wall":1,"cookies":[{}]}}"#, many.join(",")),
        ] {
            assert!(matches!(hub.panel_message(PANEL, &bad).as_slice(), [Effect::Warn { .. }]), "{bad}");
        }
    }

    #[test]
    fn an_append_right_after_an_answer_still_brings_the_report_and_pushes_stay_a_frame_apart() {
        use crate::core::protocol::encode_panel_request;
        let mut hub = watched(4);
        hub.relay_message(4, SHOP_TEST, &relay_page(1, "a", &event(1, "widgetLoaded")), 20_000.0);
        let request = PanelRequest::Diagnose { seq: 2, now_wall: 20_001.0, cookies: None, messages_utk_seen: false };
        hub.panel_message(PANEL, &encode_panel_request(&request));
        let pushed = |effects: &[Effect]| {
            appends(effects).iter().any(|(_, diagnosed)| diagnosed.as_ref().is_some_and(|d| d.seq == 2))
        };
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(2, "a", &event(2, "x")), 20_005.0);
        assert!(pushed(&effects), "4 ms after the answer: {effects:?}");
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(3, "a", &event(3, "x")), 20_010.0);
        assert!(!pushed(&effects), "5 ms after a push: the plain append");
        // Asking again does not reset the time of the last push either.
        hub.panel_message(PANEL, &encode_panel_request(&request));
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(4, "a", &event(4, "x")), 20_012.0);
        assert!(!pushed(&effects), "7 ms after a push");
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(5, "a", &event(5, "x")), 20_021.0);
        assert!(pushed(&effects), "16 ms after a push");
    }

    #[test]
    fn after_a_diagnose_request_the_panel_gets_the_report_with_each_append_in_that_context() {
        use crate::core::protocol::encode_panel_request;
        const OTHER: PortId = PANEL + 1;
        let mut hub = watched(4);
        hub.panel_connected(OTHER);
        hub.panel_message(OTHER, &subscribe(4));
        let ask = |hub: &mut Hub, port: PortId, seq: u64, now_wall: f64, messages_utk_seen: bool| {
            let request = PanelRequest::Diagnose { seq, now_wall, cookies: None, messages_utk_seen };
            match hub.panel_message(port, &encode_panel_request(&request)).as_slice() {
                [Effect::Reply { message }] => match decode(message) {
                    PanelUpdate::Diagnosis(Diagnosed { report, .. }) => report,
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        };
        // Before a panel asked: the same append to both.
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(1, "a", &event(1, "widgetLoaded")), 5_000.0);
        assert_eq!(appends(&effects), [(vec![PANEL, OTHER], None)]);
        ask(&mut hub, PANEL, 3, 1_002.0, false);
        // A blocked loader: the panel that asked gets the report with the row (as its request would
        // be answered now, the clock moved to the row's), the other the plain append.
        let blocked =
            r#"{"k":"loader","seq":2,"t":5,"src":"https://js.hs-scripts.com/123.js","portal":"123","blocked":true}"#;
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(2, "a", blocked), 5_100.0);
        let [(to, Some(pushed)), (plain, None)] = &appends(&effects)[..] else { panic!("{effects:?}") };
        assert_eq!((to, plain), (&vec![PANEL], &vec![OTHER]));
        let pushed = pushed.clone();
        assert_eq!(pushed.seq, 3);
        let rules: Vec<&str> = pushed.report.diagnosis.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["loader-blocked"]);
        hub.panel_connected(OTHER + 1);
        hub.panel_message(OTHER + 1, &subscribe(4));
        assert_eq!(pushed.report, ask(&mut hub, OTHER + 1, 1, 1_005.0, false), "what a request answers now");
        hub.panel_disconnected(OTHER + 1);
        // At most one push per panel a frame: within it the plain append (the panel asks).
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(3, "a", &event(3, "x")), 5_110.0);
        assert_eq!(appends(&effects), [(vec![PANEL, OTHER], None)]);
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(4, "a", &event(4, "x")), 5_200.0);
        assert!(matches!(&appends(&effects)[..], [(p, Some(_)), (o, None)] if *p == [PANEL] && *o == [OTHER]));
        // A forged time from the future does not move the clock past the background's.
        let future = event(5, "x").replace(r#""t":5"#, r#""t":1e15"#);
        hub.relay_message(4, SHOP_TEST, &relay_page(5, "a", &future), 5_300.0);
        assert_eq!(hub.diagnose[&PANEL].context.now_wall, 5_300.0);
        // A new document: what a listing showed of messagesUtk was the old one's.
        ask(&mut hub, PANEL, 4, 6_000.0, true);
        hub.relay_message(4, SHOP_TEST, &relay_page(1, "b", &event(1, "x")), 7_000.0);
        assert!(!hub.diagnose[&PANEL].context.messages_utk_seen);
        // A large append (a flood's batch), or any append to a large document: plain appends (the
        // panel asks at its own pace), so a flooding tab costs the background no more than before.
        let events: Vec<String> = (2..=22).map(|seq| event(seq, "x")).collect();
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(2, "b", &events.join(",")), 8_000.0);
        assert_eq!(appends(&effects), [(vec![PANEL, OTHER], None)], "21 entries at once");
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(3, "b", &event(23, "x")), 9_000.0);
        assert!(matches!(&appends(&effects)[..], [(p, Some(_)), (o, None)] if *p == [PANEL] && *o == [OTHER]));
        for batch in 0..2 {
            let events: Vec<String> = (0..500).map(|i| event(24 + batch * 500 + i, "x")).collect();
            hub.relay_message(4, SHOP_TEST, &relay_page(4 + batch, "b", &events.join(",")), 10_000.0 + batch as f64);
        }
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(20, "b", &event(2000, "x")), 200_000.0);
        assert_eq!(appends(&effects), [(vec![PANEL, OTHER], None)], "over 1,000 entries in the document");
        // Subscribing again, or a port gone, forgets the request.
        hub.panel_message(OTHER, &subscribe(4));
        ask(&mut hub, OTHER, 1, 1.0, false);
        hub.panel_message(OTHER, &subscribe(4));
        hub.panel_disconnected(PANEL);
        assert!(hub.diagnose.is_empty());
    }

    #[test]
    fn a_batch_becomes_entries_status_and_an_ack_after_the_store() {
        let mut hub = Hub::default();
        let records =
            format!(r#"{{"k":"api","seq":1,"t":1,"state":"ready","generation":1}},{}"#, event(2, "widgetLoaded"));
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(9, "a", &records), 0.0);
        let store = effects.iter().position(|e| matches!(e, Effect::Store { .. })).unwrap();
        let acked = effects.iter().position(|e| *e == ack(9)).unwrap();
        assert!(store < acked, "ack must follow the store");
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
        let mut hub = watched(1);
        let page = relay_page(1, "a", &format!("{},{}", event(1, "widgetLoaded"), event(2, "widgetClosed")));
        hub.relay_message(1, SHOP_TEST, &page, 0.0);
        let again = hub.relay_message(1, SHOP_TEST, &page, 0.0);
        assert!(!again.iter().any(|e| matches!(e, Effect::ToPanels { .. })));
        assert!(again.contains(&ack(1)));
        hub.relay_message(
            1,
            SHOP_TEST,
            &relay_page(2, "a", &format!("{},{}", event(2, "widgetClosed"), event(3, "x"))),
            0.0,
        );
        let names: Vec<String> = snapshot(&hub, 1).1.into_iter().map(|e| e.name).collect();
        assert_eq!(names, vec!["navigation", "widgetLoaded", "widgetClosed", "x"]);
    }

    #[test]
    fn a_new_document_adds_a_navigation_and_resets_the_status() {
        let mut hub = watched(1);
        hub.relay_message(
            1,
            SHOP_TEST,
            &relay_page(1, "a", r#"{"k":"api","seq":1,"t":1,"state":"ready","generation":1}"#),
            0.0,
        );
        let effects = hub.relay_message(1, SHOP_TEST, &relay_page(1, "b", ""), 0.0);
        let (status, entries, _) = snapshot(&hub, 1);
        assert_eq!(status.api, ApiState::Absent);
        assert_eq!(status.doc, "b");
        assert_eq!(entries.iter().filter(|e| e.kind == EntryKind::Navigation).count(), 2);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains("\"status\""))));
        // Back to document "a" (back/forward cache): its status comes back, no events repeat.
        hub.relay_message(
            1,
            SHOP_TEST,
            &relay_page(2, "a", r#"{"k":"api","seq":1,"t":1,"state":"ready","generation":1}"#),
            0.0,
        );
        assert_eq!(snapshot(&hub, 1).0.api, ApiState::Ready);
        assert_eq!(snapshot(&hub, 1).1.iter().filter(|e| e.kind == EntryKind::Api).count(), 1);
    }

    #[test]
    fn forged_or_broken_messages_are_counted_and_lose_nothing() {
        let mut hub = Hub::default();
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", &event(1, "widgetLoaded")), 0.0);
        let effects = hub.relay_message(1, SHOP_TEST, r#"{"v":1,"type":"page","batch":2,"data":"{oops"}"#, 0.0);
        assert!(effects.contains(&ack(2)), "a broken batch is acknowledged so it is not resent forever");
        hub.relay_message(1, SHOP_TEST, "not json at all", 0.0);
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
            stored(&hub.relay_message(3, SHOP_TEST, &relay_page(batch, "a", &records.join(",")), 0.0), &mut storage);
        }
        let before = snapshot(&hub, 3);
        assert_eq!(before.1.len(), 600);
        assert_eq!(before.2, 401);
        let live_chunks = 600 / crate::core::event_log::CHUNK_SIZE as usize + 2; // partial at both ends
        assert!(storage.len() <= live_chunks + 1, "evicted chunks are removed from storage: {:?}", storage.keys());

        let mut restarted = Hub::restore(Limits { max_entries: 600, max_bytes: usize::MAX }, &storage);
        assert_eq!(snapshot(&restarted, 3), before);
        // De-duplication state survives too: a batch resent after the restart adds nothing.
        let records: Vec<String> = (901..=1000).map(|i| event(i, "inputStaging")).collect();
        restarted.relay_message(3, SHOP_TEST, &relay_page(10, "a", &records.join(",")), 0.0);
        assert_eq!(snapshot(&restarted, 3), before);
    }

    /// Bytes of every item in a simulated storage.session.
    fn storage_bytes(storage: &HashMap<String, String>) -> usize {
        storage.values().map(String::len).sum()
    }

    fn flood(hub: &mut Hub, tab: i64, batch: u64, storage: &mut HashMap<String, String>) {
        let records: Vec<String> = (1..=100).map(|i| event((batch - 1) * 100 + i, "inputStaging")).collect();
        stored(&hub.relay_message(tab, SHOP_TEST, &relay_page(batch, "a", &records.join(",")), 0.0), storage);
    }

    #[test]
    fn each_tab_keeps_to_its_share_of_storage_and_pays_for_it_itself() {
        const BUDGET: usize = 64 << 10;
        let mut hub = Hub::with_storage_budget(Limits::default(), BUDGET);
        let mut storage = HashMap::new();
        for batch in 1..=20 {
            flood(&mut hub, 1, batch, &mut storage);
            assert!(storage_bytes(&storage) <= BUDGET, "{} bytes stored", storage_bytes(&storage));
        }
        // Memory holds the whole log; storage its newest chunks, the rest counted dropped after a restart.
        let tab1 = snapshot(&hub, 1);
        assert_eq!((tab1.1.len(), tab1.2), (2001, 0), "2,000 events and the navigation row");
        let restored = snapshot(&Hub::restore(Limits::default(), &storage), 1);
        assert!(restored.1.len() < tab1.1.len() && tab1.1.ends_with(&restored.1), "the newest entries are stored");
        assert_eq!(restored.2 as usize, tab1.1.len() - restored.1.len(), "the others are counted dropped");
        // A second tab: tab 1's share halves and it stores less at once, so tab 2's writes fit.
        flood(&mut hub, 2, 1, &mut storage);
        assert!(storage_bytes(&storage) <= BUDGET);
        let shrunk = snapshot(&Hub::restore(Limits::default(), &storage), 1);
        assert!(shrunk.1.len() < restored.1.len() && tab1.1.ends_with(&shrunk.1), "tab 1 stores its newest entries");
        assert_eq!(snapshot(&hub, 1), tab1, "and keeps them all in memory");
        // From now on tab 2's flood costs tab 1 nothing.
        let tab1_stored: Vec<(String, String)> =
            storage.iter().filter(|(k, _)| k.starts_with("tab:1:")).map(|(k, v)| (k.clone(), v.clone())).collect();
        for batch in 2..=20 {
            flood(&mut hub, 2, batch, &mut storage);
            assert!(storage_bytes(&storage) <= BUDGET, "{} bytes stored", storage_bytes(&storage));
        }
        assert!(tab1_stored.iter().all(|(k, v)| storage.get(k) == Some(v)));
        assert_eq!(snapshot(&hub, 1), tab1);
        // What is stored is what a restarted worker shows.
        let again = Hub::restore(Limits::default(), &storage);
        assert_eq!(snapshot(&again, 1), shrunk);
        let tab2 = snapshot(&again, 2);
        assert!(snapshot(&hub, 2).1.ends_with(&tab2.1));
    }

    #[test]
    fn tabs_share_the_background_memory_budget() {
        use crate::core::event_log::DEFAULT_MAX_BYTES;
        let mut hub = Hub::default();
        let fill = |hub: &mut Hub, tab: i64, mib: usize| {
            for _ in 0..mib {
                hub.tab_mut(tab).log.push(|id| Entry {
                    payload: "x".repeat(1 << 20),
                    ..Entry::sample(id, EntryKind::Event, "e", "", "")
                });
            }
        };
        // Four tabs hold their own cap (40 MiB) each: 160 MiB in all, the budget.
        for tab in 1..=4 {
            fill(&mut hub, tab, 45);
            hub.enforce_memory_shares(tab);
        }
        assert!(hub
            .tabs
            .values()
            .all(|s| s.log.bytes() <= DEFAULT_MAX_BYTES && s.log.bytes() > DEFAULT_MAX_BYTES - (2 << 20)));
        // A fifth: every tab gives up its oldest entries to a fifth of the budget.
        fill(&mut hub, 5, 45);
        hub.enforce_memory_shares(5);
        let total: usize = hub.tabs.values().map(|s| s.log.bytes()).sum();
        assert!(total <= MEMORY_BUDGET, "{total} bytes held");
        assert!(hub.tabs.values().all(|s| s.log.bytes() <= MEMORY_BUDGET / 5));
        assert!(hub.tabs[&1].log.dropped() > 5, "tab 1 dropped its oldest");
        // A closed tab gives the others room again: they keep what they hold, and may grow back.
        hub.tab_removed(5);
        fill(&mut hub, 1, 45);
        assert!(hub.tabs[&1].log.bytes() > MEMORY_BUDGET / 5);
    }

    #[test]
    fn the_defaults_hold_100k_typical_entries_and_bound_a_flood_of_huge_payloads() {
        use crate::core::event_log::{EventLog, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES};
        assert_eq!(DEFAULT_MAX_ENTRIES, 100_000);
        let typical = |id: u64| {
            let mut entry = Entry::sample(id, EntryKind::Event, "unreadConversationCountChanged", "unread 3", "");
            entry.doc = "0123456789abcdef0123456789abcdef".into();
            entry.payload =
                format!(r#"{{"unreadCount":3,"conversation":{{"conversationId":{id},"threadId":"t-{id}"}}}}"#);
            entry
        };
        let mut log = EventLog::default();
        for _ in 0..100_010 {
            log.push(typical);
        }
        assert_eq!((log.len(), log.dropped()), (100_000, 10));
        let mut log = EventLog::default();
        for _ in 0..2_000 {
            log.push(|id| Entry { payload: "x".repeat(64 << 10), ..typical(id) });
        }
        assert!(log.bytes() <= DEFAULT_MAX_BYTES && log.len() < 700, "{} entries", log.len());
    }

    #[test]
    fn batches_dropped_under_load_are_counted_in_the_status_and_survive_a_restart() {
        let mut hub = watched(1);
        let mut storage = HashMap::new();
        stored(&hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", &event(1, "a")), 0.0), &mut storage);
        let effects = hub.relay_overflow(1);
        stored(&effects, &mut storage);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains(r#""overflow":1"#))));
        hub.relay_overflow(1);
        stored(&hub.relay_overflow(1), &mut storage);
        assert_eq!(snapshot(&hub, 1).0.overflow, 3);
        assert_eq!(snapshot(&Hub::restore(Limits::default(), &storage), 1).0.overflow, 3);
    }

    #[test]
    fn a_silent_hook_is_shown_in_the_status_until_a_batch_comes() {
        let mut hub = watched(4);
        let mut storage = HashMap::new();
        let silent = r#"{"v":1,"type":"hook_silent"}"#;
        let effects = hub.relay_message(4, SHOP_TEST, silent, 0.0);
        stored(&effects, &mut storage);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains(r#""hook_silent":true"#))));
        assert!(snapshot(&hub, 4).0.hook_silent);
        assert!(snapshot(&Hub::restore(Limits::default(), &storage), 4).0.hook_silent, "kept across a restart");
        assert!(hub.relay_message(4, SHOP_TEST, silent, 0.0).is_empty(), "told once");
        let effects = hub.relay_message(4, SHOP_TEST, &relay_page(1, "a", &event(1, "a")), 0.0);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains(r#""hook_silent":false"#))));
        assert!(!snapshot(&hub, 4).0.hook_silent);
    }

    #[test]
    fn a_failed_write_is_not_acknowledged_as_stored_and_is_retried_in_full() {
        let mut hub = watched(1);
        let effects = hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", &event(1, "a")), 0.0);
        let store = effects.iter().position(|e| matches!(e, Effect::Store { confirm: false, .. })).unwrap();
        let acked = effects.iter().position(|e| *e == ack(1)).unwrap();
        assert!(store < acked, "the ack is conditional on the store before it");
        // The shim reports the failure (and does not send the ack): the panel is told.
        let effects = hub.store_result(1, false);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains(r#""unstored":true"#))));
        assert!(snapshot(&hub, 1).0.unstored);
        // The next write rewrites everything and asks for its outcome.
        let effects = hub.relay_message(1, SHOP_TEST, &relay_page(2, "a", &event(2, "b")), 0.0);
        let Some(Effect::Store { items, confirm: true, .. }) =
            effects.iter().find(|e| matches!(e, Effect::Store { .. }))
        else {
            panic!("{effects:?}")
        };
        let mut storage = HashMap::new();
        storage.extend(items.clone());
        let names: Vec<String> =
            snapshot(&Hub::restore(Limits::default(), &storage), 1).1.into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["navigation", "a", "b"], "the retry holds what the failed write lost");
        assert!(hub.store_result(1, true).iter().any(|e| matches!(e, Effect::ToPanels { .. })));
        assert!(!snapshot(&hub, 1).0.unstored);
        assert!(hub.store_result(1, true).is_empty(), "nothing changes");
    }

    #[test]
    fn subscribe_replays_and_asks_for_a_relay_every_time() {
        let mut hub = Hub::default();
        hub.panel_connected(7);
        let effects = hub.panel_message(7, &subscribe(5));
        assert!(matches!(effects[0], Effect::Reply { .. }));
        assert_eq!(effects[1], Effect::InjectRelay { tab: 5 });
        hub.relay_message(5, SHOP_TEST, &relay_page(1, "a", &event(1, "widgetLoaded")), 0.0);
        let effects = hub.panel_message(7, &subscribe(5));
        let Effect::Reply { message } = &effects[0] else { panic!() };
        assert!(message.contains("widgetLoaded"));
        assert_eq!(effects[1..], [Effect::InjectRelay { tab: 5 }], "the worker may have restarted since");
    }

    #[test]
    fn only_a_watched_tab_gets_a_relay_on_each_document() {
        let mut hub = Hub::default();
        assert!(hub.tab_loading(5, SHOP_TEST).is_empty(), "a page no panel watches pays for no relay");
        hub.panel_connected(7);
        hub.panel_message(7, &subscribe(5));
        assert_eq!(hub.tab_loading(5, SHOP_TEST), [Effect::InjectRelay { tab: 5 }]);
        assert!(hub.tab_loading(5, "about:blank").is_empty(), "no hook there to relay");
        assert!(hub.tab_loading(6, SHOP_TEST).is_empty());
        hub.panel_disconnected(7);
        assert!(hub.tab_loading(5, SHOP_TEST).is_empty());
    }

    #[test]
    fn updates_reach_exactly_the_ports_watching_the_tab() {
        let mut hub = Hub::default();
        for (port, tab) in [(1, 10), (2, 20), (3, 10)] {
            hub.panel_connected(port);
            hub.panel_message(port, &subscribe(tab));
        }
        hub.panel_connected(4); // connected, not subscribed
        let ports = |effects: Vec<Effect>| -> Vec<Vec<PortId>> {
            effects
                .into_iter()
                .filter_map(|e| match e {
                    Effect::ToPanels { ports, .. } => Some(ports),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(
            ports(hub.relay_message(10, SHOP_TEST, &relay_page(1, "a", &event(1, "x")), 0.0)),
            vec![vec![1, 3]],
            "one append, the status it changed inside"
        );
        hub.panel_disconnected(3);
        assert_eq!(ports(hub.relay_message(10, SHOP_TEST, &relay_page(2, "a", &event(2, "y")), 0.0)), vec![vec![1]]);
        // A port that subscribes to another tab stops watching the first one.
        hub.panel_message(1, &subscribe(20));
        assert!(ports(hub.relay_message(10, SHOP_TEST, &relay_page(3, "a", &event(3, "z")), 0.0)).is_empty());
        assert_eq!(ports(hub.relay_message(20, SHOP_TEST, &relay_page(1, "b", &event(1, "w")), 0.0)), vec![vec![1, 2]]);
    }

    #[test]
    fn clear_empties_the_log_and_storage_but_not_the_status() {
        let mut hub = watched(2);
        let mut storage = HashMap::new();
        let records = format!(r#"{{"k":"api","seq":1,"t":1,"state":"ready","generation":1}},{}"#, event(2, "a"));
        stored(&hub.relay_message(2, SHOP_TEST, &relay_page(1, "a", &records), 0.0), &mut storage);
        let effects = hub.panel_message(PANEL, r#"{"v":1,"type":"clear"}"#);
        stored(&effects, &mut storage);
        let (status, entries, dropped) = snapshot(&hub, 2);
        assert!(entries.is_empty());
        assert_eq!(dropped, 0);
        assert_eq!(status.api, ApiState::Ready);
        assert_eq!(storage.keys().collect::<Vec<_>>(), vec!["tab:2:meta"]);
        hub.panel_connected(9);
        assert!(hub.panel_message(9, r#"{"v":1,"type":"clear"}"#).iter().all(|e| matches!(e, Effect::Warn { .. })));
    }

    #[test]
    fn a_closed_tab_leaves_nothing_in_storage() {
        let mut hub = Hub::default();
        let mut storage = HashMap::new();
        stored(&hub.relay_message(8, SHOP_TEST, &relay_page(1, "a", &event(1, "a")), 0.0), &mut storage);
        stored(&hub.relay_message(9, SHOP_TEST, &relay_page(1, "a", &event(1, "a")), 0.0), &mut storage);
        stored(&hub.tab_removed(8), &mut storage);
        assert!(storage.keys().all(|k| k.starts_with("tab:9:")));
        assert_eq!(hub.tab_count(), 1);
    }

    #[test]
    fn the_hooks_dropped_count_is_reported() {
        let mut hub = watched(1);
        let data = r#"{"v":1,"doc":"a","url":"u","time_origin":0,"dropped":7,"records":[]}"#;
        let effects =
            hub.relay_message(1, SHOP_TEST, &json!({"v":1,"type":"page","batch":1,"data":data}).to_string(), 0.0);
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
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", records), 0.0);
        let status = snapshot(&hub, 1).0;
        assert_eq!(status.loader_src.as_deref(), Some("https://js.usemessages.com/conversations-embed.js"));
        assert_eq!(status.portal.as_deref(), Some("123"));
    }

    #[test]
    fn a_panel_call_goes_to_the_relay_with_a_fresh_id() {
        let mut hub = watched(1);
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", ""), 0.0);
        let effects = hub.panel_message(PANEL, &call_request("widget.load", r#"[{"widgetOpen":true}]"#));
        let Some(Effect::ToRelay { tab: 1, command, call: Some(1) }) = effects.last() else {
            panic!("no relay effect: {effects:?}")
        };
        let command: serde_json::Value = serde_json::from_str(command).unwrap();
        assert_eq!(command, json!({"v":1,"type":"call","id":1,"method":"widget.load","args":[{"widgetOpen":true}]}));
        let again = hub.panel_message(PANEL, &call_request("widget.open", "[]"));
        assert!(matches!(again.last(), Some(Effect::ToRelay { call: Some(2), .. })));
        assert!(hub
            .panel_message(PANEL, &call_request("alert", "[]"))
            .iter()
            .all(|e| matches!(e, Effect::Warn { .. })));
        hub.panel_connected(2);
        assert!(hub
            .panel_message(2, &call_request("widget.open", "[]"))
            .iter()
            .all(|e| matches!(e, Effect::Warn { .. })));
        let read = hub.panel_message(PANEL, r#"{"v":1,"type":"read_page"}"#);
        assert_eq!(read, vec![Effect::ToRelay { tab: 1, command: r#"{"v":1,"type":"read_page"}"#.into(), call: None }]);
    }

    #[test]
    fn a_listen_request_goes_to_the_relay_as_a_call_and_is_logged_when_undelivered() {
        let mut hub = watched(1);
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", ""), 0.0);
        let effects = hub.panel_message(PANEL, r#"{"v":1,"type":"listen","event":"widgetHidden"}"#);
        let Some(Effect::ToRelay { tab: 1, command, call: Some(1) }) = effects.last() else {
            panic!("no relay effect: {effects:?}")
        };
        let command: serde_json::Value = serde_json::from_str(command).unwrap();
        assert_eq!(command, json!({"v":1,"type":"listen","id":1,"event":"widgetHidden"}));
        assert!(hub
            .panel_message(PANEL, r#"{"v":1,"type":"listen","event":"conversationStarted"}"#)
            .iter()
            .all(|e| matches!(e, Effect::Warn { .. })));
        // No relay took it: logged as a call of on(), so the user sees why nothing was heard.
        hub.relay_delivery(1, 1, false);
        let calls: Vec<Entry> = snapshot(&hub, 1).1.into_iter().filter(|e| e.kind == EntryKind::Call).collect();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "on");
        assert!(calls[0].summary.contains("not connected"), "{}", calls[0].summary);
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
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", &records), 0.0);
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
    fn an_undelivered_call_is_logged_once_and_a_delivered_one_is_not() {
        let mut hub = watched(3);
        let call_id = |effects: Vec<Effect>| match effects.last() {
            Some(Effect::ToRelay { call: Some(id), .. }) => *id,
            other => panic!("no call: {other:?}"),
        };
        let id = call_id(hub.panel_message(PANEL, &call_request("clear", "[]")));
        let effects = hub.relay_delivery(3, id, false);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::ToPanels { message, .. } if message.contains("not connected"))));
        let entries = snapshot(&hub, 3).1;
        assert_eq!((entries[0].kind, entries[0].name.as_str()), (EntryKind::Call, "clear"));
        assert!(hub.relay_delivery(3, id, false).is_empty(), "reported once");
        let id = call_id(hub.panel_message(PANEL, &call_request("widget.open", "[]")));
        assert!(hub.relay_delivery(3, id, true).is_empty());
        assert_eq!(snapshot(&hub, 3).1.len(), 1);
        assert!(hub.relay_delivery(4, 1, false).is_empty(), "an unknown tab");
    }

    #[test]
    fn settings_and_inline_records_update_the_status() {
        let mut hub = Hub::default();
        let records = r##"{"k":"settings","seq":1,"t":5,"source":"assigned","phase":"before_loader","present":true,
              "fields":{"loadImmediately":{"type":"string","value":"yes"}}},
            {"k":"settings","seq":2,"t":900,"source":"read","phase":"after_loader","present":true,"fields":{}},
            {"k":"inline","seq":3,"t":901,"selector":"#chat","exists":false,"width":0,"height":0}"##;
        hub.relay_message(1, SHOP_TEST, &relay_page(1, "a", records), 0.0);
        let (status, entries, _) = snapshot(&hub, 1);
        let as_set = status.settings_as_set.unwrap();
        assert_eq!(as_set.phase, crate::core::protocol::SettingsPhase::BeforeLoader);
        assert!(as_set.fields.contains_key("loadImmediately"));
        assert!(status.settings_now.unwrap().fields.is_empty());
        assert_eq!(status.inline.unwrap().selector, "#chat");
        // The assignment is logged (with its problem count); reads are not.
        let settings: Vec<&Entry> = entries.iter().filter(|e| e.kind == EntryKind::Settings).collect();
        assert_eq!(settings.len(), 1);
        assert_eq!(settings[0].summary, "assigned before the loader read it — 1 invalid");
    }

    #[test]
    fn replayed_state_rebuilds_the_status_of_a_forgotten_tab_without_log_rows() {
        // The extension was reloaded: a fresh hub hears, through a new relay, the state the page's
        // hook re-emits (records numbered on from where the dead relay left off), then a new event.
        let mut hub = watched(7);
        let replay = r##"{"k":"api","seq":40,"t":900,"state":"ready","generation":1,"methods":["widget.load"],"replay":true},
            {"k":"settings","seq":41,"t":900,"source":"assigned","phase":"before_loader","present":true,"fields":{},"replay":true},
            {"k":"settings","seq":42,"t":900,"source":"read","phase":"after_loader","present":true,"fields":{},"replay":true},
            {"k":"widget","seq":43,"t":900,"loaded":true,"inline":false,"src":"https://app.hubspot.com/x","replay":true},
            {"k":"loader","seq":44,"t":900,"src":"https://js.usemessages.com/conversations-embed.js","portal":"123","replay":true},
            {"k":"inline","seq":45,"t":900,"selector":"#chat","exists":true,"width":300,"height":400,"replay":true}"##;
        let effects = hub.relay_message(7, SHOP_TEST, &relay_page(1, "a", replay), 0.0);
        let (status, entries, _) = snapshot(&hub, 7);
        assert_eq!(status.api, ApiState::Ready);
        assert!(status.widget_loaded);
        assert_eq!(status.portal.as_deref(), Some("123"));
        assert_eq!(status.settings_as_set.unwrap().phase, crate::core::protocol::SettingsPhase::BeforeLoader);
        assert_eq!(status.inline.unwrap().selector, "#chat");
        assert_eq!(status.methods, ["widget.load"]);
        // Only the navigation row: the re-sent state is not news.
        assert_eq!(entries.iter().map(|e| e.kind).collect::<Vec<_>>(), [EntryKind::Navigation]);
        // The status comes with the navigation row it arrived with.
        assert!(effects.iter().any(|e| matches!(e, Effect::ToPanels { message, .. }
            if matches!(decode(message), PanelUpdate::Append { status: Some(ref status), .. } if status.api == ApiState::Ready))));
        assert!(!effects.iter().any(|e| matches!(e, Effect::ToPanels { message, .. }
            if matches!(decode(message), PanelUpdate::Status { .. }))));

        hub.relay_message(7, SHOP_TEST, &relay_page(2, "a", &event(46, "conversationStarted")), 0.0);
        let (_, entries, _) = snapshot(&hub, 7);
        assert_eq!(entries.iter().filter(|e| e.name == "conversationStarted").count(), 1);

        // The same state without the flag (a real observation) is logged.
        let mut hub = watched(8);
        hub.relay_message(8, SHOP_TEST, &relay_page(1, "b", &replay.replace(r#","replay":true"#, "")), 0.0);
        let (_, entries, _) = snapshot(&hub, 8);
        assert!(entries.iter().any(|e| e.kind == EntryKind::Api));
        assert!(entries.iter().any(|e| e.kind == EntryKind::Widget));
    }
}
