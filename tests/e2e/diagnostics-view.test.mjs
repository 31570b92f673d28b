// The Diagnostics view's mechanics (docs/diagnostics.md §3, the UI contract): the tab after Events,
// by click and by keyboard; the status bar's [data-diagnosis] line and its link to the view; no
// [data-rule] anywhere on a healthy page; a finding's evidence link selects (and scrolls to) its
// entry in Events; page calls carry data-origin="page", the panel's own calls data-origin="panel".
// The rules themselves have their own tests (one per rule, tests/e2e and src/core/diagnostics.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { sleep } from '../harness/driver.mjs';
import {
  waitForApiState, waitForWidgetLoaded, selectView, viewNames, clickButton, setSearch,
} from '../harness/panel-ui.mjs';

const VIEWS = ['Events', 'Diagnostics', 'Widget', 'Settings', 'Cookies'];

const selectedTab = (d) => d.evaluate(() => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent.trim() ?? null);

/** Press `key` on the focused tab (the tablist's keydown handler moves the selection and the focus). */
function pressOnTab(d, tabId, key) {
  return d.evaluate(([id, k]) => {
    const tab = document.getElementById(id);
    if (!tab) throw new Error(`no #${id}`);
    tab.focus();
    tab.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    return true;
  }, [tabId, key]);
}

/** The status bar's diagnosis line: {level, text}. */
function diagnosisLine(d) {
  return d.evaluate(() => {
    const line = [...document.querySelectorAll('[data-diagnosis]')];
    if (line.length !== 1) return { count: line.length };
    return { count: 1, level: line[0].getAttribute('data-diagnosis'), text: line[0].textContent.trim() };
  });
}

const dataRules = (d) => d.evaluate(() => [...document.querySelectorAll('[data-rule]')].map((el) => el.getAttribute('data-rule')));

/** Every view in turn: no element with data-rule in any of them. */
async function assertNoRuleAnywhere(d) {
  for (const view of VIEWS) {
    await selectView(d, view);
    assert.deepEqual(await dataRules(d), [], `no [data-rule] in the ${view} view`);
  }
}

forEachBrowser((browser, s) => {
  test(`${browser}: the Diagnostics tab follows Events, is reachable by keyboard and from the status line, and is remembered`, async () => {
    const { page, panel, close } = await openPageWithPanel(s, 'index.html?t=diag-tabs');
    await waitForApiState(panel, 'ready');
    assert.deepEqual(await viewNames(panel), VIEWS);
    const ids = await panel.evaluate(() => [...document.querySelectorAll('[role="tab"]')].map((t) => [t.id, t.getAttribute('aria-controls')]));
    assert.deepEqual(ids[1], ['tab-diagnostics', 'view-diagnostics']);

    await selectView(panel, 'Events');
    await pressOnTab(panel, 'tab-events', 'ArrowRight');
    await panel.waitFor(() => document.querySelector('[role="tab"][aria-selected="true"]')?.id === 'tab-diagnostics'
      && document.activeElement?.id === 'tab-diagnostics'
      && document.getElementById('view-diagnostics')?.getAttribute('role') === 'tabpanel'
      && document.getElementById('view-diagnostics')?.getAttribute('aria-labelledby') === 'tab-diagnostics',
    { message: 'ArrowRight from Events selects and focuses Diagnostics, its tabpanel shown' });
    assert.equal(await panel.evaluate(() => document.getElementById('tab-diagnostics').tabIndex), 0, 'the selected tab is in the tab order');
    await pressOnTab(panel, 'tab-diagnostics', 'ArrowRight');
    await panel.waitFor(() => document.activeElement?.id === 'tab-widget', { message: 'ArrowRight from Diagnostics: Widget' });
    await pressOnTab(panel, 'tab-widget', 'ArrowLeft');
    await panel.waitFor(() => document.activeElement?.id === 'tab-diagnostics', { message: 'ArrowLeft from Widget: Diagnostics' });
    await pressOnTab(panel, 'tab-diagnostics', 'ArrowLeft');
    await panel.waitFor(() => document.activeElement?.id === 'tab-events', { message: 'ArrowLeft from Diagnostics: Events' });

    // The status line links to the view.
    const line = await diagnosisLine(panel);
    assert.equal(line.count, 1, 'exactly one [data-diagnosis] line');
    await panel.evaluate(() => document.querySelector('[data-diagnosis] button').click());
    await panel.waitFor(() => document.querySelector('[role="tab"][aria-selected="true"]')?.id === 'tab-diagnostics',
      { message: 'the status line opens Diagnostics' });

    // Remembered: a panel opened now starts on Diagnostics.
    const again = await s.h.openPanelTab(page);
    await again.waitFor(() => document.querySelector('[role="tab"][aria-selected="true"]')?.id === 'tab-diagnostics',
      { message: 'a new panel starts on the remembered Diagnostics view' });
    await selectView(again, 'Events');
    await again.close();
    await close();
  });

  test(`${browser}: a healthy page: no [data-rule] anywhere, "No problem found" in the view and the status line; a finding comes in the render of its row`, async () => {
    const { page, panel, close } = await openPageWithPanel(s, 'index.html?t=diag-healthy');
    await waitForApiState(panel, 'ready');
    await waitForWidgetLoaded(panel, true);
    // Past every grace period of the rules (at most 5 s after the page's last entry).
    await sleep(6000);
    await selectView(panel, 'Diagnostics');
    await panel.waitFor(() => /No problem found/.test(document.getElementById('view-diagnostics')?.textContent ?? ''),
      { message: '"No problem found" in the Diagnostics view' });
    const view = await panel.evaluate(() => document.getElementById('view-diagnostics').textContent);
    assert.match(view, /20 rules checked over \d+ entr(y|ies) of this page/);
    const line = await diagnosisLine(panel);
    assert.equal(line.level, 'ok', JSON.stringify(line));
    assert.match(line.text, /No problem found/);
    await assertNoRuleAnywhere(panel);
    await selectView(panel, 'Events');

    // Then the page registers a handler under a misspelt name: its row and its finding come in
    // the same render (the background sends the report with the entries), not a round trip apart.
    await setSearch(panel, 'widgetLoadedd');
    await panel.waitFor(() => !document.querySelector('[role="row"][data-call]'), { message: 'no row matches yet' });
    await panel.evaluate(() => {
      const seen = (window.cwiSeen = []);
      new MutationObserver(() => {
        const line = document.querySelector('[data-diagnosis]');
        seen.push({ row: !!document.querySelector('[role="row"][data-call="on"]'), level: line?.getAttribute('data-diagnosis'), text: line?.textContent.trim() });
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.evaluate(() => window.HubSpotConversations.on('widgetLoadedd', () => {}));
    await panel.waitFor(() => document.querySelector('[data-diagnosis]')?.getAttribute('data-diagnosis') === 'warning',
      { message: 'the status line warns of the unknown event name' });
    const seen = await panel.evaluate(() => window.cwiSeen);
    await setSearch(panel, ''); // the filter is remembered: the next tests see every row
    const first = seen.find((s) => s.row);
    assert.ok(first, `the row was rendered: ${JSON.stringify(seen)}`);
    assert.equal(first.level, 'warning', `the finding in the render that showed its row: ${JSON.stringify(seen)}`);
    assert.match(first.text, /^⚠\s*1 problem/);
    await close();
  });

  test(`${browser}: the panel's own calls are rows with data-origin="panel"`, async () => {
    const { panel, close } = await openPageWithPanel(s, 'index.html?t=diag-panel-call');
    await waitForApiState(panel, 'ready');
    await selectView(panel, 'Widget');
    await clickButton(panel, 'widget.status()');
    await panel.waitFor(() => document.querySelector('[data-call="widget.status"]')?.getAttribute('data-origin') === 'panel',
      { message: 'the Widget view\'s result: data-origin="panel"' });
    await selectView(panel, 'Events');
    await panel.waitFor(() => document.querySelector('[role="row"][data-call="widget.status"]')?.getAttribute('data-origin') === 'panel',
      { message: 'the log row of widget.status(): data-origin="panel"' });
    await close();
  });

  // Needs the hook's page_call records (wip-hook) and their rows (wip-core).
  test(`${browser}: the page's own calls are rows with data-call="<method>" and data-origin="page"`, async () => {
    const { panel, close } = await openPageWithPanel(s, 'index.html?t=diag-page-call');
    await waitForApiState(panel, 'ready');
    await selectView(panel, 'Events');
    // index.html's onReady callback subscribes with HubSpotConversations.on('conversationStarted', …).
    await panel.waitFor(() => !!document.querySelector('[role="row"][data-call="on"][data-origin="page"]'),
      { message: 'a row [data-call="on"][data-origin="page"] for the page\'s own on()' });
    const origins = await panel.evaluate(() => [...document.querySelectorAll('[role="row"][data-call]')].map((r) => r.getAttribute('data-origin')));
    assert.ok(origins.every((o) => o === 'page' || o === 'panel'), `every call row says whose call it is: ${origins}`);
    await close();
  });

  // Needs the rules (wip-core: no-chat-on-page) and the hook's widget_data record (wip-hook).
  test(`${browser}: a finding (no-chat-on-page): one [data-rule] element, the status line, and an evidence link that selects its entry in Events`, async () => {
    const rule = 'no-chat-on-page';
    const { panel, close } = await openPageWithPanel(s, 'index.html?chat=none&t=diag-finding', { ready: false });
    await selectView(panel, 'Events');
    await setSearch(panel, 'no row matches this');   // the evidence link must get past this filter

    await selectView(panel, 'Diagnostics');
    await panel.waitFor(`document.querySelectorAll('[data-rule=${JSON.stringify(rule)}]').length === 1`,
      { timeout: 15000, message: `one [data-rule="${rule}"] element` });
    const finding = await panel.evaluate((r) => {
      const el = document.querySelector(`[data-rule="${r}"]`);
      return {
        severity: el.getAttribute('data-severity'),
        text: el.textContent,
        heading: !!el.querySelector('h3'),
        evidence: [...el.querySelectorAll('button[data-evidence]')].map((b) => ({
          id: b.getAttribute('data-evidence'), label: b.textContent.trim(), focusable: b.tabIndex >= 0,
        })),
        fix: el.querySelector('pre code') ? { copy: [...el.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Copy') } : null,
      };
    }, rule);
    assert.equal(finding.severity, 'error', JSON.stringify(finding));
    assert.ok(finding.heading, 'the finding has a heading');
    assert.ok(finding.evidence.length >= 1, `evidence links: ${JSON.stringify(finding)}`);
    assert.ok(finding.evidence.every((e) => /^\d+$/.test(e.id) && e.label && e.focusable), JSON.stringify(finding.evidence));
    if (finding.fix) assert.ok(finding.fix.copy, 'a fix comes with a Copy button');
    // Severity as text, not colour alone.
    assert.match(finding.text, /Error/);
    const line = await diagnosisLine(panel);
    assert.equal(line.level, 'error', JSON.stringify(line));
    assert.match(line.text, /Chat will not show/);

    // The evidence link: Events, the filter cleared, the entry selected, scrolled into view, in the detail pane.
    const { id } = finding.evidence[0];
    await panel.evaluate((i) => document.querySelector(`button[data-evidence="${i}"]`).click(), id);
    await panel.waitFor(`(() => {
      const row = document.querySelector('[role="row"][data-id="${id}"]');
      const log = document.querySelector('.log');
      if (!row || !log || row.getAttribute('aria-selected') !== 'true') return false;
      const r = row.getBoundingClientRect(), l = log.getBoundingClientRect();
      return document.querySelector('[role="tab"][aria-selected="true"]')?.id === 'tab-events'
        && r.top >= l.top && r.bottom <= l.bottom && !!document.querySelector('[data-testid="payload"]');
    })()`, { message: `entry ${id} selected and in view in Events` });
    assert.equal(await panel.evaluate(() => document.querySelector('input[placeholder="Filter"]').value), '', 'the filter that hid it is cleared');
    assert.equal(await selectedTab(panel), 'Events');
    await close();
  });
});
