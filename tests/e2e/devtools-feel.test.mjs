// The panel looks and behaves like DevTools' own panels (issue 11, points 1-3), IN the real devtools
// panel of each browser: text at DevTools' size over the stylesheet DevTools injects into extension
// panels; the layout at 1000, 500 and 400 px wide (the detail stacks under the log below 700 px,
// nothing essential behind a horizontal scrollbar); the split between log and detail dragged and
// moved with keys, remembered across reopen; the log's keyboard; Esc and Ctrl+F kept from DevTools
// (Chromium: real key presses, DevTools' Console drawer and find bar must stay closed); axe-core in
// every view and both themes.
// Keys: Chromium gets trusted key presses (CDP Input.dispatchKeyEvent on the panel's frame, what a
// user's keyboard sends). Firefox's panel frame is out of reach of BiDi input: synthetic keydowns,
// and the assertion is what Firefox's toolbox relies on (a prevented default is not forwarded).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachBrowser } from '../harness/session.mjs';
import { openHostsSession, waitForCookieRows } from '../harness/hosts.mjs';
import { emit, simReady } from '../harness/site.mjs';
import { waitForPanelReady, waitForEvents, clickRow, selectView, setSearch } from '../harness/panel-ui.mjs';
import { pollUntil } from '../harness/driver.mjs';

const AXE = fs.readFileSync(path.join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
const HOST = 'shop.example.test';
const VK = { Escape: 27, ArrowDown: 40, ArrowUp: 38, ArrowLeft: 37, ArrowRight: 39, PageDown: 34, PageUp: 33, Home: 36, End: 35, Enter: 13, '/': 191, f: 70 };
const CODE = { '/': 'Slash', f: 'KeyF', Enter: 'Enter' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Press `key` in the panel: a trusted key press in Chromium, a synthetic keydown on the focused element in Firefox. */
async function press(browser, dt, key, { ctrl = false } = {}) {
  if (browser === 'chromium') {
    const base = { key, code: CODE[key] ?? key, windowsVirtualKeyCode: VK[key], modifiers: ctrl ? 2 : 0 };
    const text = key === 'Enter' ? '\r' : key === '/' ? '/' : undefined;
    await dt.panelSession.send('Input.dispatchKeyEvent', { ...base, type: text && !ctrl ? 'keyDown' : 'rawKeyDown', ...(text && !ctrl ? { text } : {}) });
    await dt.panelSession.send('Input.dispatchKeyEvent', { ...base, type: 'keyUp' });
    return null;
  }
  return dt.evaluate(([k, c]) => {
    let reachedDocument = false;
    const spy = () => { reachedDocument = true; };
    document.addEventListener('keydown', spy); // where DevTools' own forwarder listens (Chromium)
    const target = document.activeElement || document.body;
    const notPrevented = target.dispatchEvent(new KeyboardEvent('keydown', { key: k, ctrlKey: c, bubbles: true, cancelable: true }));
    document.removeEventListener('keydown', spy);
    return { prevented: !notPrevented, reachedDocument };
  }, [key, ctrl]);
}

function focusSelector(dt, selector) {
  return dt.evaluate((s) => { document.querySelector(s).focus(); return document.activeElement === document.querySelector(s); }, selector);
}

async function openPanel(s, rel, { events = 0 } = {}) {
  const page = await s.h.newPage(s.url(HOST, rel));
  await simReady(page);
  for (let i = 0; i < events; i++) await emit(page, 'unreadConversationCountChanged', { unreadCount: i });
  const dt = await s.h.openDevtoolsPanel(page);
  await waitForPanelReady(dt);
  await selectView(dt, 'Events'); // the panel reopens on the view shown last
  if (events) await waitForEvents(dt, 'unreadConversationCountChanged', null, { n: events });
  return { page, dt };
}

/**
 * Resize to `w` x `h` and wait for the panel's width to settle near `w`. Firefox keeps a minimum
 * window width above 400 px: below 700 px, its narrowest width is taken (the width is returned).
 */
async function resizeTo(browser, dt, w, h = 573) {
  await dt.setWindowSize(w, h);
  return pollUntil(async () => {
    const x = await dt.evaluate(() => innerWidth);
    await sleep(150);
    const y = await dt.evaluate(() => innerWidth);
    if (x !== y) return null;
    if (Math.abs(y - w) <= 40 || (browser === 'firefox' && w < 700 && y < 700)) return y;
    return null;
  }, { timeout: 10000, message: `the panel ~${w} px wide` });
}

function measure(dt) {
  return dt.evaluate(() => {
    const rect = (el) => el && el.getBoundingClientRect().toJSON();
    const log = document.querySelector('.log');
    const row = document.querySelector('.row.selected') || document.querySelector('[data-event-name]');
    const cell = (c) => {
      const el = row.querySelector(`.${c}`);
      const b = el.getBoundingClientRect();
      return { w: b.width, left: b.left, right: b.right, visible: getComputedStyle(el).display !== 'none' };
    };
    const sep = document.querySelector('[role="separator"]');
    return {
      width: innerWidth,
      log: rect(log),
      detail: rect(document.querySelector('.detail')),
      split: rect(document.querySelector('.split')),
      logOverflowX: log.scrollWidth - log.clientWidth,
      docOverflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      name: cell('name'),
      summary: cell('summary'),
      direction: getComputedStyle(document.querySelector('.split')).flexDirection,
      separator: sep && { now: Number(sep.getAttribute('aria-valuenow')), orientation: sep.getAttribute('aria-orientation'), rect: rect(sep) },
    };
  });
}

/** Drag the separator (pointer events) to `fraction` of the split. */
function dragSeparator(dt, fraction) {
  return dt.evaluate((f) => {
    const sep = document.querySelector('[role="separator"]');
    const split = document.querySelector('.split').getBoundingClientRect();
    const column = getComputedStyle(document.querySelector('.split')).flexDirection === 'column';
    const s = sep.getBoundingClientRect();
    const start = { clientX: s.left + s.width / 2, clientY: s.top + s.height / 2 };
    const to = column ? { clientX: start.clientX, clientY: split.top + split.height * f } : { clientX: split.left + split.width * f, clientY: start.clientY };
    const opts = (p) => ({ ...p, pointerId: 1, button: 0, buttons: 1, bubbles: true, cancelable: true, isPrimary: true, pointerType: 'mouse' });
    sep.dispatchEvent(new PointerEvent('pointerdown', opts(start)));
    sep.dispatchEvent(new PointerEvent('pointermove', opts(to)));
    sep.dispatchEvent(new PointerEvent('pointerup', opts(to)));
    return true;
  }, fraction);
}

async function runAxe(dt) {
  const loaded = await dt.evaluate(() => typeof window.axe === 'object');
  if (!loaded) await dt.evaluate(`(() => { ${AXE}\n; return typeof window.axe; })()`);
  return dt.evaluate(`(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    const rules = r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length;
    if (rules < 50 || r.passes.length < 10) throw new Error('axe ran ' + rules + ' rules, ' + r.passes.length + ' passed');
    return r.violations.map((v) => ({ id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ': ' + (n.any[0]?.message || n.all[0]?.message || '')) }));
  })()`);
}

forEachBrowser((browser, s) => {
  const open = [];
  after(async () => { for (const x of open.splice(0)) await x.close().catch(() => {}); });

  test(`${browser}: devtools panel: text at DevTools' size (>= 11 px) over DevTools' injected stylesheet, light and dark`, async () => {
    const { page, dt } = await openPanel(s, 'index.html?feel-font', { events: 2 });
    open.push(dt, page);
    await clickRow(dt, 'unreadConversationCountChanged');
    for (const theme of ['light', 'dark']) {
      await dt.setDevtoolsTheme(theme);
      await dt.waitFor(`document.documentElement.getAttribute('data-theme') === ${JSON.stringify(theme)}`, { message: `theme ${theme}` });
      const sizes = await dt.evaluate(() => Object.fromEntries(['.row .name', '.row .summary', '.row .time', '.status-bar',
        '[role="tab"]', '.toolbar button', '.detail-meta dd', '.tree'].map((sel) => {
        const el = document.querySelector(sel);
        return [sel, el ? parseFloat(getComputedStyle(el).fontSize) : null];
      })));
      for (const [sel, px] of Object.entries(sizes)) {
        assert.ok(px >= 11 && px <= 13, `${theme}: ${sel} renders at ${px} px (want 11-13 px): ${JSON.stringify(sizes)}`);
      }
    }
    await dt.setDevtoolsTheme('light');
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: layout at 1000, 500 and 400 px: the detail stacks below 700 px, name and summary stay visible, no horizontal scrollbar`, async (t) => {
    const widths = [];
    const { page, dt } = await openPanel(s, 'index.html?feel-layout', { events: 3 });
    open.push(dt, page);
    await clickRow(dt, 'unreadConversationCountChanged');
    for (const [w, h] of [[1000, 573], [500, 573], [400, 573]]) {
      const width = await resizeTo(browser, dt, w, h);
      widths.push(width);
      const m = await pollUntil(async () => {
        const x = await measure(dt);
        const stacked = width < 700;
        return stacked === (x.direction === 'column') && x.separator?.orientation === (stacked ? 'horizontal' : 'vertical') ? x : null;
      }, { timeout: 5000, message: `the layout at ${width} px` }).catch(async () => measure(dt));
      const info = JSON.stringify(m);
      assert.ok(m.detail, `the detail pane is shown: ${info}`);
      if (width >= 700) {
        assert.equal(m.direction, 'row', info);
        assert.ok(m.detail.left >= m.log.right - 1, `side by side: ${info}`);
        assert.equal(m.separator.orientation, 'vertical', info);
      } else {
        assert.equal(m.direction, 'column', info);
        assert.ok(m.detail.top >= m.log.bottom - 1, `stacked: ${info}`);
        assert.equal(m.separator.orientation, 'horizontal', info);
        assert.ok(m.log.width >= width - 2, `the log has the full width: ${info}`);
      }
      assert.ok(m.logOverflowX <= 0 && m.docOverflowX <= 0, `no horizontal scrollbar: ${info}`);
      for (const c of ['name', 'summary']) {
        assert.ok(m[c].visible && m[c].w >= 60 && m[c].right <= m.log.right + 0.5, `${c} visible (>= 60 px, inside the log) at ${width} px: ${info}`);
      }
    }
    t.diagnostic(`panel widths measured: ${widths.join(', ')} px`);
    await dt.setWindowSize(1000, 573);
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: Cookies at 500 and 400 px: Expires and Delete visible, no horizontal scrollbar`, async () => {
    const page = await s.h.newPage(s.url(HOST, 'index.html?feel-cookies'));
    await simReady(page);
    await page.evaluate(() => {
      document.cookie = `messagesUtk=${'0123456789abcdef'.repeat(4)}; path=/; max-age=86400`;
      document.cookie = 'hubspotutk=5a1f0c9e2b7d4e8f9a0b1c2d3e4f5a6b; path=/; max-age=86400';
    });
    const dt = await s.h.openDevtoolsPanel(page);
    open.push(dt, page);
    await waitForPanelReady(dt);
    await selectView(dt, 'Cookies');
    await waitForCookieRows(dt, (rows) => rows.some((r) => r.name === 'messagesUtk' && r.present === 'true'), { message: 'messagesUtk listed' });
    for (const w of [500, 400]) {
      await resizeTo(browser, dt, w);
      await sleep(200);
      const m = await dt.evaluate(() => {
        const pane = document.querySelector('.cookies');
        const inView = (el) => {
          const b = el.getBoundingClientRect();
          return b.width > 0 && b.left >= 0 && b.right <= Math.min(innerWidth, pane.getBoundingClientRect().right) + 0.5;
        };
        const heads = [...document.querySelectorAll('.cookies-table thead th')].filter((th) => getComputedStyle(th).display !== 'none');
        const expiresHead = heads.find((th) => th.textContent.trim() === 'Expires');
        const rows = [...document.querySelectorAll('.cookie-row[data-present="true"]')];
        return {
          width: innerWidth,
          paneOverflowX: pane.scrollWidth - pane.clientWidth,
          beyond: [...pane.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > pane.getBoundingClientRect().left + pane.clientWidth - parseFloat(getComputedStyle(pane).paddingRight) + 0.5)
            .slice(0, 6).map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
          docOverflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          expiresHead: !!expiresHead && inView(expiresHead),
          rows: rows.map((r) => ({ name: r.getAttribute('data-cookie-name'), expires: inView(r.querySelector('.expires')),
            del: inView([...r.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Delete')),
            name_: inView(r.querySelector('.name')) })),
        };
      });
      const info = JSON.stringify(m);
      assert.ok(m.rows.length >= 1, info);
      assert.ok(m.paneOverflowX <= 0 && m.docOverflowX <= 0, `no horizontal scrollbar: ${info}`);
      assert.ok(m.expiresHead, `the Expires column header is visible: ${info}`);
      for (const r of m.rows) assert.ok(r.expires && r.del && r.name_, `name, Expires and Delete visible for ${r.name} at ${w} px: ${info}`);
    }
    await selectView(dt, 'Events');
    await dt.setWindowSize(1000, 573);
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: the split is dragged and moved with keys (role=separator), remembered across reopen`, async () => {
    let { page, dt } = await openPanel(s, 'index.html?feel-split', { events: 3 });
    open.push(dt, page);
    await resizeTo(browser, dt, 1000);
    await clickRow(dt, 'unreadConversationCountChanged');
    await dt.waitFor(() => !!document.querySelector('[role="separator"][aria-valuenow]'), { message: 'the separator' });
    const before = await measure(dt);
    assert.ok(before.separator.now >= 15 && before.separator.now <= 85, JSON.stringify(before));

    await dragSeparator(dt, 0.4);
    const dragged = await pollUntil(async () => {
      const m = await measure(dt);
      return Math.abs(m.separator.now - 40) <= 1 ? m : null;
    }, { timeout: 5000, message: 'aria-valuenow ~40 after the drag' }).catch(async () => { throw new Error(`after drag: ${JSON.stringify(await measure(dt))}`); });
    assert.ok(Math.abs(dragged.log.width / dragged.split.width - 0.4) < 0.02, `the log takes 40%: ${JSON.stringify(dragged)}`);

    assert.ok(await focusSelector(dt, '[role="separator"]'));
    await press(browser, dt, 'ArrowRight');
    await press(browser, dt, 'ArrowRight');
    await dt.waitFor(() => document.querySelector('[role="separator"]').getAttribute('aria-valuenow') === '44', { message: 'aria-valuenow 44 after two ArrowRight' });
    await press(browser, dt, 'ArrowLeft');
    await dt.waitFor(() => document.querySelector('[role="separator"]').getAttribute('aria-valuenow') === '42', { message: 'aria-valuenow 42 after ArrowLeft' });
    const moved = await measure(dt);
    const stored = await pollUntil(async () => {
      const prefs = await dt.evaluate(async () => (await (globalThis.browser ?? globalThis.chrome).storage.local.get('panelPrefs')).panelPrefs ?? null);
      return prefs && JSON.parse(prefs).split === 42 ? prefs : null;
    }, { timeout: 5000, message: 'split 42 in storage.local panelPrefs' });
    assert.ok(stored);
    await dt.close();

    // Reopened: the same split.
    dt = await s.h.openDevtoolsPanel(page);
    open.push(dt);
    await waitForPanelReady(dt);
    await waitForEvents(dt, 'unreadConversationCountChanged', null, { n: 3 });
    await clickRow(dt, 'unreadConversationCountChanged');
    await dt.waitFor(() => !!document.querySelector('[role="separator"]'), { message: 'the separator after reopen' });
    const again = await measure(dt);
    assert.equal(again.separator.now, 42, JSON.stringify(again));
    assert.ok(Math.abs(again.log.width / again.split.width - moved.log.width / moved.split.width) < 0.02,
      `the log keeps its share: ${JSON.stringify({ moved, again })}`);
    await dt.evaluate(async () => { await (globalThis.browser ?? globalThis.chrome).storage.local.remove('panelPrefs'); return true; });
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: keyboard in the log: arrows/PageUp/PageDown/Home/End select and scroll into view, aria-activedescendant, JSON tree keys, '/'`, async () => {
    const { page, dt } = await openPanel(s, 'index.html?feel-keys', { events: 60 });
    open.push(dt, page);
    await dt.setWindowSize(1000, 573);
    await emit(page, 'conversationStarted', { conversation: { conversationId: 7, nested: { deep: true } } });
    await waitForEvents(dt, 'conversationStarted');
    assert.ok(await focusSelector(dt, '.log'));
    const state = () => dt.evaluate(() => {
      const log = document.querySelector('.log');
      const selected = document.querySelector('.log .row.selected');
      const lb = log.getBoundingClientRect();
      const sb = selected?.getBoundingClientRect();
      // The log is virtual: a row's place in the log is its aria-rowindex (the header is 1).
      return {
        index: selected ? Number(selected.getAttribute('aria-rowindex')) - 2 : -1,
        count: Number(log.getAttribute('aria-rowcount')) - 1,
        inDom: document.querySelectorAll('.log [role="row"]').length,
        active: log.getAttribute('aria-activedescendant'), selectedId: selected?.id ?? null,
        inView: !!sb && sb.top >= lb.top - 0.5 && sb.bottom <= lb.top + log.clientHeight + 0.5,
        scrolls: log.scrollHeight > log.clientHeight,
        outline: selected ? getComputedStyle(selected).outlineStyle : null,
        bg: selected ? getComputedStyle(selected).backgroundColor : null,
        focused: document.activeElement === log,
        windowFocused: document.hasFocus(),
      };
    });
    const expectAt = async (key, want, label) => {
      await press(browser, dt, key);
      const st = await pollUntil(async () => {
        const x = await state();
        return want(x) ? x : null;
      }, { timeout: 5000, message: label }).catch(async () => { throw new Error(`${label}: ${JSON.stringify(await state())}`); });
      assert.ok(st.inView, `${label}: the selected row is scrolled into view: ${JSON.stringify(st)}`);
      assert.equal(st.active, st.selectedId, `${label}: aria-activedescendant is the selected row's id`);
      assert.ok(st.focused, `${label}: the list keeps the focus: ${JSON.stringify(st)}`);
      assert.notEqual(st.bg, 'rgba(0, 0, 0, 0)', `${label}: the selected row has its background`);
      // :focus needs a focused window (Firefox's headless toolbox never gives its panel frame one).
      if (st.windowFocused) assert.notEqual(st.outline, 'none', `${label}: the focused list outlines its selected row: ${JSON.stringify(st)}`);
      else assert.equal(browser, 'firefox', 'the Chromium panel has the focus');
      return st;
    };
    const first = await expectAt('Home', (x) => x.index === 0, 'Home selects the first row');
    assert.ok(first.scrolls, `the log overflows (it must scroll): ${JSON.stringify(first)}`);
    assert.ok(first.inDom < first.count, `rows out of view are not in the DOM (Home and End scroll to rows that were not): ${JSON.stringify(first)}`);
    assert.ok(first.selectedId, 'rows have ids');
    const last = await expectAt('End', (x) => x.index === x.count - 1, 'End selects the last row');
    const up = await expectAt('PageUp', (x) => x.index < last.index - 1, 'PageUp moves up a page');
    await expectAt('ArrowUp', (x) => x.index === up.index - 1, 'ArrowUp moves one up');
    await expectAt('PageDown', (x) => x.index > up.index, 'PageDown moves down a page');
    await expectAt('Home', (x) => x.index === 0, 'Home again');
    await expectAt('ArrowDown', (x) => x.index === 1, 'ArrowDown moves one down');

    // The JSON tree of the detail pane: ← collapses, → expands, Enter toggles.
    await clickRow(dt, 'conversationStarted');
    const toggle = '.detail .tree [aria-expanded] > .toggle';
    assert.ok(await focusSelector(dt, toggle));
    const expanded = () => dt.evaluate((sel) => document.querySelector(sel).parentElement.getAttribute('aria-expanded'), toggle);
    assert.equal(await expanded(), 'true');
    await press(browser, dt, 'ArrowLeft');
    await dt.waitFor(`document.querySelector(${JSON.stringify(toggle)}).parentElement.getAttribute('aria-expanded') === 'false'`, { message: 'ArrowLeft collapses' });
    await press(browser, dt, 'ArrowRight');
    await dt.waitFor(`document.querySelector(${JSON.stringify(toggle)}).parentElement.getAttribute('aria-expanded') === 'true'`, { message: 'ArrowRight expands' });
    if (browser === 'chromium') { // Enter on a button is the browser's own activation: trusted keys only
      await press(browser, dt, 'Enter');
      await dt.waitFor(`document.querySelector(${JSON.stringify(toggle)}).parentElement.getAttribute('aria-expanded') === 'false'`, { message: 'Enter toggles' });
    }
    assert.equal(await expanded() !== null, true);

    // '/' focuses the filter from anywhere but a text field.
    assert.ok(await focusSelector(dt, '.log'));
    await press(browser, dt, '/');
    await dt.waitFor(() => document.activeElement?.matches('input[placeholder="Filter"]') && document.activeElement.value === '', { message: "'/' focuses the filter (and types nothing)" });
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: Esc and Ctrl+F are the panel's (never DevTools' Console drawer or find bar); focus stays in the panel`, async () => {
    const { page, dt } = await openPanel(s, 'index.html?feel-esc', { events: 3 });
    open.push(dt, page);
    const drawer = () => (browser === 'chromium'
      ? dt.evaluateDevtools(`import('./ui/legacy/legacy.js').then((UI) => UI.InspectorView.InspectorView.instance().drawerVisible())`)
      : dt.evaluateDevtools(() => { // the split console is Firefox's Esc drawer
        const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
        const { gDevTools } = require('devtools/client/framework/devtools');
        const toolboxes = typeof gDevTools.getToolboxes === 'function' ? gDevTools.getToolboxes()
          : [gDevTools.getToolboxForTab(window.gBrowser.selectedTab)];
        return toolboxes.some((t) => !!t?.splitConsole);
      }));
    const findBarOpen = () => (browser === 'chromium'
      ? dt.evaluateDevtools(() => {
        let open = false;
        const walk = (root) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.shadowRoot) walk(el.shadowRoot);
            if (el.classList.contains('search-bar') && !el.classList.contains('hidden') && el.offsetParent !== null) open = true;
          }
        };
        walk(document);
        return open;
      })
      : false);
    assert.equal(await drawer(), false, 'the drawer is closed at first');

    await clickRow(dt, 'unreadConversationCountChanged');
    assert.ok(await focusSelector(dt, '.log'));
    // Esc with a selection: closes the details, DevTools gets nothing.
    const esc = await press(browser, dt, 'Escape');
    await dt.waitFor(() => !document.querySelector('.row.selected') && !document.querySelector('.detail'), { message: 'Esc clears the selection' });
    if (esc) assert.deepEqual(esc, { prevented: true, reachedDocument: false }, 'Esc is prevented and stopped');
    await sleep(500);
    assert.equal(await drawer(), false, "Esc did not open DevTools' Console drawer");
    assert.ok(await dt.evaluate(() => document.activeElement === document.querySelector('.log')), 'focus stayed on the log');
    if (browser === 'chromium') assert.ok(await dt.evaluate(() => document.hasFocus()), 'the panel frame kept the focus');
    // Esc again, nothing to undo: still not DevTools'.
    await press(browser, dt, 'Escape');
    await sleep(500);
    assert.equal(await drawer(), false, "a second Esc did not open DevTools' Console drawer either");

    // Ctrl+F: the panel's filter box, not DevTools' find bar (also from another view).
    await selectView(dt, 'Widget');
    assert.ok(await focusSelector(dt, '[role="tab"][aria-selected="true"]'));
    const find = await press(browser, dt, 'f', { ctrl: true });
    await dt.waitFor(() => document.activeElement?.matches('input[placeholder="Filter"]'), { message: 'Ctrl+F focuses the filter' });
    if (find) assert.deepEqual(find, { prevented: true, reachedDocument: false }, 'Ctrl+F is prevented and stopped');
    await sleep(500);
    assert.equal(await findBarOpen(), false, "DevTools' find bar did not open");
    assert.equal(await drawer(), false);

    // Esc in the filter box empties it and keeps the focus there.
    await setSearch(dt, 'unread');
    await dt.waitFor(() => document.querySelector('input[placeholder="Filter"]').value === 'unread', { message: 'filter text' });
    assert.ok(await focusSelector(dt, 'input[placeholder="Filter"]'));
    await press(browser, dt, 'Escape');
    await dt.waitFor(() => document.querySelector('input[placeholder="Filter"]').value === ''
      && document.activeElement?.matches('input[placeholder="Filter"]'), { message: 'Esc empties the filter' });
    await sleep(300);
    assert.equal(await drawer(), false);
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: DevTools' search bar (panel.onSearch) filters the log`, { skip: browser !== 'chromium' && 'Firefox has no panel.onSearch' }, async () => {
    const { page, dt } = await openPanel(s, 'index.html?feel-search', { events: 2 });
    open.push(dt, page);
    await emit(page, 'conversationStarted', { conversation: { conversationId: 11 } });
    await waitForEvents(dt, 'conversationStarted');
    // What DevTools' search bar calls on the extension panel (ExtensionPanel.performSearch).
    const search = (action, query) => dt.evaluateDevtools(`import('./ui/legacy/legacy.js').then(async (UI) => {
      const panel = await UI.ViewManager.ViewManager.instance().views.get(${JSON.stringify(dt.viewId)}).widget();
      if (${JSON.stringify(action)} === 'performSearch') panel.performSearch({ query: ${JSON.stringify(query ?? '')} }, true, false);
      else if (${JSON.stringify(action)} === 'next') panel.jumpToNextSearchResult();
      else panel.onSearchCanceled();
      return true;
    })`);
    await search('performSearch', 'conversationStarted');
    await dt.waitFor(() => document.querySelector('input[placeholder="Filter"]').value === 'conversationStarted'
      && document.querySelectorAll('[data-event-name="unreadConversationCountChanged"]').length === 0, { message: 'the log filtered by the search' });
    await dt.waitFor(() => !document.querySelector('.row.selected'), { message: 'no selection yet' });
    await search('next');
    await dt.waitFor(() => document.querySelector('.log [role="row"]') === document.querySelector('.log .row.selected'), { message: 'the next result (the first row shown) selected' });
    await search('cancelSearch');
    await dt.waitFor(() => document.querySelector('input[placeholder="Filter"]').value === '', { message: 'the search cancelled' });
    await dt.close();
    await page.close();
  });

  test(`${browser}: devtools panel: axe-core in every view, light and dark: no critical or serious violation, no moderate one`, { skip: browser !== 'chromium' && 'axe runs in the Chromium devtools panel (Firefox: the panel tab is not worth a second 500 kB injection per view here)' }, async () => {
    const page = await s.h.newPage(s.url(HOST, 'index.html?feel-axe'));
    await simReady(page);
    await page.evaluate(() => { document.cookie = 'messagesUtk=feedbeef; path=/; max-age=86400'; });
    await emit(page, 'conversationStarted', { conversation: { conversationId: 5 } });
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 1 });
    const dt = await s.h.openDevtoolsPanel(page);
    open.push(dt, page);
    await waitForPanelReady(dt);
    await dt.setWindowSize(1000, 573);
    await waitForEvents(dt, 'unreadConversationCountChanged');
    const report = [];
    for (const theme of ['light', 'dark']) {
      await dt.setDevtoolsTheme(theme);
      await dt.waitFor(`document.documentElement.getAttribute('data-theme') === ${JSON.stringify(theme)}`, { message: `theme ${theme}` });
      for (const view of ['Events', 'Diagnostics', 'Widget', 'Settings', 'Cookies']) {
        await selectView(dt, view);
        if (view === 'Events') await clickRow(dt, 'unreadConversationCountChanged');
        if (view === 'Cookies') await waitForCookieRows(dt, (rows) => rows.length >= 3, { message: 'cookie rows' });
        await sleep(200);
        for (const v of await runAxe(dt)) report.push({ theme, view, ...v });
      }
    }
    await dt.setDevtoolsTheme('light');
    const bad = report.filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate');
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
    await dt.close();
    await page.close();
  });

  test(`${browser}: panel tab: axe-core in every view: no critical, serious or moderate violation`, { skip: browser !== 'firefox' && 'Chromium runs axe in the real devtools panel (above)' }, async () => {
    const page = await s.h.newPage(s.url(HOST, 'index.html?feel-axe-tab'));
    await simReady(page);
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 1 });
    const tab = await s.h.openPanelTab(page);
    open.push(tab, page);
    await waitForPanelReady(tab);
    await selectView(tab, 'Events');
    await waitForEvents(tab, 'unreadConversationCountChanged');
    const report = [];
    for (const view of ['Events', 'Diagnostics', 'Widget', 'Settings', 'Cookies']) {
      await selectView(tab, view);
      if (view === 'Events') await clickRow(tab, 'unreadConversationCountChanged');
      if (view === 'Cookies') await waitForCookieRows(tab, (rows) => rows.length >= 3, { message: 'cookie rows' });
      await sleep(200);
      for (const v of await runAxe(tab)) report.push({ view, ...v });
    }
    const bad = report.filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate');
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
    await selectView(tab, 'Events');
    await tab.close();
    await page.close();
  });
}, { open: (browser) => openHostsSession({ browser }) });
