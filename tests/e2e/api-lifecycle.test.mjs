// window.HubSpotConversations over its life: defined AFTER the hook (index.html, late.html),
// replaced by widget.load() (deferred.html: placeholder → ready) and by clear({resetWidget:true}),
// and defined BEFORE the hook (the page loaded while the extension was disabled; the background
// must inject the hook when a panel subscribes), and a page left open while the extension is reloaded
// (its old hook re-sends the state to the new relay). Each emit must give exactly one row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit, simReady, simGeneration, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import {
  waitForPanelReady, waitForEvents, expectExactly, waitForApiState, waitForWidgetLoaded,
  recordApiStates, apiStatesSeen,
} from '../harness/panel-ui.mjs';

/** Emit conversationStarted with a fresh id and require exactly one row for it. */
async function emitOnce(page, panel) {
  const id = uniqueId();
  await emit(page, 'conversationStarted', conversation(id));
  await waitForEvents(panel, 'conversationStarted', conversationFragment(id));
  await expectExactly(panel, 'conversationStarted', conversationFragment(id), 1);
  return id;
}

/** A panel tab opened for `page` once the background had to find the page's state by itself. */
async function panelShowsTheLoadedWidget(s, page) {
  const panel = await s.h.openPanelTab(page);
  await waitForPanelReady(panel);
  await waitForApiState(panel, 'ready', { timeout: 15000 });
  await waitForWidgetLoaded(panel, true);
  return panel;
}

/** Records, after each of the panel's renders, its status bar and whether the log shows an API row
 * saying "ready" and a widget row saying "loaded" (the log follows its end: the newest rows are in
 * the DOM). Read from window.__cwiRowRenders. */
function recordRowRenders(d) {
  return d.evaluate(() => {
    window.__cwiRowRenders = [];
    const record = () => {
      const bar = document.querySelector('[data-api-state]');
      const rows = [...document.querySelectorAll('#event-log [data-kind]')];
      window.__cwiRowRenders.push({
        api: bar?.getAttribute('data-api-state') ?? null,
        loaded: bar?.getAttribute('data-widget-loaded') ?? null,
        readyRow: rows.some((r) => r.getAttribute('data-kind') === 'api' && /the API is ready/.test(r.textContent)),
        loadedRow: rows.some((r) => r.getAttribute('data-kind') === 'widget' && /iframe loaded/.test(r.textContent)),
      });
    };
    window.__cwiRowObserver?.disconnect();
    window.__cwiRowObserver = new MutationObserver(record);
    window.__cwiRowObserver.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    record();
    return true;
  });
}

forEachBrowser((browser, s) => {
  test(`${browser}: index.html: API defined after the hook → ready; reset keeps one row per emit`, async () => {
    // The panel is subscribed to the browser tab before the page under test loads in it.
    const { page, panel } = await openPageWithPanel(s, 'no-hubspot.html?before-index', { ready: false });
    await waitForApiState(panel, 'absent');
    await page.goto(s.url('index.html'));
    await simReady(page);
    await waitForApiState(panel, 'ready');
    await waitForWidgetLoaded(panel, true);
    const first = await emitOnce(page, panel);

    // clear({resetWidget:true}) builds a NEW object with a NEW emitter and a new chat iframe.
    await page.evaluate(() => window.HubSpotConversations.clear({ resetWidget: true }));
    await simGeneration(page, 2);
    await waitForApiState(panel, 'ready');
    await waitForWidgetLoaded(panel, true);
    await emitOnce(page, panel);
    await emitOnce(page, panel);
    await expectExactly(panel, 'conversationStarted', conversationFragment(first), 1, { stableMs: 0 });

    // resetAndReloadWidget() too.
    await page.evaluate(() => window.HubSpotConversations.resetAndReloadWidget());
    await simGeneration(page, 3);
    await emitOnce(page, panel);
    await panel.close();
    await page.close();
  });

  test(`${browser}: late.html: loader inserted 800 ms after load → absent, then ready; events flow`, async () => {
    const { page, panel } = await openPageWithPanel(s, 'no-hubspot.html?before-late', { ready: false });
    await waitForApiState(panel, 'absent');
    await recordApiStates(panel);
    await page.goto(s.url('late.html'));
    await simReady(page, 15000);
    await waitForApiState(panel, 'ready');
    await waitForWidgetLoaded(panel, true);
    await emitOnce(page, panel);
    const seen = await apiStatesSeen(panel);
    assert.equal(seen.at(-1), 'ready', `states seen: ${seen}`);
    assert.ok(!seen.includes('placeholder'), `late.html never has a placeholder; states seen: ${seen}`);
    await panel.close();
    await page.close();
  });

  test(`${browser}: deferred.html: placeholder → ready after widget.load(), then reset: one row per emit, no duplicates`, async () => {
    const { page, panel } = await openPageWithPanel(s, 'no-hubspot.html?before-deferred', { ready: false });
    await waitForApiState(panel, 'absent');
    await recordApiStates(panel);
    await recordRowRenders(panel);
    await page.goto(s.url('deferred.html'));
    await waitForApiState(panel, 'placeholder');
    await waitForWidgetLoaded(panel, false);
    assert.equal(await page.evaluate(() => window.HubSpotConversations.widget.status().loaded), false);

    await page.click('#load-chat');
    await simGeneration(page, 2);
    await waitForApiState(panel, 'ready');
    await waitForWidgetLoaded(panel, true);
    const seen = await apiStatesSeen(panel);
    const iP = seen.indexOf('placeholder');
    assert.ok(iP >= 0 && seen.indexOf('ready', iP) > iP, `placeholder then ready; states seen: ${seen}`);
    // The status the rows brought is in the same render as the rows (the status comes inside the
    // append of its entries): never an API row saying "ready" beside a status bar that does not.
    const renders = await panel.evaluate(() => window.__cwiRowRenders.slice());
    const firstReady = renders.find((r) => r.readyRow);
    assert.ok(firstReady, `a render with the API row "ready": ${JSON.stringify(renders)}`);
    assert.equal(firstReady.api, 'ready', `the render of the API row: ${JSON.stringify(renders)}`);
    const firstLoaded = renders.find((r) => r.loadedRow);
    assert.ok(firstLoaded, `a render with the widget row "loaded": ${JSON.stringify(renders)}`);
    assert.equal(firstLoaded.loaded, 'true', `the render of the widget row: ${JSON.stringify(renders)}`);
    const a = await emitOnce(page, panel);

    await page.evaluate(() => window.HubSpotConversations.clear({ resetWidget: true }));
    await simGeneration(page, 3);
    await waitForApiState(panel, 'ready');
    const b = await emitOnce(page, panel);
    await emitOnce(page, panel);
    await expectExactly(panel, 'conversationStarted', conversationFragment(a), 1, { stableMs: 0 });
    await expectExactly(panel, 'conversationStarted', conversationFragment(b), 1, { stableMs: 0 });
    await panel.close();
    await page.close();
  });

  // The extension cannot hook a document that existed before it was enabled (Chrome injects
  // manifest content scripts only into documents created afterwards). Disable the extension,
  // load the page (its HubSpotConversations is defined with no hook present), enable it again:
  // the panel that subscribes must get the hook (and relay) injected by the background.
  // Runs last in this file: it disables the extension for a moment.
  test(`${browser}: API defined BEFORE the hook (page loaded while the extension was disabled) → ready; events flow`, async () => {
    await s.h.setExtensionEnabled(false);
    let page;
    try {
      page = await s.h.newPage(s.url('index.html?before-hook'));
      await simReady(page);
      assert.equal(await page.evaluate(() => typeof window.HubSpotConversations), 'object');
      // No hook trapped the property: it is a plain data property set by the loader.
      assert.equal(await page.evaluate(() => 'value' in Object.getOwnPropertyDescriptor(window, 'HubSpotConversations')), true,
        'precondition: the page was loaded without the hook');
    } finally {
      await s.h.setExtensionEnabled(true);
    }
    const panel = await panelShowsTheLoadedWidget(s, page);
    await emitOnce(page, panel);
    await emitOnce(page, panel);

    // The same document through the real devtools panel (a second subscriber): still one row each.
    const dt = await s.h.openDevtoolsPanel(page);
    await waitForPanelReady(dt);
    await waitForApiState(dt, 'ready');
    const id = uniqueId();
    await emit(page, 'conversationStarted', conversation(id));
    await waitForEvents(dt, 'conversationStarted', conversationFragment(id));
    await expectExactly(dt, 'conversationStarted', conversationFragment(id), 1);
    await expectExactly(panel, 'conversationStarted', conversationFragment(id), 1);

    // A reset after the late injection still yields one row per emit.
    await page.evaluate(() => window.HubSpotConversations.clear({ resetWidget: true }));
    await simGeneration(page, 2);
    await emitOnce(page, panel);
    await dt.close();
    await panel.close();
    await page.close();
  });

  // The extension reloaded (disabled, enabled) while a page with a loaded widget stays open: the old
  // hook is still in the page, the old relay is orphaned and storage.session is empty. A panel opened
  // then must show the page's true state (the hook re-sends it to the relay the background injects),
  // and each new event must show exactly once (the orphaned relay stays silent).
  test(`${browser}: extension reloaded while the page is open → the reopened panel shows ready and loaded; events once`, async () => {
    const page = await s.h.newPage(s.url('index.html?reloaded'));
    await simReady(page);
    const before = await s.h.openPanelTab(page);
    await waitForPanelReady(before);
    await waitForApiState(before, 'ready');
    await waitForWidgetLoaded(before, true);
    await before.close();
    assert.equal(await page.evaluate(() => 'get' in Object.getOwnPropertyDescriptor(window, 'HubSpotConversations')), true,
      'precondition: the hook trapped the API');
    await s.h.setExtensionEnabled(false);
    await s.h.setExtensionEnabled(true);
    const panel = await panelShowsTheLoadedWidget(s, page);
    await emitOnce(page, panel);
    await emitOnce(page, panel);
    await panel.close();
    await page.close();
  });
});
