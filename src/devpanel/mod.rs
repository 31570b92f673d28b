//! The Yew devtools panel. State lives in `core::panel_state`; this folder renders it.

mod app;
mod bridge;
mod components;
mod files;
mod hooks;
mod keys;

use wasm_bindgen::prelude::*;

/// Entry point called by `panel.js`. The inspected tab comes from `?tabId=` (the devtools page
/// passes it; a user may also open `panel.html?tabId=N` as a tab).
#[wasm_bindgen]
pub fn start_panel() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let search = window.location().search()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search)?;
    let tab_id = params.get("tabId").and_then(|v| v.parse::<i32>().ok());
    let root = window.document().and_then(|d| d.get_element_by_id("app")).ok_or("no #app element")?;
    bridge::install_browser_regex();
    yew::Renderer::<app::App>::with_root_and_props(root, app::AppProps { tab_id }).render();
    Ok(())
}
