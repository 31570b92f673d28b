//! The log's header row (Time, Name, Summary / payload) with a resize handle at the right edge of
//! the Time and Name cells: dragged with the pointer or moved with ←/→ (Home: the default width).
//! The widths are CSS custom properties on the log's pane (`--col-time`, `--col-name`), written
//! here, so the rows are not rendered again while a column is dragged; remembered on release.

use super::start_drag;
use crate::core::decimal::fixed;
use crate::core::keys::Column;
use crate::devpanel::hooks::panel_actions;
use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

/// The header row's id (the grid owns it with `aria-owns`).
pub const HEADER_ID: &str = "event-log-header";

#[derive(Properties, PartialEq)]
pub struct ColumnHeaderProps {
    /// The element the widths are set on (the log's pane: header and rows).
    pub pane: NodeRef,
}

#[function_component(ColumnHeader)]
pub fn column_header(props: &ColumnHeaderProps) -> Html {
    let actions = panel_actions();
    let widths = use_state(|| actions.columns());
    // The drag: the column, the pointer's start x and the width then.
    let drag = use_mut_ref(|| None::<(Column, f64, f64)>);
    let dragging = use_state(|| None::<Column>);
    {
        let pane = props.pane.clone();
        use_effect_with(*widths, move |widths| {
            if let Some(pane) = pane.cast::<Element>() {
                let _ = pane.set_attribute("style", &widths.style());
            }
        });
    }

    let handle = |column: Column| {
        let now = widths.get(column);
        let (min, _, max) = column.bounds();
        let on_down = {
            let (drag, dragging, widths) = (drag.clone(), dragging.clone(), widths.clone());
            Callback::from(move |e: PointerEvent| {
                if !start_drag(&e) {
                    return;
                }
                e.stop_propagation();
                *drag.borrow_mut() = Some((column, e.client_x() as f64, widths.get(column)));
                dragging.set(Some(column));
            })
        };
        let on_move = {
            let (drag, widths) = (drag.clone(), widths.clone());
            Callback::from(move |e: PointerEvent| {
                if let Some((column, x0, w0)) = *drag.borrow() {
                    widths.set(widths.with(column, w0 + e.client_x() as f64 - x0));
                }
            })
        };
        let on_up = {
            let (drag, dragging, widths, actions) = (drag.clone(), dragging.clone(), widths.clone(), actions.clone());
            Callback::from(move |e: PointerEvent| {
                if let Some((column, x0, w0)) = drag.borrow_mut().take() {
                    let next = widths.with(column, w0 + e.client_x() as f64 - x0);
                    widths.set(next);
                    dragging.set(None);
                    actions.set_columns(next);
                }
            })
        };
        let on_key = {
            let (widths, actions) = (widths.clone(), actions.clone());
            Callback::from(move |e: KeyboardEvent| {
                if let Some(next) = widths.after_key(column, &e.key()) {
                    e.prevent_default();
                    e.stop_propagation();
                    widths.set(next);
                    actions.set_columns(next);
                }
            })
        };
        html! {
            <div class={if *dragging == Some(column) { "col-resize dragging" } else { "col-resize" }} role="slider" tabindex="0"
                 data-resize-column={column.slug()} aria-label={format!("{} column width", column.label())}
                 aria-orientation="horizontal" aria-valuenow={fixed(now, 0)} aria-valuemin={fixed(min, 0)}
                 aria-valuemax={fixed(max, 0)} aria-valuetext={format!("{} pixels", fixed(now, 0))}
                 title="Drag, or focus and use ←/→ (Home: default width), to resize"
                 onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()} onpointercancel={on_up}
                 onkeydown={on_key} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}></div>
        }
    };

    html! {
        <div class="log-header" id={HEADER_ID} role="row" aria-rowindex="1">
            <span class="time" role="columnheader" data-column="time">
                <span class="col-label">{ "Time" }</span>{ handle(Column::Time) }
            </span>
            <span class="name" role="columnheader" data-column="name">
                <span class="col-label">{ "Name" }</span>{ handle(Column::Name) }
            </span>
            <span class="summary" role="columnheader" data-column="summary">{ "Summary / payload" }</span>
        </div>
    }
}
