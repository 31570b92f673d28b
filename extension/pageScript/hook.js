// Chat Widget Inspector: page hook (MAIN world, document_start; or injected late by the
// background with chrome.scripting.executeScript). Implements docs/protocol.md §1–2 and §5.
// It never calls the SDK on its own except ONE on('widgetHidden') per real object after its chat
// iframe loaded; the panel's calls (§5) are the only other SDK calls. It adds no global, no
// enumerable property, no console output, and never throws into the page.
(function () {
  'use strict';
  try {
    // Builtins, taken before page scripts run; uncurry(f)(self, ...args) calls f without .call lookups.
    var W = window, D = document, O = Object, FP = Function.prototype;
    var uncurry = FP.bind.bind(FP.call), fcall = uncurry(FP.call);
    var gopd = O.getOwnPropertyDescriptor, defProp = O.defineProperty, keysOf = O.keys, create = O.create;
    var names = O.getOwnPropertyNames, protoOf = O.getPrototypeOf, OP = O.prototype;
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
    var query = uncurry(W.Document.prototype.querySelector), rect = uncurry(W.Element.prototype.getBoundingClientRect);
    var rectW = getOf(W.DOMRectReadOnly, 'width'), rectH = getOf(W.DOMRectReadOnly, 'height');
    var scripts = getOf(W.Document, 'scripts'), docState = getOf(W.Document, 'readyState'), docUrl = getOf(W.Document, 'URL');
    var loc = W.location, rnd = new W.Uint32Array(2), docId = '', i;
    try { W.crypto.getRandomValues(rnd); } catch (e) { rnd[0] = Math.random() * 4294967296; rnd[1] = Math.random() * 4294967296; }
    for (i = 0; i < 2; i++) docId += ('0000000' + rnd[i].toString(16)).slice(-8);

    var NAME = 'HubSpotConversations', SNAME = 'hsConversationsSettings', LOADER = 'hubspot-messages-loader', CONT = 'hubspot-messages-iframe-container';
    var IFR = 'hubspot-conversations-iframe', INL = 'hubspot-conversations-inline-iframe';
    var CONTS = '#' + CONT, INLP = '#hubspot-conversations-inline-parent';
    var ORIGIN = /^https:\/\/app(-[a-z0-9]+)?\.hubspot(qa)?\.com$/;
    var PORTAL = /(?:\/\/js(?:-[a-z0-9]+)?\.hs-scripts\.com|\/hs-scripts)\/(\d+)\.js(?:[?#]|$)/;
    var MAXREC = 10000, MAXBUF = 16 << 20 /* chars */, LIMIT = 1 << 20, MAXBATCH = 500, BUDGET = 48 << 10;

    var cur, fresh = false;                                  // the trap's storage
    var scur, sfresh = false, sSeen = false, sLast;          // the settings trap's storage; an assignment recorded
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
    function add(k, body, t) {
      var s = '{"k":"' + k + '","seq":' + (++seq) + ',"t":' + (t === undefined ? now(perf) : t) + body + '}';
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
        if (fresh) { fresh = false; try { delete W[NAME]; defProp(W, NAME, desc(acc, true)); } catch (e) { /* ignore */ } }
        try { note(v); } catch (e) { /* never throw into the page */ }
      }
    }, NAME);
    function desc(a, en) { var p = create(null); p.get = a.get; p.set = a.set; p.enumerable = en; p.configurable = true; return p; }
    function trap(d) { cur = d ? d.value : undefined; fresh = !d; try { defProp(W, NAME, desc(acc, d ? d.enumerable : false)); } catch (e) { /* page wins */ } }
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
      var st = 'absent', s, p, m = '[]';
      if (v) {
        // The loader has just read the settings (read here once: a page-owned accessor runs once).
        // A page-owned settings property was never seen being assigned: what the loader read was
        // set before it read it.
        if (!gen) checkSettings();
        try { s = settingsNow(); } catch (e) { s = undefined; }
        if (!gen && !sSeen && s !== undefined) settings('assigned', s);
        gen++;
        try { p = firstObj && own(s, 'loadImmediately') === false; } catch (e) { p = false; }
        if (p) eachChat(function () { p = false; });
        st = p ? 'placeholder' : 'ready'; ph = p ? v : null; firstObj = false;
        m = methods(v);
      }
      add('api', ',"state":"' + st + '","generation":' + gen + ',"methods":' + m);
      if (v) { settings('snapshot', s); if ((p = selector(s))) inline(p); activate(); }
    }

    // ---- reading page objects without calling anything but (at most once) an accessor's getter.
    function isObj(o) { return o !== null && (typeof o === 'object' || typeof o === 'function'); }
    function getp(o, k) {                            // o[k] by descriptors; may throw (proxies, getters)
      for (var p = o, d, j = 0; isObj(p) && j < 64; j++, p = protoOf(p)) {
        if (!(d = gopd(p, k))) continue;
        if (hasOwn(d, 'value')) return d.value;
        return hasOwn(d, 'get') && typeof d.get === 'function' ? fcall(d.get, o) : undefined;
      }
      return undefined;
    }
    // Function-valued data properties (own and inherited, above Object/Function.prototype) of the
    // object and of object.widget, sorted, as JSON text. Accessors are skipped, never invoked.
    function methods(o) {
      var l = create(null), seen = create(null), n = 0, out = '[', j, k, w;
      function scan(x, pre) {
        for (var p = x, ks, d, i, c, y = 0; isObj(p) && p !== OP && p !== FP && y < 64; y++, p = protoOf(p)) {
          for (ks = names(p), c = ks.length, i = 0; i < c && n < 200; i++) {
            k = ks[i];
            if (typeof k !== 'string' || k.length > 90 || k === 'constructor' || seen[pre + k] === 1) continue;
            seen[pre + k] = 1;                      // the nearest property decides (shadowing)
            d = gopd(p, k);
            if (d && hasOwn(d, 'value') && typeof d.value === 'function') l[n++] = pre + k;
          }
        }
      }
      try {
        scan(o, '');
        for (var p = o, d, y = 0; isObj(p) && y < 64; y++, p = protoOf(p)) {
          if (!(d = gopd(p, 'widget'))) continue;
          if (hasOwn(d, 'value') && isObj(w = d.value)) scan(w, 'widget.');
          break;
        }
      } catch (e) { /* a hostile proxy: what was read so far */ }
      for (j = 1; j < n; j++) { for (k = l[j], w = j; w > 0 && l[w - 1] > k; w--) l[w] = l[w - 1]; l[w] = k; }
      for (j = 0; j < n; j++) out += (j ? ',' : '') + stringify(l[j]);
      return out + ']';
    }

    // ---- window.hsConversationsSettings, trapped like the API: the getter returns exactly what was
    // assigned; each assignment is recorded (phase: before/after the first API object).
    var sacc = gopd({
      get hsConversationsSettings() { return scur; },
      set hsConversationsSettings(v) {
        scur = v;
        if (sfresh) { sfresh = false; try { delete W[SNAME]; defProp(W, SNAME, desc(sacc, true)); } catch (e) { /* ignore */ } }
        try { settings('assigned', v); } catch (e) { /* never throw into the page */ }
      }
    }, SNAME);
    function strap(d) { scur = d ? d.value : undefined; sfresh = !d; try { defProp(W, SNAME, desc(sacc, d ? d.enumerable : false)); } catch (e) { /* page wins */ } }
    function settingsNow() {
      var d = gopd(W, SNAME);
      if (!d) return undefined;
      if (hasOwn(d, 'get') && d.get === sacc.get) return scur;
      if (hasOwn(d, 'value')) return d.value;
      try { return W[SNAME]; } catch (e) { return undefined; }   // the page's own accessor
    }
    // A deleted trap or a plain data property (the page deleted and re-assigned it) is trapped again.
    function checkSettings() {
      var d = gopd(W, SNAME);
      if (d && hasOwn(d, 'get') && d.get === sacc.get) return;
      if (d && !(hasOwn(d, 'value') && d.writable && d.enumerable && d.configurable)) return;  // the page owns it
      strap(d);
      if (d && (!sSeen || d.value !== sLast)) settings('assigned', d.value);
    }
    function settings(source, v) {
      var present = v !== null && typeof v === 'object', f = '{', ks, n, j, k, x, ty, sv;
      if (source === 'assigned') { sSeen = true; sLast = v; }
      if (present) {
        nodes = 0; chars = 0;
        try {
          for (ks = keysOf(v), n = ks.length, j = 0; j < n && j < 100; j++) {
            k = ks[j];
            try {
              x = v[k];
              ty = x === null ? 'null' : isArray(x) ? 'array' : typeof x;
              sv = k === 'identificationToken' && ty === 'string' ? stringify('\u2022\u2022\u2022\u2022 (' + x.length + ' chars)')
                : chars > BUDGET ? '"[Truncated]"' : ser(x, 0);
            } catch (e) { ty = 'thrown'; sv = '"[Thrown]"'; }
            f += (j ? ',' : '') + str(k) + ':{"type":"' + ty + '","value":' + sv + '}';
          }
        } catch (e) { /* a hostile proxy: the keys read so far */ }
      }
      add('settings', ',"source":"' + source + '","phase":"' + (gen ? 'after' : 'before') + '_loader","present":' + present + ',"fields":' + f + '}');
    }

    // ---- the inline embed: the selector in the current settings, its target, the iframe's size.
    function selector(s) {
      var d, x;
      if (s === null || typeof s !== 'object') return '';
      try {
        if (!(d = gopd(s, 'inlineEmbedSelector'))) return '';   // the loader merges own keys only
        x = hasOwn(d, 'value') ? d.value : hasOwn(d, 'get') && typeof d.get === 'function' ? fcall(d.get, s) : undefined;
      } catch (e) { return ''; }
      return typeof x === 'string' ? x : '';
    }
    function inline(sel) {
      var ex = false, w = 0, h = 0, f, r;
      if (sel) { try { ex = query(D, sel) !== null; } catch (e) { /* an invalid selector finds nothing */ } }
      try { if ((f = byId(D, INL)) && tag(f) === 'iframe') { r = rect(f); w = rectW(r); h = rectH(r); } } catch (e) { /* ignore */ }
      add('inline', ',"selector":' + stringify(clip(sel, 2048)) + ',"exists":' + ex + ',"width":' + (w - w === 0 ? w : 0) + ',"height":' + (h - h === 0 ? h : 0));
    }
    function inlineWith() { var sel = selector(settingsNow()); if (sel) inline(sel); }

    // ---- the panel's calls (§5): against the CURRENT object, in try/catch.
    var OPTS = create(null);
    OPTS['widget.load'] = 'widgetOpen'; OPTS['widget.refresh'] = 'openToNewThread'; OPTS['widget.open'] = '';
    OPTS['widget.close'] = ''; OPTS['widget.remove'] = ''; OPTS['widget.status'] = ''; OPTS.clear = 'resetWidget';
    OPTS.debug = ''; OPTS.resetAndReloadWidget = '';
    function current() {
      var d = gopd(W, NAME);
      if (!d) return undefined;
      if (hasOwn(d, 'get') && d.get === acc.get) return cur;
      if (hasOwn(d, 'value')) return d.value;
      return W[NAME];                                // the page's own accessor
    }
    function validArgs(method, a) {
      if (!isArray(a) || a.length > 1) return false;
      if (!a.length) return method !== 'debug';
      var x = a[0], o = OPTS[method], k;
      if (method === 'debug') return typeof x === 'boolean';
      if (!o || x === null || typeof x !== 'object' || isArray(x)) return false;
      k = keysOf(x);
      return k.length === 1 && k[0] === o && typeof x[o] === 'boolean';
    }
    function errorText(e) {
      var t = typeof e, n, m;
      if (isObj(e)) {
        try { n = getp(e, 'name'); } catch (x) { n = undefined; }
        try { m = getp(e, 'message'); } catch (x) { m = undefined; }
        n = typeof n === 'string' && n ? n : 'Error';
        return clip(typeof m === 'string' && m ? n + ': ' + m : n, 2048);
      }
      return t === 'symbol' ? 'Symbol' : clip(t === 'string' ? e : '' + e, 2048);
    }
    function call(m) {
      var id = own(m, 'id'), method = own(m, 'method'), a = own(m, 'args'), t0 = now(perf);
      var o, self, fn, r, out = 'returned', value = 'null', err = '';
      if (typeof id !== 'number' || !(id >= 0 && id <= 9007199254740991) || id % 1 !== 0) return false;
      if (typeof method !== 'string' || typeof OPTS[method] !== 'string' || !validArgs(method, a)) return false;
      try {
        o = current();
        if (!isObj(o)) out = 'not_ready';
        else {
          self = o;
          if (slice(method, 0, 7) === 'widget.') { self = getp(o, 'widget'); fn = isObj(self) ? getp(self, slice(method, 7)) : undefined; } else fn = getp(o, method);
          if (typeof fn !== 'function') out = 'missing';
          else {
            t0 = now(perf);
            r = a.length ? fcall(fn, self, a[0]) : fcall(fn, self);
            if (r !== undefined) value = san(r);
          }
        }
      } catch (e) { out = 'threw'; err = errorText(e); }
      add('call', ',"id":' + id + ',"method":' + stringify(method) + ',"args":' + san(a) + ',"outcome":"' + out +
        '","value":' + value + ',"error":' + stringify(err), t0);
      return true;
    }
    function snapshot() {
      checkSettings();
      var s = settingsNow();
      settings('snapshot', s);
      inline(selector(s));
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
        inlineWith();
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
          if (!isConn((r = trk[j]).f)) { trk[j] = trk[--nTrk]; trk[nTrk] = null; add('widget', ',"loaded":false' + r.b); inlineWith(); }
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
    // The relay: hello (§2), or a panel's command (§5) answered synchronously, during the dispatch.
    function onRelay(e) {
      try {
        var d = evDetail(e), m, ty;
        if (typeof d !== 'string' || d.length > 4096) return;
        m = parse(d);
        if (own(m, 'v') !== 1) return;
        ty = own(m, 'type');
        if (ty === 'hello') { if (!active) { check(); scanLoaders(); } }
        else if (ty === 'call') { if (!call(m)) return; }
        else if (ty === 'snapshot') snapshot();
        else return;
        hello = true;
        flush(true);                                 // synchronously, even when empty (§2)
      } catch (err) { /* ignore */ }
    }

    var opts = create(null);
    opts.capture = true; opts.passive = true;
    addEL(W, 'message', onMessage, opts);
    addEL(W, 'hubspot:messages:initialized', onInitialized, opts);
    addEL(D, 'hubspot-chat-inspector:relay', onRelay, opts);
    var s0 = gopd(W, SNAME), d0 = gopd(W, NAME);
    if (!s0) strap(undefined);
    else if (hasOwn(s0, 'value')) { if (s0.writable && s0.configurable) strap(s0); settings('assigned', s0.value); }
    if (!d0) trap(undefined);
    else if (hasOwn(d0, 'value') && d0.writable && d0.configurable) { trap(d0); note(d0.value); }
    else { try { note(W[NAME]); } catch (e) { /* ignore */ } activate(); } // the page owns it: fallback
  } catch (e) { /* never throw into the page */ }
})();
