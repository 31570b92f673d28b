//! Diagnostics view: what the rules (`core::diagnostics`) concluded over the current document.
//! UI contract (docs/diagnostics.md §3): each finding is ONE element with `data-rule` and
//! `data-severity`; evidence links are `<button data-evidence="<entry id>">`; notes carry no
//! `data-rule`.

use super::class_names;
use super::cookies_view::copy_text;
use super::evidence_link::evidence_link;
use crate::core::diagnostics::{Finding, Note, Severity, RULES};
use crate::core::panel_state::DiagnosisReport;
use crate::devpanel::hooks::{panel_actions, PanelActions};
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosticsViewProps {
    pub report: Rc<DiagnosisReport>,
    /// No report yet (`PanelState::diagnosis_pending`).
    pub pending: bool,
}

/// Icon and text: severity is never shown by colour alone.
pub fn severity_mark(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("✖", "Error"),
        Severity::Warning => ("⚠", "Warning"),
        Severity::Info => ("ℹ", "Info"),
    }
}

#[function_component(DiagnosticsView)]
pub fn diagnostics_view(props: &DiagnosticsViewProps) -> Html {
    let notice = use_state(|| None::<String>);
    let actions = panel_actions();
    let on_copied = {
        let notice = notice.clone();
        Callback::from(move |what: String| {
            notice.set(Some(format!("Copied the fix for {what}.")));
            let notice = notice.clone();
            Timeout::new(2000, move || notice.set(None)).forget();
        })
    };
    let report = &props.report;
    let findings = &report.diagnosis.findings;
    let notes = &report.diagnosis.notes;
    let checked = format!(
        "{} rules checked over {} {} of this page.",
        RULES.len(),
        report.checked,
        if report.checked == 1 { "entry" } else { "entries" }
    );
    let summary = if findings.is_empty() {
        String::new()
    } else {
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|s| (s, count(s)))
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", severity_mark(s).1.to_ascii_lowercase() + if n == 1 { "" } else { "s" }))
            .collect();
        format!(
            "{} {} found ({}). ",
            findings.len(),
            if findings.len() == 1 { "problem" } else { "problems" },
            parts.join(", ")
        )
    };
    html! {
        <div class="pane diagnostics">
            <h2 id="diagnostics-heading" class="diagnostics-heading">{ "Why the chat may not work" }</h2>
            <div class="copy-notice" role="status" aria-live="polite">{ (*notice).clone().unwrap_or_default() }</div>
            if props.pending {
                <p class="note" data-diagnosis-pending="true">{ "Checking the page against the rules…" }</p>
            } else if findings.is_empty() {
                <div class="diagnosis-ok" data-diagnosis-empty="true">
                    <p class="ok-line"><span class="ok-icon" aria-hidden="true">{ "✓" }</span>{ " No problem found" }</p>
                    <p class="note">{ checked }</p>
                </div>
            } else {
                <p class="note findings-summary">{ summary }{ checked }</p>
                <ol class="findings" aria-labelledby="diagnostics-heading">
                    { for findings.iter().map(|finding| html! {
                        { finding_item(&actions, finding, report, &on_copied) }
                    }) }
                </ol>
            }
            if !notes.is_empty() {
                <section class="notes-section" aria-labelledby="diagnostics-notes">
                    <h3 id="diagnostics-notes">{ "Good to know (not problems)" }</h3>
                    <ul class="diagnosis-notes">
                        { for notes.iter().map(|note| note_item(&actions, note, report)) }
                    </ul>
                </section>
            }
        </div>
    }
}

/// One finding (keyed by its rule). A function, not a component: it has no state of its own.
fn finding_item(
    actions: &PanelActions,
    finding: &Finding,
    report: &DiagnosisReport,
    on_copied: &Callback<String>,
) -> Html {
    let severity = finding.severity.as_str();
    let (icon, severity_text) = severity_mark(finding.severity);
    let title_id = format!("finding-{}", finding.rule);
    let fix = finding.fix.as_ref().map(|fix| {
        let on_copy = {
            let (fix, rule, on_copied) = (fix.clone(), finding.rule, on_copied.clone());
            Callback::from(move |_| {
                copy_text(&fix);
                on_copied.emit(rule.to_string());
            })
        };
        html! {
            <div class="fix">
                <div class="fix-head">
                    <span class="fix-label">{ "Fix" }</span>
                    <button type="button" class="copy" onclick={on_copy}
                            aria-label={format!("Copy the fix for {}", finding.rule)}>{ "Copy" }</button>
                </div>
                <pre><code>{ fix }</code></pre>
            </div>
        }
    });
    html! {
        <li key={finding.rule} class={class_names(&[Some("finding"), Some(severity)])} data-rule={finding.rule} data-severity={severity}
            aria-labelledby={title_id.clone()}>
            <h3 class="finding-title" id={title_id}>
                <span class="severity">
                    <span class="severity-icon" aria-hidden="true">{ icon }</span>
                    <span class="severity-text">{ severity_text }</span>
                </span>
                <span class="title-text">{ &finding.title }</span>
            </h3>
            <p class="explanation">{ &finding.explanation }</p>
            { evidence_links(actions, &finding.evidence, report) }
            { for fix }
            <p class="rule-id">{ "Rule " }<code>{ finding.rule }</code></p>
        </li>
    }
}

fn note_item(actions: &PanelActions, note: &Note, report: &DiagnosisReport) -> Html {
    html! {
        <li class="diagnosis-note">
            <span class="severity-icon" aria-hidden="true">{ "ℹ" }</span>
            <span class="note-text">{ &note.text }</span>
            { evidence_links(actions, &note.evidence, report) }
        </li>
    }
}

fn evidence_links(actions: &PanelActions, evidence: &[u64], report: &DiagnosisReport) -> Html {
    if evidence.is_empty() {
        return Html::default();
    }
    html! {
        <div class="evidence">
            <span class="evidence-label">{ "Evidence:" }</span>
            <ul class="evidence-list">
                { for evidence.iter().map(|&id| html! { <li key={id}>{ evidence_link(actions, id, &report.label(id), "evidence-link") }</li> }) }
            </ul>
        </div>
    }
}
