//! Per-document state of a tab: which page records were already seen (de-duplication of batches
//! a relay resends), the page's status, and the documents kept for the back/forward cache.

use super::TabState;
use crate::core::cookies::PageOrigin;
use crate::core::protocol::{ApiState, InlineView, PageBatch, PageRecord, PageStatus, SettingsSource, SettingsView};
use crate::core::summary::navigation_row;
use crate::core::throttle::Throttle;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Documents per tab whose de-duplication state and status are remembered (back/forward cache).
const REMEMBERED_DOCS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct DocState {
    pub doc: String,
    /// The highest record sequence number logged: records at or below it are resends.
    pub last_seq: Option<u64>,
    pub time_origin: f64,
    /// The frame's URL as the BROWSER reported it (the relay port's sender): the only URL cookie
    /// operations use. The page's own `url` may only narrow it (see [`shown_url`]).
    #[serde(default)]
    pub browser_url: String,
    pub status: PageStatus,
    #[serde(default)]
    pub throttles: BTreeMap<String, Throttle>,
}

impl DocState {
    pub fn is_new(&self, record: &PageRecord) -> bool {
        self.last_seq.is_none_or(|last| record.seq() > last)
    }

    /// A batch whose records were all logged before (the relay resent it after a reconnect).
    pub fn is_resend(&self, batch: &PageBatch) -> bool {
        !batch.records.is_empty() && batch.records.iter().all(|r| !self.is_new(r))
    }
}

impl TabState {
    pub(super) fn current(&self) -> Option<&DocState> {
        self.docs.back()
    }

    pub(super) fn status(&self) -> PageStatus {
        let mut status = self.current().map(|d| d.status.clone()).unwrap_or_default();
        status.rejected = self.rejected;
        status.unstored = self.unstored;
        status.overflow = self.overflow;
        status.hook_silent = self.hook_silent;
        status
    }

    /// Makes `batch`'s document the current one; `browser_url` is the URL the browser reports for
    /// the frame that sent it. A document other than the current one is a navigation (or a return
    /// to a document restored from the back/forward cache, whose status is remembered) and adds a
    /// navigation row.
    pub(super) fn enter_document(&mut self, batch: &PageBatch, browser_url: &str) -> &mut DocState {
        let url = shown_url(&batch.url, browser_url);
        if self.current().map(|d| d.doc.as_str()) != Some(batch.doc.as_str()) {
            let known = self.docs.iter().position(|d| d.doc == batch.doc);
            let mut doc = match known {
                Some(index) => self.docs.remove(index).expect("index is in range"),
                None => DocState {
                    doc: batch.doc.clone(),
                    last_seq: None,
                    time_origin: batch.time_origin,
                    browser_url: String::new(),
                    status: PageStatus { doc: batch.doc.clone(), ..PageStatus::default() },
                    throttles: BTreeMap::new(),
                },
            };
            doc.status.url = url.clone();
            let (doc_id, wall) = (doc.doc.clone(), doc.time_origin);
            self.docs.push_back(doc);
            while self.docs.len() > REMEMBERED_DOCS {
                self.docs.pop_front();
            }
            self.log.push(|id| navigation_row(&url).into_entry(id, doc_id, wall));
        }
        let doc = self.docs.back_mut().expect("the document was just made current");
        if !browser_url.is_empty() {
            doc.browser_url = browser_url.to_string();
        }
        doc
    }
}

/// The URL the status and the log show: the page's own `location.href` while it is on the
/// scheme and host the browser reports for the frame (a `pushState` path, a fragment), else the
/// browser's. A page can narrow what the browser says, never widen it.
fn shown_url(page_url: &str, browser_url: &str) -> String {
    if browser_url.is_empty() {
        return page_url.to_string();
    }
    match (PageOrigin::parse(page_url), PageOrigin::parse(browser_url)) {
        (Some(page), Some(browser)) if page == browser => page_url.to_string(),
        _ => browser_url.to_string(),
    }
}

/// What a record changes in the page's status.
pub(super) fn apply_to_status(status: &mut PageStatus, record: &PageRecord) {
    match record {
        PageRecord::Api { state, methods, .. } => {
            status.api = *state;
            status.methods = methods.clone();
            if *state == ApiState::Absent {
                status.widget_loaded = false;
            }
        }
        PageRecord::Settings { t, source, phase, present, fields, .. } => {
            let view = SettingsView { t: *t, phase: *phase, present: *present, fields: fields.clone() };
            if *source == SettingsSource::Assigned {
                status.settings_as_set = Some(view.clone());
            }
            status.settings_now = Some(view);
        }
        PageRecord::Inline { selector, exists, width, height, .. } => {
            status.inline =
                Some(InlineView { selector: selector.clone(), exists: *exists, width: *width, height: *height });
        }
        PageRecord::Widget { loaded, .. } => status.widget_loaded = *loaded,
        PageRecord::Loader { src, portal, .. } => {
            // The portal script (js.hs-scripts.com/<id>.js) only inserts the real loader
            // (conversations-embed.js): the status shows the loader once it is known.
            let is_portal_script = src.contains("hs-scripts");
            if status.loader_src.is_none() || !is_portal_script {
                status.loader_src = Some(src.clone());
            }
            if portal.is_some() {
                status.portal = portal.clone();
            }
        }
        PageRecord::Call { .. }
        | PageRecord::Event { .. }
        | PageRecord::Open { .. }
        | PageRecord::PageCall { .. }
        | PageRecord::OnReady { .. }
        | PageRecord::Nav { .. }
        | PageRecord::Csp { .. }
        | PageRecord::WidgetData { .. }
        | PageRecord::Iframe { .. }
        | PageRecord::ChatMessage { .. }
        | PageRecord::Env { .. } => {}
    }
}
