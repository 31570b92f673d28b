//! Rules that explain why a chat does not show, run over the current document's log entries
//! (docs/diagnostics.md). Plain Rust: every rule is unit-tested natively, with its healthy
//! counterpart.

use super::protocol::Entry;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The chat will not show, or something the page asked for is lost.
    Error,
    /// Works, but not as the page's code expects.
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found. `rule` is the UI contract (`data-rule`).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// A short headline, e.g. "Chat will not show: widget-data answered 204 for this URL".
    pub title: String,
    /// One sentence in plain words.
    pub explanation: String,
    /// Ids of the log entries the finding rests on.
    pub evidence: Vec<u64>,
    /// A code snippet that fixes it, where one helps.
    pub fix: Option<String>,
}

/// Something worth knowing that is not a problem (never rendered with `data-rule`).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    pub evidence: Vec<u64>,
}

/// A cookie as the browser reports it (name and value are all the rules need).
#[derive(Debug, Clone, PartialEq)]
pub struct CookieSummary {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Wall clock now, milliseconds since the Unix epoch (for the rules with a grace period).
    pub now_wall: f64,
    /// The tab's HubSpot cookies, when the panel has listed them.
    pub cookies: Option<Vec<CookieSummary>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
}

/// Runs every rule over the entries of the current document (those after the last navigation row).
pub fn diagnose(entries: &[Rc<Entry>], context: &Context) -> Diagnosis {
    let _ = (entries, context);
    Diagnosis::default()
}
