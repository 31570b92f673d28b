//! The panel's own shortcuts, taken before DevTools sees them. DevTools forwards every Esc and
//! Ctrl/Cmd key pressed in an extension panel to itself (Chromium: a keydown listener on the
//! panel's document; Firefox: keys the page did not prevent): Esc would open its Console drawer
//! and Ctrl+F its find bar. A capture listener on the window handles them first, prevents their
//! default and stops them. Also DevTools' own search bar (`panel.onSearch`, forwarded by
//! devtools.js on the BroadcastChannel "cwi-search") filters the log.

use super::hooks::PanelActions;
use crate::core::keys::{escape_action, search_actions, Move};
use crate::core::panel_state::{Action, View};
use gloo::events::{EventListener, EventListenerOptions, EventListenerPhase};
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// The Events view's filter box (UI contract).
const FILTER: &str = "input[placeholder=\"Filter\"]";
const SEARCH_CHANNEL: &str = "cwi-search";

#[hook]
pub fn use_panel_keys(actions: PanelActions, tab_id: Option<i32>) {
    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a window");
        let options = EventListenerOptions { phase: EventListenerPhase::Capture, passive: false };
        let keys = {
            let actions = actions.clone();
            EventListener::new_with_options(&window, "keydown", options, move |event| {
                if let Some(e) = event.dyn_ref::<KeyboardEvent>() {
                    on_key(&actions, e);
                }
            })
        };
        let search = web_sys::BroadcastChannel::new(SEARCH_CHANNEL).ok().map(|channel| {
            let listener = EventListener::new(&channel, "message", move |event| {
                if let Some(e) = event.dyn_ref::<web_sys::MessageEvent>() {
                    on_search(&actions, tab_id, &e.data());
                }
            });
            (channel, listener)
        });
        move || {
            drop(keys);
            if let Some((channel, listener)) = search {
                drop(listener);
                channel.close();
            }
        }
    });
}

fn on_key(actions: &PanelActions, e: &KeyboardEvent) {
    let key = e.key();
    let command = e.ctrl_key() || e.meta_key();
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let in_menu = active.as_ref().is_some_and(|a| a.closest("[role=\"menu\"]").ok().flatten().is_some());
    if key == "Escape" && in_menu {
        // The open menu closes itself on Esc and stops the key there (components/menu.rs).
    } else if key == "Escape" && !command && !e.alt_key() {
        e.prevent_default();
        e.stop_propagation();
        let in_filter = active.as_ref().is_some_and(|a| a.matches(FILTER).unwrap_or(false));
        let in_detail = active.as_ref().is_some_and(|a| a.closest(".detail").ok().flatten().is_some());
        let action = escape_action(&actions.state(), in_filter);
        if let Some(action) = action {
            let closes_detail = action == Action::Select(None);
            actions.dispatch(action);
            if closes_detail && in_detail {
                focus_later("#event-log", false);
            }
        }
    } else if command && !e.alt_key() && !e.shift_key() && key.eq_ignore_ascii_case("f") {
        e.prevent_default();
        e.stop_propagation();
        focus_filter(actions);
    } else if key == "/" && !command && !e.alt_key() && !active.as_ref().is_some_and(is_text_field) {
        e.prevent_default();
        focus_filter(actions);
    }
}

fn is_text_field(element: &Element) -> bool {
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.dyn_ref::<HtmlElement>().is_some_and(|e| e.is_content_editable())
}

/// Shows the Events view (if another is shown) and focuses its filter box, its text selected.
fn focus_filter(actions: &PanelActions) {
    if actions.state().view != View::Events {
        actions.dispatch(Action::SelectView(View::Events));
    }
    focus_later(FILTER, true);
}

/// Focuses `selector` once the panel rendered.
fn focus_later(selector: &'static str, select: bool) {
    Timeout::new(0, move || {
        let element =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(selector).ok().flatten());
        if let Some(element) = element.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = element.focus();
            if select {
                if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
                    input.select();
                }
            }
        }
    })
    .forget();
}

/// `{type: "search", tabId, action, query}` from devtools.js (DevTools' search bar).
fn on_search(actions: &PanelActions, tab_id: Option<i32>, data: &wasm_bindgen::JsValue) {
    let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok();
    let is_search = field("type").and_then(|v| v.as_string()).as_deref() == Some("search");
    let for_tab = field("tabId").and_then(|v| v.as_f64()).map(|t| t as i32) == tab_id;
    if !is_search || !for_tab {
        return;
    }
    let action = field("action").and_then(|v| v.as_string()).unwrap_or_default();
    let query = field("query").and_then(|v| v.as_string()).unwrap_or_default();
    for a in search_actions(&action, &query) {
        actions.dispatch(a);
    }
    let step = match action.as_str() {
        "nextSearchResult" => Move::Down,
        "previousSearchResult" => Move::Up,
        _ => return,
    };
    let next = {
        let state = actions.state();
        let rows = state.visible();
        let position = state.selected.and_then(|id| rows.position_of(id));
        step.apply(position, rows.len(), 1).and_then(|p| rows.get(p)).map(|r| r.id)
    };
    if next.is_some() {
        actions.dispatch(Action::Select(next));
    }
}
