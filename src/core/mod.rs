//! Plain-Rust core: no browser types, so `cargo test` covers it natively.

pub mod action;
pub mod case;
pub mod cookies;
pub mod decimal;
pub mod decode;
pub mod diagnostics;
pub mod empty_state;
pub mod event_log;
pub mod export;
pub mod filter;
pub mod hub;
pub mod keys;
pub mod panel_state;
pub mod payload;
pub mod prefs;
pub mod protocol;
pub mod rows;
pub mod settings;
pub mod shim_facts;
pub mod summary;
pub mod throttle;
pub mod viewport;
