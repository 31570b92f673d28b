//! How the hub keeps its state in `storage.session`, so that a stopped service worker (or Firefox
//! event page) comes back with every tab's log: one `tab:<id>:meta` item per tab (counters,
//! documents) and one `tab:<id>:chunk:<n>` item per chunk of the log (entries as JSON text).

use super::document::DocState;
use super::{cookies::CookieState, Effect, Hub, TabState};
use crate::core::event_log::{chunk_of, EventLog, Limits};
use crate::core::protocol::Entry;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

#[derive(Serialize, Deserialize)]
struct TabMeta {
    next_id: u64,
    first_id: u64,
    dropped: u64,
    rejected: u64,
    docs: VecDeque<DocState>,
    #[serde(default)]
    next_call_id: u64,
}

fn meta_key(tab: i64) -> String {
    format!("tab:{tab}:meta")
}

fn chunk_key(tab: i64, chunk: u64) -> String {
    format!("tab:{tab}:chunk:{chunk}")
}

/// `tab:<id>:<kind>…` → (id, kind).
fn parse_key(key: &str) -> Option<(i64, &str)> {
    let mut parts = key.split(':');
    let (Some("tab"), Some(tab), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some((tab.parse().ok()?, kind))
}

impl Hub {
    /// Rebuilds the hub from everything the worker stored in `storage.session`.
    /// Unreadable items are skipped: a corrupt chunk costs its entries, not the tab.
    pub fn restore(limits: Limits, items: &HashMap<String, String>) -> Self {
        let mut hub = Hub::new(limits);
        let mut chunks: HashMap<i64, Vec<Entry>> = HashMap::new();
        let mut metas: Vec<(i64, TabMeta)> = vec![];
        for (key, value) in items {
            match parse_key(key) {
                Some((tab, "chunk")) => {
                    if let Ok(entries) = serde_json::from_str::<Vec<Entry>>(value) {
                        chunks.entry(tab).or_default().extend(entries);
                    }
                }
                Some((tab, "meta")) => {
                    if let Ok(meta) = serde_json::from_str::<TabMeta>(value) {
                        metas.push((tab, meta));
                    }
                }
                _ => {}
            }
        }
        for (tab, meta) in metas {
            let entries = chunks.remove(&tab).unwrap_or_default();
            let log = EventLog::restore(limits, meta.next_id, meta.first_id, meta.dropped, entries);
            let state = TabState {
                log,
                docs: meta.docs,
                rejected: meta.rejected,
                next_call_id: meta.next_call_id.max(1),
                pending_calls: BTreeMap::new(),
                cookies: CookieState::default(),
            };
            hub.tabs.insert(tab, state);
        }
        hub
    }

    /// The storage writes that bring `tab`'s items up to date with its state.
    pub(super) fn persist(&mut self, tab: i64) -> Vec<Effect> {
        let Some(state) = self.tabs.get_mut(&tab) else {
            return vec![];
        };
        let changes = state.log.take_changes();
        let mut items = BTreeMap::new();
        for chunk in changes.rewritten {
            let entries: Vec<&Entry> = state.log.chunk(chunk).collect();
            let text = serde_json::to_string(&entries).expect("entries serialize");
            items.insert(chunk_key(tab, chunk), text);
        }
        let meta = TabMeta {
            next_id: state.log.next_id(),
            first_id: state.log.first_id(),
            dropped: state.log.dropped(),
            rejected: state.rejected,
            docs: state.docs.clone(),
            next_call_id: state.next_call_id,
        };
        items.insert(meta_key(tab), serde_json::to_string(&meta).expect("meta serializes"));
        let mut effects = Vec::new();
        if !changes.removed.is_empty() {
            effects.push(Effect::Remove { keys: changes.removed.into_iter().map(|c| chunk_key(tab, c)).collect() });
        }
        effects.push(Effect::Store { items });
        effects
    }

    /// The tab closed: forget it and everything it stored.
    pub fn tab_removed(&mut self, tab: i64) -> Vec<Effect> {
        let Some(mut state) = self.tabs.remove(&tab) else {
            return vec![];
        };
        let removed = state.log.take_changes().removed;
        let chunks: BTreeSet<u64> = state.log.entries().map(|e| chunk_of(e.id)).chain(removed).collect();
        let mut keys: Vec<String> = chunks.into_iter().map(|chunk| chunk_key(tab, chunk)).collect();
        keys.push(meta_key(tab));
        vec![Effect::Remove { keys }]
    }
}
