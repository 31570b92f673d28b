//! A small pop-up menu (`role="menu"`): the log's context menu and the Export… choice. It takes
//! the focus when it opens; ↑/↓/Home/End move between items, Enter/Space run one, Esc and Tab
//! close it (Esc never reaches DevTools), as does a click outside.

use crate::core::decimal::shortest;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// About the size of a menu (panel.css: `.menu`), to keep it inside the panel.
const MENU_WIDTH: f64 = 240.0;
const ITEM_HEIGHT: f64 = 22.0;

#[derive(Clone, PartialEq)]
pub struct MenuItem {
    pub label: &'static str,
    pub run: Callback<()>,
}

#[derive(Properties, PartialEq)]
pub struct MenuProps {
    pub label: AttrValue,
    pub items: Vec<MenuItem>,
    /// Where it opens, in viewport pixels (its top left corner).
    pub x: f64,
    pub y: f64,
    pub on_close: Callback<()>,
}

fn items_of(menu: &Element) -> Vec<HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok()).collect()
}

/// Focuses the menu's first item, unless the focus is in the menu already (a key moved it).
fn focus_first_item(menu_ref: &NodeRef) {
    let Some(menu) = menu_ref.cast::<Element>() else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    if active.is_some_and(|active| menu.contains(Some(&active))) {
        return;
    }
    if let Some(first) = items_of(&menu).into_iter().next() {
        let _ = first.focus();
    }
}

#[function_component(Menu)]
pub fn menu(props: &MenuProps) -> Html {
    let menu_ref = use_node_ref();
    // The first item takes the focus in a microtask of the first render: after the DOM patch, before
    // any other task. Yew may run effects a task later, after a paint (its scheduler yields), and a
    // key pressed in between would go to the list. The effect does it if the microtask could not.
    let focus_queued = use_mut_ref(|| false);
    if !focus_queued.replace(true) {
        let menu_ref = menu_ref.clone();
        yew::platform::spawn_local(async move { focus_first_item(&menu_ref) });
    }
    {
        let menu_ref = menu_ref.clone();
        use_effect_with((), move |_| focus_first_item(&menu_ref));
    }
    let on_key = {
        let (menu_ref, on_close) = (menu_ref.clone(), props.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(menu) = menu_ref.cast::<Element>() else { return };
            let items = items_of(&menu);
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            let position =
                items.iter().position(|item| active.as_ref().is_some_and(|a| a == item.as_ref() as &Element));
            let last = items.len().saturating_sub(1);
            let next = match e.key().as_str() {
                "ArrowDown" => Some(position.map_or(0, |p| if p >= last { 0 } else { p + 1 })),
                "ArrowUp" => Some(position.map_or(last, |p| if p == 0 { last } else { p - 1 })),
                "Home" => Some(0),
                "End" => Some(last),
                "Escape" | "Tab" => {
                    e.prevent_default();
                    e.stop_propagation();
                    on_close.emit(());
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            e.stop_propagation();
            if let Some(item) = next.and_then(|p| items.get(p)) {
                let _ = item.focus();
            }
        })
    };
    let on_backdrop = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            on_close.emit(());
        })
    };
    // Inside the panel: a menu opened near the right or bottom edge opens to the left or above.
    let (width, height) = web_sys::window()
        .map(|w| {
            let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(f64::MAX);
            (size(w.inner_width()), size(w.inner_height()))
        })
        .unwrap_or((f64::MAX, f64::MAX));
    let (menu_width, menu_height) = (MENU_WIDTH, 8.0 + ITEM_HEIGHT * props.items.len() as f64);
    let x = if props.x + menu_width > width { props.x - menu_width } else { props.x };
    let y = if props.y + menu_height > height { props.y - menu_height } else { props.y };
    let style = format!("left:{}px;top:{}px", shortest(x.max(0.0)), shortest(y.max(0.0)));
    html! {
        <>
            <div class="menu-backdrop" onclick={on_backdrop.clone()} oncontextmenu={on_backdrop}></div>
            <div class="menu" role="menu" aria-label={props.label.clone()} ref={menu_ref} {style} onkeydown={on_key}>
                { for props.items.iter().map(|item| {
                    let (run, on_close) = (item.run.clone(), props.on_close.clone());
                    let onclick = Callback::from(move |_: MouseEvent| {
                        on_close.emit(());
                        run.emit(());
                    });
                    html! { <button type="button" role="menuitem" tabindex="-1" {onclick}>{ item.label }</button> }
                }) }
            </div>
        </>
    }
}
