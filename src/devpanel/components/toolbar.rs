use crate::core::panel_state::Action;
use crate::core::protocol::PanelRequest;
use crate::devpanel::hooks::PanelStore;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub store: PanelStore,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let store = &props.store;
    let on_clear = {
        let store = store.clone();
        Callback::from(move |_| {
            store.dispatch(Action::Clear);
            store.request(PanelRequest::Clear);
        })
    };
    let on_pause = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(Action::TogglePause))
    };
    let on_preserve = {
        let store = store.clone();
        Callback::from(move |e: Event| store.set_preserve_log(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_name = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            store.dispatch(Action::SetNameFilter(Some(value)));
        })
    };
    let on_search = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            store.dispatch(Action::SetSearch(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };

    let state = store.state();
    let paused = state.is_paused();
    let held = state.held_count();
    let shown = state
        .visible()
        .iter()
        .filter(|&&i| state.entries[i].kind != crate::core::protocol::EntryKind::Navigation)
        .count();
    let selected_name = state.filter.name.clone().unwrap_or_default();
    html! {
        <div class="toolbar" role="toolbar" aria-label="Event log">
            <button type="button" onclick={on_clear} title="Clear the log">{ "Clear" }</button>
            <button type="button" onclick={on_pause} aria-pressed={paused.to_string()}
                    title={if paused { "Show events received while paused" } else { "Stop adding new events to the view" }}>
                { if paused { "Resume" } else { "Pause" } }
            </button>
            <label class="check">
                <input type="checkbox" checked={state.preserve_log} onchange={on_preserve} />
                { "Preserve log" }
            </label>
            <span class="divider"></span>
            <select aria-label="Event name" onchange={on_name}>
                <option value="" selected={selected_name.is_empty()}>{ "All events" }</option>
                { for state.event_names().into_iter().map(|name| {
                    let selected = name == selected_name;
                    html! { <option value={name.clone()} {selected}>{ name }</option> }
                }) }
            </select>
            <input type="search" placeholder="Filter" aria-label="Search events" value={state.filter.text.clone()} oninput={on_search} />
            <span class="spacer"></span>
            if paused && held > 0 {
                <span class="held">{ format!("{held} new while paused") }</span>
            }
            if state.total_dropped() > 0 {
                <span class="dropped" title="Oldest entries were dropped to keep memory bounded">
                    { format!("{} dropped", state.total_dropped()) }
                </span>
            }
            <span class="count">{ format!("{shown} shown") }</span>
        </div>
    }
}
