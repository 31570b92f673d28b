use crate::devpanel::hooks::PanelStore;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CookiesTabProps {
    pub store: PanelStore,
}

#[function_component(CookiesTab)]
pub fn cookies_tab(props: &CookiesTabProps) -> Html {
    let _ = &props.store;
    html! { <div class="pane"></div> }
}
