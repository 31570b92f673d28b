//! The only place the panel touches the extension runtime.

use crate::core::protocol::{encode_panel_request, PanelRequest};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/devpanel/port.js")]
extern "C" {
    pub type PanelPort;

    #[wasm_bindgen(constructor)]
    fn new(tab_id: i32, on_message: &js_sys::Function, on_connection: &js_sys::Function) -> PanelPort;

    #[wasm_bindgen(method)]
    fn send(this: &PanelPort, text: &str);
}

/// A live connection; dropping it does not close the port (the panel lives as long as its page).
pub struct Connection {
    port: PanelPort,
    _on_message: Closure<dyn FnMut(String)>,
    _on_connection: Closure<dyn FnMut(bool)>,
}

impl Connection {
    pub fn open(
        tab_id: i32,
        on_message: impl FnMut(String) + 'static,
        on_connection: impl FnMut(bool) + 'static,
    ) -> Self {
        let on_message = Closure::<dyn FnMut(String)>::new(on_message);
        let on_connection = Closure::<dyn FnMut(bool)>::new(on_connection);
        let port = PanelPort::new(tab_id, on_message.as_ref().unchecked_ref(), on_connection.as_ref().unchecked_ref());
        Connection { port, _on_message: on_message, _on_connection: on_connection }
    }

    pub fn request(&self, request: &PanelRequest) {
        self.port.send(&encode_panel_request(request));
    }
}
