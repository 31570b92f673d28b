// The Settings view: window.hsConversationsSettings as the page set it (before or AFTER
// the loader read it) and as it is now, the loader's exact Invariant Violation for a wrong value
// (compared with the page's real uncaught error), and the identification token masked in the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser, recordConsole } from '../harness/session.mjs';
import { simReady } from '../harness/site.mjs';
import { waitForPanelReady, waitForApiState, clickButton, selectView } from '../harness/panel-ui.mjs';

// ---------------------------------------------------------------- Settings view UI

/**
 * One section of the Settings view ('settings-set' = as the page set it, 'settings-now' = as it is
 * now): its text, its rows {key: [type, value text]} and its problems [{field, message, thrown}].
 */
function readSettings(d, which) {
  return d.evaluate((id) => {
    const sec = document.querySelector(`section[aria-labelledby="${id}"]`);
    if (!sec) return null;
    const rows = {};
    for (const tr of sec.querySelectorAll('tr[data-setting]')) {
      const td = [...tr.querySelectorAll('td')].map((c) => c.textContent);
      rows[tr.getAttribute('data-setting')] = [td[1], td[2]];
    }
    const problems = [...sec.querySelectorAll('[data-problem]')].map((li) => ({
      field: li.getAttribute('data-problem'),
      message: li.querySelector('code')?.textContent ?? '',
      thrown: li.textContent.includes('the loader throws this'),
    }));
    return { text: sec.textContent, rows, problems };
  }, which);
}

function waitSettings(d, which, pred, message) {
  const deadline = Date.now() + 10000;
  return (async () => {
    for (;;) {
      const v = await readSettings(d, which);
      if (v && pred(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}; ${which}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

/** The panel (as a browser tab) for `page`, on its Settings view. */
async function openSettingsView(s, page) {
  const panel = await s.h.openPanelTab(page);
  await waitForPanelReady(panel);
  await selectView(panel, 'Settings');
  return panel;
}

forEachBrowser((browser, s) => {
  test(`${browser}: as the page set it (before the loader) vs as it is now, after an in-place change and "Read again"`, async () => {
    const page = await s.h.newPage(s.url('inline.html?t=settings'));
    await simReady(page);
    // The Settings view reads the settings when it opens; the hook answers with a "settings" record
    // of source "read". Counted in the page, so the in-place change below comes after that reading
    // (on a loaded machine a late one would already see the change).
    await page.evaluate(() => {
      window.__settingsReads = 0;
      document.addEventListener('hubspot-chat-inspector:page', (e) => {
        try {
          const d = typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail;
          window.__settingsReads += (d?.records || []).filter((r) => r.k === 'settings' && r.source === 'read').length;
        } catch { /* not ours */ }
      });
    });
    const panel = await openSettingsView(s, page);
    await waitForApiState(panel, 'ready');
    const set = await waitSettings(panel, 'settings-set', (v) => v.rows.inlineEmbedSelector, 'the settings as set');
    await page.waitForFunction(() => window.__settingsReads >= 1, null, { timeout: 10000 });
    await waitSettings(panel, 'settings-now', (v) => v.rows.inlineEmbedSelector?.[1] === '"#chat-here"', 'the first reading of the settings as they are now');
    assert.deepEqual(set.rows, { inlineEmbedSelector: ['string', '"#chat-here"'] });
    assert.match(set.text, /before the loader read it/);
    assert.doesNotMatch(set.text, /after the loader/);
    assert.deepEqual(set.problems, []);

    // The page changes the object in place: nothing is assigned, so only a new reading sees it.
    await page.evaluate(() => {
      window.hsConversationsSettings.isFullscreen = true;
      window.hsConversationsSettings.inlineEmbedSelector = '#elsewhere';
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await readSettings(panel, 'settings-now')).rows.isFullscreen, undefined, 'not read again yet');
    await clickButton(panel, 'Read again');
    const now = await waitSettings(panel, 'settings-now', (v) => v.rows.isFullscreen, 'the settings as they are now');
    assert.deepEqual(now.rows, { inlineEmbedSelector: ['string', '"#elsewhere"'], isFullscreen: ['boolean', 'true'] });
    assert.deepEqual((await readSettings(panel, 'settings-set')).rows, { inlineEmbedSelector: ['string', '"#chat-here"'] },
      'as the page set it: unchanged');
    await panel.close();
    await page.close();
  });

  test(`${browser}: settings assigned AFTER the loader read them are flagged`, async () => {
    const page = await s.h.newPage(s.url('late-settings.html?t=settings'));
    await simReady(page);
    // Precondition on the page: its onReady (run by the loader) assigned the settings.
    assert.deepEqual(await page.evaluate(() => window.hsConversationsSettings), { loadImmediately: true, isFullscreen: true });
    assert.ok(await page.evaluate(() => window.pageConsole.includes('page assigned hsConversationsSettings after the loader read it')));
    const panel = await openSettingsView(s, page);
    const set = await waitSettings(panel, 'settings-set', (v) => v.rows.isFullscreen, 'the settings as set');
    assert.match(set.text, /after the loader read it: too late/);
    assert.doesNotMatch(set.text, /before the loader read it/);
    assert.deepEqual(set.rows, { loadImmediately: ['boolean', 'true'], isFullscreen: ['boolean', 'true'] });

    // The same page with settings assigned up front: no warning (the test can tell them apart).
    await page.goto(s.url('invalid-settings.html?t=settings&settings=' + encodeURIComponent('{"isFullscreen":true}')));
    await simReady(page);
    const early = await waitSettings(panel, 'settings-set', (v) => /before the loader/.test(v.text), 'the settings as set, early');
    assert.doesNotMatch(early.text, /after the loader/);
    await panel.close();
    await page.close();
  });

  test(`${browser}: invalid settings show the exact Invariant Violation the page throws`, async () => {
    const cases = [
      ['loadImmediately', { loadImmediately: 'yes' }],
      ['isFullscreen', { isFullscreen: 1 }],
      ['disableAttachment', { disableAttachment: null }],
      ['disableInitialInputFocus', { disableInitialInputFocus: 'false' }],
      ['enableWidgetCookieBanner', { enableWidgetCookieBanner: 'on_widget_load' }],
      ['inlineEmbedSelector', { inlineEmbedSelector: 5 }],
      ['identificationEmail', { identificationEmail: false }],
      ['identificationToken', { identificationToken: 12345 }],
      // Two problems: the loader throws the first in its order; the panel lists both.
      ['loadImmediately', { identificationToken: 1, loadImmediately: 'no' }, 'identificationToken'],
    ];
    const page = await s.h.newPage(s.url('no-hubspot.html?t=invalid'));
    const log = recordConsole(page);
    const panel = await openSettingsView(s, page);
    for (const [field, settings, second] of cases) {
      log.errors.length = 0;
      await page.goto(s.url(`invalid-settings.html?t=${field}&settings=${encodeURIComponent(JSON.stringify(settings))}`));
      await page.waitForFunction(() => document.readyState === 'complete', null, { timeout: 10000 });
      const deadline = Date.now() + 5000;
      while (!log.errors.some((e) => e.includes('Invariant Violation')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const thrown = log.errors.filter((e) => e.includes('Invariant Violation'));
      assert.equal(thrown.length, 1, `the page threw once for ${JSON.stringify(settings)}: ${JSON.stringify(log.errors)}`);
      // Chromium reports name "Invariant Violation"; Firefox's driver gives "Error: Invariant Violation: …".
      const expected = thrown[0].slice(thrown[0].indexOf('Invariant Violation: '));
      assert.ok(expected.startsWith(`Invariant Violation: Expected mergedSettings.${field} `), expected);
      const set = await waitSettings(panel, 'settings-set', (v) => v.problems.length === (second ? 2 : 1)
        && v.problems[0].field === field, `the problem with ${field}`);
      assert.equal(set.problems[0].message, expected, 'the panel shows the exact message of the page\'s uncaught error');
      assert.equal(set.problems[0].thrown, true);
      if (second) {
        assert.equal(set.problems[1].field, second);
        assert.equal(set.problems[1].thrown, false);
      }
      assert.equal(await page.evaluate(() => window.HubSpotConversations), undefined, 'the loader stopped: no API object');
    }
    await panel.close();
    await page.close();
  });

  test(`${browser}: the identification token is masked in the page: never in the panel, the log or the background`, async () => {
    const page = await s.h.newPage(s.url('identified.html?t=token'));
    await simReady(page);
    const secret = await page.evaluate(() => window.hsConversationsSettings.identificationToken);
    assert.ok(secret.includes('SECRET'), 'precondition: the page has a token');
    const panel = await openSettingsView(s, page);
    const set = await waitSettings(panel, 'settings-set', (v) => v.rows.identificationToken, 'the settings as set');
    assert.deepEqual(set.rows.identificationToken, ['string', `"•••• (${secret.length} chars)"`]);
    assert.deepEqual(set.rows.identificationEmail, ['string', '"visitor@example.test"']);
    assert.deepEqual(set.problems, [], 'a string token is valid');
    await clickButton(panel, 'Read again');
    await waitSettings(panel, 'settings-now', (v) => v.rows.identificationToken, 'the settings now');
    await selectView(panel, 'Events');
    await panel.waitFor(() => document.querySelectorAll('[data-event-name], .log [role="row"]').length > 0, { message: 'log rows' });
    assert.ok(!(await panel.evaluate(() => document.documentElement.outerHTML)).includes('SECRET'), 'not in the panel');
    const stored = await s.h.swEvaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
    assert.ok(stored.includes('identificationToken'), 'the settings were stored');
    assert.ok(!stored.includes('SECRET'), 'not in the background\'s storage');
    assert.equal(await page.evaluate(() => window.hsConversationsSettings.identificationToken), secret, 'the page keeps its value');
    await panel.close();
    await page.close();
  });
});
