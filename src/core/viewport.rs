//! The Events log as a virtual list, in plain arithmetic: which rows a scroll position shows (plus
//! an overscan) and the spacers that stand for the others, where to scroll to show a row, and when
//! the list follows the end of a stream (as the Console does).
//!
//! Rows have one fixed height, so every figure follows from the scroll position, the height of
//! the view and the number of rows: rendering costs the rows in view, at any log size.

/// The height of one row, px (DevTools-like density; `.row` in panel.css).
pub const ROW_HEIGHT: f64 = 22.0;
/// Rows rendered above and below the ones in view (so a small scroll shows rows at once).
pub const OVERSCAN: usize = 8;
/// The view's height before the list was ever measured (px).
pub const DEFAULT_VIEWPORT: f64 = 600.0;
/// How far from the end (px) a scroll position still counts as "at the end".
pub const END_TOLERANCE: f64 = 2.0;

/// The rows a render puts in the DOM: `first..last` (indexes of the list), with spacers of
/// `above` and `below` px standing for the rows before and after them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub first: usize,
    pub last: usize,
    pub above: f64,
    pub below: f64,
}

/// The rows shown at `scroll_top` in a view `viewport` px high, of `count` rows `row_height` px
/// each, with `overscan` rows more on each side. A scroll position past the end (content that
/// shrank) shows the last rows.
pub fn window(scroll_top: f64, viewport: f64, row_height: f64, count: usize, overscan: usize) -> Window {
    if count == 0 || row_height <= 0.0 {
        return Window { first: 0, last: 0, above: 0.0, below: 0.0 };
    }
    let viewport = viewport.max(0.0);
    // `max().min()`, not `clamp()`: its panic message would link f64 formatting into the wasm.
    let top = scroll_top.max(0.0).min(max_scroll_top(count, row_height, viewport));
    let first_seen = ((top / row_height).floor() as usize).min(count - 1);
    let last_seen = (((top + viewport) / row_height).ceil() as usize).clamp(first_seen + 1, count);
    let first = first_seen.saturating_sub(overscan);
    let last = (last_seen + overscan).min(count);
    Window { first, last, above: first as f64 * row_height, below: (count - last) as f64 * row_height }
}

/// The height of the whole list, px.
pub fn content_height(count: usize, row_height: f64) -> f64 {
    count as f64 * row_height
}

/// The largest scroll position: the last row at the bottom of the view.
pub fn max_scroll_top(count: usize, row_height: f64, viewport: f64) -> f64 {
    (content_height(count, row_height) - viewport).max(0.0)
}

/// Whether a view scrolled to `scroll_top` shows the end of content `content` px high.
pub fn at_end(scroll_top: f64, viewport: f64, content: f64) -> bool {
    scroll_top + viewport >= content - END_TOLERANCE
}

/// The scroll position that shows row `index` whole, moving as little as needed (None: it is).
pub fn scroll_to_show(scroll_top: f64, viewport: f64, row_height: f64, index: usize) -> Option<f64> {
    let row_top = index as f64 * row_height;
    if row_top < scroll_top {
        Some(row_top)
    } else if row_top + row_height > scroll_top + viewport {
        Some((row_top + row_height - viewport).max(0.0).ceil())
    } else {
        None
    }
}

/// The scroll position that shows row `index` in the middle of the view (clamped to the list).
pub fn scroll_to_center(viewport: f64, row_height: f64, count: usize, index: usize) -> f64 {
    let top = index as f64 * row_height - (viewport - row_height) / 2.0;
    top.max(0.0).min(max_scroll_top(count, row_height, viewport)).round()
}

/// The rows a PageUp/PageDown moves: those that fit in the view, less one (at least one).
pub fn page_rows(viewport: f64, row_height: f64) -> usize {
    if row_height <= 0.0 {
        return 1;
    }
    ((viewport / row_height) as usize).saturating_sub(1).max(1)
}

/// A row to bring into view in this render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// Scroll as little as needed (a selection moved by keys or DevTools' search).
    Show(usize),
    /// Put it in the middle (an evidence link, a restored selection); stops following.
    Center(usize),
}

/// The scroll state of the log: where it is (or is about to be), how high the view is, whether it
/// follows the end, and the positions the panel itself scrolled to (their scroll events are not
/// the user's).
///
/// Following ends only when the USER scrolls up, away from the end. Neither a scroll event of a
/// position the panel set, nor content that grew under a view at the end (Yew may let the browser
/// fire a scroll event between a render that grew the list and the effect that scrolls it to the
/// new end) ends it. Scrolling back to the end resumes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scroller {
    /// Where the view is or, after `plan`, where the next effect puts it.
    top: f64,
    /// Where the list was last seen scrolled to (a scroll event, or the panel's own scroll).
    dom_top: f64,
    viewport: f64,
    follow: bool,
    /// The scroll positions the panel set whose scroll event has not come yet.
    ours: Vec<f64>,
    /// The window of the last render.
    shown: Option<Window>,
}

impl Default for Scroller {
    fn default() -> Self {
        Scroller { top: 0.0, dom_top: 0.0, viewport: DEFAULT_VIEWPORT, follow: true, ours: Vec::new(), shown: None }
    }
}

impl Scroller {
    pub fn following(&self) -> bool {
        self.follow
    }

    pub fn scroll_top(&self) -> f64 {
        self.top
    }

    /// The rows a PageUp/PageDown moves.
    pub fn page(&self) -> usize {
        page_rows(self.viewport, ROW_HEIGHT)
    }

    /// Stops following (the user moved the selection with keys).
    pub fn stop_following(&mut self) {
        self.follow = false;
    }

    /// The window of a render of `count` rows: where the view is, or `reveal`'s row, or the end
    /// when following. `span` is the height to fill with rows (at least the view's; the
    /// window's height covers a view that grew since it was measured).
    pub fn plan(&mut self, count: usize, reveal: Option<Reveal>, span: f64) -> Window {
        let max = max_scroll_top(count, ROW_HEIGHT, self.viewport);
        self.top = match reveal {
            Some(Reveal::Center(index)) => {
                self.follow = false;
                scroll_to_center(self.viewport, ROW_HEIGHT, count, index)
            }
            Some(Reveal::Show(index)) => match scroll_to_show(self.top, self.viewport, ROW_HEIGHT, index) {
                // A row out of view (DevTools' search, keys): the view goes there, and stays.
                Some(top) => {
                    self.follow = false;
                    top.min(max)
                }
                None => self.top.min(max),
            },
            None if self.follow => max,
            None => self.top.min(max),
        };
        let shown = window(self.top, span.max(self.viewport), ROW_HEIGHT, count, OVERSCAN);
        self.shown = Some(shown);
        shown
    }

    /// After a render: the list is at `dom_top`, `viewport` px high, its content `content` px
    /// high. Returns the position to scroll it to (None: it is there), and whether the rows
    /// rendered miss some in view (the view's height changed: render again).
    pub fn after_render(&mut self, dom_top: f64, viewport: f64, content: f64) -> (Option<f64>, bool) {
        self.viewport = viewport;
        self.dom_top = dom_top;
        if at_end(0.0, viewport, content) {
            // Everything fits (a cleared or filtered log): it is at its end, whatever came before.
            self.follow = true;
        }
        let max = (content - viewport).max(0.0);
        let target = if self.follow { max } else { self.top.min(max) };
        self.top = target;
        let rerender = self.misses_rows(target, viewport);
        if (dom_top - target).abs() < 1.0 {
            return (None, rerender);
        }
        (Some(target), rerender)
    }

    /// The panel scrolled the list; the browser put it at `actual` (it may clamp what was asked).
    pub fn applied(&mut self, actual: f64) {
        self.ours.push(actual);
        if self.ours.len() > 16 {
            self.ours.remove(0);
        }
        self.top = actual;
        self.dom_top = actual;
    }

    /// A scroll event: the list is at `top`, `viewport` px high, its content `content` px high.
    /// Returns whether rows in view are not rendered (a render is needed).
    pub fn on_scroll(&mut self, top: f64, viewport: f64, content: f64) -> bool {
        if let Some(i) = self.ours.iter().position(|t| (t - top).abs() < 1.0) {
            // Our own scroll: it says nothing of what the user wants.
            self.ours.drain(..=i);
        } else {
            self.ours.clear();
            if at_end(top, viewport, content) {
                self.follow = true;
            } else if top < self.dom_top - 0.5 {
                // Up, away from the end: the user's.
                self.follow = false;
            }
        }
        self.top = top;
        self.dom_top = top;
        self.viewport = viewport;
        self.misses_rows(top, viewport)
    }

    /// Whether the view at `top` shows rows the last render did not put in the DOM.
    fn misses_rows(&self, top: f64, viewport: f64) -> bool {
        let Some(shown) = self.shown else { return true };
        let count = shown.last + (shown.below / ROW_HEIGHT).round() as usize;
        let seen = window(top, viewport, ROW_HEIGHT, count, 0);
        seen.first < shown.first || seen.last > shown.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = ROW_HEIGHT;

    #[test]
    fn an_empty_list_renders_nothing() {
        assert_eq!(window(0.0, 400.0, H, 0, 8), Window { first: 0, last: 0, above: 0.0, below: 0.0 });
        assert_eq!(window(500.0, 400.0, 0.0, 10, 8).last, 0);
    }

    #[test]
    fn the_top_shows_the_first_rows_and_a_spacer_below() {
        // 400 px show rows 0..=18 (18.2 rows): 19 rows, plus 8 below.
        let w = window(0.0, 400.0, H, 10_000, 8);
        assert_eq!((w.first, w.last), (0, 27));
        assert_eq!(w.above, 0.0);
        assert_eq!(w.below, (10_000 - 27) as f64 * H);
        assert_eq!(w.above + (w.last - w.first) as f64 * H + w.below, content_height(10_000, H));
    }

    #[test]
    fn the_middle_shows_its_rows_with_overscan_on_both_sides() {
        let w = window(110_000.0, 440.0, H, 10_000, 8);
        // Row 5000 is at 110,000 px; 440 px show exactly rows 5000..5020.
        assert_eq!((w.first, w.last), (4992, 5028));
        assert_eq!(w.above, 4992.0 * H);
        assert_eq!(w.below, (10_000 - 5028) as f64 * H);
        // A position between rows shows the partly visible rows too.
        let w = window(110_011.0, 440.0, H, 10_000, 0);
        assert_eq!((w.first, w.last), (5000, 5021));
    }

    #[test]
    fn the_rendered_rows_depend_on_the_view_only_not_the_log_size() {
        let sizes = [1_000, 10_000, 100_000, 1_000_000];
        for count in sizes {
            let end = max_scroll_top(count, H, 500.0);
            for top in [0.0, end / 3.0, end] {
                let w = window(top, 500.0, H, count, 8);
                assert!(w.last - w.first <= 24 + 2 * 8, "{count} rows at {top}: {w:?}");
            }
        }
    }

    #[test]
    fn the_end_shows_the_last_rows_and_positions_past_it_are_clamped() {
        let w = window(max_scroll_top(100, H, 400.0), 400.0, H, 100, 8);
        assert_eq!(w.last, 100);
        assert_eq!(w.below, 0.0);
        // Content that shrank under a view scrolled far down: the last rows, not nothing.
        let w = window(1e6, 400.0, H, 100, 0);
        assert_eq!((w.first, w.last), (81, 100));
        // Fewer rows than fit: all of them.
        assert_eq!(window(0.0, 400.0, H, 5, 8), Window { first: 0, last: 5, above: 0.0, below: 0.0 });
        // A negative position (overscroll): the top.
        assert_eq!(window(-30.0, 400.0, H, 100, 0).first, 0);
    }

    #[test]
    fn scroll_to_show_moves_as_little_as_needed() {
        // View 0..400 shows rows 0..=17 whole (17 * 22 = 374 .. 396).
        assert_eq!(scroll_to_show(0.0, 400.0, H, 17), None);
        assert_eq!(scroll_to_show(0.0, 400.0, H, 18), Some(18.0 * H + H - 400.0));
        assert_eq!(scroll_to_show(1000.0, 400.0, H, 10), Some(220.0));
        assert_eq!(scroll_to_show(0.0, 400.0, H, 0), None);
        assert_eq!(scroll_to_center(400.0, H, 10_000, 5000), (5000.0 * H - 189.0f64).round());
        assert_eq!(scroll_to_center(400.0, H, 10_000, 0), 0.0);
        assert_eq!(scroll_to_center(400.0, H, 100, 99), max_scroll_top(100, H, 400.0));
        assert_eq!(page_rows(400.0, H), 17);
        assert_eq!(page_rows(0.0, H), 1);
    }

    #[test]
    fn at_end_allows_rounding() {
        assert!(at_end(600.0, 400.0, 1000.0));
        assert!(at_end(598.5, 400.0, 1000.0));
        assert!(!at_end(590.0, 400.0, 1000.0));
        assert!(at_end(0.0, 400.0, 100.0));
    }

    /// A list in a view 440 px high: the panel's renders and effects, and the browser's scroll
    /// events, which may come between a render and its effect.
    struct Sim {
        s: Scroller,
        dom_top: f64,
        count: usize,
    }

    const VIEW: f64 = 440.0;

    impl Sim {
        fn new() -> Sim {
            Sim { s: Scroller::default(), dom_top: 0.0, count: 0 }
        }
        fn max(&self) -> f64 {
            max_scroll_top(self.count, H, VIEW)
        }
        /// Rows arrive: a render (content that grows never moves the list by itself).
        fn render(&mut self, n: usize) -> Window {
            self.count += n;
            self.s.plan(self.count, None, VIEW)
        }
        /// The render's effect; returns where it scrolled the list.
        fn effect(&mut self) -> Option<f64> {
            let (set, _) = self.s.after_render(self.dom_top, VIEW, content_height(self.count, H));
            if let Some(top) = set {
                self.dom_top = top.clamp(0.0, self.max());
                self.s.applied(self.dom_top);
            }
            set
        }
        fn append(&mut self, n: usize) -> Option<f64> {
            self.render(n);
            self.effect()
        }
        /// The browser fires the scroll event of the position the list has now.
        fn scroll_event(&mut self) -> bool {
            self.s.on_scroll(self.dom_top, VIEW, content_height(self.count, H))
        }
        fn user_scroll(&mut self, top: f64) -> bool {
            self.dom_top = top.clamp(0.0, self.max());
            self.scroll_event()
        }
        fn end_in_view(&self) -> bool {
            at_end(self.dom_top, VIEW, content_height(self.count, H))
        }
    }

    #[test]
    fn following_holds_at_any_rate_whatever_order_scroll_events_come_in() {
        let mut sim = Sim::new();
        sim.append(5);
        assert!(sim.s.following());
        // Many renders between two scroll events (1,000 rows/s: 16 rows a frame), scroll events
        // late, after more rows came, and between a render and its effect (Yew yields to the
        // browser there once a render took 16 ms): none of it is the user's.
        for frame in 0..500 {
            for _ in 0..(frame % 7 + 1) {
                sim.append(3);
            }
            assert!(sim.end_in_view(), "frame {frame}");
            if frame % 3 != 0 {
                sim.scroll_event();
            }
            let w = sim.render(16);
            assert_eq!(w.last, sim.count, "the render at the end holds the newest row");
            sim.scroll_event(); // the yield: the list grew, its effect has not run
            assert!(sim.s.following(), "frame {frame}");
            sim.effect();
            assert!(sim.end_in_view(), "frame {frame}");
        }
    }

    #[test]
    fn the_old_follow_rule_fails_where_a_scroll_event_comes_between_a_render_and_its_effect() {
        // What the panel did before: "following = the list is at its end" at every scroll event.
        let mut sim = Sim::new();
        sim.append(100);
        sim.render(50);
        let old_rule = at_end(sim.dom_top, VIEW, content_height(sim.count, H));
        assert!(!old_rule, "the list grew under the view: not at its end until the effect runs");
        sim.scroll_event();
        assert!(sim.s.following(), "but it is no scroll of the user's");
    }

    #[test]
    fn a_user_scroll_up_stops_following_and_the_end_resumes_it() {
        let mut sim = Sim::new();
        sim.append(200);
        sim.scroll_event();
        let parked = (sim.max() / 2.0).round();
        sim.user_scroll(parked);
        assert!(!sim.s.following());
        for _ in 0..50 {
            assert_eq!(sim.append(20), None, "the view stays put");
            sim.scroll_event();
            assert_eq!(sim.dom_top, parked);
            assert!(!sim.s.following());
        }
        // Scrolling down but not to the end: still parked.
        sim.user_scroll(parked + 100.0);
        assert!(!sim.s.following());
        let end = sim.max();
        sim.user_scroll(end);
        assert!(sim.s.following());
        sim.append(30);
        assert!(sim.end_in_view());
    }

    #[test]
    fn a_selection_in_view_keeps_following_one_out_of_view_stops_it() {
        let mut sim = Sim::new();
        sim.append(100);
        sim.s.plan(sim.count, Some(Reveal::Show(99)), VIEW);
        assert!(sim.s.following());
        sim.s.plan(sim.count, Some(Reveal::Show(3)), VIEW);
        assert!(!sim.s.following());
        assert_eq!(sim.effect(), Some(3.0 * H));
    }

    #[test]
    fn a_log_that_fits_its_view_follows_again_after_a_clear() {
        let mut sim = Sim::new();
        sim.append(500);
        sim.user_scroll(3000.0);
        assert!(!sim.s.following());
        sim.count = 0; // Clear
        sim.dom_top = 0.0;
        sim.append(0);
        assert!(sim.s.following());
        sim.append(100);
        assert!(sim.end_in_view());
    }

    #[test]
    fn a_user_scroll_up_during_a_stream_wins_over_our_pending_scrolls() {
        let mut sim = Sim::new();
        sim.append(100);
        sim.append(10); // our scroll to the new end; its event has not come
        sim.user_scroll(100.0);
        assert!(!sim.s.following());
        assert_eq!(sim.append(10), None);
    }

    #[test]
    fn content_that_shrinks_under_a_parked_view_shows_the_last_rows() {
        let mut sim = Sim::new();
        sim.append(500);
        sim.user_scroll(3000.0);
        sim.count = 10; // a filter
        let w = sim.s.plan(sim.count, None, VIEW);
        assert_eq!((w.first, w.last), (0, 10));
    }

    #[test]
    fn revealing_a_row_scrolls_to_it_and_a_center_reveal_stops_following() {
        let mut s = Scroller::default();
        s.after_render(0.0, VIEW, 0.0);
        let w = s.plan(10_000, Some(Reveal::Center(5000)), VIEW);
        assert!(!s.following());
        assert!(w.first <= 5000 && 5000 < w.last, "{w:?}");
        assert_eq!(s.scroll_top(), scroll_to_center(VIEW, H, 10_000, 5000));
        let w = s.plan(10_000, Some(Reveal::Show(0)), VIEW);
        assert_eq!((w.first, s.scroll_top()), (0, 0.0));
        let w = s.plan(10_000, Some(Reveal::Show(9_999)), VIEW);
        assert_eq!(w.last, 10_000);
        assert!(!s.following());
        assert_eq!(s.scroll_top(), max_scroll_top(10_000, H, VIEW));
        assert_eq!(s.page(), 19);
    }

    #[test]
    fn only_a_scroll_past_the_rendered_rows_or_a_taller_view_needs_a_render() {
        let mut s = Scroller::default();
        s.stop_following();
        s.after_render(0.0, VIEW, 22_000.0);
        s.plan(1000, None, VIEW);
        // 3 rows down: still within the overscan.
        assert!(!s.on_scroll(66.0, VIEW, 22_000.0));
        assert!(s.on_scroll(4000.0, VIEW, 22_000.0));
        s.plan(1000, None, VIEW);
        assert_eq!(s.after_render(4000.0, VIEW, 22_000.0), (None, false));
        assert_eq!(s.after_render(4000.0, 2.0 * VIEW, 22_000.0), (None, true));
    }
}
