//! The Events toolbar's "Export…" (JSON or NDJSON, a file download) and "Import…" (a file input)
//! buttons, like HAR in the Network panel. The file format is `core::export` (docs/export.md).

use super::menu::{Menu, MenuItem};
use crate::core::export::{import, ExportFormat, ImportError, MAX_IMPORT_BYTES};
use crate::core::panel_state::Action;
use crate::devpanel::files::download;
use crate::devpanel::hooks::panel_actions;
use gloo::file::callbacks::FileReader;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

/// A hook the toolbar calls, not a component of its own: each component costs the wasm its own
/// copy of Yew's lifecycle code; the menu's state re-renders the toolbar (a few buttons).
#[hook]
pub fn use_log_file() -> Html {
    let actions = panel_actions();
    let menu_at = use_state(|| None::<(f64, f64)>);
    let export_ref = use_node_ref();
    let input_ref = use_node_ref();
    // The read in progress (dropping it aborts the read).
    let reading = use_mut_ref(|| None::<FileReader>);

    let on_export = {
        let (menu_at, export_ref) = (menu_at.clone(), export_ref.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(button) = export_ref.cast::<Element>() {
                let rect = button.get_bounding_client_rect();
                menu_at.set(Some((rect.left(), rect.bottom())));
            }
        })
    };
    let close_menu = {
        let (menu_at, export_ref) = (menu_at.clone(), export_ref.clone());
        Callback::from(move |_| {
            menu_at.set(None);
            let export_ref = export_ref.clone();
            gloo::timers::callback::Timeout::new(0, move || {
                if let Some(button) = export_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            })
            .forget();
        })
    };
    let export_as = |format: ExportFormat| {
        let actions = actions.clone();
        Callback::from(move |_| {
            let (name, mime, text) = actions.export_log(format);
            // A Blob URL on an <a download> cannot fail short of a broken browser.
            let _ = download(&name, mime, &text);
        })
    };
    let on_import = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_file = {
        let actions = actions.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value(""); // the same file can be chosen again
            let file_name = file.name();
            let size = file.size() as usize;
            if size > MAX_IMPORT_BYTES {
                let error = ImportError::TooBig { bytes: size }.to_string();
                actions.dispatch(Action::ImportFailed { file_name, error });
                return;
            }
            let actions = actions.clone();
            let reading_done = reading.clone();
            let reader = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |text| {
                let action = match text.map_err(|e| e.to_string()).and_then(|t| import(&t).map_err(|e| e.to_string())) {
                    Ok(file) => Action::Import { file_name, file },
                    Err(error) => Action::ImportFailed { file_name, error },
                };
                actions.dispatch(action);
                reading_done.borrow_mut().take();
            });
            *reading.borrow_mut() = Some(reader);
        })
    };

    html! {
        <span class="log-file">
            <button type="button" ref={export_ref} onclick={on_export} aria-haspopup="menu"
                    aria-expanded={menu_at.is_some().to_string()} title="Save the rows shown (the filter applies) as a file">
                { "Export…" }
            </button>
            <button type="button" onclick={on_import} title="Show a log saved with Export… (the live log keeps recording)">
                { "Import…" }
            </button>
            <input type="file" ref={input_ref} class="log-file-input" accept=".json,.ndjson,application/json,application/x-ndjson"
                   aria-label="Import a log file" tabindex="-1" hidden=true onchange={on_file} />
            if let Some((x, y)) = *menu_at {
                <Menu label="Export format" {x} {y} on_close={close_menu}
                      items={vec![
                          MenuItem { label: "JSON (.json)", run: export_as(ExportFormat::Json) },
                          MenuItem { label: "NDJSON (.ndjson, one entry a line)", run: export_as(ExportFormat::Ndjson) },
                      ]} />
            }
        </span>
    }
}
