//! What the Events view says when it shows no row: what was (not) found, and what to do next,
//! derived from the status the panel has.

use super::filter::Filter;
use super::panel_state::{site_of, ConnectionState};
use super::protocol::{ApiState, PageStatus};

/// An empty state: a key (`data-empty-state`), what was found, what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyState {
    pub key: &'static str,
    pub found: String,
    pub next: String,
}

impl EmptyState {
    fn new(key: &'static str, found: impl Into<String>, next: impl Into<String>) -> EmptyState {
        EmptyState { key, found: found.into(), next: next.into() }
    }

    pub fn text(&self) -> String {
        format!("{} {}", self.found, self.next)
    }
}

/// What the empty Events view knows.
pub struct EmptyInput<'a> {
    pub connection: ConnectionState,
    pub status: &'a PageStatus,
    pub filter: &'a Filter,
    /// Entries the filter hid (all of the window's).
    pub hidden: usize,
    pub paused: bool,
    /// Entries held by the pause.
    pub held: usize,
}

pub fn events_empty_state(input: &EmptyInput) -> EmptyState {
    let status = input.status;
    match input.connection {
        ConnectionState::Connecting => {
            return EmptyState::new("connecting", "Connecting to the extension…", "The tab's log appears in a moment.")
        }
        ConnectionState::Disconnected => {
            return EmptyState::new(
                "disconnected",
                "Not connected to the extension's background.",
                "It reconnects by itself; if this lasts, close and reopen DevTools.",
            )
        }
        ConnectionState::Connected => {}
    }
    if input.hidden > 0 {
        let entries = if input.hidden == 1 { "1 entry".to_string() } else { format!("{} entries", input.hidden) };
        return EmptyState::new(
            "filtered",
            format!("No entry matches the filter ({}): {entries} hidden.", describe(input.filter)),
            "Change the filter text, press All, or choose All events.",
        );
    }
    if input.paused {
        let found = match input.held {
            0 => "Paused: new entries are held until you resume.".to_string(),
            1 => "Paused: 1 new entry held.".to_string(),
            n => format!("Paused: {n} new entries held."),
        };
        return EmptyState::new("paused", found, "Press Resume to show them.");
    }
    if status.url.is_empty() {
        return EmptyState::new(
            "no-page",
            "Nothing observed in this tab yet.",
            "Reload the page: the extension observes a page from its start.",
        );
    }
    if site_of(&status.url).is_none() {
        return EmptyState::new(
            "not-a-web-page",
            format!("{} is not a web page the extension can observe.", status.url),
            "Open an http(s) page with HubSpot chat in this tab.",
        );
    }
    if status.hook_silent {
        return EmptyState::new(
            "hook-silent",
            "The extension's hook in this page does not answer.",
            "Reload the page to observe it again.",
        );
    }
    match (status.api, status.loader_src.as_deref()) {
        (ApiState::Absent, None) => EmptyState::new(
            "no-hubspot",
            "No HubSpot chat on this page: no loader script, no HubSpotConversations object.",
            "Events appear when the page loads HubSpot's script (the embed code, js.hs-scripts.com/<portal>.js).",
        ),
        (ApiState::Absent, Some(src)) => EmptyState::new(
            "loader-only",
            format!("HubSpot's loader script is on this page ({src}), but there is no HubSpotConversations object yet."),
            "It appears once the loader has run; if it never does, see Diagnostics.",
        ),
        (ApiState::Placeholder, _) => EmptyState::new(
            "placeholder",
            "HubSpotConversations is a placeholder (loadImmediately: false): the chat loads when widget.load() is called.",
            "Call widget.load() from the page or from the Widget view; the widget's events appear then.",
        ),
        (ApiState::Ready, _) if !status.widget_loaded => EmptyState::new(
            "no-events",
            "The API is ready; the chat iframe has not loaded yet and no entry is in the log.",
            "Events appear as the chat loads; if it does not, see Diagnostics.",
        ),
        (ApiState::Ready, _) => EmptyState::new(
            "no-events",
            "The chat is loaded; no entry is in the log (it was cleared, or nothing happened since).",
            "Events appear as the visitor or the page uses the chat: open the widget or start a conversation.",
        ),
    }
}

/// The filter in words: "kinds SDK events, Panel calls; event name widgetLoaded; text "-x"".
fn describe(filter: &Filter) -> String {
    let mut parts = vec![];
    if !filter.kinds.is_all() {
        let kinds: Vec<&str> = filter.kinds.groups().iter().map(|g| g.label()).collect();
        parts.push(format!("kinds {}", kinds.join(", ")));
    }
    if let Some(name) = &filter.name {
        parts.push(format!("event name {name}"));
    }
    if !filter.text().trim().is_empty() && filter.error().is_none() {
        parts.push(format!("text \"{}\"", filter.text().trim()));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::filter::{KindGroup, Kinds};

    fn page(api: ApiState, loader: Option<&str>, loaded: bool) -> PageStatus {
        PageStatus {
            api,
            loader_src: loader.map(str::to_string),
            widget_loaded: loaded,
            url: "http://localhost:8123/x.html".into(),
            doc: "d1".into(),
            ..PageStatus::default()
        }
    }

    fn state_of(status: &PageStatus, filter: &Filter, hidden: usize, paused: bool, held: usize) -> EmptyState {
        events_empty_state(&EmptyInput { connection: ConnectionState::Connected, status, filter, hidden, paused, held })
    }

    #[test]
    fn a_page_without_hubspot_says_what_is_missing_and_what_to_do() {
        let status = page(ApiState::Absent, None, false);
        let state = state_of(&status, &Filter::default(), 0, false, 0);
        assert_eq!(state.key, "no-hubspot");
        assert!(state.text().starts_with(
            "No HubSpot chat on this page: no loader script, no HubSpotConversations object. Events appear when the page loads HubSpot's script"
        ));
        assert!(!state.text().contains("No events yet"));
    }

    #[test]
    fn each_api_state_has_its_own_words() {
        let f = Filter::default();
        let loader = page(ApiState::Absent, Some("https://js.hs-scripts.com/1.js"), false);
        let state = state_of(&loader, &f, 0, false, 0);
        assert_eq!(state.key, "loader-only");
        assert!(state.found.contains("js.hs-scripts.com/1.js"));
        assert_eq!(state_of(&page(ApiState::Placeholder, None, false), &f, 0, false, 0).key, "placeholder");
        let ready = state_of(&page(ApiState::Ready, None, false), &f, 0, false, 0);
        assert!(ready.found.contains("has not loaded yet"), "{ready:?}");
        let loaded = state_of(&page(ApiState::Ready, None, true), &f, 0, false, 0);
        assert!(loaded.found.starts_with("The chat is loaded"));
    }

    #[test]
    fn a_filter_a_pause_a_connection_and_a_page_come_first() {
        let status = page(ApiState::Absent, None, false);
        let mut filter = Filter::default().with_text("-x");
        filter.kinds = Kinds::all().toggle(KindGroup::Panel);
        let state = state_of(&status, &filter, 3, false, 0);
        assert_eq!(state.key, "filtered");
        assert_eq!(state.found, "No entry matches the filter (kinds Panel calls; text \"-x\"): 3 entries hidden.");
        let state = state_of(&status, &Filter::default(), 0, true, 2);
        assert_eq!((state.key, state.found.as_str()), ("paused", "Paused: 2 new entries held."));
        let input =
            |connection| EmptyInput { connection, status: &status, filter: &filter, hidden: 3, paused: true, held: 0 };
        assert_eq!(events_empty_state(&input(ConnectionState::Disconnected)).key, "disconnected");
        assert_eq!(events_empty_state(&input(ConnectionState::Connecting)).key, "connecting");
        let blank = PageStatus { url: "about:blank".into(), ..PageStatus::default() };
        let state = state_of(&blank, &Filter::default(), 0, false, 0);
        assert_eq!(state.key, "not-a-web-page");
        assert!(state.found.starts_with("about:blank is not a web page"));
        assert_eq!(state_of(&PageStatus::default(), &Filter::default(), 0, false, 0).key, "no-page");
        let silent = PageStatus { hook_silent: true, ..page(ApiState::Ready, None, true) };
        assert_eq!(state_of(&silent, &Filter::default(), 0, false, 0).key, "hook-silent");
    }
}
