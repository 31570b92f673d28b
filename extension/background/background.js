// Service worker (Chrome) / event page (Firefox) shim around the Rust hub.
// Listeners are registered synchronously at top level so a stopped worker is woken by them;
// work waits for the wasm hub, restored from storage.session, and runs strictly in order.
import init, { BackgroundHub } from '../pkg/chat_widget_inspector.js';
import { listCookies, removeCookies, watchCookies } from './cookies.js';

const EXTENSION_ORIGIN = chrome.runtime.getURL('');
const panelTabs = new Map(); // panel port -> subscribed tab id (or null)

let hub = null;
const ready = (async () => {
  await init({ module_or_path: chrome.runtime.getURL('pkg/chat_widget_inspector_bg.wasm') });
  const stored = await chrome.storage.session.get(null);
  hub = new BackgroundHub(JSON.stringify(stored));
})();

let queue = Promise.resolve();
function enqueue(task) {
  queue = queue
    .then(() => ready)
    .then(task)
    .catch((error) => console.error('[Chat Widget Inspector]', error));
}

function post(port, message) {
  try {
    port.postMessage(message);
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

async function apply(effectsJson, port) {
  for (const effect of JSON.parse(effectsJson)) {
    switch (effect.type) {
      case 'store':
        await chrome.storage.session.set(effect.items).catch((error) =>
          console.warn('[Chat Widget Inspector] storage.session.set failed:', error?.message));
        break;
      case 'remove':
        await chrome.storage.session.remove(effect.keys).catch(() => {});
        break;
      case 'to_panels':
        for (const [panel, tab] of panelTabs) if (tab === effect.tab) post(panel, effect.message);
        break;
      case 'reply':
        post(port, effect.message);
        break;
      case 'subscribed':
        panelTabs.set(port, effect.tab);
        break;
      case 'ack_relay':
        post(port, { v: 1, type: 'ack', batch: effect.batch });
        break;
      case 'to_relay': {
        // The relay keeps its port open only while batches wait for an ack: commands go by
        // tabs.sendMessage to the top frame's relay, which answers {delivered} once the hook took
        // it. No receiver (rejects) or no hook: a call is logged as not delivered. Not awaited
        // here: a page busy in the call (an alert()) must not hold up every other tab's messages.
        const { tab, call, message } = effect;
        (async () => {
          let delivered = false;
          try {
            const reply = await chrome.tabs.sendMessage(tab, JSON.parse(message), { frameId: 0 });
            delivered = reply?.delivered === true;
          } catch {
            // no relay in the tab's top frame (a page we may not script, or loaded before install)
          }
          if (!delivered && call) enqueue(() => apply(hub.call_undelivered(tab, BigInt(call.id), call.method), null));
        })();
        break;
      }
      case 'list_cookies':
        // Cookie changes elsewhere ask for every tab that sees them; only watched tabs need it
        // (a panel that opens asks for a fresh listing itself).
        if (![...panelTabs.values()].includes(effect.tab)) break;
        await apply(hub.cookies_listed(effect.tab, await listCookies(effect.tab, effect.url)), port);
        break;
      case 'remove_cookies':
        await removeCookies(effect.cookies);
        break;
      case 'inject_relay':
        await inject(effect.tab, 'contentScript/relay.js', 'ISOLATED');
        break;
      case 'inject_hook':
        if (await inject(effect.tab, 'pageScript/hook.js', 'MAIN')) post(port, { v: 1, type: 'hello' });
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
    port.onMessage.addListener((message) =>
      enqueue(() => apply(hub.relay_message(tab, JSON.stringify(message)), port)));
  } else if (port.name === 'panel') {
    if (!(sender.url ?? '').startsWith(EXTENSION_ORIGIN)) return port.disconnect();
    panelTabs.set(port, null);
    port.onDisconnect.addListener(() => panelTabs.delete(port));
    port.onMessage.addListener((message) => {
      if (typeof message !== 'string') return;
      enqueue(() => apply(hub.panel_message(panelTabs.get(port) ?? undefined, message), port));
    });
  } else {
    port.disconnect();
  }
});

watchCookies((cookie) => enqueue(() => apply(hub.cookie_changed(JSON.stringify(cookie)), null)));

chrome.tabs.onRemoved.addListener((tabId) => enqueue(() => apply(hub.tab_removed(tabId), null)));
