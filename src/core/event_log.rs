//! The bounded per-tab log kept by the background.
//!
//! Entries get increasing ids. The log holds at most `max_entries` entries and `max_bytes` of
//! entry cost; beyond that the oldest entries are evicted and counted as dropped. For storage the
//! log is cut into fixed chunks of ids so that appending rewrites only the last chunk.
//!
//! The limits are held in memory (the background's and the panel's). `storage.session` keeps the
//! newest chunks that fit the tab's share of its budget (`hub/storage.rs`): a restarted worker comes
//! back with those, and counts the rest as dropped.

use super::protocol::Entry;
use std::collections::{BTreeSet, VecDeque};

/// Entries kept per tab (in the background and in the panel).
pub const DEFAULT_MAX_ENTRIES: usize = 100_000;
/// Entry cost ([`Entry::cost`]) kept per tab: 100,000 entries of up to ~320 bytes of text each
/// (typical rows carry 100 to 300) fit; a flood of 64 KiB payloads keeps its newest ~640.
pub const DEFAULT_MAX_BYTES: usize = 40 << 20;
/// Entries per storage item. Small, so that what one relay batch (a slice of at most 64 KiB) makes
/// the hub serialize again stays close to the batch's own size (the last chunk is rewritten whole).
pub const CHUNK_SIZE: u64 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: DEFAULT_MAX_ENTRIES, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// Which storage chunks changed since the last call to [`EventLog::take_changes`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChunkChanges {
    pub rewritten: Vec<u64>,
    pub removed: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct EventLog {
    limits: Limits,
    entries: VecDeque<Entry>,
    bytes: usize,
    next_id: u64,
    dropped: u64,
    dirty: BTreeSet<u64>,
    removed: BTreeSet<u64>,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::new(Limits::default())
    }
}

pub fn chunk_of(id: u64) -> u64 {
    id / CHUNK_SIZE
}

impl EventLog {
    pub fn new(limits: Limits) -> Self {
        EventLog {
            limits,
            entries: VecDeque::new(),
            bytes: 0,
            next_id: 1,
            dropped: 0,
            dirty: BTreeSet::new(),
            removed: BTreeSet::new(),
        }
    }

    /// Rebuilds a log from storage. Entries are sorted and de-duplicated by id; ids below
    /// `first_id` (left in a partly evicted chunk) are ignored.
    pub fn restore(limits: Limits, next_id: u64, first_id: u64, dropped: u64, mut entries: Vec<Entry>) -> Self {
        entries.sort_by_key(|e| e.id);
        entries.dedup_by_key(|e| e.id);
        let mut log = EventLog::new(limits);
        log.next_id = next_id.max(entries.last().map_or(1, |e| e.id + 1));
        log.dropped = dropped;
        for entry in entries.into_iter().filter(|e| e.id >= first_id) {
            log.bytes += entry.cost();
            log.entries.push_back(entry);
        }
        log.evict();
        log.dirty.clear();
        log.removed.clear();
        log
    }

    /// Appends an entry built for the next id and returns that id.
    pub fn push(&mut self, build: impl FnOnce(u64) -> Entry) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let entry = build(id);
        debug_assert_eq!(entry.id, id);
        self.bytes += entry.cost();
        self.dirty.insert(chunk_of(id));
        self.entries.push_back(entry);
        self.evict();
        id
    }

    fn evict(&mut self) {
        while self.entries.len() > self.limits.max_entries
            || (self.bytes > self.limits.max_bytes && self.entries.len() > 1)
        {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= old.cost();
            self.dropped += 1;
            let chunk = chunk_of(old.id);
            let chunk_still_used = self.entries.front().is_some_and(|e| chunk_of(e.id) == chunk);
            if !chunk_still_used {
                self.dirty.remove(&chunk);
                self.removed.insert(chunk);
            }
        }
    }

    /// Holds at most `max_bytes` of entry cost from now on: the oldest entries beyond it are evicted
    /// now (counted as dropped).
    pub fn set_max_bytes(&mut self, max_bytes: usize) {
        self.limits.max_bytes = max_bytes;
        self.evict();
    }

    pub fn max_bytes(&self) -> usize {
        self.limits.max_bytes
    }

    /// Every chunk is written again at the next [`EventLog::take_changes`] (a write failed).
    pub fn mark_all_dirty(&mut self) {
        let chunks: BTreeSet<u64> = self.entries.iter().map(|e| chunk_of(e.id)).collect();
        self.dirty.extend(chunks);
    }

    /// Records entries the page side already had to drop.
    pub fn add_dropped(&mut self, count: u64) {
        self.dropped = self.dropped.saturating_add(count);
    }

    /// Empties the log. Ids keep increasing so a stale panel can never confuse old and new rows.
    pub fn clear(&mut self) {
        for entry in &self.entries {
            self.removed.insert(chunk_of(entry.id));
        }
        self.dirty.clear();
        self.entries.clear();
        self.bytes = 0;
        self.dropped = 0;
    }

    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    /// Entries with an id at or after `id`.
    pub fn since(&self, id: u64) -> impl Iterator<Item = &Entry> + '_ {
        let start = self.entries.partition_point(|e| e.id < id);
        self.entries.range(start..)
    }

    /// How many entries have an id below `id`.
    pub fn count_before(&self, id: u64) -> usize {
        self.entries.partition_point(|e| e.id < id)
    }

    /// Entries with an id below `before`, the newest last: at most `max_entries` of them and, past
    /// the first, at most `max_bytes` of entry cost. Also says whether older ones remain.
    pub fn page_before(&self, before: u64, max_entries: usize, max_bytes: usize) -> (Vec<&Entry>, bool) {
        let end = self.count_before(before);
        let mut start = end;
        let mut bytes = 0;
        while start > 0 && end - start < max_entries {
            let cost = self.entries[start - 1].cost();
            if start < end && bytes + cost > max_bytes {
                break;
            }
            bytes += cost;
            start -= 1;
        }
        (self.entries.range(start..end).collect(), start > 0)
    }

    /// The entries of the current document: from the last navigation row on (all without one).
    pub fn current_document(&self) -> impl Iterator<Item = &Entry> + '_ {
        let start = self.entries.iter().rposition(|e| e.kind == super::protocol::EntryKind::Navigation).unwrap_or(0);
        self.entries.range(start..)
    }

    /// The entries of the current document if it has at most `limit` after its navigation row (as
    /// the panel counts them); looks at `limit + 1` entries at most.
    pub fn current_document_up_to(&self, limit: usize) -> Option<impl Iterator<Item = &Entry> + '_> {
        let back =
            self.entries.iter().rev().take(limit + 1).position(|e| e.kind == super::protocol::EntryKind::Navigation);
        let len = match back {
            Some(back) => back + 1, // from the navigation row on
            None if self.entries.len() <= limit => self.entries.len(),
            None => return None,
        };
        Some(self.entries.range(self.entries.len() - len..))
    }

    pub fn chunk(&self, chunk: u64) -> impl Iterator<Item = &Entry> + '_ {
        let start = self.entries.partition_point(|e| chunk_of(e.id) < chunk);
        self.entries.range(start..).take_while(move |e| chunk_of(e.id) == chunk)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    pub fn first_id(&self) -> u64 {
        self.entries.front().map_or(self.next_id, |e| e.id)
    }

    /// Chunks that must be written again and chunks whose storage can go, since the last call.
    pub fn take_changes(&mut self) -> ChunkChanges {
        let rewritten: Vec<u64> = std::mem::take(&mut self.dirty).into_iter().collect();
        let removed = std::mem::take(&mut self.removed).into_iter().filter(|c| !rewritten.contains(c)).collect();
        ChunkChanges { rewritten, removed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::EntryKind;

    fn entry(id: u64, payload_len: usize) -> Entry {
        Entry {
            id,
            doc: "d".into(),
            t: id as f64,
            wall: 0.0,
            kind: EntryKind::Event,
            name: "widgetLoaded".into(),
            via: None,
            undelivered: None,
            summary: String::new(),
            payload: "x".repeat(payload_len),
        }
    }

    fn push(log: &mut EventLog, payload_len: usize) -> u64 {
        log.push(|id| entry(id, payload_len))
    }

    #[test]
    fn the_current_document_up_to_a_limit_is_read_from_the_end() {
        let mut log = EventLog::new(Limits::default());
        let ids =
            |log: &EventLog, limit| log.current_document_up_to(limit).map(|d| d.map(|e| e.id).collect::<Vec<_>>());
        assert_eq!(ids(&log, 3), Some(vec![]));
        for _ in 0..3 {
            push(&mut log, 1);
        }
        assert_eq!(ids(&log, 3), Some(vec![1, 2, 3]), "no navigation: the whole log, if small enough");
        assert_eq!(ids(&log, 2), None);
        log.push(|id| Entry { kind: EntryKind::Navigation, ..entry(id, 1) });
        for _ in 0..2 {
            push(&mut log, 1);
        }
        assert_eq!(ids(&log, 3), Some(vec![4, 5, 6]), "from the navigation row on");
        assert_eq!(ids(&log, 2), Some(vec![4, 5, 6]), "its entries after the navigation row count, as in the panel");
        assert_eq!(ids(&log, 1), None);
        assert_eq!(ids(&log, 3).unwrap(), log.current_document().map(|e| e.id).collect::<Vec<_>>());
    }

    #[test]
    fn keeps_the_last_entries_within_the_count_bound_and_counts_drops() {
        let mut log = EventLog::new(Limits { max_entries: 10_000, max_bytes: usize::MAX });
        for _ in 0..10_250 {
            push(&mut log, 1);
        }
        assert_eq!(log.len(), 10_000);
        assert_eq!(log.dropped(), 250);
        assert_eq!(log.first_id(), 251);
        assert_eq!(log.entries().last().unwrap().id, 10_250);
    }

    #[test]
    fn keeps_within_the_byte_bound() {
        let mut log = EventLog::new(Limits { max_entries: 1000, max_bytes: 10_000 });
        for _ in 0..100 {
            push(&mut log, 900);
        }
        assert!(log.bytes() <= 10_000);
        assert!(log.len() >= 9);
        assert_eq!(log.dropped() as usize + log.len(), 100);
    }

    #[test]
    fn a_single_entry_larger_than_the_budget_is_kept_alone() {
        let mut log = EventLog::new(Limits { max_entries: 10, max_bytes: 100 });
        push(&mut log, 10);
        push(&mut log, 1000);
        assert_eq!(log.len(), 1);
        assert_eq!(log.dropped(), 1);
    }

    #[test]
    fn reports_rewritten_and_removed_chunks() {
        assert_eq!(CHUNK_SIZE, 32);
        let mut log = EventLog::new(Limits { max_entries: 38, max_bytes: usize::MAX });
        for _ in 0..31 {
            push(&mut log, 1);
        }
        assert_eq!(log.take_changes(), ChunkChanges { rewritten: vec![0], removed: vec![] });
        for _ in 0..38 {
            push(&mut log, 1);
        }
        // ids 1..=69; the last 38 are 32..=69 → chunk 0 is gone, 1 and 2 are live.
        let changes = log.take_changes();
        assert_eq!(changes.rewritten, vec![1, 2]);
        assert_eq!(changes.removed, vec![0]);
        assert_eq!(log.chunk(1).count(), 32);
        assert_eq!(log.chunk(2).count(), 69 - 64 + 1);
    }

    #[test]
    fn clear_removes_every_chunk_and_keeps_ids_increasing() {
        let mut log = EventLog::default();
        for _ in 0..600 {
            push(&mut log, 1);
        }
        log.take_changes();
        log.add_dropped(3);
        log.clear();
        assert!(log.is_empty());
        assert_eq!(log.dropped(), 0);
        assert_eq!(log.take_changes().removed, (0..=600 / CHUNK_SIZE).collect::<Vec<_>>());
        assert_eq!(push(&mut log, 1), 601);
    }

    #[test]
    fn restores_ignoring_evicted_and_duplicate_ids() {
        let entries = vec![entry(5, 1), entry(3, 1), entry(4, 1), entry(4, 1), entry(1, 1)];
        let log = EventLog::restore(Limits::default(), 6, 3, 2, entries);
        let ids: Vec<u64> = log.entries().map(|e| e.id).collect();
        assert_eq!(ids, vec![3, 4, 5]);
        assert_eq!(log.dropped(), 2);
        assert_eq!(log.next_id(), 6);
        assert_eq!(log.since(4).count(), 2);
    }
}
