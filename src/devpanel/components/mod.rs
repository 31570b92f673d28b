pub mod column_header;
pub mod cookies_view;
pub mod diagnostics_view;
pub mod event_detail;
pub mod event_list;
pub mod evidence_link;
pub mod import_banner;
pub mod json_tree;
pub mod log_file;
pub mod menu;
pub mod settings_view;
pub mod split;
pub mod status_bar;
pub mod toolbar;
pub mod view_tabs;
pub mod widget_view;

use crate::core::decimal::fixed;

/// A class attribute: the names given, in order, joined by spaces (what `classes!` made, without
/// its hash set: Yew's `Classes` costs the panel's wasm an `IndexSet` and SipHash).
pub fn class_names(names: &[Option<&str>]) -> String {
    let mut out = String::new();
    for name in names.iter().flatten().filter(|n| !n.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(name);
    }
    out
}

/// Milliseconds since navigation, as devtools shows them.
pub fn format_since_navigation(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", fixed(ms, 1))
    } else {
        format!("{} s", fixed(ms / 1000.0, 3))
    }
}

/// Wall-clock time for tooltips: ISO 8601 in UTC.
pub fn format_wall_clock(epoch_ms: f64) -> String {
    js_sys::Date::new(&epoch_ms.into()).to_iso_string().as_string().unwrap_or_default()
}

/// The start of a drag on a handle (the split's separator, a column's resize handle): a primary
/// button press captures the pointer on the handle and keeps the default (text selection) from
/// happening; false for any other button.
pub fn start_drag(e: &web_sys::PointerEvent) -> bool {
    use wasm_bindgen::JsCast;
    if e.button() != 0 {
        return false;
    }
    if let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        let _ = target.set_pointer_capture(e.pointer_id());
    }
    e.prevent_default();
    true
}
