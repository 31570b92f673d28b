//! Narrowing the log, like the Network panel's filter bar: kind chips, the SDK event name, and a
//! text query of terms that must all match (`-term` excludes, `/regex/` is a regular expression,
//! case-insensitive like the plain terms).
//!
//! Regular expressions are compiled by an engine the embedder installs ([`install_regex_engine`]):
//! the panel uses the browser's `RegExp` (no regex crate in the wasm: `regex-lite` cost 20.9 KB
//! gzipped), the native tests `regex-lite`.

use super::case::{is_lowercase, lowercase};
use super::protocol::{Entry, EntryKind};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::OnceLock;

/// A compiled regular expression.
pub trait RegexMatch: std::fmt::Debug {
    fn is_match(&self, text: &str) -> bool;
}

/// Compiles a pattern case-insensitively, or says why it is invalid (one line).
pub type RegexEngine = fn(&str) -> Result<Rc<dyn RegexMatch>, String>;

static REGEX_ENGINE: OnceLock<RegexEngine> = OnceLock::new();

/// Installs the engine `/regex/` terms are compiled with (once; later calls are ignored).
pub fn install_regex_engine(engine: RegexEngine) {
    let _ = REGEX_ENGINE.set(engine);
}

/// The kind chips: every record kind of the log belongs to exactly one (navigation separators to
/// none: they are always shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KindGroup {
    /// SDK events (from the chat iframe, the DOM, or `on()`).
    Sdk,
    /// The widget's life: API objects, loader script, chat iframe, open/close, onReady, messages.
    Widget,
    /// The page's own SDK calls, traced.
    Page,
    /// The calls made from this panel and their results.
    Panel,
    /// Facts the rules use: settings, env, CSP, widget-data request, URL changes.
    Diagnostics,
}

impl KindGroup {
    pub const ALL: [KindGroup; 5] =
        [KindGroup::Sdk, KindGroup::Widget, KindGroup::Page, KindGroup::Panel, KindGroup::Diagnostics];

    /// The chip's `data-kind-chip` value, also its name in the remembered preferences.
    pub fn slug(self) -> &'static str {
        match self {
            KindGroup::Sdk => "sdk",
            KindGroup::Widget => "widget",
            KindGroup::Page => "page",
            KindGroup::Panel => "panel",
            KindGroup::Diagnostics => "diagnostics",
        }
    }

    pub fn from_slug(slug: &str) -> Option<KindGroup> {
        KindGroup::ALL.into_iter().find(|g| g.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            KindGroup::Sdk => "SDK events",
            KindGroup::Widget => "Widget life",
            KindGroup::Page => "Page calls",
            KindGroup::Panel => "Panel calls",
            KindGroup::Diagnostics => "Diagnostics",
        }
    }

    /// What the chip shows, for its tooltip.
    pub fn help(self) -> &'static str {
        match self {
            KindGroup::Sdk => "SDK events: from the chat iframe, the page's DOM or on()",
            KindGroup::Widget => {
                "The widget's life: HubSpotConversations objects, loader script, chat iframe, open/close, onReady"
            }
            KindGroup::Page => "The page's own calls of the SDK (with the calling script's line)",
            KindGroup::Panel => "The calls made from this panel and their results",
            KindGroup::Diagnostics => {
                "Facts the diagnostics use: settings, page environment, CSP, widget data, URL changes"
            }
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The chip of a record kind; `None` for navigation separators.
    pub fn of(kind: EntryKind) -> Option<KindGroup> {
        Some(match kind {
            EntryKind::Event => KindGroup::Sdk,
            EntryKind::Api
            | EntryKind::Widget
            | EntryKind::Loader
            | EntryKind::Open
            | EntryKind::Iframe
            | EntryKind::OnReady
            | EntryKind::ChatMessage => KindGroup::Widget,
            EntryKind::PageCall => KindGroup::Page,
            EntryKind::Call => KindGroup::Panel,
            EntryKind::Settings | EntryKind::Env | EntryKind::Csp | EntryKind::WidgetData | EntryKind::UrlChange => {
                KindGroup::Diagnostics
            }
            EntryKind::Navigation => return None,
        })
    }
}

/// A set of kind chips; empty means "All".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinds(u8);

impl Kinds {
    pub fn all() -> Kinds {
        Kinds(0)
    }

    pub fn is_all(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, group: KindGroup) -> bool {
        self.0 & group.bit() != 0
    }

    /// Toggles one chip; every chip on is the same as "All".
    pub fn toggle(self, group: KindGroup) -> Kinds {
        let bits = self.0 ^ group.bit();
        let every = KindGroup::ALL.iter().fold(0, |acc, g| acc | g.bit());
        Kinds(if bits == every { 0 } else { bits })
    }

    pub fn from_groups(groups: impl IntoIterator<Item = KindGroup>) -> Kinds {
        groups.into_iter().fold(Kinds::all(), |kinds, g| if kinds.contains(g) { kinds } else { kinds.toggle(g) })
    }

    pub fn groups(self) -> Vec<KindGroup> {
        KindGroup::ALL.into_iter().filter(|g| self.contains(*g)).collect()
    }

    pub fn admits(self, kind: EntryKind) -> bool {
        match KindGroup::of(kind) {
            Some(group) => self.is_all() || self.contains(group),
            None => true,
        }
    }
}

/// Longest filter text taken (longer input is cut).
pub const MAX_FILTER_CHARS: usize = 500;

#[derive(Debug, Clone)]
enum Matcher {
    /// Lowercased text.
    Plain(String),
    Regex(Rc<dyn RegexMatch>),
}

#[derive(Debug, Clone)]
struct Term {
    negated: bool,
    matcher: Matcher,
    /// The byte pairs of a plain term (see [`Pairs`]).
    pairs: Pairs,
}

/// Which byte pairs a lower-cased text holds, hashed into 256 bits: a text holds a term only if
/// it holds every pair of the term, so most entries are ruled out without reading their text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pairs([u64; 4]);

impl Pairs {
    pub fn of(text: &[u8]) -> Pairs {
        let mut bits = [0u64; 4];
        for pair in text.windows(2) {
            let hash = ((u32::from(pair[0]) << 8 | u32::from(pair[1])).wrapping_mul(0x9E37_79B1) >> 24) as usize;
            bits[hash >> 6] |= 1 << (hash & 63);
        }
        Pairs(bits)
    }

    fn within(&self, other: &Pairs) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }
}

impl Term {
    fn matches(&self, fields: &[&str]) -> bool {
        let found = fields.iter().any(|field| match &self.matcher {
            Matcher::Plain(needle) => contains_ignoring_case(field, needle),
            Matcher::Regex(re) => re.is_match(field),
        });
        found != self.negated
    }

    /// Like `matches`, with the entry's lower-cased search text ([`search_text`]) at hand.
    fn matches_indexed(&self, fields: &[&str], search: Option<&str>) -> bool {
        let found = match (&self.matcher, search) {
            (Matcher::Plain(needle), Some(search)) => search.contains(needle.as_str()),
            (Matcher::Plain(needle), None) => fields.iter().any(|field| field.contains(needle.as_str())),
            (Matcher::Regex(re), _) => fields.iter().any(|field| re.is_match(field)),
        };
        found != self.negated
    }

    fn plain(&self) -> Option<&str> {
        match &self.matcher {
            Matcher::Plain(needle) if !self.negated => Some(needle),
            _ => None,
        }
    }
}

/// What plain terms are searched in: the entry's name, summary and payload lower-cased, once per
/// entry (separated by a NUL, which no term holds). `None` when lower-casing changes nothing: the
/// entry's own text is searched then, not stored twice.
pub fn search_text(entry: &Entry) -> Option<Box<str>> {
    let fields = [entry.name.as_str(), entry.summary.as_str(), entry.payload.as_str()];
    if fields.iter().all(|f| is_lowercase(f)) {
        return None;
    }
    let mut text = String::with_capacity(fields.iter().map(|f| f.len() + 1).sum());
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            text.push('\0');
        }
        if field.is_ascii() {
            text.extend(field.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            text.push_str(&lowercase(field));
        }
    }
    Some(text.into_boxed_str())
}

/// The text query, compiled once per change of the text.
#[derive(Debug, Clone, Default)]
struct Query {
    terms: Vec<Term>,
    /// Why the text is not applied (an invalid regular expression).
    error: Option<String>,
}

impl Query {
    fn parse(text: &str) -> Query {
        let mut terms = vec![];
        for token in tokens(text) {
            let (negated, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, token.as_str()),
            };
            let matcher = match body.strip_prefix('/').and_then(|b| b.strip_suffix('/')) {
                Some(pattern) if !pattern.is_empty() => {
                    let compiled = match REGEX_ENGINE.get() {
                        Some(compile) => compile(pattern),
                        None => Err("regular expressions are not available here".to_string()),
                    };
                    match compiled {
                        Ok(re) => Matcher::Regex(re),
                        Err(why) => {
                            let why = why.trim().trim_end_matches('.');
                            return Query {
                                terms: vec![],
                                error: Some(format!(
                                    "Invalid regular expression /{pattern}/: {why}. The text filter is not applied."
                                )),
                            };
                        }
                    }
                }
                _ => Matcher::Plain(lowercase(body)),
            };
            let pairs = match &matcher {
                Matcher::Plain(needle) => Pairs::of(needle.as_bytes()),
                Matcher::Regex(_) => Pairs::default(),
            };
            terms.push(Term { negated, matcher, pairs });
        }
        Query { terms, error: None }
    }
}

/// Whitespace-separated terms; a `/regex/` (or `-/regex/`) may contain spaces.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut open: Option<String> = None;
    for word in text.split_whitespace() {
        if let Some(mut regex) = open.take() {
            regex.push(' ');
            regex.push_str(word);
            if word.ends_with('/') {
                out.push(regex);
            } else {
                open = Some(regex);
            }
            continue;
        }
        let body = word.strip_prefix('-').unwrap_or(word);
        if body.starts_with('/') && (body.len() == 1 || !body.ends_with('/')) {
            open = Some(word.to_string());
        } else {
            out.push(word.to_string());
        }
    }
    out.extend(open);
    out
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Show only entries with exactly this name.
    pub name: Option<String>,
    /// The kind chips on (none: all).
    pub kinds: Kinds,
    /// The text as typed (see the module's doc).
    text: String,
    query: Query,
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.kinds == other.kinds && self.text == other.text
    }
}

impl Filter {
    pub fn with_name(mut self, name: &str) -> Filter {
        self.name = Some(name.to_string());
        self
    }

    pub fn with_text(mut self, text: &str) -> Filter {
        self.set_text(text);
        self
    }

    pub fn set_text(&mut self, text: &str) {
        let text: String = text.chars().take(MAX_FILTER_CHARS).collect();
        if text != self.text {
            self.query = Query::parse(&text);
            self.text = text;
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the text is not applied, if it is not (an invalid regular expression).
    pub fn error(&self) -> Option<&str> {
        self.query.error.as_deref()
    }

    pub fn is_active(&self) -> bool {
        self.name.is_some() || !self.kinds.is_all() || !self.query.terms.is_empty()
    }

    pub fn matches(&self, entry: &Entry) -> bool {
        if entry.kind == EntryKind::Navigation {
            return true;
        }
        if !self.kinds.admits(entry.kind) {
            return false;
        }
        if let Some(name) = &self.name {
            if &entry.name != name {
                return false;
            }
        }
        let fields = [entry.name.as_str(), entry.summary.as_str(), entry.payload.as_str()];
        self.query.terms.iter().all(|term| term.matches(&fields))
    }
}

impl Filter {
    /// [`Filter::matches`] with the entry's search text ([`search_text`]) built once beforehand.
    pub fn matches_indexed(&self, entry: &Entry, search: Option<&str>) -> bool {
        if entry.kind == EntryKind::Navigation {
            return true;
        }
        if !self.kinds.admits(entry.kind) || self.name.as_ref().is_some_and(|name| *name != entry.name) {
            return false;
        }
        let fields = [entry.name.as_str(), entry.summary.as_str(), entry.payload.as_str()];
        self.query.terms.iter().all(|term| term.matches_indexed(&fields, search))
    }

    /// Whether every entry this filter admits is also admitted by `old` (same name and kinds, and
    /// each plain term of `old` inside a plain term of this one: "conv" → "conversation x"). Then
    /// the rows `old` showed are the only ones to look at again.
    pub fn narrows(&self, old: &Filter) -> bool {
        self.name == old.name
            && self.kinds == old.kinds
            && old.query.error.is_none()
            && old.query.terms.iter().all(|term| {
                term.plain().is_some_and(|needle| {
                    self.query.terms.iter().any(|t| t.plain().is_some_and(|new| new.contains(needle)))
                })
            })
    }
}

/// The filter's index of the panel's live log: per entry its kind, interned name and search text
/// (built once, when the entry arrives), the entries of each name, the navigation rows. Entries are
/// named by slot: a number that stays with the entry while older ones are evicted at the front or
/// loaded before it (a snapshot arrives newest first).
#[derive(Debug, Clone, Default)]
pub struct LogIndex {
    /// Slot of `meta[0]`.
    base: u64,
    meta: VecDeque<Meta>,
    names: Vec<Rc<str>>,
    name_ids: BTreeMap<Rc<str>, u32>,
    /// Slots of the entries of each name (by name id), ascending.
    by_name: Vec<VecDeque<u64>>,
    /// Entries of kind `event` per name id (the event-name menu lists those above zero).
    events_named: Vec<u32>,
    /// Slots of the navigation rows, ascending.
    navs: VecDeque<u64>,
    /// Entries the filter was run on, ever (for tests and the bench).
    pub examined: u64,
}

/// Derived from the log it indexes: two indexes of the same log are equal.
impl PartialEq for LogIndex {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.meta.len() == other.meta.len()
    }
}

#[derive(Debug, Clone)]
struct Meta {
    name: u32,
    kind: EntryKind,
    search: Option<Box<str>>,
    /// The byte pairs of the lower-cased name, summary and payload.
    pairs: Pairs,
}

/// Slots start here, so that a whole log can be loaded before the first entry received.
const FIRST_SLOT: u64 = 1 << 40;

impl LogIndex {
    pub fn new() -> LogIndex {
        LogIndex { base: FIRST_SLOT, ..LogIndex::default() }
    }

    /// Slot of the entry at `index` of the log.
    pub fn slot(&self, index: usize) -> u64 {
        self.base + index as u64
    }

    /// Index in the log of the entry in `slot`.
    pub fn index(&self, slot: u64) -> usize {
        (slot - self.base) as usize
    }

    pub fn end(&self) -> u64 {
        self.base + self.meta.len() as u64
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.name_ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        let name: Rc<str> = name.into();
        self.names.push(name.clone());
        self.name_ids.insert(name, id);
        self.by_name.push(VecDeque::new());
        self.events_named.push(0);
        id
    }

    fn meta_of(&mut self, entry: &Entry) -> Meta {
        let search = search_text(entry);
        let pairs = match &search {
            Some(text) => Pairs::of(text.as_bytes()),
            None => {
                let fields = [entry.name.as_bytes(), entry.summary.as_bytes(), entry.payload.as_bytes()];
                Pairs::of(&fields.join(&0u8))
            }
        };
        Meta { name: self.intern(&entry.name), kind: entry.kind, search, pairs }
    }

    /// An entry appended to the log.
    pub fn push_back(&mut self, entry: &Entry) {
        let meta = self.meta_of(entry);
        let slot = self.end();
        self.by_name[meta.name as usize].push_back(slot);
        if entry.kind == EntryKind::Event {
            self.events_named[meta.name as usize] += 1;
        }
        if entry.kind == EntryKind::Navigation {
            self.navs.push_back(slot);
        }
        self.meta.push_back(meta);
    }

    /// Entries loaded before the oldest one (oldest first).
    pub fn push_front<'a>(&mut self, entries: impl DoubleEndedIterator<Item = &'a Entry>) {
        for entry in entries.rev() {
            let meta = self.meta_of(entry);
            self.base -= 1;
            self.by_name[meta.name as usize].push_front(self.base);
            if entry.kind == EntryKind::Event {
                self.events_named[meta.name as usize] += 1;
            }
            if entry.kind == EntryKind::Navigation {
                self.navs.push_front(self.base);
            }
            self.meta.push_front(meta);
        }
    }

    /// The oldest entry (`entry`) was evicted.
    pub fn pop_front(&mut self, entry: &Entry) {
        let Some(meta) = self.meta.pop_front() else { return };
        self.by_name[meta.name as usize].pop_front();
        if entry.kind == EntryKind::Event {
            self.events_named[meta.name as usize] -= 1;
        }
        if self.navs.front() == Some(&self.base) {
            self.navs.pop_front();
        }
        self.base += 1;
    }

    pub fn clear(&mut self) {
        *self = LogIndex { examined: self.examined, ..LogIndex::new() };
    }

    /// Slot of the last navigation row before slot `end`.
    pub fn last_nav_before(&self, end: u64) -> Option<u64> {
        let n = self.navs.partition_point(|s| *s < end);
        n.checked_sub(1).map(|i| self.navs[i])
    }

    /// Navigation rows in the slots `start..end`.
    pub fn navs_in(&self, start: u64, end: u64) -> usize {
        self.navs.partition_point(|s| *s < end) - self.navs.partition_point(|s| *s < start)
    }

    /// Names of the `event` entries held.
    pub fn event_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.names.iter().zip(&self.events_named).filter(|(_, n)| **n > 0).map(|(name, _)| name.as_ref())
    }

    /// Whether the entry in `slot` passes `filter` (counted in `examined`).
    pub fn matches(&mut self, filter: &Filter, entries: &[Rc<Entry>], slot: u64) -> bool {
        self.examined += 1;
        let index = self.index(slot);
        let meta = &self.meta[index];
        // Kinds and name are read from the index; the entry itself only for a text query.
        if meta.kind == EntryKind::Navigation {
            return true;
        }
        if !filter.kinds.admits(meta.kind)
            || filter.name.as_ref().is_some_and(|n| self.names[meta.name as usize].as_ref() != n)
        {
            return false;
        }
        if filter.query.terms.is_empty() {
            return true;
        }
        // A plain term whose byte pairs the entry lacks is not in it: decided without the text.
        let mut undecided = false;
        for term in &filter.query.terms {
            if matches!(term.matcher, Matcher::Plain(_)) && !term.pairs.within(&meta.pairs) {
                if !term.negated {
                    return false;
                }
            } else {
                undecided = true;
            }
        }
        if !undecided {
            return true;
        }
        match (&meta.search, filter.query.terms.iter().all(|t| matches!(t.matcher, Matcher::Plain(_)))) {
            // Plain terms only: the search text decides, the entry is not read.
            (Some(search), true) => filter.query.terms.iter().all(|t| t.matches_indexed(&[], Some(search))),
            _ => filter.matches_indexed(&entries[index], meta.search.as_deref()),
        }
    }

    /// Slots of `start..end` that pass `filter`, ascending. A name filter reads that name's
    /// entries (and the navigation rows) only.
    pub fn select(&mut self, filter: &Filter, entries: &[Rc<Entry>], start: u64, end: u64) -> Vec<u64> {
        let mut out = vec![];
        match &filter.name {
            Some(name) => {
                let named: Vec<u64> = match self.name_ids.get(name.as_str()) {
                    Some(id) => {
                        let list = &self.by_name[*id as usize];
                        let from = list.partition_point(|s| *s < start);
                        list.range(from..).take_while(|s| **s < end).copied().collect()
                    }
                    None => vec![],
                };
                let from = self.navs.partition_point(|s| *s < start);
                let navs: Vec<u64> = self.navs.range(from..).take_while(|s| **s < end).copied().collect();
                // The two ascending lists merged.
                let (mut a, mut b) = (named.iter().peekable(), navs.iter().peekable());
                while let Some(&slot) = match (a.peek(), b.peek()) {
                    (Some(x), Some(y)) if x <= y => a.next(),
                    (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                    (Some(_), None) => a.next(),
                    (None, None) => None,
                } {
                    if self.matches(filter, entries, slot) {
                        out.push(slot);
                    }
                }
            }
            None => {
                for slot in start..end {
                    if self.matches(filter, entries, slot) {
                        out.push(slot);
                    }
                }
            }
        }
        out
    }

    /// Approximate bytes the index holds per entry (meta, postings, search text), for the bench.
    pub fn bytes(&self) -> usize {
        let search: usize = self.meta.iter().map(|m| m.search.as_ref().map_or(0, |s| s.len())).sum();
        self.meta.len() * (std::mem::size_of::<Meta>() + 8) + self.navs.len() * 8 + search
    }
}

fn contains_ignoring_case(haystack: &str, lowercase_needle: &str) -> bool {
    if haystack.is_ascii() && lowercase_needle.is_ascii() {
        let needle = lowercase_needle.as_bytes();
        haystack.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
    } else {
        lowercase(haystack).contains(lowercase_needle)
    }
}

/// The native tests' engine: `regex-lite` (a dev-dependency only).
#[cfg(test)]
pub fn install_test_regex_engine() {
    #[derive(Debug)]
    struct Lite(regex_lite::Regex);
    impl RegexMatch for Lite {
        fn is_match(&self, text: &str) -> bool {
            self.0.is_match(text)
        }
    }
    install_regex_engine(|pattern| {
        let re = regex_lite::RegexBuilder::new(pattern).case_insensitive(true).build().map_err(|e| {
            let text = e.to_string();
            let line = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
            line.strip_prefix("error:").map_or(line.clone(), |l| l.trim().to_string())
        })?;
        Ok(Rc::new(Lite(re)) as Rc<dyn RegexMatch>)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EntryKind, name: &str, summary: &str, payload: &str) -> Entry {
        Entry::sample(1, kind, name, summary, payload)
    }

    fn text(text: &str) -> Filter {
        install_test_regex_engine();
        Filter::default().with_text(text)
    }

    #[test]
    fn filters_by_exact_name() {
        let filter = Filter { name: Some("widgetLoaded".into()), ..Filter::default() };
        assert!(filter.matches(&entry(EntryKind::Event, "widgetLoaded", "", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Event, "widgetLoadedX", "", "{}")));
        assert!(filter.matches(&entry(EntryKind::Navigation, "navigation", "", "{}")), "separators stay");
    }

    #[test]
    fn searches_name_summary_and_payload_ignoring_case() {
        let filter = text("  ConversationID ");
        assert!(filter.matches(&entry(EntryKind::Event, "x", "", r#"{"conversationId":1}"#)));
        assert!(!filter.matches(&entry(EntryKind::Event, "x", "nothing", "{}")));
        let unicode = text("ÉTÉ");
        assert!(unicode.matches(&entry(EntryKind::Event, "x", "un été", "{}")));
        assert!(!Filter::default().is_active());
        assert!(filter.is_active());
        assert!(!text("   ").is_active());
    }

    #[test]
    fn name_and_text_combine() {
        let filter = Filter { name: Some("a".into()), ..Filter::default() }.with_text("hello");
        assert!(filter.matches(&entry(EntryKind::Event, "a", "hello", "")));
        assert!(!filter.matches(&entry(EntryKind::Event, "b", "hello", "")));
        assert!(!filter.matches(&entry(EntryKind::Event, "a", "bye", "")));
    }

    #[test]
    fn a_minus_term_excludes_and_all_terms_must_hold() {
        let filter = text("-widgetLoaded");
        assert!(!filter.matches(&entry(EntryKind::Event, "widgetLoaded", "", "{}")));
        assert!(filter.matches(&entry(EntryKind::Event, "conversationStarted", "", "{}")));
        // Every term must hold (AND): "conversation" and not "closed".
        let filter = text("conversation -closed");
        assert!(filter.matches(&entry(EntryKind::Event, "conversationStarted", "", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Event, "conversationClosed", "", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Event, "widgetLoaded", "", "{}")));
        // The negation looks at every field, ignoring case.
        assert!(!text("-PORTAL").matches(&entry(EntryKind::Loader, "loader script", "portal 123", "{}")));
        // A lone "-" is a plain term.
        assert!(text("-").matches(&entry(EntryKind::Event, "a-b", "", "")));
        assert!(!text("-").matches(&entry(EntryKind::Event, "ab", "", "")));
    }

    #[test]
    fn a_slash_term_is_a_case_insensitive_regex_and_may_be_negated() {
        let filter = text("/^conversation(started|closed)$/");
        assert!(filter.error().is_none());
        assert!(filter.matches(&entry(EntryKind::Event, "conversationStarted", "", "{}")));
        assert!(filter.matches(&entry(EntryKind::Event, "conversationClosed", "", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Event, "conversationStartedX", "", "{}")));
        assert!(!text("-/^widget/").matches(&entry(EntryKind::Event, "widgetLoaded", "", "{}")));
        assert!(text("-/^widget/").matches(&entry(EntryKind::Event, "unreadCountChanged", "", "{}")));
        // Spaces inside a regex, and a regex combined with a plain term.
        let filter = text("/object #\\d+ assigned/ ready");
        assert!(filter.matches(&entry(EntryKind::Api, "api", "object #2 assigned: the API is ready", "{}")));
        assert!(!filter.matches(&entry(EntryKind::Api, "api", "object #2 is a placeholder", "{}")));
        // "/" alone and "//" are plain text.
        assert!(text("/").matches(&entry(EntryKind::Loader, "l", "https://x", "")));
        assert!(text("//").matches(&entry(EntryKind::Loader, "l", "https://x", "")));
    }

    #[test]
    fn an_invalid_regex_says_why_and_the_text_is_not_applied() {
        let filter = text("/(unclosed/");
        let error = filter.error().expect("an error");
        assert!(error.starts_with("Invalid regular expression /(unclosed/:"), "{error}");
        assert!(!error.contains('\n'), "one line: {error}");
        assert!(!filter.is_active(), "not applied");
        assert!(filter.matches(&entry(EntryKind::Event, "anything", "", "")));
        // Kinds still apply.
        install_test_regex_engine();
        let filter = Filter { kinds: Kinds::all().toggle(KindGroup::Panel), ..Filter::default() }.with_text("/[/");
        assert!(filter.error().is_some());
        assert!(!filter.matches(&entry(EntryKind::Event, "x", "", "")));
        assert!(filter.matches(&entry(EntryKind::Call, "widget.open", "", "")));
        // Fixing it clears the error.
        assert!(text("/(closed)/").error().is_none());
    }

    #[test]
    fn every_record_kind_has_one_chip_and_chips_combine() {
        use EntryKind::*;
        let kinds = [
            Event,
            Api,
            Widget,
            Loader,
            Open,
            Call,
            Settings,
            Navigation,
            PageCall,
            OnReady,
            UrlChange,
            Csp,
            WidgetData,
            Iframe,
            ChatMessage,
            Env,
        ];
        for kind in kinds {
            let group = KindGroup::of(kind);
            assert_eq!(group.is_none(), kind == Navigation, "{kind:?}");
        }
        assert_eq!(KindGroup::of(Event), Some(KindGroup::Sdk));
        assert_eq!(KindGroup::of(Iframe), Some(KindGroup::Widget));
        assert_eq!(KindGroup::of(PageCall), Some(KindGroup::Page));
        assert_eq!(KindGroup::of(Call), Some(KindGroup::Panel));
        assert_eq!(KindGroup::of(Csp), Some(KindGroup::Diagnostics));

        let sdk = Filter { kinds: Kinds::all().toggle(KindGroup::Sdk), ..Filter::default() };
        assert!(sdk.is_active());
        assert!(sdk.matches(&entry(Event, "a", "", "")));
        assert!(!sdk.matches(&entry(Call, "widget.open", "", "")));
        assert!(sdk.matches(&entry(Navigation, "navigation", "", "")), "separators stay");
        let two = Filter { kinds: sdk.kinds.toggle(KindGroup::Panel), ..Filter::default() };
        assert!(two.matches(&entry(Call, "widget.open", "", "")));
        assert!(!two.matches(&entry(Env, "env", "", "")));
        // Every chip on is "All"; toggling one off again leaves the others.
        let every = KindGroup::ALL.into_iter().fold(Kinds::all(), Kinds::toggle);
        assert!(every.is_all());
        assert_eq!(Kinds::from_groups([KindGroup::Page, KindGroup::Page]).groups(), vec![KindGroup::Page]);
        for group in KindGroup::ALL {
            assert_eq!(KindGroup::from_slug(group.slug()), Some(group));
        }
    }

    #[test]
    fn text_is_capped() {
        let filter = text(&"a".repeat(MAX_FILTER_CHARS * 2));
        assert_eq!(filter.text().chars().count(), MAX_FILTER_CHARS);
    }
}
