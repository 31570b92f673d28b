//! How the hub keeps its state in `storage.session`, so that a stopped service worker (or Firefox
//! event page) comes back with every tab's log: one `tab:<id>:meta` item per tab (counters,
//! documents) and one `tab:<id>:chunk:<n>` item per chunk of the log (entries as JSON text).

use super::document::DocState;
use super::{cookies::CookieState, Effect, Hub, TabState};
use crate::core::event_log::{chunk_of, EventLog, Limits, CHUNK_SIZE};
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
    #[serde(default)]
    overflow: u64,
    #[serde(default)]
    hook_silent: bool,
}

/// A generous estimate of a tab's meta item while its chunks are sized (documents included).
const META_BYTES: usize = 16 << 10;

fn meta_key(tab: i64) -> String {
    format!("tab:{tab}:meta")
}

fn chunk_key(tab: i64, chunk: u64) -> String {
    format!("tab:{tab}:chunk:{chunk}")
}

/// `tab:<id>:<kind>[:<chunk>]` → (id, kind, chunk).
fn parse_key(key: &str) -> Option<(i64, &str, Option<u64>)> {
    let mut parts = key.split(':');
    let (Some("tab"), Some(tab), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some((tab.parse().ok()?, kind, parts.next().and_then(|chunk| chunk.parse().ok())))
}

impl Hub {
    /// Rebuilds the hub from everything the worker stored in `storage.session`.
    /// Unreadable items are skipped: a corrupt chunk costs its entries, not the tab.
    pub fn restore(limits: Limits, items: &HashMap<String, String>) -> Self {
        let mut hub = Hub::new(limits);
        hub.swept = items.contains_key(super::action::SWEPT_KEY);
        let mut chunks: HashMap<i64, Vec<Entry>> = HashMap::new();
        let mut chunk_sizes: HashMap<i64, BTreeMap<u64, usize>> = HashMap::new();
        let mut metas: Vec<(i64, TabMeta, usize)> = vec![];
        for (key, value) in items {
            match parse_key(key) {
                Some((tab, "chunk", Some(chunk))) => {
                    if let Ok(entries) = serde_json::from_str::<Vec<Entry>>(value) {
                        chunks.entry(tab).or_default().extend(entries);
                        chunk_sizes.entry(tab).or_default().insert(chunk, value.len());
                    }
                }
                Some((tab, "meta", None)) => {
                    if let Ok(meta) = serde_json::from_str::<TabMeta>(value) {
                        metas.push((tab, meta, value.len()));
                    }
                }
                _ => {}
            }
        }
        for (tab, meta, meta_size) in metas {
            let entries = chunks.remove(&tab).unwrap_or_default();
            let log = EventLog::restore(limits, meta.next_id, meta.first_id, meta.dropped, entries);
            let state = TabState {
                log,
                docs: meta.docs,
                rejected: meta.rejected,
                next_call_id: meta.next_call_id.max(1),
                pending_calls: BTreeMap::new(),
                unstored: false,
                overflow: meta.overflow,
                hook_silent: meta.hook_silent,
                stored_from: 0,
                stored_chunks: chunk_sizes.remove(&tab).unwrap_or_default(),
                stored_meta: meta_size,
                cookies: CookieState::default(),
            };
            hub.tabs.insert(tab, state);
        }
        hub.apply_memory_shares();
        hub
    }

    /// A tab's share of the storage budget.
    fn tab_quota(&self) -> usize {
        self.storage_budget / self.tabs.len().max(1)
    }

    /// The storage writes that bring `tab`'s items up to date with its state. A tab over its
    /// quota stops storing its own oldest chunks (they stay in memory, up to the log's limits, and
    /// a restarted worker counts them as dropped) until its items fit.
    pub(super) fn persist(&mut self, tab: i64) -> Vec<Effect> {
        let quota = self.tab_quota();
        let Some(state) = self.tabs.get_mut(&tab) else {
            return vec![];
        };
        let mut items = BTreeMap::new();
        let mut removed = BTreeSet::new();
        let changes = state.log.take_changes();
        for chunk in changes.removed {
            state.stored_chunks.remove(&chunk);
            removed.insert(chunk);
        }
        for chunk in changes.rewritten.into_iter().filter(|c| *c >= state.stored_from) {
            let entries: Vec<&Entry> = state.log.chunk(chunk).collect();
            let text = serde_json::to_string(&entries).expect("entries serialize");
            state.stored_chunks.insert(chunk, text.len());
            removed.remove(&chunk);
            items.insert(chunk_key(tab, chunk), text);
        }
        state.stored_meta = META_BYTES;
        while state.stored_bytes() > quota && state.stored_chunks.len() > 1 {
            let Some((chunk, _)) = state.stored_chunks.pop_first() else { break };
            items.remove(&chunk_key(tab, chunk));
            removed.insert(chunk);
            state.stored_from = chunk + 1;
        }
        // What a restarted worker gets: the stored chunks, the entries before them counted dropped.
        let first_id = state.log.first_id().max(state.stored_from * CHUNK_SIZE);
        let memory_only = state.log.count_before(first_id) as u64;
        let meta = TabMeta {
            next_id: state.log.next_id(),
            first_id,
            dropped: state.log.dropped() + memory_only,
            rejected: state.rejected,
            docs: state.docs.clone(),
            next_call_id: state.next_call_id,
            overflow: state.overflow,
            hook_silent: state.hook_silent,
        };
        let meta = serde_json::to_string(&meta).expect("meta serializes");
        state.stored_meta = meta.len();
        items.insert(meta_key(tab), meta);
        let mut effects = Vec::new();
        if !removed.is_empty() {
            effects.push(Effect::Remove { keys: removed.into_iter().map(|c| chunk_key(tab, c)).collect() });
        }
        effects.push(Effect::Store { tab, items, confirm: state.unstored });
        effects
    }

    /// Every tab other than `except` that holds more than its (just reduced) quota stops storing
    /// its oldest chunks now (its log in memory is untouched).
    pub(super) fn enforce_quotas(&mut self, except: i64) -> Vec<Effect> {
        let quota = self.tab_quota();
        let over: Vec<i64> = self
            .tabs
            .iter()
            .filter(|(tab, state)| **tab != except && state.stored_bytes() > quota)
            .map(|(tab, _)| *tab)
            .collect();
        over.into_iter().flat_map(|tab| self.persist(tab)).collect()
    }

    /// The tab closed: forget it and everything it stored.
    pub fn tab_removed(&mut self, tab: i64) -> Vec<Effect> {
        self.action.remove(&tab);
        let Some(mut state) = self.tabs.remove(&tab) else {
            return vec![];
        };
        let removed = state.log.take_changes().removed;
        let chunks: BTreeSet<u64> = state.log.entries().map(|e| chunk_of(e.id)).chain(removed).collect();
        let mut keys: Vec<String> = chunks.into_iter().map(|chunk| chunk_key(tab, chunk)).collect();
        keys.push(meta_key(tab));
        // The others' share of the memory budget grows again (nothing is evicted by a larger one).
        self.apply_memory_shares();
        vec![Effect::Remove { keys }]
    }
}
