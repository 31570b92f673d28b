// The extension must not change what the page sees: the page's hsConversationsOnReady callbacks
// run the same number of times, its console (messages and uncaught errors) is the same, and the
// chat iframe receives exactly the same track-api-usage messages (what HubSpot's API-usage report
// records: the extension makes no SDK call of its own), with and without the extension, for the
// same pages and actions. With the extension, a panel is subscribed to the tab during the whole
// run, so the hook is fully active (relay connected); nothing is clicked in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, recordConsole, forEachBrowser } from '../harness/session.mjs';
import { emit, simReady, simGeneration, conversation } from '../harness/site.mjs';
import { waitForPanelReady, waitForEvents } from '../harness/panel-ui.mjs';

// Every step: navigate, act, then read what the page itself observed.
const STEPS = [
  // Loaded, then idle: nothing but the loader's own reports (its onReady flush, the page's onReady on()).
  ['index.html?t=idle', async (page) => {
    await simReady(page);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 600)));
  }],
  // The page's own SDK calls (after its chat iframe loaded): each is reported once, as without the extension.
  ['index.html?t=page-calls', async (page) => {
    await simReady(page);
    await page.evaluate(() => {
      window.HubSpotConversations.on('conversationStarted', function pageHandler() {});
      window.HubSpotConversations.widget.status();
      window.HubSpotConversations.off('conversationStarted', function other() {});
    });
    await emit(page, 'conversationStarted', conversation(1000));
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  }],
  ['index.html', async (page) => {
    await simReady(page);
    await emit(page, 'conversationStarted', conversation(1001));
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 3 });
    await page.evaluate(() => window.HubSpotConversations.clear({ resetWidget: true }));
    await simGeneration(page, 2);
    await emit(page, 'conversationStarted', conversation(1002));
    await page.evaluate(() => window.hsSim.emitAll());
  }],
  ['deferred.html', async (page) => {
    await page.evaluate(() => window.HubSpotConversations.widget.status());
    await page.click('#load-chat');
    await simGeneration(page, 2);
    await emit(page, 'conversationStarted', conversation(1003));
    await page.evaluate(() => window.HubSpotConversations.resetAndReloadWidget());
    await simGeneration(page, 3);
    await emit(page, 'conversationStarted', conversation(1004));
  }],
  ['late.html', async (page) => {
    await simReady(page, 15000);
    await emit(page, 'conversationStarted', conversation(1005));
    await page.evaluate(() => window.hsSim.openChange(true, true));
    await page.evaluate(() => window.hsSim.openChange(false, true));
  }],
  ['inline.html', async (page) => {
    await simReady(page);
    await emit(page, 'conversationStarted', conversation(1006));
  }],
  ['spa.html', async (page) => {
    await simReady(page);
    await page.evaluate(() => window.spaGo('shipping'));
    await page.evaluate(() => new Promise((r) => setTimeout(r, 1100))); // widget.refresh is throttled to 1 s
    await page.evaluate(() => window.spaGo('legal', 'none'));
    // The route without chat: the loader's refresh runs and widget-data answers 204 (the widget stays).
    await page.waitForFunction(() => window.hsSim.traces.filter((t) => t.what === 'refresh-run').length >= 2, null, { timeout: 5000 });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  }],
  ['invalid-settings.html', async (page) => {
    await page.waitForLoadState('load');
  }],
  ['duplicate.html', async (page) => {
    await simReady(page);
  }],
  ['no-hubspot.html', async (page) => {
    await page.waitForFunction(() => (window.noHubspotMessages || []).length >= 1, null, { timeout: 5000 }).catch(() => {});
    await page.click('#ping').catch(() => {});
    await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
  }],
  // HubSpotConversations inherited (issue 8): the hook's trap on window must not shadow it.
  ['no-hubspot.html?inherited', async (page) => {
    await page.evaluate(() => {
      Object.prototype.HubSpotConversations = { widget: { status() { return { loaded: false }; } } };
      setTimeout(() => console.log('inherited status', JSON.stringify(window.HubSpotConversations.widget.status())), 0);
      return new Promise((r) => setTimeout(r, 50));
    });
  }],
];

async function run(browser, withExtension) {
  const s = await openSession(withExtension ? { browser } : { browser, extension: null });
  const results = [];
  try {
    const page = await s.h.newPage(s.url('no-hubspot.html?warmup'));
    let panel = null;
    if (withExtension) {
      panel = await s.h.openPanelTab(page);
      await waitForPanelReady(panel);
    }
    const log = recordConsole(page);
    for (const [rel, act] of STEPS) {
      log.console.length = 0;
      log.errors.length = 0;
      const t0 = Date.now();
      await page.goto(s.url(rel));
      await act(page);
      if (panel && rel === 'index.html?t=page-calls') {
        await waitForEvents(panel, 'conversationStarted', '"conversationId":1000');
      }
      if (panel && rel === 'index.html') {
        // The panel really listened: the page's events reached it.
        await waitForEvents(panel, 'conversationStarted', '"conversationId":1002');
      }
      // Let late console output (iframe, timers) land before reading.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 150)));
      const seen = await page.evaluate(() => ({
        onReadyCalls: window.pageOnReadyCalls,
        pageConsole: (window.pageConsole || []).slice(),
        api: typeof window.HubSpotConversations,
        apiKeys: window.HubSpotConversations ? Object.keys(window.HubSpotConversations).sort() : null,
        ownWindowKeys: Object.keys(window).filter((k) => /hubspot|hs|chat|inspector/i.test(k)).sort(),
        // Feature detection as a page would do it (issue 8): [in, hasOwnProperty, getOwnPropertyDescriptor].
        detected: ['HubSpotConversations', 'hsConversationsSettings', 'hsConversationsOnReady'].map((name) =>
          [name in window, Object.prototype.hasOwnProperty.call(window, name), !!Object.getOwnPropertyDescriptor(window, name)]),
      }));
      // What the current chat iframe received as track-api-usage ([{name, method}]), null without one.
      seen.usage = await page.evaluate(() => (window.hsSim ? window.hsSim.usageReports() : null));
      results.push({
        page: rel,
        ...seen,
        console: log.console.slice().sort(),
        errors: log.errors.slice().sort(),
        ms: Date.now() - t0,
      });
    }
  } finally {
    await s.close();
  }
  return results;
}

// Each browser runs the scenario twice (its own launch with the extension, then one without), before
// the tests compare the two runs.
forEachBrowser((browser, runs) => {
  test(`${browser}: onReady callbacks run the same number of times with and without the extension`, () => {
    const { withExt, without } = runs;
    for (let i = 0; i < STEPS.length; i++) {
      assert.equal(withExt[i].onReadyCalls, without[i].onReadyCalls, `${STEPS[i][0]}: onReady calls`);
    }
    // Sanity: the scenario did exercise onReady (index: initial + reset; deferred: placeholder + load + reset).
    const at = (page) => STEPS.findIndex(([rel]) => rel === page);
    assert.equal(without[at('index.html')].onReadyCalls, 2, 'index.html: onReady ran for the first object and after the reset');
    assert.equal(without[at('deferred.html')].onReadyCalls, 3, 'deferred.html: placeholder, load() and reset');
  });

  test(`${browser}: the page console (messages and uncaught errors) is the same with and without the extension`, (t) => {
    const { withExt, without } = runs;
    // Reporter lines (not assertions): what each step took and logged, with and then without.
    for (const [label, results] of [['with the extension', withExt], ['without', without]]) {
      for (const r of results) {
        t.diagnostic(`${label}: ${r.page}: ${r.ms} ms, ${r.console.length} console messages, ${r.errors.length} errors, onReady ${r.onReadyCalls}`);
      }
    }
    if (process.env.CWI_DEBUG) t.diagnostic(JSON.stringify(without, null, 1));
    for (let i = 0; i < STEPS.length; i++) {
      const page = STEPS[i][0];
      assert.deepEqual(withExt[i].pageConsole, without[i].pageConsole, `${page}: the page's own log`);
      assert.deepEqual(withExt[i].console, without[i].console, `${page}: console messages`);
      assert.deepEqual(withExt[i].errors, without[i].errors, `${page}: uncaught page errors`);
    }
    // Sanity: the scenario produced console output and the invalid settings page its error.
    assert.ok(without[STEPS.findIndex(([rel]) => rel === 'index.html')].console.length > 0, 'index.html logged something');
    assert.ok(without.find((r) => r.page === 'invalid-settings.html').errors.some((e) => /Invariant Violation/.test(e)),
      'invalid-settings.html throws its Invariant Violation');
  });

  // Issue 10: HubSpot records every SDK call (track-api-usage to the chat iframe); the extension makes none of
  // its own (no on('widgetHidden') unless the user opts in, in the panel), so the page cannot detect it that way.
  test(`${browser}: the chat iframe receives exactly the same track-api-usage messages with and without the extension`, (t) => {
    const { withExt, without } = runs;
    for (let i = 0; i < STEPS.length; i++) {
      const page = STEPS[i][0];
      t.diagnostic(`${page}: ${JSON.stringify(without[i].usage)}`);
      assert.deepEqual(withExt[i].usage, without[i].usage, `${page}: track-api-usage received by the chat iframe`);
    }
    // Sanity: the counter saw the loader's and the page's reports.
    const usage = (page) => without[STEPS.findIndex(([rel]) => rel === page)].usage;
    assert.ok(usage('index.html?t=idle').length >= 1, 'the idle page reported its onReady flush');
    const pageCalls = usage('index.html?t=page-calls').map((u) => u.method);
    assert.ok(pageCalls.includes('on') && pageCalls.includes('widget.status'), `the page's own calls were reported: ${pageCalls}`);
    assert.ok(usage('deferred.html').length >= 1, 'deferred.html: the reset object reported its onReady flush');
  });

  test(`${browser}: the page sees the same HubSpotConversations object shape and no extra globals`, () => {
    const { withExt, without } = runs;
    for (let i = 0; i < STEPS.length; i++) {
      const page = STEPS[i][0];
      assert.equal(withExt[i].api, without[i].api, `${page}: typeof HubSpotConversations`);
      assert.deepEqual(withExt[i].apiKeys, without[i].apiKeys, `${page}: its keys`);
      assert.deepEqual(withExt[i].ownWindowKeys, without[i].ownWindowKeys, `${page}: window keys`);
    }
  });

  test(`${browser}: on a page without HubSpot, feature detection of HubSpot's globals answers as without the extension`, () => {
    const { withExt, without } = runs;
    const plain = STEPS.map(([page], i) => [page, i]).filter(([page]) => page === 'no-hubspot.html');
    assert.equal(plain.length, 1);
    for (const [page, i] of plain) {
      assert.deepEqual(without[i].detected, [[false, false, false], [false, false, false], [false, false, false]], 'sanity');
      // hsConversationsOnReady is watched from Window.prototype (README, Security): only `in` sees it.
      assert.deepEqual(withExt[i].detected[2], [true, false, false], `${page}: hsConversationsOnReady`);
      assert.deepEqual(withExt[i].detected.slice(0, 2), without[i].detected.slice(0, 2), `${page}: in / hasOwnProperty / getOwnPropertyDescriptor`);
    }
  });
}, { open: async (browser) => ({ withExt: await run(browser, true), without: await run(browser, false) }) });
