//! The split between the log and the detail pane: side by side, or stacked when the panel is
//! narrow (panel.css, below 700 px). A separator between them is dragged with the pointer or
//! moved with the keyboard (`SplitSize::after_key`); its place is remembered (`use_split_size`).

use super::start_drag;
use crate::core::decimal::fixed;
use crate::core::keys::SplitSize;
use crate::devpanel::hooks::use_split_size;
use gloo::events::EventListener;
use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

/// Where panel.css stacks the detail pane under the log.
const STACKED: &str = "(max-width: 699px)";

#[derive(Properties, PartialEq)]
pub struct SplitProps {
    /// The log, then (when an entry is selected) the detail pane.
    pub children: Children,
    /// Whether the detail pane is shown (an `if` in the caller's html! is a child even when empty).
    pub with_detail: bool,
}

#[function_component(Split)]
pub fn split(props: &SplitProps) -> Html {
    let (size, set_size) = use_split_size();
    let stacked = use_stacked();
    let container = use_node_ref();
    // Pointer events may come faster than renders: the drag and its latest size live in refs.
    let dragging = use_state(|| false);
    let drag = use_mut_ref(|| None::<SplitSize>);
    let mut children = props.children.iter();
    let first = children.next();
    let rest: Vec<Html> = children.collect();
    let with_detail = props.with_detail && !rest.is_empty();

    let on_pointer_down = {
        let (dragging, drag) = (dragging.clone(), drag.clone());
        Callback::from(move |e: PointerEvent| {
            if !start_drag(&e) {
                return;
            }
            *drag.borrow_mut() = Some(size);
            dragging.set(true);
        })
    };
    let on_pointer_move = {
        let (drag, container, set_size) = (drag.clone(), container.clone(), set_size.clone());
        Callback::from(move |e: PointerEvent| {
            if drag.borrow().is_none() {
                return;
            }
            if let Some(rect) = container.cast::<Element>().map(|c| c.get_bounding_client_rect()) {
                let at = if stacked {
                    SplitSize::at(e.client_y() as f64 - rect.top(), rect.height())
                } else {
                    SplitSize::at(e.client_x() as f64 - rect.left(), rect.width())
                };
                *drag.borrow_mut() = Some(at);
                set_size.emit((at, false));
            }
        })
    };
    let on_pointer_up = {
        let (dragging, drag, set_size) = (dragging.clone(), drag.clone(), set_size.clone());
        Callback::from(move |_: PointerEvent| {
            if let Some(last) = drag.borrow_mut().take() {
                dragging.set(false);
                set_size.emit((last, true));
            }
        })
    };
    let on_key = {
        let set_size = set_size.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = size.after_key(&e.key()) {
                e.prevent_default();
                set_size.emit((next, true));
            }
        })
    };

    let percent = size.percent();
    html! {
        <div ref={container} class={if with_detail { "split with-detail" } else { "split" }}
             style={format!("--list-size:{}%", fixed(percent, 1))}>
            { for first }
            if with_detail {
                <div class={if *dragging { "splitter dragging" } else { "splitter" }} role="separator" tabindex="0"
                     aria-label="Resize the log and the details" aria-controls="event-log"
                     aria-orientation={if stacked { "horizontal" } else { "vertical" }}
                     aria-valuenow={fixed(percent, 0)} aria-valuemin={fixed(SplitSize::MIN, 0)}
                     aria-valuemax={fixed(SplitSize::MAX, 0)}
                     title="Drag, or focus and use the arrow keys, to resize"
                     onpointerdown={on_pointer_down} onpointermove={on_pointer_move}
                     onpointerup={on_pointer_up.clone()} onpointercancel={on_pointer_up} onkeydown={on_key}></div>
                { for rest }
            }
        </div>
    }
}

/// Whether panel.css stacks the panes now (follows the width as it changes).
#[hook]
fn use_stacked() -> bool {
    let query = use_memo((), |_| web_sys::window().and_then(|w| w.match_media(STACKED).ok().flatten()));
    let stacked = use_state(|| query.as_ref().as_ref().is_some_and(|q| q.matches()));
    {
        let stacked = stacked.clone();
        use_effect_with(query, move |query| {
            let listener = query.as_ref().as_ref().map(|q| {
                let q = q.clone();
                EventListener::new(&q.clone(), "change", move |_| stacked.set(q.matches()))
            });
            move || drop(listener)
        });
    }
    *stacked
}
