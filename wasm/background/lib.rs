//! The background's wasm module (`pkg/background_bg.wasm`): the hub and the core it uses.
#[cfg(target_arch = "wasm32")]
pub use chat_widget_inspector::background::BackgroundHub;
