//! Cookies view: the page's HubSpot chat cookies (always listed, present or not) and the related
//! HubSpot cookies, read and deleted through the cookies API by the background (so it works when
//! the page's HubSpot API is absent or broken). Live: the background lists again on every change.

use super::format_wall_clock;
use crate::core::cookies::{chat_cookie_refs, format_expiry, PageOrigin};
use crate::core::protocol::{CookieRow, PanelRequest};
use crate::devpanel::hooks::{panel_actions, PanelActions};
use gloo::timers::callback::{Interval, Timeout};
use js_sys::{Function, Reflect};
use serde_json::{json, Value};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const COLUMNS: usize = 10;

#[derive(Properties, PartialEq)]
pub struct CookiesViewProps {
    /// The inspected page's URL.
    pub url: String,
    pub connected: bool,
    pub api_ready: bool,
    /// `None` until the background listed them.
    pub cookies: Option<Rc<[CookieRow]>>,
    pub error: Option<String>,
}

#[function_component(CookiesView)]
pub fn cookies_view(props: &CookiesViewProps) -> Html {
    let actions = panel_actions();
    // Read when "Reset chat cookies" is clicked (not captured at render: always what is shown).
    let reload = use_node_ref();
    let notice = use_state(|| None::<String>);
    // Relative expiry ("in 29 min") is recomputed every 30 s while the view is shown.
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(30_000, move || tick.set(tick.wrapping_add(1)));
            move || drop(interval)
        });
    }

    let CookiesViewProps { ref url, connected, api_ready, ref cookies, ref error } = *props;
    let origin = PageOrigin::parse(url).map(|o| format!("{}://{}", o.scheme, o.host));
    {
        // List on mount, when the inspected page's host changes, and after a reconnection.
        let actions = actions.clone();
        use_effect_with((origin.clone(), connected), move |(origin, connected)| {
            if origin.is_some() && *connected {
                actions.request(PanelRequest::Cookies);
            }
        });
    }

    let on_read_again = {
        let actions = actions.clone();
        Callback::from(move |_| actions.request(PanelRequest::Cookies))
    };
    let rows: Rc<[CookieRow]> = cookies.clone().unwrap_or_default();
    let on_reset = {
        let (actions, notice, rows, reload) = (actions.clone(), notice.clone(), rows.clone(), reload.clone());
        Callback::from(move |_| {
            let then_reset_widget =
                reload.cast::<HtmlInputElement>().is_some_and(|input| input.checked() && !input.disabled());
            let refs = chat_cookie_refs(&rows);
            if !refs.is_empty() {
                notice.set(None);
                actions.request(PanelRequest::DeleteCookies { cookies: refs, then_reset_widget });
            } else if then_reset_widget {
                notice.set(Some("No chat cookie to delete; reloading the widget.".into()));
                let args = vec![json!({ "resetWidget": true })];
                actions.request(PanelRequest::Call { method: "clear".into(), args });
            } else {
                notice.set(Some("The page has no chat cookie to delete.".into()));
            }
        })
    };

    let now = js_sys::Date::now() / 1000.0;
    let on_copied = {
        let notice = notice.clone();
        Callback::from(move |name: String| {
            notice.set(Some(format!("Copied the value of {name}.")));
            let notice = notice.clone();
            Timeout::new(2000, move || notice.set(None)).forget();
        })
    };
    let row_html = |row: &CookieRow| cookie_row(&actions, row, now, &on_copied);
    let (chat, related): (Vec<&CookieRow>, Vec<&CookieRow>) = rows.iter().partition(|r| r.chat);
    let waiting = match (&origin, url.is_empty()) {
        (Some(_), _) => None,
        (None, true) => Some("The page has not connected yet: reload it to list its cookies."),
        (None, false) => Some("Only http and https pages have cookies."),
    };
    let reload_title = if api_ready {
        "After deleting, call clear({resetWidget:true}) in the page: the widget starts afresh as a new visitor."
    } else {
        "Needs window.HubSpotConversations to be ready on the page."
    };

    html! {
        <div class="pane cookies">
            <div class="pane-toolbar cookies-toolbar">
                <button type="button" onclick={on_reset} class="reset"
                        title="Delete messagesUtk, hs-messages-is-open and hs-messages-hide-welcome-message, on every domain and path the page sees">
                    { "Reset chat cookies" }
                </button>
                <label class="check" title={reload_title}>
                    <input type="checkbox" ref={reload} disabled={!api_ready} />
                    { "and reload the widget" }
                </label>
                <span class="spacer"></span>
                <button type="button" onclick={on_read_again}>{ "Read again" }</button>
            </div>
            if let Some(error) = error {
                <div class="cookies-error" role="alert">{ error }</div>
            }
            <div class="cookies-notice" role="status" aria-live="polite">{ (*notice).clone().unwrap_or_default() }</div>
            if let Some(text) = waiting {
                <p class="note">{ text }</p>
            } else if cookies.is_none() {
                <p class="note">{ "Reading the page's cookies…" }</p>
            } else {
                <table class="cookies-table">
                    <caption class="cookies-caption">
                        { format!("HubSpot cookies the page at {} sees", origin.clone().unwrap_or_default()) }
                    </caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Name" }</th>
                            <th scope="col">{ "Value" }</th>
                            <th scope="col">{ "Domain" }</th>
                            <th scope="col">{ "Path" }</th>
                            <th scope="col">{ "Expires" }</th>
                            <th scope="col">{ "SameSite" }</th>
                            <th scope="col">{ "Secure" }</th>
                            <th scope="col">{ "HttpOnly" }</th>
                            <th scope="col">{ "Size" }</th>
                            <th scope="col"><span class="cookies-sr-only">{ "Actions" }</span></th>
                        </tr>
                    </thead>
                    <tbody class="cookies-chat">
                        <tr class="cookies-group"><th colspan={COLUMNS.to_string()} scope="rowgroup">{ "Chat cookies" }</th></tr>
                        { for chat.into_iter().map(row_html) }
                    </tbody>
                    <tbody class="cookies-related">
                        <tr class="cookies-group"><th colspan={COLUMNS.to_string()} scope="rowgroup">{ "Related HubSpot cookies" }</th></tr>
                        if related.is_empty() {
                            <tr><td colspan={COLUMNS.to_string()} class="note">{ "None on this site." }</td></tr>
                        }
                        { for related.into_iter().map(row_html) }
                    </tbody>
                </table>
            }
        </div>
    }
}

fn same_site_label(value: &str) -> &str {
    match value {
        "lax" => "Lax",
        "strict" => "Strict",
        "no_restriction" => "None",
        "unspecified" => "",
        other => other,
    }
}

fn cookie_row(actions: &PanelActions, row: &CookieRow, now: f64, on_copied: &Callback<String>) -> Html {
    let name = row.name.clone();
    let partition = row.partition_key.as_ref().map(Value::to_string).unwrap_or_default();
    let key = format!("{}|{}|{}|{}|{partition}", row.name, row.domain, row.path, row.store_id);
    if !row.present {
        return html! {
            <tr key={key} class="cookie-row absent" data-cookie-name={name.clone()} data-present="false">
                <td class="name mono">{ &row.name }</td>
                // Over Value and Domain only: the columns a narrow panel hides keep cells of their own.
                <td class="value absent-note" colspan="2">{ "not set" }</td>
                <td class="path"></td><td class="expires"></td><td class="same-site"></td>
                <td class="flag"></td><td class="flag"></td><td class="size"></td>
                <td class="actions">
                    <button type="button" disabled=true title={format!("{name} is not set on this page")}>{ "Delete" }</button>
                </td>
            </tr>
        };
    }
    let on_delete = {
        let (actions, reference) = (actions.clone(), row.reference());
        Callback::from(move |_| {
            actions.request(PanelRequest::DeleteCookies { cookies: vec![reference.clone()], then_reset_widget: false })
        })
    };
    let on_copy = {
        let (value, name, on_copied) = (row.value.clone(), name.clone(), on_copied.clone());
        Callback::from(move |_| {
            copy_text(&value);
            on_copied.emit(name.clone());
        })
    };
    let expires_title = row.expires.map(|s| format_wall_clock(s * 1000.0)).unwrap_or_else(|| "Session".into());
    let partition = row
        .partition_key
        .as_ref()
        .and_then(|k| k.get("topLevelSite"))
        .and_then(|s| s.as_str())
        .map(|site| format!("partitioned under {site}"));
    let check = |on: bool| if on { "✓" } else { "" };
    html! {
        <tr key={key} class="cookie-row" data-cookie-name={name.clone()} data-present="true"
            data-cookie-domain={row.domain.clone()} data-cookie-path={row.path.clone()}>
            <td class="name mono">{ &row.name }</td>
            <td class="value">
                <div class="value-cell">
                    <span class="value-text mono" title={row.value.clone()}>{ &row.value }</span>
                    <button type="button" class="copy" onclick={on_copy} aria-label={format!("Copy the value of {name}")}
                            title="Copy the value">{ "Copy" }</button>
                </div>
            </td>
            <td class="domain mono" title={if row.host_only { "host-only: this host exactly" } else { "this domain and its subdomains" }}>
                { &row.domain }
                if let Some(partition) = &partition {
                    <span class="badge partitioned" title={partition.clone()}>{ "partitioned" }</span>
                }
            </td>
            <td class="path mono">{ &row.path }</td>
            <td class="expires"><span title={expires_title}>{ format_expiry(row.expires, now) }</span></td>
            <td class="same-site">{ same_site_label(&row.same_site) }</td>
            <td class="flag">{ check(row.secure) }</td>
            <td class="flag">{ check(row.http_only) }</td>
            <td class="size">{ row.size() }</td>
            <td class="actions">
                <button type="button" class="delete" onclick={on_delete}
                        title={format!("Delete {} (domain {}, path {})", row.name, row.domain, row.path)}>{ "Delete" }</button>
            </td>
        </tr>
    }
}

/// `navigator.clipboard.writeText`, or a selected textarea and `execCommand('copy')` where the
/// clipboard API is missing or refused (devtools panels may not have clipboard permission).
pub fn copy_text(text: &str) {
    let Some(window) = web_sys::window() else { return };
    let clipboard = Reflect::get(&window, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"clipboard".into()))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    let write = clipboard
        .as_ref()
        .and_then(|c| Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<Function>().ok());
    if let (Some(clipboard), Some(write)) = (clipboard, write) {
        if let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(text)) {
            let catch = Reflect::get(&promise, &"catch".into()).and_then(|f| f.dyn_into::<Function>());
            if let Ok(catch) = catch {
                let owned = text.to_string();
                let fallback =
                    wasm_bindgen::closure::Closure::once_into_js(move |_: JsValue| copy_with_textarea(&owned));
                let _ = catch.call1(&promise, &fallback);
                return;
            }
        }
    }
    copy_with_textarea(text);
}

fn copy_with_textarea(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Ok(area), Some(body)) = (document.create_element("textarea"), document.body()) else { return };
    let _ = Reflect::set(&area, &"value".into(), &JsValue::from_str(text));
    let _ = area.set_attribute("style", "position:fixed;opacity:0;top:0;left:0");
    if body.append_child(&area).is_ok() {
        if let Ok(select) = Reflect::get(&area, &"select".into()).and_then(|f| f.dyn_into::<Function>()) {
            let _ = select.call0(&area);
        }
        if let Ok(exec) = Reflect::get(&document, &"execCommand".into()).and_then(|f| f.dyn_into::<Function>()) {
            let _ = exec.call1(&document, &"copy".into());
        }
        area.remove();
    }
}
