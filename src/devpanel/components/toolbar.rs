use super::log_file::use_log_file;
use crate::core::filter::{Filter, KindGroup};
use crate::core::panel_state::Action;
use crate::core::protocol::PanelRequest;
use crate::devpanel::hooks::panel_actions;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub paused: bool,
    /// Entries received while paused.
    pub held: usize,
    pub preserve_log: bool,
    pub filter: Filter,
    pub event_names: Rc<[String]>,
    pub dropped: u64,
    /// Visible entries, navigation separators not counted.
    pub shown: usize,
    /// Entries the filter looked at ("N of M shown").
    pub total: usize,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let actions = panel_actions();
    let log_file = use_log_file();
    let on_clear = {
        let actions = actions.clone();
        Callback::from(move |_| {
            actions.dispatch(Action::Clear);
            actions.request(PanelRequest::Clear);
        })
    };
    let on_pause = {
        let actions = actions.clone();
        Callback::from(move |_| actions.dispatch(Action::TogglePause))
    };
    let on_preserve = {
        let actions = actions.clone();
        Callback::from(move |e: Event| {
            actions.set_preserve_log(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_name = {
        let actions = actions.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            actions.dispatch(Action::SetNameFilter(Some(value)));
        })
    };
    let on_search = {
        let actions = actions.clone();
        Callback::from(move |e: InputEvent| {
            actions.dispatch(Action::SetSearch(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_all = {
        let actions = actions.clone();
        Callback::from(move |_| actions.dispatch(Action::AllKinds))
    };
    let chip = |group: KindGroup| {
        let actions = actions.clone();
        let onclick = Callback::from(move |_| actions.dispatch(Action::ToggleKind(group)));
        let pressed = props.filter.kinds.contains(group);
        html! {
            <button type="button" class="chip" data-kind-chip={group.slug()} aria-pressed={pressed.to_string()}
                title={group.help()} {onclick}>{ group.label() }</button>
        }
    };

    let ToolbarProps { paused, held, preserve_log, ref filter, ref event_names, dropped, shown, total } = *props;
    let error = filter.error().map(str::to_string);
    let selected_name = filter.name.clone().unwrap_or_default();
    html! {
        <>
        <div class="toolbar" role="toolbar" aria-label="Event log">
            <button type="button" onclick={on_clear} title="Clear the log">{ "Clear" }</button>
            <button type="button" onclick={on_pause} aria-pressed={paused.to_string()}
                    title={if paused { "Show events received while paused" } else { "Stop adding new events to the view" }}>
                { if paused { "Resume" } else { "Pause" } }
            </button>
            <label class="check">
                <input type="checkbox" checked={preserve_log} onchange={on_preserve} />
                { "Preserve log" }
            </label>
            { log_file }
            <span class="divider"></span>
            <select aria-label="Event name" onchange={on_name}>
                <option value="" selected={selected_name.is_empty()}>{ "All events" }</option>
                { for event_names.iter().map(|name| {
                    let selected = *name == selected_name;
                    html! { <option value={name.clone()} {selected}>{ name }</option> }
                }) }
            </select>
            <input type="search" placeholder="Filter" aria-label="Search events" value={filter.text().to_string()}
                oninput={on_search} class={error.is_some().then_some("invalid")}
                aria-invalid={error.is_some().then_some("true")} aria-describedby={error.is_some().then_some("filter-error")}
                title="Words must all match (name, summary, payload); -word excludes; /regex/ is a regular expression" />
            <span class="spacer"></span>
            if paused && held > 0 {
                <span class="held">{ format!("{held} new while paused") }</span>
            }
            if dropped > 0 {
                <span class="dropped" title="Oldest entries were dropped to keep memory bounded">
                    { format!("{dropped} dropped") }
                </span>
            }
            <span class="count" data-shown-count={shown.to_string()} data-total-count={total.to_string()}>
                { format!("{shown} of {total} shown") }
            </span>
        </div>
        <div class="toolbar filter-bar" role="toolbar" aria-label="Filter by kind">
            <button type="button" class="chip" data-kind-chip="all" aria-pressed={filter.kinds.is_all().to_string()}
                title="Every kind of entry" onclick={on_all}>{ "All" }</button>
            { for KindGroup::ALL.into_iter().map(chip) }
            if let Some(error) = error {
                <span id="filter-error" class="filter-error" role="alert" data-filter-error="">{ error }</span>
            }
        </div>
        </>
    }
}
