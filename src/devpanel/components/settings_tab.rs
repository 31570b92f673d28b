use crate::devpanel::hooks::PanelStore;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsTabProps {
    pub store: PanelStore,
}

#[function_component(SettingsTab)]
pub fn settings_tab(props: &SettingsTabProps) -> Html {
    let _ = &props.store;
    html! { <div class="pane"></div> }
}
