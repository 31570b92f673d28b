// make bench, the panel at 100,000 entries (issue 12), in the REAL devtools panel of Chromium:
//   first rows   a tab whose background log holds N entries (recorded while a panel tab watched it,
//                then closed); DevTools opened, then InspectorFrontendAPI.showPanel: from that call (the
//                machine's clock) to the first log row in the panel's DOM (a requestAnimationFrame poll
//                in the panel, so at most a frame late), and to all N entries held (the last snapshot
//                chunk applied: [data-total-count]);
//   long tasks   the panel's long tasks (PerformanceObserver "longtask", buffered) until then;
//   filter       a new text typed into the Filter box (an input event), to the frame after it
//                (requestAnimationFrame, then a task: the frame was produced); a name filter likewise.
//   node tests/bench/panel.mjs    env: BENCH_PANEL_EVENTS (default 100000)
import { openSession } from '../harness/session.mjs';
import { simReady } from '../harness/site.mjs';
import { waitForPanelReady } from '../harness/panel-ui.mjs';
import { pollUntil, PANEL_TITLE } from '../harness/driver.mjs';
import { evaluateIn } from '../harness/cdp.mjs';
import { DevtoolsPanel } from '../harness/chromium.mjs';

const EVENTS = Number(process.env.BENCH_PANEL_EVENTS ?? 100000);
const BATCH = 500;
const WAVE = 8; // batches dispatched at once (the relay keeps at most 8 MiB unacknowledged)

const shownTotal = (panel) => panel.evaluate(() => {
  const el = document.querySelector('[data-total-count]');
  return el ? Number(el.getAttribute('data-total-count')) : 0;
});

/** What the hook would dispatch: batches of SDK events of one document, `first` on. */
function dispatch(page, first, batches) {
  return page.evaluate(([first, batches, size]) => {
    const names = ['conversationStarted', 'unreadConversationCountChanged', 'widgetLoaded', 'inputStaging'];
    let seq = first;
    for (let b = 0; b < batches; b++) {
      const records = [];
      for (let r = 0; r < size; r++, seq++) {
        records.push({ k: 'event', seq, t: seq, name: names[seq % 4], payload: { conversation: { conversationId: seq }, unreadCount: r }, via: 'iframe' });
      }
      const detail = JSON.stringify({ v: 1, doc: 'bench-doc', url: location.href, time_origin: performance.timeOrigin, dropped: 0, records });
      document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail }));
    }
  }, [first, batches, BATCH]);
}

/** The devtools panel opened the way the harness does, with the time of showPanel (epoch ms). */
async function showPanel(h, page) {
  const extId = await h.extensionId();
  const targetId = await h.targetIdOf(page);
  const { targetId: devtoolsTargetId } = await h.cdp.send('Target.openDevTools', { targetId });
  const devtools = await h.cdp.attach(devtoolsTargetId);
  await devtools.send('Runtime.enable').catch(() => {});
  const viewId = `chrome-extension://${extId}${PANEL_TITLE.replace(/[^A-Za-z0-9]/g, '')}`;
  await pollUntil(async () => {
    const keys = await evaluateIn(devtools, `import('./ui/legacy/legacy.js').then(UI => [...UI.ViewManager.ViewManager.instance().views.keys()])`, { timeoutMs: 5000 });
    return Array.isArray(keys) && keys.includes(viewId);
  }, { timeout: 20000, interval: 100, message: `devtools view ${viewId}` });
  const shownAt = Date.now();
  await evaluateIn(devtools, `InspectorFrontendAPI.showPanel(${JSON.stringify(viewId)})`);
  const panelTarget = await pollUntil(async () => (await h.targets()).find((t) => t.type === 'iframe'
    && t.parentId === devtoolsTargetId && t.url.startsWith(`chrome-extension://${extId}/panel.html`)),
  { timeout: 20000, interval: 5, message: 'the panel iframe target' });
  const panelSession = await h.cdp.attach(panelTarget.targetId);
  await panelSession.send('Runtime.runIfWaitingForDebugger').catch(() => {});
  const panel = new DevtoolsPanel(h, { inspectedTargetId: targetId, devtoolsTargetId, devtools, panelTargetId: panelTarget.targetId, panelSession, viewId });
  return { panel, shownAt };
}

const frameAfter = `new Promise((done) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => done(performance.now()); c.port2.postMessage(0); }))`;

async function main() {
  const s = await openSession({ browser: 'chromium' });
  try {
    const page = await s.h.newPage(s.url('index.html'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    const started = Date.now();
    for (let first = 1; first <= EVENTS; first += WAVE * BATCH) {
      const batches = Math.min(WAVE, Math.ceil((EVENTS - first + 1) / BATCH));
      await dispatch(page, first, batches);
      const want = first - 1 + batches * BATCH;
      await pollUntil(async () => (await shownTotal(tab)) >= want, { timeout: 120000, interval: 100, message: `${want} entries recorded` });
    }
    console.log(`recorded ${EVENTS} events through a panel tab in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await tab.close();

    const { panel, shownAt } = await showPanel(s.h, page);
    const firstRows = await panel.evaluate(`new Promise((done) => {
      new PerformanceObserver((list) => { (window.__long ??= []).push(...list.getEntries().map((e) => Math.round(e.duration))); })
        .observe({ type: 'longtask', buffered: true });
      const check = () => document.querySelector('[id^="event-row-"]')
        ? done(performance.timeOrigin + performance.now()) : requestAnimationFrame(check);
      check();
    })`);
    await pollUntil(async () => (await shownTotal(panel)) >= EVENTS, { timeout: 120000, interval: 5, message: `all ${EVENTS} entries in the panel` });
    const allAt = Date.now();
    const longTasks = await panel.evaluate(() => window.__long ?? []);
    console.log(`devtools panel, ${EVENTS} entries held: showPanel → first rows ${Math.round(firstRows - shownAt)} ms; → all entries ${allAt - shownAt} ms; long tasks (> 50 ms) meanwhile: ${longTasks.length ? longTasks.join(', ') + ' ms' : 'none'}`);

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
    const heap = await panel.evaluate(() => performance.memory ? Math.round(performance.memory.usedJSHeapSize / 2 ** 20) : null);
    const wasm = await panel.evaluate(() => Math.round((performance.measureUserAgentSpecificMemory ? 0 : 0)));
    console.log(`panel JS heap: ${heap} MiB (the wasm memory is not in it${wasm ? '' : ''})`);
  } finally {
    await s.close();
  }
}

await main();
