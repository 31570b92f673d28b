use crate::devpanel::hooks::PanelStore;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WidgetTabProps {
    pub store: PanelStore,
}

#[function_component(WidgetTab)]
pub fn widget_tab(props: &WidgetTabProps) -> Html {
    let _ = &props.store;
    html! { <div class="pane"></div> }
}
