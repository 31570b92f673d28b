//! The panel's state and its reducer (no browser types: tested natively).

use super::cookies::PageOrigin;
pub use super::diagnostics::DiagnosisReport;
use super::diagnostics::{CookieSummary, COOKIES_READ};
use super::empty_state::{events_empty_state, EmptyInput, EmptyState};
use super::export::ImportedFile;
use super::filter::{Filter, KindGroup, Kinds, LogIndex};
use super::prefs::{Prefs, SelectedEntry};
use super::protocol::{ApiState, CookieRow, Diagnosed, Entry, EntryKind, PageStatus, PanelRequest, PanelUpdate, Via};
use super::summary::{MESSAGES_INITIALIZED, SDK_EVENT_NAMES};
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

/// Most entries the panel keeps (the background's limits); older ones are dropped and counted.
pub const MAX_PANEL_ENTRIES: usize = super::event_log::DEFAULT_MAX_ENTRIES;
/// Most entry cost ([`Entry::cost`]) the panel keeps.
pub const MAX_PANEL_BYTES: usize = super::event_log::DEFAULT_MAX_BYTES;

/// The state of the panel's `Connection` (the live port to the background).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionState {
    #[default]
    Connecting,
    Connected,
    Disconnected,
}

/// The panel's views, in the order of their ARIA tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Events,
    Diagnostics,
    Widget,
    Settings,
    Cookies,
}

impl View {
    pub const ALL: [View; 5] = [View::Events, View::Diagnostics, View::Widget, View::Settings, View::Cookies];

    /// The tab's text, also the name under which the selected view is remembered.
    pub fn label(self) -> &'static str {
        match self {
            View::Events => "Events",
            View::Diagnostics => "Diagnostics",
            View::Widget => "Widget",
            View::Settings => "Settings",
            View::Cookies => "Cookies",
        }
    }

    pub fn from_label(label: &str) -> Option<View> {
        View::ALL.into_iter().find(|view| view.label() == label)
    }

    fn slug(self) -> &'static str {
        match self {
            View::Events => "events",
            View::Diagnostics => "diagnostics",
            View::Widget => "widget",
            View::Settings => "settings",
            View::Cookies => "cookies",
        }
    }

    /// DOM id of the view's `role="tab"` button.
    pub fn tab_id(self) -> String {
        format!("tab-{}", self.slug())
    }

    /// DOM id of the view's `role="tabpanel"`.
    pub fn panel_id(self) -> String {
        format!("view-{}", self.slug())
    }

    fn position(self) -> usize {
        View::ALL.iter().position(|&view| view == self).unwrap_or(0)
    }

    pub fn next(self) -> View {
        View::ALL[(self.position() + 1) % View::ALL.len()]
    }

    pub fn previous(self) -> View {
        View::ALL[(self.position() + View::ALL.len() - 1) % View::ALL.len()]
    }
}

/// The rows of the log view (see `core/rows.rs`): the reducer makes a new list whenever the rows
/// change, extending the previous one without copying it.
pub use super::rows::Rows;

/// Up to this many entries in the current document, the diagnosis is computed again on every
/// update; beyond, at the clock's tick (once a second): the rules read the whole document, which
/// takes tens of milliseconds at 100,000 entries.
pub const DIAGNOSE_EVERY_UPDATE_UP_TO: usize = 5_000;

/// How long after the current document's newest entry the clock keeps ticking: the rules' grace
/// periods (at most 5 s, docs/diagnostics.md §2) are over by then, so time alone changes nothing.
pub const CLOCK_AFTER_LAST_ENTRY_MS: f64 = 10_000.0;

pub use super::diagnostics::headline;

/// A log read from a file, shown in Events instead of the live log (which keeps being recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedLog {
    pub file_name: String,
    /// The page the log was exported from.
    pub url: String,
    pub entries: Vec<Rc<Entry>>,
}

/// What was copied last: which command ("Copy payload") and the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Copied {
    pub what: String,
    pub text: String,
    /// How it reached the clipboard ("clipboard", "execCommand") or why not ("failed").
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelState {
    pub connection: ConnectionState,
    pub status: Rc<PageStatus>,
    pub entries: Vec<Rc<Entry>>,
    /// Entries dropped before reaching the panel (page buffer, background backlog, panel cap).
    pub dropped: u64,
    dropped_here: u64,
    /// While paused, entries after this id are kept but not shown.
    pub paused_after: Option<u64>,
    pub preserve_log: bool,
    pub filter: Filter,
    pub selected: Option<u64>,
    /// The page's cookies, once the background listed them.
    pub cookies: Option<Rc<[CookieRow]>>,
    pub cookies_error: Option<String>,
    /// The view shown (the Diagnostics view's evidence links switch to Events).
    pub view: View,
    /// An entry the log should scroll to once (set by an evidence link, cleared by `Revealed`).
    pub reveal: Option<u64>,
    /// A log read from a file, shown instead of the live one ("Back to live log" ends it).
    pub imported: Option<Rc<ImportedLog>>,
    /// Why the last import failed (the file name and the reason), until dismissed or replaced.
    pub import_error: Option<String>,
    /// The last copy command's result.
    pub copied: Option<Rc<Copied>>,
    /// Wall clock, ms since the epoch: the last `Tick`, or the newest entry's if later.
    now_wall: f64,
    /// The background's answer to the latest diagnose request answered.
    diagnosis: Rc<DiagnosisReport>,
    /// Entries arrived since the last diagnosis of a large document (see [`DIAGNOSE_EVERY_UPDATE_UP_TO`]).
    diagnosis_stale: bool,
    /// Diagnose requests: the latest wanted (the rules' input changed), the latest sent, the
    /// latest answered. One is in flight at a time ([`PanelState::diagnose_request`]).
    diagnose: DiagnoseSeq,
    /// The current document has a `chat_message` row (the chat iframe asked to store a cookie).
    chat_message_seen: bool,
    /// The document (`current_document_key`) during which a cookie listing showed `messagesUtk`.
    messages_utk_seen_in: Option<u64>,
    /// The user's remembered choice to listen to `widgetHidden` with `on()`, and the site it is
    /// for (see [`PanelState::site`]); `None` until the panel read it for the site shown.
    listen_choice: Option<(String, bool)>,
    /// The document (`PageStatus::doc`) the hook was last asked to listen in.
    listen_asked_in: Option<String>,
    /// The remembered preferences were applied (`Action::Restore`): until then nothing is saved.
    pub restored: bool,
    /// A snapshot of the tab's log arrived.
    snapshot_seen: bool,
    /// A remembered selection, applied once the log holds its entry.
    restore_selection: Option<SelectedEntry>,
    /// Loading the snapshot's older chunks: the next one to ask for, or the one asked for.
    older: Older,
    /// Entry cost held, and the limits (the background's: [`MAX_PANEL_ENTRIES`], [`MAX_PANEL_BYTES`]).
    bytes: usize,
    limits: (usize, usize),
    // Derived from the fields above by `derive_view`, so that a render never filters the log; kept
    // up to date incrementally (see `derive_view`).
    index: LogIndex,
    derived: Derived,
    visible: Rows,
    /// `visible` shows an import.
    visible_is_import: bool,
    shown_events: usize,
    /// Entries (not navigation rows) the filter looked at: the "M" of "N of M shown".
    in_window: usize,
    event_names: Rc<[String]>,
}

/// See [`PanelState::diagnose_request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct DiagnoseSeq {
    wanted: u64,
    sent: u64,
    answered: u64,
}

/// The chunks of a snapshot still to load (docs/protocol.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Older {
    #[default]
    Done,
    /// Ask for the entries before this id.
    Want(u64),
    /// Asked for the entries before this id.
    Asked(u64),
}

/// What the visible rows were derived for: the filter, the mode and the window of slots
/// (`LogIndex`); the slots that passed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Derived {
    key: Option<(Filter, bool)>,
    start: u64,
    end: u64,
    matched: VecDeque<u64>,
}

// Actions live for one dispatch; boxing the large update would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Connected,
    Disconnected,
    Update(PanelUpdate),
    /// The user pressed Clear (the background is asked too; its snapshot confirms).
    Clear,
    TogglePause,
    SetPreserveLog(bool),
    SetNameFilter(Option<String>),
    SetSearch(String),
    /// A kind chip pressed.
    ToggleKind(KindGroup),
    /// The "All" chip.
    AllKinds,
    /// The remembered preferences, read when the panel opens.
    Restore(Prefs),
    Select(Option<u64>),
    SelectView(View),
    /// An evidence link: show Events, select the entry and scroll to it (clearing a filter that
    /// hides it, resuming if it is held by pause).
    ShowEvidence(u64),
    /// The log scrolled to `reveal`.
    Revealed,
    /// The wall clock, ms since the epoch (the rules with a grace period depend on it).
    Tick(f64),
    /// The user's choice to listen to `widgetHidden` with `on()` on `site` (read from where the
    /// panel remembers it, or just changed by the user).
    SetListenChoice {
        site: String,
        on: bool,
    },
    /// The panel asked the hook to listen in document `doc`.
    ListenAsked(String),
    /// Show a log read from a file (the live log keeps being recorded).
    Import {
        file_name: String,
        file: ImportedFile,
    },
    /// A file could not be imported: the message shown (the live log is untouched).
    ImportFailed {
        file_name: String,
        error: String,
    },
    DismissImportError,
    /// Show the live log again.
    BackToLive,
    /// A copy command ran.
    Copied(Copied),
    /// The panel asked the background for the snapshot's chunk before this id.
    OlderAsked(u64),
    /// The panel sent diagnose request `seq`.
    DiagnoseAsked(u64),
}

impl Action {
    /// Whether the action may change the entries, the filter, pause or "Preserve log".
    fn changes_the_log_view(&self) -> bool {
        !matches!(
            self,
            Action::Connected
                | Action::Disconnected
                | Action::SetListenChoice { .. }
                | Action::ListenAsked(_)
                | Action::Select(_)
                | Action::SelectView(_)
                | Action::ShowEvidence(_)
                | Action::Revealed
                | Action::Tick(_)
                | Action::ImportFailed { .. }
                | Action::DismissImportError
                | Action::Copied(_)
                | Action::OlderAsked(_)
                | Action::DiagnoseAsked(_)
                | Action::Update(PanelUpdate::Status { .. } | PanelUpdate::Cookies { .. } | PanelUpdate::Diagnosis(_))
        )
    }

    /// Whether the action may change what the rules see: the entries, the cookies, the time.
    fn changes_the_diagnosis(&self) -> bool {
        matches!(
            self,
            Action::Clear
                | Action::Tick(_)
                | Action::Update(
                    PanelUpdate::Snapshot { .. } | PanelUpdate::Append { .. } | PanelUpdate::Cookies { .. }
                )
        )
    }
}

impl PanelState {
    pub fn new(preserve_log: bool) -> Self {
        PanelState::with_limits(preserve_log, MAX_PANEL_ENTRIES, MAX_PANEL_BYTES)
    }

    /// A panel that keeps at most `max_entries` entries and `max_bytes` of entry cost.
    pub fn with_limits(preserve_log: bool, max_entries: usize, max_bytes: usize) -> Self {
        let state = PanelState {
            preserve_log,
            limits: (max_entries, max_bytes),
            index: LogIndex::new(),
            ..PanelState::default()
        };
        state.with_view_derived()
    }

    /// The snapshot chunk to ask the background for now (then dispatch [`Action::OlderAsked`]).
    pub fn older_wanted(&self) -> Option<u64> {
        match self.older {
            Older::Want(before) => Some(before),
            _ => None,
        }
    }

    /// Whether older chunks of the snapshot are still loading.
    pub fn loading_older(&self) -> bool {
        self.older != Older::Done
    }

    /// Entries the filter was run on since the panel opened (each appended entry once).
    pub fn filter_examined(&self) -> u64 {
        self.index.examined
    }

    /// Approximate bytes the panel holds for its log: entries, their index and the rows shown.
    pub fn memory_estimate(&self) -> usize {
        let per_entry = std::mem::size_of::<Entry>() + 2 * std::mem::size_of::<usize>() + 8;
        let texts = self.bytes.saturating_sub(self.entries.len() * 96);
        self.entries.len() * per_entry + texts + self.index.bytes() + self.visible.len() * 16
    }

    pub fn reduce(mut self, action: Action) -> Self {
        let mut derive_view = action.changes_the_log_view();
        let rediagnose = action.changes_the_diagnosis();
        let (is_append, is_tick) =
            (matches!(action, Action::Update(PanelUpdate::Append { .. })), matches!(action, Action::Tick(_)));
        let mut pushed = None;
        let mut interim = None;
        // The clock moves with the newest entry's too (`rediagnose`), whose time is the page's word:
        // one from the future (more than a second ahead: not the page's clock drifting) is corrected
        // by the next tick, which then asks again.
        let clock_went_back = matches!(action, Action::Tick(now) if now + 1000.0 < self.now_wall);
        match action {
            Action::Connected => self.connection = ConnectionState::Connected,
            Action::Disconnected => {
                self.connection = ConnectionState::Disconnected;
                // A request in flight is lost with the port: asked again once connected.
                self.diagnose.sent = self.diagnose.answered;
            }
            Action::Update(PanelUpdate::Snapshot { status, entries, dropped, more }) => {
                self.set_status(status);
                self.reset_log();
                self.push_entries(entries);
                self.dropped_here = 0;
                self.dropped = dropped;
                self.older = match self.entries.first() {
                    Some(first) if more => Older::Want(first.id),
                    _ => Older::Done,
                };
                self.enforce_cap();
                if let Some(after) = self.paused_after {
                    self.paused_after = Some(after.min(self.last_id()));
                }
                self.snapshot_seen = true;
                self.apply_restored_selection();
            }
            Action::Update(PanelUpdate::Older { before, entries, more }) => {
                if !matches!(self.older, Older::Want(b) | Older::Asked(b) if b == before) {
                    return self; // a chunk of an earlier snapshot
                }
                self.prepend_entries(entries, more);
                self.apply_restored_selection();
                if self.older == Older::Done {
                    // The whole log is in: diagnosed now, or at the next tick if large.
                    if self.entries.len() - self.current_document_start() > DIAGNOSE_EVERY_UPDATE_UP_TO {
                        self.diagnosis_stale = true;
                    } else {
                        self.rediagnose(true);
                    }
                }
            }
            Action::Update(PanelUpdate::Append { entries, dropped, diagnosed, status }) => {
                if let Some(status) = status {
                    self.set_status(status);
                }
                let last = self.last_id();
                self.push_entries(entries.into_iter().filter(|e| e.id > last).collect());
                self.dropped = dropped;
                self.enforce_cap();
                // The report the answer to the latest request would be now: taken only while
                // nothing else the rules read changed since that request (then it is asked again).
                let DiagnoseSeq { wanted, sent, answered } = self.diagnose;
                match diagnosed {
                    Some(d) if d.seq == answered && sent == answered && wanted == answered => pushed = Some(d),
                    // A request in flight (a grace period ended, say) that the background had not
                    // read when it pushed: its answer comes a round trip later. Meanwhile the push
                    // is shown, so the finding still comes in the render of its row.
                    Some(d) if d.seq == answered => interim = Some(d.report),
                    _ => {}
                }
            }
            Action::Update(PanelUpdate::Status { status }) => self.set_status(status),
            Action::Update(PanelUpdate::Cookies { cookies, error }) => {
                if cookies.iter().any(|c| c.present && c.name == "messagesUtk") {
                    self.messages_utk_seen_in = Some(self.current_document_key());
                }
                self.cookies = Some(cookies.into());
                self.cookies_error = error;
            }
            Action::Clear => {
                if self.paused_after.is_some() {
                    self.paused_after = Some(self.last_id());
                }
                self.reset_log();
                self.dropped = 0;
                self.dropped_here = 0;
                self.selected = None;
            }
            Action::TogglePause => {
                self.paused_after = match self.paused_after {
                    Some(_) => None,
                    None => Some(self.last_id()),
                }
            }
            Action::SetPreserveLog(on) => self.preserve_log = on,
            Action::SetNameFilter(name) => self.filter.name = name.filter(|n| !n.is_empty()),
            Action::SetSearch(text) => self.filter.set_text(&text),
            Action::ToggleKind(group) => self.filter.kinds = self.filter.kinds.toggle(group),
            Action::AllKinds => self.filter.kinds = Kinds::all(),
            Action::Restore(prefs) => self.restore(prefs),
            Action::Select(id) => self.selected = id,
            Action::SelectView(view) => self.view = view,
            Action::ShowEvidence(id) => derive_view = self.show_evidence(id),
            Action::Revealed => self.reveal = None,
            Action::Tick(now) => self.now_wall = now,
            Action::SetListenChoice { site, on } => self.listen_choice = Some((site, on)),
            Action::ListenAsked(doc) => self.listen_asked_in = Some(doc),
            Action::Import { file_name, file } => {
                let entries = file.entries.into_iter().map(Rc::new).collect();
                self.imported = Some(Rc::new(ImportedLog { file_name, url: file.header.url, entries }));
                self.import_error = None;
                self.selected = None;
            }
            Action::ImportFailed { file_name, error } => {
                self.import_error = Some(format!("Could not import {file_name}: {error}"));
            }
            Action::DismissImportError => self.import_error = None,
            Action::BackToLive => {
                self.imported = None;
                self.selected = None;
            }
            Action::Copied(copied) => self.copied = Some(Rc::new(copied)),
            Action::OlderAsked(before) => {
                if self.older == Older::Want(before) {
                    self.older = Older::Asked(before);
                }
            }
            Action::DiagnoseAsked(seq) => self.diagnose.sent = self.diagnose.sent.max(seq),
            Action::Update(PanelUpdate::Diagnosis(Diagnosed { seq, report })) => {
                // Only the answer to the latest request sent counts: an earlier one saw less.
                if seq == self.diagnose.sent && seq > self.diagnose.answered {
                    self.diagnose.answered = seq;
                    self.show_report(report);
                }
            }
        }
        if let Some(Diagnosed { report, .. }) = pushed {
            self.note_diagnosis_input(true);
            self.show_report(report);
        } else if rediagnose {
            // A large document is diagnosed at the clock's tick (once a second), not on every append.
            let large = self.entries.len() - self.current_document_start() > DIAGNOSE_EVERY_UPDATE_UP_TO;
            let recheck_due = self.diagnosis.diagnosis.recheck_at.is_some_and(|at| self.now_wall >= at);
            // Time alone changes a finding only when a grace period ends (`recheck_at`): a tick asks
            // the background only then, or for a large document's entries that wait for it.
            if is_append && large {
                self.diagnosis_stale = true;
            } else if !is_tick || self.diagnosis_stale || recheck_due || clock_went_back {
                self.rediagnose(!is_tick);
            }
            if let Some(report) = interim {
                self.show_report(report);
            }
        }
        if derive_view {
            self.with_view_derived()
        } else {
            self
        }
    }

    /// Applies the remembered preferences (once, when the panel opens). A remembered pause holds
    /// what arrives after the log the panel opened with.
    fn restore(&mut self, prefs: Prefs) {
        self.restored = true;
        self.view = prefs.view();
        self.preserve_log = prefs.preserve_log;
        self.filter.name = prefs.event_name.clone();
        self.filter.kinds = Kinds::from_groups(prefs.kinds.iter().filter_map(|k| KindGroup::from_slug(k)));
        self.filter.set_text(&prefs.filter_text);
        if prefs.paused && self.paused_after.is_none() {
            // Before the first snapshot: clamped to its last entry when it comes.
            self.paused_after = Some(if self.snapshot_seen { self.last_id() } else { u64::MAX });
        }
        self.restore_selection = prefs.selected;
        if self.snapshot_seen {
            self.apply_restored_selection();
        }
    }

    /// Selects the remembered entry if the log still holds it (same id, same document).
    /// (While older chunks of the snapshot load, it is looked for again in each.)
    fn apply_restored_selection(&mut self) {
        let Some(wanted) = self.restore_selection.take() else { return };
        if let Ok(index) = self.entries.binary_search_by_key(&wanted.id, |e| e.id) {
            if self.entries[index].doc == wanted.doc {
                self.selected = Some(wanted.id);
                self.reveal = Some(wanted.id);
            }
        } else if self.loading_older() && self.entries.first().is_some_and(|first| wanted.id < first.id) {
            self.restore_selection = Some(wanted);
        }
    }

    /// The preferences to remember now (the widgetHidden opt-ins are kept by the glue).
    pub fn prefs(&self) -> Prefs {
        Prefs {
            view: self.view.label().to_string(),
            preserve_log: self.preserve_log,
            paused: self.is_paused(),
            filter_text: self.filter.text().to_string(),
            kinds: self.filter.kinds.groups().iter().map(|g| g.slug().to_string()).collect(),
            event_name: self.filter.name.clone(),
            selected: self.selected_entry().map(|e| SelectedEntry { id: e.id, doc: e.doc.clone() }),
            ..Prefs::default()
        }
    }

    /// Selects `id` in Events; returns whether the log view must be derived again.
    fn show_evidence(&mut self, id: u64) -> bool {
        self.view = View::Events;
        // Evidence is in the live log.
        let was_imported = self.imported.take().is_some();
        let Ok(index) = self.entries.binary_search_by_key(&id, |e| e.id) else {
            return was_imported;
        };
        self.selected = Some(id);
        self.reveal = Some(id);
        let mut changed = was_imported;
        if !self.filter.matches(&self.entries[index]) {
            self.filter = Filter::default();
            changed = true;
        }
        if self.paused_after.is_some_and(|after| id > after) {
            self.paused_after = None;
            changed = true;
        }
        changed
    }

    /// The current document, named by its navigation row's id (0 before any).
    fn current_document_key(&self) -> u64 {
        self.index.last_nav_before(self.index.end()).map_or(0, |slot| self.entries[self.index.index(slot)].id)
    }

    /// Index of the current document's first entry (after the last navigation row).
    fn current_document_start(&self) -> usize {
        self.index.last_nav_before(self.index.end()).map_or(0, |slot| self.index.index(slot) + 1)
    }

    /// The rules' input changed: the background is asked to diagnose again (see
    /// [`PanelState::diagnose_request`]).
    /// `entries_move_the_clock`: the newest entry's time is later than the last tick's (between
    /// ticks, a fresher now); not at a tick, which is the clock itself.
    fn rediagnose(&mut self, entries_move_the_clock: bool) {
        self.note_diagnosis_input(entries_move_the_clock);
        self.diagnose.wanted += 1;
    }

    /// What the panel derives itself from the rules' input, which a report answers as of now.
    fn note_diagnosis_input(&mut self, entries_move_the_clock: bool) {
        self.diagnosis_stale = false;
        if let Some(last) = self.entries.last().filter(|_| entries_move_the_clock) {
            self.now_wall = self.now_wall.max(last.wall);
        }
        let current = &self.entries[self.current_document_start()..];
        self.chat_message_seen = current.iter().any(|e| e.kind == EntryKind::ChatMessage);
    }

    /// The diagnose request to send now, if any: the rules' input changed since the last one sent
    /// and none is in flight (its answer comes before the next is sent, so a stream costs one
    /// request per round trip). Send it, then dispatch [`Action::DiagnoseAsked`] with its `seq`.
    pub fn diagnose_request(&self) -> Option<PanelRequest> {
        let DiagnoseSeq { wanted, sent, answered } = self.diagnose;
        if wanted <= sent || sent > answered || self.connection != ConnectionState::Connected {
            return None;
        }
        // Only the cookies the rules read, their values clipped: the request stays small.
        let cookies = self.cookies.as_ref().map(|rows| {
            let mut read = vec![];
            for c in rows.iter().filter(|c| c.present && COOKIES_READ.contains(&c.name.as_str())) {
                read.push(CookieSummary { name: c.name.clone(), value: c.value.chars().take(64).collect() });
            }
            read
        });
        Some(PanelRequest::Diagnose {
            seq: wanted,
            now_wall: self.now_wall,
            cookies,
            messages_utk_seen: self.messages_utk_seen_in == Some(self.current_document_key()),
        })
    }

    /// Keeps the current `Rc` when the report is the same, so the views showing it skip their render.
    fn show_report(&mut self, report: DiagnosisReport) {
        if *self.diagnosis != report {
            self.diagnosis = Rc::new(report);
        }
    }

    /// Keeps the current `Rc` when nothing changed, so views showing the status skip their render.
    fn set_status(&mut self, status: PageStatus) {
        if *self.status != status {
            self.status = Rc::new(status);
        }
    }

    fn last_id(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.id)
    }

    fn reset_log(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.bytes = 0;
        self.older = Older::Done;
        self.derived = Derived::default();
    }

    fn push_entries(&mut self, entries: Vec<Entry>) {
        self.entries.reserve(entries.len());
        for entry in entries {
            self.bytes += entry.cost();
            self.index.push_back(&entry);
            self.entries.push(Rc::new(entry));
        }
    }

    /// A chunk of the snapshot (entries before the oldest held): as much as the limits leave room
    /// for (the rest counted dropped, and no further chunk asked for).
    fn prepend_entries(&mut self, entries: Vec<Entry>, more: bool) {
        let first = self.entries.first().map_or(u64::MAX, |e| e.id);
        let (max_entries, max_bytes) = self.limits;
        let mut room = max_entries.saturating_sub(self.entries.len());
        let mut budget = max_bytes.saturating_sub(self.bytes);
        let mut taken: Vec<Rc<Entry>> = vec![];
        let mut full = false;
        for entry in entries.into_iter().rev().filter(|e| e.id < first) {
            if room == 0 || entry.cost() > budget {
                full = true;
                self.dropped_here += 1;
                continue;
            }
            room -= 1;
            budget -= entry.cost();
            self.bytes += entry.cost();
            taken.push(Rc::new(entry));
        }
        taken.reverse();
        self.index.push_front(taken.iter().map(|e| e.as_ref()));
        self.entries.splice(0..0, taken);
        self.older = match self.entries.first() {
            Some(first) if more && !full => Older::Want(first.id),
            _ => Older::Done,
        };
    }

    fn enforce_cap(&mut self) {
        let (max_entries, max_bytes) = self.limits;
        let mut excess = self.entries.len().saturating_sub(max_entries);
        let mut bytes = self.bytes;
        for entry in &self.entries[..excess] {
            bytes -= entry.cost();
        }
        while bytes > max_bytes && excess + 1 < self.entries.len() {
            bytes -= self.entries[excess].cost();
            excess += 1;
        }
        if excess == 0 {
            return;
        }
        for entry in self.entries.drain(..excess) {
            self.index.pop_front(&entry);
        }
        self.bytes = bytes;
        self.dropped_here += excess as u64;
        // What was older is gone: no older chunk is wanted any more.
        self.older = Older::Done;
    }

    /// The window of the live log shown, in slots: from the last navigation (without "Preserve
    /// log") to the pause.
    fn window(&self) -> (u64, u64) {
        let end = match self.paused_after {
            Some(after) => self.index.slot(self.entries.partition_point(|e| e.id <= after)),
            None => self.index.end(),
        };
        let start = if self.preserve_log {
            self.index.slot(0)
        } else {
            // Like the Network panel: without "Preserve log" the log starts afresh at navigation.
            self.index.last_nav_before(end).map_or(self.index.slot(0), |nav| nav + 1)
        };
        (start, end)
    }

    /// Brings the matched slots and the visible rows up to date: the filter runs on entries it
    /// has not seen with this filter only (appended, loaded before, or held by the pause), or on
    /// the rows shown when the new filter narrows the old one; otherwise (another filter,
    /// "Preserve log", a new log) on the whole window.
    fn derive_live(&mut self) {
        let (start, end) = self.window();
        let key = (self.filter.clone(), self.preserve_log);
        let base = self.index.slot(0);
        let imported_before = std::mem::take(&mut self.visible_is_import);
        let view = &mut self.derived;
        let mut dropped = 0;
        while view.matched.front().is_some_and(|s| *s < base) {
            view.matched.pop_front(); // evicted
            dropped += 1;
        }
        view.start = view.start.max(base);
        view.end = view.end.max(base);
        let same_key = view.key.as_ref() == Some(&key);
        let same_window = start == view.start && end == view.end;
        let overlaps = start < view.end && view.start < end;
        let row = |entries: &[Rc<Entry>], index: &LogIndex, slot: u64| entries[index.index(slot)].clone();
        let mut rows = if imported_before { None } else { Some(self.visible.without_first(dropped)) };
        let mut changed = dropped > 0;
        if same_key && same_window {
            // Nothing new to look at.
        } else if same_key && overlaps && start >= view.start && end >= view.end {
            // The window moved forward (appends, a navigation, evictions, a resume).
            let mut gone = 0;
            while view.matched.front().is_some_and(|s| *s < start) {
                view.matched.pop_front();
                gone += 1;
            }
            let added = self.index.select(&self.filter, &self.entries, view.end, end);
            changed |= gone > 0 || !added.is_empty();
            let new_rows = added.iter().map(|s| row(&self.entries, &self.index, *s)).collect();
            rows = rows.map(|r| r.without_first(gone).with_appended(new_rows));
            view.matched.extend(added);
        } else if same_key && overlaps && start < view.start && end == view.end {
            // Older entries loaded before the window.
            let added = self.index.select(&self.filter, &self.entries, start, view.start);
            changed |= !added.is_empty();
            let new_rows = added.iter().map(|s| row(&self.entries, &self.index, *s)).collect();
            rows = rows.map(|r| r.with_prepended(new_rows));
            for slot in added.into_iter().rev() {
                view.matched.push_front(slot);
            }
        } else if view
            .key
            .as_ref()
            .is_some_and(|(old, preserve)| same_window && *preserve == self.preserve_log && self.filter.narrows(old))
        {
            let before = view.matched.len();
            let mut kept = VecDeque::with_capacity(before);
            for slot in std::mem::take(&mut view.matched) {
                if self.index.matches(&self.filter, &self.entries, slot) {
                    kept.push_back(slot);
                }
            }
            if kept.len() != before {
                rows = None;
            }
            view.matched = kept;
        } else {
            view.matched = self.index.select(&self.filter, &self.entries, start, end).into();
            rows = None;
        }
        view.start = start;
        view.end = end;
        view.key = Some(key);
        self.visible = match rows {
            Some(_) if !changed => self.visible.clone(),
            Some(rows) => rows,
            None => Rows::new(self.derived.matched.iter().map(|s| row(&self.entries, &self.index, *s)).collect()),
        };
    }

    fn with_view_derived(mut self) -> Self {
        if let Some(imported) = self.imported.clone() {
            // An import is shown whole: pause and "Preserve log" are about the live log.
            let visible: Vec<Rc<Entry>> = imported.entries.iter().filter(|e| self.filter.matches(e)).cloned().collect();
            self.shown_events = visible.iter().filter(|e| e.kind != EntryKind::Navigation).count();
            self.visible = Rows::new(visible);
            self.visible_is_import = true;
            self.event_names = event_names_of(&imported.entries, self.filter.name.as_deref());
            return self;
        }
        self.derive_live();
        let (start, end) = (self.derived.start, self.derived.end);
        let navs = self.index.navs_in(start, end);
        self.shown_events = self.derived.matched.len() - navs;
        self.in_window = (end - start) as usize - navs;
        let names = event_names_from(self.index.event_names(), self.filter.name.as_deref());
        if *self.event_names != *names {
            self.event_names = names;
        }
        self
    }

    /// The entries of the log shown: the import, or the live log.
    fn shown_log(&self) -> &[Rc<Entry>] {
        match &self.imported {
            Some(imported) => &imported.entries,
            None => &self.entries,
        }
    }

    /// The page the shown log is about (the import's, or the inspected page's URL).
    pub fn shown_url(&self) -> &str {
        match &self.imported {
            Some(imported) => &imported.url,
            None => &self.status.url,
        }
    }

    pub fn total_dropped(&self) -> u64 {
        self.dropped + self.dropped_here
    }

    pub fn is_paused(&self) -> bool {
        self.paused_after.is_some()
    }

    /// Entries that arrived while paused and are not shown yet.
    pub fn held_count(&self) -> usize {
        match self.paused_after {
            Some(after) => self.entries.len() - self.entries.partition_point(|e| e.id <= after),
            None => 0,
        }
    }

    /// The rows to show, oldest first.
    pub fn visible(&self) -> &Rows {
        &self.visible
    }

    /// How many of the visible rows are entries rather than navigation separators.
    pub fn shown_events(&self) -> usize {
        self.shown_events
    }

    /// Entries the filter looked at (those of the log's window: after the last navigation without
    /// "Preserve log", before the pause), navigation separators not counted.
    pub fn in_window(&self) -> usize {
        self.in_window
    }

    pub fn selected_entry(&self) -> Option<&Rc<Entry>> {
        let id = self.selected?;
        let log = self.shown_log();
        let index = log.binary_search_by_key(&id, |e| e.id).ok()?;
        log.get(index)
    }

    /// Names for the event-name filter: the SDK's names plus any other name the page produced.
    pub fn event_names(&self) -> &Rc<[String]> {
        &self.event_names
    }

    /// The rules' conclusions over the current document (shared: unchanged after a tick that
    /// changed nothing).
    pub fn diagnosis(&self) -> &Rc<DiagnosisReport> {
        &self.diagnosis
    }

    /// No report yet: the background has not answered the panel's first request (until then the
    /// panel says it is checking, not "No problem found").
    pub fn diagnosis_pending(&self) -> bool {
        self.diagnose.answered == 0
    }

    /// Whether the diagnosis may still change with time alone: the current document has an entry
    /// younger than [`CLOCK_AFTER_LAST_ENTRY_MS`] (the panel ticks once a second while it does).
    pub fn needs_clock(&self) -> bool {
        self.diagnosis_stale
            || self.entries.last().is_some_and(|last| {
                last.kind != EntryKind::Navigation && self.now_wall < last.wall + CLOCK_AFTER_LAST_ENTRY_MS
            })
    }

    /// Whether the rules could use the page's cookie listing: the Diagnostics view is shown or the
    /// chat iframe asked to store a cookie in the current document.
    pub fn wants_cookies(&self) -> bool {
        self.view == View::Diagnostics || self.chat_message_seen
    }

    /// The latest calls made from the panel (at most `at_most`), newest first, grouped per page
    /// load: the current document first, then (with "Preserve log" only, like Events) earlier
    /// ones. Each with its outcome.
    pub fn call_groups(&self, at_most: usize) -> Vec<CallGroup> {
        let start = if self.preserve_log { 0 } else { self.current_document_start() };
        let mut groups: Vec<CallGroup> = vec![];
        let mut taken = 0;
        let mut current = true;
        let mut url = self.status.url.clone();
        let mut index = self.entries.len();
        while index > start && taken < at_most {
            index -= 1;
            let entry = &self.entries[index];
            if entry.kind == EntryKind::Navigation {
                current = false;
                url = self.entries[..index]
                    .iter()
                    .rev()
                    .find(|e| e.kind == EntryKind::Navigation)
                    .map_or_else(String::new, |e| e.summary.clone());
                continue;
            }
            if entry.kind != EntryKind::Call {
                continue;
            }
            let outcome = call_outcome(entry, self.api_state_before(index));
            if groups.last().is_none_or(|g| g.current != current || g.url != url) {
                groups.push(CallGroup { current, url: url.clone(), calls: vec![] });
            }
            if let Some(group) = groups.last_mut() {
                group.calls.push((entry.clone(), outcome));
            }
            taken += 1;
        }
        if groups.first().is_none_or(|g| !g.current) {
            groups.insert(0, CallGroup { current: true, url: self.status.url.clone(), calls: vec![] });
        }
        groups
    }

    /// The state of the API object the latest `api` row of the entry's document before `index`
    /// says (absent when none).
    fn api_state_before(&self, index: usize) -> ApiState {
        for entry in self.entries[..index].iter().rev() {
            match entry.kind {
                EntryKind::Navigation => break,
                EntryKind::Api => {
                    return match payload_str(entry, "state").as_deref() {
                        Some("placeholder") => ApiState::Placeholder,
                        Some("ready") => ApiState::Ready,
                        _ => ApiState::Absent,
                    }
                }
                _ => {}
            }
        }
        ApiState::Absent
    }

    /// What the Events view says when it shows no entry; `None` while it shows some.
    pub fn events_empty_state(&self) -> Option<EmptyState> {
        (self.shown_events == 0).then(|| {
            events_empty_state(&EmptyInput {
                connection: self.connection,
                status: &self.status,
                filter: &self.filter,
                hidden: self.in_window,
                paused: self.is_paused(),
                held: self.held_count(),
            })
        })
    }

    /// The site the page shown belongs to, for choices remembered per site: its origin
    /// (`scheme://host[:port]`, http and https only).
    pub fn site(&self) -> Option<String> {
        site_of(&self.status.url)
    }

    /// Whether the user opted in to listening to `widgetHidden` on the site shown (`None` while
    /// the choice for this site has not been read yet).
    pub fn listen_choice(&self) -> Option<bool> {
        let site = self.site()?;
        self.listen_choice.as_ref().filter(|(for_site, _)| *for_site == site).map(|(_, on)| *on)
    }

    /// The document the hook should be asked to listen in now: the user opted in for this site,
    /// the panel is connected and the current document has not been asked yet. A new document
    /// (navigation, reload) is asked again: the hook forgets with its document.
    pub fn listen_due(&self) -> Option<String> {
        let doc = &self.status.doc;
        let due = self.connection == ConnectionState::Connected
            && self.listen_choice() == Some(true)
            && !doc.is_empty()
            && self.listen_asked_in.as_ref() != Some(doc);
        due.then(|| doc.clone())
    }

    /// What the current document showed about whether the chat renders, without any SDK call:
    /// the latest `hubspot:messages:initialized` event (with the widget-data answer before it)
    /// or, when the user opted in, a `widgetHidden` event heard with `on()`.
    pub fn render_verdict(&self) -> Option<RenderVerdict> {
        let current = &self.entries[self.current_document_start()..];
        let decisive = current.iter().rev().find(|e| {
            e.kind == EntryKind::Event
                && (e.name == MESSAGES_INITIALIZED || (e.name == "widgetHidden" && e.via == Some(Via::On)))
        })?;
        let payload: serde_json::Value = serde_json::from_str(&decisive.payload).unwrap_or_default();
        let text_of = |key: &str| payload.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
        if decisive.name == "widgetHidden" {
            let mut why = text_of("reason").unwrap_or("no reason given").to_string();
            if let Some(description) = text_of("description") {
                why.push_str(&format!(" — {description}"));
            }
            return Some(RenderVerdict {
                renders: false,
                text: format!("hidden: {why}"),
                derived_from: "the widgetHidden event (heard with on(), as you chose)".into(),
                evidence: decisive.id,
            });
        }
        // The widget-data answer it followed: resource timing reports the request later than the
        // event, under the time the request started.
        let answer = current
            .iter()
            .rev()
            .find(|e| e.kind == EntryKind::WidgetData && e.t <= decisive.t)
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok()?.get("status")?.as_u64());
        let source = "the hubspot:messages:initialized event (not a widgetHidden event)";
        match payload.get("messageWillRender").and_then(|v| v.as_bool()) {
            Some(true) => Some(RenderVerdict {
                renders: true,
                text: "renders".into(),
                derived_from: source.into(),
                evidence: decisive.id,
            }),
            Some(false) => {
                let mut reasons = vec![];
                if let Some(reason) = text_of("reason") {
                    reasons.push(format!("reason {reason}"));
                }
                if let Some(status @ (204 | 404)) = answer {
                    reasons.push(format!("the widget data answered {status}: no chat for this page URL"));
                }
                let text = if reasons.is_empty() {
                    "will not render".to_string()
                } else {
                    format!("will not render: {}", reasons.join("; "))
                };
                let derived_from = match answer {
                    Some(204 | 404) => format!("{source} and the widget-data request"),
                    _ => source.into(),
                };
                Some(RenderVerdict { renders: false, text, derived_from, evidence: decisive.id })
            }
            None => None,
        }
    }
}

/// The panel's calls of one page load (see [`PanelState::call_groups`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CallGroup {
    /// The page shown now (else an earlier one, kept by "Preserve log").
    pub current: bool,
    /// The page's URL (as its navigation row says; the status's for the current one).
    pub url: String,
    pub calls: Vec<(Rc<Entry>, CallOutcome)>,
}

/// How a panel call turned out, as the Widget view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutcome {
    /// It ran (returned).
    Ok,
    /// It did not run: threw, no API object, no such method, the page not connected.
    Failed,
    /// It returned but did nothing: the placeholder's methods other than `widget.load()` and
    /// `widget.status()` only print the loader's warning; or the throttle collapsed it.
    NoEffect(String),
}

impl CallOutcome {
    /// `data-outcome` and the CSS class.
    pub fn key(&self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Failed => "failed",
            CallOutcome::NoEffect(_) => "no-effect",
        }
    }

    /// The word shown before the result.
    pub fn label(&self) -> &'static str {
        match self {
            CallOutcome::Ok => "✓ ran",
            CallOutcome::Failed => "✕ failed",
            CallOutcome::NoEffect(_) => "⚠ no effect",
        }
    }
}

/// Methods a placeholder object runs (the others only print "widget.load() has not been called").
pub const PLACEHOLDER_METHODS: [&str; 2] = ["widget.load", "widget.status"];

/// The outcome of a panel call row, given the state of the API object when it was made.
pub fn call_outcome(entry: &Entry, api_then: ApiState) -> CallOutcome {
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap_or_default();
    match payload.get("outcome").and_then(|o| o.as_str()) {
        Some("returned") => {}
        Some(_) => return CallOutcome::Failed,
        None => return CallOutcome::Ok,
    }
    if payload.pointer("/throttle/collapsed").and_then(|c| c.as_bool()) == Some(true) {
        return CallOutcome::NoEffect(entry.summary.clone());
    }
    if api_then == ApiState::Placeholder && entry.name != "on" && !PLACEHOLDER_METHODS.contains(&entry.name.as_str()) {
        return CallOutcome::NoEffect(
            "returned, but the object was the placeholder (loadImmediately: false): the loader only printed \"widget.load() has not been called\". Call widget.load() first."
                .to_string(),
        );
    }
    CallOutcome::Ok
}

/// The outcome of a call row of the log (`data-outcome`): a panel call's by its result, a page
/// call's also by whether it was made on the placeholder; `None` for other rows.
pub fn row_outcome(entry: &Entry) -> Option<CallOutcome> {
    match entry.kind {
        EntryKind::Call => Some(call_outcome(entry, ApiState::Ready)),
        EntryKind::PageCall => {
            let payload: serde_json::Value = serde_json::from_str(&entry.payload).unwrap_or_default();
            let on_placeholder = payload.get("placeholder").and_then(|p| p.as_bool()) == Some(true);
            let method = payload.get("method").and_then(|m| m.as_str()).unwrap_or(&entry.name);
            let outcome = match payload.get("outcome").and_then(|o| o.as_str()) {
                Some("threw") => CallOutcome::Failed,
                _ if payload.pointer("/throttle/collapsed").and_then(|c| c.as_bool()) == Some(true) => {
                    CallOutcome::NoEffect(entry.summary.clone())
                }
                _ if on_placeholder && !matches!(method, "on" | "off") && !PLACEHOLDER_METHODS.contains(&method) => {
                    CallOutcome::NoEffect("the placeholder only printed \"widget.load() has not been called\"".into())
                }
                _ => CallOutcome::Ok,
            };
            Some(outcome)
        }
        _ => None,
    }
}

/// Why a method's button cannot work on the API state shown, if it cannot (its `title`).
pub fn call_disabled_reason(method: &str, api: ApiState) -> Option<&'static str> {
    match api {
        ApiState::Absent => Some("Not available: window.HubSpotConversations is not set on this page (no HubSpot chat, or its script has not run yet)."),
        ApiState::Placeholder if !PLACEHOLDER_METHODS.contains(&method) => Some(
            "Not available on the placeholder (loadImmediately: false): only widget.load() and widget.status() run; call widget.load() first.",
        ),
        _ => None,
    }
}

/// Whether the chat renders, as the page showed it (see [`PanelState::render_verdict`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderVerdict {
    pub renders: bool,
    /// What it says ("will not render: reason HIDE_WIDGET").
    pub text: String,
    /// Where that comes from, in the panel's words.
    pub derived_from: String,
    /// The log entry it rests on.
    pub evidence: u64,
}

/// `scheme://host[:port]` of an http(s) URL, lowercased (no user info, path, query or fragment).
pub fn site_of(url: &str) -> Option<String> {
    let origin = PageOrigin::parse(url)?;
    let authority = url.split_once("://")?.1.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_ascii_lowercase();
    let port = host_port.rsplit_once(':').map(|(_, port)| port).filter(|p| !p.is_empty() && !p.contains(']'));
    Some(match port {
        Some(port) => format!("{}://{}:{port}", origin.scheme, origin.host),
        None => format!("{}://{}", origin.scheme, origin.host),
    })
}

/// Whose call a log row is: the method (`data-call`) and `"page"` (the page's own code) or
/// `"panel"` (this panel's buttons) for `data-origin`; `None` for other rows.
pub fn call_of(entry: &Entry) -> Option<(String, &'static str)> {
    match entry.kind {
        EntryKind::Call => Some((entry.name.clone(), "panel")),
        // The record's `method` (docs/diagnostics.md §1), else the row's name.
        EntryKind::PageCall => {
            let method = payload_str(entry, "method").unwrap_or_else(|| entry.name.clone());
            Some((method, "page"))
        }
        _ => None,
    }
}

/// A page call's source location, `"<url>:<line>:<col>"`, when the hook found one.
pub fn page_call_caller(entry: &Entry) -> Option<String> {
    (entry.kind == EntryKind::PageCall).then(|| payload_str(entry, "caller")).flatten().filter(|c| !c.is_empty())
}

fn payload_str(entry: &Entry, key: &str) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).ok()?;
    payload.get(key)?.as_str().map(str::to_string)
}

/// Names for the event-name filter: the SDK's names plus these names.
fn event_names_from<'a>(held: impl Iterator<Item = &'a str>, selected: Option<&'a str>) -> Rc<[String]> {
    let mut names = BTreeSet::new();
    names.extend(SDK_EVENT_NAMES);
    names.extend(held);
    names.extend(selected);
    names.into_iter().map(str::to_string).collect()
}

/// Names for the event-name filter: the SDK's names plus any other event name in `entries`.
fn event_names_of(entries: &[Rc<Entry>], selected: Option<&str>) -> Rc<[String]> {
    let mut names = BTreeSet::new();
    names.extend(SDK_EVENT_NAMES);
    names.extend(entries.iter().filter(|e| e.kind == EntryKind::Event).map(|e| e.name.as_str()));
    names.extend(selected);
    names.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostics::{diagnose, evidence_label, report, Context, Diagnosis, MAX_EVIDENCE_LABEL_CHARS};
    use crate::core::protocol::{encode_panel_request, ApiState};

    fn entry(id: u64, kind: EntryKind, name: &str) -> Entry {
        Entry::sample(id, kind, name, "", "{}")
    }

    fn ev(id: u64, name: &str) -> Entry {
        entry(id, EntryKind::Event, name)
    }

    fn nav(id: u64) -> Entry {
        entry(id, EntryKind::Navigation, "navigation")
    }

    fn append(state: PanelState, entries: Vec<Entry>) -> PanelState {
        state.reduce(Action::Update(PanelUpdate::Append { entries, dropped: 0, diagnosed: None, status: None }))
    }

    fn names(state: &PanelState) -> Vec<&str> {
        state.visible().iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn without_preserve_log_the_view_starts_at_the_last_navigation() {
        let state = append(PanelState::new(false), vec![nav(1), ev(2, "a"), nav(3), ev(4, "b")]);
        assert_eq!(names(&state), vec!["b"]);
        let state = state.reduce(Action::SetPreserveLog(true));
        assert_eq!(names(&state), vec!["navigation", "a", "navigation", "b"]);
    }

    #[test]
    fn an_import_is_shown_while_the_live_log_keeps_recording() {
        use crate::core::export::{export, import, ExportFormat};
        let live = append(PanelState::new(true), vec![ev(1, "a"), ev(2, "b")]).reduce(Action::Select(Some(2)));
        let file =
            import(&export([ev(1, "x"), ev(5, "y")].iter(), 0.0, "https://shop.test/", ExportFormat::Json)).unwrap();
        let state = live.reduce(Action::Import { file_name: "log.json".into(), file });
        assert_eq!(names(&state), vec!["x", "y"]);
        assert_eq!(state.selected, None);
        assert_eq!(state.imported.as_ref().unwrap().file_name, "log.json");
        assert_eq!(state.shown_url(), "https://shop.test/");
        assert!(state.event_names().contains(&"y".to_string()));
        let state = state.reduce(Action::Select(Some(5)));
        assert_eq!(state.selected_entry().unwrap().name, "y");
        // The live log keeps growing meanwhile, and a failed import leaves everything as it was.
        let state = append(state, vec![ev(3, "c")]);
        assert_eq!(names(&state), vec!["x", "y"]);
        let state =
            state.reduce(Action::ImportFailed { file_name: "bad.json".into(), error: "The file is empty.".into() });
        assert_eq!(state.import_error.as_deref(), Some("Could not import bad.json: The file is empty."));
        assert_eq!(names(&state), vec!["x", "y"]);
        let state = state.reduce(Action::DismissImportError).reduce(Action::BackToLive);
        assert_eq!(state.import_error, None);
        assert_eq!(names(&state), vec!["a", "b", "c"]);
        assert_eq!(state.selected, None);
    }

    #[test]
    fn an_evidence_link_leaves_an_import_for_the_live_log() {
        use crate::core::export::{export, import, ExportFormat};
        let state = append(PanelState::new(true), vec![ev(1, "a")]);
        let file = import(&export([ev(1, "x")].iter(), 0.0, "", ExportFormat::Ndjson)).unwrap();
        let state = state.reduce(Action::Import { file_name: "f".into(), file }).reduce(Action::ShowEvidence(1));
        assert!(state.imported.is_none());
        assert_eq!(names(&state), vec!["a"]);
        assert_eq!(state.selected_entry().unwrap().name, "a");
    }

    #[test]
    fn pause_holds_new_entries_until_resume() {
        let state = append(PanelState::new(true), vec![ev(1, "a")]).reduce(Action::TogglePause);
        let state = append(state, vec![ev(2, "b"), ev(3, "c")]);
        assert_eq!(names(&state), vec!["a"]);
        assert_eq!(state.held_count(), 2);
        let state = state.reduce(Action::TogglePause);
        assert_eq!(names(&state), vec!["a", "b", "c"]);
        assert_eq!(state.held_count(), 0);
    }

    #[test]
    fn appends_ignore_entries_already_held_and_snapshots_replace() {
        let state = append(PanelState::new(true), vec![ev(1, "a"), ev(2, "b")]);
        let state = append(state, vec![ev(2, "b"), ev(3, "c")]);
        assert_eq!(names(&state), vec!["a", "b", "c"]);
        let status = PageStatus { api: ApiState::Ready, ..PageStatus::default() };
        let state = state.reduce(Action::Update(PanelUpdate::Snapshot {
            status,
            entries: vec![ev(7, "z")],
            dropped: 4,
            more: false,
        }));
        assert_eq!(names(&state), vec!["z"]);
        assert_eq!(state.total_dropped(), 4);
        assert_eq!(state.status.api, ApiState::Ready);
    }

    #[test]
    fn clear_empties_the_view_even_while_paused() {
        let state = append(PanelState::new(true), vec![ev(1, "a")]).reduce(Action::Select(Some(1)));
        assert!(state.selected_entry().is_some());
        let state = state.reduce(Action::TogglePause).reduce(Action::Clear);
        assert!(state.visible().is_empty());
        assert!(state.selected_entry().is_none());
        let state = append(state, vec![ev(2, "b")]);
        assert!(state.visible().is_empty(), "still paused");
        assert_eq!(names(&state.reduce(Action::TogglePause)), vec!["b"]);
    }

    #[test]
    fn filters_apply_to_the_view() {
        let state = append(PanelState::new(true), vec![ev(1, "widgetLoaded"), ev(2, "inputStaging")]);
        let state = state.reduce(Action::SetNameFilter(Some("inputStaging".into())));
        assert_eq!(names(&state), vec!["inputStaging"]);
        let state = state.reduce(Action::SetNameFilter(Some(String::new()))).reduce(Action::SetSearch("LOADED".into()));
        assert_eq!(names(&state), vec!["widgetLoaded"]);
    }

    #[test]
    fn the_panel_keeps_at_most_its_cap_and_counts_the_rest() {
        let entries: Vec<Entry> = (1..=(MAX_PANEL_ENTRIES as u64 + 5)).map(|i| ev(i, "a")).collect();
        let state = append(PanelState::new(true), entries);
        assert_eq!(state.entries.len(), MAX_PANEL_ENTRIES);
        assert_eq!(state.total_dropped(), 5);
    }

    #[test]
    fn event_names_list_the_sdk_names_and_page_names() {
        let state = append(PanelState::new(true), vec![ev(1, "conversationStrated")]);
        let names = state.event_names();
        assert!(names.contains(&"widgetHidden".to_string()));
        assert!(names.contains(&"conversationStrated".to_string()));
        assert_eq!(names.len(), 12);
    }
    #[test]
    fn the_visible_rows_are_derived_once_per_change_and_shared_otherwise() {
        let state = append(PanelState::new(true), vec![ev(1, "a"), nav(2), ev(3, "b")]);
        assert_eq!(state.shown_events(), 2);
        let rows = state.visible().clone();
        let state = state
            .reduce(Action::Select(Some(1)))
            .reduce(Action::Connected)
            .reduce(Action::Update(PanelUpdate::Status { status: PageStatus::default() }));
        assert_eq!(state.visible(), &rows, "the same list, not a copy");
        let state = state.reduce(Action::SetSearch("b".into()));
        assert_ne!(state.visible(), &rows);
        assert_eq!(state.shown_events(), 1);
    }

    #[test]
    fn an_unchanged_status_keeps_its_shared_value() {
        let state = PanelState::new(true);
        let status = state.status.clone();
        let state = state.reduce(Action::Update(PanelUpdate::Status { status: PageStatus::default() }));
        assert!(Rc::ptr_eq(&status, &state.status));
        let ready = PageStatus { api: ApiState::Ready, ..PageStatus::default() };
        let state = state.reduce(Action::Update(PanelUpdate::Status { status: ready }));
        assert!(!Rc::ptr_eq(&status, &state.status));
    }

    #[test]
    fn views_have_their_dom_ids_and_cycle_in_tab_order() {
        assert_eq!(View::Widget.tab_id(), "tab-widget");
        assert_eq!(View::Widget.panel_id(), "view-widget");
        assert_eq!(View::from_label("Cookies"), Some(View::Cookies));
        assert_eq!(View::from_label("cookies"), None);
        assert_eq!(View::Cookies.next(), View::Events);
        assert_eq!(View::Events.previous(), View::Cookies);
        assert_eq!(View::Events.next(), View::Diagnostics);
        assert_eq!(View::Diagnostics.next(), View::Widget);
        assert_eq!(View::Diagnostics.tab_id(), "tab-diagnostics");
        assert_eq!(View::Diagnostics.panel_id(), "view-diagnostics");
        assert_eq!(View::from_label("Diagnostics"), Some(View::Diagnostics));
        assert_eq!(View::ALL.map(View::label), ["Events", "Diagnostics", "Widget", "Settings", "Cookies"]);
    }

    fn at(mut entry: Entry, wall: f64) -> Entry {
        entry.wall = wall;
        entry
    }

    fn cookie(name: &str, present: bool) -> CookieRow {
        let mut row = crate::core::cookies::absent_row(name);
        if present {
            row.present = true;
            row.value = "v".into();
        }
        row
    }

    /// The background's part, as the hub does it: answers the diagnose request due, if any.
    fn answered(state: PanelState) -> PanelState {
        let state =
            if state.connection == ConnectionState::Connected { state } else { state.reduce(Action::Connected) };
        let Some(PanelRequest::Diagnose { seq, now_wall, cookies, messages_utk_seen }) = state.diagnose_request()
        else {
            return state;
        };
        let state = state.reduce(Action::DiagnoseAsked(seq));
        let start = state.entries.iter().rposition(|e| e.kind == EntryKind::Navigation).unwrap_or(0);
        let report = report(&state.entries[start..], &Context { now_wall, cookies, messages_utk_seen });
        state.reduce(Action::Update(PanelUpdate::Diagnosis(Diagnosed { seq, report })))
    }

    /// What the rules conclude over the state's entries right now, sorted as the panel shows it.
    fn expected(state: &PanelState, now_wall: f64) -> Diagnosis {
        let cookies = state.cookies.as_ref().map(|rows| {
            rows.iter()
                .filter(|c| c.present)
                .map(|c| CookieSummary { name: c.name.clone(), value: c.value.clone() })
                .collect()
        });
        let mut diagnosis = diagnose(&state.entries, &Context { now_wall, cookies, messages_utk_seen: false });
        diagnosis.findings.sort_by_key(|f| f.severity);
        diagnosis
    }

    /// Entries a real rule flags (no-chat-on-page: widget-data answered 204), so that once the
    /// rules are in, the findings themselves are checked here too.
    fn no_chat_page() -> Vec<Entry> {
        vec![
            at(nav(1), 1000.0),
            at(entry(2, EntryKind::Loader, "loader"), 1001.0),
            at(
                Entry::sample(
                    3,
                    EntryKind::WidgetData,
                    "widget-data",
                    "204",
                    r#"{"url":"/livechat-public/v1/message/public","status":204,"duration":5}"#,
                ),
                1002.0,
            ),
        ]
    }

    #[test]
    fn the_diagnosis_is_recomputed_on_append_snapshot_clear_and_cookies() {
        let state = answered(append(PanelState::new(false), no_chat_page()));
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1002.0));
        assert_eq!(state.diagnosis().label(3), "widget-data: 204", "the evidence's label, from the background");
        assert_eq!(state.diagnosis().checked, 2, "the current document's entries, not the navigation");

        let state = answered(append(
            state,
            vec![at(ev(4, "widgetLoaded"), 1003.0), at(nav(5), 1004.0), at(ev(6, "a"), 1005.0)],
        ));
        assert_eq!(state.diagnosis().checked, 1, "only the document after the last navigation");
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1005.0));

        let state = answered(state.reduce(Action::Update(PanelUpdate::Snapshot {
            status: PageStatus::default(),
            entries: no_chat_page(),
            dropped: 0,
            more: false,
        })));
        assert_eq!(state.diagnosis().checked, 2);
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1005.0));

        let state = answered(state.reduce(Action::Update(PanelUpdate::Cookies {
            cookies: vec![cookie("messagesUtk", true), cookie("x", false)],
            error: None,
        })));
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1005.0));

        let state = answered(state.reduce(Action::Clear));
        assert_eq!(state.diagnosis().checked, 0);
        assert_eq!(state.diagnosis().diagnosis, Diagnosis::default());
        assert_eq!(headline(&state.diagnosis().diagnosis), "No problem found");
    }

    #[test]
    fn until_the_first_answer_the_diagnosis_is_pending_not_no_problem_found() {
        let state = append(PanelState::new(false), no_chat_page()).reduce(Action::Connected);
        assert!(state.diagnosis_pending(), "asked, not answered");
        let state = answered(state);
        assert!(!state.diagnosis_pending());
        assert_eq!(state.diagnosis().diagnosis.findings.len(), 1);
        // Reconnecting keeps the last report shown while it is asked again.
        let state = state.reduce(Action::Disconnected).reduce(Action::Connected);
        assert!(!state.diagnosis_pending());
    }

    #[test]
    fn a_report_pushed_with_an_append_is_taken_instead_of_asking_while_nothing_else_changed() {
        let push = |state: PanelState, entries: Vec<Entry>, seq: u64| {
            let start = state.current_document_start();
            let mut document: Vec<Entry> = state.entries[start..].iter().map(|e| Entry::clone(e)).collect();
            document.extend(entries.iter().cloned());
            let now_wall = state.now_wall.max(entries.last().map_or(0.0, |e| e.wall));
            let report = report(&document, &Context { now_wall, cookies: None, messages_utk_seen: false });
            let diagnosed = Some(Diagnosed { seq, report });
            state.reduce(Action::Update(PanelUpdate::Append { entries, dropped: 0, diagnosed, status: None }))
        };
        let state = answered(append(PanelState::new(false), vec![at(nav(1), 1000.0)]));
        let seq = state.diagnose.answered;
        assert!(state.diagnosis().diagnosis.findings.is_empty());
        // The rows and their finding in one update: nothing to ask.
        let state = push(state, no_chat_page()[1..].to_vec(), seq);
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1002.0));
        assert_eq!(state.diagnosis().label(3), "widget-data: 204");
        assert_eq!(state.diagnose_request(), None, "the pushed report answers the append");
        assert_eq!(state.now_wall, 1002.0, "the clock moved with the rows, as when asking");
        // A report for an earlier request is not taken: asked.
        let state = push(state, vec![at(ev(4, "a"), 1003.0)], seq - 1);
        assert!(state.diagnose_request().is_some());
        // Nor while a request is in flight, or the cookies changed since the last one sent.
        let state = state.reduce(Action::DiagnoseAsked(seq + 1));
        let before = state.diagnosis().clone();
        let state = push(state, vec![at(ev(5, "a"), 1004.0), at(ev(6, "widgetLoadedd"), 1004.0)], seq);
        assert_eq!(state.diagnose.answered, seq, "waits for its answer");
        assert_ne!(*state.diagnosis(), before, "the push is shown meanwhile: its finding comes with its row");
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1004.0));
        let state = answered(state.reduce(Action::Update(PanelUpdate::Diagnosis(Diagnosed {
            seq: seq + 1,
            report: DiagnosisReport::default(),
        }))));
        let seq = state.diagnose.answered;
        let state = state.reduce(Action::Update(PanelUpdate::Cookies { cookies: vec![], error: None }));
        let state = push(state, vec![at(ev(7, "a"), 1005.0)], seq);
        assert!(state.diagnose_request().is_some(), "the cookies are new to the background");
    }

    #[test]
    fn the_background_is_asked_once_at_a_time_and_only_the_latest_answer_counts() {
        let seq_of = |state: &PanelState| match state.diagnose_request() {
            Some(PanelRequest::Diagnose { seq, .. }) => Some(seq),
            _ => None,
        };
        let state = append(PanelState::new(false), no_chat_page());
        assert_eq!(seq_of(&state), None, "not connected: nothing is sent");
        let state = state.reduce(Action::Connected);
        let first = seq_of(&state).expect("the entries changed");
        let state = state.reduce(Action::DiagnoseAsked(first));
        assert_eq!(seq_of(&state), None, "in flight");
        let state = append(state, vec![at(ev(4, "a"), 1003.0)]);
        assert_eq!(seq_of(&state), None, "still in flight: the next waits for the answer");
        let mut stale = answered(append(PanelState::new(false), no_chat_page())).diagnosis().as_ref().clone();
        stale.checked = 99;
        let state =
            state.reduce(Action::Update(PanelUpdate::Diagnosis(Diagnosed { seq: first, report: stale.clone() })));
        assert_eq!(state.diagnosis().checked, 99, "the answer to the request sent is shown");
        let second = seq_of(&state).expect("the input changed meanwhile");
        assert!(second > first);
        let state = state.reduce(Action::DiagnoseAsked(second));
        let state = state.reduce(Action::Update(PanelUpdate::Diagnosis(Diagnosed {
            seq: first,
            report: DiagnosisReport::default(),
        })));
        assert_eq!(state.diagnosis().checked, 99, "an older answer is ignored");
        // The port closed with a request in flight: asked again once connected.
        let state = state.reduce(Action::Disconnected);
        assert_eq!(seq_of(&state), None);
        let state = state.reduce(Action::Connected);
        assert_eq!(seq_of(&state), Some(second));
        let state = answered(state);
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 1003.0));
        assert_eq!(seq_of(&state), None, "answered, nothing changed since");
    }

    #[test]
    fn a_tick_asks_the_background_only_when_a_grace_period_ends() {
        // Each message keeps Firefox's event page awake: the clock alone must not ask every second.
        let asks = |state: &PanelState| state.diagnose_request().is_some();
        let state = answered(append(PanelState::new(false), vec![at(ev(1, "a"), 1000.0)]));
        assert_eq!(state.diagnosis().diagnosis.recheck_at, None);
        let state = state.reduce(Action::Tick(2000.0));
        assert!(state.needs_clock() && !asks(&state), "nothing can change with time alone");
        // A placeholder: load-never-called after 5 s, the report says when.
        let placeholder =
            Entry::sample(2, EntryKind::Api, "api", "placeholder", r#"{"state":"placeholder","generation":1}"#);
        let state = answered(append(state, vec![at(placeholder, 2001.0)]));
        assert_eq!(state.diagnosis().diagnosis.recheck_at, Some(2001.0 + 5000.0));
        assert!(!asks(&state.clone().reduce(Action::Tick(7000.0))), "before the grace period ends");
        let state = state.reduce(Action::Tick(7001.0));
        assert!(asks(&state), "when it ends");
        let state = answered(state);
        let rules: Vec<&str> = state.diagnosis().diagnosis.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["load-never-called"]);
        assert!(!asks(&state.clone().reduce(Action::Tick(8001.0))), "and not again");
        // An entry from the future (a forged time) moved the clock: the next tick corrects it and
        // asks again, so a grace period it ended early does not stay ended.
        let state = answered(append(state, vec![at(ev(3, "a"), 1e15)]));
        let state = state.reduce(Action::Tick(9001.0));
        assert!(asks(&state));
        assert!(
            matches!(state.diagnose_request(), Some(PanelRequest::Diagnose { now_wall, .. }) if now_wall == 9001.0)
        );
    }

    #[test]
    fn a_diagnose_request_carries_only_the_cookies_the_rules_read() {
        let mut opt_out = cookie("__hs_opt_out", true);
        opt_out.value = "y".repeat(5000);
        let state = append(PanelState::new(false), no_chat_page()).reduce(Action::Connected);
        let state = state.reduce(Action::Update(PanelUpdate::Cookies {
            cookies: vec![
                cookie("messagesUtk", true),
                cookie("hubspotutk", true),
                opt_out,
                cookie("messagesUtk", false),
            ],
            error: None,
        }));
        let Some(PanelRequest::Diagnose { cookies: Some(cookies), messages_utk_seen, .. }) = state.diagnose_request()
        else {
            panic!("a request with the listing")
        };
        let names: Vec<(&str, usize)> = cookies.iter().map(|c| (c.name.as_str(), c.value.len())).collect();
        assert_eq!(names, [("messagesUtk", 1), ("__hs_opt_out", 64)]);
        assert!(messages_utk_seen);
        assert!(encode_panel_request(&state.diagnose_request().unwrap()).len() < 1024);
    }

    #[test]
    fn a_messages_utk_listed_during_the_document_counts_as_stored_after_it_is_deleted() {
        let store = |id: u64, wall: f64| {
            let mut e = Entry::sample(
                id,
                EntryKind::ChatMessage,
                "store-messages-cookie",
                "",
                r#"{"type":"store-messages-cookie","utk":true}"#,
            );
            e.wall = wall;
            e
        };
        let listing = |present: bool| {
            Action::Update(PanelUpdate::Cookies { cookies: vec![cookie("messagesUtk", present)], error: None })
        };
        let rules =
            |state: &PanelState| state.diagnosis().diagnosis.findings.iter().map(|f| f.rule).collect::<Vec<_>>();

        let state = append(PanelState::new(false), vec![at(nav(1), 1000.0), store(2, 1001.0)]);
        // Listed with the cookie, then deleted (a clear() in another tab of the site): it did persist.
        let state = answered(state.reduce(listing(true)).reduce(listing(false)).reduce(Action::Tick(10_000.0)));
        assert!(!rules(&state).contains(&"cookies-cannot-persist"));
        // The next document never had it: the write was swallowed.
        let state = append(state, vec![at(nav(3), 11_000.0), store(4, 11_001.0)]).reduce(listing(false));
        let state = answered(state.reduce(Action::Tick(20_000.0)));
        assert!(rules(&state).contains(&"cookies-cannot-persist"));
    }

    #[test]
    fn a_tick_advances_the_clock_and_keeps_an_unchanged_diagnosis_shared() {
        let state = answered(append(PanelState::new(true), vec![at(entry(1, EntryKind::Api, "api"), 5000.0)]));
        assert!(state.needs_clock(), "a fresh entry: grace periods may still run out");
        let report = state.diagnosis().clone();
        let state = answered(state.reduce(Action::Tick(6000.0)));
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 6000.0));
        if state.diagnosis().diagnosis == report.diagnosis {
            assert!(Rc::ptr_eq(&report, state.diagnosis()), "the same report, not a copy");
        }
        assert!(state.needs_clock());
        let state = answered(state.reduce(Action::Tick(5000.0 + CLOCK_AFTER_LAST_ENTRY_MS)));
        assert_eq!(state.diagnosis().diagnosis, expected(&state, 5000.0 + CLOCK_AFTER_LAST_ENTRY_MS));
        assert!(!state.needs_clock(), "10 s after the newest entry time alone changes nothing");
        let state = append(state, vec![at(ev(2, "a"), 20_000.0)]);
        assert!(state.needs_clock(), "a new entry starts the clock again");
        let state = append(state, vec![at(nav(3), 20_001.0)]);
        assert!(!state.needs_clock(), "a new document without entries yet");
        assert!(!PanelState::new(true).needs_clock());
    }

    #[test]
    fn cookies_are_wanted_on_the_diagnostics_view_or_after_a_chat_message() {
        let state = append(PanelState::new(true), vec![ev(1, "a")]);
        assert!(!state.wants_cookies());
        assert!(state.clone().reduce(Action::SelectView(View::Diagnostics)).wants_cookies());
        let state = append(state, vec![entry(2, EntryKind::ChatMessage, "store-messages-cookie")]);
        assert!(state.wants_cookies());
        assert!(!append(state, vec![nav(3)]).wants_cookies(), "a message of an earlier document");
    }

    #[test]
    fn views_switch_and_an_evidence_link_selects_its_entry_in_events() {
        let state = append(PanelState::new(true), vec![ev(1, "a"), ev(2, "b"), ev(3, "c")]);
        assert_eq!(state.view, View::Events);
        let state = state.reduce(Action::SelectView(View::Diagnostics));
        assert_eq!(state.view, View::Diagnostics);
        let rows = state.visible().clone();
        let state = state.reduce(Action::ShowEvidence(2));
        assert_eq!(state.view, View::Events);
        assert_eq!(state.selected, Some(2));
        assert_eq!(state.reveal, Some(2));
        assert_eq!(state.visible(), &rows, "nothing hid it: the rows stay as they were");
        let state = state.reduce(Action::Revealed);
        assert_eq!(state.reveal, None);
        assert_eq!(state.selected, Some(2), "still selected once scrolled to");

        // A filter that hides the evidence is cleared; a pause that holds it is resumed.
        let state = state.reduce(Action::SetSearch("c".into())).reduce(Action::TogglePause);
        let state = append(state, vec![ev(4, "d")]);
        let state = state.reduce(Action::SelectView(View::Settings)).reduce(Action::ShowEvidence(4));
        assert_eq!((state.view, state.selected, state.reveal), (View::Events, Some(4), Some(4)));
        assert!(!state.filter.is_active());
        assert!(!state.is_paused());
        assert_eq!(names(&state), vec!["a", "b", "c", "d"]);

        // An entry no longer in the log: Events is shown, nothing is selected.
        let state = state.reduce(Action::Select(None)).reduce(Action::Revealed).reduce(Action::ShowEvidence(99));
        assert_eq!((state.view, state.selected, state.reveal), (View::Events, None, None));
    }

    #[test]
    fn call_rows_say_whose_call_they_are_and_page_calls_where_from() {
        let page = Entry::sample(
            1,
            EntryKind::PageCall,
            "widget.load()",
            "returned",
            r#"{"method":"widget.load","caller":"https://shop.test/app.js:10:5"}"#,
        );
        assert_eq!(call_of(&page), Some(("widget.load".to_string(), "page")));
        assert_eq!(page_call_caller(&page).as_deref(), Some("https://shop.test/app.js:10:5"));
        let no_caller = Entry::sample(2, EntryKind::PageCall, "on", "returned", r#"{"caller":""}"#);
        assert_eq!(call_of(&no_caller), Some(("on".to_string(), "page")), "the row's name without a method");
        assert_eq!(page_call_caller(&no_caller), None);
        let panel = Entry::sample(3, EntryKind::Call, "widget.status", "returned", r#"{"caller":"x"}"#);
        assert_eq!(call_of(&panel), Some(("widget.status".to_string(), "panel")));
        assert_eq!(page_call_caller(&panel), None);
        assert_eq!(call_of(&ev(4, "widgetLoaded")), None);
    }

    #[test]
    fn evidence_labels_are_name_and_summary_shortened() {
        assert_eq!(
            evidence_label(&Entry::sample(1, EntryKind::PageCall, "widget.load", "returned", "{}")),
            "widget.load: returned"
        );
        assert_eq!(evidence_label(&Entry::sample(1, EntryKind::Api, "api", "", "{}")), "api");
        let long = evidence_label(&Entry::sample(1, EntryKind::Api, "api", &"x".repeat(200), "{}"));
        assert_eq!(long.chars().count(), MAX_EVIDENCE_LABEL_CHARS);
        assert!(long.ends_with('…'));
    }

    fn showing(state: PanelState, url: &str, doc: &str) -> PanelState {
        let status = PageStatus { url: url.into(), doc: doc.into(), ..PageStatus::default() };
        state.reduce(Action::Update(PanelUpdate::Status { status }))
    }

    #[test]
    fn the_site_is_the_pages_origin() {
        assert_eq!(site_of("http://LocalHost:8123/index.html?x#y").as_deref(), Some("http://localhost:8123"));
        assert_eq!(site_of("https://user:pw@shop.example.test/a").as_deref(), Some("https://shop.example.test"));
        assert_eq!(site_of("http://[::1]:80/").as_deref(), Some("http://[::1]:80"));
        assert_eq!(site_of("http://[::1]/").as_deref(), Some("http://[::1]"));
        assert_eq!(site_of("file:///tmp/x.html"), None);
        assert_eq!(site_of(""), None);
    }

    #[test]
    fn listening_is_asked_once_per_document_of_an_opted_in_site_while_connected() {
        let site = "http://localhost:8123";
        let state = showing(PanelState::new(false), "http://localhost:8123/index.html", "doc1");
        assert_eq!(state.listen_choice(), None, "not read yet for this site");
        assert_eq!(state.listen_due(), None);
        let state = state.reduce(Action::SetListenChoice { site: site.into(), on: true });
        assert_eq!(state.listen_choice(), Some(true));
        assert_eq!(state.listen_due(), None, "not connected");
        let state = state.reduce(Action::Connected);
        assert_eq!(state.listen_due().as_deref(), Some("doc1"));
        let state = state.reduce(Action::ListenAsked("doc1".into()));
        assert_eq!(state.listen_due(), None, "asked once per document");
        // A reload of the same site: a new document is asked again.
        let state = showing(state, "http://localhost:8123/other.html", "doc2");
        assert_eq!(state.listen_due().as_deref(), Some("doc2"));
        let state = state.reduce(Action::ListenAsked("doc2".into()));
        // Another site (another port or host): its own choice, unknown until read, never the previous one's.
        let state = showing(state, "http://127.0.0.1:8123/index.html", "doc3");
        assert_eq!(state.listen_choice(), None);
        assert_eq!(state.listen_due(), None);
        let state = state.reduce(Action::SetListenChoice { site: "http://127.0.0.1:8123".into(), on: false });
        assert_eq!(state.listen_due(), None, "off there");
        // Back on the first site: its choice has to be read again (the panel reads it per site).
        let state = showing(state, "http://localhost:8123/index.html", "doc4");
        assert_eq!(state.listen_due(), None);
        let state = state.reduce(Action::SetListenChoice { site: site.into(), on: true });
        assert_eq!(state.listen_due().as_deref(), Some("doc4"));
        // Turned off: nothing more is asked (the hook keeps listening until its document ends).
        let state = state.reduce(Action::SetListenChoice { site: site.into(), on: false });
        assert_eq!(state.listen_due(), None);
        let no_page = showing(state, "", "");
        assert_eq!((no_page.site(), no_page.listen_due()), (None, None));
    }

    fn with_payload(id: u64, kind: EntryKind, name: &str, payload: &str) -> Entry {
        Entry::sample(id, kind, name, "", payload)
    }

    #[test]
    fn whether_the_chat_renders_is_derived_from_what_the_page_showed() {
        let initialized = |id, will: &str, reason: &str| {
            with_payload(
                id,
                EntryKind::Event,
                MESSAGES_INITIALIZED,
                &format!(r#"{{"messageWillRender":{will},"reason":{reason}}}"#),
            )
        };
        let widget_data = |id, status: u16| {
            with_payload(id, EntryKind::WidgetData, "widget-data", &format!(r#"{{"status":{status}}}"#))
        };
        let state = PanelState::new(false);
        assert_eq!(state.render_verdict(), None, "nothing shown yet");

        // The 2022 loader: no reason, but the widget data answered 204 just before (reported after the
        // event: resource timing comes late, under the request's start time).
        let mut answer = widget_data(2, 204);
        answer.t = 5.0;
        let mut event = initialized(1, "false", "null");
        event.t = 9.0;
        let state = append(state, vec![event, answer]);
        let verdict = state.render_verdict().unwrap();
        assert!(!verdict.renders);
        assert_eq!(verdict.text, "will not render: the widget data answered 204: no chat for this page URL");
        assert!(verdict.derived_from.contains("hubspot:messages:initialized"), "{}", verdict.derived_from);
        assert!(verdict.derived_from.contains("widget-data request"));
        assert!(verdict.derived_from.contains("not a widgetHidden event"), "honest about its source");
        assert_eq!(verdict.evidence, 1);

        // The newer loader's reason; a 200 answer adds nothing.
        let state = append(state, vec![nav(3), widget_data(4, 200), initialized(5, "false", r#""HIDE_WIDGET""#)]);
        let verdict = state.render_verdict().unwrap();
        assert_eq!((verdict.text.as_str(), verdict.evidence), ("will not render: reason HIDE_WIDGET", 5));
        assert!(!verdict.derived_from.contains("widget-data"));

        // A document that renders; a widgetHidden event heard with on() (the opt-in) is the latest word.
        let state = append(state, vec![nav(6), widget_data(7, 200), initialized(8, "true", "null")]);
        assert_eq!(state.render_verdict().map(|v| (v.renders, v.text)), Some((true, "renders".to_string())));
        let mut hidden =
            with_payload(9, EntryKind::Event, "widgetHidden", r#"{"reason":"SIM_HIDDEN","description":"by hand"}"#);
        hidden.via = Some(Via::On);
        let state = append(state, vec![hidden]);
        let verdict = state.render_verdict().unwrap();
        assert_eq!((verdict.renders, verdict.text.as_str()), (false, "hidden: SIM_HIDDEN — by hand"));
        assert!(verdict.derived_from.contains("on()"));
        // messageWillRender null (an event the hook could not read): nothing is claimed.
        let state = append(state, vec![nav(10), initialized(11, "null", "null")]);
        assert_eq!(state.render_verdict(), None);
    }

    fn snapshot(state: PanelState, entries: Vec<Entry>) -> PanelState {
        state.reduce(Action::Update(PanelUpdate::Snapshot {
            status: PageStatus::default(),
            entries,
            dropped: 0,
            more: false,
        }))
    }

    fn call(id: u64, method: &str, outcome: &str) -> Entry {
        Entry::sample(id, EntryKind::Call, method, "returned", &format!(r#"{{"id":{id},"outcome":"{outcome}"}}"#))
    }

    fn api(id: u64, state: &str) -> Entry {
        Entry::sample(id, EntryKind::Api, "HubSpotConversations", "", &format!(r#"{{"state":"{state}"}}"#))
    }

    #[test]
    fn kind_chips_and_n_of_m() {
        let state = append(
            PanelState::new(true),
            vec![ev(1, "a"), call(2, "widget.open", "returned"), entry(3, EntryKind::Env, "env"), nav(4), ev(5, "b")],
        );
        assert_eq!((state.shown_events(), state.in_window()), (4, 4));
        let state = state.reduce(Action::ToggleKind(KindGroup::Sdk));
        assert_eq!(names(&state), vec!["a", "navigation", "b"]);
        assert_eq!((state.shown_events(), state.in_window()), (2, 4));
        let state = state.reduce(Action::ToggleKind(KindGroup::Panel)).reduce(Action::SetSearch("-b".into()));
        assert_eq!(names(&state), vec!["a", "widget.open", "navigation"]);
        assert_eq!(state.shown_events(), 2);
        let state = state.reduce(Action::AllKinds).reduce(Action::SetSearch(String::new()));
        assert_eq!(state.shown_events(), 4);
        // Without "Preserve log" M counts the current document only.
        let state = state.reduce(Action::SetPreserveLog(false));
        assert_eq!((state.shown_events(), state.in_window()), (1, 1));
    }

    #[test]
    fn remembered_preferences_are_restored_and_reported() {
        let prefs = Prefs {
            view: "Widget".into(),
            preserve_log: true,
            paused: true,
            filter_text: "-b".into(),
            kinds: vec!["sdk".into()],
            event_name: None,
            selected: Some(SelectedEntry { id: 2, doc: "d".into() }),
            ..Prefs::default()
        };
        // Restored before the log arrives: the pause holds what comes after the first snapshot.
        let state = PanelState::new(false).reduce(Action::Restore(prefs.clone()));
        assert!(state.restored);
        assert_eq!(state.view, View::Widget);
        assert!(state.is_paused() && state.preserve_log);
        let state = snapshot(state, vec![ev(1, "a"), ev(2, "b"), ev(3, "c")]);
        assert_eq!(names(&state), vec!["a", "c"], "the filter applies; nothing is held back from the snapshot");
        assert_eq!(state.selected, Some(2), "the selection is back (same id, same document)");
        let state = append(state, vec![ev(4, "d")]);
        assert_eq!(state.held_count(), 1, "paused: new entries are held");
        let mut expected = prefs.clone();
        expected.selected = Some(SelectedEntry { id: 2, doc: "d".into() });
        assert_eq!(state.prefs(), expected);

        // Restored after the log arrived; a selection of another document is not restored.
        let state = snapshot(PanelState::new(false), vec![ev(1, "a"), ev(2, "b")]);
        let other = Prefs { selected: Some(SelectedEntry { id: 2, doc: "other".into() }), ..prefs };
        let state = state.reduce(Action::Restore(other));
        assert_eq!(state.selected, None);
        assert!(state.is_paused());
        assert_eq!(state.held_count(), 0);
        let state = append(state, vec![ev(3, "c")]);
        assert_eq!(state.held_count(), 1);
        assert_eq!(PanelState::new(false).prefs(), Prefs::default());
    }

    #[test]
    fn the_empty_state_comes_from_the_status_and_the_filter() {
        let state = PanelState::new(false).reduce(Action::Connected);
        let status = PageStatus {
            url: "http://localhost:8123/no-hubspot.html".into(),
            doc: "d".into(),
            ..PageStatus::default()
        };
        let state = state.reduce(Action::Update(PanelUpdate::Status { status }));
        assert_eq!(state.events_empty_state().map(|e| e.key), Some("no-hubspot"));
        let state = append(state, vec![ev(1, "a")]);
        assert_eq!(state.events_empty_state(), None);
        let state = state.reduce(Action::SetSearch("zzz".into()));
        let empty = state.events_empty_state().unwrap();
        assert_eq!(empty.key, "filtered");
        assert!(empty.found.contains("1 entry hidden"), "{}", empty.found);
    }

    #[test]
    fn call_results_are_grouped_per_page_load_with_their_outcomes() {
        let entries = vec![
            api(1, "placeholder"),
            call(2, "widget.open", "returned"),
            call(3, "widget.load", "returned"),
            nav(4),
            api(5, "ready"),
            call(6, "widget.open", "returned"),
            call(7, "widget.open", "threw"),
            call(8, "clear", "not_ready"),
        ];
        let state = append(PanelState::new(true), entries.clone());
        let groups = state.call_groups(20);
        assert_eq!(groups.len(), 2);
        assert!(groups[0].current && !groups[1].current);
        let outcomes = |g: &CallGroup| g.calls.iter().map(|(e, o)| (e.id, o.key())).collect::<Vec<_>>();
        assert_eq!(outcomes(&groups[0]), vec![(8, "failed"), (7, "failed"), (6, "ok")]);
        assert_eq!(outcomes(&groups[1]), vec![(3, "ok"), (2, "no-effect")], "open() on the placeholder did nothing");
        assert!(matches!(&groups[1].calls[1].1, CallOutcome::NoEffect(why) if why.contains("placeholder")));
        assert_eq!(state.call_groups(2).iter().map(|g| g.calls.len()).sum::<usize>(), 2, "at most n calls");

        // Without "Preserve log" the earlier page's calls go, as in Events.
        let state = append(PanelState::new(false), entries);
        let groups = state.call_groups(20);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].calls.len(), 3);
        // A new page without calls yet: an empty current group first.
        let state = append(state, vec![nav(9)]);
        let groups = state.call_groups(20);
        assert_eq!((groups.len(), groups[0].calls.len()), (1, 0));
        let throttled = Entry::sample(
            1,
            EntryKind::Call,
            "widget.load",
            "collapsed",
            r#"{"outcome":"returned","throttle":{"collapsed":true}}"#,
        );
        assert_eq!(call_outcome(&throttled, ApiState::Ready).key(), "no-effect");
    }

    #[test]
    fn buttons_that_cannot_work_say_why() {
        for method in ["widget.load", "widget.open", "clear"] {
            assert!(call_disabled_reason(method, ApiState::Absent).unwrap().contains("not set"));
            assert_eq!(call_disabled_reason(method, ApiState::Ready), None);
        }
        assert_eq!(call_disabled_reason("widget.load", ApiState::Placeholder), None);
        assert_eq!(call_disabled_reason("widget.status", ApiState::Placeholder), None);
        assert!(call_disabled_reason("widget.open", ApiState::Placeholder).unwrap().contains("placeholder"));
    }

    #[test]
    fn call_rows_of_the_log_carry_their_outcome() {
        let page = |payload: &str| Entry::sample(1, EntryKind::PageCall, "widget.open", "", payload);
        let key = |e: &Entry| row_outcome(e).map(|o| o.key());
        assert_eq!(
            key(&page(r#"{"method":"widget.open","placeholder":true,"outcome":"returned"}"#)),
            Some("no-effect")
        );
        assert_eq!(key(&page(r#"{"method":"widget.load","placeholder":true,"outcome":"returned"}"#)), Some("ok"));
        assert_eq!(key(&page(r#"{"method":"on","placeholder":true,"outcome":"returned"}"#)), Some("ok"));
        assert_eq!(key(&page(r#"{"method":"widget.open","placeholder":false,"outcome":"threw"}"#)), Some("failed"));
        assert_eq!(key(&page(r#"{"method":"widget.open","placeholder":false,"outcome":"returned"}"#)), Some("ok"));
        assert_eq!(key(&call(2, "clear", "not_ready")), Some("failed"));
        assert_eq!(key(&call(3, "widget.status", "returned")), Some("ok"));
        assert_eq!(key(&ev(4, "widgetLoaded")), None);
    }

    /// The view computed from scratch, as the reducer did before it was incremental: the visible
    /// ids, the entries shown and the entries of the window.
    fn recomputed(state: &PanelState) -> (Vec<u64>, usize, usize) {
        let end = match state.paused_after {
            Some(after) => state.entries.partition_point(|e| e.id <= after),
            None => state.entries.len(),
        };
        let start = if state.preserve_log {
            0
        } else {
            state.entries[..end].iter().rposition(|e| e.kind == EntryKind::Navigation).map_or(0, |i| i + 1)
        };
        let window = &state.entries[start..end];
        let visible: Vec<&Rc<Entry>> = window.iter().filter(|e| state.filter.matches(e)).collect();
        let events =
            |list: &mut dyn Iterator<Item = &Rc<Entry>>| list.filter(|e| e.kind != EntryKind::Navigation).count();
        (visible.iter().map(|e| e.id).collect(), events(&mut visible.iter().copied()), events(&mut window.iter()))
    }

    fn incremental(state: &PanelState) -> (Vec<u64>, usize, usize) {
        (state.visible().iter().map(|e| e.id).collect(), state.shown_events(), state.in_window())
    }

    /// xorshift64*: the same "random" sequences on every run.
    struct Random(u64);
    impl Random {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len() as u64) as usize]
        }
    }

    #[test]
    fn appends_after_a_filter_give_what_a_full_recompute_gives() {
        crate::core::filter::install_test_regex_engine();
        const NAMES: [&str; 5] = ["widgetLoaded", "conversationStarted", "Ünread", "inputStaging", "widget.open"];
        const TEXTS: [&str; 14] = [
            "",
            "w",
            "wi",
            "widget",
            "widgetl",
            "CONV",
            "conversation x",
            "-widget",
            "ün",
            "/^widget/",
            "/[/",
            "x",
            "started",
            "a -b",
        ];
        const KINDS: [EntryKind; 6] = [
            EntryKind::Event,
            EntryKind::Event,
            EntryKind::Call,
            EntryKind::Env,
            EntryKind::PageCall,
            EntryKind::Navigation,
        ];
        for seed in 1..=40u64 {
            let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let limit = 20 + random.below(200) as usize;
            let mut state = PanelState::with_limits(random.below(2) == 0, limit, usize::MAX);
            let mut next_id = 1;
            let mut entry = |random: &mut Random| {
                let kind = KINDS[random.below(KINDS.len() as u64) as usize];
                let name = if kind == EntryKind::Navigation { "navigation" } else { random.pick(&NAMES) };
                let summary = random.pick(&["", "Started x", "b", "a b", "widget"]);
                let payload = random.pick(&["{}", r#"{"A":"X"}"#, r#"{"text":"été"}"#]);
                next_id += 1 + random.below(2);
                Entry::sample(next_id, kind, name, summary, payload)
            };
            for step in 0..300 {
                let action = match random.below(14) {
                    0..=5 => {
                        let n = random.below(6);
                        Action::Update(PanelUpdate::Append {
                            entries: (0..n).map(|_| entry(&mut random)).collect(),
                            dropped: 0,
                            diagnosed: None,
                            status: None,
                        })
                    }
                    6 | 7 => Action::SetSearch(random.pick(&TEXTS).to_string()),
                    8 => Action::SetNameFilter(Some(random.pick(&NAMES).to_string()).filter(|_| random.below(2) == 0)),
                    9 => Action::ToggleKind(KindGroup::ALL[random.below(5) as usize]),
                    10 => Action::SetPreserveLog(random.below(2) == 0),
                    11 => Action::TogglePause,
                    12 if random.below(8) == 0 => Action::Clear,
                    _ => {
                        // A snapshot in chunks, newest first.
                        let log: Vec<Entry> = (0..random.below(60)).map(|_| entry(&mut random)).collect();
                        let head = log.len().saturating_sub(5);
                        state = state.reduce(Action::Update(PanelUpdate::Snapshot {
                            status: PageStatus::default(),
                            entries: log[head..].to_vec(),
                            dropped: 0,
                            more: head > 0,
                        }));
                        let mut end = head;
                        while let Some(before) = state.older_wanted() {
                            assert_eq!(incremental(&state), recomputed(&state), "seed {seed} step {step} loading");
                            state = state.reduce(Action::OlderAsked(before));
                            let start = end.saturating_sub(1 + random.below(10) as usize);
                            state = state.reduce(Action::Update(PanelUpdate::Older {
                                before,
                                entries: log[start..end].to_vec(),
                                more: start > 0,
                            }));
                            end = start;
                        }
                        Action::Tick(0.0)
                    }
                };
                state = state.reduce(action);
                assert_eq!(incremental(&state), recomputed(&state), "seed {seed} step {step}");
                assert!(state.entries.len() <= limit);
            }
        }
    }

    #[test]
    fn an_append_brings_the_status_its_entries_changed() {
        let ready = PageStatus { api: ApiState::Ready, ..PageStatus::default() };
        let state = PanelState::new(true).reduce(Action::Update(PanelUpdate::Append {
            entries: vec![ev(1, "api")],
            dropped: 0,
            diagnosed: None,
            status: Some(ready.clone()),
        }));
        assert_eq!(*state.status, ready, "the row and its status in one reduce");
        assert_eq!(state.visible().len(), 1);
        // An append without a status keeps the one held.
        let state = append(state, vec![ev(2, "x")]);
        assert_eq!(*state.status, ready);
    }

    #[test]
    fn an_append_runs_the_filter_on_the_appended_entries_only() {
        let log: Vec<Entry> = (1..=10_000).map(|i| Entry::sample(i, EntryKind::Event, "a", "s", "{}")).collect();
        let state = append(PanelState::new(true), log);
        for (label, state) in [
            ("text", state.clone().reduce(Action::SetSearch("widget -x".into()))),
            ("kinds", state.clone().reduce(Action::ToggleKind(KindGroup::Panel))),
            ("none", state.clone()),
        ] {
            let before = state.filter_examined();
            let state = append(state, vec![ev(10_001, "widgetLoaded"), nav(10_002), ev(10_003, "b")]);
            assert_eq!(state.filter_examined() - before, 3, "{label}");
        }
        // A name filter looks at the appended entries of that name (and navigation rows) only.
        let state = state.reduce(Action::SetNameFilter(Some("b".into())));
        let before = state.filter_examined();
        let state = append(state, vec![ev(10_001, "widgetLoaded"), ev(10_002, "b"), ev(10_003, "c")]);
        assert_eq!(state.filter_examined() - before, 1);
        assert_eq!(names(&state), ["b"]);
        // Typing on ("wid" → "widget") looks at the rows shown only.
        let state = state.reduce(Action::SetNameFilter(None)).reduce(Action::SetSearch("wid".into()));
        let before = state.filter_examined();
        let state = state.reduce(Action::SetSearch("widget".into()));
        assert_eq!(state.filter_examined() - before, 1);
        assert_eq!(names(&state), ["widgetLoaded"]);
    }

    #[test]
    fn a_snapshot_arrives_in_chunks_newest_first_and_a_stale_chunk_is_ignored() {
        use crate::core::hub::Hub;
        let mut hub = Hub::default();
        hub.panel_connected(1);
        hub.panel_message(1, r#"{"v":1,"type":"subscribe","tab":3}"#);
        let records: Vec<String> = (1..=450)
            .map(|seq| {
                format!(
                    r#"{{"k":"event","seq":{seq},"t":{seq},"name":"n{}","payload":{{"i":{seq}}},"via":"iframe"}}"#,
                    seq % 7
                )
            })
            .collect();
        let data = format!(
            r#"{{"v":1,"doc":"d","url":"http://shop.test/","time_origin":0,"dropped":0,"records":[{}]}}"#,
            records.join(",")
        );
        let message = serde_json::json!({"v":1,"type":"page","batch":1,"data":data}).to_string();
        hub.relay_message(3, "http://shop.test/", &message, 0.0);
        let decode = |text: String| crate::core::protocol::decode_panel_update(&text).unwrap();
        let state = PanelState::new(true).reduce(Action::Update(decode(hub.snapshot(3))));
        assert_eq!(state.entries.len(), crate::core::protocol::SNAPSHOT_HEAD_ENTRIES);
        assert_eq!(state.visible().last().map(|e| e.id), Some(451), "the newest rows first");
        let before = state.older_wanted().expect("older entries to ask for");
        let mut state = state.reduce(Action::OlderAsked(before));
        assert_eq!(state.older_wanted(), None, "asked once");
        // Entries appended while the older ones load.
        state = state.reduce(Action::Update(PanelUpdate::Append {
            entries: vec![ev(452, "late")],
            dropped: 0,
            diagnosed: None,
            status: None,
        }));
        let stale = hub.older(3, before);
        state = state.reduce(Action::Update(decode(hub.older(3, before))));
        while let Some(before) = state.older_wanted() {
            state = state.reduce(Action::OlderAsked(before)).reduce(Action::Update(decode(hub.older(3, before))));
        }
        let ids: Vec<u64> = state.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=452).collect::<Vec<_>>());
        assert!(!state.loading_older());
        assert_eq!(incremental(&state), recomputed(&state));
        // A chunk of an earlier snapshot changes nothing.
        let again = state.clone().reduce(Action::Update(decode(stale)));
        assert_eq!(again.entries.len(), 452);
    }

    #[test]
    fn a_large_document_is_diagnosed_at_the_tick_not_on_every_append() {
        let log: Vec<Entry> = (1..=DIAGNOSE_EVERY_UPDATE_UP_TO as u64).map(|i| ev(i, "a")).collect();
        let state = append(PanelState::new(true), log);
        assert!(!state.diagnosis_stale, "a document up to the bound is diagnosed at once");
        let state = append(state, vec![ev(DIAGNOSE_EVERY_UPDATE_UP_TO as u64 + 1, "a")]);
        let id = DIAGNOSE_EVERY_UPDATE_UP_TO as u64 + 2;
        let state = append(state, vec![entry(id, EntryKind::Env, "env")]);
        assert!(state.diagnosis_stale && state.needs_clock(), "diagnosed at the next tick");
        let state = answered(state.reduce(Action::Tick(0.0)));
        assert!(!state.diagnosis_stale);
        assert_eq!(state.diagnosis().checked, id as usize);
    }
}
