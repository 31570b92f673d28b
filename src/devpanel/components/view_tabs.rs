//! The ARIA tabs that switch between the panel's views (arrow keys, Home and End move along).

use crate::core::panel_state::View;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// A function, not a component: it has no state of its own.
pub fn view_tabs(current: View, on_select: &Callback<View>) -> Html {
    let on_key = {
        let on_select = on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => current.next(),
                "ArrowLeft" => current.previous(),
                "Home" => View::ALL[0],
                "End" => View::ALL[View::ALL.len() - 1],
                _ => return,
            };
            e.prevent_default();
            on_select.emit(next);
            focus_element(&next.tab_id());
        })
    };
    let tabs = View::ALL.into_iter().map(|view| {
        let selected = view == current;
        let onclick = on_select.reform(move |_| view);
        html! {
            <button role="tab" id={view.tab_id()} aria-selected={selected.to_string()}
                    aria-controls={view.panel_id()} tabindex={if selected { "0" } else { "-1" }} {onclick}>
                { view.label() }
            </button>
        }
    });
    html! {
        <div class="tabs" role="tablist" aria-label="Inspector views" onkeydown={on_key}>
            { for tabs }
        </div>
    }
}

fn focus_element(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
    {
        let _ = element.focus();
    }
}
