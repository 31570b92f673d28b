//! `window.hsConversationsSettings` checked against the loader's rules: a wrong type or value
//! is reported with the exact `Invariant Violation` message the loader throws.

use super::protocol::SettingsField;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Boolean,
    String,
    CookieBanner,
}

/// The loader checks the merged settings in this order and throws at the first violation.
const RULES: [(&str, Rule); 8] = [
    ("loadImmediately", Rule::Boolean),
    ("isFullscreen", Rule::Boolean),
    ("disableAttachment", Rule::Boolean),
    ("disableInitialInputFocus", Rule::Boolean),
    ("enableWidgetCookieBanner", Rule::CookieBanner),
    ("inlineEmbedSelector", Rule::String),
    ("identificationEmail", Rule::String),
    ("identificationToken", Rule::String),
];

const COOKIE_BANNER_STRINGS: [&str; 2] = ["ON_WIDGET_LOAD", "ON_EXIT_INTENT"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsProblem {
    pub field: String,
    /// The loader's message, e.g. `Invariant Violation: Expected mergedSettings.loadImmediately to be a boolean`.
    pub message: String,
    /// The loader throws only the first problem; the others surface once it is fixed.
    pub thrown_by_loader: bool,
}

/// Problems in the order the loader meets them. Fields the page did not set take the loader's
/// defaults, which are valid; keys the loader does not know are ignored, as the loader does.
pub fn validate(fields: &BTreeMap<String, SettingsField>) -> Vec<SettingsProblem> {
    let mut problems: Vec<SettingsProblem> = RULES
        .iter()
        .filter_map(|(name, rule)| {
            // An accessor ("accessor", never invoked by the hook): its value is unknown, so no verdict.
            let field = fields.get(*name).filter(|f| f.js_type != "accessor")?;
            let valid = match rule {
                Rule::Boolean => field.js_type == "boolean",
                Rule::String => field.js_type == "string",
                Rule::CookieBanner => {
                    field.js_type == "boolean"
                        || (field.js_type == "string"
                            && field.value.as_str().is_some_and(|s| COOKIE_BANNER_STRINGS.contains(&s)))
                }
            };
            (!valid).then(|| SettingsProblem {
                field: name.to_string(),
                message: format!("Invariant Violation: Expected mergedSettings.{name} {}", expectation(*rule)),
                thrown_by_loader: false,
            })
        })
        .collect();
    if let Some(first) = problems.first_mut() {
        first.thrown_by_loader = true;
    }
    problems
}

fn expectation(rule: Rule) -> &'static str {
    match rule {
        Rule::Boolean => "to be a boolean",
        Rule::String => "to be a string",
        Rule::CookieBanner => r#"to be one of false, true, "ON_WIDGET_LOAD", "ON_EXIT_INTENT""#,
    }
}

/// The settings the loader reads, in the order it checks them.
pub fn known_keys() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|(name, _)| *name)
}

/// Keys the loader does not read: often a typo of a real setting.
pub fn unknown_keys(fields: &BTreeMap<String, SettingsField>) -> Vec<String> {
    fields.keys().filter(|k| !RULES.iter().any(|(name, _)| name == k)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn fields(pairs: &[(&str, &str, Value)]) -> BTreeMap<String, SettingsField> {
        pairs
            .iter()
            .map(|(k, t, v)| (k.to_string(), SettingsField { js_type: t.to_string(), value: v.clone() }))
            .collect()
    }

    fn messages(pairs: &[(&str, &str, Value)]) -> Vec<String> {
        validate(&fields(pairs)).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn valid_and_empty_settings_have_no_problem() {
        assert!(messages(&[]).is_empty());
        assert!(messages(&[
            ("loadImmediately", "boolean", json!(false)),
            ("inlineEmbedSelector", "string", json!("#chat")),
            ("enableWidgetCookieBanner", "string", json!("ON_EXIT_INTENT")),
            ("somethingElse", "number", json!(3)),
        ])
        .is_empty());
    }

    #[test]
    fn an_accessor_field_gets_no_verdict() {
        assert!(messages(&[("loadImmediately", "accessor", json!("[getter]"))]).is_empty());
    }

    #[test]
    fn each_boolean_rule() {
        for name in ["loadImmediately", "isFullscreen", "disableAttachment", "disableInitialInputFocus"] {
            assert_eq!(
                messages(&[(name, "string", json!("yes"))]),
                vec![format!("Invariant Violation: Expected mergedSettings.{name} to be a boolean")]
            );
        }
        assert_eq!(messages(&[("loadImmediately", "undefined", json!("[undefined]"))]).len(), 1);
        assert_eq!(messages(&[("isFullscreen", "null", Value::Null)]).len(), 1);
    }

    #[test]
    fn each_string_rule() {
        for name in ["inlineEmbedSelector", "identificationEmail", "identificationToken"] {
            assert_eq!(
                messages(&[(name, "number", json!(1))]),
                vec![format!("Invariant Violation: Expected mergedSettings.{name} to be a string")]
            );
        }
        // An undefined value is not a string even though the hook shows it as text.
        assert_eq!(messages(&[("identificationEmail", "undefined", json!("[undefined]"))]).len(), 1);
    }

    #[test]
    fn the_cookie_banner_rule() {
        let expected = r#"Invariant Violation: Expected mergedSettings.enableWidgetCookieBanner to be one of false, true, "ON_WIDGET_LOAD", "ON_EXIT_INTENT""#;
        assert_eq!(messages(&[("enableWidgetCookieBanner", "string", json!("on_widget_load"))]), vec![expected]);
        assert_eq!(messages(&[("enableWidgetCookieBanner", "number", json!(1))]), vec![expected]);
        assert!(messages(&[("enableWidgetCookieBanner", "boolean", json!(true))]).is_empty());
        assert!(messages(&[("enableWidgetCookieBanner", "string", json!("ON_WIDGET_LOAD"))]).is_empty());
    }

    #[test]
    fn only_the_first_problem_in_loader_order_is_thrown() {
        let problems = validate(&fields(&[
            ("identificationToken", "number", json!(1)),
            ("loadImmediately", "string", json!("no")),
        ]));
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].field, "loadImmediately");
        assert!(problems[0].thrown_by_loader);
        assert!(!problems[1].thrown_by_loader);
    }

    #[test]
    fn unknown_keys_are_listed() {
        let f = fields(&[("loadImediately", "boolean", json!(false)), ("isFullscreen", "boolean", json!(true))]);
        assert_eq!(unknown_keys(&f), vec!["loadImediately".to_string()]);
    }
}
