//! wasm face of the background hub: the service-worker shim (`extension/background/background.js`)
//! passes JSON text in and carries out the effects it gets back, in order.

use crate::core::event_log::Limits;
use crate::core::hub::{Effect, Hub, PendingCall};
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

    /// A message from the relay of a tab's top frame, as JSON text. Returns the effects as JSON.
    pub fn relay_message(&mut self, tab: i32, text: &str) -> String {
        effects_json(self.hub.relay_message(tab.into(), text))
    }

    /// A message from a panel port; `subscribed_tab` is the tab that port subscribed to.
    pub fn panel_message(&mut self, subscribed_tab: Option<i32>, text: &str) -> String {
        effects_json(self.hub.panel_message(subscribed_tab.map(i64::from), text))
    }

    /// No relay was connected for `tab` to take call `id` of `method`.
    pub fn call_undelivered(&mut self, tab: i32, id: u64, method: String) -> String {
        effects_json(self.hub.call_undelivered(tab.into(), PendingCall { id, method }))
    }

    /// The cookies API's answer for a `list_cookies` effect, as JSON text (see `Hub::cookies_listed`).
    pub fn cookies_listed(&mut self, tab: i32, cookies: &str) -> String {
        effects_json(self.hub.cookies_listed(tab.into(), cookies))
    }

    /// Cookies changed somewhere (cookies.onChanged, coalesced), as JSON text (see `Hub::cookie_changed`).
    pub fn cookie_changed(&mut self, cookie: &str) -> String {
        effects_json(self.hub.cookie_changed(cookie))
    }

    pub fn tab_removed(&mut self, tab: i32) -> String {
        effects_json(self.hub.tab_removed(tab.into()))
    }
}

fn effects_json(effects: Vec<Effect>) -> String {
    serde_json::to_string(&effects).expect("effects serialize")
}
