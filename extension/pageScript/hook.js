// Chat Widget Inspector: page hook (MAIN world, document_start; or injected late by the
// background with chrome.scripting.executeScript). Implements docs/protocol.md §1–2, §5 and §6.
// It never calls the SDK on its own: the panel's calls and, once the user opted in, the panel's
// `listen` command (one on('widgetHidden') per real object after its chat iframe loaded) are the
// only SDK calls (§5). The SDK methods are wrapped in place to trace the page's own calls (§6).
// It adds no global, no enumerable property, no console output, and never throws into the page.
(function () {
  'use strict';
  try {
    // Facts shared with src/core/protocol.rs (a Rust test compares them). sdkMethods: method → its boolean option or ''.
    var FACTS = /*facts*/{"version":1,"pageEvent":"hubspot-chat-inspector:page","relayEvent":"hubspot-chat-inspector:relay","maxBatchBytes":1048576,"maxRecordsPerBatch":500,"sliceChars":65536,"sliceRecords":100,"maxCommandChars":4096,"maxNameChars":100,"maxUrlChars":2048,"undelivered":["foreign_frame","missing_uuid","bogus_uuid"],"truncatedKey":"[truncated]","maxStringChars":2000,"maxItems":100,"sdkMethods":{"widget.load":"widgetOpen","widget.refresh":"openToNewThread","widget.open":"","widget.close":"","widget.remove":"","widget.status":"","clear":"resetWidget","debug":"","resetAndReloadWidget":""},"listenEvents":["widgetHidden"]}/*end facts*/;
    // Builtins; uncurry(f)(self, ...args) calls f without .call lookups. The language's own (Object, Function,
    // JSON, String, RegExp, ...) are taken before page scripts run: they cost nothing. The DOM's are taken when
    // first needed (a browser builds a DOM interface on first use, ≈ 1 ms for the hook's ~20, which a page
    // without HubSpot must not pay): the few that read events at the first event (takeGroup), the rest
    // when HubSpot shows up or a panel asks (takeDomBuiltins). Each one taken from the page is checked to be the
    // browser's own (native, with its own name; a page-made function, a bound one or a Proxy is not); when one
    // is not, they are all taken from a fresh same-origin realm (an about:blank iframe, attached only while they
    // are taken). Injected late (into a page loaded before the extension), every builtin comes from such a realm
    // at once. The page's own objects (window, its prototypes) stay the page's.
    var R = window, realmFrame = null, lateHook = true, NATIVE_V8 = '() { [native code] }', NATIVE_GECKO = '() {\n    [native code]\n}';
    // The DOM's builtins in groups, each taken when first needed (a bit each in `taken`).
    var DOCUMENT_GROUP = 1, MESSAGE_GROUP = 2, LOAD_GROUP = 4, DOM_GROUP = 8, EVERY_GROUP = 15;
    try { lateHook = document.readyState !== 'loading'; } catch (e) { /* a page that broke this: late */ }
    if (lateHook) realmFrame = freshRealm();
    for (;;) {
      try {
        var FunctionProto = R.Object.getPrototypeOf(function () {}), ObjectProto = R.Object.getPrototypeOf({});   // the page's (identity)
        var uncurry = R.Function.prototype.bind.bind(R.Function.prototype.call), callFunction = uncurry(R.Function.prototype.call);
        var descriptorOf = R.Object.getOwnPropertyDescriptor, defineProperty = R.Object.defineProperty, objectKeys = R.Object.keys;
        var createObject = R.Object.create, ownNames = R.Object.getOwnPropertyNames, prototypeOf = R.Object.getPrototypeOf;
        var hasOwn = uncurry(R.Object.prototype.hasOwnProperty), isArray = R.Array.isArray, parseJson = R.JSON.parse, toJson = R.JSON.stringify;
        var reflectGet = R.Reflect.get, windowProto = prototypeOf(window), NOT_READ = createObject(null), GETTER = createObject(null);
        var functionText = uncurry(R.Function.prototype.toString), mathRandom = R.Math.random;
        var EventTargetProto = R.EventTarget.prototype;   // window's own prototype chain: already built
        var listen = uncurry(EventTargetProto.addEventListener), unlisten = uncurry(EventTargetProto.removeEventListener);
        var dispatch = uncurry(EventTargetProto.dispatchEvent), setTimer = uncurry(R.setTimeout), microtask = uncurry(R.queueMicrotask);
        var regexExec = uncurry(R.RegExp.prototype.exec), strSlice = uncurry(R.String.prototype.slice), numberText = uncurry(R.Number.prototype.toString);
        var strIndexOf = uncurry(R.String.prototype.indexOf), charCodeAt = uncurry(R.String.prototype.charCodeAt);
        var applyFunction = R.Reflect.apply, constructWith = R.Reflect.construct;
        var ArrayProto = prototypeOf([]), StringProto = prototypeOf(''), NativeError = Error;   // the page's
        var errorStack = descriptorOf(NativeError.prototype, 'stack');   // Firefox: an accessor there; V8: own, on each error
        var NativeWeakMap = R.WeakMap, mapGet = uncurry(NativeWeakMap.prototype.get), mapSet = uncurry(NativeWeakMap.prototype.set);
        if (lateHook) for (var group = 1; group <= DOM_GROUP; group <<= 1) takeGroup(group, R, R === window);
        var docId = '', i;
        break;
      } catch (e) {                                    // the page's builtins are broken: a fresh realm's
        if (realmFrame) forgetRealm(realmFrame);
        if (realmFrame || !(realmFrame = freshRealm())) throw e;
      }
    }
    forgetRealm(realmFrame);
    for (i = 0; i < 2; i++) docId += strSlice('0000000' + numberText(mathRandom() * 4294967296 >>> 0, 16), -8);
    // The DOM's builtins (see above), assigned by takeGroup.
    var eventTarget, localName, getAttribute, querySelector, messageData, messageOrigin, messageSource;
    var clock, clockNow, timeOrigin, NewCustomEvent, eventDetail, Observer, observe, stopObserving, getElementById, closest;
    var getElementsByTagName, collectionItem, collectionLength, elementId, isConnected, frameSrc, frameWindow, frameDocument;
    var scriptSrc, boundingRect, rectWidth, rectHeight, documentScripts, readyState, documentUrl, pageLocation, eventType;
    var violationDirective, violationBlocked, violationSource, violationDisposition, NewPerformanceObserver, observePerformance, performanceEntries;
    var entryName, entryStart, entryDuration, entryStatus, navigationOf, navigationType;
    var taken = lateHook ? EVERY_GROUP : 0, domBuiltins = lateHook, domUnavailable = false;
    var contentLoaded = lateHook;                      // our DOMContentLoaded listener ran (scripts before it: its scan)
    // f when it is the browser's own function called `name` (a getter: "get name"); else it throws.
    function native(f, name) {
      var text = functionText(f), open = strIndexOf(text, '('), head = strSlice(text, 9, open), body = strSlice(text, open);
      if (strSlice(text, 0, 9) !== 'function ' || (head !== name && head !== 'get ' + name) || (body !== NATIVE_V8 && body !== NATIVE_GECKO)) throw 0;
      return f;
    }
    // The browser's own getter or method `name` nearest on the prototype chain of an object the browser made (an
    // event, an element, the document): its interface is there already (none is built for it).
    function inheritedDescriptor(o, name) {
      for (var p = prototypeOf(o), d, j = 0; p !== null && j < 16; j++, p = prototypeOf(p)) if ((d = descriptorOf(p, name))) return d;
      throw 0;
    }
    function getterOn(o, name) { return uncurry(native(inheritedDescriptor(o, name).get, name)); }
    function methodOn(o, name) { return uncurry(native(inheritedDescriptor(o, name).value, name)); }
    function interfaceOf(realm, name, check) { var Class = realm[name]; return check ? native(Class, name).prototype : Class.prototype; }
    function methodOf(realm, className, name, check) { var f = interfaceOf(realm, className, check)[name]; return uncurry(check ? native(f, name) : f); }
    function getterOf(realm, className, name, check) { var f = descriptorOf(interfaceOf(realm, className, check), name).get; return uncurry(check ? native(f, name) : f); }
    // What the listeners present from the start read first, taken when they first run (their objects exist then: the
    // browser builds nothing for them); DOM_GROUP: everything else, once HubSpot shows up or a panel asks.
    // From the page, a group of the listeners is taken from the object at hand (`from`: the document or the event).
    function takeGroup(group, realm, check, from) {
      if (from && group === DOCUMENT_GROUP) querySelector = methodOn(from, 'querySelector');
      else if (from && group === MESSAGE_GROUP) { messageData = getterOn(from, 'data'); messageOrigin = getterOn(from, 'origin'); messageSource = getterOn(from, 'source'); }
      else if (from && group === LOAD_GROUP) {
        eventTarget = getterOn(from, 'target'); from = eventTarget(from);
        localName = getterOn(from, 'localName'); getAttribute = methodOn(from, 'getAttribute');
      } else if (group === DOCUMENT_GROUP) querySelector = methodOf(realm, 'Document', 'querySelector', check);
      else if (group === MESSAGE_GROUP) {
        messageData = getterOf(realm, 'MessageEvent', 'data', check); messageOrigin = getterOf(realm, 'MessageEvent', 'origin', check);
        messageSource = getterOf(realm, 'MessageEvent', 'source', check);
      } else if (group === LOAD_GROUP) {
        eventTarget = getterOf(realm, 'Event', 'target', check); localName = getterOf(realm, 'Element', 'localName', check);
        getAttribute = methodOf(realm, 'Element', 'getAttribute', check);
      } else takeDomBuiltins(realm, check);
    }
    function takeDomBuiltins(realm, check) {
      var status;
      clockNow = methodOf(realm, 'Performance', 'now', check); clock = window.performance; timeOrigin = +clock.timeOrigin || 0;
      NewCustomEvent = check ? native(realm.CustomEvent, 'CustomEvent') : realm.CustomEvent; eventDetail = getterOf(realm, 'CustomEvent', 'detail', check);
      Observer = check ? native(realm.MutationObserver, 'MutationObserver') : realm.MutationObserver;
      observe = methodOf(realm, 'MutationObserver', 'observe', check); stopObserving = methodOf(realm, 'MutationObserver', 'disconnect', check);
      getElementById = methodOf(realm, 'Document', 'getElementById', check); closest = methodOf(realm, 'Element', 'closest', check);
      getElementsByTagName = methodOf(realm, 'Element', 'getElementsByTagName', check);
      collectionItem = methodOf(realm, 'HTMLCollection', 'item', check); collectionLength = getterOf(realm, 'HTMLCollection', 'length', check);
      elementId = getterOf(realm, 'Element', 'id', check); isConnected = getterOf(realm, 'Node', 'isConnected', check);
      frameSrc = getterOf(realm, 'HTMLIFrameElement', 'src', check); frameWindow = getterOf(realm, 'HTMLIFrameElement', 'contentWindow', check);
      frameDocument = getterOf(realm, 'HTMLIFrameElement', 'contentDocument', check); scriptSrc = getterOf(realm, 'HTMLScriptElement', 'src', check);
      boundingRect = methodOf(realm, 'Element', 'getBoundingClientRect', check);
      rectWidth = getterOf(realm, 'DOMRectReadOnly', 'width', check); rectHeight = getterOf(realm, 'DOMRectReadOnly', 'height', check);
      documentScripts = getterOf(realm, 'Document', 'scripts', check); readyState = getterOf(realm, 'Document', 'readyState', check);
      documentUrl = getterOf(realm, 'Document', 'URL', check); pageLocation = window.location; eventType = getterOf(realm, 'Event', 'type', check);
      // For the diagnostics records (docs/diagnostics.md §1): CSP, resource timing, navigation.
      violationDirective = getterOf(realm, 'SecurityPolicyViolationEvent', 'effectiveDirective', check);
      violationBlocked = getterOf(realm, 'SecurityPolicyViolationEvent', 'blockedURI', check);
      violationSource = getterOf(realm, 'SecurityPolicyViolationEvent', 'sourceFile', check);
      status = descriptorOf(interfaceOf(realm, 'SecurityPolicyViolationEvent', check), 'disposition');
      violationDisposition = status ? uncurry(check ? native(status.get, 'disposition') : status.get) : null;
      NewPerformanceObserver = check ? native(realm.PerformanceObserver, 'PerformanceObserver') : realm.PerformanceObserver;
      observePerformance = methodOf(realm, 'PerformanceObserver', 'observe', check);
      performanceEntries = methodOf(realm, 'PerformanceObserverEntryList', 'getEntries', check);
      entryName = getterOf(realm, 'PerformanceEntry', 'name', check); entryStart = getterOf(realm, 'PerformanceEntry', 'startTime', check);
      entryDuration = getterOf(realm, 'PerformanceEntry', 'duration', check);
      status = descriptorOf(interfaceOf(realm, 'PerformanceResourceTiming', check), 'responseStatus');    // not in every browser
      entryStatus = status ? uncurry(check ? native(status.get, 'responseStatus') : status.get) : null;
      status = descriptorOf(window, 'navigation');
      navigationOf = status && status.get ? uncurry(check ? native(status.get, 'navigation') : status.get) : null;
      navigationType = realm.NavigationCurrentEntryChangeEvent ? getterOf(realm, 'NavigationCurrentEntryChangeEvent', 'navigationType', check) : null;
    }
    // True once the builtins of `groups` are there (taken now if they were not); false (for good) when neither the page
    // nor a fresh realm could give them. One the page replaced: all are taken from a fresh realm.
    function haveBuiltins(groups, from) {
      if ((taken & groups) === groups) return true;
      if (domUnavailable) return false;
      var group, frame;
      try {
        for (group = 1; group <= DOM_GROUP; group <<= 1) if ((groups & group) && !(taken & group)) { takeGroup(group, window, true, from); taken |= group; }
      } catch (e) {
        if ((frame = freshRealm())) {
          try { for (group = 1; group <= DOM_GROUP; group <<= 1) takeGroup(group, R, false); taken = EVERY_GROUP; } catch (x) { /* none */ }
          forgetRealm(frame);
        }
        domUnavailable = taken !== EVERY_GROUP;
      }
      domBuiltins = taken === EVERY_GROUP;
      return !domUnavailable;
    }
    function haveDomBuiltins() { return haveBuiltins(EVERY_GROUP); }
    // Makes R the window of an about:blank iframe attached to the document (its mutation observers see
    // it come and go; nothing is loaded); null (R unchanged) when the page leaves no way to get one.
    function freshRealm() {
      var frame = null, realm = null, candidate, k;
      try {
        frame = document.createElement('iframe');
        document.documentElement.appendChild(frame);
        // Its window by window[k] (the page cannot redefine indexed frames) and the new realm's own frameElement,
        // not by the page's contentWindow getter, which may be one it replaced.
        for (k = 0; !realm && (candidate = window[k]) !== undefined && candidate !== null; k++) {
          try { if (candidate.frameElement === frame) realm = candidate; } catch (e) { /* a frame of another origin */ }
        }
        if (realm && realm !== window && typeof realm.Function === 'function') { R = realm; return frame; }
      } catch (e) { /* no fresh realm */ }
      forgetRealm(frame);
      return null;
    }
    function forgetRealm(frame) {                      // detached by R's own remove() (R: the fresh realm once taken)
      try { if (frame) R.Reflect.apply(R.Element.prototype.remove, frame, []); } catch (e) { try { frame.remove(); } catch (x) { /* ignore */ } }
    }

    var API = 'HubSpotConversations', SETTINGS = 'hsConversationsSettings', LOADER_ID = 'hubspot-messages-loader';
    var CONTAINER_ID = 'hubspot-messages-iframe-container', CHAT_FRAME_ID = 'hubspot-conversations-iframe';
    var INLINE_FRAME_ID = 'hubspot-conversations-inline-iframe', INLINE_PARENT_SELECTOR = '#hubspot-conversations-inline-parent';
    var CHAT_ORIGIN = /^https:\/\/app(-[a-z0-9]+)?\.hubspot(qa)?\.com$/;
    var PORTAL_SCRIPT = /(?:\/\/js(?:-[a-z0-9]+)?\.hs-scripts\.com|\/hs-scripts)\/(\d+)\.js(?:[?#]|$)/;
    var MAX_BUFFERED = 10000, MAX_BUFFERED_CHARS = 16 << 20, PAYLOAD_BUDGET = 48 << 10 /* chars */, MAX_FRAME_MESSAGE = 262144, EDGE = 4 << 10;
    // A longer chat message is read from its first and last EDGE characters only (see onMessage).
    var TYPE_AT = /"type"\s*:\s*"external-api-event"/, NAME_AT = /"eventType"\s*:\s*("(?:[^"\\]|\\.)*")/;
    var UUID_AT = /"uuid"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)/, UUID_LAST = /"uuid"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\s]+)\s*\}\s*$/;
    var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    var ON_READY = 'hsConversationsOnReady', TOP_METHODS = ['clear', 'on', 'off', 'debug', 'resetAndReloadWidget'];
    var WIDGET_METHODS = ['load', 'refresh', 'open', 'close', 'remove', 'status'];
    // The loader: HubSpot's CDN, the simulator's /hs/ path, conversations-embed.js anywhere.
    var LOADER_URL = /^https:\/\/js(?:-[a-z0-9]+)?\.usemessages\.com\/|^https?:\/\/[^\/?#]+\/hs\/|\/conversations-embed\.js(?:[?#]|$)/;
    var MAYBE_HUBSPOT_SCRIPT = 'script[src*="hs-scripts"],script[src*="usemessages"],script[src*="hs/"],script[src*="conversations-embed"],#' + LOADER_ID;
    var HUBSPOT_URL = /^https?:\/\/(?:[^\/?#]*\.)?(?:hubspot(?:qa)?|hs-scripts|usemessages|hubapi|hs-analytics|hs-banner|hsforms|hscollectedforms)\.(?:com|net)(?:[:\/?#]|$)/;
    var EXTENSION_URL = /^(?:chrome|moz)-extension:/, JS_TYPE = /^\s*(?:module|(?:text|application)\/(?:x-)?(?:java|ecma)script(?:1\.[0-5])?|text\/[jl](?:ive)?script)\s*$/i;
    // A stack frame: V8 "    at fn (url:line:col)" / "    at url:line:col", Firefox "fn@url:line:col".
    var FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$|^[^@\s]*@(.+?):(\d+):(\d+)$/;

    var settingsAssignedSeen = false, lastAssignedSettings;
    var knownApi, generation = 0, firstObject = true, placeholder = null, apiFrameLoaded = false, subscribedApi = null;
    var hiddenListenId = -1;                           // the panel's `listen` command (its id), -1 until one came
    var trapsInstalled = false, observing = false, observer = null, relayListens = false, flushTimer = 0, flushQueued = false, lastFlush = -1e9, seq = 0;
    var chatWindows = null, chatWindowCount = 0;       // the chat iframes' windows, until the DOM changes
    var loadedFrames = createObject(null), loadedFrameCount = 0, loaderSrcsSeen = createObject(null);
    var buffer = createObject(null), bufferHead = 0, bufferCount = 0, bufferChars = 0, dropped = 0; // a ring of records
    var serialNodes = 0, serialChars = 0, serialStack = createObject(null);
    var callDepth = 0, originals = new NativeWeakMap(), objectInfo = new NativeWeakMap(), handlerIds = new NativeWeakMap(), handlerCount = 0;
    var onReadyValue, onReadyRead = null, onReadyReadLength = 0, insertedFrames = createObject(null), insertedCount = 0;
    var diagnosing = false, lastNavUrl = '';

    // ---- buffer and batches (§1, §2). Records are kept as JSON text; `bytes` = upper bound of what the
    // record adds once the batch is JSON-escaped again inside the relay message (UTF-8 + escapes).
    function escapedBytes(s) {
      var n = s.length, bytes = n, c, k;
      if (n < 1000) return 3 * n;
      for (k = 0; k < n; k++) {
        c = charCodeAt(s, k);
        if (c > 127) bytes += c < 2048 || (c >= 0xD800 && c < 0xE000) ? 1 : 2; else if (c === 34 || c === 92) bytes++;
      }
      return bytes;
    }
    // Every record is made here (always called with a literal kind): fields = ',"<name>":<JSON>…', t = when observed.
    function add(kind, fields, t) {
      if (!domBuiltins && !haveDomBuiltins()) return;
      var text = recordOf(kind, ++seq, t === undefined ? clockNow(clock) : t, fields) + '}';
      keep({ text: text, chars: text.length, bytes: escapedBytes(text) });
    }
    // A chat iframe's message is kept as the string it came as (immutable: reading it later reads the same) and
    // made a record only when it is sent (makeRecord): a page whose panel is closed pays a push per message.
    function addMessage(data, fromChat) {
      keep({ text: null, chars: data.length, data: data, fromChat: fromChat, seq: ++seq, t: clockNow(clock) });
    }
    function keep(r) {
      while (bufferCount && (bufferCount >= MAX_BUFFERED || bufferChars + r.chars > MAX_BUFFERED_CHARS)) { takeOldest(); dropped++; }
      buffer[(bufferHead + bufferCount) % MAX_BUFFERED] = r; bufferCount++; bufferChars += r.chars;
      if (relayListens) scheduleFlush();
    }
    function takeOldest() {
      var r = buffer[bufferHead]; buffer[bufferHead] = null; bufferHead = (bufferHead + 1) % MAX_BUFFERED;
      bufferCount--; bufferChars -= r.chars; return r;
    }
    // Adaptive: idle, a record goes at the end of the task that made it (one event reaches the panel in a frame);
    // under load, at most one flush per FLUSH_INTERVAL, so a flood costs a batch per interval, not a message per event.
    var FLUSH_INTERVAL = 16;
    function scheduleFlush() {
      if (flushTimer || flushQueued) return;
      var wait = lastFlush + FLUSH_INTERVAL - clockNow(clock);
      if (wait > 0) flushTimer = setTimer(window, flush, wait);
      else { flushQueued = true; try { microtask(window, flush); } catch (e) { flushQueued = false; flushTimer = setTimer(window, flush, 0); } }
    }
    function flush(force) {
      flushTimer = 0; flushQueued = false;
      var left = bufferCount;                          // records added by page listeners during a dispatch wait for the next flush
      if (!left && force !== true) return;
      lastFlush = clockNow(clock);
      do left = sendBatch(left); while (left > 0);
    }
    function sendBatch(left) {
      var text = '{"v":' + FACTS.version + ',"doc":"' + docId + '","url":' + toJson(clip(pageLocation.href, FACTS.maxUrlChars)) +
        ',"time_origin":' + timeOrigin + ',"dropped":' + dropped + ',"records":[';
      var size = 3 * text.length + 2, chars = text.length + 2, n = 0, r;
      dropped = 0;
      while (left > 0 && n < FACTS.sliceRecords) {     // a slice as the relay sends it: it need not cut it again
        r = buffer[bufferHead];
        if (r.text === null && !makeRecord(r)) { takeOldest(); left--; continue; }   // not a record after all
        if (n && chars + r.chars + 1 > FACTS.sliceChars) break;
        if (size + r.bytes + 1 > FACTS.maxBatchBytes) { if (n) break; takeOldest(); dropped++; left--; continue; } // never: payloads are budgeted
        text += (n++ ? ',' : '') + takeOldest().text; size += r.bytes + 1; chars += r.chars + 1; left--;
      }
      var init = createObject(null);
      init.detail = text + ']}';
      try { dispatch(document, new NewCustomEvent(FACTS.pageEvent, init)); } catch (e) { /* page listeners cannot break us */ }
      return left;
    }

    // ---- payload sanitiser: JSON text, bounded. Runs no page code: own properties are read through their
    // descriptors (an accessor is the marker "[getter]", never invoked), so no getter, toJSON, then,
    // toString/valueOf or Symbol.toPrimitive runs; a Proxy sees only ownKeys and getOwnPropertyDescriptor.
    function sanitize(v) { serialNodes = 0; serialChars = 0; try { return serialize(v, 0); } catch (e) { return '"[Thrown]"'; } }
    function jsonString(s) { var n = s.length, max = FACTS.maxStringChars; if (n > max) s = strSlice(s, 0, max) + '\u2026[+' + (n - max) + ' chars]'; s = toJson(s); serialChars += s.length; return s; }
    // The own data value of o[key]; GETTER for an accessor, undefined when absent (may throw: proxies).
    function ownData(o, key) { var d = descriptorOf(o, key); return !d ? undefined : hasOwn(d, 'value') ? d.value : GETTER; }
    function serializeMember(o, key, depth) { var x; try { x = ownData(o, key); } catch (e) { return '"[Thrown]"'; } return x === GETTER ? '"[getter]"' : serialize(x, depth + 1); }
    function serialize(v, depth) {
      var type = typeof v, out, n, j, keys;
      if (type === 'string') return jsonString(v);
      if (type === 'number') return v - v === 0 ? '' + v : '"[' + v + ']"';
      if (type === 'boolean') return v ? 'true' : 'false';
      if (v === null) return 'null';
      if (type === 'undefined' || type === 'symbol' || type === 'function') return '"[' + type + ']"';
      if (type === 'bigint') return '"[bigint ' + v + ']"';
      if (++serialNodes > 5000 || serialChars > PAYLOAD_BUDGET) return '"[Truncated]"';
      if (depth >= 8) return '"[Depth]"';
      for (j = 0; j < depth; j++) if (serialStack[j] === v) return '"[Circular]"';
      serialStack[depth] = v;
      try {
        if (isArray(v)) {
          for (n = ownData(v, 'length'), n = typeof n === 'number' ? n : 0, out = '[', j = 0; j < n && j < FACTS.maxItems && serialChars <= PAYLOAD_BUDGET; j++) out += (j ? ',' : '') + serializeMember(v, j, depth);
          return out + (j < n ? (j ? ',' : '') + '"[+' + (n - j) + ' more]"]' : ']');
        }
        for (keys = objectKeys(v), n = keys.length, out = '{', j = 0; j < n && j < FACTS.maxItems && serialChars <= PAYLOAD_BUDGET; j++) {
          out += (j ? ',' : '') + jsonString(keys[j]) + ':' + serializeMember(v, keys[j], depth);
        }
        return out + (j < n ? (j ? ',' : '') + '"[more]":"[+' + (n - j) + ' keys]"}' : '}');
      } catch (e) { return '"[Thrown]"'; } finally { serialStack[depth] = null; }
    }
    function ownValue(o, key) { try { var x = o !== null && typeof o === 'object' ? ownData(o, key) : undefined; } catch (e) { return undefined; } return x === GETTER ? undefined : x; }
    function clip(s, n) { return typeof s !== 'string' ? '' : s.length > n ? strSlice(s, 0, n) : s; }

    // ---- window.HubSpotConversations and window.hsConversationsSettings are trapped by accessors whose
    // getter returns exactly what was assigned and whose setter reports it (onAssign). A trap starts
    // non-enumerable (Object.keys unchanged); the first assignment re-creates it enumerable at the
    // END of the key order, where a plain assignment would have put it. Until then the trap lets what
    // window inherits show through: reads go to the prototype chain (the page's own getter, if any, runs
    // for the page's read, as without the hook), and an assignment that an inherited setter or read-only
    // value would take is left to it (not reported: that value is observed like a page-owned accessor).
    function windowTrap(name, onAssign) {
      var value, unassigned = false, accessor = descriptorOf({
        get [name]() { return unassigned ? reflectGet(windowProto, name, this) : value; },
        set [name](v) {
          var inherited = unassigned ? nearestDescriptor(windowProto, name) : undefined;
          if (inherited && !(hasOwn(inherited, 'value') && inherited.writable)) { if (hasOwn(inherited, 'set') && inherited.set) callFunction(inherited.set, this, v); return; }
          value = v;
          if (unassigned) { unassigned = false; try { delete window[name]; defineProperty(window, name, descriptor(true)); } catch (e) { /* ignore */ } }
          try { onAssign(v); } catch (e) { /* never throw into the page */ }
        }
      }, name);
      function descriptor(enumerable) {
        var d = createObject(null); d.get = accessor.get; d.set = accessor.set; d.enumerable = enumerable; d.configurable = true; return d;
      }
      function owns(d) { return !!d && hasOwn(d, 'get') && d.get === accessor.get; }
      function install(d) {                            // in place of d: window[name]'s data property, or nothing
        value = d ? d.value : undefined; unassigned = !d;
        try { defineProperty(window, name, descriptor(d ? d.enumerable : false)); } catch (e) { /* page wins */ }
      }
      return {
        install: install, owns: owns,                  // owns(d): is d, window[name]'s descriptor now, the trap?
        // A deleted trap, or a plain data property (deleted and assigned again), is trapped again;
        // a property the page defined is left to the page (false); nothing before HubSpot shows up (false).
        reclaim: function (d) { if (!trapsInstalled || (d && !(hasOwn(d, 'value') && d.writable && d.enumerable && d.configurable))) return false; install(d); return true; },
        // What window[name] gives now: behind the trap, a data property (own or inherited), or the page's own
        // getter's result (may throw); with `passive`, NOT_READ instead of running that getter.
        current: function (passive) {
          var d = descriptorOf(window, name);
          if (owns(d)) { if (!unassigned) return value; d = nearestDescriptor(windowProto, name); } else if (!d) d = nearestDescriptor(windowProto, name);
          return !d ? undefined : hasOwn(d, 'value') ? d.value : passive ? NOT_READ : valueBy(d, window);
        }
      };
    }
    // hsConversationsOnReady's early history decides onready-overwritten (a second assignment before the loader
    // reads it), and it happens before HubSpot shows up. Until then its watcher sits on Window.prototype: window
    // has no own property (hasOwnProperty, getOwnPropertyDescriptor and Object.keys answer as without the
    // extension; only `in` sees it). The first assignment moves the trap onto window, as the own enumerable
    // property a plain assignment makes.
    var watcher = null;
    function watchOnPrototype(name, onAssign) {
      watcher = descriptorOf({
        get [name]() { return reflectGet(prototypeOf(windowProto), name, this); },
        set [name](v) {
          var d = createObject(null);
          d.value = v; d.writable = true; d.enumerable = true; d.configurable = true;
          if (this !== window) { try { defineProperty(this, name, d); } catch (e) { /* as a failed assignment */ } return; }
          unwatch(name);
          trapOf(name).install(d);
          try { onAssign(v); } catch (e) { /* never throw into the page */ }
        }
      }, name);
      watcher.enumerable = false; watcher.configurable = true;
      try { defineProperty(windowProto, name, watcher); } catch (e) { watcher = null; }
    }
    function unwatch(name) {
      var d = watcher && descriptorOf(windowProto, name);
      if (d && d.get === watcher.get) try { delete windowProto[name]; } catch (e) { /* ignore */ }
      watcher = null;
    }
    function noteSettings(v) { addSettings('assigned', v); }
    // Made when first needed (HubSpot shows up, a panel asks, or the onReady watcher is assigned to): a page without
    // HubSpot makes none (three accessor pairs with computed names and their closures: about 0.1 ms at load).
    var apiTrap = null, settingsTrap = null, onReadyTrap = null;
    function trapOf(name) {
      if (!apiTrap) { apiTrap = windowTrap(API, function (v) { noteApi(v); }); settingsTrap = windowTrap(SETTINGS, noteSettings); onReadyTrap = windowTrap(ON_READY, noteOnReady); }
      return name === API ? apiTrap : name === SETTINGS ? settingsTrap : onReadyTrap;
    }
    // Fallback when the page owns the property (its accessor, an inherited value, or it redefined ours): data
    // properties are read through descriptors; the page's getter runs only with readGetter (chat iframe `load`).
    function checkApi(readGetter) {
      var d = descriptorOf(window, API), trap = trapOf(API), v;
      try { v = trap.current(!readGetter); } catch (e) { return; }
      if (v !== NOT_READ) noteApi(v);
      if (!trap.owns(d)) trap.reclaim(d);
    }
    // Placeholder rule: an object is the placeholder iff window.hsConversationsSettings has
    // loadImmediately === false when it is assigned AND it is the first object of this document
    // (later objects come from widget.load() or a reset and are real). Refinement for a hook
    // injected late: an object that already has a chat iframe on the page is real.
    function noteApi(v) {
      if (v === knownApi || (!v && !knownApi)) return;
      knownApi = v; apiFrameLoaded = false;
      var state = 'absent', settings, isPlaceholder, methods = '[]', selector;
      if (v) {
        // The loader has just read the settings (read here once: a page-owned accessor runs once). A page-owned
        // settings property was never seen being assigned: what the loader read was set before it read it.
        if (!generation) checkSettings();
        checkOnReady(); checkOnReadyGrew();            // the previous object's onReady array first
        try { settings = currentSettings(); } catch (e) { settings = undefined; }
        if (!generation && !settingsAssignedSeen && settings !== undefined) addSettings('assigned', settings);
        generation++;
        try { isPlaceholder = firstObject && ownValue(settings, 'loadImmediately') === false; } catch (e) { isPlaceholder = false; }
        if (isPlaceholder) forEachChatFrame(function () { isPlaceholder = false; });
        state = isPlaceholder ? 'placeholder' : 'ready'; placeholder = isPlaceholder ? v : null; firstObject = false;
        methods = methodNames(v);
        wrapMethods(v, isPlaceholder);
      }
      add('api', ',"state":"' + state + '","generation":' + generation + ',"methods":' + methods);
      if (v) {
        addSettings('read', settings); if ((selector = inlineSelector(settings))) addInline(selector);
        try { readOnReady(); } catch (e) { /* a hostile proxy */ }
        if (diagnosing) addEnv();                      // else diagnose() adds it
        observeWidget();
      }
    }

    // ---- window.hsConversationsOnReady: each assignment; what the loader reads at each new object (read here
    // then, by descriptor: a page-owned accessor is not run); the array read growing afterwards (too late).
    function arrayLength(v) { var n = isArray(v) ? ownValue(v, 'length') : 0; return typeof n === 'number' ? n : 0; }
    function addOnReady(action, v, replaced) {
      add('onready', ',"action":"' + action + '","array":' + isArray(v) + ',"length":' + arrayLength(v) + ',"generation":' + generation + ',"replaced":' + replaced);
    }
    function noteOnReady(v) {
      var previous = onReadyValue;
      onReadyValue = v;
      addOnReady('assigned', v, previous !== v ? arrayLength(previous) : 0);
    }
    function checkOnReady() {
      var d = descriptorOf(window, ON_READY), trap = trapOf(ON_READY);
      if (!trap.owns(d) && trap.reclaim(d) && d && d.value !== onReadyValue) noteOnReady(d.value);
    }
    function readOnReady() {
      var v = trapOf(ON_READY).current(true);
      if (v === NOT_READ) return;
      onReadyRead = isArray(v) ? v : null; onReadyReadLength = arrayLength(v);
      addOnReady('read', v, 0);
      if (onReadyRead) setTimer(window, checkOnReadyGrew, 2000);
    }
    function checkOnReadyGrew() {
      try {
        var n = arrayLength(onReadyRead);
        if (onReadyRead && n > onReadyReadLength) { onReadyReadLength = n; addOnReady('grew', onReadyRead, 0); }
      } catch (e) { /* a hostile proxy */ }
    }

    // ---- the page's own SDK calls (page_call). Each method of each object is replaced where it lives by a wrapper
    // that calls the original with the same `this` and arguments and returns or throws exactly what it does.
    function wrapMethods(api, isPlaceholder) {
      var info = ',"generation":' + generation + ',"placeholder":' + isPlaceholder, d, widget, j;
      try {
        mapSet(objectInfo, api, info);
        for (j = 0; j < TOP_METHODS.length; j++) wrapMethod(api, TOP_METHODS[j], TOP_METHODS[j], info);
        if ((d = nearestDescriptor(api, 'widget')) && hasOwn(d, 'value') && isObject(widget = d.value)) {
          mapSet(objectInfo, widget, info);
          for (j = 0; j < WIDGET_METHODS.length; j++) wrapMethod(widget, WIDGET_METHODS[j], 'widget.' + WIDGET_METHODS[j], info);
        }
      } catch (e) { /* a hostile proxy */ }
    }
    // A frozen or read-only method, an accessor, or one inherited from a builtin prototype is left alone.
    function wrapMethod(holder, name, method, info) {
      try {
        for (var p = holder, d, depth = 0; isObject(p) && depth < 64 && !(d = descriptorOf(p, name)); depth++) p = prototypeOf(p);
        if (!d || !hasOwn(d, 'value') || typeof d.value !== 'function' || !d.writable || mapGet(originals, d.value) !== undefined ||
          p === ObjectProto || p === FunctionProto || p === ArrayProto) return;
        var change = createObject(null);
        change.value = wrapperOf(d.value, method, info);
        defineProperty(p, name, change);
      } catch (e) { /* left alone */ }
    }
    function wrapperOf(original, method, info) {
      var constructible = hasOwn(original, 'prototype'), wrapper = constructible
        ? function () { return new.target ? constructWith(original, arguments, new.target === wrapper ? original : new.target) : pageCall(original, method, info, this, arguments); }
        : { m() { return pageCall(original, method, info, this, arguments); } }.m;   // no prototype, like the original
      copyProperty(original, wrapper, 'length'); copyProperty(original, wrapper, 'name');
      if (constructible) copyProperty(original, wrapper, 'prototype');
      mapSet(originals, wrapper, original);
      return wrapper;
    }
    function copyProperty(from, to, key) {
      var d = descriptorOf(from, key), copy = createObject(null);
      if (!d) { delete to[key]; return; }
      if (hasOwn(d, 'value')) { copy.value = d.value; copy.writable = d.writable; } else { copy.get = d.get; copy.set = d.set; }
      copy.enumerable = d.enumerable; copy.configurable = d.configurable;
      defineProperty(to, key, copy);
    }
    function pageCall(original, method, info, self, args) {
      var t0 = clockNow(clock), site = callSite(), result;
      callDepth++;
      try { result = applyFunction(original, self, args); } catch (e) { callDepth--; if (site) addPageCall(method, info, self, args, t0, site, true, e); throw e; }
      callDepth--;
      if (site) addPageCall(method, info, self, args, t0, site, false, result);
      return result;
    }
    function addPageCall(method, info, self, args, t0, site, threw, result) {
      try {
        var handler = 0, fn = args.length > 1 ? args[1] : undefined, value = 'null', error = '', j, out = '[';
        if ((method === 'on' || method === 'off') && typeof fn === 'function' && !(handler = mapGet(handlerIds, fn))) mapSet(handlerIds, fn, handler = ++handlerCount);
        if (threw) error = errorText(result); else if (result !== undefined) value = sanitize(result);
        for (serialNodes = 0, serialChars = 0, j = 0; j < args.length && j < 100; j++) out += (j ? ',' : '') + serialize(args[j], 1);
        add('page_call', ',"method":"' + method + '"' + (mapGet(objectInfo, self) || info) + ',"args":' + out + '],"outcome":"' + (threw ? 'threw' : 'returned') +
          '","value":' + value + ',"error":' + toJson(error) + ',"handler":' + handler + site, t0);
      } catch (e) { /* never into the page */ }
    }
    // Where a page call comes from, as the record's last fields; '' when it is not recorded: the loader's own call,
    // and a call made inside another call (callDepth) unless page code that the loader ran made it (an onReady
    // callback, an event handler). The first frame is the hook's own; extension frames are skipped too.
    function callSite() {
      try {
        if (observing) noteInsertedFrames();          // an insertion just before the call is recorded before it
        var text = stackText(), pos = 0, end, m, url, own = '', caller = '', fromLoader = false;
        while (pos < text.length && !fromLoader) {
          end = strIndexOf(text, '\n', pos); if (end < 0) end = text.length;
          m = regexExec(FRAME, strSlice(text, pos, end)); pos = end + 1;
          if (m === null) continue;
          url = m[1] !== undefined ? m[1] : m[4];
          if (!own) own = url;
          if (url === own || regexExec(EXTENSION_URL, url) !== null) continue;
          if (regexExec(LOADER_URL, url) !== null) { if (!caller) return ''; fromLoader = true; }
          else if (!caller) caller = url + ':' + (m[1] !== undefined ? m[2] + ':' + m[3] : m[5] + ':' + m[6]);
        }
        return callDepth && !fromLoader ? '' : ',"caller":' + toJson(clip(caller, FACTS.maxUrlChars)) + ',"from_loader":' + fromLoader;
      } catch (e) { return callDepth ? '' : ',"caller":"","from_loader":false'; }
    }
    // The stack of a new Error, read without running page code: '' when the page defined prepareStackTrace (V8 would
    // run it) or replaced Error. stackTraceLimit, when a plain number, is raised for the read and put back.
    function stackText() {
      var d = descriptorOf(window, 'Error'), limit, error;
      if (!d || d.value !== NativeError || prototypeOf(NativeError) !== FunctionProto || prototypeOf(FunctionProto) !== ObjectProto ||
        descriptorOf(NativeError, 'prepareStackTrace') || descriptorOf(FunctionProto, 'prepareStackTrace') || descriptorOf(ObjectProto, 'prepareStackTrace')) return '';
      limit = descriptorOf(NativeError, 'stackTraceLimit');
      if (limit && hasOwn(limit, 'value') && limit.writable && typeof limit.value === 'number') NativeError.stackTraceLimit = 50; else limit = null;
      error = new NativeError();
      if (limit) NativeError.stackTraceLimit = limit.value;
      d = descriptorOf(error, 'stack') || errorStack;
      d = d ? valueBy(d, error) : '';
      return typeof d === 'string' ? d : '';
    }

    // ---- reading page objects without calling anything but (at most once) an accessor's getter.
    function isObject(o) { return o !== null && (typeof o === 'object' || typeof o === 'function'); }
    function nearestDescriptor(o, key) {               // own or inherited; may throw (proxies)
      for (var p = o, d, j = 0; isObject(p) && j < 64; j++, p = prototypeOf(p)) if ((d = descriptorOf(p, key))) return d;
      return undefined;
    }
    // What descriptor d gives when read on o: its value, or what its getter returns (may throw).
    function valueBy(d, o) { return hasOwn(d, 'value') ? d.value : hasOwn(d, 'get') && typeof d.get === 'function' ? callFunction(d.get, o) : undefined; }
    function readProperty(o, key) { var d = nearestDescriptor(o, key); return d ? valueBy(d, o) : undefined; }
    function dataValue(o, key) { var d = nearestDescriptor(o, key); return d && hasOwn(d, 'value') ? d.value : undefined; }
    // Function-valued data properties (own and inherited, above Object/Function.prototype) of the
    // object and of object.widget, sorted, as JSON text. Accessors are skipped, never invoked; names ≤ 90 chars.
    function methodNames(o) {
      var names = createObject(null), seen = createObject(null), n = 0, out = '[', j, name, w, d;
      function scan(x, prefix) {
        for (var p = x, keys, d, k, c, depth = 0; isObject(p) && p !== ObjectProto && p !== FunctionProto && depth < 64; depth++, p = prototypeOf(p)) {
          for (keys = ownNames(p), c = keys.length, k = 0; k < c && n < 200; k++) {
            name = keys[k];
            if (typeof name !== 'string' || name.length > 90 || name === 'constructor' || seen[prefix + name] === 1) continue;
            seen[prefix + name] = 1;                   // the nearest property decides (shadowing)
            d = descriptorOf(p, name);
            if (d && hasOwn(d, 'value') && typeof d.value === 'function') names[n++] = prefix + name;
          }
        }
      }
      try {
        scan(o, '');
        if ((d = nearestDescriptor(o, 'widget')) && hasOwn(d, 'value') && isObject(w = d.value)) scan(w, 'widget.');
      } catch (e) { /* a hostile proxy: what was read so far */ }
      for (j = 1; j < n; j++) { for (name = names[j], w = j; w > 0 && names[w - 1] > name; w--) names[w] = names[w - 1]; names[w] = name; }
      for (j = 0; j < n; j++) out += (j ? ',' : '') + toJson(names[j]);
      return out + ']';
    }

    // ---- window.hsConversationsSettings: each assignment is recorded (phase: before/after the first API object).
    function currentSettings() { try { return trapOf(SETTINGS).current(); } catch (e) { return undefined; } }
    function checkSettings() {
      var d = descriptorOf(window, SETTINGS), trap = trapOf(SETTINGS);
      if (trap.owns(d) || !trap.reclaim(d)) return;
      if (d && (!settingsAssignedSeen || d.value !== lastAssignedSettings)) addSettings('assigned', d.value);
    }
    function addSettings(source, v) {
      var present = v !== null && typeof v === 'object', fields = '{', keys, n, j, key, x, type, value;
      if (source === 'assigned') { settingsAssignedSeen = true; lastAssignedSettings = v; }
      if (present) {
        serialNodes = 0; serialChars = 0;
        try {
          for (keys = objectKeys(v), n = keys.length, j = 0; j < n && j < 100; j++) {
            key = keys[j];
            try {
              x = ownData(v, key);
              type = x === GETTER ? 'accessor' : x === null ? 'null' : isArray(x) ? 'array' : typeof x;
              value = x === GETTER ? '"[getter]"' : key === 'identificationToken' && type === 'string' ? toJson('\u2022\u2022\u2022\u2022 (' + x.length + ' chars)')
                : serialChars > PAYLOAD_BUDGET ? '"[Truncated]"' : serialize(x, 0);
            } catch (e) { type = 'thrown'; value = '"[Thrown]"'; }
            fields += (j ? ',' : '') + jsonString(key) + ':{"type":"' + type + '","value":' + value + '}';
          }
        } catch (e) { /* a hostile proxy: the keys read so far */ }
      }
      fields = ',"source":"' + source + '","phase":"' + (generation ? 'after' : 'before') + '_loader","present":' + present + ',"fields":' + fields + '}';
      if (source === 'assigned') assignedSettingsRecord = fields;   // re-sent as is to a new relay (helloFrom)
      add('settings', fields);
    }

    // ---- the inline embed: the selector in the current settings, its target, the iframe's size.
    function inlineSelector(settings) {                // the loader merges own keys only; a getter is not run
      var x = ownValue(settings, 'inlineEmbedSelector');
      return typeof x === 'string' ? x : '';
    }
    function addInline(selector) {
      var exists = false, width = 0, height = 0, frame = getElementById(document, INLINE_FRAME_ID), rect;
      if (selector) { try { exists = querySelector(document, selector) !== null; } catch (e) { /* an invalid selector finds nothing */ } }
      try { if (frame && localName(frame) === 'iframe') { rect = boundingRect(frame); width = rectWidth(rect); height = rectHeight(rect); } } catch (e) { /* ignore */ }
      add('inline', ',"selector":' + toJson(clip(selector, FACTS.maxUrlChars)) + ',"exists":' + exists +
        ',"width":' + (width - width === 0 ? width : 0) + ',"height":' + (height - height === 0 ? height : 0));
    }
    function addInlineIfSet() { var selector = inlineSelector(currentSettings()); if (selector) addInline(selector); }

    // ---- the panel's calls (§5): against the CURRENT object, in try/catch.
    function validArgs(method, args) {
      if (!isArray(args) || args.length > 1) return false;
      if (!args.length) return method !== 'debug';
      var arg = args[0], option = FACTS.sdkMethods[method], keys;
      if (method === 'debug') return typeof arg === 'boolean';
      if (!option || arg === null || typeof arg !== 'object' || isArray(arg)) return false;
      keys = objectKeys(arg);
      return keys.length === 1 && keys[0] === option && typeof arg[option] === 'boolean';
    }
    function errorText(e) {
      var type = typeof e, name, message;
      if (isObject(e)) {
        try { name = dataValue(e, 'name'); } catch (x) { name = undefined; }     // no getter runs
        try { message = dataValue(e, 'message'); } catch (x) { message = undefined; }
        name = typeof name === 'string' && name ? name : 'Error';
        return clip(typeof message === 'string' && message ? name + ': ' + message : name, FACTS.maxUrlChars);
      }
      return type === 'symbol' ? 'Symbol' : clip(type === 'string' ? e : '' + e, FACTS.maxUrlChars);
    }
    function runCall(command) {
      var id = ownValue(command, 'id'), method = ownValue(command, 'method'), args = ownValue(command, 'args'), t0 = clockNow(clock);
      var api, self, fn, result, outcome = 'returned', value = 'null', error = '';
      if (typeof id !== 'number' || !(id >= 0 && id <= 9007199254740991) || id % 1 !== 0) return false;
      if (typeof method !== 'string' || !hasOwn(FACTS.sdkMethods, method) || !validArgs(method, args)) return false;
      try {
        api = trapOf(API).current();
        if (!isObject(api)) outcome = 'not_ready';
        else {
          self = api;
          if (strSlice(method, 0, 7) !== 'widget.') fn = readProperty(api, method);
          else { self = readProperty(api, 'widget'); fn = isObject(self) ? readProperty(self, strSlice(method, 7)) : undefined; }
          if (typeof fn !== 'function') outcome = 'missing';
          else {
            t0 = clockNow(clock); callDepth++;            // not a page call (callSite)
            try { result = args.length ? callFunction(fn, self, args[0]) : callFunction(fn, self); } finally { callDepth--; }
            if (result !== undefined) value = sanitize(result);
          }
        }
      } catch (e) { outcome = 'threw'; error = errorText(e); }
      add('call', ',"id":' + id + ',"method":' + toJson(method) + ',"args":' + sanitize(args) + ',"outcome":"' + outcome +
        '","value":' + value + ',"error":' + toJson(error), t0);
      return true;
    }
    // The panel's `listen` command (§5): from now on, on('widgetHidden') once per real object; at once for the
    // current object when its iframe has loaded. Later commands in the same document change nothing.
    function listenTo(command) {
      var id = ownValue(command, 'id'), event = ownValue(command, 'event');
      if (typeof id !== 'number' || !(id >= 0 && id <= 9007199254740991) || id % 1 !== 0) return false;
      if (event !== FACTS.listenEvents[0]) return false;
      if (hiddenListenId < 0) hiddenListenId = id;
      subscribeWidgetHidden();
      return true;
    }
    function readPage() {
      checkSettings();
      var settings = currentSettings();
      addSettings('read', settings);
      addInline(inlineSelector(settings));
      checkOnReadyGrew(); addEnv();
    }

    // ---- the chat iframe and the loader script (observed only once HubSpot shows up).
    function forEachChatFrame(fn) {
      var frame = getElementById(document, CHAT_FRAME_ID), container = getElementById(document, CONTAINER_ID), list, n, j;
      if (frame && localName(frame) === 'iframe') fn(frame);
      if ((frame = getElementById(document, INLINE_FRAME_ID)) && localName(frame) === 'iframe') fn(frame);
      if (container) for (list = getElementsByTagName(container, 'iframe'), n = collectionLength(list), j = 0; j < n; j++) {
        frame = collectionItem(list, j);
        if (elementId(frame) !== CHAT_FRAME_ID && elementId(frame) !== INLINE_FRAME_ID) fn(frame);
      }
    }
    function isChatFrame(frame) { var id = elementId(frame); return id === CHAT_FRAME_ID || id === INLINE_FRAME_ID || closest(frame, '#' + CONTAINER_ID) !== null; }
    function frameFields(frame) {
      var inline = elementId(frame) === INLINE_FRAME_ID || closest(frame, INLINE_PARENT_SELECTOR) !== null;
      return ',"inline":' + inline + ',"src":' + toJson(clip(frameSrc(frame), FACTS.maxUrlChars));
    }
    // A chat iframe newly in the page (checked on mutations, page calls, the initialized event): one `iframe` record.
    function noteInsertedFrames() {
      for (var j = insertedCount - 1; j >= 0; j--) {
        if (!isConnected(insertedFrames[j])) { insertedFrames[j] = insertedFrames[--insertedCount]; insertedFrames[insertedCount] = null; }
      }
      forEachChatFrame(function (frame) {
        for (var k = 0; k < insertedCount; k++) if (insertedFrames[k] === frame) return;
        insertedFrames[insertedCount++] = frame;
        add('iframe', frameFields(frame));
      });
    }
    function frameLoaded(frame) {
      var j = 0, tracked;
      noteInsertedFrames();
      while (j < loadedFrameCount && loadedFrames[j].frame !== frame) j++;
      if (j === loadedFrameCount) {                    // a reload of a tracked iframe is not a new "loaded"
        tracked = { frame: frame, fields: frameFields(frame) };
        loadedFrames[loadedFrameCount++] = tracked;
        add('widget', ',"loaded":true' + tracked.fields);
        addInlineIfSet();
      }
      apiFrameLoaded = true;
      if (hiddenListenId >= 0) setTimer(window, subscribeWidgetHidden, 0);   // after the loader's own load handler
    }
    function frameCommitted(frame) {                   // its own document has loaded (not the initial about:blank)
      var d = frameDocument(frame); return d === null ? frameWindow(frame) !== null : readyState(d) === 'complete' && documentUrl(d) !== 'about:blank';
    }
    // Once per src; again when a new element has the src of one that was removed (a framework re-inserting the embed).
    function noteLoader(script) {
      var src = scriptSrc(script), seen, portal = null, match, type;
      if (!src || ((seen = loaderSrcsSeen[src]) && (seen.script === script || isConnected(seen.script)))) return;
      if (elementId(script) === LOADER_ID) portal = getAttribute(script, 'data-hsjs-portal');
      else if ((match = regexExec(PORTAL_SCRIPT, src)) !== null) portal = match[1];
      else return;
      type = getAttribute(script, 'type');             // e.g. text/plain from a consent tool: never runs
      loaderSrcsSeen[src] = seen = { script: script, fields: ',"src":' + toJson(clip(src, FACTS.maxUrlChars)) + ',"portal":' +
        (portal ? toJson(clip(portal, FACTS.maxNameChars)) : 'null') + ',"blocked":' + (!!type && regexExec(JS_TYPE, type) === null) + ',"again":' + !!seen };
      add('loader', seen.fields);
      observeWidget();
    }
    // With `byUrl`, a script from a loader URL (no portal of its own) also makes the hook observe the page.
    function scanLoaders(byUrl) {
      for (var list = documentScripts(document), n = collectionLength(list), j = 0, script; j < n; j++) {
        noteLoader(script = collectionItem(list, j));
        if (byUrl && !trapsInstalled && regexExec(LOADER_URL, scriptSrc(script)) !== null) observeWidget();
      }
    }
    function installTraps() {
      trapsInstalled = true;
      unlisten(document, 'load', onEarlySign, listenerOptions); unlisten(window, 'DOMContentLoaded', onContentLoaded, listenerOptions);
      trapInPlace(SETTINGS, noteSettings);
      unwatch(ON_READY);
      trapInPlace(ON_READY, noteOnReady);
      var apiAtStart = descriptorOf(window, API);
      if (!apiAtStart) { trapOf(API).install(undefined); checkApi(); }   // an inherited data value
      else if (hasOwn(apiAtStart, 'value') && apiAtStart.writable && apiAtStart.configurable) { trapOf(API).install(apiAtStart); noteApi(apiAtStart.value); }
      else { try { noteApi(window[API]); } catch (e) { /* ignore */ } observeWidget(); } // the page (or a hook before ours) owns it: read once
    }
    // hsConversationsSettings and hsConversationsOnReady: a data property already there is trapped in place and recorded.
    function trapInPlace(name, onAssign) {
      var d = descriptorOf(window, name), trap = trapOf(name);
      if (!d) trap.install(undefined);
      else if (hasOwn(d, 'value')) { if (d.writable && d.configurable) trap.install(d); onAssign(d.value); }
    }
    // Cheap on any page: the raw src and id only (no URL resolved, no regex), the DOM builtins only for a script
    // that may be HubSpot's (a superset of what noteLoader and LOADER_URL accept).
    // A script loaded before DOMContentLoaded is still there then: that scan sees it, its `load` is not looked at.
    function onContentLoaded() {
      contentLoaded = true;
      try {
        if (!(taken & DOCUMENT_GROUP) && !haveBuiltins(DOCUMENT_GROUP, document)) return;
        if (querySelector(document, MAYBE_HUBSPOT_SCRIPT) !== null && haveDomBuiltins()) scanLoaders(true);
      } catch (e) { /* ignore */ }
    }
    function onEarlySign(event) {
      try {
        if (!contentLoaded || (!(taken & LOAD_GROUP) && !haveBuiltins(LOAD_GROUP, event))) return;
        var target = eventTarget(event);
        if (localName(target) === 'script' && maybeHubSpotScript(target) && haveDomBuiltins()) {
          noteLoader(target);
          if (!trapsInstalled && regexExec(LOADER_URL, scriptSrc(target)) !== null) observeWidget();
        }
      } catch (e) { /* ignore */ }
    }
    function maybeHubSpotScript(script) {
      var src = getAttribute(script, 'src');
      return getAttribute(script, 'id') === LOADER_ID || (typeof src === 'string' && (strIndexOf(src, 'hs-scripts') >= 0 ||
        strIndexOf(src, 'usemessages') >= 0 || strIndexOf(src, 'hs/') >= 0 || strIndexOf(src, 'conversations-embed') >= 0));
    }
    function observeWidget() {
      if (!haveDomBuiltins()) return;
      if (!trapsInstalled) installTraps();
      if (observing) return;
      observing = true;
      try {
        listen(document, 'load', onLoad, true);
        var options = createObject(null); options.childList = true; options.subtree = true;
        observe(observer = new Observer(onMutation), document, options);
        if (!diagnosing) diagnose();
        scanLoaders();
        noteInsertedFrames();
        forEachChatFrame(function (frame) { if (frameCommitted(frame)) frameLoaded(frame); });
      } catch (e) { /* ignore */ }
    }
    // What only the diagnostics need, installed once HubSpot shows up: same-document URL changes, the widget-data
    // request's resource timing (buffered: also an earlier one), and the page's facts (env).
    function diagnose() {
      diagnosing = true;
      try {
        addEnv();
        lastNavUrl = pageLocation.href;
        listen(window, 'popstate', onNavigation, listenerOptions);
        listen(window, 'hashchange', onNavigation, listenerOptions);
        var navigation = navigationOf ? navigationOf(window) : null, options = createObject(null);
        if (navigation && navigationType) listen(navigation, 'currententrychange', onNavigation, listenerOptions);   // push/replaceState
        options.type = 'resource'; options.buffered = true;
        observePerformance(new NewPerformanceObserver(onResources), options);
      } catch (e) { /* what could be installed */ }
    }
    // One record per URL change: a fragment navigation fires currententrychange (as a push) and then hashchange,
    // a traversal popstate (and hashchange): the first one names it.
    function onNavigation(event) {
      try {
        var url = pageLocation.href, type = eventType(event), how = type === 'currententrychange' ? navigationType(event) : type;
        if (url === lastNavUrl || (how !== 'push' && how !== 'replace' && how !== 'popstate' && how !== 'hashchange')) return;
        lastNavUrl = url;
        add('nav', ',"how":"' + how + '","url":' + toJson(clip(url, FACTS.maxUrlChars)));
      } catch (e) { /* ignore */ }
    }
    function onResources(list) {
      try {
        for (var entries = performanceEntries(list), n = entries.length, j = 0, entry, url; j < n; j++) {
          url = entryName(entry = entries[j]);
          if (strIndexOf(url, '/livechat-public/v1/message/public') < 0 && strIndexOf(url, '/_hcms/livechat/widget') < 0) continue;
          add('widget_data', ',"url":' + toJson(clip(maskToken(url), FACTS.maxUrlChars)) + ',"status":' + ((entryStatus && entryStatus(entry)) || 0) +
            ',"duration":' + entryDuration(entry), entryStart(entry));
        }
      } catch (e) { /* ignore */ }
    }
    function maskToken(url) {
      var at = strIndexOf(url, 'identificationToken='), end;
      if (at < 0) return url;
      for (at += 20, end = at; end < url.length && charCodeAt(url, end) !== 38 && charCodeAt(url, end) !== 35; end++) { /* to & or # */ }
      return strSlice(url, 0, at) + '\u2022\u2022\u2022\u2022' + maskToken(strSlice(url, end));
    }
    function addEnv() {
      var popups = ownValue(window, 'disabledHsPopups'), list = 'null', toJsonOn = '', j, n, x;
      if (isArray(popups)) {
        for (list = '', n = arrayLength(popups), j = 0; j < n && j < 100; j++) if (typeof (x = ownValue(popups, j)) === 'string') list += ',' + toJson(clip(x, FACTS.maxNameChars));
        list = '[' + strSlice(list, 1) + ']';
      }
      if (descriptorOf(ObjectProto, 'toJSON')) toJsonOn += ',"Object"';
      if (descriptorOf(ArrayProto, 'toJSON')) toJsonOn += ',"Array"';
      if (descriptorOf(StringProto, 'toJSON')) toJsonOn += ',"String"';
      add('env', ',"secure":' + (pageLocation.protocol === 'https:') + ',"host":' + toJson(pageLocation.hostname) + ',"disabled_popups":' + list +
        ',"to_json":[' + strSlice(toJsonOn, 1) + '],"running":' + !!ownValue(window, 'hubspot_live_messages_running'));
    }
    function onLoad(event) {
      try {
        var target = eventTarget(event), name = localName(target);
        if (name === 'iframe' && isChatFrame(target)) { checkApi(true); frameLoaded(target); } else if (name === 'script') noteLoader(target);
      } catch (e) { /* ignore */ }
    }
    function onMutation() {                            // cheap: no walk over the mutation records
      chatWindows = null;
      try {
        for (var j = loadedFrameCount - 1, tracked; j >= 0; j--) {
          if (!isConnected((tracked = loadedFrames[j]).frame)) {
            loadedFrames[j] = loadedFrames[--loadedFrameCount]; loadedFrames[loadedFrameCount] = null;
            add('widget', ',"loaded":false' + tracked.fields); addInlineIfSet();
          }
        }
        checkApi();
        noteInsertedFrames();
        var loader = getElementById(document, LOADER_ID);
        if (loader) noteLoader(loader);
        if (!knownApi && !loadedFrameCount && !loader && trapOf(API).owns(descriptorOf(window, API))) {   // HubSpot went away
          observing = false; unlisten(document, 'load', onLoad, true); stopObserving(observer);
        }
      } catch (e) { /* ignore */ }
    }
    // widgetHidden is only visible through on(), and HubSpot's usage report records every on(): only after the
    // panel's `listen` command (the user's opt-in, §5), then once per real object, after its iframe loaded, until
    // the document ends. Each on() is recorded as a `call` record of the command's id.
    function subscribeWidgetHidden() {
      var api = knownApi, on, t0, outcome = 'returned', error = '';
      if (hiddenListenId < 0 || !api || api === subscribedApi || api === placeholder || !apiFrameLoaded) return;
      subscribedApi = api;
      try {
        t0 = clockNow(clock);
        try {
          on = readProperty(api, 'on');
          if (typeof on !== 'function') outcome = 'missing';
          else {
            t0 = clockNow(clock); callDepth++;          // not a page call (callSite)
            try {
              callFunction(on, api, 'widgetHidden', function (payload) {
                try { add('event', ',"name":"widgetHidden","payload":' + sanitize(payload) + ',"via":"on"'); } catch (e) { /* ignore */ }
              });
            } finally { callDepth--; }
          }
        } catch (e) { outcome = 'threw'; error = errorText(e); }
        add('call', ',"id":' + hiddenListenId + ',"method":"on","args":["widgetHidden"],"outcome":"' + outcome +
          '","value":null,"error":' + toJson(error), t0);
      } catch (e) { /* ignore */ }
    }

    // ---- listeners present on every page: chat iframe messages, the loader's DOM event, the relay.
    // What the loader does not deliver to on(): a message from a frame that is not the page's chat iframe, or
    // without a uuid of the canonical 8-4-4-4-12 hex form. Recorded, labelled (docs/protocol.md §1).
    function undelivered(fromChat, uuid) {
      var why = !fromChat ? 0 : uuid === undefined || uuid === null ? 1 : typeof uuid !== 'string' || regexExec(UUID, uuid) === null ? 2 : -1;
      return why < 0 ? '' : ',"undelivered":"' + FACTS.undelivered[why] + '"';
    }
    function jsonToken(text) { try { return parseJson(text); } catch (e) { return NaN; } }
    // What happens per message is only what decides that it is one (a few string scans, which frame sent it):
    // parsing and the record wait for makeRecord.
    function onMessage(event) {
      try {
        if (!(taken & MESSAGE_GROUP) && !haveBuiltins(MESSAGE_GROUP, event)) return;
        var data = messageData(event), fromChat;
        if (typeof data !== 'string' || charCodeAt(data, 0) !== 123) return;
        if (data.length > MAX_FRAME_MESSAGE) return onBigMessage(event, data);
        if (strIndexOf(data, '"external-api-event"') < 0 && strIndexOf(data, '"open-change"') < 0 && strIndexOf(data, '"store-messages-cookie"') < 0) return;
        if (!domBuiltins && !haveDomBuiltins()) return;
        if (!(fromChat = isChatWindow(messageSource(event))) && regexExec(CHAT_ORIGIN, messageOrigin(event)) === null) return;
        addMessage(data, fromChat);
        observeWidget();
      } catch (e) { /* ignore */ }
    }
    function recordOf(kind, seq, t, fields) { return '{"k":"' + kind + '","seq":' + seq + ',"t":' + t + fields; }   // without its closing brace
    // A message kept by addMessage made the record it is (false: it is none).
    function makeRecord(r) {
      var text = '', message, body, type, name, fromChat = r.fromChat;
      try {
        message = parseJson(r.data); type = ownValue(message, 'type'); body = ownValue(message, 'data');
        if (body !== null && typeof body === 'object') {
          if (type === 'open-change') { if (fromChat) text = recordOf('open', r.seq, r.t, ',"open":' + (ownValue(body, 'isOpen') === true) + ',"user":' + (ownValue(body, 'isUser') === true)); }
          else if (type === 'store-messages-cookie') {
            name = ownValue(body, 'messagesUtk');
            if (fromChat) text = recordOf('chat_message', r.seq, r.t, ',"type":"store-messages-cookie","utk":' + (typeof name === 'string' && name.length > 0));
          } else if (type === 'external-api-event' && typeof (name = ownValue(body, 'eventType')) === 'string' && name.length && name.length <= FACTS.maxNameChars) {
            text = recordOf('event', r.seq, r.t, ',"name":' + toJson(name) + ',"payload":' + sanitize(ownValue(body, 'payload')) +
              ',"via":"iframe"' + undelivered(fromChat, ownValue(message, 'uuid')));
          }
        }
      } catch (e) { text = ''; }
      r.data = null;
      if (!text) return false;
      text += r.replay ? ',"replay":true}' : '}';
      bufferChars += text.length - r.chars;
      r.text = text; r.chars = text.length; r.bytes = escapedBytes(text);
      return true;
    }
    // Never parsed nor scanned whole: a foreign 10 MB string costs two 4 K scans. The first match in the head,
    // else in the tail; uuid: the last member, else in the head.
    function onBigMessage(event, data) {
      var head = strSlice(data, 0, EDGE), tail = strSlice(data, data.length - EDGE), name, uuid, m, fromChat;
      if ((regexExec(TYPE_AT, head) === null && regexExec(TYPE_AT, tail) === null) || (!domBuiltins && !haveDomBuiltins())) return;
      if (!(fromChat = isChatWindow(messageSource(event))) && regexExec(CHAT_ORIGIN, messageOrigin(event)) === null) return;
      m = regexExec(NAME_AT, head) || regexExec(NAME_AT, tail); name = m ? jsonToken(m[1]) : '(unknown)';
      m = regexExec(UUID_LAST, tail) || regexExec(UUID_AT, head); uuid = m ? jsonToken(m[1]) : undefined;
      if (typeof name !== 'string' || !name.length || name.length > FACTS.maxNameChars) return;
      add('event', ',"name":' + toJson(name) + ',"payload":{' + toJson(FACTS.truncatedKey) + ':"message of ' + data.length + ' characters"},"via":"iframe"' + undelivered(fromChat, uuid));
      observeWidget();
    }
    function isChatWindow(source) {
      if (!source) return false;
      if (chatWindows === null || !observing) {         // no observer yet to say when the DOM changed: look each time
        chatWindows = createObject(null); chatWindowCount = 0;
        forEachChatFrame(function (frame) { chatWindows[chatWindowCount++] = frameWindow(frame); });
      }
      for (var j = 0; j < chatWindowCount; j++) if (chatWindows[j] === source) return true;
      return false;
    }
    // The real loader dispatches a plain Event with the fields on the event itself; a CustomEvent's detail wins.
    function onInitialized(event) {
      try {
        if (!domBuiltins && !haveDomBuiltins()) return;
        var detail = null, willRender, reason;
        try { detail = eventDetail(event); } catch (e) { /* a plain Event, not a CustomEvent */ }
        if (typeof (willRender = ownValue(detail, 'messageWillRender')) !== 'boolean') willRender = ownValue(event, 'messageWillRender');
        if (typeof (reason = ownValue(detail, 'reason')) !== 'string') reason = ownValue(event, 'reason');
        if (observing) noteInsertedFrames();           // the loader dispatches it right after inserting the iframe
        add('event', ',"name":"hubspot:messages:initialized","payload":{"messageWillRender":' + (typeof willRender === 'boolean' ? willRender : 'null') +
          ',"reason":' + (typeof reason === 'string' ? toJson(clip(reason, FACTS.maxUrlChars)) : 'null') + '},"via":"dom"');
        observeWidget();
      } catch (e) { /* ignore */ }
    }
    function onViolation(event) {                      // from the start: a blocked loader script fires before it is seen
      try {
        if (!domBuiltins && !haveDomBuiltins()) return;
        var blocked = violationBlocked(event), source = violationSource(event);
        if (!isHubSpotUrl(blocked) && !isHubSpotUrl(source)) return;
        add('csp', ',"directive":' + toJson(clip(violationDirective(event), FACTS.maxNameChars)) + ',"blocked":' + toJson(clip(blocked, FACTS.maxUrlChars)) +
          ',"source":' + toJson(clip(source, FACTS.maxUrlChars)) + (violationDisposition && violationDisposition(event) === 'report' ? ',"report":true' : ''));
        observeWidget();
      } catch (e) { /* ignore */ }
    }
    function isHubSpotUrl(url) { return typeof url === 'string' && (regexExec(HUBSPOT_URL, url) !== null || regexExec(LOADER_URL, url) !== null); }
    // A hello from a relay other than the one answered last: the extension was reloaded (or updated) while the
    // page stayed open. The records the dead relay took are lost with the old background, so the current state is
    // emitted again, flagged `replay` (docs/protocol.md §2). The same relay again (bfcache, re-hellos): nothing.
    var answeredRelay = '', assignedSettingsRecord = '';
    function helloFrom(relay) {
      var earlier = answeredRelay, before = seq, keys, j, n, r;
      if (typeof relay !== 'string' || !relay.length || relay.length > FACTS.maxNameChars) return;
      answeredRelay = relay;
      if (!earlier || earlier === relay) return;
      try {
        if (generation) add('api', ',"state":"' + (!knownApi ? 'absent' : knownApi === placeholder ? 'placeholder' : 'ready') +
          '","generation":' + generation + ',"methods":' + (knownApi ? methodNames(knownApi) : '[]'));
        if (assignedSettingsRecord) add('settings', assignedSettingsRecord);   // as it was assigned, in the phase it had
        if (settingsAssignedSeen || generation) addSettings('read', currentSettings());
        for (j = 0; j < loadedFrameCount; j++) add('widget', ',"loaded":true' + loadedFrames[j].fields);
        for (keys = objectKeys(loaderSrcsSeen), j = 0; j < keys.length; j++) add('loader', loaderSrcsSeen[keys[j]].fields);
        addInlineIfSet();
      } catch (e) { /* what was re-emitted so far */ }
      for (n = seq - before < bufferCount ? seq - before : bufferCount, j = 1; j <= n; j++) {   // the newest n records
        r = buffer[(bufferHead + bufferCount - j) % MAX_BUFFERED];
        if (r.text === null) { r.replay = true; continue; }
        r.text = strSlice(r.text, 0, -1) + ',"replay":true}'; r.chars += 14; r.bytes += 14; bufferChars += 14;
      }
    }
    // The relay: hello (§2), or a panel's command (§5) answered synchronously, during the dispatch.
    function onRelay(event) {
      try {
        if (!domBuiltins && !haveDomBuiltins()) return;
        var detail = eventDetail(event), command, type;
        if (typeof detail !== 'string' || detail.length > FACTS.maxCommandChars) return;
        command = parseJson(detail);
        if (ownValue(command, 'v') !== FACTS.version) return;
        type = ownValue(command, 'type');
        if (type === 'hello') { if (!observing) { checkApi(); scanLoaders(); } helloFrom(ownValue(command, 'relay')); }
        else if (type === 'call') { if (!runCall(command)) return; }
        else if (type === 'read_page') readPage();
        else if (type === 'listen') { if (!listenTo(command)) return; }
        else if (type === 'quiet') { relayListens = false; return; }   // no panel: buffer, send only on `drain`
        else if (type === 'drain') { flush(true); return; }
        else return;
        relayListens = true;
        flush(true);                                   // synchronously, even when empty (§2)
      } catch (e) { /* ignore */ }
    }

    var listenerOptions = createObject(null);
    listenerOptions.capture = true; listenerOptions.passive = true;
    listen(window, 'message', onMessage, listenerOptions);
    listen(window, 'hubspot:messages:initialized', onInitialized, listenerOptions);
    listen(document, FACTS.relayEvent, onRelay, listenerOptions);
    listen(document, 'securitypolicyviolation', onViolation, listenerOptions);
    // Nothing is defined on window until HubSpot shows up (a page without HubSpot sees no trap, issue 8; the one
    // watcher on Window.prototype is above): a
    // portal or loader <script> seen at its `load` or at DOMContentLoaded (both before the loader assigns its
    // object, which waits for DOMContentLoaded), a chat message, the loader's DOM event, or an object already there.
    listen(document, 'load', onEarlySign, listenerOptions);
    listen(window, 'DOMContentLoaded', onContentLoaded, listenerOptions);
    if (!descriptorOf(window, ON_READY)) watchOnPrototype(ON_READY, noteOnReady);
    if (descriptorOf(window, API) || descriptorOf(window, SETTINGS) || descriptorOf(window, ON_READY)) observeWidget(); else if (lateHook) scanLoaders();
  } catch (e) { /* never throw into the page */ }
})();
