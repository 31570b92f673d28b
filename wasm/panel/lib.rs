//! The devtools panel's wasm module (`pkg/panel_bg.wasm`): the Yew panel and the core it uses.
#[cfg(target_arch = "wasm32")]
pub use chat_widget_inspector::devpanel::start_panel;
