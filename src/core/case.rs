//! Lower-casing for search and typo matching, without Rust's Unicode case tables in the wasm.
//!
//! `str::to_lowercase` links ≈16 KB of case tables into a module; the browser already has them.
//! ASCII text (nearly all of a log) is lower-cased here; other text goes to JavaScript's
//! `String.prototype.toLowerCase` in the wasm, and to `str::to_lowercase` natively (the same
//! Unicode mapping, so `cargo test` checks the same results).

/// `text` lower-cased.
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    unicode_lowercase(text)
}

/// Whether lower-casing `text` changes nothing.
pub fn is_lowercase(text: &str) -> bool {
    if text.is_ascii() {
        return !text.bytes().any(|b| b.is_ascii_uppercase());
    }
    unicode_lowercase(text) == text
}

#[cfg(target_arch = "wasm32")]
fn unicode_lowercase(text: &str) -> String {
    String::from(js_sys::JsString::from(text).to_lower_case())
}

#[cfg(not(target_arch = "wasm32"))]
fn unicode_lowercase(text: &str) -> String {
    text.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_text_lower_case_like_javascript() {
        assert_eq!(lowercase("Widget LOADED"), "widget loaded");
        assert_eq!(lowercase("Réunion ÉTÉ"), "réunion été");
        // JavaScript's final-sigma rule, which `str::to_lowercase` follows too.
        assert_eq!(lowercase("ΟΔΟΣ"), "οδος");
        assert!(is_lowercase("réunion"));
        assert!(!is_lowercase("Réunion"));
        assert!(is_lowercase("a\0b 1"));
    }
}
