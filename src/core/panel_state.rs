//! The panel's state and its reducer (no browser types: tested natively).

use super::filter::Filter;
use super::protocol::{CookieRow, Entry, EntryKind, PageStatus, PanelUpdate};
use super::summary::SDK_EVENT_NAMES;
use std::collections::BTreeSet;
use std::rc::Rc;

/// Most entries the panel keeps; older ones are dropped and counted.
pub const MAX_PANEL_ENTRIES: usize = 100_000;

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
    Widget,
    Settings,
    Cookies,
}

impl View {
    pub const ALL: [View; 4] = [View::Events, View::Widget, View::Settings, View::Cookies];

    /// The tab's text, also the name under which the selected view is remembered.
    pub fn label(self) -> &'static str {
        match self {
            View::Events => "Events",
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

/// The rows of the log view, shared without copying. Two `Rows` are equal when they are the same
/// list: the reducer builds a new list whenever the rows may have changed.
#[derive(Debug, Clone, Default)]
pub struct Rows(Rc<[Rc<Entry>]>);

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Rows {
    type Target = [Rc<Entry>];
    fn deref(&self) -> &Self::Target {
        &self.0
    }
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
    // Derived from the fields above by `derive_view`, so that a render never filters the log.
    visible: Rows,
    shown_events: usize,
    event_names: Rc<[String]>,
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
    Select(Option<u64>),
}

impl Action {
    /// Whether the action may change the entries, the filter, pause or "Preserve log".
    fn changes_the_log_view(&self) -> bool {
        !matches!(
            self,
            Action::Connected
                | Action::Disconnected
                | Action::Select(_)
                | Action::Update(PanelUpdate::Status { .. } | PanelUpdate::Cookies { .. })
        )
    }
}

impl PanelState {
    pub fn new(preserve_log: bool) -> Self {
        PanelState { preserve_log, ..PanelState::default() }.with_view_derived()
    }

    pub fn reduce(mut self, action: Action) -> Self {
        let derive_view = action.changes_the_log_view();
        match action {
            Action::Connected => self.connection = ConnectionState::Connected,
            Action::Disconnected => self.connection = ConnectionState::Disconnected,
            Action::Update(PanelUpdate::Snapshot { status, entries, dropped }) => {
                self.set_status(status);
                self.entries = entries.into_iter().map(Rc::new).collect();
                self.dropped_here = 0;
                self.dropped = dropped;
                self.enforce_cap();
                if let Some(after) = self.paused_after {
                    self.paused_after = Some(after.min(self.last_id()));
                }
            }
            Action::Update(PanelUpdate::Append { entries, dropped }) => {
                let last = self.last_id();
                self.entries.extend(entries.into_iter().filter(|e| e.id > last).map(Rc::new));
                self.dropped = dropped;
                self.enforce_cap();
            }
            Action::Update(PanelUpdate::Status { status }) => self.set_status(status),
            Action::Update(PanelUpdate::Cookies { cookies, error }) => {
                self.cookies = Some(cookies.into());
                self.cookies_error = error;
            }
            Action::Clear => {
                if self.paused_after.is_some() {
                    self.paused_after = Some(self.last_id());
                }
                self.entries.clear();
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
            Action::SetSearch(text) => self.filter.text = text,
            Action::Select(id) => self.selected = id,
        }
        if derive_view {
            self.with_view_derived()
        } else {
            self
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

    fn enforce_cap(&mut self) {
        if self.entries.len() > MAX_PANEL_ENTRIES {
            let excess = self.entries.len() - MAX_PANEL_ENTRIES;
            self.entries.drain(..excess);
            self.dropped_here += excess as u64;
        }
    }

    fn with_view_derived(mut self) -> Self {
        let end = match self.paused_after {
            Some(after) => self.entries.partition_point(|e| e.id <= after),
            None => self.entries.len(),
        };
        let start = if self.preserve_log {
            0
        } else {
            // Like the Network panel: without "Preserve log" the log starts afresh at navigation.
            self.entries[..end].iter().rposition(|e| e.kind == EntryKind::Navigation).map_or(0, |i| i + 1)
        };
        let visible: Rc<[Rc<Entry>]> =
            self.entries[start..end].iter().filter(|e| self.filter.matches(e)).cloned().collect();
        self.shown_events = visible.iter().filter(|e| e.kind != EntryKind::Navigation).count();
        self.visible = Rows(visible);

        let mut names: BTreeSet<&str> = SDK_EVENT_NAMES.iter().copied().collect();
        names.extend(self.entries.iter().filter(|e| e.kind == EntryKind::Event).map(|e| e.name.as_str()));
        names.extend(self.filter.name.as_deref());
        self.event_names = names.into_iter().map(str::to_string).collect();
        self
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

    pub fn selected_entry(&self) -> Option<&Rc<Entry>> {
        let id = self.selected?;
        let index = self.entries.binary_search_by_key(&id, |e| e.id).ok()?;
        self.entries.get(index)
    }

    /// Names for the event-name filter: the SDK's names plus any other name the page produced.
    pub fn event_names(&self) -> &Rc<[String]> {
        &self.event_names
    }

    /// The latest calls made from the panel, newest first.
    pub fn recent_calls(&self, at_most: usize) -> Vec<Rc<Entry>> {
        self.entries.iter().rev().filter(|e| e.kind == EntryKind::Call).take(at_most).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ApiState;

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
        state.reduce(Action::Update(PanelUpdate::Append { entries, dropped: 0 }))
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
        let state =
            state.reduce(Action::Update(PanelUpdate::Snapshot { status, entries: vec![ev(7, "z")], dropped: 4 }));
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
        assert_eq!(View::ALL.map(View::label), ["Events", "Widget", "Settings", "Cookies"]);
    }
}
