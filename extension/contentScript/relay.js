// Chat Widget Inspector: relay (ISOLATED world content script at document_idle, or injected by the
// background). A pipe of JSON text: the page hook's batches (docs/protocol.md §1–2) go to the
// background on the "relay" port (§3); the background's commands (§5, tabs.sendMessage to frame 0)
// go to the hook unchanged (the hook validates them).
(() => {
  'use strict';
  const FACTS = /*facts*/{"version":1,"pageEvent":"hubspot-chat-inspector:page","relayEvent":"hubspot-chat-inspector:relay","maxBatchBytes":1048576,"maxCommandChars":4096}/*end facts*/;
  const { version, pageEvent, relayEvent, maxBatchBytes, maxCommandChars } = FACTS;
  const KEY = '__chatWidgetInspectorRelay';
  const MAX_KEPT = 1000, MAX_KEPT_CHARS = 8 << 20;
  const REHELLO_DELAYS = [250, 500, 1000, 2000, 4000, 8000]; // after no_hook, until a hook answers
  // A hook that answered another relay before (the extension was reloaded) re-sends its state to this one.
  const HELLO = JSON.stringify({ v: version, type: 'hello', relay: relayId() }), NO_HOOK = JSON.stringify({ v: version, type: 'no_hook' });
  function relayId() {
    const words = new Uint32Array(2);
    try { crypto.getRandomValues(words); } catch { words[0] = Math.random() * 2 ** 32; words[1] = Math.random() * 2 ** 32; }
    return Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
  }
  const attempt = (fn) => { try { fn(); } catch { /* the extension context may be gone */ } };

  // Double-init guard. A relay orphaned by an extension reload reports itself dead: replace it.
  try { if (typeof globalThis[KEY] === 'function' && globalThis[KEY]()) return; } catch { /* replace it */ }
  let runtime;
  try { runtime = chrome.runtime; if (!runtime?.id) return; } catch { return; }

  let port = null, timer = 0, delay = 100, dead = false, frozen = false; // frozen: in the bfcache
  let nextBatch = 1, kept = [], keptChars = 0;   // kept: unacknowledged batches, oldest first
  let pageEvents = 0;                            // batches seen: did the hook answer a dispatch?
  let noHookSent = false, noHookPending = false, rehellos = 0;

  const alive = () => { try { return !dead && !!runtime.id; } catch { return false; } };
  try { Object.defineProperty(globalThis, KEY, { value: alive, configurable: true, writable: true }); } catch { return; }

  // Still the relay of this page and of a living extension? Otherwise stop for good.
  function usable() {
    if (globalThis[KEY] === alive && alive()) return true;
    stop();
    return false;
  }

  function stop() {
    dead = true;
    attempt(() => {
      document.removeEventListener(pageEvent, onPage);
      removeEventListener('pagehide', onHide, true);
      removeEventListener('pageshow', onShow, true);
    });
    attempt(() => runtime.onMessage.removeListener(onCommand));
    dropPort();
  }

  function dropPort() { const p = port; port = null; attempt(() => p?.disconnect()); }

  function onPage(event) {
    if (!usable()) return;
    pageEvents++;
    let data;
    try { data = event.detail; } catch { return; }   // Firefox: a page object we may not read
    if (typeof data !== 'string' || data.length > maxBatchBytes) return;
    const text = JSON.stringify({ v: version, type: 'page', batch: nextBatch, data });
    kept.push({ batch: nextBatch++, text });
    keptChars += text.length;
    while (kept.length > MAX_KEPT || keptChars > MAX_KEPT_CHARS) keptChars -= kept.shift().text.length;
    send(text);
  }

  // Posts on the open port (true when it did); without a port, connect() sends all that waits.
  function send(text) {
    if (frozen || dead) return false;
    if (!port) { if (!timer) connect(); return false; }
    try { port.postMessage(text); return true; } catch { lost(); return false; }
  }

  function connect() {
    timer = 0;
    if (port || frozen || dead) return;
    if (!alive()) return stop();                     // extension reloaded or uninstalled
    let p;
    try { p = runtime.connect({ name: 'relay' }); } catch { return retry(); }
    port = p;
    p.onMessage.addListener((text) => { if (p === port) onBackground(text); });
    p.onDisconnect.addListener(() => {
      attempt(() => void runtime.lastError);         // read to silence "unchecked lastError"
      if (port === p) { port = null; retry(); }
    });
    try {
      for (const { text } of kept) p.postMessage(text);   // in order
      if (noHookPending) { p.postMessage(NO_HOOK); noHookPending = false; }
    } catch { lost(); }
  }

  function lost() { dropPort(); retry(); }

  // Reconnect with backoff, but only while something waits: an idle tab does not wake the worker.
  function retry() {
    if (timer || frozen || dead || (!kept.length && !noHookPending)) return;
    if (!alive()) return stop();
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 2000);
  }

  function onBackground(text) {
    let message;
    try { message = typeof text === 'string' ? JSON.parse(text) : null; } catch { return; }
    if (message?.v !== version) return;
    if (message.type === 'ack' && typeof message.batch === 'number') acknowledge(message.batch);
    else if (message.type === 'hello') sayHello();  // the background injected hook.js: ask it again
  }

  function acknowledge(batch) {
    delay = 100;
    let n = 0;
    while (n < kept.length && kept[n].batch <= batch) keptChars -= kept[n++].text.length;
    kept.splice(0, n);
  }

  // True iff the hook answered `detail` with a batch during the dispatch (it answers synchronously).
  function hookAnswers(detail) {
    const before = pageEvents;
    try { document.dispatchEvent(new CustomEvent(relayEvent, { detail })); } catch { /* no answer */ }
    return pageEvents !== before;
  }

  function sayHello() {
    if (!usable() || hookAnswers(HELLO)) return;
    if (!noHookSent) {
      noHookSent = noHookPending = true;
      if (send(NO_HOOK)) noHookPending = false;
    }
    if (rehellos < REHELLO_DELAYS.length) setTimeout(() => { if (!pageEvents) sayHello(); }, REHELLO_DELAYS[rehellos++]);
  }

  // A panel's command from this extension's background (no sender.tab: not a content script). The
  // answer tells the background whether a hook took it; no answer at all: refused, or no relay.
  function onCommand(text, sender, sendResponse) {
    if (!sender || sender.id !== runtime.id || sender.tab) return;
    if (typeof text !== 'string' || text.length > maxCommandChars) return;
    if (usable()) sendResponse(hookAnswers(text));
  }

  // bfcache: the browser closes the port when the page is hidden; reconnect and resend on return,
  // and say hello so the background learns this document is shown again.
  function onHide(event) {
    if (!event.persisted) return;
    frozen = true;
    dropPort();
  }

  function onShow(event) {
    if (!event.persisted || !frozen) return;
    frozen = false;
    delay = 100;
    if (kept.length || noHookPending) connect();
    sayHello();
  }

  attempt(() => {
    document.addEventListener(pageEvent, onPage);
    addEventListener('pagehide', onHide, true);
    addEventListener('pageshow', onShow, true);
    sayHello();
  });
  attempt(() => runtime.onMessage.addListener(onCommand));
})();
