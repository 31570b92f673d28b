//! The rows of the log view, shared with the view without copying, and extended without copying
//! what they already hold: blocks of at most [`BLOCK`] rows, each shared by every version of the
//! list that holds it. Appending copies the last block (at most `BLOCK` rows) and the list of
//! blocks (one pointer per `BLOCK` rows); evicting at the front only moves an offset.
//!
//! `len`, `get`, `range`, `iter`, `first`, `last` and `position_of` read the blocks. The slice
//! (`Deref`, e.g. `rows[a..b]`) is built once per list on first use: O(rows) — a view that shows a
//! window of a large log should use `range`.

use super::protocol::Entry;
use std::cell::OnceCell;
use std::rc::Rc;

/// Rows per block.
pub const BLOCK: usize = 1024;

type Block = Rc<[Rc<Entry>]>;

/// Two `Rows` are equal when they are the same list: a new list is made whenever the rows change.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    blocks: Rc<[Block]>,
    /// Index of each block's first row, counted from the first block's first row (`skip` included).
    starts: Rc<[usize]>,
    /// Rows of the first block no longer in the list (evicted).
    skip: usize,
    len: usize,
    flat: Rc<OnceCell<Rc<[Rc<Entry>]>>>,
}

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.blocks, &other.blocks) && self.skip == other.skip && self.len == other.len
    }
}

impl std::ops::Deref for Rows {
    type Target = [Rc<Entry>];
    fn deref(&self) -> &Self::Target {
        self.flat.get_or_init(|| self.iter().cloned().collect())
    }
}

impl Rows {
    fn from_blocks(blocks: Vec<Block>, skip: usize) -> Rows {
        let mut starts = Vec::with_capacity(blocks.len());
        let mut at = 0;
        for block in &blocks {
            starts.push(at);
            at += block.len();
        }
        Rows { blocks: blocks.into(), starts: starts.into(), skip, len: at - skip, flat: Rc::default() }
    }

    fn blocks_of(rows: Vec<Rc<Entry>>) -> Vec<Block> {
        rows.chunks(BLOCK).map(Block::from).collect()
    }

    pub fn new(rows: Vec<Rc<Entry>>) -> Rows {
        Rows::from_blocks(Rows::blocks_of(rows), 0)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&Rc<Entry>> {
        if index >= self.len {
            return None;
        }
        let raw = index + self.skip;
        let block = self.starts.partition_point(|s| *s <= raw) - 1;
        self.blocks[block].get(raw - self.starts[block])
    }

    pub fn first(&self) -> Option<&Rc<Entry>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&Rc<Entry>> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The rows `start..end` (clamped to the list).
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        let end = end.min(self.len);
        let start = start.min(end);
        let raw = start + self.skip;
        let block = self.starts.partition_point(|s| *s <= raw).saturating_sub(1);
        let offset = raw - self.starts.get(block).copied().unwrap_or(0);
        Iter { blocks: &self.blocks, block, offset, left: end - start }
    }

    pub fn iter(&self) -> Iter<'_> {
        self.range(0, self.len)
    }

    /// Position of the row of entry `id` (rows are in id order).
    pub fn position_of(&self, id: u64) -> Option<usize> {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = (low + high) / 2;
            match self.get(mid)?.id.cmp(&id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The list without its first `count` rows.
    pub fn without_first(&self, count: usize) -> Rows {
        let mut skip = self.skip + count.min(self.len);
        let mut blocks: Vec<Block> = self.blocks.to_vec();
        let mut gone = 0;
        while blocks.get(gone).is_some_and(|b| skip >= b.len() && !b.is_empty()) {
            skip -= blocks[gone].len();
            gone += 1;
        }
        blocks.drain(..gone);
        Rows::from_blocks(blocks, skip)
    }

    /// The list with `rows` after its last row.
    pub fn with_appended(&self, rows: Vec<Rc<Entry>>) -> Rows {
        if rows.is_empty() {
            return self.clone();
        }
        let mut blocks: Vec<Block> = self.blocks.to_vec();
        let mut rows = rows;
        let mut skip = self.skip;
        if let Some(last) = blocks.last().filter(|b| b.len() < BLOCK) {
            // The last block is copied with the new rows (at most BLOCK rows).
            let keep = if blocks.len() == 1 { skip } else { 0 };
            let mut merged: Vec<Rc<Entry>> = last[keep..].to_vec();
            if blocks.len() == 1 {
                skip = 0;
            }
            merged.append(&mut rows);
            rows = merged;
            blocks.pop();
        }
        blocks.extend(Rows::blocks_of(rows));
        Rows::from_blocks(blocks, skip)
    }

    /// The list with `rows` before its first row.
    pub fn with_prepended(&self, rows: Vec<Rc<Entry>>) -> Rows {
        if rows.is_empty() {
            return self.clone();
        }
        let mut blocks = Rows::blocks_of(rows);
        let mut rest: Vec<Block> = self.blocks.to_vec();
        if let Some(first) = rest.first_mut() {
            if self.skip > 0 {
                *first = first[self.skip..].into();
            }
        }
        blocks.extend(rest.into_iter().filter(|b| !b.is_empty()));
        Rows::from_blocks(blocks, 0)
    }
}

/// The rows of a [`Rows`] in order.
pub struct Iter<'a> {
    blocks: &'a [Block],
    block: usize,
    offset: usize,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Rc<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.left > 0 {
            let block = self.blocks.get(self.block)?;
            if let Some(row) = block.get(self.offset) {
                self.offset += 1;
                self.left -= 1;
                return Some(row);
            }
            self.block += 1;
            self.offset = 0;
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::EntryKind;

    fn rows(ids: std::ops::Range<u64>) -> Vec<Rc<Entry>> {
        ids.map(|id| Rc::new(Entry::sample(id, EntryKind::Event, "a", "", ""))).collect()
    }

    fn ids(rows: &Rows) -> Vec<u64> {
        rows.iter().map(|e| e.id).collect()
    }

    #[test]
    fn appends_evictions_and_prepends_read_like_one_list() {
        let mut list = Rows::new(rows(100..1100));
        let mut expected: Vec<u64> = (100..1100).collect();
        let mut next = 1100;
        for step in 0..40u64 {
            let n = (step * 37) % 700;
            list = list.with_appended(rows(next..next + n));
            expected.extend(next..next + n);
            next += n;
            let drop = ((step * 53) % 900) as usize;
            list = list.without_first(drop);
            expected.drain(..drop.min(expected.len()));
            if step % 7 == 0 {
                let first = expected.first().copied().unwrap_or(next);
                let n = first.min(300);
                list = list.with_prepended(rows(first - n..first));
                expected.splice(0..0, first - n..first);
            }
            assert_eq!(ids(&list), expected, "step {step}");
            assert_eq!(list.len(), expected.len());
            assert_eq!(
                list.iter().map(|e| e.id).collect::<Vec<_>>(),
                list.to_vec().iter().map(|e| e.id).collect::<Vec<_>>()
            );
            for (i, id) in expected.iter().enumerate().step_by(97) {
                assert_eq!(list.get(i).map(|e| e.id), Some(*id));
                assert_eq!(list.position_of(*id), Some(i));
                assert_eq!(
                    list.range(i, i + 5).map(|e| e.id).collect::<Vec<_>>(),
                    expected[i..(i + 5).min(expected.len())]
                );
            }
            assert_eq!(list.get(expected.len()), None);
            assert_eq!(list.last().map(|e| e.id), expected.last().copied());
        }
    }

    #[test]
    fn an_append_shares_the_full_blocks() {
        let list = Rows::new(rows(0..3000));
        let longer = list.with_appended(rows(3000..3001));
        assert!(Rc::ptr_eq(&list.blocks[0], &longer.blocks[0]));
        assert!(Rc::ptr_eq(&list.blocks[1], &longer.blocks[1]));
        assert_ne!(list, longer);
        assert_eq!(list, list.clone());
    }
}
