// Service worker (Chrome) / event page (Firefox) shim around the Rust hub (src/core/hub/): it only
// calls browser APIs. Every decision (who watches which tab, what is stored, what the relay and
// the panels are told, when cookies are listed) is the hub's, returned as effects carried out in
// order. Listeners are registered synchronously at top level so a stopped worker is woken by them.
import init, { BackgroundHub } from '../pkg/chat_widget_inspector.js';
import { listCookies, removeCookies, watchCookies } from './cookies.js';
import { FairQueue } from './fair-queue.js';

const EXTENSION_ORIGIN = chrome.runtime.getURL('');
const panels = new Map(); // the hub's port id -> panel port
let nextPanelId = 1;

let hub = null;
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('pkg/chat_widget_inspector_bg.wasm') });
  const stored = await chrome.storage.session.get(null);
  hub = new BackgroundHub(JSON.stringify(stored));
})();

let queue = Promise.resolve();
const inputs = new FairQueue();
const BACKGROUND = 'background'; // the lane of the background's own follow-ups
const RELAY_BOUND = 16; // relay messages queued per tab (a batch is at most 1 MiB)

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
  if (inputs.push(tab, { call: () => hub.relay_message(tab, url, text), port }, RELAY_BOUND)) schedule();
  else run(BACKGROUND, () => hub.relay_overflow(tab));
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
    await chrome.scripting.executeScript({ target: { tabId }, files: [file], world });
    return true;
  } catch {
    return false; // a page we may not script (browser pages, the store, a closed tab)
  }
}

// Commands go by tabs.sendMessage to the top frame's relay, which answers true once a hook took
// it. Not awaited: a page busy in the call (an alert()) must not hold up every other message.
async function sendToRelay({ tab, command, call }) {
  let delivered = false;
  try {
    delivered = (await chrome.tabs.sendMessage(tab, command, { frameId: 0 })) === true;
  } catch {
    // no relay in the tab's top frame (a page we may not script, or loaded before install)
  }
  if (call !== null) run(BACKGROUND, () => hub.relay_delivery(tab, call, delivered));
}

async function store({ tab, items, confirm }) {
  let ok = true;
  try {
    await chrome.storage.session.set(items);
  } catch (error) {
    ok = false;
    console.warn('[Chat Widget Inspector] storage.session.set failed:', error?.message);
  }
  if (!ok || confirm) run(BACKGROUND, () => hub.store_result(tab, ok));
  return ok;
}

async function apply(effectsJson, port) {
  let stored = true; // every store of this list so far succeeded: an ack means "stored"
  for (const effect of JSON.parse(effectsJson)) {
    switch (effect.type) {
      case 'store':
        stored = (await store(effect)) && stored;
        break;
      case 'remove':
        await chrome.storage.session.remove(effect.keys).catch(() => {});
        break;
      case 'to_panels':
        for (const id of effect.ports) post(panels.get(id), effect.message);
        break;
      case 'reply':
        post(port, effect.message);
        break;
      case 'ack':
        if (stored) post(port, effect.message);
        break;
      case 'to_relay':
        sendToRelay(effect);
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
        if (await inject(effect.tab, 'pageScript/hook.js', 'MAIN')) post(port, effect.then_reply);
        break;
      case 'warn':
        console.warn('[Chat Widget Inspector]', effect.message);
        break;
    }
  }
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
    panels.set(id, port);
    const lane = `panel:${id}`;
    run(lane, () => hub.panel_connected(id));
    port.onDisconnect.addListener(() => {
      panels.delete(id);
      run(lane, () => hub.panel_disconnected(id));
    });
    port.onMessage.addListener((text) => {
      if (typeof text === 'string') run(lane, () => hub.panel_message(id, text), port);
    });
  } else {
    port.disconnect();
  }
});

watchCookies((changes) => run(BACKGROUND, () => hub.cookie_changed(JSON.stringify(changes))));

// In the tab's own lane: after its relay messages still waiting.
chrome.tabs.onRemoved.addListener((tabId) => run(tabId, () => hub.tab_removed(tabId)));
