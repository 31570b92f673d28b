use super::components::{
    cookies_view::CookiesView,
    diagnostics_view::DiagnosticsView,
    event_detail::EventDetail,
    event_list::EventList,
    import_banner::{copy_status, import_banner},
    settings_view::SettingsView,
    split::Split,
    status_bar::status_bar,
    toolbar::Toolbar,
    view_tabs::view_tabs,
    widget_view::WidgetView,
};
use super::hooks::{use_diagnosis_inputs, use_listen_choice, use_panel_store, use_remembered_prefs};
use super::keys::use_panel_keys;
use crate::core::panel_state::{Action, ConnectionState, View};
use crate::core::protocol::ApiState;
use yew::prelude::*;

/// Calls listed under the Widget view's results.
const RECENT_CALLS: usize = 20;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub tab_id: Option<i32>,
}

/// Owns the store: re-renders on every state change and hands each view only the data it shows,
/// so that views whose data did not change skip their render.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let store = use_panel_store(props.tab_id);
    use_diagnosis_inputs(&store);
    use_listen_choice(&store);
    use_remembered_prefs(&store);
    use_panel_keys(store.actions(), props.tab_id);
    let Some(tab_id) = props.tab_id else {
        return html! {
            <main class="missing-tab" role="alert">
                <h1>{ "No tab to inspect" }</h1>
                <p>{ "Open this panel from the browser's developer tools (the \"HubSpot Chat\" panel), or as panel.html?tabId=<id>." }</p>
            </main>
        };
    };
    if !store.state().restored {
        // The remembered preferences come from storage.local within milliseconds: nothing is
        // shown (or typed into) before they are applied.
        return html! { <div class="app" aria-busy="true"></div> };
    }
    let on_select_view = {
        let actions = store.actions();
        Callback::from(move |selected: View| actions.dispatch(Action::SelectView(selected)))
    };
    let actions = store.actions();
    let state = store.state();
    let status = &state.status;
    let view = state.view;
    let body = match view {
        View::Diagnostics => {
            html! { <DiagnosticsView report={state.diagnosis().clone()} pending={state.diagnosis_pending()} /> }
        }
        View::Widget => html! {
            <WidgetView status={status.clone()} calls={state.call_groups(RECENT_CALLS)}
                render={state.render_verdict()} site={state.site()} listen={state.listen_choice()} />
        },
        View::Settings => html! {
            <SettingsView as_set={status.settings_as_set.clone()} now={status.settings_now.clone()} />
        },
        View::Cookies => html! {
            <CookiesView url={status.url.clone()} connected={state.connection == ConnectionState::Connected}
                api_ready={matches!(status.api, ApiState::Ready)}
                cookies={state.cookies.clone()} error={state.cookies_error.clone()} />
        },
        View::Events => {
            let selected = state.selected_entry().cloned();
            html! {
                <>
                    <Toolbar paused={state.is_paused()} held={state.held_count()} preserve_log={state.preserve_log}
                        filter={state.filter.clone()} event_names={state.event_names().clone()}
                        dropped={state.total_dropped()} shown={state.shown_events()} total={state.in_window()} />
                    { import_banner(&actions, state.imported.as_deref(), state.import_error.as_deref()) }
                    <Split with_detail={selected.is_some()}>
                        <EventList rows={state.visible().clone()} selected={state.selected} reveal={state.reveal}
                            empty={state.events_empty_state()} />
                        if let Some(entry) = selected {
                            <EventDetail {entry} />
                        }
                    </Split>
                    { copy_status(state.copied.as_ref()) }
                </>
            }
        }
    };
    html! {
            <div class="app" data-tab-id={tab_id.to_string()}>
                { status_bar(&actions, state.connection, status, state.diagnosis(), state.diagnosis_pending()) }
                <main class="main">
                    <h1 class="sr-only">{ "HubSpot Chat inspector" }</h1>
                    { view_tabs(view, &on_select_view) }
                    <section id={view.panel_id()} class="view" role="tabpanel" aria-labelledby={view.tab_id()}>
                        { body }
                    </section>
                </main>
            </div>
    }
}
