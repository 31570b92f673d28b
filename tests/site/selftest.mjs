// Self-check of the offline HubSpot simulator:  node tests/site/selftest.mjs
//
// Needs the npm package playwright-core (cd /work/main && npm i --no-save playwright-core@1)
// and Chromium at /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM=/path/to/it.
// Prints one line per check and a closing "N passed, M failed"; exits 1 on any failure.

import fs from 'node:fs';
import { startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const INSECURE_COOKIE_WARNING =
  'HubSpot Conversations: this page is not served over https, so the live chat cookies are set without the Secure attribute.';
const EVENT_NAMES = ['conversationStarted', 'conversationClosed', 'unreadConversationCountChanged', 'inputStaging',
  'contactAssociated', 'userInteractedWithWidget', 'quickReplyButtonClick', 'widgetLoaded', 'widgetClosed',
  'userSelectedThread', 'widgetHidden'];

// Test-only instrumentation, installed before any page script (top frame only).
const INSTRUMENT = `
  if (window.top === window) {
    window.__simTest = { initialized: [], messages: [] };
    window.__pageErrors = [];
    addEventListener('error', (e) => __pageErrors.push(e.message));
    addEventListener('hubspot:messages:initialized', (e) => __simTest.initialized.push({
      messageWillRender: e.messageWillRender, reason: e.reason, ownReason: Object.prototype.hasOwnProperty.call(e, 'reason'),
      plain: e.constructor === Event, detail: 'detail' in e,
      iframe: !!document.querySelector('#hubspot-conversations-iframe, #hubspot-conversations-inline-iframe'),
      time: performance.now() }));
    addEventListener('message', (e) => {
      if (typeof e.data === 'string' && e.data[0] === '{') __simTest.messages.push({ origin: e.origin, data: e.data });
    });
  }`;

const results = [];
const consoleReport = [];

function check(name, ok, detail) {
  results.push({ name, ok: !!ok });
  const extra = !ok && detail !== undefined ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : '';
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${extra}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function loadPlaywright() {
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    console.error('playwright-core is missing: run  cd /work/main && npm i --no-save playwright-core@1');
    process.exit(2);
  }
}

async function waitForChromium() {
  for (let i = 0; i < 60 && !fs.existsSync(CHROMIUM); i++) {
    if (i === 0) console.error(`waiting for ${CHROMIUM} (apt-get install -y chromium) …`);
    await sleep(5000);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} not found`);
    process.exit(2);
  }
}

async function openPage(context, url, { extraInit } = {}) {
  const page = await context.newPage();
  const consoleLines = [];
  const errors = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  await page.addInitScript(INSTRUMENT);
  if (extraInit) await page.addInitScript(extraInit);
  await page.goto(url);
  return { page, consoleLines, errors };
}

const hubspotCookies = async (context) =>
  Object.fromEntries((await context.cookies())
    .filter((c) => ['messagesUtk', 'hs-messages-is-open', 'hs-messages-hide-welcome-message'].includes(c.name))
    .map((c) => [c.name, c]));

// ---- index.html: normal load, events, throttle, cookies, reset --------------------------------

async function testIndex(browser, base, port) {
  const context = await browser.newContext();
  const { page, consoleLines, errors } = await openPage(context, `${base}index.html`);
  const ready = await page.evaluate(() => hsSim.ready());
  check('index: chat iframe loaded (hsSim.ready)', ready && ready.ready, ready);
  await sleep(300);
  consoleReport.push(['index.html (normal load)', consoleLines.slice(), errors.slice()]);
  check('index: console of a normal load = page log + insecure-cookie warning',
    same(consoleLines, ['log: page onReady 1', `warning: ${INSECURE_COOKIE_WARNING}`]) && errors.length === 0,
    { consoleLines, errors });
  check('index: onReady ran once', (await page.evaluate(() => window.pageOnReadyCalls)) === 1);

  const dom = await page.evaluate(() => {
    const c = document.getElementById('hubspot-messages-iframe-container');
    const f = c && c.querySelector(':scope > iframe#hubspot-conversations-iframe');
    return {
      container: !!c,
      alignRight: !!c && c.classList.contains('widget-align-right'),
      shadow: !!(c && c.querySelector(':scope > div.shadow-container')),
      src: f ? f.src : null,
      inDocBody: !!c && c.parentElement === document.body,
    };
  });
  const src = dom.src ? new URL(dom.src) : null;
  check('index: floating container > div.shadow-container + iframe#hubspot-conversations-iframe',
    dom.container && dom.alignRight && dom.shadow && src && dom.inDocBody, dom);
  check('index: chat iframe is cross-origin (127.0.0.1) with portalId and utk',
    src && src.origin === `http://127.0.0.1:${port}` && src.pathname === '/hs/chat-iframe.html' &&
      src.searchParams.get('portalId') === '12345' && /^[0-9a-f]{32}$/.test(src.searchParams.get('utk')), dom.src);

  const initialized = await page.evaluate(() => __simTest.initialized);
  check('index: hubspot:messages:initialized fired once: a plain Event (no detail), own messageWillRender:true and reason undefined, iframe already inserted',
    initialized.length === 1 && initialized[0].messageWillRender === true && initialized[0].reason === undefined &&
      initialized[0].ownReason && initialized[0].plain && !initialized[0].detail && initialized[0].iframe, initialized);

  const cookies = await hubspotCookies(context);
  const utk = cookies.messagesUtk;
  check('index: messagesUtk cookie = iframe utk, host-only on localhost, ~180 days, SameSite=Lax, not HttpOnly',
    utk && utk.value === src.searchParams.get('utk') && utk.domain === 'localhost' && utk.sameSite === 'Lax' &&
      !utk.httpOnly && Math.abs(utk.expires - (Date.now() / 1000 + 180 * 86400)) < 120, utk);

  const messages = await page.evaluate(() => __simTest.messages
    .filter((m) => m.origin.startsWith('http://127.0.0.1'))
    .map((m) => JSON.parse(m.data)));
  const types = messages.map((m) => m.type);
  check('index: chat iframe sent store-messages-cookie, iframe-resize, external-api-event widgetLoaded',
    types.includes('store-messages-cookie') && types.includes('iframe-resize') &&
      messages.some((m) => m.type === 'external-api-event' && m.data.eventType === 'widgetLoaded' &&
        same(m.data.payload, { message: 'widget has loaded' })) &&
      messages.every((m) => typeof m.uuid === 'string'), types);

  // SDK calls made before the object's first iframe existed (onReady flush + its on()) were queued
  // and delivered once it loaded; calls now are posted at once.
  check('index: the 2 track-api-usage queued before the iframe existed were delivered', (await page.evaluate(() => hsSim.usageCount())) === 2);
  const status = await page.evaluate(() => HubSpotConversations.widget.status());
  check('index: widget.status() = {loaded:true, pending:false}', same(status, { loaded: true, pending: false }), status);
  check('index: status() posted one track-api-usage', (await page.evaluate(() => hsSim.usageCount())) === 3);
  const reports = await page.evaluate(() => hsSim.usageReports());
  check('index: usageReports() lists them in order, {name, method}', same(reports, [
    { name: 'HubspotConversations-api-method-used', method: 'hsConversationsOnReady' },
    { name: 'HubspotConversations-api-event-listener-registered', method: 'on' },
    { name: 'HubspotConversations-api-method-used', method: 'widget.status' },
  ]), reports);

  // on()/off() argument checks; names are not checked.
  const argChecks = await page.evaluate(() => {
    const t = (f) => { try { f(); return false; } catch (e) { return e instanceof TypeError; } };
    const fn = () => {};
    return {
      badName: t(() => HubSpotConversations.on(1, fn)),
      badFn: t(() => HubSpotConversations.on('widgetLoaded', 'x')),
      offBad: t(() => HubSpotConversations.off('widgetLoaded')),
      typoOk: !t(() => HubSpotConversations.on('conversationStrated', fn)),
    };
  });
  check('index: on()/off() throw on non-string name / non-function; misspelt names accepted',
    argChecks.badName && argChecks.badFn && argChecks.offBad && argChecks.typoOk, argChecks);

  // All eleven events reach listeners registered on the current object.
  await page.evaluate((names) => {
    window.__got = [];
    for (const name of names) HubSpotConversations.on(name, (payload) => __got.push({ name, payload }));
  }, EVENT_NAMES);
  const emitted = await page.evaluate(() => hsSim.emitAll());
  const got = await page.evaluate(() => __got);
  const expected = await page.evaluate((names) => names.map((n) => ({ name: n, payload: hsSim.payloadFor(n) })), EVENT_NAMES);
  check('index: emitAll() delivers all 11 events, in order, with the documented payloads',
    emitted.length === 11 && emitted.every(Boolean) && same(got, expected), { got, emitted });
  check('index: page listener registered in onReady logged conversationStarted',
    (await page.evaluate(() => pageConsole)).includes('page conversationStarted 4711'));

  // Open state: visitor vs API.
  await page.evaluate(() => hsSim.openChange(true, true));
  let open = await page.evaluate(() => document.documentElement.classList.contains('hs-messages-widget-open'));
  check('index: visitor open → html.hs-messages-widget-open + cookie hs-messages-is-open=true',
    open && (await hubspotCookies(context))['hs-messages-is-open']?.value === 'true');
  await page.evaluate(() => hsSim.openChange(false, true));
  open = await page.evaluate(() => document.documentElement.classList.contains('hs-messages-widget-open'));
  const isOpenCookie = (await hubspotCookies(context))['hs-messages-is-open'];
  check('index: visitor close → class removed, cookie false, 30 min',
    !open && isOpenCookie?.value === 'false' && Math.abs(isOpenCookie.expires - (Date.now() / 1000 + 1800)) < 60, isOpenCookie);
  await page.evaluate(() => HubSpotConversations.widget.open());
  await page.waitForFunction(() => document.documentElement.classList.contains('hs-messages-widget-open'), null, { timeout: 2000 });
  check('index: widget.open() opens without writing the cookie (isUser:false)',
    (await hubspotCookies(context))['hs-messages-is-open']?.value === 'false');
  await page.evaluate(() => HubSpotConversations.widget.close());
  await page.waitForFunction(() => !document.documentElement.classList.contains('hs-messages-widget-open'), null, { timeout: 2000 });

  // Throttle: 3 calls at 0/300/600 ms → 2 runs, the second ≈1 s later with the last arguments.
  const runs = await page.evaluate(async () => {
    const before = hsSim.traces.length;
    HubSpotConversations.widget.load({ call: 1 });
    await new Promise((r) => setTimeout(r, 300));
    HubSpotConversations.widget.load({ call: 2 });
    await new Promise((r) => setTimeout(r, 300));
    HubSpotConversations.widget.load({ call: 3 });
    await new Promise((r) => setTimeout(r, 1200));
    return hsSim.traces.slice(before).filter((t) => t.what === 'load-run');
  });
  const gap = runs.length === 2 ? runs[1].time - runs[0].time : -1;
  check('index: throttle — load() at 0/300/600 ms runs twice (first, then trailing with last args ≈1 s later)',
    runs.length === 2 && runs[0].options.call === 1 && runs[1].options.call === 3 && gap >= 950 && gap <= 1250,
    { runs, gap });

  // The measured pattern: calls at 0/500/1100/1300 ms run at ≈0, 1000 (trailing: no new window),
  // 1100 (leading again) and 2100 ms.
  const measured = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 1100)); // out of the previous window
    const before = hsSim.traces.length;
    const start = Date.now();
    for (const [at, call] of [[0, 1], [500, 2], [1100, 3], [1300, 4]]) {
      await new Promise((r) => setTimeout(r, at - (Date.now() - start)));
      HubSpotConversations.widget.refresh({ call });
    }
    await new Promise((r) => setTimeout(r, 1300));
    return hsSim.traces.slice(before).filter((t) => t.what === 'refresh-run')
      .map((t) => ({ at: t.time - start, call: t.options.call }));
  });
  const near = (v, want) => Math.abs(v - want) <= 150;
  check('index: throttle — refresh() at 0/500/1100/1300 ms runs at ≈0/1000/1100/2100 ms with calls 1, 2, 3, 4',
    measured.length === 4 && [0, 1000, 1100, 2100].every((t, i) => near(measured[i].at, t)) &&
      same(measured.map((m) => m.call), [1, 2, 3, 4]), measured);

  // Flood.
  const flooded = await page.evaluate(() => hsSim.flood(300));
  check('index: flood(300) → 300 events dispatched', flooded === 300, flooded);

  // hide(): widgetHidden emitted by the loader itself.
  const hidden = await page.evaluate(() => hsSim.hide('SIM_REASON', 'simulated'));
  check('index: hide() → loader emits widgetHidden to on() listeners',
    hidden && hidden.via === 'loader' && hidden.listeners >= 1 &&
      same((await page.evaluate(() => __got)).at(-1), { name: 'widgetHidden', payload: { reason: 'SIM_REASON', description: 'simulated' } }),
    hidden);

  // clear(): cookies gone, iframe stays, object stays.
  await page.evaluate(() => { window.__beforeClear = HubSpotConversations; HubSpotConversations.clear(); });
  const afterClear = await page.evaluate(() => ({
    same: window.__beforeClear === HubSpotConversations,
    iframe: !!document.getElementById('hubspot-conversations-iframe'),
  }));
  check('index: clear() deletes the chat cookies, keeps the iframe and the object',
    Object.keys(await hubspotCookies(context)).length === 0 && afterClear.same && afterClear.iframe, afterClear);

  // clear({resetWidget:true}): new object, new emitter, onReady again, new iframe.
  const oldUtk = src.searchParams.get('utk');
  await page.evaluate(() => {
    window.__old = HubSpotConversations;
    window.__oldFrame = document.getElementById('hubspot-conversations-iframe');
    window.__oldCount = 0;
    __old.on('unreadConversationCountChanged', () => { __oldCount++; });
    HubSpotConversations.clear({ resetWidget: true });
  });
  const afterReset = await page.evaluate(() => ({
    replaced: window.__old !== HubSpotConversations,
    onReady: pageOnReadyCalls,
    oldFrameGone: !window.__oldFrame.isConnected,
  }));
  check('index: clear({resetWidget:true}) replaces the object and runs onReady again (2)',
    afterReset.replaced && afterReset.onReady === 2 && afterReset.oldFrameGone, afterReset);
  await page.evaluate(() => hsSim.ready());
  const afterResetEmit = await page.evaluate(async () => {
    window.__newCount = 0;
    HubSpotConversations.on('unreadConversationCountChanged', () => { __newCount++; });
    const r = await hsSim.emit('unreadConversationCountChanged', { unreadCount: 7 });
    const c = await hsSim.emit('conversationStarted', { conversation: { conversationId: 99 } });
    return { delivered: !!r && !!c, oldCount: __oldCount, newCount: __newCount,
      pageLogs: pageConsole.filter((l) => l === 'page conversationStarted 99').length };
  });
  check('index: after reset old on() listeners are silent, new ones (and the onReady one) fire once',
    afterResetEmit.delivered && afterResetEmit.oldCount === 0 && afterResetEmit.newCount === 1 && afterResetEmit.pageLogs === 1,
    afterResetEmit);
  const newUtk = (await hubspotCookies(context)).messagesUtk;
  check('index: after reset a new messagesUtk cookie is stored', newUtk && newUtk.value !== oldUtk && /^[0-9a-f]{32}$/.test(newUtk.value));

  // resetAndReloadWidget(): same again.
  const rr = await page.evaluate(async () => {
    const before = HubSpotConversations;
    HubSpotConversations.resetAndReloadWidget();
    const out = { replaced: before !== HubSpotConversations, onReady: pageOnReadyCalls };
    await hsSim.ready();
    return out;
  });
  check('index: resetAndReloadWidget() replaces the object, onReady 3', rr.replaced && rr.onReady === 3, rr);

  // remove() then load() renders again.
  const removed = await page.evaluate(async () => {
    HubSpotConversations.widget.remove();
    const gone = !document.getElementById('hubspot-messages-iframe-container');
    const status = HubSpotConversations.widget.status();
    await new Promise((r) => setTimeout(r, 1100)); // past the load() throttle window
    HubSpotConversations.widget.load();
    await hsSim.ready();
    return { gone, status, back: !!document.getElementById('hubspot-conversations-iframe') };
  });
  check('index: widget.remove() removes the widget (status loaded:false), load() brings it back',
    removed.gone && removed.status.loaded === false && removed.back, removed);

  // A call made while the iframe still holds about:blank: Chromium's own postMessage error.
  const earlyStart = consoleLines.length;
  await page.evaluate(() => new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (document.getElementById('hubspot-conversations-iframe')) {
        obs.disconnect();
        HubSpotConversations.widget.status(); // the iframe has not loaded yet
        resolve();
      }
    });
    obs.observe(document.body, { childList: true, subtree: true });
    HubSpotConversations.clear({ resetWidget: true });
  }));
  await page.evaluate(() => hsSim.ready());
  // Chromium 156 reports it at level "warning" (older versions: "error").
  const early = consoleLines.slice(earlyStart).filter((l) => l.includes("Failed to execute 'postMessage'"));
  check("index: SDK call before the iframe loaded → Chromium's own \"Failed to execute 'postMessage'\" message",
    early.length === 1 && early[0].includes("Failed to execute 'postMessage' on 'DOMWindow'") &&
      early[0].includes(`('http://127.0.0.1:${port}')`) && early[0].includes(`('http://localhost:${port}')`), early);
  check('index: no uncaught page errors', errors.length === 0, errors);
  await context.close();
}

// ---- deferred.html ----------------------------------------------------------------------------

async function testDeferred(browser, base) {
  const context = await browser.newContext();
  const { page, consoleLines, errors } = await openPage(context, `${base}deferred.html`);
  await page.waitForFunction(() => window.pageOnReadyCalls === 1);
  await sleep(300);
  consoleReport.push(['deferred.html (before Load chat)', consoleLines.slice(), errors.slice()]);
  const placeholder = await page.evaluate(() => ({
    status: HubSpotConversations.widget.status(),
    iframe: !!document.querySelector('iframe'),
    state: hsSim.state().api,
  }));
  check('deferred: placeholder — status() = {loaded:false}, no iframe, onReady 1',
    same(placeholder.status, { loaded: false }) && !placeholder.iframe && placeholder.state === 'placeholder', placeholder);
  check('deferred: console before load = page log only', same(consoleLines, ['log: page onReady 1']), consoleLines);

  const before = consoleLines.length;
  await page.evaluate(() => {
    HubSpotConversations.on('conversationStarted', () => {}); // registers on the shared emitter
    HubSpotConversations.widget.open();
  });
  const warned = consoleLines.slice(before);
  check('deferred: placeholder on() registers silently, open() warns "loadImmediately is set to false and widget.load() has not been called"',
    warned.length === 1 && warned[0].startsWith('warning: loadImmediately is set to false and widget.load() has not been called'), warned);

  await page.evaluate(() => { window.__placeholder = HubSpotConversations; });
  await page.click('#load-chat');
  const after = await page.evaluate(() => ({ replaced: window.__placeholder !== HubSpotConversations, onReady: pageOnReadyCalls }));
  check('deferred: widget.load() assigns a new real object and runs onReady again (2)',
    after.replaced && after.onReady === 2, after);
  await page.evaluate(() => hsSim.ready());
  const status = await page.evaluate(() => HubSpotConversations.widget.status());
  check('deferred: real object status() = {loaded:true, pending:false}', same(status, { loaded: true, pending: false }), status);
  const delivered = await page.evaluate(() => hsSim.emit('conversationStarted', { conversation: { conversationId: 5 } }));
  check('deferred: conversationStarted reaches the listeners of the placeholder AND the real object (one shared emitter)',
    delivered && delivered.listeners === 2 && (await page.evaluate(() => pageConsole)).includes('page conversationStarted 5'), delivered);
  await page.evaluate(() => HubSpotConversations.clear({ resetWidget: true }));
  check('deferred: clear({resetWidget:true}) → onReady 3', (await page.evaluate(() => pageOnReadyCalls)) === 3);
  await page.evaluate(() => hsSim.ready());
  const afterReset = await page.evaluate(() => hsSim.emit('conversationStarted', { conversation: { conversationId: 6 } }));
  check('deferred: after the reset a NEW emitter: only the onReady listener of the new object', afterReset && afterReset.listeners === 1, afterReset);
  check('deferred: no uncaught page errors', errors.length === 0, errors);
  await context.close();
}

// ---- inline.html ------------------------------------------------------------------------------

async function testInline(browser, base) {
  let context = await browser.newContext();
  let { page, consoleLines, errors } = await openPage(context, `${base}inline.html`);
  await page.evaluate(() => hsSim.ready());
  await sleep(300);
  consoleReport.push(['inline.html (normal load)', consoleLines.slice(), errors.slice()]);
  const dom = await page.evaluate(() => ({
    inline: !!document.querySelector('#chat-here > #hubspot-conversations-inline-parent > iframe#hubspot-conversations-inline-iframe'),
    floating: !!document.getElementById('hubspot-messages-iframe-container'),
  }));
  check('inline: #chat-here > #hubspot-conversations-inline-parent > iframe#hubspot-conversations-inline-iframe',
    dom.inline && !dom.floating, dom);
  await page.evaluate(() => hsSim.openChange(false, true));
  await page.evaluate(() => hsSim.openChange(true, true));
  check('inline: visitor open/close writes no hs-messages-is-open cookie and no html class',
    !(await hubspotCookies(context))['hs-messages-is-open'] &&
      !(await page.evaluate(() => document.documentElement.classList.contains('hs-messages-widget-open'))));
  await context.close();

  // Target element missing: nothing renders, nothing is logged.
  context = await browser.newContext();
  ({ page, consoleLines, errors } = await openPage(context, `${base}inline.html`, {
    extraInit: `document.addEventListener('DOMContentLoaded', () => document.getElementById('chat-here').remove(), true);`,
  }));
  await page.waitForFunction(() => window.pageOnReadyCalls === 1);
  await page.waitForFunction(() => __simTest.initialized.length === 1);
  await sleep(300);
  const missing = await page.evaluate(() => ({ iframe: !!document.querySelector('iframe'), init: __simTest.initialized,
    status: HubSpotConversations.widget.status() }));
  check('inline: missing target → messageWillRender:true but no iframe, status {loaded:false, pending:true}, nothing logged',
    !missing.iframe && missing.init[0].messageWillRender === true && same(missing.status, { loaded: false, pending: true }) &&
      same(consoleLines, ['log: page onReady 1']) && errors.length === 0, { missing, consoleLines, errors });
  const wedged = await page.evaluate(async () => {
    const target = document.createElement('div');
    target.id = 'chat-here';
    document.querySelector('main').appendChild(target);
    const renders = () => hsSim.traces.filter((t) => t.what === 'render').length;
    const before = renders();
    HubSpotConversations.widget.refresh();
    HubSpotConversations.widget.load();
    await new Promise((r) => setTimeout(r, 400));
    const refused = { renders: renders() - before, iframe: !!document.querySelector('iframe'), status: HubSpotConversations.widget.status() };
    await new Promise((r) => setTimeout(r, 800)); // past the load() throttle window
    HubSpotConversations.widget.remove();
    HubSpotConversations.widget.load();
    await hsSim.ready(4000);
    return { refused, recovered: !!document.querySelector('#chat-here iframe#hubspot-conversations-inline-iframe') };
  });
  check('inline: missing target → later refresh()/load() refused, remove() + load() recovers',
    wedged.refused.renders === 0 && !wedged.refused.iframe && wedged.refused.status.pending === true && wedged.recovered, wedged);
  await context.close();
}

// ---- late.html, spa.html ----------------------------------------------------------------------

async function testLate(browser, base) {
  const context = await browser.newContext();
  const { page, consoleLines, errors } = await openPage(context, `${base}late.html`);
  const early = await page.evaluate(() => typeof window.HubSpotConversations);
  await page.evaluate(() => hsSim.ready());
  await sleep(300);
  consoleReport.push(['late.html (normal load)', consoleLines.slice(), errors.slice()]);
  check('late: API absent at first, assigned after ~800 ms, onReady 1',
    early === 'undefined' && (await page.evaluate(() => pageOnReadyCalls)) === 1, early);
  await context.close();
}

async function testSpa(browser, base) {
  const context = await browser.newContext();
  const { page, consoleLines, errors } = await openPage(context, `${base}spa.html`);
  await page.evaluate(() => hsSim.ready());
  await sleep(300);
  consoleReport.push(['spa.html (normal load)', consoleLines.slice(), errors.slice()]);
  await page.evaluate(() => HubSpotConversations.on('widgetHidden', (p) => { window.__hidden = p; }));
  const requests = () => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/livechat-public/v1/message/public')).map((e) => e.responseStatus));
  await page.click('button[data-route="legal"]');
  await page.waitForFunction(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/livechat-public/v1/message/public')).length === 2, null, { timeout: 3000 });
  await sleep(200);
  check('spa: refresh() answered 204 on a route without chat leaves the widget (resource timing shows 200, 204)',
    same(await requests(), [200, 204]) && !(await page.evaluate(() => window.__hidden)) &&
      await page.evaluate(() => !!document.getElementById('hubspot-conversations-iframe')), await requests());
  await page.evaluate(() => new Promise((r) => setTimeout(r, 1100)));
  await page.evaluate(() => { history.pushState({}, '', '?route=returns'); dispatchEvent(new PopStateEvent('popstate')); });
  await page.evaluate(() => { history.pushState({}, '', '?route=plain'); });
  await sleep(1500);
  check('spa: a pushState without refresh() makes no widget-data request (the popstate one is the page\'s own refresh)',
    (await requests()).length === 3, await requests());
  await page.evaluate(() => { location.hash = 'hs-chat-open'; });
  await page.waitForFunction(() => document.documentElement.classList.contains('hs-messages-widget-open'), null, { timeout: 3000 });
  check('spa: hashchange to #hs-chat-open opens the widget', true);
  check('spa: no uncaught page errors', errors.length === 0, errors);
  await context.close();
}

// ---- pages that must not render ---------------------------------------------------------------

async function testInvalid(browser, base) {
  const cases = [
    [null, 'Invariant Violation: Expected mergedSettings.loadImmediately to be a boolean'],
    [{ enableWidgetCookieBanner: 'ON_LOAD' },
      'Invariant Violation: Expected mergedSettings.enableWidgetCookieBanner to be one of false, true, "ON_WIDGET_LOAD", "ON_EXIT_INTENT"'],
    [{ inlineEmbedSelector: 5 }, 'Invariant Violation: Expected mergedSettings.inlineEmbedSelector to be a string'],
  ];
  for (const [settings, message] of cases) {
    const context = await browser.newContext();
    const url = `${base}invalid-settings.html${settings ? `?settings=${encodeURIComponent(JSON.stringify(settings))}` : ''}`;
    const { page, consoleLines, errors } = await openPage(context, url);
    await page.waitForLoadState('load');
    await sleep(400);
    if (!settings) consoleReport.push(['invalid-settings.html', consoleLines.slice(), errors.slice()]);
    const api = await page.evaluate(() => typeof window.HubSpotConversations);
    const seen = await page.evaluate(() => window.__pageErrors);
    check(`invalid-settings: ${settings ? JSON.stringify(settings) : "loadImmediately:'yes'"} throws "${message}" (the page's error event: "Script error.")`,
      errors.length === 1 && errors[0].endsWith(message) && api === 'undefined' && consoleLines.length === 0 &&
        same(seen, ['Script error.']), { errors, api, consoleLines, seen });
    await context.close();
  }
}

async function testQuietPages(browser, base) {
  let context = await browser.newContext();
  let { page, consoleLines, errors } = await openPage(context, `${base}no-hubspot.html`);
  await sleep(1800);
  consoleReport.push(['no-hubspot.html', consoleLines.slice(), errors.slice()]);
  const nh = await page.evaluate(() => ({
    api: typeof window.HubSpotConversations, received: window.noHubspotMessages.length,
    lookalike: window.noHubspotMessages.some((m) => m.includes('external-api-event')),
  }));
  check('no-hubspot: no API, own iframe posts messages (including HubSpot lookalikes), clean console',
    nh.api === 'undefined' && nh.received >= 10 && nh.lookalike && consoleLines.length === 0 && errors.length === 0,
    { nh, consoleLines, errors });
  await context.close();

  context = await browser.newContext();
  ({ page, consoleLines, errors } = await openPage(context, `${base}duplicate.html`));
  await page.evaluate(() => hsSim.ready());
  await sleep(300);
  consoleReport.push(['duplicate.html', consoleLines.slice(), errors.slice()]);
  check('duplicate: second loader warns "duplicate instance of live chat exists on page", one widget, onReady 1',
    consoleLines.filter((l) => l === 'warning: duplicate instance of live chat exists on page').length === 1 &&
      (await page.evaluate(() => document.querySelectorAll('#hubspot-messages-iframe-container').length)) === 1 &&
      (await page.evaluate(() => pageOnReadyCalls)) === 1, consoleLines);
  await context.close();

  context = await browser.newContext();
  ({ page, consoleLines, errors } = await openPage(context, `${base}disabled.html`));
  await page.waitForLoadState('load');
  await sleep(500);
  consoleReport.push(['disabled.html', consoleLines.slice(), errors.slice()]);
  const dis = await page.evaluate(() => ({ api: typeof window.HubSpotConversations, iframe: !!document.querySelector('iframe'),
    running: window.hubspot_live_messages_running }));
  check("disabled: disabledHsPopups=['LIVE_CHAT'] → no API object, no iframe, silent",
    dis.api === 'undefined' && !dis.iframe && dis.running === true && consoleLines.length === 0, { dis, consoleLines });
  await context.close();

  context = await browser.newContext();
  ({ page, consoleLines, errors } = await openPage(context, `${base}index.html?chat=none`));
  await page.waitForFunction(() => window.__simTest.initialized.length === 1);
  const none = await page.evaluate(() => ({ init: __simTest.initialized[0], iframe: !!document.querySelector('iframe'),
    last: hsSim.dispatched.at(-1) }));
  check('index?chat=none: initialized {messageWillRender:false}, widgetHidden emitted, no iframe',
    none.init.messageWillRender === false && !none.iframe && none.last && none.last.eventType === 'widgetHidden', none);
  await context.close();
}

// ---- diagnose.html: each Diagnostics case really fails (and its healthy counterpart works) -----

const resourceStatuses = () => performance.getEntriesByType('resource')
  .filter((e) => e.name.includes('/livechat-public/v1/message/public')).map((e) => e.responseStatus);
const chatMessages = (type) => window.__simTest.messages.map((m) => JSON.parse(m.data)).filter((m) => m.type === type).length;

// [query, check(result) → true | failure detail]; result = {seen, steps, requests (statuses),
// api ('absent'|'placeholder'|'ready'), iframe, loaded, open, usage, cookie, console, stored (store-messages-cookie posts), src}
const DIAGNOSE_CHECKS = [
  ['onready-not-run', 'assigned after the read: callbacks never run, the widget loads', (r) => r.seen.onReadyRuns === 0 && r.loaded],
  ['onready-not-run&variant=push', 'pushed after the read: never runs', (r) => r.seen.onReadyRuns === 0 && r.loaded],
  ['onready-not-run&variant=not-array', 'a function, not an array: never runs', (r) => r.seen.onReadyRuns === 0 && r.loaded],
  ['onready-not-run&healthy=1', 'assigned and pushed before the read: both run', (r) => r.seen.onReadyRuns === 2],
  ['onready-twice', 'on() in onReady on placeholder + loaded object: handler twice per event', (r) => r.seen.handlerCalls === 2 && r.seen.onReadyRuns === 2],
  ['onready-twice&healthy=1', 'onReady 3 times (placeholder, load, reset), handler once per event', (r) => r.seen.handlerCalls === 1 && r.seen.onReadyRuns === 3],
  ['settings-invalid', 'page error event "Script error.", no object, no onReady, no widget-data',
    (r) => same(r.seen.errors, ['Script error.']) && r.api === 'absent' && r.seen.onReadyRuns === 0 && r.requests.length === 0],
  ['load-never-called', 'placeholder only after 6 s: no widget-data, no iframe', (r) => r.api === 'placeholder' && r.requests.length === 0 && !r.iframe],
  ['load-never-called&healthy=1', 'load() after 1 s: the chat loads', (r) => r.loaded && r.requests.length === 1],
  ['inline-target-missing', 'messageWillRender:true, no iframe, status pending, refresh() after the element exists refused',
    (r) => same(r.seen.initialized, [true]) && same(r.seen.status, { loaded: false, pending: true }) && !r.iframe && r.requests.length === 1],
  ['inline-target-missing&healthy=1', 'inline iframe in #chat-here', (r) => r.loaded && r.inline],
  ['unknown-event-name', "on('conversationStrated') accepted, reported (track-api-usage), never fires", (r) => r.seen.handlerCalls === 0 && r.usage >= 2],
  ['unknown-event-name&variant=off', 'off() with another function removes nothing', (r) => r.seen.handlerCalls === 2],
  ['unknown-event-name&healthy=1', 'on() + off() with the same function: fired once', (r) => r.seen.handlerCalls === 1],
  ['throttle-collapsed', '3 refresh() in 200 ms → 2 requests, openToNewThread lost (chat stays closed)', (r) => r.seen.refreshRequests === 2 && !r.open],
  ['throttle-collapsed&variant=in-flight', 'refresh() while the first load is in flight: dropped (1 request)', (r) => r.requests.length === 1 && r.loaded],
  ['throttle-collapsed&healthy=1', 'refreshes 1.2 s apart: 2 requests, openToNewThread opens the chat', (r) => r.seen.refreshRequests === 2 && r.open],
  ['spa-no-refresh', 'pushState without refresh(): no new widget-data request, widget stays', (r) => r.requests.length === 1 && r.loaded],
  ['spa-no-refresh&healthy=1', 'pushState + refresh(): a new request', (r) => r.requests.length === 2],
  ['no-chat-on-page', 'widget-data 204 (resource timing responseStatus), messageWillRender:false, no iframe',
    (r) => same(r.requests, [204]) && same(r.seen.initialized, [false]) && !r.iframe],
  ['no-chat-on-page&variant=hidden', 'HIDE_WIDGET: messageWillRender:false, no iframe', (r) => same(r.requests, [200]) && same(r.seen.initialized, [false]) && !r.iframe],
  ['no-chat-on-page&variant=disabled', "disabledHsPopups: messageWillRender:false, no request, no object",
    (r) => r.requests.length === 0 && same(r.seen.initialized, [false]) && r.api === 'absent'],
  ['no-chat-on-page&variant=tojson', 'Array.prototype.toJSON: messageWillRender:false, no request', (r) => r.requests.length === 0 && same(r.seen.initialized, [false])],
  ['duplicate-loader', 'two portals: one loader, one widget (first portal script to run wins)',
    (r) => ['12345', '67890'].includes(r.seen.portal) && r.loaders === 1 && r.requests.length === 1],
  ['duplicate-loader&variant=twice', 'bundle twice: duplicate warning, one widget',
    (r) => r.console.filter((l) => l === 'warning: duplicate instance of live chat exists on page').length === 1 && r.requests.length === 1],
  ['duplicate-loader&healthy=1', 'same portal twice: no warning, one widget',
    (r) => !r.console.some((l) => l.includes('duplicate instance')) && r.requests.length === 1 && r.loaded],
  ['identification', 'set after the object exists: neither request (initial, refresh) has email=/identificationToken=',
    (r) => r.seen.urls.length === 2 && r.seen.urls.every((u) => !u.includes('email=') && !u.includes('identificationToken='))],
  ['identification&variant=token-only', 'token without email sent as is', (r) => r.seen.urls.length === 1 && r.seen.urls[0].includes('identificationToken=') && !r.seen.urls[0].includes('email=')],
  ['identification&healthy=1', 'both in the widget-data URL', (r) => r.seen.urls[0].includes('email=visitor%40example.test') && r.seen.urls[0].includes('identificationToken=')],
  ['call-before-iframe', "open() between insertion and load: lost (chat closed), Chromium's postMessage warning",
    (r) => !r.open && r.console.some((l) => l.includes("Failed to execute 'postMessage'"))],
  ['call-before-iframe&healthy=1', 'open() in onReady before the iframe: queued and delivered (chat open)', (r) => r.open],
  ['cookies-cannot-persist', 'store-messages-cookie posted, no messagesUtk cookie', (r) => r.stored >= 1 && !r.cookie],
  ['cookies-cannot-persist&variant=opt-out', '__hs_opt_out=yes → globalCookieOptOut=yes in the chat iframe URL', (r) => r.src.includes('globalCookieOptOut=yes')],
  ['cookies-cannot-persist&healthy=1', 'http localhost: messagesUtk stored', (r) => r.stored >= 1 && r.cookie],
  ['csp-blocked', 'connect-src: violation, "Initial messages API call failed", messageWillRender:false',
    (r) => r.seen.violations.some((v) => v.directive === 'connect-src' && v.blocked.includes('/livechat-public/')) &&
      r.console.includes('error: Initial messages API call failed') && same(r.seen.initialized, [false]) && !r.iframe],
  ['csp-blocked&variant=script', 'script-src: the bundle blocked, no object', (r) => r.seen.violations.some((v) => v.directive.startsWith('script-src') && v.blocked.includes('conversations-embed.js')) && r.api === 'absent'],
  ['csp-blocked&variant=frame', 'frame-src: the iframe still fires load, never posts', (r) => r.seen.violations.some((v) => v.directive === 'frame-src') && r.loaded && r.stored === 0],
  ['csp-blocked&healthy=1', 'widget-data allowed: no violation, the chat loads', (r) => r.seen.violations.length === 0 && r.loaded],
  ['onready-overwritten', 'second assignment drops the first callback', (r) => r.seen.firstRuns === 0 && r.seen.secondRuns === 1],
  ['onready-overwritten&healthy=1', 'push: both run', (r) => r.seen.firstRuns === 1 && r.seen.secondRuns === 1],
  ['loader-blocked', 'type="text/plain": no request, no object, only the element', (r) => r.api === 'absent' && r.requests.length === 0 && r.plainScript],
  ['loader-reinserted', 'duplicate warning, nothing reloads (1 object, 1 request)',
    (r) => r.console.includes('warning: duplicate instance of live chat exists on page') && r.generation === 1 && r.requests.length === 1],
  ['stale-placeholder', 'cached placeholder warns after the real object exists, its load() fetches widget-data again',
    (r) => r.console.some((l) => l.startsWith('warning: loadImmediately is set to false and widget.load() has not been called')) && r.requests.length === 2],
  ['stale-placeholder&healthy=1', 'always the current object: no warning, one request', (r) => !r.console.some((l) => l.includes('loadImmediately is set to false')) && r.requests.length === 1],
  ['listeners-lost-after-reset', 'on() outside onReady is silent after the reset', (r) => r.seen.handlerCalls === 0],
  ['listeners-lost-after-reset&healthy=1', 'on() in onReady keeps firing after the reset', (r) => r.seen.handlerCalls === 1],
  ['settings-unknown-key', 'loadImmedietly ignored: the real object at once, chat loaded', (r) => r.api === 'ready' && r.loaded],
];

async function runDiagnoseCase(browser, base, query) {
  const context = await browser.newContext();
  try {
    const host = query.startsWith('cookies-cannot-persist') ? base.replace('localhost', '127.0.0.1') : base;
    const { page, consoleLines, errors } = await openPage(context, `${host}diagnose.html?case=${query}`);
    await page.waitForFunction(() => window.diagnoseCase && window.diagnoseCase.done, null, { timeout: 30000 });
    const r = await page.evaluate(([statuses, messages]) => {
      const st = window.hsSim.state();
      const frame = document.querySelector('#hubspot-conversations-iframe, #hubspot-conversations-inline-iframe');
      return {
        seen: window.diagnoseCase.seen, steps: window.diagnoseCase.steps,
        requests: (0, eval)(statuses)(), api: st ? st.api : 'absent', generation: st ? st.generation : 0,
        iframe: !!frame, src: frame ? frame.src : '', loaded: !!(st && st.loaded), inline: !!(st && st.inline),
        open: document.documentElement.classList.contains('hs-messages-widget-open'),
        stored: (0, eval)(messages)('store-messages-cookie'),
        loaders: document.querySelectorAll('#hubspot-messages-loader').length,
        plainScript: !!document.querySelector('script[type="text/plain"][src*="hs-scripts"]'),
      };
    }, [resourceStatuses.toString(), chatMessages.toString()]);
    r.usage = await page.evaluate(() => window.hsSim.usageCount());
    r.console = consoleLines.filter((l) => !l.startsWith('log: case:'));
    r.errors = errors;
    r.cookie = (await context.cookies()).some((c) => c.name === 'messagesUtk' && /^[0-9a-f]{32}$/.test(c.value));
    return r;
  } finally {
    await context.close();
  }
}

async function testDiagnose(browser, base) {
  const queue = DIAGNOSE_CHECKS.slice();
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [query, what, ok] = item;
      let result;
      try {
        result = await runDiagnoseCase(browser, base, query);
      } catch (e) {
        check(`diagnose ${query}: ${what}`, false, String(e && e.message || e));
        continue;
      }
      check(`diagnose ${query}: ${what}`, ok(result), { seen: result.seen, requests: result.requests, api: result.api,
        loaded: result.loaded, open: result.open, console: result.console, errors: result.errors });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

// ---- another host name mapped to loopback: cookie domain attribute -----------------------------

async function testMappedHost(chromium, port) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: [...ARGS, '--host-resolver-rules=MAP www.shop.example.test 127.0.0.1'],
  });
  try {
    const context = await browser.newContext();
    const { page } = await openPage(context, `http://www.shop.example.test:${port}/index.html`);
    await page.evaluate(() => hsSim.ready());
    const frameSrc = await page.evaluate(() => document.getElementById('hubspot-conversations-iframe').src);
    const utk = (await hubspotCookies(context)).messagesUtk;
    check('mapped host: iframe on 127.0.0.1, messagesUtk cookie with domain=.shop.example.test',
      frameSrc.startsWith(`http://127.0.0.1:${port}/`) && utk && utk.domain === '.shop.example.test', { frameSrc, utk });
    await context.close();
  } finally {
    await browser.close();
  }
}

// ---- main -------------------------------------------------------------------------------------

const chromium = await loadPlaywright();
await waitForChromium();
const server = await startServer({ port: 0 });
const base = server.url;
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const only = process.env.SELFTEST_ONLY; // e.g. SELFTEST_ONLY=testDiagnose
  for (const t of [testIndex, testDeferred, testInline, testLate, testSpa, testInvalid, testQuietPages, testDiagnose]) {
    if (only && t.name !== only) continue;
    try {
      await t(browser, base, server.port);
    } catch (e) {
      check(`${t.name} finished without an exception`, false, String(e && e.stack || e));
    }
  }
  if (!only) try {
    await testMappedHost(chromium, server.port);
  } catch (e) {
    check('testMappedHost finished without an exception', false, String(e && e.stack || e));
  }
} finally {
  if (browser) await browser.close();
  await server.close();
}

console.log('\nConsole output of normal page loads:');
for (const [name, lines, errors] of consoleReport) {
  console.log(`  ${name}:`);
  for (const l of lines) console.log(`    ${l}`);
  for (const e of errors) console.log(`    pageerror: ${e}`);
  if (!lines.length && !errors.length) console.log('    (nothing)');
}
const failed = results.filter((r) => !r.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
