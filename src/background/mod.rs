//! wasm face of the background hub: the service-worker shim (`extension/background/background.js`)
//! passes JSON text in and carries out the effects it gets back, in order (each call returns them
//! as `[list, ...texts]`, see `core::hub::effects_for_shim`).

use crate::core::event_log::Limits;
use crate::core::hub::{effects_for_shim, Hub};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct BackgroundHub {
    hub: Hub,
}

#[wasm_bindgen]
impl BackgroundHub {
    /// `stored` is `JSON.stringify(await storage.session.get(null))`.
    #[wasm_bindgen(constructor)]
    pub fn new(stored: &str) -> BackgroundHub {
        let items: HashMap<String, serde_json::Value> = serde_json::from_str(stored).unwrap_or_default();
        let items: HashMap<String, String> = items
            .into_iter()
            .filter_map(|(key, value)| match value {
                serde_json::Value::String(text) => Some((key, text)),
                _ => None,
            })
            .collect();
        BackgroundHub { hub: Hub::restore(Limits::default(), &items) }
    }

    /// A message (JSON text) from the relay of a tab's top frame, whose URL the browser reported
    /// as `sender_url`.
    pub fn relay_message(&mut self, tab: i32, sender_url: &str, text: &str, now_wall: f64) -> Vec<String> {
        effects_for_shim(self.hub.relay_message(tab.into(), sender_url, text, now_wall))
    }

    /// The background dropped a relay message of `tab` unread: its queue was full (a flood).
    pub fn relay_overflow(&mut self, tab: i32) -> Vec<String> {
        effects_for_shim(self.hub.relay_overflow(tab.into()))
    }

    /// Whether a hook took call `call` (from a `to_relay` effect) in `tab`.
    pub fn relay_delivery(&mut self, tab: i32, call: f64, delivered: bool) -> Vec<String> {
        effects_for_shim(self.hub.relay_delivery(tab.into(), call as u64, delivered))
    }

    /// Whether a `store` effect of `tab` succeeded (every failure, and successes it asked for).
    pub fn store_result(&mut self, tab: i32, ok: bool) -> Vec<String> {
        effects_for_shim(self.hub.store_result(tab.into(), ok))
    }

    /// A panel port connected; `port` is the shim's id for it.
    pub fn panel_connected(&mut self, port: u32) -> Vec<String> {
        effects_for_shim(self.hub.panel_connected(port))
    }

    pub fn panel_disconnected(&mut self, port: u32) -> Vec<String> {
        effects_for_shim(self.hub.panel_disconnected(port))
    }

    /// A message (JSON text) from panel port `port`.
    pub fn panel_message(&mut self, port: u32, text: &str) -> Vec<String> {
        effects_for_shim(self.hub.panel_message(port, text))
    }

    /// The cookies API's answer for a `list_cookies` effect, as JSON text (see `Hub::cookies_listed`).
    pub fn cookies_listed(&mut self, tab: i32, cookies: &str) -> Vec<String> {
        effects_for_shim(self.hub.cookies_listed(tab.into(), cookies))
    }

    /// Cookies changed somewhere (cookies.onChanged, coalesced), as JSON text (see `Hub::cookie_changed`).
    pub fn cookie_changed(&mut self, cookie: &str) -> Vec<String> {
        effects_for_shim(self.hub.cookie_changed(cookie))
    }

    /// `tabs.onUpdated` with a `status` (loading or complete), `url` the tab's: see `Hub::tab_loading`.
    pub fn tab_loading(&mut self, tab: i32, url: &str) -> Vec<String> {
        effects_for_shim(self.hub.tab_loading(tab.into(), url))
    }

    /// `tabs.onUpdated` with status `loading`: see `Hub::tab_navigating`.
    pub fn tab_navigating(&mut self, tab: i32) -> Vec<String> {
        effects_for_shim(self.hub.tab_navigating(tab.into()))
    }

    /// `tabs.onUpdated` with status `complete`, `url` the tab's: see `Hub::tab_complete`.
    pub fn tab_complete(&mut self, tab: i32, url: &str) -> Vec<String> {
        effects_for_shim(self.hub.tab_complete(tab.into(), url))
    }

    /// The worker started with these open tabs (JSON): see `Hub::worker_started`.
    pub fn worker_started(&mut self, tabs: &str, discovery: bool) -> Vec<String> {
        effects_for_shim(self.hub.worker_started(tabs, discovery))
    }

    /// The discovery script saw HubSpot in `tab`'s page: see `Hub::hubspot_seen`.
    pub fn hubspot_seen(&mut self, tab: i32, complete: bool) -> Vec<String> {
        effects_for_shim(self.hub.hubspot_seen(tab.into(), complete))
    }

    /// A request of the popup (JSON text), answered by a `reply` effect: see `Hub::action_asked`.
    pub fn action_asked(&mut self, text: &str, now_wall: f64) -> Vec<String> {
        effects_for_shim(self.hub.action_asked(text, now_wall))
    }

    /// Whether `tabs.onUpdated` is listened to: see `Hub::follows_tabs`.
    pub fn follows_tabs(&self) -> bool {
        self.hub.follows_tabs()
    }

    /// Whether `cookies.onChanged` is listened to: see `Hub::watches_cookies`.
    pub fn watches_cookies(&self) -> bool {
        self.hub.watches_cookies()
    }

    /// The toolbar action's probe answered for `tab` (JSON, `null` if it could not run).
    pub fn probe_result(&mut self, tab: i32, facts: &str, now_wall: f64) -> Vec<String> {
        effects_for_shim(self.hub.probe_result(tab.into(), facts, now_wall))
    }

    /// The badge `tab` shows now (a `badge` effect); `now_wall` is `Date.now()`.
    pub fn badge(&mut self, tab: i32, now_wall: f64) -> Vec<String> {
        effects_for_shim(self.hub.badge(tab.into(), now_wall))
    }

    /// A sample of a tab no panel watches (a `badge` effect's `drain_at`): see `Hub::drain`.
    pub fn drain(&mut self, tab: i32, now_wall: f64) -> Vec<String> {
        effects_for_shim(self.hub.drain(tab.into(), now_wall))
    }

    pub fn tab_removed(&mut self, tab: i32) -> Vec<String> {
        effects_for_shim(self.hub.tab_removed(tab.into()))
    }
}
