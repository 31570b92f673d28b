// Chat Widget Inspector: relay (ISOLATED world, injected by the background into the top frame of a tab a
// panel watches). A pipe of JSON text: the page hook's batches (docs/protocol.md §1–2) go to the
// background on the "relay" port (§3); the background's commands (§5, tabs.sendMessage to frame 0)
// go to the hook unchanged (the hook validates them).
(() => {
  'use strict';
  const FACTS = /*facts*/{"version":1,"pageEvent":"hubspot-chat-inspector:page","relayEvent":"hubspot-chat-inspector:relay","maxBatchBytes":1048576,"sliceChars":65536,"sliceRecords":100,"maxCommandChars":4096}/*end facts*/;
  const { version, pageEvent, relayEvent, maxBatchBytes, maxCommandChars, sliceChars: SLICE_CHARS, sliceRecords: SLICE_RECORDS } = FACTS;
  const KEY = '__chatWidgetInspectorRelay';
  const MAX_KEPT = 1000, MAX_KEPT_CHARS = 8 << 20;
  // Sent ahead of what the background has handled (`took`; one batch at least): a flooding page's batches
  // wait HERE, not in the browser's message pipes, where every other tab's messages would queue behind them.
  const WINDOW_BATCHES = 2, WINDOW_CHARS = 128 << 10;
  const REHELLO_DELAYS = [250, 500, 1000, 2000, 4000, 8000]; // after no_hook, until a hook answers
  // A hook that answered another relay before (the extension was reloaded) re-sends its state to this one.
  const HELLO = JSON.stringify({ v: version, type: 'hello', relay: relayId() }), NO_HOOK = JSON.stringify({ v: version, type: 'no_hook' });
  const HOOK_SILENT = JSON.stringify({ v: version, type: 'hook_silent' });
  function relayId() {
    const words = new Uint32Array(2);
    try { crypto.getRandomValues(words); } catch { words[0] = Math.random() * 2 ** 32; words[1] = Math.random() * 2 ** 32; }
    return Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
  }
  const attempt = (fn) => { try { fn(); } catch { /* the extension context may be gone */ } };

  // Only where the hook runs (its content script matches http and https): an injection asked for a
  // page may land in the document that replaced it (about:blank, a browser page).
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  // Double-init guard. A relay orphaned by an extension reload reports itself dead: replace it.
  try { if (typeof globalThis[KEY] === 'function' && globalThis[KEY]()) return; } catch { /* replace it */ }
  let runtime;
  try { runtime = chrome.runtime; if (!runtime?.id) return; } catch { return; }

  let port = null, timer = 0, delay = 100, dead = false, frozen = false; // frozen: in the bfcache
  let nextBatch = 1, kept = [], keptChars = 0;   // kept: batches not stored yet (no ack), oldest first
  let sent = 0, keptDropped = 0;                 // kept[0..sent) are sent on this port; records dropped unsent
  let handling = [], handlingChars = 0;          // sizes of the batches sent and not handled yet (no took)
  let pageEvents = 0;                            // batches seen: did the hook answer a dispatch?
  let noHookSent = false, noHookPending = false, rehellos = 0, silentSent = false;

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

  function dropPort() { const p = port; port = null; sent = 0; handling = []; handlingChars = 0; attempt(() => p?.disconnect()); }

  function onPage(event) {
    if (!usable()) return;
    pageEvents++;
    let data;
    try { data = event.detail; } catch { return; }   // Firefox: a page object we may not read
    if (typeof data !== 'string' || data.length > maxBatchBytes) return;
    for (const slice of slices(data)) {
      kept.push({ batch: nextBatch++, data: slice, text: null });
      keptChars += slice.length;
    }
    // Over the bound the oldest not sent yet go (those sent wait for their ack), counted: their
    // records are added to the `dropped` of the next batch sent.
    while ((kept.length > MAX_KEPT || keptChars > MAX_KEPT_CHARS) && kept.length > sent) {
      const [old] = kept.splice(sent, 1);
      keptChars -= old.data.length;
      keptDropped += recordCount(old.data);
    }
    pump();
  }

  function recordCount(data) {
    try { const records = JSON.parse(data)?.records; return Array.isArray(records) ? records.length : 0; } catch { return 0; }
  }

  // A kept batch's message, made when it is first sent: records dropped unsent before it are added to its `dropped`.
  function textOf(entry) {
    if (entry.text === null && keptDropped) {
      try {
        const batch = JSON.parse(entry.data);
        if (batch && typeof batch === 'object' && !Array.isArray(batch) && typeof batch.dropped === 'number') {
          batch.dropped += keptDropped;
          keptDropped = 0;
          keptChars -= entry.data.length;
          entry.data = JSON.stringify(batch);
          keptChars += entry.data.length;
        }
      } catch { /* not a batch: the background refuses it */ }
    }
    return (entry.text ??= JSON.stringify({ v: version, type: 'page', batch: entry.batch, data: entry.data }));
  }

  // Sends kept batches in order while fewer than the window are not handled yet on the port.
  function pump() {
    if (frozen || dead) return;
    if (!port) { if (!timer) connect(); return; }
    while (sent < kept.length && handling.length < WINDOW_BATCHES && (!handling.length || handlingChars + kept[sent].data.length <= WINDOW_CHARS)) {
      const entry = kept[sent];
      try { port.postMessage(textOf(entry)); } catch { lost(); return; }
      handling.push(entry.data.length);
      handlingChars += entry.data.length;
      sent++;
    }
  }

  // A batch over SLICE_CHARS goes to the background as several batches of the same document, each
  // at most SLICE_CHARS (or one record) and SLICE_RECORDS records, the page's `dropped` on the first:
  // the background then works on every tab in small turns (a 1 MiB batch would hold up every other
  // tab while it is decoded and stored). Text that is not a batch goes as it is (the background
  // refuses and counts it); each slice is validated on its own there.
  function slices(data) {
    if (data.length <= SLICE_CHARS) return [data];
    let batch;
    try { batch = JSON.parse(data); } catch { return [data]; }
    const records = batch?.records;
    if (!Array.isArray(records) || records.length < 2) return [data];
    const { records: _, ...head } = batch, out = [], texts = records.map((r) => JSON.stringify(r) ?? 'null');
    const slice = (list) => {
      if (out.length && 'dropped' in head) head.dropped = 0;
      return JSON.stringify({ ...head, records: [] }).slice(0, -2) + list.join(',') + ']}';
    };
    let list = [], chars = 0;
    for (const text of texts) {
      if (list.length && (chars + text.length > SLICE_CHARS || list.length >= SLICE_RECORDS)) { out.push(slice(list)); list = []; chars = 0; }
      list.push(text);
      chars += text.length + 1;
    }
    out.push(slice(list));
    return out;
  }

  // Posts on the open port (true when it did); without a port, connect() sends what waits.
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
    sent = 0; handling = []; handlingChars = 0;
    pump();                                          // in order, from the oldest not stored
    if (port !== p) return;
    try { if (noHookPending) { p.postMessage(NO_HOOK); noHookPending = false; } } catch { lost(); }
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
    if (message.type === 'took' && typeof message.batch === 'number') took();
    else if (message.type === 'ack' && typeof message.batch === 'number') acknowledge(message.batch);
    else if (message.type === 'hello') injected();  // the background injected hook.js: ask it again
  }

  function took() {
    delay = 100;
    if (handling.length) handlingChars -= handling.shift();
    pump();
  }

  function acknowledge(batch) {
    let n = 0;
    while (n < kept.length && kept[n].batch <= batch) keptChars -= kept[n++].data.length;
    kept.splice(0, n);
    sent = Math.max(0, sent - n);
    pump();
  }

  // True iff the hook answered `detail` with a batch during the dispatch (it answers synchronously).
  function hookAnswers(detail) {
    const before = pageEvents;
    try { document.dispatchEvent(new CustomEvent(relayEvent, { detail })); } catch { /* no answer */ }
    return pageEvents !== before;
  }

  // The hook the background just injected answers a hello at once (synchronously); one that does not is
  // alive but deaf or mute (the page broke what it needs): the background is told, once, for the panel.
  function injected() {
    const before = pageEvents;
    sayHello();
    if (pageEvents !== before || silentSent || !usable()) return;
    silentSent = true;
    send(HOOK_SILENT);
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
