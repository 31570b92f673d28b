// The Cookies view in real Chromium and Firefox ESR (each of $E2E_BROWSERS), against the simulator
// served over https under real host names (shop.example.test, other.test, … → 127.0.0.1), so
// leading-dot domain cookies, host-only and path cookies and Secure cookies behave as on a real site.
// Every effect is checked in the BROWSER (chrome.cookies in the extension, document.cookie in the
// page), not in the panel's text.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  openHostsSession, browserCookies, setBrowserCookie, clearBrowserCookies, waitForBrowserCookies,
  cookieRows, waitForCookieRows, clickDeleteCookie, clickResetChatCookies, reloadCheckbox,
  cookiesAlert,
} from '../harness/hosts.mjs';
import { waitForPanelReady, waitForApiState, selectView, waitForEvents } from '../harness/panel-ui.mjs';
import { simReady } from '../harness/site.mjs';
import { pollUntil } from '../harness/driver.mjs';
import { forEachBrowser } from '../harness/session.mjs';

const CHAT = ['messagesUtk', 'hs-messages-is-open', 'hs-messages-hide-welcome-message'];
const SHOP = 'shop.example.test';

// Another site with cookies of the SAME names: no delete or reset on example.test may touch them.
const OTHER_SITE = [
  { name: 'messagesUtk', value: 'other-site-utk', domain: '.other.test', path: '/' },
  { name: 'hs-messages-is-open', value: 'other-site-open', domain: 'other.test', path: '/' },
];

const pages = [];

/** A page at `host`/`rel` and its panel (as a browser tab, or in devtools) on the Cookies view, rows listed. */
async function pageWithCookiesPanel(s, host, rel, { devtools = false, beforePanel } = {}) {
  const page = await s.h.newPage(s.url(host, rel));
  if (beforePanel) await beforePanel(page);
  const panel = devtools ? await s.h.openDevtoolsPanel(page) : await s.h.openPanelTab(page);
  pages.push(page, panel);
  await waitForPanelReady(panel);
  await selectView(panel, 'Cookies');
  await waitForCookieRows(panel, (rows) => rows.length >= 3, { message: 'the three chat cookie rows' });
  return { page, panel };
}

/**
 * A second panel port of `tab` (opened in the panel page) asks to delete `cookies`: resolves with the
 * error the background answers, or null after 5 s. `listFirst`: ask for a listing, delete 300 ms later;
 * `reset`: then_reset_widget.
 */
function deleteFromSecondPort(panel, tab, cookies, { listFirst = false, reset = false } = {}) {
  return panel.evaluate(([tab, cookies, listFirst, reset]) => new Promise((resolve) => {
    const port = chrome.runtime.connect({ name: 'panel' });
    port.onMessage.addListener((text) => {
      port.postMessage('{"v":1,"type":"received"}'); // as port.js does: the background sends one update at a time
      const msg = JSON.parse(text);
      if (msg.type === 'cookies' && msg.error) { port.disconnect(); resolve(msg.error); }
    });
    port.postMessage(JSON.stringify({ v: 1, type: 'subscribe', tab }));
    const remove = () => port.postMessage(JSON.stringify({ v: 1, type: 'delete_cookies', then_reset_widget: reset, cookies }));
    if (listFirst) {
      port.postMessage(JSON.stringify({ v: 1, type: 'cookies' }));
      setTimeout(remove, 300);
    } else remove();
    setTimeout(() => resolve(null), 5000);
  }), [tab, cookies, listFirst, reset]);
}

function pageCookie(page) {
  return page.evaluate(() => document.cookie);
}

/** Name=value pairs of document.cookie in the page. */
async function pageCookiePairs(page) {
  const text = await pageCookie(page);
  return text ? text.split('; ').sort() : [];
}

forEachBrowser((browser, s) => {
  beforeEach(async () => {
    await clearBrowserCookies(s.h);
    for (const c of OTHER_SITE) {
      const domain = c.domain.startsWith('.') ? { domain: c.domain } : {};
      await setBrowserCookie(s.h, { url: `https://other.test/`, name: c.name, value: c.value, path: c.path, secure: true, ...domain });
    }
  });

  afterEach(async () => {
    for (const c of OTHER_SITE) {
      const found = await browserCookies(s.h, { name: c.name, domain: c.domain });
      assert.deepEqual(found.map((x) => x.value), [c.value], `other.test's ${c.name} must survive`);
    }
  });

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => {});
  });

  test(`${browser}: absent chat cookies are listed with data-present="false" and no Delete; other cookies are not listed`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, 'clean.example.test', 'no-hubspot.html');
    await page.evaluate(() => { document.cookie = 'sessionid=abc; path=/'; });
    // A listing after the change (the page's own cookie must not appear in it).
    const rows = await waitForCookieRows(panel, (r) => r.length === 3 && r.every((x) => x.present === 'false'),
      { message: 'three absent rows' });
    assert.deepEqual(rows.map((r) => r.name), CHAT);
    for (const row of rows) assert.notEqual(row.deleteButton, 'enabled', `${row.name}: no usable Delete`);
    // other.test has a messagesUtk in the browser: it is not this page's.
    assert.equal((await browserCookies(s.h, { name: 'messagesUtk' })).length, 1);
    assert.equal(await cookiesAlert(panel), null);
    // The page sees none of the chat cookies either.
    assert.deepEqual(await pageCookiePairs(page), ['sessionid=abc']);
  });

  test(`${browser}: the loader's .shop.example.test messagesUtk and a parent .example.test one are deleted separately`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, SHOP, 'index.html');
    await simReady(page);
    // The loader stores messagesUtk on .shop.example.test, Secure, SameSite=Lax (https page).
    const [loaderUtk] = await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' },
      (c) => c.length === 1, { message: "the loader's messagesUtk" });
    assert.equal(loaderUtk.secure, true);
    assert.equal(loaderUtk.sameSite, 'lax');
    assert.equal(loaderUtk.hostOnly, false);
    // "Another script" writes the same name on the parent domain.
    await page.evaluate(() => { document.cookie = 'messagesUtk=parent-utk; domain=.example.test; path=/; Secure; SameSite=Lax'; });

    await waitForCookieRows(panel, (rows) => {
      const utk = rows.filter((r) => r.name === 'messagesUtk' && r.present === 'true');
      return utk.length === 2 && utk.some((r) => r.domain === '.shop.example.test' && r.value === loaderUtk.value)
        && utk.some((r) => r.domain === '.example.test' && r.value === 'parent-utk');
    }, { message: 'two messagesUtk rows (.shop.example.test and .example.test)' });

    await clickDeleteCookie(panel, { name: 'messagesUtk', domain: '.shop.example.test', path: '/' });
    await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' }, (c) => c.length === 0,
      { message: 'the loader messagesUtk deleted' });
    assert.deepEqual((await browserCookies(s.h, { name: 'messagesUtk', domain: '.example.test' })).map((c) => c.value),
      ['parent-utk'], 'the parent-domain cookie survives');
    assert.ok((await pageCookiePairs(page)).includes('messagesUtk=parent-utk'));
    assert.ok(!(await pageCookie(page)).includes(loaderUtk.value));
    await waitForCookieRows(panel, (rows) => rows.filter((r) => r.name === 'messagesUtk' && r.present === 'true').length === 1,
      { message: 'one messagesUtk row left' });

    await clickDeleteCookie(panel, { name: 'messagesUtk', domain: '.example.test', path: '/' });
    await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: '.example.test' }, (c) => c.length === 0,
      { message: 'the parent messagesUtk deleted' });
    assert.ok(!(await pageCookie(page)).includes('messagesUtk='), 'the page sees no messagesUtk');
    await waitForCookieRows(panel, (rows) => rows.some((r) => r.name === 'messagesUtk' && r.present === 'false'),
      { message: 'messagesUtk shown as absent' });
    assert.equal(await cookiesAlert(panel), null);
  });

  test(`${browser}: a host-only cookie and a path cookie are each deleted exactly`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, SHOP, 'no-hubspot.html');
    await page.evaluate(() => {
      document.cookie = 'messagesUtk=host-only; path=/; Secure; SameSite=Lax';
      document.cookie = 'messagesUtk=account-path; path=/account; Secure; SameSite=Lax';
      document.cookie = 'messagesUtk=domain-wide; domain=.shop.example.test; path=/; Secure; SameSite=Lax';
    });
    const all = await browserCookies(s.h, { name: 'messagesUtk' });
    assert.equal(all.filter((c) => c.domain === SHOP && c.hostOnly).length, 2, 'two host-only cookies (/ and /account)');
    await waitForCookieRows(panel, (rows) => rows.filter((r) => r.name === 'messagesUtk' && r.present === 'true').length === 3,
      { message: 'three messagesUtk rows' });

    await clickDeleteCookie(panel, { name: 'messagesUtk', domain: SHOP, path: '/' });
    await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: SHOP, path: '/' }, (c) => c.length === 0,
      { message: 'the host-only / cookie deleted' });
    const left = (await browserCookies(s.h, { name: 'messagesUtk' })).map((c) => c.value).sort();
    assert.deepEqual(left, ['account-path', 'domain-wide', 'other-site-utk']);

    await waitForCookieRows(panel, (rows) => rows.filter((r) => r.name === 'messagesUtk' && r.present === 'true').length === 2,
      { message: 'two messagesUtk rows left' });
    await clickDeleteCookie(panel, { name: 'messagesUtk', domain: SHOP, path: '/account' });
    await waitForBrowserCookies(s.h, { name: 'messagesUtk', path: '/account' }, (c) => c.length === 0,
      { message: 'the /account cookie deleted' });
    assert.deepEqual((await browserCookies(s.h, { name: 'messagesUtk' })).map((c) => c.value).sort(), ['domain-wide', 'other-site-utk']);
    assert.deepEqual((await pageCookiePairs(page)).filter((p) => p.startsWith('messagesUtk=')), ['messagesUtk=domain-wide']);
  });

  test(`${browser}: Reset chat cookies deletes every chat cookie the page sees, and only those (API absent)`, async () => {
    // A sibling site's chat cookie: not seen by shop.example.test, must survive.
    await setBrowserCookie(s.h, { url: 'https://blog.example.test/', name: 'messagesUtk', value: 'sibling', secure: true });
    const { page, panel } = await pageWithCookiesPanel(s, SHOP, 'no-hubspot.html');
    await page.evaluate(() => {
      const attrs = '; Secure; SameSite=Lax';
      document.cookie = `messagesUtk=a; domain=.shop.example.test; path=/${attrs}`;
      document.cookie = `messagesUtk=b; domain=.example.test; path=/${attrs}`;
      document.cookie = `messagesUtk=c; path=/account${attrs}`;
      document.cookie = `hs-messages-is-open=true; path=/${attrs}`;
      document.cookie = `hs-messages-hide-welcome-message=true; domain=.example.test; path=/${attrs}`;
      document.cookie = `hubspotutk=keep-me; domain=.example.test; path=/${attrs}`;
      document.cookie = `sessionid=keep-me-too; path=/${attrs}`;
    });
    await waitForCookieRows(panel, (rows) => rows.filter((r) => r.present === 'true' && r.name !== 'hubspotutk').length === 5
      && rows.some((r) => r.name === 'hubspotutk' && r.present === 'true'), { message: 'five chat rows and hubspotutk' });
    // No API on this page: the widget cannot be reloaded, the cookies can still be deleted.
    await waitForApiState(panel, 'absent');
    assert.deepEqual(await reloadCheckbox(panel), { checked: false, disabled: true });

    await clickResetChatCookies(panel);
    await waitForBrowserCookies(s.h, {}, (all) => !all.some((c) => CHAT.includes(c.name)
      && (c.domain.endsWith('example.test') && c.value !== 'sibling')), { message: 'no chat cookie of shop.example.test left' });
    const survivors = (await browserCookies(s.h)).map((c) => `${c.name}=${c.value}@${c.domain}`).sort();
    assert.deepEqual(survivors, [
      'hs-messages-is-open=other-site-open@other.test',
      'hubspotutk=keep-me@.example.test',
      'messagesUtk=other-site-utk@.other.test',
      'messagesUtk=sibling@blog.example.test',
      'sessionid=keep-me-too@shop.example.test',
    ]);
    assert.deepEqual(await pageCookiePairs(page), ['hubspotutk=keep-me', 'sessionid=keep-me-too']);
    await waitForCookieRows(panel, (rows) => CHAT.every((n) => rows.some((r) => r.name === n && r.present === 'false'))
      && rows.filter((r) => r.present === 'true').length === 1, { message: 'chat rows absent, hubspotutk still listed' });
  });

  test(`${browser}: Reset chat cookies + "and reload the widget" gives the page a new HubSpotConversations object`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, SHOP, 'index.html');
    await simReady(page);
    await waitForApiState(panel, 'ready');
    const [oldUtk] = await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' },
      (c) => c.length === 1, { message: "the loader's messagesUtk" });
    await page.evaluate(() => { document.cookie = 'hs-messages-hide-welcome-message=true; domain=.shop.example.test; path=/; Secure; SameSite=Lax'; });
    const before = await page.evaluate(() => ({ generation: window.hsSim.state().generation, onReady: window.pageOnReadyCalls, object: (window.__oldApi = window.HubSpotConversations, 1) }));
    assert.equal(before.generation, 1);
    await waitForCookieRows(panel, (rows) => rows.filter((r) => r.present === 'true' && CHAT.includes(r.name)).length === 2,
      { message: 'messagesUtk and hs-messages-hide-welcome-message listed' });
    assert.deepEqual(await reloadCheckbox(panel), { checked: false, disabled: false });

    await clickResetChatCookies(panel, { reload: true });
    const after = await pollUntil(() => page.evaluate(() => {
      const st = window.hsSim.state();
      return st && st.generation === 2 && st.ready && st.loaded
        ? { generation: st.generation, onReady: window.pageOnReadyCalls, same: window.__oldApi === window.HubSpotConversations } : null;
    }), { timeout: 10000, message: 'object #2 of HubSpotConversations, loaded' });
    assert.equal(after.same, false, 'a NEW HubSpotConversations object');
    assert.equal(after.onReady, before.onReady + 1, 'hsConversationsOnReady ran again');
    // The old visitor is gone: the new widget stores a NEW messagesUtk; the welcome flag is gone.
    const [newUtk] = await waitForBrowserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' },
      (c) => c.length === 1, { message: 'the new widget\'s messagesUtk' });
    assert.notEqual(newUtk.value, oldUtk.value);
    assert.equal((await browserCookies(s.h, { name: 'hs-messages-hide-welcome-message' })).length, 0);
    assert.ok(!(await pageCookie(page)).includes(oldUtk.value));
    await waitForCookieRows(panel, (rows) => rows.some((r) => r.name === 'messagesUtk' && r.value === newUtk.value),
      { message: 'the new messagesUtk in the panel' });
  });

  test(`${browser}: a cookie the page changes shows in the (real devtools) panel within a second`, async (t) => {
    const { page, panel } = await pageWithCookiesPanel(s, 'live.example.test', 'no-hubspot.html', { devtools: true });
    await waitForCookieRows(panel, (rows) => rows.some((r) => r.name === 'hs-messages-is-open' && r.present === 'false'));
    const within = async (what, action, probe) => {
      const t0 = Date.now();
      await action();
      await waitForCookieRows(panel, probe, { timeout: 1000, message: `${what} within 1 s` });
      const ms = Date.now() - t0;
      t.diagnostic(`${what}: ${ms} ms`);
      return ms;
    };
    const open = (rows) => rows.find((r) => r.name === 'hs-messages-is-open');
    await within('set', () => page.evaluate(() => { document.cookie = 'hs-messages-is-open=true; path=/; Secure'; }),
      (rows) => open(rows)?.present === 'true' && open(rows).value === 'true');
    await within('changed', () => page.evaluate(() => { document.cookie = 'hs-messages-is-open=false; path=/; Secure'; }),
      (rows) => open(rows)?.value === 'false');
    await within('deleted', () => page.evaluate(() => { document.cookie = 'hs-messages-is-open=; path=/; Secure; max-age=0'; }),
      (rows) => open(rows)?.present === 'false');
    // A change on ANOTHER site does not list again for this page: its rows stay as they are.
    await setBrowserCookie(s.h, { url: 'https://other.test/', name: 'hs-messages-is-open', value: 'other-site-open', secure: true });
    assert.equal(open(await cookieRows(panel)).present, 'false');
  });

  test(`${browser}: a forged delete of another site's cookie is refused and deletes nothing`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, SHOP, 'no-hubspot.html');
    await page.evaluate(() => { document.cookie = 'messagesUtk=mine; domain=.shop.example.test; path=/; Secure'; });
    await waitForCookieRows(panel, (rows) => rows.some((r) => r.name === 'messagesUtk' && r.present === 'true'));
    const tabId = await s.h.tabIdOf(page);
    // The references name the cookies' real store ("0" in Chromium, "firefox-default" in Firefox),
    // so only the other site's domain makes the request bad.
    const [{ storeId }] = await browserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' });
    // A second panel port of this tab asks to delete other.test's messagesUtk (and this page's own,
    // to show that one bad reference stops the whole request).
    const ref = (name, domain) => ({ name, domain, path: '/', store_id: storeId, partition_key: null });
    const reply = await deleteFromSecondPort(panel, tabId,
      [ref('messagesUtk', '.shop.example.test'), ref('messagesUtk', '.other.test')], { listFirst: true, reset: true });
    assert.match(reply ?? '', /^Nothing was deleted/);
    await pollUntil(async () => /Nothing was deleted/.test((await cookiesAlert(panel)) ?? ''), { timeout: 3000, message: 'the error in the alert region' });
    assert.deepEqual((await browserCookies(s.h, { name: 'messagesUtk', domain: '.shop.example.test' })).map((c) => c.value), ['mine']);
  });

  test(`${browser}: a page that reports another site's URL still gets only its own cookies listed and deleted`, async () => {
    const { page, panel } = await pageWithCookiesPanel(s, 'clean.example.test', 'no-hubspot.html');
    // Any page can dispatch what the hook dispatches: here a batch that claims to come from other.test.
    await page.evaluate(() => {
      const detail = JSON.stringify({
        v: 1, doc: 'forged-document', url: 'https://other.test/', time_origin: performance.timeOrigin, dropped: 0,
        records: [{ k: 'event', seq: 1, t: 1, name: 'widgetLoaded', payload: { message: 'forged-by-the-page' }, via: 'iframe' }],
      });
      document.dispatchEvent(new CustomEvent('hubspot-chat-inspector:page', { detail }));
    });
    await selectView(panel, 'Events');
    await waitForEvents(panel, 'widgetLoaded', 'forged-by-the-page');
    await selectView(panel, 'Cookies');
    // A listing made after the forged batch (the page's own new cookie is in it) is of this page only.
    await page.evaluate(() => { document.cookie = 'messagesUtk=mine; path=/; Secure'; });
    const rows = await waitForCookieRows(panel, (r) => r.some((x) => x.name === 'messagesUtk' && x.value === 'mine'),
      { message: "the page's own messagesUtk" });
    assert.ok(rows.every((r) => !(r.domain ?? '').includes('other.test') && r.value !== 'other-site-utk'), JSON.stringify(rows));
    assert.equal(await panel.evaluate(() => document.body.textContent.includes('other.test')), false,
      'the panel never shows the URL the page made up');
    // A delete of other.test's cookie from this tab's panel is refused.
    const tabId = await s.h.tabIdOf(page);
    const [{ storeId }] = await browserCookies(s.h, { name: 'messagesUtk', domain: '.other.test' });
    const reply = await deleteFromSecondPort(panel, tabId,
      [{ name: 'messagesUtk', domain: '.other.test', path: '/', store_id: storeId, partition_key: null }]);
    assert.match(reply ?? '', /^Nothing was deleted/);
  });
}, { open: (browser) => openHostsSession({ browser }) });
