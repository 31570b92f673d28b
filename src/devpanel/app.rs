use super::components::{
    cookies_tab::CookiesTab, event_detail::EventDetail, event_list::EventList, settings_tab::SettingsTab,
    status_bar::StatusBar, toolbar::Toolbar, widget_tab::WidgetTab,
};
use super::hooks::{use_panel_store, use_remembered_tab};
use web_sys::KeyboardEvent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub tab_id: Option<i32>,
}

/// The panel's views, in tab order.
pub const VIEWS: [&str; 4] = ["Events", "Widget", "Settings", "Cookies"];

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let store = use_panel_store(props.tab_id);
    let view = use_remembered_tab(&VIEWS);
    let Some(tab_id) = props.tab_id else {
        return html! {
            <main class="missing-tab" role="alert">
                <h1>{ "No tab to inspect" }</h1>
                <p>{ "Open this panel from the browser's developer tools (the \"HubSpot Chat\" panel), or as panel.html?tabId=<id>." }</p>
            </main>
        };
    };
    let current = *view;
    let on_tab_key = {
        let view = view.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => (current + 1) % VIEWS.len(),
                "ArrowLeft" => (current + VIEWS.len() - 1) % VIEWS.len(),
                "Home" => 0,
                "End" => VIEWS.len() - 1,
                _ => return,
            };
            e.prevent_default();
            view.set(next);
            if let Some(tab) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", VIEWS[next].to_lowercase())))
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = tab.focus();
            }
        })
    };
    let tabs = VIEWS.iter().enumerate().map(|(index, name)| {
        let selected = index == current;
        let onclick = {
            let view = view.clone();
            Callback::from(move |_| view.set(index))
        };
        let id = name.to_lowercase();
        html! {
            <button role="tab" id={format!("tab-{id}")} aria-selected={selected.to_string()}
                    aria-controls={format!("view-{id}")} tabindex={if selected { "0" } else { "-1" }} {onclick}>
                { *name }
            </button>
        }
    });
    let body = match VIEWS[current] {
        "Widget" => html! { <WidgetTab store={store.clone()} /> },
        "Settings" => html! { <SettingsTab store={store.clone()} /> },
        "Cookies" => html! { <CookiesTab store={store.clone()} /> },
        _ => {
            let has_selection = store.state().selected_entry().is_some();
            html! {
                <>
                    <Toolbar store={store.clone()} />
                    <div class={classes!("split", has_selection.then_some("with-detail"))}>
                        <EventList store={store.clone()} />
                        if has_selection {
                            <EventDetail store={store.clone()} />
                        }
                    </div>
                </>
            }
        }
    };
    let id = VIEWS[current].to_lowercase();
    html! {
        <div class="app" data-tab-id={tab_id.to_string()}>
            <StatusBar store={store.clone()} />
            <div class="tabs" role="tablist" aria-label="Inspector views" onkeydown={on_tab_key}>
                { for tabs }
            </div>
            <section id={format!("view-{id}")} class="view" role="tabpanel" aria-labelledby={format!("tab-{id}")}>
                { body }
            </section>
        </div>
    }
}
