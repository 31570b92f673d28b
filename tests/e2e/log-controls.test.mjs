// The log's controls: Preserve log across navigations (real devtools panel), Clear, Pause/Resume,
// the event-name select and the free-text search (panel tab).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit, simReady, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import { pollUntil } from '../harness/driver.mjs';
import {
  waitForPanelReady, waitForEvents, expectExactly, waitForApiState, readPanel, clickButton, hasButton,
  setPreserveLog, setSearch, selectEventName, countEvents, navigationCount, squash, logRows,
} from '../harness/panel-ui.mjs';


async function started(page, panel, id) {
  await emit(page, 'conversationStarted', conversation(id));
  await waitForEvents(panel, 'conversationStarted', conversationFragment(id));
}

forEachBrowser((browser, s) => {
  test(`${browser}: devtools panel: Preserve log off clears on navigation; on keeps entries and adds a [data-navigation] separator`, async () => {
    const { page, panel: dt } = await openPageWithPanel(s, 'index.html?nav=0', { devtools: true });
    await waitForApiState(dt, 'ready');
    await setPreserveLog(dt, false);

    const a = uniqueId();
    await started(page, dt, a);
    await page.goto(s.url('index.html?nav=1'));
    await simReady(page);
    // Off: the entries of the previous document are gone.
    await expectExactly(dt, 'conversationStarted', conversationFragment(a), 0);
    const b = uniqueId();
    await started(page, dt, b);

    // On: the entries stay, a separator marks the navigation, new entries follow it.
    assert.equal(await setPreserveLog(dt, true), true);
    const navBefore = await navigationCount(dt);
    await page.goto(s.url('index.html?nav=2'));
    await simReady(page);
    await pollUntil(async () => (await navigationCount(dt)) > navBefore, { message: 'a [data-navigation] separator' });
    const c = uniqueId();
    await started(page, dt, c);
    await expectExactly(dt, 'conversationStarted', conversationFragment(b), 1);
    await expectExactly(dt, 'conversationStarted', conversationFragment(c), 1);
    // Order: b, then the separator, then c.
    // The log is virtual: its rows are read whole, in order (scrolled through).
    const [fb, fc] = [squash(conversationFragment(b)), squash(conversationFragment(c))];
    const order = (await logRows(dt)).map((r) => (
      r.navigation ? 'nav' : squash(r.text + r.title).includes(fb) ? 'b' : squash(r.text + r.title).includes(fc) ? 'c' : null
    )).filter(Boolean);
    const ib = order.indexOf('b');
    const ic = order.indexOf('c');
    assert.ok(ib >= 0 && ic > ib && order.slice(ib, ic).includes('nav'), `b, separator, c in order: ${order}`);

    // Turning it off again: the next navigation starts a fresh list.
    await setPreserveLog(dt, false);
    await page.goto(s.url('index.html?nav=3'));
    await simReady(page);
    await expectExactly(dt, 'conversationStarted', conversationFragment(c), 0);
    await dt.close();
    await page.close();
  });

  test(`${browser}: panel tab: Clear empties the list; new events still arrive`, async () => {
    const { page, panel: tab } = await openPageWithPanel(s, 'index.html?clear');
    const a = uniqueId();
    await started(page, tab, a);
    await clickButton(tab, 'Clear');
    await tab.waitFor(() => document.querySelectorAll('[data-event-name]').length === 0, { message: 'an empty list after Clear' });
    const b = uniqueId();
    await started(page, tab, b);
    await expectExactly(tab, 'conversationStarted', conversationFragment(a), 0);
    await expectExactly(tab, 'conversationStarted', conversationFragment(b), 1);
    // Cleared entries do not come back when the panel reconnects (reload of the panel page).
    await tab.page.reload();
    await waitForPanelReady(tab);
    await waitForEvents(tab, 'conversationStarted', conversationFragment(b));
    await expectExactly(tab, 'conversationStarted', conversationFragment(a), 0);
    await tab.close();
    await page.close();
  });

  test(`${browser}: panel tab: Pause holds new rows, Resume shows them (once)`, async () => {
    const { page, panel: tab } = await openPageWithPanel(s, 'index.html?pause');
    const a = uniqueId();
    await started(page, tab, a);

    await clickButton(tab, 'Pause');
    await tab.waitFor(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Resume'), { message: 'the Resume button' });
    const before = (await readPanel(tab)).rows.length;
    const held = [uniqueId(), uniqueId()];
    for (const id of held) await emit(page, 'conversationStarted', conversation(id));
    await emit(page, 'unreadConversationCountChanged', { unreadCount: held[0] });
    // While paused the list must not grow (bounded observation window).
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      assert.equal((await readPanel(tab)).rows.length, before, 'no new rows while paused');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of held) assert.equal(await countEvents(tab, 'conversationStarted', conversationFragment(id)), 0);

    await clickButton(tab, 'Resume');
    assert.equal(await hasButton(tab, 'Pause'), true);
    for (const id of held) {
      await waitForEvents(tab, 'conversationStarted', conversationFragment(id));
      await expectExactly(tab, 'conversationStarted', conversationFragment(id), 1, { stableMs: 0 });
    }
    await waitForEvents(tab, 'unreadConversationCountChanged', `"unreadCount":${held[0]}`);
    await expectExactly(tab, 'conversationStarted', conversationFragment(a), 1);
    // Live again.
    await started(page, tab, uniqueId());
    await tab.close();
    await page.close();
  });

  test(`${browser}: panel tab: the event-name select and the free-text search narrow the rows`, async () => {
    const { page, panel: tab } = await openPageWithPanel(s, 'index.html?filter');
    const id = uniqueId();
    await started(page, tab, id);
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 42 });
    await emit(page, 'quickReplyButtonClick', { name: 'QUICK_REPLIES', multiSelect: false, value: ['Zebra option'] });
    await waitForEvents(tab, 'unreadConversationCountChanged', '"unreadCount":42');
    await waitForEvents(tab, 'quickReplyButtonClick', 'Zebra option');
    const all = (await readPanel(tab)).rows.length;

    // By event name.
    await selectEventName(tab, 'conversationStarted');
    // Every row of the (virtual) log, read whole.
    const shownRows = async () => (await readPanel(tab)).rows;
    await pollUntil(async () => {
      const rows = await shownRows();
      return rows.length > 0 && rows.every((r) => r.name === 'conversationStarted');
    }, { message: 'only conversationStarted rows' });
    assert.equal(await countEvents(tab, 'conversationStarted', conversationFragment(id)), 1);
    assert.equal(await countEvents(tab, 'unreadConversationCountChanged'), 0);
    await selectEventName(tab, '');
    await pollUntil(async () => (await readPanel(tab)).rows.length >= all, { message: 'all rows back' });

    // Free text (matches the payload).
    await setSearch(tab, 'Zebra');
    await pollUntil(async () => {
      const rows = await shownRows();
      return rows.length > 0 && rows.every((r) => (r.text + r.title).includes('Zebra'));
    }, { message: 'only rows mentioning Zebra' });
    assert.equal(await countEvents(tab, 'quickReplyButtonClick', 'Zebra option'), 1);
    assert.equal(await countEvents(tab, 'conversationStarted'), 0);

    // Both at once: nothing matches.
    await selectEventName(tab, 'conversationStarted');
    await pollUntil(async () => (await shownRows()).length === 0, { message: 'no rows for name + text that do not match together' });
    await selectEventName(tab, '');
    await setSearch(tab, '');
    await pollUntil(async () => (await readPanel(tab)).rows.length >= all, { message: 'all rows back' });
    // New events respect an active filter.
    await setSearch(tab, 'unreadCount');
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 43 });
    await emit(page, 'conversationStarted', conversation(uniqueId()));
    await waitForEvents(tab, 'unreadConversationCountChanged', '"unreadCount":43');
    await pollUntil(async () => (await shownRows()).every((r) => (r.text + r.title).includes('unreadCount')), { message: 'only unreadCount rows' });
    await tab.close();
    await page.close();
  });
});
