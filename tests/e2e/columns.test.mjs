// The Events log's column headers (Time, Name, Summary / payload) and the resizable Time and Name
// columns, like the Network panel's (issue 11 §1/§4): header cells with role columnheader in the
// grid; the Name handle dragged (pointer events) and both handles moved with keys; every row's
// cell follows; the widths are remembered in storage.local "panelPrefs" (field columns) and
// restored when the panel reopens. Panel tab, both browsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit } from '../harness/site.mjs';
import { waitForPanelReady, waitForEvents, selectView, logRows } from '../harness/panel-ui.mjs';
import { pollUntil } from '../harness/driver.mjs';

/** The header and the widths of every row's cells. */
function columns(d) {
  return d.evaluate(() => {
    const grid = document.querySelector('#event-log');
    const header = document.querySelector('[role="row"] [role="columnheader"]')?.parentElement;
    const width = (el) => Math.round(el.getBoundingClientRect().width * 10) / 10;
    const handle = (c) => {
      const h = document.querySelector(`[data-resize-column="${c}"]`);
      return h && { now: Number(h.getAttribute('aria-valuenow')), min: Number(h.getAttribute('aria-valuemin')),
        max: Number(h.getAttribute('aria-valuemax')), label: h.getAttribute('aria-label'), tabindex: h.getAttribute('tabindex') };
    };
    const rows = [...document.querySelectorAll('[data-event-name]')];
    return {
      heads: [...document.querySelectorAll('[role="columnheader"]')].map((h) => ({ column: h.getAttribute('data-column'), text: h.textContent.trim(), w: width(h) })),
      headerId: header?.id, owns: grid.getAttribute('aria-owns'), rowcount: Number(grid.getAttribute('aria-rowcount')),
      rows: rows.length, allRows: document.querySelectorAll('.log [role="row"]').length, rowindexes: rows.map((r) => Number(r.getAttribute('aria-rowindex'))),
      time: handle('time'), name: handle('name'),
      nameWidths: rows.map((r) => width(r.querySelector('.name'))),
      timeWidths: rows.map((r) => width(r.querySelector('.time'))),
      logWidth: grid.clientWidth,
    };
  });
}

function dragHandle(d, column, dx) {
  return d.evaluate(([c, dx]) => {
    const h = document.querySelector(`[data-resize-column="${c}"]`);
    const r = h.getBoundingClientRect();
    const at = (x) => ({ clientX: x, clientY: r.top + r.height / 2, pointerId: 1, button: 0, buttons: 1, bubbles: true, cancelable: true, isPrimary: true, pointerType: 'mouse' });
    const x0 = r.left + r.width / 2;
    h.dispatchEvent(new PointerEvent('pointerdown', at(x0)));
    h.dispatchEvent(new PointerEvent('pointermove', at(x0 + dx / 2)));
    h.dispatchEvent(new PointerEvent('pointermove', at(x0 + dx)));
    h.dispatchEvent(new PointerEvent('pointerup', at(x0 + dx)));
    return true;
  }, [column, dx]);
}

function key(d, column, k) {
  return d.evaluate(([c, k]) => {
    const h = document.querySelector(`[data-resize-column="${c}"]`);
    h.focus();
    const notPrevented = h.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    return { prevented: !notPrevented, focused: document.activeElement === h };
  }, [column, k]);
}

const storedColumns = (d) => d.evaluate(async () => {
  const text = (await (globalThis.browser ?? globalThis.chrome).storage.local.get('panelPrefs')).panelPrefs;
  return text ? JSON.parse(text).columns ?? null : null;
});

/** Wait until both handles say `time` and `name` and every row's cells have those widths. */
async function waitForWidths(d, time, name, message) {
  let last;
  try {
    return await pollUntil(async () => {
      last = await columns(d);
      const ok = last.time.now === time && last.name.now === name
        && last.nameWidths.every((w) => Math.abs(w - name) <= 1) && last.timeWidths.every((w) => Math.abs(w - time) <= 1)
        && Math.abs(last.heads.find((h) => h.column === 'name').w - name) <= 1;
      return ok ? last : null;
    }, { timeout: 5000, message });
  } catch (e) {
    throw new Error(`${message}: ${JSON.stringify(last ?? await columns(d))}`);
  }
}

forEachBrowser((browser, s) => {
  test(`${browser}: Events log: column headers; Time and Name resized by drag and keys; every row follows; remembered across reopen`, async () => {
    let { page, panel, close } = await openPageWithPanel(s, 'index.html?t=columns');
    try {
      await panel.evaluate(async () => { await (globalThis.browser ?? globalThis.chrome).storage.local.remove('panelPrefs'); return true; });
      await selectView(panel, 'Events');
      for (let i = 0; i < 3; i++) await emit(page, 'unreadConversationCountChanged', { unreadCount: i });
      await waitForEvents(panel, 'unreadConversationCountChanged', null, { n: 3 });
      // Defaults (a previous run or test may have left widths: Home resets each column).
      for (const c of ['time', 'name']) await key(panel, c, 'Home');
      const m = await waitForWidths(panel, 64, 210, 'the default widths');
      const info = JSON.stringify(m);
      assert.deepEqual(m.heads.map((h) => [h.column, h.text]), [['time', 'Time'], ['name', 'Name'], ['summary', 'Summary / payload']], info);
      assert.equal(m.owns, m.headerId, `the grid owns the header row: ${info}`);
      assert.ok(m.headerId, info);
      // The log is virtual: aria-rowcount counts every row of the log (read whole), and the header.
      const logged = (await logRows(panel)).length;
      assert.equal(m.rowcount, logged + 1, `aria-rowcount counts the header row: ${logged} rows, ${info}`);
      assert.ok(m.allRows <= logged, info);
      assert.ok(m.rowindexes.every((r, i) => r >= 2 && (i === 0 || r > m.rowindexes[i - 1])), `rows are 2.. (the header is 1): ${info}`);
      assert.deepEqual([m.time.min, m.time.max, m.name.min, m.name.max], [48, 200, 60, 400], info);
      assert.ok(m.time.label && m.name.label && m.time.tabindex === '0' && m.name.tabindex === '0', info);
      assert.ok(m.logWidth >= 600, `a wide log for the drag: ${info}`);

      // Drag the Name handle 60 px to the right.
      await dragHandle(panel, 'name', 60);
      await waitForWidths(panel, 64, 270, 'Name 270 px after the drag, on every row');
      // Keys: ←/→ by 8 px; the key is the handle's (not the log's).
      let k = await key(panel, 'name', 'ArrowLeft');
      assert.ok(k.prevented && k.focused, JSON.stringify(k));
      await key(panel, 'name', 'ArrowLeft');
      await key(panel, 'time', 'ArrowRight');
      await waitForWidths(panel, 72, 254, 'Time 72, Name 254 after the keys');
      // Bounds.
      for (let i = 0; i < 30; i++) await key(panel, 'time', 'ArrowLeft');
      await waitForWidths(panel, 48, 254, 'Time stops at 48 px');
      for (let i = 0; i < 3; i++) await key(panel, 'time', 'ArrowRight');
      await waitForWidths(panel, 72, 254, 'Time 72 again');
      const stored = await pollUntil(async () => {
        const c = await storedColumns(panel);
        return c && c.time === 72 && c.name === 254 ? c : null;
      }, { timeout: 5000, message: 'columns {time:72,name:254} in storage.local panelPrefs' });
      assert.ok(stored);
      await panel.close();

      // Reopened: the same widths.
      panel = await s.h.openPanelTab(page);
      await waitForPanelReady(panel);
      await selectView(panel, 'Events');
      await waitForEvents(panel, 'unreadConversationCountChanged', null, { n: 3 });
      await waitForWidths(panel, 72, 254, 'the widths restored after reopen');
      // Home: the default width.
      await key(panel, 'name', 'Home');
      await waitForWidths(panel, 72, 210, 'Home resets Name');
    } finally {
      await panel.evaluate(async () => { await (globalThis.browser ?? globalThis.chrome).storage.local.remove('panelPrefs'); return true; }).catch(() => {});
      await panel.close().catch(() => {});
      await page.close().catch(() => {});
    }
  });
});
