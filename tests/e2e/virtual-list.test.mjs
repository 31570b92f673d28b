// The Events log is a virtual list (issue 12): only the rows in view (plus a small overscan) are in
// the DOM at any log size, and it follows a stream at any rate, like the Console: scrolled to the
// end it keeps the newest row in view while events arrive (1,000+/s from the chat iframe), stays
// put once the user scrolls up, and follows again when they scroll back to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser } from '../harness/session.mjs';
import { simReady } from '../harness/site.mjs';
import { waitForPanelReady, selectView, shownCount, clickButton } from '../harness/panel-ui.mjs';
import { pollUntil, sleep, waitForProgress } from '../harness/driver.mjs';

const ROW = 22; // px, the log's fixed row height

/** The chat iframe posts `rate` events/s (unreadConversationCountChanged) for `ms`; resolves at once. */
function startFlood(page, rate, ms) {
  return page.evaluate(([rate, ms]) => {
    const start = performance.now();
    let sent = 0;
    window.__floodDone = false;
    const tick = () => {
      const elapsed = Math.min(performance.now() - start, ms);
      const due = Math.floor((elapsed * rate) / 1000);
      if (due > sent) { window.hsSim.flood(due - sent); sent = due; }
      if (elapsed < ms) setTimeout(tick, 10);
      else { window.__floodSent = sent; window.__floodDone = true; }
    };
    tick();
    return true;
  }, [rate, ms]);
}

/**
 * A flood of `rate` events/s for `ms` from `page`, the panel's log sampled every 250 ms meanwhile,
 * then once all of it is shown. Returns {sent, samples} (the last sample: all shown).
 */
async function floodAndSample(page, panel, rate, ms, message) {
  const before = (await logView(panel)).count;
  await startFlood(page, rate, ms);
  // A sample every 100 ms (less when a round trip is slow: a loaded machine still gets several).
  const samples = [];
  const started = Date.now();
  for (let next = started + 100; ; next += 100) {
    await sleep(Math.max(0, next - Date.now()));
    const [done, view] = await Promise.all([page.evaluate(() => window.__floodDone), logView(panel)]);
    samples.push(view);
    if (done || Date.now() - started >= 15000) break;
  }
  const sent = await page.evaluate(() => window.__floodSent);
  // Waited for while the row count grows; fails when it stops short.
  samples.push(await waitForProgress(() => logView(panel), (v) => v.count >= before + sent,
    { progressOf: (v) => v.count, message: `${message}: ${sent} more rows` }));
  return { sent, samples };
}

/** What the log shows now: its geometry, the rows in the DOM, and the last row's place. */
function logView(d) {
  return d.evaluate(readLogView);
}

/** logView's reading, run in the panel (also from a mutation observer there). */
function readLogView() {
  const log = document.querySelector('#event-log');
  const lb = log.getBoundingClientRect();
  const rows = [...log.querySelectorAll('[role="row"]')];
  const count = Number(log.getAttribute('aria-rowcount')) - 1; // the header row is counted
  const last = rows.find((r) => Number(r.getAttribute('aria-rowindex')) === count + 1);
  const rb = last?.getBoundingClientRect();
  const top = lb.top + log.clientTop;
  return {
    count, domRows: rows.length, scrollTop: log.scrollTop, scrollHeight: log.scrollHeight, clientHeight: log.clientHeight,
    lastInDom: !!last,
    lastInView: !!rb && rb.top >= top - 0.5 && rb.bottom <= top + log.clientHeight + 0.5,
    firstIndex: rows.length ? Math.min(...rows.map((r) => Number(r.getAttribute('aria-rowindex')))) : null,
  };
}

/** Scroll the log (a scroll the user makes: the scrollbar or the wheel). */
function scrollLogTo(d, top) {
  return d.evaluate((t) => {
    const log = document.querySelector('#event-log');
    log.scrollTop = t === 'end' ? log.scrollHeight : t;
    return log.scrollTop;
  }, top);
}

async function openPanel(s, rel, devtools) {
  const page = await s.h.newPage(s.url(rel));
  await simReady(page);
  const panel = devtools ? await s.h.openDevtoolsPanel(page) : await s.h.openPanelTab(page);
  await waitForPanelReady(panel);
  await selectView(panel, 'Events');
  return { page, panel };
}

forEachBrowser((browser, s) => {
  test(`${browser}: devtools panel: the log follows a 1,000 events/s stream at the end, stays put when scrolled up, follows again at the end`, async () => {
    const { page, panel } = await openPanel(s, 'index.html?follow', true);
    try {
      await pollUntil(async () => (await logView(panel)).count >= 1, { message: 'first rows' });
      await scrollLogTo(panel, 'end');

      // 1. At the end, a 3 s flood at 1,000/s: the newest row stays in view throughout.
      const { sent, samples } = await floodAndSample(page, panel, 1000, 3000, 'the first flood shown');
      assert.ok(sent >= 3000, `the page asked for 3,000 events in 3 s: ${sent}`);
      const settled = samples.at(-1);
      assert.ok(samples.length >= 6, `sampled several times during the flood: ${samples.length}`);
      const grew = samples.filter((v, i) => i > 0 && v.count > samples[i - 1].count).length;
      assert.ok(grew >= 3, `rows arrived while sampling: ${JSON.stringify(samples.map((v) => v.count))}`);
      for (const [i, v] of samples.entries()) {
        assert.ok(v.lastInView, `sample ${i}: the newest row is in view (${JSON.stringify(v)}); all: ${JSON.stringify(samples.map((x) => [x.count, x.scrollTop, x.lastInView]))}`);
        assert.ok(v.domRows < 100, `sample ${i}: only the rows in view are in the DOM: ${v.domRows}`);
      }

      // 2. Scrolled up, the view stays put while events arrive.
      const up = Math.round(settled.scrollTop / 2);
      await scrollLogTo(panel, up);
      await sleep(200);
      const parked = await logView(panel);
      const { samples: parkedSamples } = await floodAndSample(page, panel, 1000, 1500, 'the second flood shown');
      for (const v of parkedSamples) {
        assert.ok(Math.abs(v.scrollTop - parked.scrollTop) <= 1, `scrolled up, the view stays put: ${parked.scrollTop} → ${v.scrollTop} (${JSON.stringify(v)})`);
        assert.equal(v.firstIndex, parked.firstIndex, 'the same rows stay in the DOM');
        assert.ok(!v.lastInView, 'the newest row is not brought into view');
      }

      // 3. Back at the end, it follows again.
      await scrollLogTo(panel, 'end');
      await sleep(200);
      const { samples: resumedSamples } = await floodAndSample(page, panel, 1000, 1500, 'the third flood shown');
      for (const v of resumedSamples) assert.ok(v.lastInView, `following again: the newest row is in view: ${JSON.stringify(v)}`);
    } finally {
      await panel.close();
      await page.close();
    }
  });

  test(`${browser}: panel tab: a render past Yew's 16 ms budget (Yew then runs effects in a later task) still ends its task with a followed log at its end`, async () => {
    const { page, panel } = await openPanel(s, 'index.html?follow-yield', false);
    try {
      await pollUntil(async () => (await logView(panel)).count >= 1, { message: 'first rows' });
      await scrollLogTo(panel, 'end');
      // Yew reads the time only to yield (Date.now; the panel's own code uses performance.now):
      // a clock that jumps 20 ms at each read makes every render yield before its effects. A
      // mutation observer's callback runs when the task that changed the log ends, before any
      // paint: what it reads is what a frame would show.
      await panel.evaluate(`(() => {
        const realNow = Date.now.bind(Date);
        let skew = 0;
        Date.now = () => realNow() + (skew += 20);
        const read = ${readLogView};
        window.__atTaskEnd = [];
        new MutationObserver(() => window.__atTaskEnd.push(read()))
          .observe(document.querySelector('#event-log'), { childList: true, subtree: true, attributes: true });
        return true;
      })()`);
      const { sent } = await floodAndSample(page, panel, 1000, 1500, 'the flood shown');
      assert.ok(sent >= 1500, `the page asked for 1,500 events: ${sent}`);
      const atTaskEnd = await panel.evaluate(() => window.__atTaskEnd);
      const overflowing = atTaskEnd.filter((v) => v.scrollHeight > v.clientHeight);
      assert.ok(overflowing.length >= 3, `the log changed several times once it overflowed: ${JSON.stringify(atTaskEnd.map((v) => v.count))}`);
      const away = atTaskEnd.filter((v) => !v.lastInView);
      assert.deepEqual(away, [], `every change of the followed log ends its task with the newest row in view (${away.length} of ${atTaskEnd.length} did not)`);
    } finally {
      await panel.close();
      await page.close();
    }
  });

  test(`${browser}: panel tab: 5,000+ entries keep fewer than 100 rows in the DOM; scrolled to the middle it shows the entries of that place; after Clear it follows again`, async () => {
    const { page, panel } = await openPanel(s, 'index.html?many', false);
    try {
      await pollUntil(async () => (await logView(panel)).count >= 1, { message: 'first rows' });
      const base = (await logView(panel)).count; // rows before the flood (loader, widget, …)
      // 5,000 events in batches (the i-th of a batch carries unreadCount i).
      for (let b = 0; b < 10; b++) {
        await page.evaluate(() => window.hsSim.flood(500));
      }
      const total = base + 5000;
      const full = await waitForProgress(() => logView(panel), (v) => v.count >= total,
        { progressOf: (v) => v.count, message: `${total} rows` })
        .catch(async (e) => { throw new Error(`${e.message}; ${JSON.stringify(await shownCount(panel))}`); });
      assert.equal(full.count, total, 'every entry is counted in aria-rowcount');
      assert.ok(full.domRows < 100, `fewer than 100 rows in the DOM at ${total} entries: ${full.domRows}`);
      assert.equal(full.scrollHeight, total * ROW, 'the spacers give the list its full height');

      // The middle: the rows shown are those of that place, in order, where they belong.
      const middle = Math.floor(total / 2);
      await scrollLogTo(panel, middle * ROW);
      const shown = await pollUntil(() => panel.evaluate(() => {
        const log = document.querySelector('#event-log');
        const lb = log.getBoundingClientRect();
        const rows = [...log.querySelectorAll('[role="row"]')].map((r) => {
          const b = r.getBoundingClientRect();
          return {
            index: Number(r.getAttribute('aria-rowindex')) - 2, id: Number(r.getAttribute('data-id')),
            name: r.getAttribute('data-event-name'), text: r.textContent + (r.getAttribute('title') || ''),
            y: Math.round(b.top - lb.top - log.clientTop + log.scrollTop),
            inView: b.bottom > lb.top + log.clientTop && b.top < lb.top + log.clientTop + log.clientHeight,
          };
        });
        return rows.some((r) => r.inView) ? { rows, scrollTop: log.scrollTop, domRows: rows.length } : null;
      }), { message: 'rows in view at the middle' });
      const inView = shown.rows.filter((r) => r.inView);
      assert.ok(shown.domRows < 100, `fewer than 100 rows in the DOM at the middle: ${shown.domRows}`);
      assert.equal(inView[0].index, Math.floor(shown.scrollTop / ROW), `the first row in view is entry #${Math.floor(shown.scrollTop / ROW)}: ${JSON.stringify(inView[0])}`);
      for (const [i, r] of shown.rows.entries()) {
        assert.equal(r.y, r.index * ROW, `row ${r.index} sits at its place: ${JSON.stringify(r)}`);
        if (i > 0) {
          assert.equal(r.index, shown.rows[i - 1].index + 1, 'consecutive rows');
          assert.equal(r.id, shown.rows[i - 1].id + 1, 'consecutive entry ids');
        }
      }
      // The entries of the middle are the flood's, in order: entry #k of the log is the
      // ((k - base) mod 500 + 1)-th event of its batch (unreadCount), as the sim sent them.
      for (const r of inView) {
        assert.equal(r.name, 'unreadConversationCountChanged', JSON.stringify(r));
        const want = ((r.index - base) % 500) + 1;
        assert.ok(r.text.replace(/\s+/g, '').includes(`"unreadCount":${want}`), `row ${r.index} shows unreadCount ${want}: ${r.text}`);
      }

      // Scrolled to the middle (not following), Clear: the empty log is at its end, and follows
      // the next rows again (no scroll event says so: nothing to scroll).
      await clickButton(panel, 'Clear');
      await pollUntil(async () => (await logView(panel)).count === 0, { message: 'an empty log after Clear' });
      await page.evaluate(() => window.hsSim.flood(300));
      const refilled = await waitForProgress(() => logView(panel), (v) => v.count >= 300,
        { progressOf: (v) => v.count, message: '300 rows after Clear' });
      assert.ok(refilled.scrollHeight > refilled.clientHeight, `the log overflows again: ${JSON.stringify(refilled)}`);
      assert.ok(refilled.lastInView, `after Clear the log follows new rows: ${JSON.stringify(refilled)}`);
    } finally {
      await panel.close();
      await page.close();
    }
  });
});
