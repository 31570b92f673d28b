// SDK events reach the panel with their payloads: in the REAL devtools panel "HubSpot Chat"
// (opened over CDP, also AFTER the events fired) and in the panel opened as a tab.
// Also: the API state shown for a page with / without HubSpot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser } from '../harness/session.mjs';
import { emit, simReady, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import {
  waitForPanelReady, waitForEvents, expectExactly, waitForApiState, waitForWidgetLoaded, clickRow, squash,
  apiState, recordApiStates, apiStatesSeen, readPanel, viewNames, setListenWidgetHidden, selectView,
} from '../harness/panel-ui.mjs';

forEachBrowser((browser, s) => {
  test(`${browser}: devtools panel: events fired BEFORE the panel opened appear, with payloads`, async () => {
    const page = await s.h.newPage(s.url('index.html'));
    await simReady(page);
    const id = uniqueId();
    await emit(page, 'conversationStarted', conversation(id));
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 7 });
    await emit(page, 'quickReplyButtonClick', { name: 'QUICK_REPLIES', multiSelect: false, value: ['Learn more'] });

    const dt = await s.h.openDevtoolsPanel(page); // devtools did not exist while the events fired
    await waitForPanelReady(dt);
    await waitForEvents(dt, 'conversationStarted', conversationFragment(id));
    await waitForEvents(dt, 'unreadConversationCountChanged', '"unreadCount":7');
    await waitForEvents(dt, 'quickReplyButtonClick', '"value":["Learn more"]');
    await expectExactly(dt, 'conversationStarted', conversationFragment(id), 1);
    await waitForApiState(dt, 'ready');
    await waitForWidgetLoaded(dt, true);

    // Live events after the panel opened.
    const live = uniqueId();
    await emit(page, 'conversationClosed', conversation(live));
    await waitForEvents(dt, 'conversationClosed', conversationFragment(live));
    await expectExactly(dt, 'conversationClosed', conversationFragment(live), 1);

    // Selecting the row shows its payload in the detail pane.
    const detail = await clickRow(dt, 'conversationStarted', { fragment: conversationFragment(id) });
    assert.ok(squash(detail).includes(squash(conversationFragment(id))), `detail pane shows the payload, got: ${detail}`);
    await dt.close();
  });

  test(`${browser}: panel tab: every SDK event appears with its payload`, async () => {
    const page = await s.h.newPage(s.url('index.html?t=tab'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    await waitForApiState(tab, 'ready');
    assert.ok((await viewNames(tab)).includes('Events'), 'a view named Events (its role="tab")');

    const id = uniqueId();
    await emit(page, 'conversationStarted', conversation(id));
    await waitForEvents(tab, 'conversationStarted', conversationFragment(id));
    await expectExactly(tab, 'conversationStarted', conversationFragment(id), 1);

    // widgetHidden is raised by the loader for on() listeners only: the user opts in (Widget view), and the
    // hook's on() for the current object shows as a call row before the events are emitted.
    await setListenWidgetHidden(tab, true);
    await tab.waitFor(() => document.querySelectorAll('[data-call="on"]').length === 1, { message: "the hook's on('widgetHidden')" });
    await selectView(tab, 'Events');
    const before = await page.evaluate(() => window.hsSim.dispatched.length);
    await page.evaluate(() => window.hsSim.emitAll());
    // hsSim.emitAll() gives each event 100 ms; on a busy machine, wait for the dispatches themselves.
    await page.waitForFunction((n) => new Set(window.hsSim.dispatched.slice(n).map((d) => d.eventType)).size >= 11,
      before, { timeout: 10000 });
    const expected = {
      conversationStarted: '"conversationId":4711',
      conversationClosed: '"conversationId":4711',
      unreadConversationCountChanged: '"unreadCount":1',
      inputStaging: '"message":"Visitor staged input"',
      contactAssociated: '"message":"Contact has been associated"',
      userInteractedWithWidget: '"message":"User interacted with widget"',
      quickReplyButtonClick: '"name":"QUICK_REPLIES"',
      widgetLoaded: '"message":"widget has loaded"',
      widgetClosed: '"message":"widget is closed"',
      userSelectedThread: '"threadId":4711',
      widgetHidden: '"reason":"SIM_HIDDEN"',
    };
    for (const [name, fragment] of Object.entries(expected)) {
      await waitForEvents(tab, name, fragment);
    }
    const detail = await clickRow(tab, 'unreadConversationCountChanged', { fragment: '"unreadCount":1' });
    assert.ok(squash(detail).includes('"unreadCount":1'), `detail pane shows the payload, got: ${detail}`);
    await setListenWidgetHidden(tab, false); // the default again, for the session's other tests
    await tab.close();
    await page.close();
  });

  test(`${browser}: a page without HubSpot shows data-api-state="absent" (and a HubSpot page "ready")`, async () => {
    const page = await s.h.newPage(s.url('index.html?t=absent'));
    await simReady(page);
    const tab = await s.h.openPanelTab(page);
    await waitForPanelReady(tab);
    await waitForApiState(tab, 'ready');

    // Same tab, now a page with no HubSpot at all: the state must FALL back to absent.
    await page.goto(s.url('no-hubspot.html'));
    await waitForApiState(tab, 'absent');
    await page.waitForFunction(() => window.noHubspotMessages === undefined || window.noHubspotMessages.length >= 1, null, { timeout: 5000 }).catch(() => {});
    // ... and stay absent once the page and its own postMessage traffic are done.
    await recordApiStates(tab);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    assert.equal(await apiState(tab), 'absent');
    assert.deepEqual(await apiStatesSeen(tab), ['absent']);
    const { rows } = await readPanel(tab);
    assert.equal(rows.length, 0, `no SDK event rows for a page without HubSpot: ${JSON.stringify(rows)}`);

    // A panel opened fresh on the page without HubSpot.
    const fresh = await s.h.newPage(s.url('no-hubspot.html?fresh'));
    const tab2 = await s.h.openPanelTab(fresh);
    await waitForPanelReady(tab2);
    await waitForApiState(tab2, 'absent');
    await tab.close();
    await tab2.close();
    await page.close();
    await fresh.close();
  });
});
