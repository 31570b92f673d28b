// Issue 11, points 6 and 7 (panel tab, Chromium and Firefox): a row shows its summary OR its
// payload; cut payloads say their real size; the copy commands (detail pane buttons, the JSON
// tree's "Copy value", the rows' context menu by mouse and keyboard) put the expected text on the
// clipboard; Export… writes the rows as JSON / NDJSON and Import… shows such a file (banner with
// its name) while the live log keeps recording; a broken file shows an error and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forEachBrowser, openPageWithPanel } from '../harness/session.mjs';
import { emit, simReady, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import { waitForEvents, readPanel, rowShowsPayload, clickRow, clickButton, expectExactly, waitForPanelReady } from '../harness/panel-ui.mjs';
import { pollUntil } from '../harness/driver.mjs';

const keyboard = (tab) => tab.page.raw?.keyboard ?? tab.page.keyboard;

/** The last copy: {text, how, what} from the panel's copy status ([data-copied]). */
function lastCopy(tab, after = null) {
  return tab.waitFor(`(() => {
    const s = document.querySelector('[data-copied]');
    if (!s) return null;
    const c = { text: s.getAttribute('data-copied'), how: s.getAttribute('data-copied-how'), what: s.getAttribute('data-copied-what') };
    return JSON.stringify(c) === ${JSON.stringify(JSON.stringify(after))} ? null : c;
  })()`, { message: 'a copy result [data-copied]' });
}

/** Rows as the user reads them: name attribute and text, in order. */
const rowTexts = (tab) => tab.evaluate(() => [...document.querySelectorAll('.log [role="row"]')].map((r) => r.textContent));

/** Export in `format` ("JSON" or "NDJSON"): the file name and the Blob's text, read back by the page. */
async function exportAs(tab, format) {
  await tab.evaluate(() => {
    window.__downloads = [];
    if (!window.__clickPatched) {
      window.__clickPatched = true;
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function () {
        if (this.download) window.__downloads.push({ name: this.download, href: this.href });
        else click.call(this);
      };
    }
  });
  await tab.page.click('.log-file button[aria-haspopup="menu"]');
  await tab.waitFor(() => document.activeElement?.getAttribute('role') === 'menuitem', { message: 'the export menu, focused' });
  await tab.page.click(`[role="menu"][aria-label="Export format"] [role="menuitem"]:${format === 'JSON' ? 'first-child' : 'last-child'}`);
  return tab.waitFor(`(async () => {
    const d = window.__downloads[0];
    return d ? { name: d.name, href: d.href, text: await (await fetch(d.href)).text() } : null;
  })()`, { message: `the ${format} download` });
}

/** Import `text` as the file `name`, through the panel's own file input (as a file chooser would). */
function importFile(tab, name, text) {
  return tab.evaluate(([n, t]) => {
    const input = document.querySelector('.log-file input[type="file"]');
    const transfer = new DataTransfer();
    transfer.items.add(new File([t], n, { type: 'application/json' }));
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  }, [name, text]);
}

forEachBrowser((browser, s) => {
  test(`${browser}: rows show summary or payload; cuts say their real size; copy from buttons, tree and context menu`, async () => {
    const { page, panel: tab, close } = await openPageWithPanel(s, 'index.html?t=payloads');

    // No repetition: "unread: 12" alone, the payload in the tooltip (where rowShowsPayload reads it).
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 12 });
    const [unread] = await waitForEvents(tab, 'unreadConversationCountChanged', '"unreadCount":12');
    assert.ok(unread.text.includes('unread: 12'), unread.text);
    assert.ok(!unread.text.includes('{"unreadCount":12}'), `the row repeats itself: ${unread.text}`);
    assert.ok(unread.title.includes('{"unreadCount":12}'), `payload in the row's title: ${unread.title}`);
    assert.ok(rowShowsPayload(unread, '"unreadCount":12'));
    // A payload with no better summary is shown once, as payload.
    const plain = uniqueId();
    await emit(page, 'customPlain', { plain });
    const [custom] = await waitForEvents(tab, 'customPlain', `"plain":${plain}`);
    assert.equal(custom.text.split(`"plain":${plain}`).length, 2, `shown once: ${custom.text}`);

    // Cuts: a 10,482-char string and a 120-item array.
    await emit(page, 'longText', 'y'.repeat(10482));
    await emit(page, 'manyItems', Array.from({ length: 120 }, (_, i) => i));
    await waitForEvents(tab, 'longText');
    await waitForEvents(tab, 'manyItems');
    await clickRow(tab, 'longText');
    const longNotes = await tab.waitFor(() => {
      const notes = [...document.querySelectorAll('.detail [data-truncation]')].map((e) => e.getAttribute('data-truncation'));
      return notes.length ? notes : null;
    }, { message: 'the cut of the long string' });
    assert.ok(longNotes.includes('string of 10,482 chars — first 2,000 shown'), JSON.stringify(longNotes));
    await clickRow(tab, 'manyItems');
    const items = await tab.waitFor(() => {
      const note = document.querySelector('.detail .tree [data-truncation]');
      return note && { note: note.textContent, preview: document.querySelector('.detail .tree .preview')?.textContent,
        shown: document.querySelectorAll('.detail .tree > li > ul > li').length };
    }, { message: 'the cut of the 120-item array' });
    assert.deepEqual(items, { note: '120 items — first 100 shown', preview: 'Array(120)', shown: 100 });

    // Long values wrap in the detail pane: nothing wider than the pane.
    await clickRow(tab, 'longText');
    const overflow = await tab.evaluate(() => {
      const d = document.querySelector('.detail');
      return d.scrollWidth - d.clientWidth;
    });
    assert.ok(overflow <= 1, `the detail pane scrolls sideways by ${overflow}px`);

    // Detail pane buttons (real clicks).
    await clickRow(tab, 'unreadConversationCountChanged');
    await tab.page.click('.detail button[data-copy="Copy payload"]');
    let copied = await lastCopy(tab);
    assert.notEqual(copied.how, 'failed', 'the copy reached the clipboard');
    assert.deepEqual(JSON.parse(copied.text), { unreadCount: 12 });
    await tab.page.click('.detail button[data-copy="Copy row as JSON"]');
    copied = await lastCopy(tab, copied);
    const row = JSON.parse(copied.text);
    assert.equal(row.name, 'unreadConversationCountChanged');
    assert.equal(row.summary, 'unread: 12');
    assert.deepEqual(row.payload, { unreadCount: 12 });
    assert.equal(await tab.evaluate(() => !!document.querySelector('.detail button[data-copy="Copy as code"]')), false,
      'no "Copy as code" for an event');
    // The tree's "Copy value" of the unreadCount node.
    await tab.page.click('.detail .tree li li .copy-value');
    copied = await lastCopy(tab, copied);
    assert.equal(copied.text, '12');
    assert.equal(copied.what, 'Copy value');

    // A call by the page's own code: the context menu by mouse, Esc closes it.
    await page.evaluate(() => window.HubSpotConversations.widget.refresh({ openToNewThread: true }));
    const callRow = '.log [data-call="widget.refresh"][data-origin="page"]';
    await tab.waitFor(`!!document.querySelector(${JSON.stringify(callRow)})`, { message: 'the page call row' });
    await tab.page.click(callRow, { button: 'right' });
    const labels = await tab.waitFor(() => {
      const menu = document.querySelector('[role="menu"]');
      return menu && document.activeElement?.closest('[role="menu"]') === menu
        && [...menu.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent);
    }, { message: 'the context menu, focused' });
    assert.deepEqual(labels, ['Copy payload', 'Copy row as JSON', 'Copy as code']);
    await keyboard(tab).press('ArrowDown');
    assert.equal(await tab.evaluate(() => document.activeElement.textContent), 'Copy row as JSON');
    await keyboard(tab).press('Escape');
    await tab.waitFor(() => !document.querySelector('[role="menu"]') && document.activeElement?.classList.contains('log'),
      { message: 'Esc closes the menu and gives the focus back to the log' });

    // By keyboard: Shift+F10 on the selected row, End, Enter.
    await keyboard(tab).down('Shift');
    await keyboard(tab).press('F10');
    await keyboard(tab).up('Shift');
    await tab.waitFor(() => document.activeElement?.getAttribute('role') === 'menuitem', { message: 'Shift+F10 opens the menu' });
    await keyboard(tab).press('End');
    await keyboard(tab).press('Enter');
    copied = await lastCopy(tab, copied);
    assert.equal(copied.text, 'window.HubSpotConversations.widget.refresh({openToNewThread: true})');
    assert.equal(await tab.evaluate(() => !!document.querySelector('[role="menu"]')), false, 'the menu closed');
    await close();
  });

  // Yew 0.23's scheduler may yield (setTimeout) between a render and its effects, so an effect can
  // run after a paint, and a key pressed in between goes elsewhere. Yew reads the clock only to yield
  // (Date.now; the panel's own code uses performance.now): a clock that jumps 20 ms at each read makes
  // every render yield. A mutation observer's callback runs when the task that added the menu ends:
  // the menu must have the focus then (before the fix, the Export… button still had it).
  test(`${browser}: a menu has the focus when the task that opened it ends, though Yew defers its effects`, async () => {
    const { page, panel: tab, close } = await openPageWithPanel(s, 'index.html?t=menu-focus');
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 5 });
    await waitForEvents(tab, 'unreadConversationCountChanged', '"unreadCount":5');
    await tab.evaluate(() => {
      window.realDateNow = Date.now.bind(Date);
      let skew = 0;
      Date.now = () => window.realDateNow() + (skew += 20);
      window.focusWhenMenuAppeared = [];
      new MutationObserver(() => {
        const menu = document.querySelector('[role="menu"]');
        if (menu && !window.focusWhenMenuAppeared.length) {
          const active = document.activeElement;
          window.focusWhenMenuAppeared.push(active?.closest('[role="menu"]') ? active.getAttribute('role') : active?.tagName.toLowerCase());
        }
      }).observe(document.body, { childList: true, subtree: true });
      return true;
    });
    try {
      await tab.page.click('.log-file button[aria-haspopup="menu"]');
      const [focused] = await tab.waitFor(() => window.focusWhenMenuAppeared.length && window.focusWhenMenuAppeared,
        { message: 'the export menu appeared' });
      assert.equal(focused, 'menuitem', 'a menu item has the focus at the end of the task that added the menu');
      await keyboard(tab).press('ArrowDown');
      assert.equal(await tab.evaluate(() => document.activeElement.textContent), 'NDJSON (.ndjson, one entry a line)',
        'the arrow moved from the first item to the second (the effect did not take the focus back)');
    } finally {
      await tab.evaluate(() => { Date.now = window.realDateNow; return true; });
    }
    await keyboard(tab).press('Escape');
    await tab.waitFor(() => !document.querySelector('[role="menu"]'), { message: 'Esc closes the menu' });
    await close();
  });

  test(`${browser}: Export… writes JSON and NDJSON; Import… shows the file with a banner; a broken file changes nothing`, async () => {
    const { page, panel: tab, close } = await openPageWithPanel(s, 'index.html?t=export');
    const a = uniqueId();
    await emit(page, 'conversationStarted', conversation(a));
    await emit(page, 'unreadConversationCountChanged', { unreadCount: 3 });
    await waitForEvents(tab, 'conversationStarted', conversationFragment(a));
    await waitForEvents(tab, 'unreadConversationCountChanged', '"unreadCount":3');
    const before = await rowTexts(tab);

    const json = await exportAs(tab, 'JSON');
    assert.match(json.name, /^hubspot-chat-log-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.json$/);
    assert.ok(json.href.startsWith('blob:'), json.href);
    const file = JSON.parse(json.text);
    assert.equal(file.format, 'chat-widget-inspector-log');
    assert.equal(file.version, 1);
    assert.equal(file.entries.length, before.length);
    assert.equal(file.count, before.length);
    const started = file.entries.find((e) => e.name === 'conversationStarted');
    assert.deepEqual(started.payload, conversation(a));
    assert.ok(file.url.includes('index.html?t=export'), file.url);

    const ndjson = await exportAs(tab, 'NDJSON');
    assert.match(ndjson.name, /\.ndjson$/);
    const lines = ndjson.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].format, 'chat-widget-inspector-log');
    assert.deepEqual(lines.slice(1).map((e) => e.name), file.entries.map((e) => e.name));

    // Import the JSON file: the same rows, a banner with the file name.
    await importFile(tab, 'my-log.json', json.text);
    const banner = await tab.waitFor(() => {
      const b = document.querySelector('[data-import-file]');
      return b && { file: b.getAttribute('data-import-file'), text: b.textContent };
    }, { message: 'the import banner' });
    assert.equal(banner.file, 'my-log.json');
    assert.ok(banner.text.includes('my-log.json') && banner.text.includes('Back to live log'), banner.text);
    assert.deepEqual(await rowTexts(tab), before);

    // The live log keeps recording meanwhile: a new event is not in the import, and is there after.
    const b = uniqueId();
    await emit(page, 'conversationStarted', conversation(b));
    await expectExactly(tab, 'conversationStarted', conversationFragment(b), 0, { stableMs: 600 });
    await clickButton(tab, 'Back to live log');
    await waitForEvents(tab, 'conversationStarted', conversationFragment(b));
    assert.equal(await tab.evaluate(() => !!document.querySelector('[data-import-file]')), false);
    const live = await rowTexts(tab);

    // NDJSON imports too.
    await importFile(tab, 'log.ndjson', ndjson.text);
    await tab.waitFor(() => document.querySelector('[data-import-file]')?.getAttribute('data-import-file') === 'log.ndjson',
      { message: 'the NDJSON import banner' });
    assert.deepEqual(await rowTexts(tab), before);
    await clickButton(tab, 'Back to live log');

    // Broken files: an error that says why; the live log is intact; no banner.
    for (const [name, text, why] of [
      ['broken.json', '{"format": "chat-widget-inspector-log", "entr', 'not JSON or NDJSON'],
      ['future.json', json.text.replace('"version": 1', '"version": 99'), 'format version 99'],
      ['page.har', '{"log":{"entries":[]}}', 'not a log exported by this panel'],
    ]) {
      await importFile(tab, name, text);
      const error = await tab.waitFor(`(() => {
        const e = document.querySelector('[data-import-error]');
        return e && e.textContent.includes(${JSON.stringify(name)}) && e.textContent;
      })()`, { message: `the error for ${name}` });
      assert.ok(error.includes(`Could not import ${name}`) && error.includes(why), error);
      assert.equal(await tab.evaluate(() => !!document.querySelector('[data-import-file]')), false);
      assert.deepEqual((await rowTexts(tab)).slice(0, live.length), live);
    }
    const { rows } = await readPanel(tab);
    assert.ok(rows.some((r) => rowShowsPayload(r, conversationFragment(b))), 'the live log kept its rows');
    await close();
  });

  test(`${browser}: real devtools panel: Export… saves a file the panel imports again`, async () => {
    const page = await s.h.newPage(s.url('index.html?t=export-devtools'));
    await simReady(page);
    const a = uniqueId();
    await emit(page, 'conversationStarted', conversation(a));
    const dt = await s.h.openDevtoolsPanel(page);
    await waitForPanelReady(dt);
    await waitForEvents(dt, 'conversationStarted', conversationFragment(a));
    const before = await rowTexts(dt);
    const choose = () => dt.evaluate(() => {
      document.querySelector('.log-file button[aria-haspopup="menu"]').click();
      return true;
    }).then(() => dt.waitFor(() => !!document.querySelector('[role="menu"] [role="menuitem"]'), { message: 'the export menu' }))
      .then(() => dt.evaluate(() => { document.querySelector('[role="menu"] [role="menuitem"]').click(); return true; }));
    let text;
    if (browser === 'chromium') {
      // A real download (the browser's download machinery, no downloads permission), saved here.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cwi-export-'));
      const seen = [];
      const off = s.h.cdp.on((m) => { if (m.method?.startsWith('Browser.download')) seen.push(m.params); });
      await s.h.cdp.send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: dir, eventsEnabled: true });
      try {
        await choose();
        const done = await pollUntil(() => seen.find((p) => p.state === 'completed'), { message: 'the download to complete' });
        const begun = seen.find((p) => p.suggestedFilename);
        assert.match(begun.suggestedFilename, /^hubspot-chat-log-.*\.json$/);
        text = fs.readFileSync(done.filePath, 'utf8');
      } finally {
        off();
        await s.h.cdp.send('Browser.setDownloadBehavior', { behavior: 'default' }).catch(() => {});
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      // Firefox saves to the user's Downloads folder: read the Blob the panel offered instead.
      await dt.evaluate(() => {
        window.__downloads = [];
        HTMLAnchorElement.prototype.click = function () { window.__downloads.push({ name: this.download, href: this.href }); };
        return true;
      });
      await choose();
      const got = await dt.waitFor(`(async () => {
        const d = window.__downloads[0];
        if (!d) return null;
        window.__exportText = await (await fetch(d.href)).text();
        return { name: d.name, text: window.__exportText, dash: window.__exportText.includes(String.fromCharCode(0x2014)) };
      })()`, { message: 'the export Blob' });
      assert.match(got.name, /^hubspot-chat-log-.*\.json$/);
      assert.equal(got.dash, true, 'the file is UTF-8 text with the summaries\' dashes');
      text = got.text;
    }
    const file = JSON.parse(text);
    assert.equal(file.version, 1);
    assert.deepEqual(file.entries.find((e) => e.name === 'conversationStarted').payload, conversation(a));
    if (browser === 'chromium') {
      await importFile(dt, 'from-devtools.json', text);
    } else {
      // The Blob's own text (the Firefox harness's chrome-scope evaluate garbles non-ASCII arguments).
      await dt.evaluate(() => {
        const input = document.querySelector('.log-file input[type="file"]');
        const transfer = new DataTransfer();
        transfer.items.add(new File([window.__exportText], 'from-devtools.json', { type: 'application/json' }));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      });
    }
    await dt.waitFor(() => document.querySelector('[data-import-file]')?.getAttribute('data-import-file') === 'from-devtools.json',
      { message: 'the import banner in the devtools panel' });
    assert.deepEqual(await rowTexts(dt), before);
    await dt.close();
    await page.close();
  });
});
