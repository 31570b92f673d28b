// Issue 8, "Data": a 300 KB event reaches the panel as a row with the truncation marker and the
// real size; an event with a bogus uuid (the loader does not deliver it to on()) is shown
// labelled "not delivered to the page". Real devtools panel and panel tab, Chromium and Firefox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBrowser } from '../harness/session.mjs';
import { simReady, emit } from '../harness/site.mjs';
import { waitForPanelReady, waitForEvents, expectExactly } from '../harness/panel-ui.mjs';

// The rows of `name`: summary text, label attribute, payload text.
const rowsOf = (d, name) => d.evaluate((n) => [...document.querySelectorAll(`[data-event-name="${n}"]`)].map((el) => ({
  summary: el.querySelector('.summary')?.textContent ?? '',
  undelivered: el.getAttribute('data-undelivered'),
  text: el.textContent,
})), name);

forEachBrowser((browser, s) => {
  test(`${browser}: a 300 KB event shows a truncation marker with its size; a bogus-uuid event is labelled`, async () => {
    const page = await s.h.newPage(s.url('index.html?t=data'));
    await simReady(page);
    const dt = await s.h.openDevtoolsPanel(page);
    const tab = await s.h.openPanelTab(page);
    for (const d of [dt, tab]) await waitForPanelReady(d);

    // What the page's on() handlers got: the big event (its full payload), not the bogus one.
    await page.evaluate(() => {
      window.got = [];
      window.HubSpotConversations.on('bigPayload', (p) => window.got.push(['bigPayload', p.length]));
      window.HubSpotConversations.on('widgetClosed', (p) => window.got.push(['widgetClosed', p.message]));
    });
    // 300 KB twice through postMessage: waited for as long as a loaded machine needs (throws if never).
    await emit(page, 'bigPayload', 'y'.repeat(300000), { timeoutMs: 10000 });
    const bogus = await page.evaluate(() => window.hsSim.emit('widgetClosed', { message: 'forged close' }, 'bogus'));
    assert.equal(bogus, null, 'the simulator does not deliver the bogus-uuid event');
    assert.deepEqual(await page.evaluate(() => window.got), [['bigPayload', 300000]]);
    // The message the chat iframe posted: {"type":…,"data":{"eventType":"bigPayload","payload":"yyy…"},"uuid":"<36>"}
    const chars = JSON.stringify({ type: 'external-api-event', data: { eventType: 'bigPayload', payload: 'y'.repeat(300000) },
      uuid: '00000000-0000-4000-8000-000000000000' }).length;

    for (const d of [dt, tab]) {
      await waitForEvents(d, 'bigPayload', `"[truncated]":"message of ${chars} characters"`);
      await expectExactly(d, 'bigPayload', null, 1);
      const [big] = await rowsOf(d, 'bigPayload');
      assert.equal(big.summary, `truncated: message of ${chars} characters`);
      assert.equal(big.undelivered, null);

      await waitForEvents(d, 'widgetClosed', '"message":"forged close"');
      const [bogus] = await rowsOf(d, 'widgetClosed');
      assert.equal(bogus.undelivered, 'bogus_uuid');
      assert.equal(bogus.summary, "not delivered to the page: the message's uuid is not a UUID — forged close");
    }
    await dt.close();
    await tab.close();
    await page.close();
  });
});
