// A page loaded before the extension was enabled (or installed) broke builtins the hook relies on;
// then a panel is opened for it and the hook is injected late (the background's
// scripting.executeScript in Chromium; Firefox injects the manifest's content scripts into open tabs
// when the extension is enabled). The hook takes its builtins from a fresh same-origin realm then
// (an about:blank iframe, attached for the moment it takes): the page's events still reach the panel.
// Without it, no event reached the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser } from '../harness/session.mjs';
import { simReady, conversation, conversationFragment, uniqueId } from '../harness/site.mjs';
import { waitForPanelReady, waitForEvents, expectExactly, waitForWidgetLoaded } from '../harness/panel-ui.mjs';

/** What a hostile or careless page may have done before any hook ran. */
function breakBuiltins() {
  Function.prototype.bind = null;
  JSON.parse = () => {};
  EventTarget.prototype.addEventListener = function () {};
  window.CustomEvent = null;
  window.MutationObserver = null;
}

/**
 * The chat iframe (its own realm is intact) emits `conversationStarted` for conversation `id`. The
 * page's loader cannot deliver it (its JSON.parse is broken): the hook sees the iframe's message.
 */
function emitFromChatFrame(page, id) {
  return page.evaluate((payload) => { window.hsSim.emit('conversationStarted', payload); }, conversation(id));
}

forEachBrowser((browser, s) => {
  test(`${browser}: a page that broke Function.prototype.bind, JSON.parse, addEventListener, CustomEvent and MutationObserver before a late hook → its events reach the panel`, async () => {
    await s.h.setExtensionEnabled(false);
    let page;
    try {
      page = await s.h.newPage(s.url('index.html?broken-builtins'));
      await simReady(page);
      assert.equal(await page.evaluate(() => 'value' in Object.getOwnPropertyDescriptor(window, 'HubSpotConversations')), true,
        'precondition: the page was loaded without the hook');
      await page.evaluate(breakBuiltins);
    } finally {
      await s.h.setExtensionEnabled(true);
    }
    const panel = await s.h.openPanelTab(page);
    try {
      await waitForPanelReady(panel);
      await waitForWidgetLoaded(panel, true, { timeout: 15000 });
      for (let i = 0; i < 2; i++) {
        const id = uniqueId();
        await emitFromChatFrame(page, id);
        await waitForEvents(panel, 'conversationStarted', conversationFragment(id), { timeout: 15000 });
        await expectExactly(panel, 'conversationStarted', conversationFragment(id), 1);
      }
      // The page still has its own (broken) builtins: the hook changed nothing it sees.
      assert.deepEqual(await page.evaluate(() => [Function.prototype.bind, window.CustomEvent, window.MutationObserver,
        document.querySelectorAll('iframe:not([id])').length]), [null, null, null, 0]);
    } finally {
      await panel.close();
      await page.close();
    }
  });

  test(`${browser}: a page that also left no way to a fresh realm (createElement throws) → the panel says it cannot observe the page`, async () => {
    await s.h.setExtensionEnabled(false);
    let page;
    try {
      page = await s.h.newPage(s.url('index.html?no-fresh-realm'));
      await simReady(page);
      await page.evaluate(breakBuiltins);
      await page.evaluate(() => { Document.prototype.createElement = () => { throw new Error('no elements here'); }; });
    } finally {
      await s.h.setExtensionEnabled(true);
    }
    const panel = await s.h.openPanelTab(page);
    try {
      await waitForPanelReady(panel);
      await panel.waitFor(() => document.querySelector('[data-hook-silent="true"]') !== null,
        { timeout: 15000, message: 'the status says the page cannot be observed' });
      const text = await panel.evaluate(() => document.querySelector('[data-hook-silent]').textContent);
      assert.match(text, /not observable/);
      // A reload gives the page a hook from its start: observed again, the warning gone.
      await page.reload();
      await simReady(page);
      await panel.waitFor(() => document.querySelector('[data-hook-silent]') === null, { timeout: 15000, message: 'the warning is gone after a reload' });
      const id = uniqueId();
      await emitFromChatFrame(page, id);
      await waitForEvents(panel, 'conversationStarted', conversationFragment(id), { timeout: 15000 });
    } finally {
      await panel.close();
      await page.close();
    }
  });
});
