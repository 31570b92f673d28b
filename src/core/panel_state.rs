//! The panel's state and its reducer (no browser types: tested natively).

use super::filter::Filter;
use super::protocol::{CookieRow, Entry, EntryKind, PageStatus, PanelUpdate};
use super::summary::SDK_EVENT_NAMES;
use std::collections::BTreeSet;

/// Most entries the panel keeps; older ones are dropped and counted.
pub const MAX_PANEL_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    #[default]
    Connecting,
    Connected,
    Disconnected,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelState {
    pub connection: Connection,
    pub status: PageStatus,
    pub entries: Vec<Entry>,
    /// Entries dropped before reaching the panel (page buffer, background backlog, panel cap).
    pub dropped: u64,
    dropped_here: u64,
    /// While paused, entries after this id are kept but not shown.
    pub paused_after: Option<u64>,
    pub preserve_log: bool,
    pub filter: Filter,
    pub selected: Option<u64>,
    /// The page's cookies, once the background listed them.
    pub cookies: Option<Vec<CookieRow>>,
    pub cookies_error: Option<String>,
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

impl PanelState {
    pub fn new(preserve_log: bool) -> Self {
        PanelState { preserve_log, ..PanelState::default() }
    }

    pub fn reduce(mut self, action: Action) -> Self {
        match action {
            Action::Connected => self.connection = Connection::Connected,
            Action::Disconnected => self.connection = Connection::Disconnected,
            Action::Update(PanelUpdate::Snapshot { status, entries, dropped }) => {
                self.status = status;
                self.entries = entries;
                self.dropped_here = 0;
                self.dropped = dropped;
                self.enforce_cap();
                if let Some(after) = self.paused_after {
                    self.paused_after = Some(after.min(self.last_id()));
                }
            }
            Action::Update(PanelUpdate::Append { entries, dropped }) => {
                let last = self.last_id();
                self.entries.extend(entries.into_iter().filter(|e| e.id > last));
                self.dropped = dropped;
                self.enforce_cap();
            }
            Action::Update(PanelUpdate::Status { status }) => self.status = status,
            Action::Update(PanelUpdate::Cookies { cookies, error }) => {
                self.cookies = Some(cookies);
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
        self
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

    /// Indices into `entries` of the rows to show, oldest first.
    pub fn visible(&self) -> Vec<usize> {
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
        (start..end).filter(|&i| self.filter.matches(&self.entries[i])).collect()
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        let id = self.selected?;
        let index = self.entries.binary_search_by_key(&id, |e| e.id).ok()?;
        self.entries.get(index)
    }

    /// Names for the event-name filter: the SDK's names plus any other name the page produced.
    pub fn event_names(&self) -> Vec<String> {
        let mut names: BTreeSet<String> = SDK_EVENT_NAMES.iter().map(|s| s.to_string()).collect();
        names.extend(self.entries.iter().filter(|e| e.kind == EntryKind::Event).map(|e| e.name.clone()));
        if let Some(current) = &self.filter.name {
            names.insert(current.clone());
        }
        names.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ApiState;

    fn entry(id: u64, kind: EntryKind, name: &str) -> Entry {
        Entry {
            id,
            doc: "d".into(),
            t: 0.0,
            wall: 0.0,
            kind,
            name: name.into(),
            via: None,
            summary: String::new(),
            payload: "{}".into(),
        }
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
        state.visible().into_iter().map(|i| state.entries[i].name.as_str()).collect()
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
}
