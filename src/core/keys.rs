//! The panel's keyboard and its split, as plain decisions: which row a navigation key selects,
//! what Esc undoes, where the separator between the log and the detail pane goes.

use crate::core::decimal::shortest;
use crate::core::panel_state::{Action, PanelState, View};

/// A key that moves the selection in a list of `len` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl Move {
    /// `KeyboardEvent.key` → the move it means (None for any other key).
    pub fn from_key(key: &str) -> Option<Move> {
        Some(match key {
            "ArrowUp" => Move::Up,
            "ArrowDown" => Move::Down,
            "PageUp" => Move::PageUp,
            "PageDown" => Move::PageDown,
            "Home" => Move::Home,
            "End" => Move::End,
            _ => return None,
        })
    }

    /// The position selected after this move from `current` (None: nothing selected yet) in
    /// `len` rows, `page` of which fit in the view. None when there is no row.
    pub fn apply(self, current: Option<usize>, len: usize, page: usize) -> Option<usize> {
        let last = len.checked_sub(1)?;
        let page = page.max(1);
        Some(match (self, current.map(|c| c.min(last))) {
            (Move::Home, _) => 0,
            (Move::End, _) => last,
            (Move::Down, None) | (Move::PageDown, None) => 0,
            (Move::Up, None) | (Move::PageUp, None) => last,
            (Move::Down, Some(c)) => (c + 1).min(last),
            (Move::Up, Some(c)) => c.saturating_sub(1),
            (Move::PageDown, Some(c)) => (c + page).min(last),
            (Move::PageUp, Some(c)) => c.saturating_sub(page),
        })
    }
}

/// What Esc does, most local first: empties the filter box it is typed in, else closes the
/// selected event's details, else empties the filter. None: nothing to undo (the key is still
/// the panel's: DevTools never gets it).
pub fn escape_action(state: &PanelState, in_filter_box: bool) -> Option<Action> {
    let has_text = !state.filter.text().is_empty();
    if in_filter_box && has_text {
        Some(Action::SetSearch(String::new()))
    } else if state.view == View::Events && state.selected.is_some() {
        Some(Action::Select(None))
    } else if state.view == View::Events && has_text {
        Some(Action::SetSearch(String::new()))
    } else {
        None
    }
}

/// A search of DevTools' own search bar (`chrome.devtools.panels` ExtensionPanel `onSearch`),
/// forwarded by the devtools page: `performSearch` filters the log with its text (showing
/// Events), `cancelSearch` empties the filter. The other actions (next/previous result) move the
/// selection in the caller.
pub fn search_actions(action: &str, query: &str) -> Vec<Action> {
    match action {
        "performSearch" => vec![Action::SelectView(View::Events), Action::SetSearch(query.to_string())],
        "cancelSearch" => vec![Action::SetSearch(String::new())],
        _ => Vec::new(),
    }
}

/// The share of the split the log takes (percent), between the log and the detail pane: the
/// separator's `aria-valuenow`, remembered in the panel's localStorage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitSize(f64);

impl SplitSize {
    pub const MIN: f64 = 15.0;
    pub const MAX: f64 = 85.0;
    pub const DEFAULT: SplitSize = SplitSize(58.0);
    /// Arrow keys move the separator by this much, PageUp/PageDown by `PAGE`.
    pub const STEP: f64 = 2.0;
    pub const PAGE: f64 = 10.0;

    // `max().min()`, not `clamp()`: its panic message would link f64 formatting into the wasm.
    #[allow(clippy::manual_clamp)]
    pub fn new(percent: f64) -> SplitSize {
        if percent.is_finite() {
            SplitSize(percent.max(Self::MIN).min(Self::MAX))
        } else {
            Self::DEFAULT
        }
    }

    /// A remembered value ("58.5"); the default when absent or not a number.
    pub fn parse(text: Option<&str>) -> SplitSize {
        text.and_then(|t| t.trim().parse::<f64>().ok()).map_or(Self::DEFAULT, SplitSize::new)
    }

    /// Dragged to `offset` pixels from the start of a split `length` pixels long.
    pub fn at(offset: f64, length: f64) -> SplitSize {
        if length > 0.0 {
            SplitSize::new(offset / length * 100.0)
        } else {
            Self::DEFAULT
        }
    }

    pub fn percent(self) -> f64 {
        self.0
    }

    /// The separator's key (`KeyboardEvent.key`): left/up make the log smaller, right/down
    /// larger; Home and End go to the ends. None for any other key.
    pub fn after_key(self, key: &str) -> Option<SplitSize> {
        let to = match key {
            "ArrowLeft" | "ArrowUp" => self.0 - Self::STEP,
            "ArrowRight" | "ArrowDown" => self.0 + Self::STEP,
            "PageUp" => self.0 - Self::PAGE,
            "PageDown" => self.0 + Self::PAGE,
            "Home" => Self::MIN,
            "End" => Self::MAX,
            _ => return None,
        };
        Some(SplitSize::new(to))
    }
}

impl Default for SplitSize {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A resizable column of the log (the summary/payload column takes the rest of the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Time,
    Name,
}

impl Column {
    pub const ALL: [Column; 2] = [Column::Time, Column::Name];

    /// The slug (`data-column`, `data-resize-column`, the CSS custom property `--col-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            Column::Time => "time",
            Column::Name => "name",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Time => "Time",
            Column::Name => "Name",
        }
    }

    /// (min, default, max) width in px.
    pub fn bounds(self) -> (f64, f64, f64) {
        match self {
            Column::Time => (48.0, 64.0, 200.0),
            Column::Name => (60.0, 210.0, 400.0),
        }
    }

    pub fn clamp(self, px: f64) -> f64 {
        let (min, default, max) = self.bounds();
        if px.is_finite() {
            px.max(min).min(max).round()
        } else {
            default
        }
    }
}

/// The widths (px) of the log's Time and Name columns, like the Network panel's: dragged by the
/// handle at the right edge of their header cell or moved with its keys; remembered in the
/// panel's preferences (`Prefs::columns`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
pub struct ColumnWidths {
    pub time: f64,
    pub name: f64,
}

impl ColumnWidths {
    /// Arrow keys change a width by this much.
    pub const STEP: f64 = 8.0;

    pub fn new(time: f64, name: f64) -> ColumnWidths {
        ColumnWidths { time: Column::Time.clamp(time), name: Column::Name.clamp(name) }
    }

    pub fn get(self, column: Column) -> f64 {
        match column {
            Column::Time => self.time,
            Column::Name => self.name,
        }
    }

    /// `column` set to `px` (clamped to its bounds).
    pub fn with(self, column: Column, px: f64) -> ColumnWidths {
        match column {
            Column::Time => ColumnWidths { time: Column::Time.clamp(px), ..self },
            Column::Name => ColumnWidths { name: Column::Name.clamp(px), ..self },
        }
    }

    /// Both widths within their bounds (a stored record out of bounds is not used: None).
    pub fn valid(self) -> Option<ColumnWidths> {
        let ok = |c: Column, px: f64| {
            let (min, _, max) = c.bounds();
            px.is_finite() && (min..=max).contains(&px)
        };
        (ok(Column::Time, self.time) && ok(Column::Name, self.name)).then_some(self)
    }

    /// A key on `column`'s resize handle: ←/→ narrower/wider by `STEP`, Home the default width,
    /// End the widest. None for any other key.
    pub fn after_key(self, column: Column, key: &str) -> Option<ColumnWidths> {
        let (_, default, max) = column.bounds();
        let now = self.get(column);
        let to = match key {
            "ArrowLeft" => now - Self::STEP,
            "ArrowRight" => now + Self::STEP,
            "Home" => default,
            "End" => max,
            _ => return None,
        };
        Some(self.with(column, to))
    }

    /// The CSS custom properties of the log (`--col-time:64px;--col-name:210px`).
    pub fn style(self) -> String {
        format!("--col-time:{}px;--col-name:{}px", shortest(self.time), shortest(self.name))
    }
}

impl Default for ColumnWidths {
    fn default() -> Self {
        ColumnWidths { time: Column::Time.bounds().1, name: Column::Name.bounds().1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_inside_the_list() {
        assert_eq!(Move::Down.apply(None, 0, 10), None);
        assert_eq!(Move::Down.apply(None, 5, 10), Some(0));
        assert_eq!(Move::Up.apply(None, 5, 10), Some(4));
        assert_eq!(Move::Down.apply(Some(4), 5, 10), Some(4));
        assert_eq!(Move::Up.apply(Some(0), 5, 10), Some(0));
        assert_eq!(Move::PageDown.apply(Some(3), 100, 10), Some(13));
        assert_eq!(Move::PageDown.apply(Some(95), 100, 10), Some(99));
        assert_eq!(Move::PageUp.apply(Some(5), 100, 10), Some(0));
        assert_eq!(Move::PageUp.apply(Some(50), 100, 0), Some(49), "a page is at least one row");
        assert_eq!(Move::Home.apply(Some(50), 100, 10), Some(0));
        assert_eq!(Move::End.apply(None, 100, 10), Some(99));
        assert_eq!(Move::Down.apply(Some(500), 100, 10), Some(99), "a stale position is clamped");
        assert_eq!(Move::from_key("PageDown"), Some(Move::PageDown));
        assert_eq!(Move::from_key("Enter"), None);
    }

    fn state_with(text: &str, selected: Option<u64>, view: View) -> PanelState {
        let mut state = PanelState::new(false).reduce(Action::SelectView(view));
        state.filter.set_text(text);
        state.selected = selected;
        state
    }

    #[test]
    fn escape_undoes_the_most_local_thing_first() {
        let s = state_with("abc", Some(1), View::Events);
        assert_eq!(escape_action(&s, true), Some(Action::SetSearch(String::new())));
        assert_eq!(escape_action(&s, false), Some(Action::Select(None)));
        let s = state_with("abc", None, View::Events);
        assert_eq!(escape_action(&s, false), Some(Action::SetSearch(String::new())));
        let s = state_with("", Some(1), View::Events);
        assert_eq!(escape_action(&s, true), Some(Action::Select(None)));
        let s = state_with("", None, View::Events);
        assert_eq!(escape_action(&s, false), None);
        let s = state_with("abc", Some(1), View::Widget);
        assert_eq!(escape_action(&s, false), None, "the Events view's state is not touched from another view");
    }

    #[test]
    fn devtools_search_filters_the_log() {
        assert_eq!(
            search_actions("performSearch", "unread"),
            vec![Action::SelectView(View::Events), Action::SetSearch("unread".into())]
        );
        assert_eq!(search_actions("cancelSearch", ""), vec![Action::SetSearch(String::new())]);
        assert!(search_actions("nextSearchResult", "").is_empty());
    }

    #[test]
    fn split_is_clamped_parsed_and_moved_by_keys() {
        assert_eq!(SplitSize::parse(None), SplitSize::DEFAULT);
        assert_eq!(SplitSize::parse(Some("nonsense")), SplitSize::DEFAULT);
        assert_eq!(SplitSize::parse(Some("NaN")), SplitSize::DEFAULT);
        assert_eq!(SplitSize::parse(Some("40")).percent(), 40.0);
        assert_eq!(SplitSize::parse(Some("3")).percent(), SplitSize::MIN);
        assert_eq!(SplitSize::parse(Some("99")).percent(), SplitSize::MAX);
        assert_eq!(SplitSize::at(300.0, 1000.0).percent(), 30.0);
        assert_eq!(SplitSize::at(300.0, 0.0), SplitSize::DEFAULT);
        let s = SplitSize::new(50.0);
        assert_eq!(s.after_key("ArrowLeft").unwrap().percent(), 48.0);
        assert_eq!(s.after_key("ArrowDown").unwrap().percent(), 52.0);
        assert_eq!(s.after_key("PageUp").unwrap().percent(), 40.0);
        assert_eq!(s.after_key("Home").unwrap().percent(), SplitSize::MIN);
        assert_eq!(s.after_key("End").unwrap().percent(), SplitSize::MAX);
        assert_eq!(s.after_key("a"), None);
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn column_widths_are_clamped_and_moved_by_keys() {
        let d = ColumnWidths::default();
        assert_eq!((d.time, d.name), (64.0, 210.0));
        assert_eq!(ColumnWidths::new(10.0, 9000.0), ColumnWidths { time: 48.0, name: 400.0 });
        assert_eq!(ColumnWidths::new(f64::NAN, 100.4), ColumnWidths { time: 64.0, name: 100.0 });
        assert_eq!(d.with(Column::Name, 250.0).name, 250.0);
        assert_eq!(d.with(Column::Time, 500.0).time, 200.0);
        assert_eq!(d.after_key(Column::Name, "ArrowRight").unwrap().name, 218.0);
        assert_eq!(d.after_key(Column::Time, "ArrowLeft").unwrap().time, 56.0);
        assert_eq!(d.after_key(Column::Time, "ArrowLeft").unwrap().name, 210.0, "the other column stays");
        let wide = d.with(Column::Name, 300.0);
        assert_eq!(wide.after_key(Column::Name, "Home").unwrap().name, 210.0);
        assert_eq!(wide.after_key(Column::Name, "End").unwrap().name, 400.0);
        assert_eq!(d.with(Column::Name, 60.0).after_key(Column::Name, "ArrowLeft").unwrap().name, 60.0);
        assert_eq!(d.after_key(Column::Name, "a"), None);
        assert_eq!(d.style(), "--col-time:64px;--col-name:210px");
        assert_eq!(ColumnWidths { time: 47.0, name: 100.0 }.valid(), None);
        assert_eq!(ColumnWidths { time: 60.0, name: f64::INFINITY }.valid(), None);
        assert!(d.valid().is_some());
    }
}
