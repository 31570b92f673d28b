//! The log: a virtual list of one row per entry; only the rows in view (plus an overscan) are in
//! the DOM, at any log size.

use super::class_names;
use super::column_header::{ColumnHeader, HEADER_ID};
use super::format_since_navigation;
use super::format_wall_clock;
use super::menu::{Menu, MenuItem};
use crate::core::decimal::shortest;
use crate::core::empty_state::EmptyState;
use crate::core::keys::Move;
use crate::core::panel_state::{call_of, row_outcome, Action, Rows};
use crate::core::payload::{call_code, copy_payload, copy_row_json, row_text, RowText};
use crate::core::protocol::{Entry, EntryKind, Undelivered};
use crate::core::viewport::{Reveal, Scroller, Window, ROW_HEIGHT};
use crate::devpanel::files::copy;
use crate::devpanel::hooks::{panel_actions, PanelActions};
use std::rc::Rc;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventListProps {
    pub rows: Rows,
    pub selected: Option<u64>,
    /// An entry to scroll to once (an evidence link of the Diagnostics view).
    pub reveal: Option<u64>,
    /// What to say when no entry is shown (`PanelState::events_empty_state`).
    pub empty: Option<EmptyState>,
}

/// The log: a virtual list (`core::viewport`): the rows in view plus an overscan are in the DOM,
/// spacers stand for the others. It follows the end until the user scrolls up.
#[function_component(EventList)]
pub fn event_list(props: &EventListProps) -> Html {
    let actions = panel_actions();
    let list_ref = use_node_ref();
    let pane_ref = use_node_ref();
    let scroller = use_mut_ref(Scroller::default);
    let rerender = use_force_update();
    // The context menu: the row it is for and where it opened.
    let menu = use_state(|| None::<(Rc<Entry>, f64, f64)>);
    // The selection last scrolled into view: a new one (keys, DevTools' search) is scrolled to.
    let shown_selection = use_mut_ref(|| None::<u64>);

    let visible = &props.rows;
    let selected = props.selected;
    let total = visible.len();

    // Where the view goes in this render: an evidence link's row, a new selection, or (following)
    // the end; the window of rows is computed for that place, so the row is in the DOM.
    let position_of = |id: u64| visible.position_of(id);
    let reveal = match props.reveal.and_then(position_of) {
        Some(p) => Some(Reveal::Center(p)),
        None => {
            let newly = selected.filter(|id| *shown_selection.borrow() != Some(*id));
            newly.and_then(position_of).map(Reveal::Show)
        }
    };
    *shown_selection.borrow_mut() = selected;
    let span = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(0.0);
    let Window { first, last, above, below } = scroller.borrow_mut().plan(total, reveal, span);

    // Yew runs effects in a later task when its render ran past its 16 ms budget, and the
    // browser may paint in between: the new rows at the old place. This microtask runs when the
    // render's task ends, after the DOM is patched and before any paint, so a followed stream
    // never shows a frame away from its end; the effect below does the same when Yew did not yield.
    {
        let (list_ref, scroller) = (list_ref.clone(), scroller.clone());
        yew::platform::spawn_local(async move {
            settle(&list_ref, &scroller);
        });
    }
    {
        let (list_ref, scroller, actions, rerender) =
            (list_ref.clone(), scroller.clone(), actions.clone(), rerender.clone());
        let revealing = props.reveal;
        use_effect(move || {
            if settle(&list_ref, &scroller) {
                rerender.force_update();
            }
            if revealing.is_some() {
                if let Some(list) = list_ref.cast::<web_sys::HtmlElement>() {
                    let _ = list.focus();
                }
                actions.dispatch(Action::Revealed);
            }
        });
    }
    // A taller window may show more rows than the last render put in the DOM.
    {
        let rerender = rerender.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| rerender.force_update()));
            move || drop(listener)
        });
    }

    let on_scroll = {
        let (list_ref, scroller, rerender) = (list_ref.clone(), scroller.clone(), rerender.clone());
        Callback::from(move |_: Event| {
            if let Some(list) = list_ref.cast::<Element>() {
                let missing = scroller.borrow_mut().on_scroll(
                    list.scroll_top() as f64,
                    list.client_height() as f64,
                    list.scroll_height() as f64,
                );
                if missing {
                    rerender.force_update();
                }
            }
        })
    };

    let on_key = {
        let (actions, list_ref, scroller) = (actions.clone(), list_ref.clone(), scroller.clone());
        let rows = visible.clone();
        let menu = menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.alt_key() || e.meta_key() {
                return;
            }
            let position = selected.and_then(|id| rows.position_of(id));
            // The context menu key or Shift+F10: the selected row's menu, under the row.
            if e.key() == "ContextMenu" || (e.key() == "F10" && e.shift_key()) {
                e.prevent_default();
                if let (Some(p), Some(list)) = (position, list_ref.cast::<Element>()) {
                    let rect = list.get_bounding_client_rect();
                    let y = rect.top() + (p as f64 + 1.0) * ROW_HEIGHT - list.scroll_top() as f64;
                    if let Some(row) = rows.get(p) {
                        menu.set(Some((row.clone(), rect.left() + 80.0, y)));
                    }
                }
                return;
            }
            let Some(step) = Move::from_key(&e.key()) else { return };
            e.prevent_default();
            let page = {
                let mut scroller = scroller.borrow_mut();
                scroller.stop_following();
                scroller.page()
            };
            if let Some(row) = step.apply(position, rows.len(), page).and_then(|p| rows.get(p)) {
                actions.dispatch(Action::Select(Some(row.id)));
            }
        })
    };

    let rows = visible.range(first, last).enumerate().map(|(offset, entry)| {
        let on_select = {
            let actions = actions.clone();
            let id = entry.id;
            Callback::from(move |_| actions.dispatch(Action::Select(Some(id))))
        };
        let on_context = {
            let (actions, menu, entry) = (actions.clone(), menu.clone(), entry.clone());
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                actions.dispatch(Action::Select(Some(entry.id)));
                menu.set(Some((entry.clone(), e.client_x() as f64, e.client_y() as f64)));
            })
        };
        row(entry, first + offset, selected == Some(entry.id), on_select, on_context)
    });
    let context_menu = menu.as_ref().map(|(entry, x, y)| {
        let on_close = {
            let (menu, list_ref) = (menu.clone(), list_ref.clone());
            Callback::from(move |_| {
                menu.set(None);
                // Once the menu is gone (its focused item is removed after this callback).
                let list_ref = list_ref.clone();
                gloo::timers::callback::Timeout::new(0, move || {
                    if let Some(list) = list_ref.cast::<web_sys::HtmlElement>() {
                        let _ = list.focus();
                    }
                })
                .forget();
            })
        };
        html! { <Menu label="Event" x={*x} y={*y} {on_close} items={copy_items(&actions, entry)} /> }
    });

    html! {
        <>
        <div class="log-pane" ref={pane_ref.clone()}>
        <ColumnHeader pane={pane_ref} />
        <div class="log" id="event-log" ref={list_ref} role="grid" aria-label="Events" aria-owns={HEADER_ID}
             aria-rowcount={(total + 1).to_string()}
             aria-activedescendant={selected.filter(|id| visible.range(first, last).any(|r| r.id == *id)).map(row_id)}
             tabindex="0" onscroll={on_scroll} onkeydown={on_key}>
            if let Some(empty) = &props.empty {
                <div class="empty" role="status" data-empty-state={empty.key}>
                    <p class="empty-found">{ &empty.found }</p>
                    <p class="empty-next">{ &empty.next }</p>
                </div>
            }
            <div class="spacer" role="presentation" data-spacer="above" style={spacer(above)}></div>
            <div class="log-rows" role="presentation">
                { for rows }
            </div>
            <div class="spacer" role="presentation" data-spacer="below" style={spacer(below)}></div>
            // The browser's scroll anchoring keeps this in view while rows are added above it.
            <div class="follow-anchor" aria-hidden="true"></div>
        </div>
        </div>
        { for context_menu }
        </>
    }
}

/// Puts the rendered list where the scroller wants it (at the end when following); returns whether
/// rows in view are missing from the DOM (the view's height changed: render again).
fn settle(list_ref: &NodeRef, scroller: &std::cell::RefCell<Scroller>) -> bool {
    let Some(list) = list_ref.cast::<Element>() else { return false };
    let (to, again) = scroller.borrow_mut().after_render(
        list.scroll_top() as f64,
        list.client_height() as f64,
        list.scroll_height() as f64,
    );
    if let Some(top) = to {
        list.set_scroll_top(top as i32);
        scroller.borrow_mut().applied(list.scroll_top() as f64);
    }
    again
}

fn spacer(height: f64) -> String {
    format!("height:{}px", shortest(height))
}

/// The copy commands for a row: its payload, the row as JSON, and for a call the code.
pub fn copy_items(actions: &PanelActions, entry: &Entry) -> Vec<MenuItem> {
    let item = |label: &'static str, text: String| {
        let actions = actions.clone();
        MenuItem { label, run: Callback::from(move |_| copy(&actions, label, text.clone())) }
    };
    let mut items = vec![item("Copy payload", copy_payload(entry)), item("Copy row as JSON", copy_row_json(entry))];
    if let Some(code) = call_code(entry) {
        items.push(item("Copy as code", code));
    }
    items
}

/// The id of an entry's row (the list's `aria-activedescendant`).
pub fn row_id(id: u64) -> String {
    format!("event-row-{id}")
}

fn row(
    entry: &Entry,
    position: usize,
    selected: bool,
    on_select: Callback<MouseEvent>,
    on_context: Callback<MouseEvent>,
) -> Html {
    // The header row is row 1.
    let rowindex = (position + 2).to_string();
    let time = format_since_navigation(entry.t);
    let wall = format_wall_clock(entry.wall);
    if entry.kind == EntryKind::Navigation {
        return html! {
            <div key={entry.id} class={if selected { "row navigation selected" } else { "row navigation" }} role="row" data-navigation="true"
                 id={row_id(entry.id)} aria-selected={selected.to_string()} aria-rowindex={rowindex} title={wall} onclick={on_select}>
                <span role="gridcell">{ format!("Navigated to {}", entry.summary) }</span>
            </div>
        };
    }
    let kind = kind_name(entry.kind);
    let event_name = (entry.kind == EntryKind::Event).then(|| entry.name.clone());
    let (call, origin) = call_of(entry).unzip();
    let origin_text =
        origin.map(|o| if o == "page" { "Called by the page's own code" } else { "Called from this panel" });
    // The summary or the compact payload, never both; a summary row has its payload as tooltip.
    let (text, title) = match row_text(entry) {
        RowText::Summary { summary, payload } => {
            let title = match origin_text {
                Some(origin) => format!("{origin}\n{payload}"),
                None => payload,
            };
            (html! { <span class="summary" role="gridcell">{ summary }</span> }, Some(title))
        }
        RowText::Payload(payload) => {
            (html! { <span class="payload" role="gridcell">{ payload }</span> }, origin_text.map(str::to_string))
        }
    };
    let undelivered = entry.undelivered.map(Undelivered::as_str);
    let outcome = row_outcome(entry).map(|o| o.key());
    html! {
        <div key={entry.id} class={class_names(&[Some("row"), Some(kind), selected.then_some("selected"), undelivered.and(Some("undelivered"))])} role="row"
             aria-selected={selected.to_string()} data-event-name={event_name} data-call={call} data-origin={origin} {title} data-kind={kind} data-undelivered={undelivered} data-outcome={outcome}
             id={row_id(entry.id)} data-id={entry.id.to_string()} aria-rowindex={rowindex} onclick={on_select} oncontextmenu={on_context}>
            <span class="time" role="gridcell" title={format!("{wall} (wall clock)")}>{ time }</span>
            <span class="name" role="gridcell">{ &entry.name }</span>
            { text }
        </div>
    }
}

pub fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Event => "event",
        EntryKind::Api => "api",
        EntryKind::Widget => "widget",
        EntryKind::Loader => "loader",
        EntryKind::Open => "open",
        EntryKind::Call => "call",
        EntryKind::Settings => "settings",
        EntryKind::Navigation => "navigation",
        EntryKind::PageCall => "page_call",
        EntryKind::OnReady => "onready",
        EntryKind::UrlChange => "url_change",
        EntryKind::Csp => "csp",
        EntryKind::WidgetData => "widget_data",
        EntryKind::Iframe => "iframe",
        EntryKind::ChatMessage => "chat_message",
        EntryKind::Env => "env",
    }
}
