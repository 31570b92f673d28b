//! Browser glue for what leaves or enters the panel as text: the clipboard and file downloads.
//! The texts themselves are built in `core::payload` and `core::export`.

use crate::core::panel_state::{Action, Copied};
use crate::devpanel::hooks::PanelActions;
use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Copies `text` and reports it (`Action::Copied`): with the Clipboard API where the page may use
/// it, else (blocked in the devtools panel's frame, or no focus) with a hidden textarea and
/// `execCommand('copy')`.
pub fn copy(actions: &PanelActions, what: &str, text: String) {
    let report = {
        let (actions, what, text) = (actions.clone(), what.to_string(), text.clone());
        move |how: &str| {
            actions.dispatch(Action::Copied(Copied { what: what.clone(), text: text.clone(), how: how.into() }))
        }
    };
    let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
    let Some(clipboard) = clipboard.filter(|c| !JsValue::from(c).is_undefined()) else {
        report(copy_with_textarea(&text));
        return;
    };
    let report = std::rc::Rc::new(report);
    let ok = {
        let report = report.clone();
        Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| report("clipboard"))
    };
    let promise = clipboard.write_text(&text);
    let fallback = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| report(copy_with_textarea(&text)));
    let _ = promise.then2(&ok, &fallback);
    // Each runs at most once; one copy per click, so the pair is left to the garbage collector.
    ok.forget();
    fallback.forget();
}

/// The old way, allowed in extension pages during a user gesture: how it went.
fn copy_with_textarea(text: &str) -> &'static str {
    let done = (|| -> Option<bool> {
        let document = web_sys::window()?.document()?;
        let area: web_sys::HtmlTextAreaElement = document.create_element("textarea").ok()?.dyn_into().ok()?;
        area.set_value(text);
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("aria-hidden", "true");
        let _ = area.set_attribute("style", "position:fixed;top:0;left:-9999px;opacity:0");
        let active = document.active_element();
        document.body()?.append_child(&area).ok()?;
        area.select();
        let copied = document.dyn_ref::<web_sys::HtmlDocument>()?.exec_command("copy").unwrap_or(false);
        area.remove();
        if let Some(element) = active.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
        Some(copied)
    })();
    if done == Some(true) {
        "execCommand"
    } else {
        "failed"
    }
}

/// Offers `text` as a file download: a Blob URL on an `<a download>` (no `downloads` permission).
/// The URL stays valid for a minute.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_attribute("hidden", "")?;
    document.body().ok_or("no body")?.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
