// Filters like the Network panel's (kind chips, "-term", "/regex/", "N of M shown"), the panel's
// preferences remembered in storage.local across a close and reopen, and honest states: the empty
// state of a page without HubSpot, call buttons disabled with the reason on an absent API, a
// failed call that looks failed, Widget › Results per page load. Panel tab, both browsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit, simReady, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import { sleep, pollUntil } from '../harness/driver.mjs';
import {
  waitForPanelReady, waitForEvents, waitForApiState, readPanel, clickButton, setSearch, selectEventName,
  selectView, setPreserveLog, kindChip, emptyState, logRows, shownCount,
} from '../harness/panel-ui.mjs';

/** The kinds of the entry rows shown ([data-kind] of every row but navigation separators), the whole log (it is virtual). */
async function rowKinds(d) {
  return (await logRows(d)).filter((r) => r.kind !== null).map((r) => r.kind);
}

/** Waits until "N of M shown" agrees with the rows of the (virtual) log and `check(rows, count, v)` holds. */
async function waitForRows(d, message, check, v = {}) {
  return pollUntil(async () => {
    const before = await shownCount(d);
    const rows = (await logRows(d)).filter((r) => r.kind !== null).map((r) => ({ kind: r.kind, name: r.name || r.label }));
    const count = await shownCount(d);
    if (!count || JSON.stringify(count) !== JSON.stringify(before)) return null;
    if (count.shown !== rows.length || count.text !== count.shown + ' of ' + count.total + ' shown') return null;
    return check(rows, count, v) ? { rows, count } : null;
  }, { message });
}

/** Back to the defaults this file changes (the preferences outlive the panel in the session). */
async function resetFilters(d) {
  await selectView(d, 'Events');
  await setSearch(d, '');
  await selectEventName(d, '');
  await kindChip(d, 'all');
  if (await d.evaluate(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Resume'))) {
    await clickButton(d, 'Resume');
  }
}

forEachBrowser((browser, s) => {
  test(`${browser}: kind chips, -negation, /regex/ and an invalid regex narrow the rows; "N of M shown" agrees`, async () => {
    const { page, panel, close } = await openPageWithPanel(s, 'index.html?t=filters');
    await resetFilters(panel);
    await waitForApiState(panel, 'ready');
    const id = uniqueId();
    await emit(page, 'conversationStarted', conversation(id));
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 7 });
    await waitForEvents(panel, 'conversationStarted', conversationFragment(id));
    await waitForEvents(panel, 'unreadConversationCountChanged', '"unreadCount":7');
    // A panel call (Panel calls chip).
    await selectView(panel, 'Widget');
    await clickButton(panel, 'widget.status()');
    await panel.waitFor(() => !!document.querySelector('[data-call="widget.status"]'), { message: 'the status() result' });
    await selectView(panel, 'Events');

    const all = await waitForRows(panel, 'all rows, N of N', (rows, c) => c.shown === c.total
      && rows.some((r) => r.kind === 'call') && rows.some((r) => r.kind === 'event') && rows.some((r) => r.kind === 'api'));
    const total = all.count.total;
    assert.equal(await panel.evaluate(() => document.querySelector('[data-kind-chip="all"]').getAttribute('aria-pressed')), 'true');

    // SDK events only.
    await kindChip(panel, 'sdk');
    const sdk = await waitForRows(panel, 'only SDK event rows', (rows, c, v) => rows.length > 0 && rows.every((r) => r.kind === 'event') && c.total === v.total, { total });
    assert.ok(sdk.count.shown < total, JSON.stringify(sdk.count));
    assert.deepEqual(await panel.evaluate(() => ['all', 'sdk', 'panel'].map((k) => document.querySelector(`[data-kind-chip="${k}"]`).getAttribute('aria-pressed'))),
      ['false', 'true', 'false']);
    // SDK events and panel calls.
    await kindChip(panel, 'panel');
    await waitForRows(panel, 'SDK event and panel call rows', (rows) => rows.some((r) => r.kind === 'call')
      && rows.some((r) => r.kind === 'event') && rows.every((r) => r.kind === 'event' || r.kind === 'call'));
    await kindChip(panel, 'all');
    await waitForRows(panel, 'every row back', (rows, c, v) => c.shown === v.total, { total });

    // -term excludes.
    await setSearch(panel, '-conversationStarted');
    const negated = await waitForRows(panel, 'no conversationStarted row', (rows, c) => rows.length > 0 && c.shown < c.total
      && rows.every((r) => r.name !== 'conversationStarted'));
    assert.ok(negated.rows.some((r) => r.name === 'unreadConversationCountChanged'), 'other rows stay');
    // Terms combine (AND): a word and a negation.
    await setSearch(panel, 'conversation -started');
    await waitForRows(panel, 'conversation rows without "started"', (rows) => rows.some((r) => r.name === 'unreadConversationCountChanged')
      && rows.every((r) => r.name !== 'conversationStarted'));

    // /regex/ (case-insensitive, like the plain terms).
    await setSearch(panel, '/^CONVERSATIONSTARTED$/');
    const regex = await waitForRows(panel, 'only the conversationStarted rows', (rows) => rows.length >= 1 && rows.every((r) => r.name === 'conversationStarted'));
    assert.ok(regex.count.shown < total);
    assert.equal(await panel.evaluate(() => document.querySelector('[data-filter-error]')), null);

    // An invalid regex: a clear inline error, the text filter not applied, the panel alive.
    await setSearch(panel, '/(unclosed/');
    const error = await panel.waitFor(() => {
      const el = document.querySelector('[data-filter-error]');
      return el && { text: el.textContent, invalid: document.querySelector('input[placeholder="Filter"]').getAttribute('aria-invalid') };
    }, { message: 'the inline regex error' });
    assert.match(error.text, /^Invalid regular expression \/\(unclosed\/: .+\. The text filter is not applied\.$/);
    assert.equal(error.invalid, 'true');
    await waitForRows(panel, 'every row (the invalid regex is not applied)', (rows, c, v) => c.shown === v.total, { total });
    await setSearch(panel, 'unclosed)');
    await panel.waitFor(() => !document.querySelector('[data-filter-error]'), { message: 'the error goes with the fix' });

    // Text beyond ASCII is searched case-insensitively too (the browser's own lower-casing).
    await setSearch(panel, '');
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 3, label: 'Réunion ÉTÉ' });
    await waitForEvents(panel, 'unreadConversationCountChanged', 'Réunion ÉTÉ');
    for (const text of ['été', 'ÉTÉ', 'rÉunion']) {
      await setSearch(panel, text);
      await waitForRows(panel, `only the "Réunion ÉTÉ" row for ${text}`, (rows, c) => rows.length === 1 && c.shown === 1
        && rows[0].name === 'unreadConversationCountChanged');
    }

    await resetFilters(panel);
    await close();
  });

  test(`${browser}: filter text, chips, event name, Pause, view and selection are restored when the panel is reopened`, async () => {
    const { page, panel } = await openPageWithPanel(s, 'index.html?t=restore');
    await resetFilters(panel);
    const id = uniqueId();
    await emit(page, 'conversationStarted', conversation(id));
    await emit(page, 'conversationStarted', conversation(uniqueId()));
    await waitForEvents(panel, 'conversationStarted', conversationFragment(id));
    await panel.evaluate((f) => {
      const squash = (x) => x.replace(/\s+/g, '');
      [...document.querySelectorAll('[data-event-name="conversationStarted"]')].find((r) => squash(r.textContent + (r.getAttribute('title') || '')).includes(squash(f))).click();
    }, conversationFragment(id));
    const selected = await panel.waitFor(() => document.querySelector('[role="row"][aria-selected="true"]')?.getAttribute('data-id'), { message: 'a selected row' });
    await setSearch(panel, 'conversation');
    await kindChip(panel, 'sdk');
    await selectEventName(panel, 'conversationStarted');
    await clickButton(panel, 'Pause');
    await panel.waitFor(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Resume'), { message: 'paused' });
    await selectView(panel, 'Widget');
    // storage.local writes are asynchronous: close once the last choice (the view) is stored.
    await pollUntil(() => panel.evaluate(async () => {
      const text = (await (globalThis.browser ?? globalThis.chrome).storage.local.get('panelPrefs')).panelPrefs;
      const p = text ? JSON.parse(text) : {};
      return p.view === 'Widget' && p.paused === true && p.filter_text === 'conversation' && p.selected != null;
    }), { message: 'the view, pause, filter text and selection in storage.local panelPrefs' });
    await panel.close();

    // Held while the panel is closed and paused: not shown when it reopens paused.
    const reopened = await s.h.openPanelTab(page);
    await waitForPanelReady(reopened);
    try {
      await reopened.waitFor(() => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent.trim() === 'Widget',
        { message: 'the Widget view restored' });
      await selectView(reopened, 'Events');
      const state = await reopened.waitFor(() => {
        const input = document.querySelector('input[placeholder="Filter"]');
        const select = document.querySelector('select[aria-label="Event name"]');
        const chips = Object.fromEntries([...document.querySelectorAll('[data-kind-chip]')].map((c) => [c.getAttribute('data-kind-chip'), c.getAttribute('aria-pressed')]));
        const resume = [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Resume');
        const sel = document.querySelector('[role="row"][aria-selected="true"]')?.getAttribute('data-id');
        return input && select && sel ? { text: input.value, name: select.value, chips, resume, sel } : null;
      }, { message: 'the restored Events view with its selection' });
      assert.equal(state.text, 'conversation');
      assert.equal(state.name, 'conversationStarted');
      assert.equal(state.chips.sdk, 'true');
      assert.equal(state.chips.all, 'false');
      assert.equal(state.resume, true, 'still paused');
      assert.equal(state.sel, selected, 'the same entry selected again');
      // Paused: a new event is held, not shown.
      const later = uniqueId();
      await emit(page, 'conversationStarted', conversation(later));
      await sleep(500);
      assert.equal((await readPanel(reopened)).rows.filter((r) => r.text.replace(/\s+/g, '').includes(conversationFragment(later).replace(/\s+/g, ''))).length, 0);
      await clickButton(reopened, 'Resume');
      await waitForEvents(reopened, 'conversationStarted', conversationFragment(later));
    } finally {
      await resetFilters(reopened);
      await reopened.close();
      await page.close();
    }
  });

  test(`${browser}: the preferences the panel kept in localStorage move into storage.local once`, async () => {
    const { page, panel } = await openPageWithPanel(s, 'index.html?t=migrate');
    await resetFilters(panel);
    await panel.evaluate(async () => {
      localStorage.setItem('chat-widget-inspector.view', 'Cookies');
      localStorage.setItem('chat-widget-inspector.preserveLog', 'true');
      await (globalThis.browser ?? globalThis.chrome).storage.local.remove('panelPrefs');
      return true;
    });
    await panel.close();
    const reopened = await s.h.openPanelTab(page);
    await waitForPanelReady(reopened);
    try {
      await reopened.waitFor(() => document.querySelector('[role="tab"][aria-selected="true"]')?.textContent.trim() === 'Cookies',
        { message: 'the old view migrated' });
      const after = await reopened.evaluate(async () => ({
        old: Object.keys(localStorage).filter((k) => k.startsWith('chat-widget-inspector.')),
        stored: JSON.parse((await (globalThis.browser ?? globalThis.chrome).storage.local.get('panelPrefs')).panelPrefs),
      }));
      assert.deepEqual(after.old, [], 'the old keys are removed');
      assert.equal(after.stored.v, 1);
      assert.equal(after.stored.view, 'Cookies');
      assert.equal(after.stored.preserve_log, true);
      await selectView(reopened, 'Events');
      assert.equal(await reopened.evaluate(() => [...document.querySelectorAll('label')]
        .find((l) => l.textContent.includes('Preserve log')).querySelector('input').checked), true);
    } finally {
      await selectView(reopened, 'Events');
      await setPreserveLog(reopened, false);
      await resetFilters(reopened);
      await reopened.close();
      await page.close();
    }
  });

  test(`${browser}: a page without HubSpot: the empty state says what is missing; the call buttons are disabled with the reason`, async () => {
    const { panel, close } = await openPageWithPanel(s, 'no-hubspot.html?t=empty', { ready: false });
    await resetFilters(panel);
    await waitForApiState(panel, 'absent');
    // absent is also the state before the tab's status arrived: wait for the empty state that knows the page.
    const empty = await emptyState(panel, { key: 'no-hubspot' });
    assert.equal(empty.key, 'no-hubspot', JSON.stringify(empty));
    assert.match(empty.text, /No HubSpot chat on this page: no loader script, no HubSpotConversations object\./);
    assert.match(empty.text, /Events appear when the page loads HubSpot's script/);
    assert.doesNotMatch(empty.text, /No events yet/);

    await selectView(panel, 'Widget');
    const buttons = await panel.waitFor(() => {
      const calls = [...document.querySelectorAll('button.call')];
      return calls.length ? calls.map((b) => ({ label: b.textContent.trim(), disabled: b.disabled, title: b.title })) : null;
    }, { message: 'the call buttons' });
    assert.deepEqual(buttons.map((b) => b.label),
      ['widget.load()', 'widget.refresh()', 'widget.open()', 'widget.close()', 'widget.remove()', 'widget.status()', 'clear()']);
    for (const b of buttons) {
      assert.equal(b.disabled, true, `${b.label} disabled`);
      assert.match(b.title, /window\.HubSpotConversations is not set on this page/, b.label);
    }
    await selectView(panel, 'Events');
    await close();
  });

  test(`${browser}: on the placeholder: only load()/status() offered; the page's own widget.open() reads as having no effect`, async () => {
    const { page, panel, close } = await openPageWithPanel(s, 'deferred.html?t=placeholder', { ready: false });
    await resetFilters(panel);
    await waitForApiState(panel, 'placeholder');
    await page.evaluate(() => { window.HubSpotConversations.widget.open(); });
    const row = await panel.waitFor(() => {
      const el = document.querySelector('[role="row"][data-call="widget.open"][data-origin="page"]');
      return el && { outcome: el.getAttribute('data-outcome'), color: getComputedStyle(el.querySelector('.summary')).color,
        normal: getComputedStyle(document.querySelector('[role="row"] .time')).color };
    }, { message: "the page's widget.open() row" });
    assert.equal(row.outcome, 'no-effect', JSON.stringify(row));
    assert.notEqual(row.color, row.normal, 'styled apart from an ordinary row');
    await selectView(panel, 'Widget');
    const buttons = await panel.waitFor(() => {
      const calls = [...document.querySelectorAll('button.call')];
      return calls.length ? Object.fromEntries(calls.map((b) => [b.textContent.trim(), { disabled: b.disabled, title: b.title }])) : null;
    }, { message: 'the call buttons' });
    assert.equal(buttons['widget.load()'].disabled, false);
    assert.equal(buttons['widget.status()'].disabled, false);
    for (const label of ['widget.open()', 'widget.close()', 'widget.refresh()', 'widget.remove()', 'clear()']) {
      assert.equal(buttons[label].disabled, true, label);
      assert.match(buttons[label].title, /placeholder/, label);
    }
    await selectView(panel, 'Events');
    await close();
  });

  test(`${browser}: a failed call looks failed; Widget › Results are grouped per page load like Events`, async () => {
    const { page, panel, close } = await openPageWithPanel(s, 'index.html?t=results');
    await resetFilters(panel);
    await waitForApiState(panel, 'ready');
    await setPreserveLog(panel, true);
    await selectView(panel, 'Widget');
    await clickButton(panel, 'widget.status()');
    await panel.waitFor(() => !!document.querySelector('[data-call-group="current"] [data-call="widget.status"][data-outcome="ok"]'),
      { message: 'an ok status() result under this page' });
    // A navigation with Preserve log on: the call moves under "Previous page".
    await page.goto(s.url('index.html?t=results2'));
    await simReady(page);
    await panel.waitFor(() => !!document.querySelector('[data-call-group="previous"] [data-call="widget.status"]')
      && !document.querySelector('[data-call-group="current"] [data-call]')
      && document.querySelector('[data-call-group="previous"]').textContent.includes('Previous page'),
    { message: 'the status() result under "Previous page", none under this page' });
    // Preserve log off: like Events, the previous page's calls are gone.
    await selectView(panel, 'Events');
    await setPreserveLog(panel, false);
    await selectView(panel, 'Widget');
    await panel.waitFor(() => !document.querySelector('[data-call-group="previous"]') && !document.querySelector('[data-call]'),
      { message: 'no earlier page results without Preserve log' });

    // A page the extension cannot script: the call is not delivered, and it looks failed.
    await page.goto('about:blank');
    await clickButton(panel, 'widget.open()');
    const failed = await panel.waitFor(() => {
      const el = document.querySelector('[data-call="widget.open"]');
      return el && { outcome: el.getAttribute('data-outcome'), cls: el.className, text: el.textContent };
    }, { message: 'the widget.open() result' });
    assert.equal(failed.outcome, 'failed', JSON.stringify(failed));
    assert.match(failed.cls, /\bfailed\b/);
    assert.match(failed.text, /✕ failed/);
    assert.doesNotMatch(failed.text, /returned|✓/);
    // The same call in Events carries its outcome too.
    await selectView(panel, 'Events');
    await panel.waitFor(() => document.querySelector('[role="row"][data-call="widget.open"][data-origin="panel"]')?.getAttribute('data-outcome') === 'failed',
      { message: 'the failed call row in Events: data-outcome="failed"' });
    await selectView(panel, 'Events');
    await close();
  });
});
