use super::components::{
    event_detail::EventDetail, event_list::EventList, status_bar::StatusBar, toolbar::Toolbar,
};
use super::hooks::use_panel_store;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub tab_id: Option<i32>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let store = use_panel_store(props.tab_id);
    let Some(tab_id) = props.tab_id else {
        return html! {
            <main class="missing-tab" role="alert">
                <h1>{ "No tab to inspect" }</h1>
                <p>{ "Open this panel from the browser's developer tools (the \"HubSpot Chat\" panel), or as panel.html?tabId=<id>." }</p>
            </main>
        };
    };
    let has_selection = store.state().selected_entry().is_some();
    html! {
        <div class="app" data-tab-id={tab_id.to_string()}>
            <StatusBar store={store.clone()} />
            <div class="tabs" role="tablist" aria-label="Inspector views">
                <button role="tab" id="tab-events" aria-selected="true" aria-controls="view-events" tabindex="0">
                    { "Events" }
                </button>
            </div>
            <section id="view-events" class="view" role="tabpanel" aria-labelledby="tab-events">
                <Toolbar store={store.clone()} />
                <div class={classes!("split", has_selection.then_some("with-detail"))}>
                    <EventList store={store.clone()} />
                    if has_selection {
                        <EventDetail store={store.clone()} />
                    }
                </div>
            </section>
        </div>
    }
}
