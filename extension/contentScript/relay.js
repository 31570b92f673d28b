// Chat Widget Inspector: relay (ISOLATED world content script at document_idle, or injected by the
// background). Bridges the page hook (docs/protocol.md §1–2) to the background (§3), and the
// background's commands (§5, sent with tabs.sendMessage to frame 0) to the hook.
(function () {
  'use strict';
  var DEBUG = false;
  var G = globalThis, KEY = '__chatWidgetInspectorRelay', prev = G[KEY];
  // Double-init guard. A relay orphaned by an extension reload reports itself dead: replace it.
  try { if (typeof prev === 'function' && prev()) return; } catch (e) { /* replace it */ }
  var rt;
  try { rt = chrome.runtime; if (!rt || !rt.id) return; } catch (e) { return; }

  var PAGE = 'hubspot-chat-inspector:page', RELAY = 'hubspot-chat-inspector:relay', HELLO = '{"v":1,"type":"hello"}';
  var MAX_DETAIL = 1 << 20, MAX_KEPT = 1000, MAX_KEPT_CHARS = 8 << 20;
  var REHELLO = [250, 500, 1000, 2000, 4000, 8000];  // after no_hook, until a hook answers
  var port = null, next = 1, kept = [], keptChars = 0, dropped = 0;
  var pageEvents = 0, noHookSent = false, noHookPending = false, rehellos = 0;
  var delay = 100, timer = 0, dead = false, frozen = false;

  function debug(what, e) { if (DEBUG) try { console.debug('[chat-widget-inspector relay]', what, e, { dropped: dropped }); } catch (x) { /* */ } }
  function alive() { try { return !dead && !!rt.id; } catch (e) { return false; } }
  function mine() { return G[KEY] === alive; }
  try { Object.defineProperty(G, KEY, { value: alive, configurable: true, writable: true }); } catch (e) { return; }

  function stop() {
    dead = true;
    try { document.removeEventListener(PAGE, onPage); removeEventListener('pagehide', onHide, true); removeEventListener('pageshow', onShow, true); } catch (e) { /* */ }
    try { rt.onMessage.removeListener(onCommand); } catch (e) { /* */ }
    try { if (port) port.disconnect(); } catch (e) { /* */ }
    port = null;
  }

  function onPage(e) {
    try {
      if (!mine() || !alive()) return stop();
      pageEvents++;
      var d = e.detail;
      if (typeof d !== 'string' || d.length > MAX_DETAIL) { dropped++; return; }
      var m = { v: 1, type: 'page', batch: next++, data: d };
      kept.push(m);
      keptChars += d.length;
      while (kept.length > MAX_KEPT || keptChars > MAX_KEPT_CHARS) { keptChars -= kept.shift().data.length; dropped++; }
      send(m);
    } catch (err) { debug('page', err); }
  }

  function send(m) {
    if (frozen || dead) return;
    if (!port) { if (!timer) connect(); return; }    // connect() sends everything kept, m included
    try { port.postMessage(m); } catch (e) { lost(); }
  }

  function connect() {
    timer = 0;
    if (port || frozen || dead) return;
    if (!alive()) return stop();                     // extension reloaded or uninstalled
    var p;
    try { p = rt.connect({ name: 'relay' }); } catch (e) { debug('connect', e); return retry(); }
    port = p;
    p.onMessage.addListener(function (m) { onBackground(p, m); });
    p.onDisconnect.addListener(function () {
      try { void rt.lastError; } catch (e) { /* read to silence "unchecked lastError" */ }
      if (port === p) { port = null; retry(); }
    });
    try {
      for (var i = 0; i < kept.length; i++) p.postMessage(kept[i]);   // in order
      if (noHookPending) { p.postMessage({ v: 1, type: 'no_hook' }); noHookPending = false; }
    } catch (e) { debug('post', e); lost(); }
  }

  function lost() {
    var p = port;
    port = null;
    try { if (p) p.disconnect(); } catch (e) { /* */ }
    retry();
  }

  // Reconnect with backoff, but only when something waits: an idle tab does not wake the worker.
  function retry() {
    if (timer || frozen || dead || (!kept.length && !noHookPending)) return;
    if (!alive()) return stop();
    timer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 2000);
  }

  function onBackground(p, m) {
    try {
      if (p !== port || !m || m.v !== 1) return;
      if (m.type === 'ack' && typeof m.batch === 'number') {
        delay = 100;
        var n = 0;
        while (n < kept.length && kept[n].batch <= m.batch) keptChars -= kept[n++].data.length;
        if (n) kept.splice(0, n);
      } else if (m.type === 'hello') {
        sayHello();                                  // the background injected hook.js: ask it again
      }
    } catch (e) { debug('background', e); }
  }

  // The hook answers a hello synchronously, during this dispatch (§2).
  function sayHello() {
    if (!mine() || !alive()) return stop();
    var before = pageEvents;
    try { document.dispatchEvent(new CustomEvent(RELAY, { detail: HELLO })); } catch (e) { debug('hello', e); }
    if (pageEvents !== before) return;
    if (!noHookSent) {
      noHookSent = true;
      noHookPending = true;
      if (port) { try { port.postMessage({ v: 1, type: 'no_hook' }); noHookPending = false; } catch (e) { lost(); } } else connect();
    }
    if (rehellos < REHELLO.length) setTimeout(function () { if (!pageEvents) sayHello(); }, REHELLO[rehellos++]);
  }

  // A panel's command (§5) from this extension's background: handed to the hook as the RELAY
  // event's JSON detail. The hook answers synchronously with a batch holding its record, so the
  // reply tells the background whether a hook took it (no reply at all: no relay in the tab).
  function onCommand(m, sender, sendResponse) {
    try {
      if (!sender || sender.id !== rt.id || sender.tab || !m || m.v !== 1) return;
      var c;
      if (m.type === 'call') c = { v: 1, type: 'call', id: m.id, method: m.method, args: m.args };
      else if (m.type === 'snapshot') c = { v: 1, type: 'snapshot' };
      else return;
      if (!mine() || !alive()) return stop();
      var before = pageEvents;
      document.dispatchEvent(new CustomEvent(RELAY, { detail: JSON.stringify(c) }));
      sendResponse({ v: 1, delivered: pageEvents !== before });
    } catch (e) { debug('command', e); }
  }

  // bfcache: the browser closes the port when the page is hidden; reconnect and resend on return,
  // and say hello so the background learns this document is shown again.
  function onHide(e) {
    try {
      if (!e.persisted) return;
      frozen = true;
      var p = port;
      port = null;
      if (p) p.disconnect();
    } catch (err) { /* */ }
  }
  function onShow(e) {
    try {
      if (!e.persisted || !frozen) return;
      frozen = false;
      delay = 100;
      if (kept.length || noHookPending) connect();
      sayHello();
    } catch (err) { /* */ }
  }

  try {
    document.addEventListener(PAGE, onPage);
    addEventListener('pagehide', onHide, true);
    addEventListener('pageshow', onShow, true);
    sayHello();
  } catch (e) { debug('start', e); }
  try { rt.onMessage.addListener(onCommand); } catch (e) { debug('start', e); }
})();
