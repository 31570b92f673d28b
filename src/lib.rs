//! Chat Widget Inspector: the Rust side of the extension.
//!
//! `core` is plain Rust (protocol, event log, background hub, filters) and is tested natively.
//! `background` and `devpanel` are the thin browser glue, compiled only for wasm32.

pub mod core;

#[cfg(all(target_arch = "wasm32", feature = "background"))]
pub mod background;
#[cfg(all(target_arch = "wasm32", feature = "panel"))]
pub mod devpanel;
