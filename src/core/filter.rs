//! Narrowing the log: by SDK event name and by free text.

use super::protocol::{Entry, EntryKind};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Show only entries with exactly this name.
    pub name: Option<String>,
    /// Case-insensitive text looked for in the name, the summary and the payload.
    pub text: String,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        self.name.is_some() || !self.text.trim().is_empty()
    }

    pub fn matches(&self, entry: &Entry) -> bool {
        if entry.kind == EntryKind::Navigation {
            return true;
        }
        if let Some(name) = &self.name {
            if &entry.name != name {
                return false;
            }
        }
        let needle = self.text.trim();
        if needle.is_empty() {
            return true;
        }
        let needle = needle.to_lowercase();
        [&entry.name, &entry.summary, &entry.payload].iter().any(|field| contains_ignoring_case(field, &needle))
    }
}

fn contains_ignoring_case(haystack: &str, lowercase_needle: &str) -> bool {
    if haystack.is_ascii() && lowercase_needle.is_ascii() {
        let needle = lowercase_needle.as_bytes();
        haystack.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
    } else {
        haystack.to_lowercase().contains(lowercase_needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EntryKind, name: &str, summary: &str, payload: &str) -> Entry {
        Entry::sample(1, kind, name, summary, payload)
    }

    #[test]
    fn filters_by_exact_name() {
        let filter = Filter { name: Some("widgetLoaded".into()), text: String::new() };
        assert!(filter.matches(&entry(EntryKind::Event, "widgetLoaded", "", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Event, "widgetLoadedX", "", "{}")));
        assert!(filter.matches(&entry(EntryKind::Navigation, "navigation", "", "{}")), "separators stay");
    }

    #[test]
    fn searches_name_summary_and_payload_ignoring_case() {
        let filter = Filter { name: None, text: "  ConversationID ".into() };
        assert!(filter.matches(&entry(EntryKind::Event, "x", "", r#"{"conversationId":1}"#)));
        assert!(!filter.matches(&entry(EntryKind::Event, "x", "nothing", "{}")));
        let unicode = Filter { name: None, text: "ÉTÉ".into() };
        assert!(unicode.matches(&entry(EntryKind::Event, "x", "un été", "{}")));
        assert!(!Filter::default().is_active());
        assert!(filter.is_active());
    }

    #[test]
    fn name_and_text_combine() {
        let filter = Filter { name: Some("a".into()), text: "hello".into() };
        assert!(filter.matches(&entry(EntryKind::Event, "a", "hello", "")));
        assert!(!filter.matches(&entry(EntryKind::Event, "b", "hello", "")));
        assert!(!filter.matches(&entry(EntryKind::Event, "a", "bye", "")));
    }
}
