// make bench, the panel at 100,000 entries (issue 12), in the REAL devtools panel of Chromium:
//   first rows   a tab whose background log holds N entries (recorded while a panel tab watched it,
//                then closed); DevTools opened, then InspectorFrontendAPI.showPanel: from that call (the
//                machine's clock) to the first log row in the panel's DOM (a requestAnimationFrame poll
//                in the panel, so at most a frame late), and to all N entries held (the last snapshot
//                chunk applied: [data-total-count]);
//   long tasks   the panel's long tasks (PerformanceObserver "longtask", buffered) until then;
//   filter       a new text typed into the Filter box (an input event), to the frame after it
//                (requestAnimationFrame, then a task: the frame was produced); a name filter likewise;
//   stream       1,000 events/s for 3 s at the end of the log: the panel's frame intervals;
//   scroll       the log scrolled up 900 px a frame for 2 s (a fast drag): frame intervals, and the
//                frames where no row was in view one frame after a step (scrollBench);
//   memory       the panel's JS heap (Runtime.getHeapUsage) and its wasm memory.
//   Firefox      the same N entries recorded through a panel tab, then its frame intervals idle and
//                while it follows the 1,000 events/s stream (BENCH_FIREFOX=0: left out).
//   finding      in a panel tab of each browser, on a settled healthy page: the page registers a
//                handler under a misspelt event name (BENCH_FINDING_RUNS times, default 15, each a
//                new name): from the call (the page's clock) to its row in the panel's DOM and to
//                the status line's new count of problems (a MutationObserver in the panel; both
//                clocks timeOrigin + now), medians, and how often both came in one render.
//   node tests/bench/panel.mjs    env: BENCH_PANEL_EVENTS (default 100000), BENCH_EXTENSION (another
//                                 unpacked build than dist/chrome, to compare two builds)
import { openSession } from '../harness/session.mjs';
import { simReady, dispatchBatches, untilRelayListens } from '../harness/site.mjs';
import { waitForPanelReady, setSearch } from '../harness/panel-ui.mjs';
import { pollUntil, waitForProgress } from '../harness/driver.mjs';

const EVENTS = Number(process.env.BENCH_PANEL_EVENTS ?? 100000);
const FINDING_RUNS = Number(process.env.BENCH_FINDING_RUNS ?? 15);
const BATCH = 500;
const WAVE = 8; // batches dispatched at once (the relay keeps at most 8 MiB unacknowledged)

const shownTotal = (panel) => panel.evaluate(() => {
  const el = document.querySelector('[data-total-count]');
  return el ? Number(el.getAttribute('data-total-count')) : 0;
});

/** A bench record: an SDK event of the chat iframe (stringified into the page: self-contained). */
const benchRecord = (seq, i) => ({
  k: 'event', name: ['conversationStarted', 'unreadConversationCountChanged', 'widgetLoaded', 'inputStaging'][seq % 4],
  payload: { conversation: { conversationId: seq }, unreadCount: i }, via: 'iframe',
});

/** What the hook would dispatch: `batches` batches of `size` SDK events of one document, `first` on. */
const dispatch = (page, first, batches, size = BATCH) => dispatchBatches(page, { doc: 'bench-doc', first, batches, size, record: benchRecord });

/**
 * Scrolls `#event-log` up by 900 px a frame for 2 s, from its end: frame intervals (p50, p95,
 * worst) and `blank`, the frames in which no `[id^="event-row-"]` row was in view one frame after a
 * step. The same source runs in the panel and in the plain-DOM reference.
 */
const scrollBench = `new Promise((done) => {
  const log = document.getElementById('event-log');
  log.scrollTop = log.scrollHeight;
  const inView = () => {
    const top = log.getBoundingClientRect().top, bottom = top + log.clientHeight;
    for (const row of log.querySelectorAll('[id^="event-row-"]')) {
      const r = row.getBoundingClientRect();
      if (r.bottom > top && r.top < bottom) return true;
    }
    return false;
  };
  const frames = [];
  let blank = 0, last = performance.now(), first = true;
  const end = last + 2000;
  const step = (now) => {
    frames.push(now - last);
    last = now;
    if (!first && !inView()) blank++;
    first = false;
    if (now < end) { log.scrollTop = Math.max(0, log.scrollTop - 900); requestAnimationFrame(step); return; }
    const f = frames.slice(1).sort((a, b) => a - b);
    done({ p50: f[f.length >> 1], p95: f[Math.floor(f.length * 0.95)], worst: f[f.length - 1], n: f.length, blank });
  };
  requestAnimationFrame(step);
})`;

const frameAfter = `new Promise((done) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => done(performance.now()); c.port2.postMessage(0); }))`;

/**
 * The floor a hand-written list reaches: a plain page (no framework, no wasm) holding the same
 * EVENTS rows (time, name, summary) in a virtual list of 22 px rows, with a lower-cased search text
 * per row. The same figures: first rows, a full filter change and typing on → next frame, a stream.
 */
async function plainReference(h) {
  const page = await h.context.newPage();
  try {
    await page.setViewportSize({ width: 1000, height: 573 }).catch(() => {});
    const figures = await page.evaluate(async ([events]) => {
      // As `frameAfter` in the panel: the next frame, then a task (the frame was produced).
      const frameAfter = () => new Promise((done) => requestAnimationFrame(() => {
        const c = new MessageChannel();
        c.port1.onmessage = () => done(performance.now());
        c.port2.postMessage(0);
      }));
      const t0 = performance.now();
      const names = ['conversationStarted', 'unreadConversationCountChanged', 'widgetLoaded', 'inputStaging'];
      const rows = [];
      const push = (seq, r) => {
        const name = names[seq % 4];
        const payload = JSON.stringify({ conversation: { conversationId: seq }, unreadCount: r });
        rows.push({ seq, name, payload, search: (name + ' ' + payload).toLowerCase() });
      };
      for (let seq = 1; seq <= events; seq++) push(seq, seq % 500);
      document.body.style.margin = '0';
      const log = document.createElement('div');
      log.id = 'event-log';
      log.style.cssText = 'height:100vh;overflow:auto;font:12px system-ui;position:relative';
      const spacer = document.createElement('div');
      const windowEl = document.createElement('div');
      windowEl.style.cssText = 'position:absolute;left:0;right:0;top:0';
      log.append(spacer, windowEl);
      document.body.append(log);
      let shown = rows;
      const render = () => {
        spacer.style.height = `${shown.length * 22}px`;
        const first = Math.max(0, Math.floor(log.scrollTop / 22) - 8);
        const last = Math.min(shown.length, first + Math.ceil(log.clientHeight / 22) + 16);
        windowEl.style.top = `${first * 22}px`;
        const frag = document.createDocumentFragment();
        for (let i = first; i < last; i++) {
          const row = document.createElement('div');
          row.id = `event-row-${shown[i].seq}`;
          row.style.cssText = 'height:22px;white-space:nowrap;overflow:hidden';
          row.textContent = `${shown[i].seq}  ${shown[i].name}  ${shown[i].payload}`;
          frag.append(row);
        }
        windowEl.replaceChildren(frag);
      };
      log.addEventListener('scroll', render);
      render();
      await frameAfter();
      const firstRows = performance.now() - t0;
      const filterTo = async (text, from = rows) => {
        await frameAfter();
        const start = performance.now();
        shown = text ? from.filter((r) => r.search.includes(text)) : rows;
        render();
        return (await frameAfter()) - start;
      };
      const full = [], on = [];
      for (let run = 0; run < 5; run++) {
        await filterTo('widgetloaded');
        full.push(await filterTo('conversationid":4242'));
        on.push(await filterTo('conversationid":42424', shown));
      }
      await filterTo('');
      log.scrollTop = log.scrollHeight;
      const frames = [];
      let last = performance.now();
      let seq = events + 1;
      const end = performance.now() + 3000;
      await new Promise((done) => {
        const tick = (now) => { frames.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else done(); };
        requestAnimationFrame(tick);
        const feed = setInterval(() => {
          if (performance.now() > end) return clearInterval(feed);
          for (let r = 0; r < 20; r++) push(seq++, r);
          if (rows.length > events) rows.splice(0, rows.length - events);
          shown = rows;
          log.scrollTop = log.scrollHeight;
          render();
        }, 20);
      });
      const f = frames.slice(1).sort((a, b) => a - b);
      const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
      return { firstRows, full: med(full), on: med(on), p95: f[Math.floor(f.length * 0.95)], p50: f[f.length >> 1] };
    }, [EVENTS]);
    const scroll = await page.evaluate(scrollBench);
    return { ...figures, scroll };
  } finally {
    await page.close().catch(() => {});
  }
}

async function main() {
  const s = await openSession({ browser: 'chromium', ...(process.env.BENCH_EXTENSION ? { extension: process.env.BENCH_EXTENSION } : {}) });
  try {
    const page = await s.h.newPage(s.url('index.html'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    const started = Date.now();
    await recordThroughTab(page, tab);
    console.log(`recorded ${EVENTS} events through a panel tab in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await tab.close();

    const panel = await s.h.openDevtoolsPanel(page);
    const { shownAt } = panel;
    const firstRows = await panel.evaluate(`new Promise((done) => {
      new PerformanceObserver((list) => { (window.__long ??= []).push(...list.getEntries().map((e) => Math.round(e.duration))); })
        .observe({ type: 'longtask', buffered: true });
      const check = () => document.querySelector('[id^="event-row-"]')
        ? done(performance.timeOrigin + performance.now()) : requestAnimationFrame(check);
      check();
    })`);
    await pollUntil(async () => (await shownTotal(panel)) >= EVENTS, { timeout: 120000, interval: 5, message: `all ${EVENTS} entries in the panel` });
    const allAt = Date.now();
    // The whole log's diagnosis waits for the panel's next clock tick (once a second): included.
    await new Promise((r) => setTimeout(r, 1500));
    const longTasks = await panel.evaluate(() => window.__long ?? []);
    console.log(`devtools panel, ${EVENTS} entries held: showPanel → first rows ${Math.round(firstRows - shownAt)} ms; → all entries ${allAt - shownAt} ms; long tasks (> 50 ms) until 1.5 s after: ${longTasks.length ? longTasks.join(', ') + ' ms' : 'none'}`);

    const typed = async (text) => panel.evaluate(`(async () => {
        const input = document.querySelector('input[placeholder="Filter"]');
        await ${frameAfter};
        const t0 = performance.now();
        input.value = ${JSON.stringify(text)};
        input.dispatchEvent(new Event('input', { bubbles: true }));
        return Math.round((await ${frameAfter}) - t0);
      })()`);
    const full = [], on = [], emptied = [];
    for (let run = 0; run < 5; run++) {
      await typed('widgetloaded');
      full.push(await typed('conversationid":4242'));
      on.push(await typed('conversationid":42424'));
      emptied.push(await typed(''));
    }
    console.log(`filter text → next frame (5 runs): a full change ${full.join(', ')} ms; typing on ${on.join(', ')} ms; emptied ${emptied.join(', ')} ms`);
    const nameMs = await panel.evaluate(`(async () => {
      const select = document.querySelector('select[aria-label="Event name"]');
      await ${frameAfter};
      const t0 = performance.now();
      select.value = 'widgetLoaded';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      return (await ${frameAfter}) - t0;
    })()`);
    const after = await panel.evaluate(() => document.querySelector('[data-shown-count]')?.getAttribute('data-shown-count'));
    console.log(`name filter → next frame: ${Math.round(nameMs)} ms (${after} shown)`);
    await panel.evaluate(() => {
      const select = document.querySelector('select[aria-label="Event name"]');
      select.value = '';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });

    // A stream at the end of the 100k log: 1,000 events/s for 3 s (20 per 20 ms), the panel
    // following; frame intervals in the panel (requestAnimationFrame).
    const stream = await frames(panel, () => streamInto(page));
    console.log(`stream at the end of the log (1,000 events/s for 3 s): frame p50 ${stream.p50.toFixed(1)} ms, p95 ${stream.p95.toFixed(1)} ms, worst ${stream.worst.toFixed(0)} ms (${stream.n} frames); still at the end: ${stream.atEnd}; rows in the DOM: ${stream.rows}`);

    const scroll = await panel.evaluate(scrollBench);
    console.log(`scroll (900 px a frame for 2 s, ${EVENTS} entries): frame p50 ${scroll.p50.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms, worst ${scroll.worst.toFixed(0)} ms (${scroll.n} frames); frames with no row in view: ${scroll.blank}`);

    // Memory: the panel's V8 heap (Runtime.getHeapUsage) and its wasm memory (the glue module's
    // init returns the instance it already has).
    const usage = await panel.panelSession.send('Runtime.getHeapUsage');
    usage.backingStorageSize = await panel.evaluate(`import('./pkg/panel.js').then((glue) => glue.default()).then((wasm) => wasm.memory.buffer.byteLength)`);
    const mib = (x) => (x === undefined ? 'n/a' : `${(x / 2 ** 20).toFixed(1)} MiB`);
    const plain = await plainReference(s.h);
    console.log(`plain-DOM reference page, same ${EVENTS} rows: first rows ${Math.round(plain.firstRows)} ms (building the rows included); filter → next frame: a full change ${Math.round(plain.full)} ms, typing on ${Math.round(plain.on)} ms; stream frame p50 ${plain.p50.toFixed(1)} ms, p95 ${plain.p95.toFixed(1)} ms; scroll frame p50 ${plain.scroll.p50.toFixed(1)} ms, p95 ${plain.scroll.p95.toFixed(1)} ms, frames with no row in view: ${plain.scroll.blank}`);
    console.log(`panel memory with ${EVENTS} entries held: JS heap ${mib(usage.usedSize)}, wasm memory ${mib(usage.backingStorageSize)}, total ${mib(usage.usedSize + (usage.backingStorageSize ?? 0))} (target ≤ 64 MB)`);
    await findingLatency(s, 'chromium');
  } finally {
    await s.close();
  }
}

/** The N events through `tab` (a panel tab watching `page`), a wave at a time, each wave waited for. */
async function recordThroughTab(page, tab) {
  await untilRelayListens(tab);
  for (let first = 1; first <= EVENTS; first += WAVE * BATCH) {
    const batches = Math.min(WAVE, Math.ceil((EVENTS - first + 1) / BATCH));
    await dispatch(page, first, batches);
    const want = first - 1 + batches * BATCH;
    await waitForProgress(() => shownTotal(tab), (n) => n >= want, { message: `${want} entries recorded` });
  }
}

/** 1,000 events/s for 3 s (20 per 20 ms) after the N recorded ones. */
async function streamInto(page) {
  let seq = EVENTS + 1;
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    await dispatch(page, seq, 1, 20);
    seq += 20;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Frame intervals in `panel` (requestAnimationFrame), scrolled to the end, while `during` runs and
 * 500 ms after: p50, p95, worst, whether it is still at the end, the rows in the DOM.
 */
async function frames(panel, during) {
  await panel.evaluate(() => {
    const log = document.getElementById('event-log');
    log.scrollTop = log.scrollHeight;
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; window.__rafId = requestAnimationFrame(tick); };
    window.__rafId = requestAnimationFrame(tick);
  });
  await during();
  await new Promise((r) => setTimeout(r, 500));
  return panel.evaluate(() => {
    cancelAnimationFrame(window.__rafId);
    const f = window.__frames.slice(1).sort((a, b) => a - b);
    const log = document.getElementById('event-log');
    return { p50: f[f.length >> 1], p95: f[Math.floor(f.length * 0.95)], worst: f[f.length - 1], n: f.length,
      atEnd: log.scrollHeight - log.scrollTop - log.clientHeight < 30, rows: document.querySelectorAll('[id^="event-row-"]').length };
  });
}

/** See "finding" above: prints one line for `browser`. */
async function findingLatency(s, browser) {
  const page = await s.h.newPage(s.url('index.html?bench=finding'));
  await simReady(page);
  const tab = await s.h.openPanelTab(page);
  await waitForPanelReady(tab);
  await setSearch(tab, 'cwiBench');
  await new Promise((r) => setTimeout(r, 1500)); // settled: no diagnose request in flight
  const rowMs = [], findingMs = [];
  let together = 0;
  for (let run = 1; run <= FINDING_RUNS; run++) {
    const seen = tab.evaluate((run) => new Promise((done) => {
      const line = () => document.querySelector('[data-diagnosis]')?.textContent ?? '';
      const before = line(), now = () => performance.timeOrigin + performance.now();
      let row = null;
      const observer = new MutationObserver(() => {
        const at = now();
        const rowHere = document.querySelectorAll('[role="row"][data-call="on"]').length >= run;
        row ??= rowHere ? at : null;
        if (line() !== before && rowHere) {
          observer.disconnect();
          done({ row, finding: at });
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }), run);
    await new Promise((r) => setTimeout(r, 50));
    const calledAt = await page.evaluate((run) => {
      const at = performance.timeOrigin + performance.now();
      window.HubSpotConversations.on(`cwiBench${run}`, () => {});
      return at;
    }, run);
    const { row, finding } = await seen;
    rowMs.push(row - calledAt);
    findingMs.push(finding - calledAt);
    if (finding === row) together++;
    await new Promise((r) => setTimeout(r, 300));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
  console.log(`${browser} panel tab, a finding (${FINDING_RUNS} page calls): call → row p50 ${median(rowMs)} ms, → the status line's finding p50 ${median(findingMs)} ms; in the render of its row: ${together} of ${FINDING_RUNS}`);
  await tab.close();
  await page.close();
}

// Firefox: no devtools protocol for the panel's frames; its panel tab (the same wasm and views).
async function firefoxStream() {
  const s = await openSession({ browser: 'firefox' });
  try {
    const page = await s.h.newPage(s.url('index.html'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    await recordThroughTab(page, tab);
    const idle = await frames(tab, () => new Promise((r) => setTimeout(r, 3000)));
    const stream = await frames(tab, () => streamInto(page));
    const f = (x) => x.toFixed(1);
    console.log(`firefox panel tab, ${EVENTS} entries: idle frame p50 ${f(idle.p50)} ms, p95 ${f(idle.p95)} ms; stream (1,000 events/s for 3 s) frame p50 ${f(stream.p50)} ms, p95 ${f(stream.p95)} ms, worst ${stream.worst.toFixed(0)} ms (${stream.n} frames); still at the end: ${stream.atEnd}`);
    await findingLatency(s, 'firefox');
  } finally {
    await s.close();
  }
}

await main();
if (process.env.BENCH_FIREFOX !== '0') await firefoxStream();
