//! The toolbar action: the badge of a tab where HubSpot chat was found, and what its popup says.
//!
//! Plain Rust, no browser types. The hub (`hub/action.rs`) feeds it the page status of the tab's
//! current document and the diagnosis of its log, or, while nothing of that document was recorded
//! yet, the facts the background's probe read of its DOM once it loaded ([`ProbeFacts`]). The wire
//! format (the probe's answer, the popup's request and reply) is in docs/protocol.md §7.

use super::diagnostics::{headline, Diagnosis};
use super::protocol::{ApiState, PageStatus};
use serde::{Deserialize, Serialize};

/// "Find HubSpot on every tab" (the popup's switch, off by default): the id under which the popup
/// registers `DISCOVERY_FILE` as a content script of every web page (`scripting`), at
/// `document_idle` in the extension's isolated world. Off, no page but the ones a panel or the
/// popup asked about is ever looked at.
pub const DISCOVERY_SCRIPT_ID: &str = "discovery";
pub const DISCOVERY_FILE: &str = "contentScript/discovery.js";
/// What the discovery script sends when its page shows HubSpot (then the background's probe decides).
pub const HUBSPOT_SEEN: &str = r#"{"v":1,"type":"hubspot_seen"}"#;
/// The elements that mean HubSpot chat: the portal script, the loader, the embed script, the chat
/// iframe or its container.
pub const HUBSPOT_SELECTOR: &str = "#hubspot-messages-loader, #hs-script-loader, script[src*=\"hs-scripts.com/\"], \
    script[src*=\"usemessages.com/\"], script[src*=\"/conversations-embed.js\"], #hubspot-conversations-iframe, \
    #hubspot-conversations-inline-iframe, #hubspot-messages-iframe-container";

/// Version of the popup's request and of the summary it gets.
pub const ACTION_VERSION: u32 = 1;
/// Longest portal id kept from the DOM (HubSpot's are digits, 6–9 of them).
const MAX_PORTAL_CHARS: usize = 20;
/// Two time origins closer than this are the same document (a browser may round them differently
/// in the page's world and in the probe's; two documents of one tab are never this close).
pub const SAME_DOCUMENT_MS: f64 = 2.0;

/// What the background's probe read of a tab's top document once it loaded: DOM facts only,
/// read in the extension's isolated world (the page sees nothing of it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbeFacts {
    /// The document's `performance.timeOrigin`: the `time_origin` of the hook's batches.
    pub time_origin: f64,
    /// A HubSpot embed script (`js.hs-scripts.com/<portal>.js`, `#hs-script-loader`), the loader
    /// (`#hubspot-messages-loader`, `conversations-embed.js`) or the chat iframe is in the DOM.
    pub found: bool,
    /// The loader's `data-hsjs-portal`, or the portal script's file name.
    #[serde(default)]
    pub portal: Option<String>,
    /// The chat iframe (`#hubspot-conversations-iframe`) is in the DOM.
    #[serde(default)]
    pub iframe: bool,
}

impl ProbeFacts {
    /// Decodes the probe's answer (`null` when it could not run: not found). A portal id that is
    /// not a short run of digits is dropped: the DOM is the page's.
    pub fn decode(text: &str) -> ProbeFacts {
        let mut facts: ProbeFacts = serde_json::from_str::<Option<ProbeFacts>>(text).ok().flatten().unwrap_or_default();
        if !facts.time_origin.is_finite() || facts.time_origin < 0.0 {
            facts.time_origin = 0.0;
        }
        facts.portal = facts
            .portal
            .filter(|p| !p.is_empty() && p.len() <= MAX_PORTAL_CHARS && p.bytes().all(|b| b.is_ascii_digit()));
        facts
    }
}

/// The badge's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeState {
    /// The API is ready and the chat iframe loaded, and the diagnostics found nothing.
    Ready,
    /// HubSpot is on the page but the chat has not loaded (yet): no object, a placeholder, or no iframe.
    NotLoaded,
    /// The diagnostics found a problem.
    Problem,
}

impl BadgeState {
    pub fn label(self) -> &'static str {
        match self {
            BadgeState::Ready => "Ready",
            BadgeState::NotLoaded => "Not loaded",
            BadgeState::Problem => "Problem",
        }
    }
}

/// What the browser's action shows for a tab (`action.setBadgeText` and friends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    /// Empty: no badge (no HubSpot found).
    pub text: String,
    /// `#rrggbb`, white text on it at ≥ 4.5:1.
    pub color: &'static str,
    /// The action's tooltip.
    pub title: String,
}

pub const COLOR_READY: &str = "#1a7f37";
pub const COLOR_NOT_LOADED: &str = "#8a5a00";
pub const COLOR_PROBLEM: &str = "#c62828";
pub const COLOR_NONE: &str = "#57606a";
pub const DEFAULT_TITLE: &str = "HubSpot Chat Inspector";

/// What is known of a tab's current document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Detection<'a> {
    /// The page status recorded from the hook (only when it is the current document's).
    pub status: Option<&'a PageStatus>,
    /// The probe's facts (only when they are the current document's).
    pub probe: Option<&'a ProbeFacts>,
    /// The diagnosis of the current document's log (with `status`).
    pub diagnosis: Option<&'a Diagnosis>,
}

impl Detection<'_> {
    fn problems(&self) -> usize {
        self.diagnosis.map_or(0, |d| d.findings.len())
    }

    /// Whether the hook saw HubSpot in the recorded status.
    fn recorded_hubspot(&self) -> bool {
        self.status.is_some_and(|s| {
            s.api != ApiState::Absent || s.widget_loaded || s.portal.is_some() || s.loader_src.is_some()
        })
    }

    /// `None`: no HubSpot chat found in the tab's current document.
    pub fn state(&self) -> Option<BadgeState> {
        let found = self.recorded_hubspot() || self.problems() > 0 || self.probe.is_some_and(|p| p.found);
        if !found {
            return None;
        }
        if self.problems() > 0 {
            return Some(BadgeState::Problem);
        }
        let ready = match self.status {
            Some(status) if self.recorded_hubspot() => status.api == ApiState::Ready && status.widget_loaded,
            _ => self.probe.is_some_and(|p| p.iframe),
        };
        Some(if ready { BadgeState::Ready } else { BadgeState::NotLoaded })
    }

    pub fn portal(&self) -> Option<&str> {
        self.status.and_then(|s| s.portal.as_deref()).or_else(|| self.probe.and_then(|p| p.portal.as_deref()))
    }

    pub fn badge(&self) -> Badge {
        let portal = self.portal().map(|p| format!(", portal {p}")).unwrap_or_default();
        match self.state() {
            None => Badge { text: String::new(), color: COLOR_NONE, title: DEFAULT_TITLE.into() },
            Some(BadgeState::Ready) => {
                Badge { text: "\u{2713}".into(), color: COLOR_READY, title: format!("HubSpot chat: ready{portal}") }
            }
            Some(BadgeState::NotLoaded) => Badge {
                text: "\u{2026}".into(),
                color: COLOR_NOT_LOADED,
                title: format!("HubSpot chat: found, not loaded{portal}"),
            },
            Some(BadgeState::Problem) => {
                let n = self.problems();
                let what = self.diagnosis.map(headline).unwrap_or_default();
                Badge {
                    text: if n > 9 { "9+".into() } else { format!("{n}!") },
                    color: COLOR_PROBLEM,
                    title: format!("HubSpot chat: {what}{portal}"),
                }
            }
        }
    }
}

/// One problem as the popup lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemLine {
    pub rule: String,
    pub severity: String,
    pub title: String,
}

/// What the popup shows for a tab. Every string is final text, rendered as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSummary {
    pub v: u32,
    pub tab: i64,
    /// `None`: no HubSpot chat found in the tab's current page.
    pub state: Option<BadgeState>,
    /// "Ready", "Not loaded", "Problem", "No HubSpot chat found", or "Looking for HubSpot chat…"
    /// while the tab's page was neither recorded nor probed yet (`looking`).
    pub label: String,
    /// Nothing is known of the page yet: the probe the popup's request started has not answered.
    pub looking: bool,
    /// One sentence: what was found, and from where (the hook's log or the page's DOM).
    pub detail: String,
    pub portal: Option<String>,
    /// `None` when only the DOM was read (the page is not recorded).
    pub api: Option<ApiState>,
    pub widget_loaded: Option<bool>,
    pub loader_src: Option<String>,
    /// The diagnostics' verdict: "No problem found", "1 problem" or "N problems" (listed in
    /// `problems`, so not repeated here); `None` when they did not run (nothing recorded yet).
    pub headline: Option<String>,
    pub problems: Vec<ProblemLine>,
    /// A panel watches the tab now (DevTools or a panel tab).
    pub watched: bool,
    /// The panel as a tab for this tab, relative to the extension's root.
    pub panel_path: String,
}

impl ActionSummary {
    pub fn new(tab: i64, detection: &Detection, watched: bool) -> ActionSummary {
        let state = detection.state();
        let recorded = detection.status.filter(|_| detection.recorded_hubspot() || detection.problems() > 0);
        let looking = state.is_none() && detection.status.is_none() && detection.probe.is_none();
        let label = match state {
            Some(state) => state.label(),
            None if looking => "Looking for HubSpot chat\u{2026}",
            None => "No HubSpot chat found",
        }
        .to_string();
        let detail = match (state, recorded) {
            (None, _) if looking => "The extension is reading this page's DOM.".into(),
            (None, _) => {
                "This page has no HubSpot embed code, loader or chat iframe (checked when it finished loading).".into()
            }
            (Some(_), Some(_)) => "What the extension recorded of this page since it started.".into(),
            (Some(_), None) => "Found in the page's HTML; the extension is reading what the page did so far.".into(),
        };
        let problems = detection
            .diagnosis
            .filter(|_| state.is_some())
            .map(|d| {
                d.findings
                    .iter()
                    .map(|f| ProblemLine {
                        rule: f.rule.into(),
                        severity: f.severity.as_str().into(),
                        title: f.title.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ActionSummary {
            v: ACTION_VERSION,
            tab,
            state,
            label,
            looking,
            detail,
            portal: state.and(detection.portal().map(str::to_string)),
            api: recorded.map(|s| s.api),
            widget_loaded: recorded
                .map(|s| s.widget_loaded)
                .or_else(|| detection.probe.filter(|p| p.found).map(|p| p.iframe)),
            loader_src: recorded.and_then(|s| s.loader_src.clone()),
            headline: recorded.and(detection.diagnosis).map(|d| match d.findings.len() {
                0 => "No problem found".to_string(),
                1 => "1 problem".to_string(),
                n => format!("{n} problems"),
            }),
            problems,
            watched,
            panel_path: format!("panel.html?tabId={tab}"),
        }
    }
}

/// A request from the popup (an extension page) to the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionRequest {
    /// What is known of `tab` (the popup's tab: the active tab of its window). `opened`: the first
    /// request of a popup just opened (what was probed of a tab whose navigations the background
    /// does not follow may be another document's: it is probed again).
    Summary {
        tab: i64,
        #[serde(default)]
        opened: bool,
    },
    /// The popup turned "Find HubSpot on every tab" on or off (it registers the script itself).
    Discovery { on: bool },
}

#[derive(Deserialize)]
struct ActionRequestWire {
    v: u32,
    #[serde(flatten)]
    request: ActionRequest,
}

/// Decodes a popup request (`{"v":1,"type":"summary","tab":N,"opened":true}`,
/// `{"v":1,"type":"discovery","on":true}`).
pub fn decode_action_request(text: &str) -> Result<ActionRequest, String> {
    if text.len() > 1024 {
        return Err("request too long".into());
    }
    let wire: ActionRequestWire = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if wire.v != ACTION_VERSION {
        return Err(format!("unsupported version {}", wire.v));
    }
    Ok(wire.request)
}

/// The background's answer to an [`ActionRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionReply {
    Summary(ActionSummary),
    /// [`ActionRequest::Discovery`] taken.
    Discovery {
        v: u32,
        on: bool,
    },
    /// The request could not be read.
    Error {
        v: u32,
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostics::{Finding, Severity};

    fn status(api: ApiState, widget_loaded: bool) -> PageStatus {
        PageStatus {
            api,
            widget_loaded,
            portal: Some("12345".into()),
            loader_src: Some("https://js.usemessages.com/conversations-embed.js".into()),
            ..PageStatus::default()
        }
    }

    fn finding(rule: &'static str, title: &str) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            title: title.into(),
            explanation: String::new(),
            evidence: vec![],
            fix: None,
        }
    }

    fn probe(found: bool, iframe: bool) -> ProbeFacts {
        ProbeFacts { time_origin: 1.0, found, portal: found.then(|| "777".into()), iframe }
    }

    #[test]
    fn no_hubspot_no_badge() {
        let absent = PageStatus::default();
        let clean = Diagnosis::default();
        let detection = Detection { status: Some(&absent), probe: None, diagnosis: Some(&clean) };
        assert_eq!(detection.state(), None);
        assert_eq!(detection.badge().text, "");
        assert_eq!(detection.badge().title, DEFAULT_TITLE);
        let not_found = probe(false, false);
        assert_eq!(Detection { probe: Some(&not_found), ..Detection::default() }.state(), None);
        assert_eq!(Detection::default().state(), None);
    }

    #[test]
    fn ready_needs_the_api_and_the_iframe() {
        let clean = Diagnosis::default();
        let ready = status(ApiState::Ready, true);
        let detection = Detection { status: Some(&ready), probe: None, diagnosis: Some(&clean) };
        assert_eq!(detection.state(), Some(BadgeState::Ready));
        let badge = detection.badge();
        assert_eq!((badge.text.as_str(), badge.color), ("\u{2713}", COLOR_READY));
        assert_eq!(badge.title, "HubSpot chat: ready, portal 12345");

        for (api, loaded) in [(ApiState::Ready, false), (ApiState::Placeholder, false), (ApiState::Absent, false)] {
            let s = status(api, loaded);
            let d = Detection { status: Some(&s), probe: None, diagnosis: Some(&clean) };
            assert_eq!(d.state(), Some(BadgeState::NotLoaded), "{api:?}");
            assert_eq!(d.badge().color, COLOR_NOT_LOADED);
            assert_eq!(d.badge().text, "\u{2026}");
        }
    }

    #[test]
    fn problems_win_and_are_counted() {
        let ready = status(ApiState::Ready, true);
        let mut diagnosis = Diagnosis::default();
        diagnosis.findings.push(finding("no-chat-on-page", "Chat will not show: widget-data answered 204"));
        let d = Detection { status: Some(&ready), probe: None, diagnosis: Some(&diagnosis) };
        assert_eq!(d.state(), Some(BadgeState::Problem));
        let badge = d.badge();
        assert_eq!((badge.text.as_str(), badge.color), ("1!", COLOR_PROBLEM));
        assert_eq!(badge.title, "HubSpot chat: Chat will not show: widget-data answered 204, portal 12345");
        for n in 0..11 {
            diagnosis.findings.push(finding("identification", "x"));
            let d = Detection { status: Some(&ready), probe: None, diagnosis: Some(&diagnosis) };
            assert_eq!(d.badge().text, if n + 2 > 9 { "9+".to_string() } else { format!("{}!", n + 2) });
        }
        // A finding alone (e.g. loader-blocked: nothing else seen) is a page with HubSpot.
        let absent = PageStatus::default();
        let d = Detection { status: Some(&absent), probe: None, diagnosis: Some(&diagnosis) };
        assert_eq!(d.state(), Some(BadgeState::Problem));
    }

    #[test]
    fn the_probe_alone_says_found_or_loaded() {
        let p = probe(true, false);
        let d = Detection { probe: Some(&p), ..Detection::default() };
        assert_eq!(d.state(), Some(BadgeState::NotLoaded));
        assert_eq!(d.badge().title, "HubSpot chat: found, not loaded, portal 777");
        let p = probe(true, true);
        assert_eq!(Detection { probe: Some(&p), ..Detection::default() }.state(), Some(BadgeState::Ready));
        // A recorded status that saw nothing yet (the relay's first empty batch) defers to the probe.
        let absent = PageStatus::default();
        let d = Detection { status: Some(&absent), probe: Some(&p), diagnosis: None };
        assert_eq!(d.state(), Some(BadgeState::Ready));
    }

    #[test]
    fn probe_facts_decode_bounded() {
        let facts = ProbeFacts::decode(r#"{"time_origin":12.5,"found":true,"portal":"12345","iframe":true}"#);
        assert_eq!(facts, ProbeFacts { time_origin: 12.5, found: true, portal: Some("12345".into()), iframe: true });
        assert_eq!(ProbeFacts::decode("null"), ProbeFacts::default());
        assert_eq!(ProbeFacts::decode("garbage"), ProbeFacts::default());
        assert_eq!(ProbeFacts::decode(r#"{"time_origin":1,"found":true,"portal":"<b>x</b>"}"#).portal, None);
        assert_eq!(
            ProbeFacts::decode(r#"{"time_origin":1,"found":true,"portal":"123456789012345678901"}"#).portal,
            None
        );
        assert_eq!(ProbeFacts::decode(r#"{"time_origin":-4,"found":false}"#).time_origin, 0.0);
    }

    #[test]
    fn summary_says_what_was_found() {
        let ready = status(ApiState::Ready, true);
        let mut diagnosis = Diagnosis::default();
        diagnosis.findings.push(finding("no-chat-on-page", "Chat will not show: widget-data answered 204"));
        let d = Detection { status: Some(&ready), probe: None, diagnosis: Some(&diagnosis) };
        let summary = ActionSummary::new(7, &d, false);
        assert_eq!(summary.state, Some(BadgeState::Problem));
        assert_eq!(summary.label, "Problem");
        assert_eq!(summary.portal.as_deref(), Some("12345"));
        assert_eq!(summary.api, Some(ApiState::Ready));
        assert_eq!(summary.widget_loaded, Some(true));
        assert_eq!(summary.headline.as_deref(), Some("1 problem"), "the problem itself is listed, not repeated");
        assert_eq!(summary.problems[0].title, "Chat will not show: widget-data answered 204");
        assert_eq!(summary.problems[0].rule, "no-chat-on-page");
        assert_eq!(summary.problems[0].severity, "error");
        assert_eq!(summary.panel_path, "panel.html?tabId=7");

        let p = probe(true, false);
        let d = Detection { probe: Some(&p), ..Detection::default() };
        let summary = ActionSummary::new(8, &d, false);
        assert_eq!((summary.api, summary.widget_loaded, summary.headline.clone()), (None, Some(false), None));
        assert_eq!(summary.portal.as_deref(), Some("777"));
        assert!(summary.detail.contains("HTML"));

        let looking = ActionSummary::new(9, &Detection::default(), true);
        assert_eq!(
            (looking.state, looking.label.as_str(), looking.looking),
            (None, "Looking for HubSpot chat\u{2026}", true)
        );
        let nothing = probe(false, false);
        let none = ActionSummary::new(9, &Detection { probe: Some(&nothing), ..Detection::default() }, true);
        assert_eq!((none.state, none.label.as_str(), none.portal.clone()), (None, "No HubSpot chat found", None));
        assert!(!none.looking);
        assert!(none.problems.is_empty() && none.watched);

        let json = serde_json::to_value(ActionReply::Summary(none)).unwrap();
        assert_eq!(json["type"], "summary");
        assert_eq!(json["v"], 1);
        assert_eq!(json["state"], serde_json::Value::Null);
    }

    #[test]
    fn requests_decode_with_their_version() {
        let summary = |tab, opened| Ok(ActionRequest::Summary { tab, opened });
        assert_eq!(decode_action_request(r#"{"v":1,"type":"summary","tab":3}"#), summary(3, false));
        assert_eq!(decode_action_request(r#"{"v":1,"type":"summary","tab":3,"opened":true}"#), summary(3, true));
        assert_eq!(
            decode_action_request(r#"{"v":1,"type":"discovery","on":true}"#),
            Ok(ActionRequest::Discovery { on: true })
        );
        assert!(decode_action_request(r#"{"v":1,"type":"discovery"}"#).is_err());
        assert!(decode_action_request(r#"{"v":2,"type":"summary","tab":3}"#).is_err());
        assert!(decode_action_request(r#"{"v":1,"type":"other"}"#).is_err());
        assert!(decode_action_request(&"x".repeat(2000)).is_err());
    }
}
