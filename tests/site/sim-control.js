// Control surface of the offline HubSpot simulator: window.hsSim, plus a visible panel of buttons.
//
// It drives the simulation only through public DOM (the chat iframe found by its id, messages
// posted to it) and the loader's `hubspot-sim:*` CustomEvents on window, so that
// window.HubSpotConversations stays exactly as the page sees it. Events requested here travel
// page → chat iframe (`sim-emit`) → page (a real-shaped `external-api-event` message) → loader.
//
// The panel is not drawn when this script tag has data-panel="off" or the URL has ?panel=off.
(function () {
  'use strict';

  var FRAME_SELECTOR = '#hubspot-conversations-iframe, #hubspot-conversations-inline-iframe';
  var DISPATCH_WAIT_MS = 100;
  var LOG_LIMIT = 1000;
  var scriptTag = document.currentScript;

  var EVENT_PAYLOADS = {
    conversationStarted: { conversation: { conversationId: 4711 } },
    conversationClosed: { conversation: { conversationId: 4711 } },
    unreadConversationCountChanged: { unreadCount: 1 },
    inputStaging: { message: 'Visitor staged input' },
    contactAssociated: { message: 'Contact has been associated' },
    userInteractedWithWidget: { message: 'User interacted with widget' },
    quickReplyButtonClick: { name: 'QUICK_REPLIES', multiSelect: false, value: ['Learn more'] },
    widgetLoaded: { message: 'widget has loaded' },
    widgetClosed: { message: 'widget is closed' },
    userSelectedThread: { threadId: 4711 },
    widgetHidden: { reason: 'SIM_HIDDEN', description: 'Hidden by the simulator control surface' },
  };
  var EVENT_NAMES = Object.keys(EVENT_PAYLOADS);

  var lastState = null;
  var dispatched = [];
  var traces = [];

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function push(list, item) {
    list.push(item);
    if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
  }

  // A UUID (the loader delivers only messages whose uuid is one).
  function simId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    var h = Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-4' + h.slice(13, 16) + '-8' + h.slice(17, 20) + '-' + h.slice(20);
  }

  function frame() {
    return document.querySelector(FRAME_SELECTOR);
  }

  // Asks the current chat iframe for its usage counter: resolves {count, usage}, or null without an
  // iframe or when it does not answer in 1 s.
  function askUsage() {
    var el = frame();
    if (!el || !el.contentWindow) return Promise.resolve(null);
    var answer = waitForFrameReply(el.contentWindow, 'sim-usage', 1000);
    postToFrame({ type: 'sim-get-usage' });
    return answer.then(function (msg) { return msg && { count: msg.count, usage: msg.usage }; });
  }

  // Posts a command to the chat iframe; false when there is none.
  function postToFrame(message) {
    var el = frame();
    if (!el || !el.contentWindow) return false;
    el.contentWindow.postMessage(JSON.stringify(message), new URL(el.src).origin);
    return true;
  }

  function command(detail) {
    window.dispatchEvent(new CustomEvent('hubspot-sim:command', { detail: detail }));
  }

  function queryState() {
    command({ cmd: 'state' }); // answered synchronously by a `hubspot-sim:state` event
    return lastState;
  }

  // Resolves with the first detail of `hubspot-sim:<type>` that `match` accepts, or with null
  // after `ms`.
  function waitFor(type, match, ms) {
    return new Promise(function (resolve) {
      function onEvent(event) {
        if (match && !match(event.detail)) return;
        done(event.detail);
      }
      function done(value) {
        window.removeEventListener('hubspot-sim:' + type, onEvent);
        clearTimeout(timer);
        resolve(value);
      }
      var timer = setTimeout(function () { done(null); }, ms);
      window.addEventListener('hubspot-sim:' + type, onEvent);
    });
  }

  // Resolves with the first message of `type` the chat iframe `win` posts, or null after `ms`.
  function waitForFrameReply(win, type, ms) {
    return new Promise(function (resolve) {
      function onMessage(event) {
        if (event.source !== win || typeof event.data !== 'string') return;
        var msg;
        try {
          msg = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (msg && msg.type === type) done(msg);
      }
      function done(value) {
        window.removeEventListener('message', onMessage);
        clearTimeout(timer);
        resolve(value);
      }
      var timer = setTimeout(function () { done(null); }, ms);
      window.addEventListener('message', onMessage);
    });
  }

  window.addEventListener('hubspot-sim:state', function (event) {
    lastState = event.detail;
    renderPanelState();
  });
  window.addEventListener('hubspot-sim:dispatched', function (event) {
    push(dispatched, event.detail);
    renderPanelLog(event.detail);
  });
  window.addEventListener('hubspot-sim:trace', function (event) {
    push(traces, event.detail);
  });

  var hsSim = {
    EVENT_NAMES: EVENT_NAMES.slice(),
    payloadFor: function (eventType) {
      return clone(EVENT_PAYLOADS[eventType]);
    },

    // Resolves with the loader's dispatch record {uuid, eventType, payload, listeners,
    // generation, via:'iframe'} once delivered to on() listeners, or null after ~100 ms.
    // `uuid` (optional) replaces the message's uuid: null sends none, e.g. 'bogus' a bogus one.
    emit: function (eventType, payload, uuid) {
      if (arguments.length < 3) uuid = simId();
      if (payload === undefined) payload = clone(EVENT_PAYLOADS[eventType]);
      var wait = waitFor('dispatched', function (d) { return d.uuid === uuid; }, DISPATCH_WAIT_MS);
      postToFrame({ type: 'sim-emit', eventType: String(eventType), payload: payload, uuid: uuid });
      return wait;
    },

    // One of each of the eleven events, in order; widgetHidden through hide(), as the real
    // loader emits that one itself. Resolves with the eleven dispatch records (null = lost).
    emitAll: function () {
      var results = [];
      return EVENT_NAMES.reduce(function (chain, name) {
        return chain.then(function () {
          if (name === 'widgetHidden') {
            var p = EVENT_PAYLOADS.widgetHidden;
            results.push(hsSim.hide(p.reason, p.description));
            return undefined;
          }
          return hsSim.emit(name).then(function (r) { results.push(r); });
        });
      }, Promise.resolve()).then(function () { return results; });
    },

    // The loader emits widgetHidden itself (no iframe message). Returns the dispatch record
    // (synchronously), or null when no loader is on the page.
    hide: function (reason, description) {
      var record = null;
      function onEvent(event) { record = event.detail; }
      window.addEventListener('hubspot-sim:dispatched', onEvent);
      command({
        cmd: 'hide',
        reason: reason === undefined ? EVENT_PAYLOADS.widgetHidden.reason : reason,
        description: description === undefined ? EVENT_PAYLOADS.widgetHidden.description : description,
      });
      window.removeEventListener('hubspot-sim:dispatched', onEvent);
      return record;
    },

    // The chat iframe reports an open-change, as if the visitor (isUser) or the widget opened
    // or closed the chat. Resolves with {uuid, isOpen, isUser} once handled, or null.
    openChange: function (isOpen, isUser) {
      isOpen = !!isOpen;
      isUser = isUser === undefined ? true : !!isUser;
      var wait = waitFor('open-change', function (d) { return d.isOpen === isOpen && d.isUser === isUser; },
        DISPATCH_WAIT_MS);
      postToFrame({ type: 'sim-open-change', isOpen: isOpen, isUser: isUser });
      return wait;
    },

    // The chat iframe posts n events back to back. Resolves with how many the loader
    // dispatched (stops counting 300 ms after the last one arrived).
    flood: function (n, eventType) {
      eventType = eventType || 'unreadConversationCountChanged';
      var seen = 0;
      return new Promise(function (resolve) {
        var idle;
        function finish() {
          window.removeEventListener('hubspot-sim:dispatched', onEvent);
          resolve(seen);
        }
        function onEvent(event) {
          if (event.detail.eventType !== eventType || event.detail.via !== 'iframe') return;
          seen++;
          clearTimeout(idle);
          if (seen >= n) finish();
          else idle = setTimeout(finish, 300);
        }
        window.addEventListener('hubspot-sim:dispatched', onEvent);
        idle = setTimeout(finish, 300);
        if (!postToFrame({ type: 'sim-flood', count: n, eventType: eventType })) {
          clearTimeout(idle);
          finish();
        }
      });
    },

    // The chat iframe posts n events, one every gapMs ms (payloads as in flood(): the i-th
    // carries i). Resolves with when each was posted (performance.timeOrigin + now() in the
    // iframe), or null when there is no iframe or it does not answer in time.
    emitSeries: function (n, gapMs, eventType) {
      eventType = eventType || 'conversationStarted';
      var el = frame();
      if (!el || !el.contentWindow) return Promise.resolve(null);
      var answer = waitForFrameReply(el.contentWindow, 'sim-series-done', n * gapMs + 5000);
      postToFrame({ type: 'sim-series', count: n, gapMs: gapMs, eventType: eventType });
      return answer.then(function (msg) { return msg && msg.posted; });
    },

    // Number of track-api-usage messages the current chat iframe received (a new iframe after a
    // reset starts at 0). Resolves null when there is no iframe or it does not answer in 1 s.
    usageCount: function () {
      return askUsage().then(function (reply) { return reply ? reply.count : null; });
    },

    // The track-api-usage messages the current chat iframe received, in order: [{name, method}]
    // (what HubSpot's usage report would record). null like usageCount().
    usageReports: function () {
      return askUsage().then(function (reply) { return reply ? reply.usage : null; });
    },

    // Resolves with the loader state once the current chat iframe fired `load` and its
    // widgetLoaded event reached the loader. Rejects after timeoutMs (default 10 s).
    ready: function (timeoutMs) {
      var s = queryState();
      if (s && s.ready && frame()) return Promise.resolve(s);
      var ms = timeoutMs === undefined ? 10000 : timeoutMs;
      return waitFor('ready', null, ms).then(function (detail) {
        if (!detail) throw new Error('hsSim.ready: the chat iframe did not load within ' + ms + ' ms');
        return detail;
      });
    },

    // Loader state {portalId, frameOrigin, generation, api, present, inline, loaded, ready,
    // open}, or null when no loader answered.
    state: function () {
      return queryState();
    },

    // Loader dispatches seen so far (oldest first) and loader traces
    // ({what:'render'|'load-run'|'refresh-run', time, options?}).
    dispatched: dispatched,
    traces: traces,
  };
  window.hsSim = hsSim;
  queryState();

  // ---- visible panel ----------------------------------------------------------------------

  var panel = null;

  function panelWanted() {
    if (scriptTag && scriptTag.getAttribute('data-panel') === 'off') return false;
    return new URLSearchParams(location.search).get('panel') !== 'off';
  }

  function api() {
    return window.HubSpotConversations;
  }

  var PANEL_CSS = [
    // A left sidebar that the page makes room for, so it never covers the page's own controls.
    'body.hs-sim-panel-on{margin-left:300px;}',
    '#hs-sim-panel{position:fixed;left:0;top:0;bottom:0;z-index:2147483646;width:300px;overflow:auto;',
    'background:#1e2a36;color:#e8eef4;box-shadow:2px 0 12px rgba(0,0,0,.25);',
    'font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace;}',
    '#hs-sim-panel summary{cursor:pointer;padding:8px 10px;font-weight:600;}',
    '#hs-sim-panel .body{padding:0 10px 10px;}',
    '#hs-sim-panel h4{margin:8px 0 4px;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#9fb3c8;}',
    '#hs-sim-panel button{font:inherit;margin:2px;padding:3px 6px;border:1px solid #3d5166;border-radius:5px;',
    'background:#2b3b4c;color:#e8eef4;cursor:pointer;}',
    '#hs-sim-panel button:hover{background:#3d5166;}',
    '#hs-sim-panel .state{color:#b6f0c8;white-space:pre-wrap;}',
    '#hs-sim-panel ul{margin:0;padding-left:18px;color:#cfd9e3;}',
  ].join('');

  function button(parent, label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    parent.appendChild(b);
    return b;
  }

  function section(parent, title) {
    var h = document.createElement('h4');
    h.textContent = title;
    parent.appendChild(h);
    var div = document.createElement('div');
    parent.appendChild(div);
    return div;
  }

  function buildPanel() {
    if (!panelWanted() || document.getElementById('hs-sim-panel')) return;
    var style = document.createElement('style');
    style.textContent = PANEL_CSS;
    document.head.appendChild(style);

    panel = document.createElement('details');
    panel.id = 'hs-sim-panel';
    panel.open = new URLSearchParams(location.search).get('panel') !== 'closed';
    var summary = document.createElement('summary');
    summary.textContent = 'HubSpot simulator';
    panel.appendChild(summary);
    var body = document.createElement('div');
    body.className = 'body';
    panel.appendChild(body);

    var stateBox = document.createElement('div');
    stateBox.className = 'state';
    body.appendChild(stateBox);
    panel.stateBox = stateBox;

    var events = section(body, 'Chat iframe emits');
    EVENT_NAMES.forEach(function (name) {
      if (name === 'widgetHidden') return;
      button(events, name, function () { hsSim.emit(name); });
    });
    button(events, 'flood ×100', function () { hsSim.flood(100); });

    var loader = section(body, 'Loader / visitor');
    button(loader, 'widgetHidden', function () { hsSim.hide(); });
    button(loader, 'visitor opens', function () { hsSim.openChange(true, true); });
    button(loader, 'visitor closes', function () { hsSim.openChange(false, true); });

    var page = section(body, 'Page calls HubSpotConversations');
    button(page, 'widget.load()', function () { if (api()) api().widget.load(); });
    button(page, 'widget.refresh()', function () { if (api()) api().widget.refresh(); });
    button(page, 'widget.open()', function () { if (api()) api().widget.open(); });
    button(page, 'widget.close()', function () { if (api()) api().widget.close(); });
    button(page, 'widget.remove()', function () { if (api()) api().widget.remove(); });
    button(page, 'clear()', function () { if (api()) api().clear(); });
    button(page, 'clear({resetWidget:true})', function () { if (api()) api().clear({ resetWidget: true }); });

    var logBox = section(body, 'Last events delivered');
    var list = document.createElement('ul');
    logBox.appendChild(list);
    panel.logList = list;

    document.body.appendChild(panel);
    document.body.classList.add('hs-sim-panel-on');
    renderPanelState();
    dispatched.slice(-8).forEach(renderPanelLog);
  }

  function renderPanelState() {
    if (!panel) return;
    var s = lastState;
    panel.stateBox.textContent = !s
      ? 'loader: not on the page (yet)'
      : 'portal ' + s.portalId + ' · api ' + s.api + ' #' + s.generation + '\n' +
        'widget ' + (s.present ? (s.loaded ? 'loaded' : 'loading') : 'absent') +
        (s.inline ? ' (inline)' : '') + (s.open ? ' · open' : '');
  }

  function renderPanelLog(record) {
    if (!panel) return;
    var li = document.createElement('li');
    li.textContent = record.eventType + ' → ' + record.listeners + ' listener(s)' +
      (record.via === 'loader' ? ' [loader]' : '');
    panel.logList.insertBefore(li, panel.logList.firstChild);
    while (panel.logList.children.length > 8) panel.logList.removeChild(panel.logList.lastChild);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', buildPanel);
  else buildPanel();
})();
