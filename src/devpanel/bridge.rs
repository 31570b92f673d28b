//! The only place the panel touches the extension runtime.

use crate::core::protocol::{encode_panel_request, PanelRequest};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/devpanel/port.js")]
extern "C" {
    type PanelPort;

    #[wasm_bindgen(constructor)]
    fn new(on_message: &js_sys::Function, on_connection: &js_sys::Function) -> PanelPort;

    #[wasm_bindgen(method)]
    fn open(this: &PanelPort);

    #[wasm_bindgen(method)]
    fn send(this: &PanelPort, text: &str);
}

/// The live port to the background; it reconnects by itself and reports each time it is up or
/// down. Dropping it does not close the port (the panel lives as long as its page).
pub struct Connection {
    port: PanelPort,
    _on_message: Closure<dyn FnMut(String)>,
    _on_connection: Closure<dyn FnMut(bool)>,
}

impl Connection {
    /// A connection that is not open yet: keep it where `on_connection` can reach it, then `open()`
    /// it, so that the requests sent when it reports "up" (even from inside `open()`) go out.
    pub fn new(on_message: impl FnMut(String) + 'static, on_connection: impl FnMut(bool) + 'static) -> Self {
        let on_message = Closure::<dyn FnMut(String)>::new(on_message);
        let on_connection = Closure::<dyn FnMut(bool)>::new(on_connection);
        let port = PanelPort::new(on_message.as_ref().unchecked_ref(), on_connection.as_ref().unchecked_ref());
        Connection { port, _on_message: on_message, _on_connection: on_connection }
    }

    pub fn open(&self) {
        self.port.open();
    }

    pub fn request(&self, request: &PanelRequest) {
        self.port.send(&encode_panel_request(request));
    }
}

#[wasm_bindgen(module = "/extension/devpanel/prefs.js")]
extern "C" {
    #[wasm_bindgen(js_name = loadPrefs)]
    fn load_prefs_js(key: &str, done: &js_sys::Function);
    #[wasm_bindgen(js_name = savePrefs)]
    fn save_prefs_js(key: &str, text: &str);
    #[wasm_bindgen(js_name = oldKeys)]
    fn old_keys_js(prefix: &str) -> Vec<String>;
    #[wasm_bindgen(js_name = oldValue)]
    fn old_value_js(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = removeOld)]
    fn remove_old_js(keys: Vec<String>);
}

/// Reads the panel's preferences from `storage.local` and calls `done` once with the stored text
/// (`None`: nothing stored or no storage).
pub fn load_prefs(key: &str, done: impl FnOnce(Option<String>) + 'static) {
    let done = Closure::once_into_js(move |text: Option<String>| done(text));
    load_prefs_js(key, done.unchecked_ref());
}

pub fn save_prefs(key: &str, text: &str) {
    save_prefs_js(key, text);
}

/// The panel's old localStorage: keys starting with `prefix`, a value, and removal.
pub fn old_keys(prefix: &str) -> Vec<String> {
    old_keys_js(prefix)
}

pub fn old_value(key: &str) -> Option<String> {
    old_value_js(key)
}

pub fn remove_old(keys: Vec<String>) {
    remove_old_js(keys)
}

#[wasm_bindgen(module = "/extension/devpanel/regex.js")]
extern "C" {
    #[wasm_bindgen(js_name = compileRegex)]
    fn compile_regex_js(pattern: &str) -> JsValue;
}

#[derive(Debug)]
struct BrowserRegex(js_sys::RegExp);

impl crate::core::filter::RegexMatch for BrowserRegex {
    fn is_match(&self, text: &str) -> bool {
        self.0.test(text)
    }
}

/// The filter's regular expressions: the browser's `RegExp` (case-insensitive, no `g`: `test`
/// keeps no state).
pub fn install_browser_regex() {
    crate::core::filter::install_regex_engine(|pattern| {
        let compiled = compile_regex_js(pattern);
        match compiled.dyn_into::<js_sys::RegExp>() {
            Ok(re) => Ok(std::rc::Rc::new(BrowserRegex(re)) as std::rc::Rc<dyn crate::core::filter::RegexMatch>),
            Err(why) => Err(why.as_string().unwrap_or_else(|| "invalid".to_string())),
        }
    });
}
