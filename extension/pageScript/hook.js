// Chat Widget Inspector: page hook (MAIN world, document_start; or injected late by the
// background with chrome.scripting.executeScript). Implements docs/protocol.md §1–2.
// It never calls the SDK except ONE on('widgetHidden') per real object after its chat iframe
// loaded, adds no global, no enumerable property, no console output, and never throws into the page.
(function () {
  'use strict';
  try {
    // Builtins, taken before page scripts run; uncurry(f)(self, ...args) calls f without .call lookups.
    var W = window, D = document, O = Object, FP = Function.prototype;
    var uncurry = FP.bind.bind(FP.call), fcall = uncurry(FP.call);
    var gopd = O.getOwnPropertyDescriptor, defProp = O.defineProperty, keysOf = O.keys, create = O.create;
    var hasOwn = uncurry(O.prototype.hasOwnProperty), isArray = Array.isArray;
    var parse = JSON.parse, stringify = JSON.stringify, ET = W.EventTarget.prototype;
    var getOf = function (C, p) { return uncurry(gopd(C.prototype, p).get); };
    var addEL = uncurry(ET.addEventListener), rmEL = uncurry(ET.removeEventListener), fire = uncurry(ET.dispatchEvent);
    var CE = W.CustomEvent, MO = W.MutationObserver;
    var observe = uncurry(MO.prototype.observe), unobserve = uncurry(MO.prototype.disconnect), setT = uncurry(W.setTimeout);
    var perf = W.performance, now = uncurry(W.Performance.prototype.now), T0 = +perf.timeOrigin || 0;
    var exec = uncurry(RegExp.prototype.exec), slice = uncurry(String.prototype.slice);
    var indexOf = uncurry(String.prototype.indexOf), code = uncurry(String.prototype.charCodeAt);
    var byId = uncurry(W.Document.prototype.getElementById), attr = uncurry(W.Element.prototype.getAttribute);
    var closest = uncurry(W.Element.prototype.closest), byTag = uncurry(W.Element.prototype.getElementsByTagName);
    var item = uncurry(W.HTMLCollection.prototype.item), len = getOf(W.HTMLCollection, 'length');
    var evData = getOf(W.MessageEvent, 'data'), evOrigin = getOf(W.MessageEvent, 'origin'), evSource = getOf(W.MessageEvent, 'source');
    var evDetail = getOf(CE, 'detail'), evTarget = getOf(W.Event, 'target'), elId = getOf(W.Element, 'id'), tag = getOf(W.Element, 'localName');
    var isConn = getOf(W.Node, 'isConnected'), frSrc = getOf(W.HTMLIFrameElement, 'src'), frWin = getOf(W.HTMLIFrameElement, 'contentWindow');
    var frDoc = getOf(W.HTMLIFrameElement, 'contentDocument'), scSrc = getOf(W.HTMLScriptElement, 'src');
    var scripts = getOf(W.Document, 'scripts'), docState = getOf(W.Document, 'readyState'), docUrl = getOf(W.Document, 'URL');
    var loc = W.location, rnd = new W.Uint32Array(2), docId = '', i;
    try { W.crypto.getRandomValues(rnd); } catch (e) { rnd[0] = Math.random() * 4294967296; rnd[1] = Math.random() * 4294967296; }
    for (i = 0; i < 2; i++) docId += ('0000000' + rnd[i].toString(16)).slice(-8);

    var NAME = 'HubSpotConversations', LOADER = 'hubspot-messages-loader', CONT = 'hubspot-messages-iframe-container';
    var IFR = 'hubspot-conversations-iframe', INL = 'hubspot-conversations-inline-iframe';
    var CONTS = '#' + CONT, INLP = '#hubspot-conversations-inline-parent';
    var ORIGIN = /^https:\/\/app(-[a-z0-9]+)?\.hubspot(qa)?\.com$/;
    var PORTAL = /(?:\/\/js(?:-[a-z0-9]+)?\.hs-scripts\.com|\/hs-scripts)\/(\d+)\.js(?:[?#]|$)/;
    var MAXREC = 10000, MAXBUF = 16 << 20 /* chars */, LIMIT = 1 << 20, MAXBATCH = 500, BUDGET = 48 << 10;

    var cur, fresh = false;                                  // the trap's storage
    var val, gen = 0, firstObj = true, ph = null, objLoaded = false, subbed = null;
    var active = false, mo = null, hello = false, timer = 0, seq = 0;
    var trk = create(null), nTrk = 0, loaders = create(null); // loaded chat iframes; loader srcs seen
    var ring = create(null), head = 0, count = 0, bytes = 0, dropped = 0;
    var nodes = 0, chars = 0, stack = create(null);

    // ---- buffer and batches (§1, §2). Records are kept as JSON text; b = upper bound of the bytes
    // the record adds once the batch is JSON-escaped again inside the relay message (UTF-8 + escapes).
    function weigh(s) {
      var n = s.length, b = n, c, k;
      if (n < 1000) return 3 * n;
      for (k = 0; k < n; k++) {
        c = code(s, k);
        if (c > 127) b += c < 2048 || (c >= 0xD800 && c < 0xE000) ? 1 : 2; else if (c === 34 || c === 92) b++;
      }
      return b;
    }
    function add(k, body) {
      var s = '{"k":"' + k + '","seq":' + (++seq) + ',"t":' + now(perf) + body + '}';
      while (count && (count >= MAXREC || bytes + s.length > MAXBUF)) { take(); dropped++; }  // drop the OLDEST
      ring[(head + count) % MAXREC] = { s: s, b: weigh(s) }; count++; bytes += s.length;
      if (hello && !timer) timer = setT(W, flush, 50);
    }
    function take() { var r = ring[head]; ring[head] = null; head = (head + 1) % MAXREC; count--; bytes -= r.s.length; return r; }
    function flush(force) {
      timer = 0;
      var left = count;                              // records added by page listeners during a dispatch wait for the timer
      if (!left && force !== true) return;
      do left = batch(left); while (left > 0);
    }
    function batch(left) {
      var s = '{"v":1,"doc":"' + docId + '","url":' + stringify(clip(loc.href, 2048)) + ',"time_origin":' + T0 +
        ',"dropped":' + dropped + ',"records":[';
      var size = 3 * s.length + 2, n = 0, r;
      dropped = 0;
      while (left > 0 && n < MAXBATCH) {
        r = ring[head];
        if (size + r.b + 1 > LIMIT) { if (n) break; take(); dropped++; left--; continue; } // never: payloads are budgeted
        s += (n++ ? ',' : '') + take().s; size += r.b + 1; left--;
      }
      var init = create(null);
      init.detail = s + ']}';
      try { fire(D, new CE('hubspot-chat-inspector:page', init)); } catch (e) { /* page listeners cannot break us */ }
      return left;
    }

    // ---- payload sanitiser: JSON text, bounded; never calls toJSON, catches throwing getters.
    function san(v) { nodes = 0; chars = 0; try { return ser(v, 0); } catch (e) { return '"[Thrown]"'; } }
    function str(s) { if (s.length > 2000) s = slice(s, 0, 2000) + '\u2026'; s = stringify(s); chars += s.length; return s; }
    function at(o, k, d) { var x; try { x = o[k]; } catch (e) { return '"[Thrown]"'; } return ser(x, d + 1); }
    function ser(v, d) {
      var t = typeof v, out, n, j, k;
      if (t === 'string') return str(v);
      if (t === 'number') return v - v === 0 ? '' + v : '"[' + v + ']"';
      if (t === 'boolean') return v ? 'true' : 'false';
      if (v === null) return 'null';
      if (t === 'undefined' || t === 'symbol' || t === 'function') return '"[' + t + ']"';
      if (t === 'bigint') return '"[bigint ' + v + ']"';
      if (++nodes > 5000 || chars > BUDGET) return '"[Truncated]"';
      if (d >= 8) return '"[Depth]"';
      for (j = 0; j < d; j++) if (stack[j] === v) return '"[Circular]"';
      stack[d] = v;
      try {
        if (isArray(v)) {
          for (n = v.length, out = '[', j = 0; j < n && j < 100 && chars <= BUDGET; j++) out += (j ? ',' : '') + at(v, j, d);
          return out + (j < n ? (j ? ',' : '') + '"[+' + (n - j) + ' more]"]' : ']');
        }
        for (k = keysOf(v), n = k.length, out = '{', j = 0; j < n && j < 100 && chars <= BUDGET; j++) {
          out += (j ? ',' : '') + str(k[j]) + ':' + at(v, k[j], d);
        }
        return out + (j < n ? (j ? ',' : '') + '"[more]":"[+' + (n - j) + ' keys]"}' : '}');
      } catch (e) { return '"[Thrown]"'; } finally { stack[d] = null; }
    }
    function own(o, k) { return o !== null && typeof o === 'object' && hasOwn(o, k) ? o[k] : undefined; }
    function clip(s, n) { return typeof s !== 'string' ? '' : s.length > n ? slice(s, 0, n) : s; }

    // ---- window.HubSpotConversations. The accessor's getter returns exactly what was assigned.
    // It starts non-enumerable (Object.keys unchanged); the first assignment re-creates it
    // enumerable at the END of the key order, where a plain assignment would have put it.
    var acc = gopd({
      get HubSpotConversations() { return cur; },
      set HubSpotConversations(v) {
        cur = v;
        if (fresh) { fresh = false; try { delete W[NAME]; defProp(W, NAME, desc(true)); } catch (e) { /* ignore */ } }
        try { note(v); } catch (e) { /* never throw into the page */ }
      }
    }, NAME);
    function desc(en) { var p = create(null); p.get = acc.get; p.set = acc.set; p.enumerable = en; p.configurable = true; return p; }
    function trap(d) { cur = d ? d.value : undefined; fresh = !d; try { defProp(W, NAME, desc(d ? d.enumerable : false)); } catch (e) { /* page wins */ } }
    function trapped() { var d = gopd(W, NAME); return !!d && hasOwn(d, 'get') && d.get === acc.get; }
    // Fallback when the page owns the property (its accessor, or it redefined ours): read it at the
    // moments that matter. A deleted trap, or a plain data property, is trapped again.
    function check() {
      var d = gopd(W, NAME), v;
      if (d && hasOwn(d, 'get') && d.get === acc.get) return;
      if (d && !hasOwn(d, 'value')) { try { v = W[NAME]; } catch (e) { return; } } else v = d ? d.value : undefined;
      note(v);
      if (!d || (hasOwn(d, 'value') && d.writable && d.enumerable && d.configurable)) trap(d);
    }
    // Placeholder rule: an object is the placeholder iff window.hsConversationsSettings has
    // loadImmediately === false when it is assigned AND it is the first object of this document
    // (later objects come from widget.load() or a reset and are real). Refinement for a hook
    // injected late: an object that already has a chat iframe on the page is real.
    function note(v) {
      if (v === val || (!v && !val)) return;
      val = v; objLoaded = false;
      var st = 'absent', s;
      if (v) {
        gen++;
        try { s = firstObj && W.hsConversationsSettings; s = !!s && typeof s === 'object' && s.loadImmediately === false; } catch (e) { s = false; }
        if (s) eachChat(function () { s = false; });
        st = s ? 'placeholder' : 'ready'; ph = s ? v : null; firstObj = false;
      }
      add('api', ',"state":"' + st + '","generation":' + gen);
      if (v) activate();
    }

    // ---- the chat iframe and the loader script (observed only once HubSpot shows up).
    function eachChat(fn) {
      var f = byId(D, IFR), c = byId(D, CONT), l, n, j;
      if (f && tag(f) === 'iframe') fn(f);
      if ((f = byId(D, INL)) && tag(f) === 'iframe') fn(f);
      if (c) for (l = byTag(c, 'iframe'), n = len(l), j = 0; j < n; j++) { f = item(l, j); if (elId(f) !== IFR && elId(f) !== INL) fn(f); }
    }
    function isChat(f) { var id = elId(f); return id === IFR || id === INL || closest(f, CONTS) !== null; }
    function loaded(f) {
      var j = 0, r;
      while (j < nTrk && trk[j].f !== f) j++;
      if (j === nTrk) {                              // a reload of a tracked iframe is not a new "loaded"
        r = { f: f, b: ',"inline":' + (elId(f) === INL || closest(f, INLP) !== null) + ',"src":' + stringify(clip(frSrc(f), 2048)) };
        trk[nTrk++] = r;
        add('widget', ',"loaded":true' + r.b);
      }
      objLoaded = true;
      setT(W, subscribe, 0);                         // after the loader's own load handler
    }
    function committed(f) { var d = frDoc(f); return d === null ? frWin(f) !== null : docState(d) === 'complete' && docUrl(d) !== 'about:blank'; }
    function noteLoader(el) {
      var src = scSrc(el), portal = null, m;
      if (!src || loaders[src]) return;
      if (elId(el) === LOADER) portal = attr(el, 'data-hsjs-portal');
      else if ((m = exec(PORTAL, src)) !== null) portal = m[1];
      else return;
      loaders[src] = 1;
      add('loader', ',"src":' + stringify(clip(src, 2048)) + ',"portal":' + (portal ? stringify(clip(portal, 100)) : 'null'));
      activate();
    }
    function scanLoaders() { for (var l = scripts(D), n = len(l), j = 0; j < n; j++) noteLoader(item(l, j)); }
    function activate() {
      if (active) return;
      active = true;
      try {
        addEL(D, 'load', onLoad, true);
        var o = create(null); o.childList = true; o.subtree = true;
        observe(mo = new MO(onMutation), D, o);
        scanLoaders();
        eachChat(function (f) { if (committed(f)) loaded(f); });
      } catch (e) { /* ignore */ }
    }
    function onLoad(e) {
      try {
        var t = evTarget(e), n = tag(t);
        if (n === 'iframe' && isChat(t)) { check(); loaded(t); } else if (n === 'script') noteLoader(t);
      } catch (err) { /* ignore */ }
    }
    function onMutation() {                          // cheap: no walk over the mutation records
      try {
        for (var j = nTrk - 1, r; j >= 0; j--) {
          if (!isConn((r = trk[j]).f)) { trk[j] = trk[--nTrk]; trk[nTrk] = null; add('widget', ',"loaded":false' + r.b); }
        }
        check();
        var l = byId(D, LOADER);
        if (l) noteLoader(l);
        if (!val && !nTrk && !l && trapped()) { active = false; rmEL(D, 'load', onLoad, true); unobserve(mo); }
      } catch (e) { /* ignore */ }
    }
    // widgetHidden is only visible through on(): once per real object, after its iframe loaded.
    function subscribe() {
      try {
        var o = val, on;
        if (!o || o === subbed || o === ph || !objLoaded) return;
        subbed = o;
        on = o.on;
        if (typeof on === 'function') {
          fcall(on, o, 'widgetHidden', function (p) {
            try { add('event', ',"name":"widgetHidden","payload":' + san(p) + ',"via":"on"'); } catch (e) { /* ignore */ }
          });
        }
      } catch (e) { /* ignore */ }
    }

    // ---- listeners present on every page: chat iframe messages, the loader's DOM event, hello.
    function onMessage(e) {
      try {
        var d = evData(e), m, x, n, s, hit;
        if (typeof d !== 'string' || d.length > 262144 || code(d, 0) !== 123) return;
        if (indexOf(d, '"external-api-event"') < 0 && indexOf(d, '"open-change"') < 0) return;
        if (exec(ORIGIN, evOrigin(e)) === null) {
          s = evSource(e); hit = false;
          if (s) eachChat(function (f) { if (frWin(f) === s) hit = true; });
          if (!hit) return;
        }
        m = parse(d); n = own(m, 'type'); x = own(m, 'data');
        if (x === null || typeof x !== 'object') return;
        if (n === 'open-change') add('open', ',"open":' + (own(x, 'isOpen') === true) + ',"user":' + (own(x, 'isUser') === true));
        else if (n === 'external-api-event') {
          n = own(x, 'eventType');
          if (typeof n !== 'string' || !n.length || n.length > 100) return;
          add('event', ',"name":' + stringify(n) + ',"payload":' + san(own(x, 'payload')) + ',"via":"iframe"');
        } else return;
        activate();
      } catch (err) { /* ignore */ }
    }
    function onInitialized(e) {
      try {
        var d = null;
        try { d = evDetail(e); } catch (err) { /* not a CustomEvent */ }
        add('event', ',"name":"hubspot:messages:initialized","payload":' + san(d) + ',"via":"dom"');
        activate();
      } catch (err) { /* ignore */ }
    }
    function onHello(e) {
      try {
        var d = evDetail(e), m;
        if (typeof d !== 'string' || d.length > 1024) return;
        m = parse(d);
        if (own(m, 'v') !== 1 || own(m, 'type') !== 'hello') return;
        hello = true;
        if (!active) { check(); scanLoaders(); }
        flush(true);                                 // synchronously, even when empty (§2)
      } catch (err) { /* ignore */ }
    }

    var opts = create(null);
    opts.capture = true; opts.passive = true;
    addEL(W, 'message', onMessage, opts);
    addEL(W, 'hubspot:messages:initialized', onInitialized, opts);
    addEL(D, 'hubspot-chat-inspector:relay', onHello, opts);
    var d0 = gopd(W, NAME);
    if (!d0) trap(undefined);
    else if (hasOwn(d0, 'value') && d0.writable && d0.configurable) { trap(d0); note(d0.value); }
    else { try { note(W[NAME]); } catch (e) { /* ignore */ } activate(); } // the page owns it: fallback
  } catch (e) { /* never throw into the page */ }
})();
