//! The toolbar action per tab: which document of the tab the badge describes, the probe that
//! finds HubSpot in tabs no panel watches, and the popup's summary.
//!
//! A tab's badge describes its CURRENT document. What the hub recorded (page status, log) is used
//! while it is that document's; after the tab starts loading another document it is stale until a
//! batch of a newer document arrives or the probe of the loaded document says it is the same one
//! (a same-document navigation). Documents are told apart by their time origin (the hook's
//! `time_origin`, the probe's `performance.timeOrigin`).

use super::document::DocState;
use super::{Effect, Hub};
use crate::core::action::{
    decode_action_request, ActionReply, ActionRequest, ActionSummary, Detection, ProbeFacts, ACTION_VERSION,
    SAME_DOCUMENT_MS,
};
use crate::core::cookies::PageOrigin;
use crate::core::diagnostics::{diagnose, Context, Diagnosis};
use crate::core::protocol::{encode_hook_command, Entry, HookCommand, PageStatus};

/// The `storage.session` item that says the background swept the open tabs once since the extension
/// was loaded (see [`Hub::worker_started`]), written under the background's own items.
pub(super) const SWEPT_KEY: &str = "worker:swept";
/// The `tab` of the background's own storage items (no tab has a negative id).
const BACKGROUND_ITEMS: i64 = -1;

/// How often a tab no panel watches is sampled: half its document's age, within these bounds.
const MIN_SAMPLE_MS: f64 = 1000.0;
const MAX_SAMPLE_MS: f64 = 30000.0;

#[derive(Debug, Clone, Default)]
pub(super) struct ActionTab {
    /// The time origin of the document the hub held when the tab started loading another one.
    stale: Option<f64>,
    /// The probe's facts of the document that finished loading last (none while loading).
    probe: Option<ProbeFacts>,
    /// The tab's hook was told to be quiet (no panel watched it): a subscribing panel says hello.
    pub(super) quieted: bool,
    /// A panel has watched this tab: its hook is never quieted again (as before the toolbar
    /// button, a relay a panel asked for streams until its document ends).
    pub(super) panel_seen: bool,
    /// The discovery script saw HubSpot since the tab last completed a load: kept across `loading`,
    /// taken by the next `complete`.
    seen: bool,
    /// The current document finished loading (`complete`), and whether it was probed since.
    loaded: bool,
    probed: bool,
    /// A probe found HubSpot in this tab once: its later documents are probed without the discovery
    /// script (off by default; a page restored from the back/forward cache does not run it again).
    found_once: bool,
}

fn same_document(a: f64, b: f64) -> bool {
    (a - b).abs() < SAME_DOCUMENT_MS
}

/// What the hub knows of a tab's current document, owned.
struct Known {
    status: Option<PageStatus>,
    probe: Option<ProbeFacts>,
    diagnosis: Option<Diagnosis>,
}

impl Known {
    fn detection(&self) -> Detection<'_> {
        Detection { status: self.status.as_ref(), probe: self.probe.as_ref(), diagnosis: self.diagnosis.as_ref() }
    }
}

impl Hub {
    /// `tab` started loading a document (`tabs.onUpdated` status `loading`): the browser reset its
    /// badge, and what was recorded of the previous document no longer describes the tab.
    pub fn tab_navigating(&mut self, tab: i64) -> Vec<Effect> {
        let stale = self.tabs.get(&tab).and_then(|s| s.current()).map(|d| d.time_origin);
        let before = self.action.remove(&tab).unwrap_or_default();
        let action = ActionTab {
            stale,
            panel_seen: before.panel_seen,
            found_once: before.found_once,
            seen: before.seen,
            ..Default::default()
        };
        self.action.insert(tab, action);
        vec![]
    }

    /// `tab` finished loading `url` (`tabs.onUpdated` status `complete`). A web page (the hook
    /// runs on http and https pages only) is probed if the discovery script saw HubSpot in it, or if the
    /// tab showed HubSpot before (or has a log): a page that never shows HubSpot is never touched.
    pub fn tab_complete(&mut self, tab: i64, url: &str) -> Vec<Effect> {
        if PageOrigin::parse(url).is_none() {
            return vec![];
        }
        let has_log = self.tabs.contains_key(&tab);
        let action = self.action.entry(tab).or_default();
        action.loaded = true;
        if std::mem::take(&mut action.seen) || action.found_once || has_log {
            action.probed = true;
            vec![Effect::Probe { tab }]
        } else {
            vec![]
        }
    }

    /// The background started with these open tabs (JSON: `[{"id", "url", "status"}]`,
    /// `tabs.query`). At its first start since the extension was loaded (install, update, enable,
    /// browser start: `storage.session` holds no [`SWEPT_KEY`]) the tabs' loads came
    /// before it listened (its listeners exist once its script ran): every open web page is probed
    /// now. A loading one too: the browser reports `complete` only for a load whose commit it saw
    /// after the first listener was added (Chromium's tabs event router is made then), so its
    /// `complete` may never come; the probe itself waits for the document to be idle. A restarted
    /// worker was woken for every event.
    /// Only with "Find HubSpot on every tab" on (`discovery`: the discovery content script is
    /// registered): without it the badge does not look at tabs nobody asked about.
    pub fn worker_started(&mut self, tabs: &str, discovery: bool) -> Vec<Effect> {
        self.discovery = discovery;
        self.started = true;
        if std::mem::replace(&mut self.swept, true) {
            return vec![];
        }
        let mut effects = if discovery { self.sweep(tabs) } else { vec![] };
        let items = [(SWEPT_KEY.to_string(), "true".to_string())].into();
        effects.push(Effect::Store { tab: BACKGROUND_ITEMS, items, confirm: false });
        effects
    }

    fn sweep(&mut self, tabs: &str) -> Vec<Effect> {
        #[derive(serde::Deserialize)]
        struct OpenTab {
            id: i64,
            #[serde(default)]
            url: String,
            #[serde(default)]
            status: String,
        }
        let tabs: Vec<serde_json::Value> = serde_json::from_str(tabs).unwrap_or_default();
        let tabs = tabs.into_iter().filter_map(|tab| serde_json::from_value::<OpenTab>(tab).ok());
        let mut effects = vec![];
        for tab in tabs.filter(|t| PageOrigin::parse(&t.url).is_some()) {
            let action = self.action.entry(tab.id).or_default();
            action.seen = true;
            action.loaded |= tab.status == "complete";
            if !action.probed {
                action.probed = true;
                effects.push(Effect::Probe { tab: tab.id });
            }
        }
        effects
    }

    /// The discovery script (`DISCOVERY_FILE`, registered while "Find HubSpot on every tab" is on)
    /// saw HubSpot's embed code, loader or chat iframe (`HUBSPOT_SELECTOR`) in `tab`'s page: its
    /// page is probed once it has loaded, at once if it has (an embed code a page inserts late).
    /// `complete`: the browser says the tab has loaded (with the message: its load may have come
    /// while the hub did not follow the tabs' loads).
    pub fn hubspot_seen(&mut self, tab: i64, complete: bool) -> Vec<Effect> {
        let action = self.action.entry(tab).or_default();
        action.seen = true;
        action.loaded |= complete;
        if action.loaded && !action.probed {
            action.probed = true;
            vec![Effect::Probe { tab }]
        } else {
            vec![]
        }
    }

    /// Whether the hub needs to hear of the tabs' loads (`tabs.onUpdated`): until the background's
    /// start says whether "Find HubSpot on every tab" is on, with it on, while a panel is
    /// connected, and while a tab has a log or showed HubSpot. Else the shim removes its listener,
    /// so that no page's navigation wakes the background: every tab the hub knows of is then one
    /// nobody asked about, and the popup probes its tab again when it opens
    /// ([`ActionRequest::Summary`]'s `opened`).
    pub fn follows_tabs(&self) -> bool {
        !self.started
            || self.discovery
            || !self.panels.is_empty()
            || !self.tabs.is_empty()
            || self.action.values().any(|a| a.found_once || a.panel_seen || a.seen)
    }

    /// Whether the hub needs `cookies.onChanged`: while a panel watches a tab (its Cookies view is
    /// listed again when they change). Else no page's cookie writes wake the background.
    pub fn watches_cookies(&self) -> bool {
        self.panels.values().any(Option::is_some)
    }

    /// A request of the popup (JSON text): the reply (an [`ActionReply`] as JSON text) as a
    /// [`Effect::Reply`], after what the request makes the hub do. A summary of a tab the hub has not
    /// looked at yet (the badge looks at every tab only with "Find HubSpot on every tab" on) probes it
    /// first, once per document, so that the popup says what is there.
    pub fn action_asked(&mut self, text: &str, now_wall: f64) -> Vec<Effect> {
        let request = decode_action_request(text);
        let mut effects = match request {
            Ok(ActionRequest::Summary { tab, opened }) => self.popup_looks_at(tab, opened),
            Ok(ActionRequest::Discovery { on }) => {
                self.discovery = on;
                vec![]
            }
            Err(_) => vec![],
        };
        effects.push(Effect::Reply { message: self.action_reply(request, now_wall) });
        effects
    }

    fn popup_looks_at(&mut self, tab: i64, opened: bool) -> Vec<Effect> {
        if tab < 0 || self.is_watched(tab) || self.tabs.contains_key(&tab) {
            return vec![];
        }
        let action = self.action.entry(tab).or_default();
        if opened {
            // Its loads may not have been followed since (the hub follows them only at times): what
            // was probed may be an earlier document's. A popup opening is the user's ask: probed again.
            action.probed = false;
            action.probe = None;
        }
        if std::mem::replace(&mut action.probed, true) {
            return vec![];
        }
        vec![Effect::Probe { tab }]
    }

    /// The probe's answer for `tab` (JSON: [`ProbeFacts`], or `null` when it could not run).
    /// HubSpot found: the relay is injected, so that the hook's log (buffered since the page
    /// started) is recorded and diagnosed like a watched tab's; then the badge.
    pub fn probe_result(&mut self, tab: i64, facts: &str, now_wall: f64) -> Vec<Effect> {
        let facts = ProbeFacts::decode(facts);
        let current = self.tabs.get(&tab).and_then(|s| s.current()).map(|d| d.time_origin);
        let action = self.action.entry(tab).or_default();
        if current.is_some_and(|t| same_document(t, facts.time_origin)) {
            action.stale = None; // the document recorded is the one loaded (a same-document navigation)
        }
        let found = facts.found;
        action.found_once |= found;
        action.probe = Some(facts);
        let mut effects = if found { vec![Effect::InjectRelay { tab }] } else { vec![] };
        effects.extend(self.badge(tab, now_wall));
        effects
    }

    /// The recorded current document of `tab`, unless it is stale.
    fn recorded_doc(&self, tab: i64) -> Option<&DocState> {
        let doc = self.tabs.get(&tab)?.current()?;
        let stale = self.action.get(&tab).and_then(|a| a.stale).is_some_and(|t| same_document(t, doc.time_origin));
        (!stale).then_some(doc)
    }

    fn known(&self, tab: i64, now_wall: f64) -> Known {
        let probe = self.action.get(&tab).and_then(|a| a.probe.clone());
        let mut doc = self.recorded_doc(tab);
        if let (Some(p), Some(d)) = (&probe, doc) {
            if !same_document(p.time_origin, d.time_origin) {
                // The probe read the document the tab loaded last (a navigation since clears it); the
                // recorded one is another (older, or left in the back/forward cache) until a batch of
                // the probed document arrives.
                doc = None;
            }
        }
        if doc.is_none() {
            return Known { status: None, probe, diagnosis: None };
        }
        let state = &self.tabs[&tab];
        // The rules read the current document only (from its navigation row on).
        let entries: Vec<&Entry> = state.log.current_document().collect();
        let context = Context { now_wall, cookies: None, messages_utk_seen: false };
        Known { status: Some(state.status()), probe, diagnosis: Some(diagnose(&entries, &context)) }
    }

    /// The badge `tab` shows now (an empty text: none), computed from its current document. The
    /// shim asks after the tab's relay messages (debounced), after a probe, and at `recheck_at`.
    ///
    /// A tab no panel watches whose relay sent something is told to be quiet (its hook buffers
    /// instead of sending as it records: a page pays for the relay only at each sample) and is
    /// sampled: `drain_at` is the next time its buffer is asked for, at half the document's age
    /// (1 s to 30 s), so a page that just loaded is followed closely and an old one rarely.
    pub fn badge(&mut self, tab: i64, now_wall: f64) -> Vec<Effect> {
        let known = self.known(tab, now_wall);
        let badge = known.detection().badge();
        let recheck_at = known.diagnosis.as_ref().and_then(|d| d.recheck_at).filter(|_| !badge.text.is_empty());
        let panel_seen = self.action.get(&tab).is_some_and(|a| a.panel_seen);
        let sampled = !self.is_watched(tab) && !panel_seen && !badge.text.is_empty();
        let doc = self.recorded_doc(tab).filter(|_| sampled && known.status.is_some());
        let drain_at = doc.map(|d| now_wall + ((now_wall - d.time_origin) / 2.0).clamp(MIN_SAMPLE_MS, MAX_SAMPLE_MS));
        let mut effects = vec![];
        if doc.is_some() && !std::mem::replace(&mut self.action.entry(tab).or_default().quieted, true) {
            effects.push(Effect::ToRelay { tab, command: encode_hook_command(&HookCommand::Quiet), call: None });
        }
        effects.push(Effect::Badge {
            tab,
            text: badge.text,
            color: badge.color.into(),
            title: badge.title,
            recheck_at,
            drain_at,
        });
        effects
    }

    /// A sample of a tab no panel watches (its badge's `drain_at`): the hook sends what it buffered,
    /// and the badge effect carries the next sample's time, so that sampling goes on when the hook
    /// has nothing new (no batch, so no badge asked after it).
    pub fn drain(&mut self, tab: i64, now_wall: f64) -> Vec<Effect> {
        let panel_seen = self.action.get(&tab).is_some_and(|a| a.panel_seen);
        if self.is_watched(tab) || panel_seen || self.recorded_doc(tab).is_none() {
            return vec![];
        }
        let mut effects = vec![Effect::ToRelay { tab, command: encode_hook_command(&HookCommand::Drain), call: None }];
        effects.extend(self.badge(tab, now_wall));
        effects
    }

    /// The answer to a request of the popup, as JSON text.
    fn action_reply(&self, request: Result<ActionRequest, String>, now_wall: f64) -> String {
        let reply = match request {
            Ok(ActionRequest::Summary { tab, .. }) => {
                let known = self.known(tab, now_wall);
                ActionReply::Summary(ActionSummary::new(tab, &known.detection(), self.is_watched(tab)))
            }
            Ok(ActionRequest::Discovery { on }) => ActionReply::Discovery { v: ACTION_VERSION, on },
            Err(message) => ActionReply::Error { v: ACTION_VERSION, message },
        };
        serde_json::to_string(&reply).expect("an action reply serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action::{BadgeState, COLOR_NOT_LOADED, COLOR_PROBLEM, COLOR_READY};
    use serde_json::json;

    const TAB: i64 = 4;
    const PANEL: u32 = 9;
    const URL: &str = "http://shop.test/";
    const ORIGIN: f64 = 1_700_000_000_000.5;

    fn batch(batch: u64, doc: &str, time_origin: f64, records: &str) -> String {
        let data = format!(
            r#"{{"v":1,"doc":"{doc}","url":"{URL}{doc}","time_origin":{time_origin},"dropped":0,"records":[{records}]}}"#
        );
        json!({ "v": 1, "type": "page", "batch": batch, "data": data }).to_string()
    }

    const READY: &str = r#"{"k":"loader","seq":1,"t":1,"src":"https://js.usemessages.com/conversations-embed.js","portal":"12345"},{"k":"api","seq":2,"t":2,"state":"ready","generation":1,"methods":["widget.load"]},{"k":"widget","seq":3,"t":3,"loaded":true,"src":"https://app.hubspot.com/conversations-visitor/x"}"#;

    fn probe(time_origin: f64, found: bool) -> String {
        json!({ "time_origin": time_origin, "found": found, "portal": found.then_some("12345"), "iframe": false })
            .to_string()
    }

    fn badge_of(effects: &[Effect]) -> (String, String) {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Badge { text, color, .. } => Some((text.clone(), color.clone())),
                _ => None,
            })
            .expect("a badge effect")
    }

    fn reply_to(hub: &Hub, text: &str, now_wall: f64) -> String {
        hub.action_reply(decode_action_request(text), now_wall)
    }

    fn summary(hub: &Hub, tab: i64) -> ActionSummary {
        match serde_json::from_str(&reply_to(hub, &format!(r#"{{"v":1,"type":"summary","tab":{tab}}}"#), ORIGIN)) {
            Ok(ActionReply::Summary(s)) => s,
            other => panic!("not a summary: {other:?}"),
        }
    }

    #[test]
    fn a_probe_that_finds_hubspot_injects_the_relay_and_sets_a_badge() {
        let mut hub = Hub::default();
        assert!(hub.tab_complete(TAB, "chrome://newtab/").is_empty(), "no probe where no hook runs");
        hub.tab_navigating(TAB);
        assert!(hub.hubspot_seen(TAB, false).is_empty(), "probed once loaded, not while loading");
        assert!(hub.hubspot_seen(TAB, false).is_empty());
        assert_eq!(hub.tab_complete(TAB, URL), [Effect::Probe { tab: TAB }]);
        assert!(hub.hubspot_seen(TAB, true).is_empty(), "one probe per document");
        let effects = hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        assert_eq!(effects[0], Effect::InjectRelay { tab: TAB });
        assert_eq!(badge_of(&effects), ("\u{2026}".into(), COLOR_NOT_LOADED.into()));

        // The relay's first batch: the hook's log since the page started. Ready now.
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)), ("\u{2713}".into(), COLOR_READY.into()));
        let s = summary(&hub, TAB);
        assert_eq!(s.state, Some(BadgeState::Ready));
        assert_eq!(s.portal.as_deref(), Some("12345"));
        assert_eq!(s.headline.as_deref(), Some("No problem found"));
        assert!(!s.watched);
    }

    #[test]
    fn only_pages_where_hubspot_was_seen_are_probed() {
        let mut hub = Hub::default();
        // A page where HubSpot was never seen is never touched.
        hub.tab_navigating(TAB);
        assert!(hub.tab_complete(TAB, URL).is_empty());
        // Seen before the `loading` of its navigation (the message raced it): still counts.
        let early = TAB + 7;
        hub.hubspot_seen(early, false);
        hub.tab_navigating(early);
        assert_eq!(hub.tab_complete(early, URL), [Effect::Probe { tab: early }]);
        hub.tab_navigating(early);
        assert!(hub.tab_complete(early, URL).is_empty(), "taken by the complete it probed");
        // One that inserts the embed code after it loaded (a single-page app): probed when seen.
        assert_eq!(hub.hubspot_seen(TAB, true), [Effect::Probe { tab: TAB }]);
        assert!(hub.hubspot_seen(TAB, true).is_empty(), "the embed script, then the chat iframe: one probe");
        // One whose load the hub did not hear of (it followed no tab then): the browser says it loaded.
        let unfollowed = TAB + 8;
        assert_eq!(hub.hubspot_seen(unfollowed, true), [Effect::Probe { tab: unfollowed }]);
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        // The tab showed HubSpot: its next documents are probed without the discovery script
        // (off, or a page restored from the back/forward cache, where it does not run again).
        hub.tab_navigating(TAB);
        assert_eq!(hub.tab_complete(TAB, URL), [Effect::Probe { tab: TAB }]);
        // Another tab whose page a panel watched (it has a log): probed too.
        let other = TAB + 1;
        hub.relay_message(other, URL, &batch(1, "d1", ORIGIN, ""), 0.0);
        hub.tab_navigating(other);
        assert_eq!(hub.tab_complete(other, URL), [Effect::Probe { tab: other }]);
        // Closing a tab forgets it.
        hub.tab_removed(TAB);
        hub.tab_navigating(TAB);
        assert!(hub.tab_complete(TAB, URL).is_empty());
    }

    /// The probe the popup's request makes (none, or the one `Probe` before the reply).
    fn probes(effects: Vec<Effect>) -> Vec<Effect> {
        assert!(matches!(effects.last(), Some(Effect::Reply { .. })), "the reply last: {effects:?}");
        effects.into_iter().filter(|e| matches!(e, Effect::Probe { .. })).collect()
    }

    #[test]
    fn without_discovery_a_tab_is_probed_when_the_popup_asks_about_it_once_per_document() {
        let mut hub = Hub::default();
        let ask = |tab: i64| format!(r#"{{"v":1,"type":"summary","tab":{tab}}}"#);
        hub.tab_navigating(TAB);
        assert!(hub.tab_complete(TAB, URL).is_empty(), "not seen: not probed");
        assert_eq!(probes(hub.action_asked(&ask(TAB), ORIGIN)), [Effect::Probe { tab: TAB }]);
        assert!(summary(&hub, TAB).looking);
        assert!(probes(hub.action_asked(&ask(TAB), ORIGIN)).is_empty(), "the popup refreshes: one probe per document");
        hub.probe_result(TAB, &probe(ORIGIN, false), ORIGIN);
        assert!(probes(hub.action_asked(&ask(TAB), ORIGIN)).is_empty(), "answered: nothing there");
        hub.tab_navigating(TAB);
        assert_eq!(probes(hub.action_asked(&ask(TAB), ORIGIN)), [Effect::Probe { tab: TAB }], "a new document");
        // A tab with a log (a panel watched it) or watched now is known: no probe.
        let watched = TAB + 1;
        hub.relay_message(watched, URL, &batch(1, "d1", ORIGIN, ""), 0.0);
        assert!(probes(hub.action_asked(&ask(watched), ORIGIN)).is_empty());
        assert!(probes(hub.action_asked(&ask(-1), ORIGIN)).is_empty());
        let effects = hub.action_asked("not a request", ORIGIN);
        assert!(
            matches!(&effects[..], [Effect::Reply { message }] if message.contains(r#""type":"error""#)),
            "{effects:?}"
        );
    }

    #[test]
    fn the_hub_follows_tab_loads_and_cookies_only_while_it_needs_them() {
        let mut hub = Hub::default();
        let opened = |tab: i64| format!(r#"{{"v":1,"type":"summary","tab":{tab},"opened":true}}"#);
        // A (re)started background does not know yet whether discovery is on (the shim asks the
        // browser): a tab event handled meanwhile must not remove the listener of the `complete`.
        hub.tab_navigating(TAB);
        assert!(hub.follows_tabs(), "until the start is known");
        hub.tab_removed(TAB);
        hub.worker_started("[]", false);
        assert!(!hub.follows_tabs() && !hub.watches_cookies(), "nobody asked about anything");
        // A popup on a page without HubSpot: probed, nothing found, still nothing to follow. Its
        // loads are not followed, so the next popup probes again (it may be another document now).
        assert_eq!(probes(hub.action_asked(&opened(TAB), ORIGIN)), [Effect::Probe { tab: TAB }]);
        hub.probe_result(TAB, &probe(ORIGIN, false), ORIGIN);
        assert!(!hub.follows_tabs());
        assert!(!summary(&hub, TAB).looking);
        assert_eq!(probes(hub.action_asked(&opened(TAB), ORIGIN)), [Effect::Probe { tab: TAB }]);
        assert!(summary(&hub, TAB).looking, "what the earlier document showed is not shown");
        // HubSpot found: followed (its later documents are probed at their `complete`), and once its
        // relay sent the hook's log the tab is known: a popup opening does not probe it.
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        assert!(hub.follows_tabs());
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        assert!(probes(hub.action_asked(&opened(TAB), ORIGIN)).is_empty(), "a tab with a log is known");
        hub.tab_removed(TAB);
        assert!(!hub.follows_tabs());
        // A panel: followed while connected; cookies while it watches a tab.
        hub.panel_connected(PANEL);
        assert!(hub.follows_tabs() && !hub.watches_cookies());
        hub.panel_message(PANEL, &json!({"v": 1, "type": "subscribe", "tab": TAB + 1}).to_string());
        assert!(hub.watches_cookies());
        hub.panel_disconnected(PANEL);
        hub.tab_removed(TAB + 1);
        assert!(!hub.follows_tabs() && !hub.watches_cookies());
        // "Find HubSpot on every tab": every load, from the popup's switch or at a start.
        let effects = hub.action_asked(r#"{"v":1,"type":"discovery","on":true}"#, ORIGIN);
        assert!(
            matches!(&effects[..], [Effect::Reply { message }] if message == r#"{"type":"discovery","v":1,"on":true}"#),
            "{effects:?}"
        );
        assert!(hub.follows_tabs());
        hub.action_asked(r#"{"v":1,"type":"discovery","on":false}"#, ORIGIN);
        assert!(!hub.follows_tabs());
        hub.worker_started("[]", true);
        assert!(hub.follows_tabs());
    }

    #[test]
    fn a_first_start_sweeps_the_open_tabs_only_with_discovery_on() {
        let tabs = r#"[{"id":1,"url":"http://a.test/","status":"complete"}]"#;
        let effects = Hub::default().worker_started(tabs, false);
        assert!(matches!(effects[..], [Effect::Store { .. }]), "no probe without discovery: {effects:?}");
    }

    #[test]
    fn a_background_starting_in_a_browser_session_probes_the_open_tabs_once() {
        let mut hub = Hub::default();
        let tabs = r#"[{"id":1,"url":"http://a.test/","status":"complete"},{"id":2,"url":"http://b.test/","status":"loading"},
            {"id":3,"url":"chrome://newtab/","status":"complete"},{"id":4,"status":"complete"},{"id":"x"}]"#;
        let effects = hub.worker_started(tabs, true);
        // The loading tab too: its `complete` may never be reported (the probe waits for the page).
        assert_eq!(effects[..2], [Effect::Probe { tab: 1 }, Effect::Probe { tab: 2 }]);
        let Some(Effect::Store { items, .. }) = effects.get(2) else { panic!("the flag is stored: {effects:?}") };
        assert!(hub.hubspot_seen(1, true).is_empty(), "tab 1 is probed already");
        assert!(hub.hubspot_seen(2, false).is_empty(), "tab 2 is probed already");
        // When its `complete` does come, it is probed again (it may have changed meanwhile).
        assert_eq!(hub.tab_complete(2, "http://b.test/"), [Effect::Probe { tab: 2 }]);
        assert!(hub.worker_started(tabs, true).is_empty(), "once");
        // A worker restarted in the same session (the flag stored) sweeps nothing.
        let items: std::collections::HashMap<String, String> = items.clone().into_iter().collect();
        assert!(Hub::restore(Default::default(), &items).worker_started(tabs, true).is_empty());
        assert_eq!(Hub::default().worker_started("not json", true).len(), 1, "only the flag");
    }

    #[test]
    fn a_page_without_hubspot_has_no_badge_and_no_relay() {
        let mut hub = Hub::default();
        let effects = hub.probe_result(TAB, &probe(ORIGIN, false), ORIGIN);
        assert!(!effects.contains(&Effect::InjectRelay { tab: TAB }), "a page without HubSpot gets no relay");
        assert_eq!(badge_of(&effects).0, "");
        assert_eq!(badge_of(&hub.probe_result(TAB, "null", ORIGIN)).0, "", "a probe that could not run");
        assert_eq!(summary(&hub, TAB).label, "No HubSpot chat found");
    }

    #[test]
    fn a_navigation_makes_the_recorded_document_stale() {
        let mut hub = Hub::default();
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).1, COLOR_READY);

        // To a page without HubSpot: no relay there, nothing recorded; the old page must not show.
        hub.tab_navigating(TAB);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).0, "", "while loading");
        hub.probe_result(TAB, &probe(ORIGIN + 5000.0, false), ORIGIN);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).0, "");
        assert_eq!(summary(&hub, TAB).state, None);

        // A same-document navigation (status loading, then complete): the probe's time origin
        // is the recorded document's, which describes the tab again.
        let mut hub = Hub::default();
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        hub.tab_navigating(TAB);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).0, "");
        hub.probe_result(TAB, &probe(ORIGIN + 0.5, true), ORIGIN);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).1, COLOR_READY);

        // A watched tab: the new document's batch arrives before it completes.
        let mut hub = Hub::default();
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        hub.tab_navigating(TAB);
        hub.relay_message(TAB, URL, &batch(2, "d2", ORIGIN + 900.0, ""), 0.0);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).0, "", "the new document has no HubSpot");
    }

    #[test]
    fn back_to_a_document_from_the_back_forward_cache() {
        let mut hub = Hub::default();
        let placeholder = r#"{"k":"api","seq":1,"t":1,"state":"placeholder","generation":1,"methods":[]}"#;
        hub.relay_message(TAB, URL, &batch(1, "a", ORIGIN, placeholder), 0.0);
        hub.tab_navigating(TAB);
        hub.probe_result(TAB, &probe(ORIGIN + 3000.0, true), ORIGIN);
        hub.relay_message(TAB, URL, &batch(2, "b", ORIGIN + 3000.0, READY), 0.0);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).1, COLOR_READY);
        // Back to "a", restored: its probe, while the hub's latest batch is still "b"'s.
        hub.tab_navigating(TAB);
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).1, COLOR_NOT_LOADED, "not b's badge");
        hub.relay_message(TAB, URL, &batch(3, "a", ORIGIN, ""), 0.0);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).1, COLOR_NOT_LOADED, "a's own status: a placeholder");
    }

    #[test]
    fn a_problem_shows_with_its_count_and_a_recheck() {
        let mut hub = Hub::default();
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        // A placeholder and no widget.load(): load-never-called after its grace period.
        let placeholder = r#"{"k":"api","seq":1,"t":1,"state":"placeholder","generation":1,"methods":["widget.load"]}"#;
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, placeholder), 0.0);
        let early = hub.badge(TAB, ORIGIN + 100.0);
        assert_eq!(badge_of(&early), ("\u{2026}".into(), COLOR_NOT_LOADED.into()));
        let Some(Effect::Badge { recheck_at: Some(at), .. }) = early.last() else { panic!("a recheck: {early:?}") };
        let at = *at;
        assert_eq!(badge_of(&hub.badge(TAB, at + 1.0)), ("1!".into(), COLOR_PROBLEM.into()));
        let s = summary(&hub, TAB);
        assert_eq!(s.state, Some(BadgeState::NotLoaded), "the summary at ORIGIN: still in the grace period");
        match serde_json::from_str(&reply_to(&hub, &format!(r#"{{"v":1,"type":"summary","tab":{TAB}}}"#), at + 1.0)) {
            Ok(ActionReply::Summary(s)) => assert_eq!(s.problems[0].rule, "load-never-called"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_background_that_restarted_says_hello_to_the_hook_at_its_first_panel() {
        // The hook may have been quieted by the background before it stopped: the new one cannot know.
        let hello = Effect::ToRelay { tab: TAB, command: r#"{"v":1,"type":"hello"}"#.into(), call: None };
        let mut hub = Hub::default();
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        hub.panel_connected(PANEL);
        let subscribe = format!(r#"{{"v":1,"type":"subscribe","tab":{TAB}}}"#);
        assert!(hub.panel_message(PANEL, &subscribe).contains(&hello));
        hub.panel_disconnected(PANEL);
        hub.panel_connected(PANEL);
        assert!(!hub.panel_message(PANEL, &subscribe).contains(&hello), "only the first panel of this hub");
    }

    #[test]
    fn a_tab_no_panel_watches_is_quieted_and_sampled() {
        let quiet = Effect::ToRelay { tab: TAB, command: r#"{"v":1,"type":"quiet"}"#.into(), call: None };
        let drain = Effect::ToRelay { tab: TAB, command: r#"{"v":1,"type":"drain"}"#.into(), call: None };
        let mut hub = Hub::default();
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, READY), 0.0);
        let drain_at = |effects: &[Effect]| {
            effects.iter().find_map(|e| match e {
                Effect::Badge { drain_at, .. } => Some(*drain_at),
                _ => None,
            })
        };
        // 0.5 s after the page started: quiet, next sample in 1 s; 40 s after: in 20 s; 10 min: 30 s.
        let effects = hub.badge(TAB, ORIGIN + 500.0);
        assert_eq!(effects[0], quiet);
        assert_eq!(drain_at(&effects), Some(Some(ORIGIN + 1500.0)));
        assert_eq!(drain_at(&hub.badge(TAB, ORIGIN + 40_000.0)), Some(Some(ORIGIN + 60_000.0)));
        assert_eq!(drain_at(&hub.badge(TAB, ORIGIN + 600_000.0)), Some(Some(ORIGIN + 630_000.0)));
        // A sample asks the hook and schedules the next one itself: a hook with nothing new sends no
        // batch, and the badge must not stop sampling then (the page may become ready later).
        let effects = hub.drain(TAB, ORIGIN + 1500.0);
        assert_eq!(effects[0], drain);
        assert!(!effects.contains(&quiet), "quiet is said once per document");
        assert_eq!(drain_at(&effects), Some(Some(ORIGIN + 2500.0)));

        // A panel watches: it streams again (hello), no quiet, no sampling.
        hub.panel_connected(PANEL);
        let effects = hub.panel_message(PANEL, &format!(r#"{{"v":1,"type":"subscribe","tab":{TAB}}}"#));
        assert!(matches!(&effects[2], Effect::ToRelay { command, .. } if command == r#"{"v":1,"type":"hello"}"#));
        let effects = hub.badge(TAB, ORIGIN + 500.0);
        assert!(!effects.contains(&quiet));
        assert_eq!(drain_at(&effects), Some(None));
        assert!(hub.drain(TAB, ORIGIN + 600.0).is_empty());
        // The panel closes (or only reconnects): the hook streams on, as a panel's relay always did.
        hub.panel_disconnected(PANEL);
        let effects = hub.badge(TAB, ORIGIN + 500.0);
        assert!(!effects.contains(&quiet));
        assert_eq!(drain_at(&effects), Some(None));
        hub.panel_connected(PANEL);
        let effects = hub.panel_message(PANEL, &format!(r#"{{"v":1,"type":"subscribe","tab":{TAB}}}"#));
        assert_eq!(effects.len(), 2, "no hello to a hook that was not quieted: {effects:?}");

        // A page without HubSpot (a panel watched it, then closed): no badge, never sampled.
        let mut hub = Hub::default();
        hub.relay_message(TAB, URL, &batch(1, "d1", ORIGIN, ""), 0.0);
        let effects = hub.badge(TAB, ORIGIN);
        assert_eq!(effects.len(), 1);
        assert_eq!(drain_at(&effects), Some(None));
    }

    #[test]
    fn closing_the_tab_forgets_it_and_bad_requests_are_answered() {
        let mut hub = Hub::default();
        hub.probe_result(TAB, &probe(ORIGIN, true), ORIGIN);
        hub.tab_removed(TAB);
        assert_eq!(badge_of(&hub.badge(TAB, ORIGIN)).0, "");
        let reply: serde_json::Value = serde_json::from_str(&reply_to(&hub, "{}", ORIGIN)).unwrap();
        assert_eq!(reply["type"], "error");
    }
}
