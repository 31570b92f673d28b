// Service worker (Chrome) / event page (Firefox) shim around the Rust hub (src/core/hub/): it only
// calls browser APIs. Every decision (who watches which tab, what is stored, what the relay and
// the panels are told, when cookies are listed) is the hub's, returned as effects carried out in
// order. Listeners are registered synchronously at top level so a stopped worker is woken by them.
import init, { BackgroundHub } from '../pkg/background.js';
import { cookieListener, listCookies, removeCookies } from './cookies.js';
import { FairQueue } from './fair-queue.js';

const FACTS = /*facts*/{"discoveryScript":"discovery","hubspotSeen":"{\"v\":1,\"type\":\"hubspot_seen\"}"}/*end facts*/;
const EXTENSION_ORIGIN = chrome.runtime.getURL('');
const panels = new Map(); // the hub's port id -> { port, lane, inFlight (sizes), inFlightChars, backlog, backlogChars }
const panelIds = new WeakMap(); // panel port -> the hub's port id
let nextPanelId = 1;
// What a panel port is sent waits while the panel is busy with earlier updates: at most
// PANEL_WINDOW messages and PANEL_WINDOW_CHARS (one message at least) are on their way to (or
// being handled by) a panel, which reports each one handled and rendered (`received`, from
// port.js). So the updates of a flooding tab never fill the browser's pipes ahead of another
// tab's (every panel shares the extension's renderer thread), and a panel handed several at once
// renders them once (port.js: one render per frame). A panel more than PANEL_BACKLOG_CHARS behind
// is reset: its port is closed, it reconnects and is sent a snapshot of its tab (what it missed is
// in the hub's log, or counted as dropped there).
const RECEIVED = '{"v":1,"type":"received"}';
const PANEL_WINDOW = 4;
const PANEL_WINDOW_CHARS = 256 << 10;
const PANEL_BACKLOG_CHARS = 4 << 20;

let hub = null;
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('pkg/background_bg.wasm') });
  const stored = await chrome.storage.session.get(null);
  hub = new BackgroundHub(JSON.stringify(stored));
})();

let queue = Promise.resolve();
const inputs = new FairQueue();
const BACKGROUND = 'background'; // the lane of the background's own follow-ups
const RELAY_QUEUE_CHARS = 4 << 20; // relay messages queued per tab, in characters (oldest dropped)

function schedule() {
  queue = queue
    .then(() => ready)
    .then(() => {
      const next = inputs.take();
      if (next) return apply(next.call(), next.port);
    })
    .catch((error) => console.error('[Chat Widget Inspector]', error));
}

/** Hands `call` (a hub method returning effects) to the hub when `source`'s turn comes. */
function run(source, call, port = null) {
  inputs.push(source, { call, port });
  schedule();
}

function fromRelay(tab, url, text, port) {
  const item = { call: () => hub.relay_message(tab, url, text, Date.now()), port };
  const dropped = inputs.push(tab, item, { size: text.length, maxSize: RELAY_QUEUE_CHARS });
  schedule();
  for (let n = 0; n < dropped; n++) run(BACKGROUND, () => hub.relay_overflow(tab));
  badgeSoon(tab);
}

// ---- The toolbar action (README "Toolbar button"): the hub says which badge a tab shows; asked
// BADGE_DELAY after a tab's relay messages (at most one diagnosis per tab per delay, even in a
// flood), after the probe of a loaded page, and when a diagnostics grace period ends.
const BADGE_DELAY = 250;
const badgeTimers = new Map(); // tab -> timeout

function badgeSoon(tab, delay = BADGE_DELAY) {
  if (badgeTimers.has(tab)) return;
  badgeTimers.set(tab, setTimeout(() => {
    badgeTimers.delete(tab);
    run(tab, () => hub.badge(tab, Date.now()));
  }, delay));
}

const rechecks = new Map(); // tab -> timeout of the latest recheck asked for
const drains = new Map(); // tab -> timeout of the next sample of a tab no panel watches
function at(map, tab, when, then) {
  clearTimeout(map.get(tab));
  map.delete(tab);
  if (when !== null) map.set(tab, setTimeout(() => { map.delete(tab); then(); }, Math.max(0, when - Date.now())));
}
async function setBadge({ tab, text, color, title, recheck_at, drain_at }) {
  at(rechecks, tab, recheck_at === null ? null : recheck_at + 50, () => badgeSoon(tab, 0));
  at(drains, tab, drain_at, () => run(tab, () => hub.drain(tab, Date.now())));
  try {
    await Promise.all([
      chrome.action.setBadgeText({ tabId: tab, text }),
      chrome.action.setBadgeBackgroundColor({ tabId: tab, color }),
      chrome.action.setBadgeTextColor?.({ tabId: tab, color: '#ffffff' }),
      chrome.action.setTitle({ tabId: tab, title }),
    ]);
  } catch {
    // the tab closed meanwhile
  }
}

// The probe: DOM facts of a loaded page's top document, read in the extension's ISOLATED world
// (the page sees nothing: no call of a page function, no event, no global). Self-contained: the
// browser sends its source. docs/protocol.md §7.
function probePage() {
  const chat = '#hubspot-conversations-iframe, #hubspot-conversations-inline-iframe, #hubspot-messages-iframe-container';
  const scripts = '#hubspot-messages-loader, #hs-script-loader, script[src*="hs-scripts.com/"], ' +
    'script[src*="usemessages.com/"], script[src*="/conversations-embed.js"]';
  const loader = document.getElementById('hubspot-messages-loader');
  const embed = document.querySelector(scripts);
  const iframe = document.querySelector(chat);
  const portalOf = (script) =>
    script?.getAttribute('data-hsjs-portal') || /\/(\d+)\.js(?:[?#]|$)/.exec(script?.getAttribute('src') ?? '')?.[1] || null;
  return {
    time_origin: performance.timeOrigin,
    found: !!(embed || iframe),
    portal: portalOf(loader) ?? portalOf(embed),
    iframe: !!iframe,
  };
}

async function probe(tab) {
  let facts = null;
  try {
    const [result] = await chrome.scripting.executeScript({ target: { tabId: tab, frameIds: [0] }, func: probePage, world: 'ISOLATED' });
    facts = result?.result ?? null;
  } catch {
    // a page we may not script, or a closed tab
  }
  run(tab, () => hub.probe_result(tab, JSON.stringify(facts), Date.now()));
}

function toPanel(id, message) {
  const panel = panels.get(id);
  if (!panel) return;
  if (!panel.backlog.length && panelCanTake(panel, message)) return sendToPanel(panel, message);
  panel.backlog.push(message);
  panel.backlogChars += message.length;
  if (panel.backlogChars > PANEL_BACKLOG_CHARS) {
    panelGone(id);
    panel.port.disconnect();
  }
}

function panelReceived(id) {
  const panel = panels.get(id);
  if (!panel) return;
  panel.inFlightChars -= panel.inFlight.shift() ?? 0;
  while (panel.backlog.length && panelCanTake(panel, panel.backlog[0])) {
    const message = panel.backlog.shift();
    panel.backlogChars -= message.length;
    sendToPanel(panel, message);
  }
}

const panelCanTake = (panel, message) => !panel.inFlight.length
  || (panel.inFlight.length < PANEL_WINDOW && panel.inFlightChars + message.length <= PANEL_WINDOW_CHARS);

function sendToPanel(panel, message) {
  panel.inFlight.push(message.length);
  panel.inFlightChars += message.length;
  post(panel.port, message);
}

function panelGone(id) {
  const panel = panels.get(id);
  if (!panel) return;
  panels.delete(id);
  run(panel.lane, () => hub.panel_disconnected(id));
}

function post(port, message) {
  try {
    port?.postMessage(message);
  } catch {
    // The port closed meanwhile; its owner reconnects and is replayed from storage.
  }
}

async function inject(tabId, file, world) {
  try {
    await chrome.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [file], world });
    return true;
  } catch {
    return false; // a page we may not script (browser pages, the store, a closed tab)
  }
}

// Commands go by tabs.sendMessage to the top frame's relay, which answers true once a hook took
// it. Not awaited: a page busy in the call (an alert()) must not hold up every other message.
async function sendToRelay(tab, command, call) {
  let delivered = false;
  try {
    delivered = (await chrome.tabs.sendMessage(tab, command, { frameId: 0 })) === true;
  } catch {
    // no relay in the tab's top frame (a page we may not script, or loaded before install)
  }
  if (call !== null) run(BACKGROUND, () => hub.relay_delivery(tab, call, delivered));
}

// Storage writes, per tab: at most one in flight, and what the hub asks to store or remove
// meanwhile merges into the tab's next write (a later value of a key replaces the earlier one).
// Nobody waits for a write but the acks: a flooding tab's writes never hold up another tab, and
// under a flood a tab's writes coalesce. A write's `done` is true when it succeeded and so did every
// earlier write of the tab, back to its last full rewrite (`confirm`: the hub rewrites everything
// after a failure), so an ack still means "this batch and everything before it is stored".
// A tab's writes also start at least WRITE_SPACING_MS apart: in a flood, what comes meanwhile
// merges into one write (a log chunk still filling is written once, not once per batch), and the
// browser's process, which also carries the page's messages, stores a few large writes instead of
// one per batch (README "Page cost"). An ack waits for its write, so a relay keeps a batch at most
// that much longer; a worker stopped meanwhile loses nothing (the relay sends it again).
const WRITE_SPACING_MS = 50;
const writes = new Map(); // tab -> { next, running, last }: the write being gathered, one in flight, the latest done

function writeOf(tab) {
  let w = writes.get(tab);
  if (!w) writes.set(tab, (w = { next: null, running: false, last: Promise.resolve(true) }));
  if (!w.next) {
    let resolve;
    const done = new Promise((r) => (resolve = r));
    w.next = { tab, items: {}, removes: new Set(), stores: false, confirm: false, done, resolve, after: w.last };
    w.last = done;
  }
  return w.next;
}

const tabOfKey = (key) => Number(/^tab:(-?\d+):/.exec(key)?.[1] ?? NaN);

async function startWrite(tab) {
  const w = writes.get(tab);
  if (!w || w.running || !w.next) return;
  const op = w.next;
  w.next = null;
  w.running = true;
  const started = performance.now();
  let ok = true;
  if (op.removes.size) await chrome.storage.session.remove([...op.removes]).catch(() => {});
  if (op.stores) {
    try {
      await chrome.storage.session.set(op.items);
    } catch (error) {
      ok = false;
      console.warn('[Chat Widget Inspector] storage.session.set failed:', error?.message);
    }
    if (!ok || op.confirm) run(BACKGROUND, () => hub.store_result(tab, ok));
  }
  setTimeout(() => {
    w.running = false;
    startWrite(tab);
  }, started + WRITE_SPACING_MS - performance.now());
  op.resolve(ok && (op.confirm || (await op.after)));
}

// `out` is `[list, ...texts]` (src/core/hub/shim.rs): the effects as JSON, whose stored values,
// messages and commands are indexes into `out`, each text passed as it is (never escaped again).
async function apply(out, port) {
  const written = new Set(); // the writes this list's stores went into: an ack waits for them
  for (const effect of JSON.parse(out[0])) {
    switch (effect.type) {
      case 'store': {
        const op = writeOf(effect.tab);
        for (const [key, text] of Object.entries(effect.items)) {
          op.items[key] = out[text];
          op.removes.delete(key);
        }
        op.stores = true;
        op.confirm ||= effect.confirm;
        written.add(op);
        break;
      }
      case 'remove':
        for (const key of effect.keys) {
          const op = writeOf(tabOfKey(key));
          delete op.items[key];
          op.removes.add(key);
          written.add(op);
        }
        break;
      case 'to_panels':
        for (const id of effect.ports) toPanel(id, out[effect.message]);
        break;
      case 'reply':
        if (panelIds.has(port)) toPanel(panelIds.get(port), out[effect.message]);
        else post(port, out[effect.message]);
        break;
      case 'ack': {
        const waits = [...written].filter((op) => op.stores).map((op) => op.done);
        Promise.all(waits).then((results) => results.every(Boolean) && post(port, out[effect.message]));
        break;
      }
      case 'to_relay':
        sendToRelay(effect.tab, out[effect.command], effect.call);
        break;
      case 'list_cookies': {
        const answer = await listCookies(effect.tab, effect.url, effect.domains);
        await apply(hub.cookies_listed(effect.tab, answer), port);
        break;
      }
      case 'remove_cookies':
        await removeCookies(effect.cookies);
        break;
      case 'inject_relay':
        await inject(effect.tab, 'contentScript/relay.js', 'ISOLATED');
        break;
      case 'inject_hook':
        if (await inject(effect.tab, 'pageScript/hook.js', 'MAIN')) post(port, out[effect.then_reply]);
        break;
      case 'warn':
        console.warn('[Chat Widget Inspector]', effect.message);
        break;
      case 'probe':
        probe(effect.tab); // not awaited: its answer comes back through the tab's lane
        break;
      case 'badge':
        setBadge(effect);
        break;
    }
  }
  for (const op of written) startWrite(op.tab);
  listenWhile(chrome.tabs.onUpdated, onTabUpdated, hub.follows_tabs());
  listenWhile(chrome.cookies.onChanged, onCookieChanged, hub.watches_cookies());
}

// Listeners the hub needs only at times (Hub::follows_tabs, Hub::watches_cookies). Each is added
// at top level, so that a stopped worker woken for it gets the event; once the hub says it is not
// needed it is removed, and the browser then wakes the background for no page's navigation or
// cookie write (README "Page cost").
function listenWhile(event, listener, wanted) {
  if (wanted === event.hasListener(listener)) return;
  if (wanted) event.addListener(listener);
  else event.removeListener(listener);
}

chrome.runtime.onConnect.addListener((port) => {
  const sender = port.sender ?? {};
  if (sender.id !== chrome.runtime.id) return port.disconnect();
  if (port.name === 'relay') {
    const tab = sender.tab?.id;
    if (typeof tab !== 'number' || sender.frameId !== 0) return port.disconnect();
    // The page's URL as the BROWSER reports it: cookie operations never use the page's word.
    const url = typeof sender.url === 'string' ? sender.url : '';
    port.onMessage.addListener((text) => {
      if (typeof text === 'string') fromRelay(tab, url, text, port);
    });
  } else if (port.name === 'panel') {
    if (!(sender.url ?? '').startsWith(EXTENSION_ORIGIN)) return port.disconnect();
    const id = nextPanelId++;
    const lane = `panel:${id}`;
    panels.set(id, { port, lane, inFlight: [], inFlightChars: 0, backlog: [], backlogChars: 0 });
    panelIds.set(port, id);
    run(lane, () => hub.panel_connected(id));
    port.onDisconnect.addListener(() => panelGone(id));
    port.onMessage.addListener((text) => {
      if (text === RECEIVED) panelReceived(id);
      else if (typeof text === 'string') run(lane, () => hub.panel_message(id, text), port);
    });
  } else {
    port.disconnect();
  }
});

const onCookieChanged = cookieListener((changes) => run(BACKGROUND, () => hub.cookie_changed(JSON.stringify(changes))));
chrome.cookies.onChanged.addListener(onCookieChanged);

// In the tab's own lane: after its relay messages still waiting.
chrome.tabs.onRemoved.addListener((tabId) => {
  clearTimeout(badgeTimers.get(tabId));
  badgeTimers.delete(tabId);
  at(rechecks, tabId, null);
  at(drains, tabId, null);
  run(tabId, () => hub.tab_removed(tabId));
});
// A new document in a tab a panel watches gets a relay (the hub decides; no page gets one otherwise).
// A loaded web page that made one of HubSpot's requests is probed (the toolbar action's badge).
function onTabUpdated(tabId, change, tab) {
  if (change.status) run(tabId, () => hub.tab_loading(tabId, tab?.url ?? ''));
  if (change.status === 'loading') run(tabId, () => hub.tab_navigating(tabId));
  if (change.status === 'complete') run(tabId, () => hub.tab_complete(tabId, tab?.url ?? ''));
}
chrome.tabs.onUpdated.addListener(onTabUpdated);

// The open tabs at each start: at the first since the extension was loaded, their loads came before
// the background listened, and with "Find HubSpot on every tab" on (the popup's switch: the
// discovery content script registered) the hub probes them once (Hub::worker_started).
Promise.all([
  chrome.tabs.query({}),
  chrome.scripting.getRegisteredContentScripts({ ids: [FACTS.discoveryScript] }).catch(() => []),
]).then(([tabs, discovery]) => {
  const open = JSON.stringify(tabs.map(({ id, url, status }) => ({ id, url: url ?? '', status: status ?? '' })));
  run(BACKGROUND, () => hub.worker_started(open, discovery.length > 0));
}, () => {});

// The discovery script (contentScript/discovery.js) saw HubSpot in a tab's top document: the
// tab is probed (now if loaded, else at its `complete`; Hub::hubspot_seen).
// The popup (popup.html, an extension page) asks what is known of its tab: text in, text out.
chrome.runtime.onMessage.addListener((text, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  const tab = sender.tab?.id;
  if (tab !== undefined && tab >= 0 && sender.frameId === 0 && text === FACTS.hubspotSeen) {
    const complete = sender.tab.status === 'complete';
    run(tab, () => hub.hubspot_seen(tab, complete));
    return false;
  }
  if (!(sender.url ?? '').startsWith(EXTENSION_ORIGIN)) return false;
  if (typeof text !== 'string') return false;
  // The hub's answer is a `reply` effect, posted to this stand-in for a port.
  run(BACKGROUND, () => hub.action_asked(text, Date.now()), { postMessage: reply });
  return true;
});
