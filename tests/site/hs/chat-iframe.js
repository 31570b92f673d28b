// Simulated HubSpot chat iframe (stand-in for app.hubspot.com/conversations-visitor/…).
// Served cross-origin to the page. Every message it sends to the page is a JSON string
// {type, data, uuid}, posted to `parent` with the page's origin (taken from document.referrer)
// as targetOrigin, or '*' when there is no referrer.
//
// Commands it accepts from the parent window (JSON strings):
//   loader:     track-api-usage {name, method} (only counted and listed), open-change-request {isOpen},
//               refresh-widget {openToNewThread}
//   simulator:  sim-emit {eventType, payload, uuid?} (uuid null: sent without one), sim-open-change {isOpen, isUser},
//               sim-flood {count, eventType}, sim-series {count, gapMs, eventType}
//                 → replies {type:'sim-series-done', posted} once the last was posted,
//               sim-get-usage  → replies {type:'sim-usage', count, usage: [{name, method}]}
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var inline = params.get('inline') === '1';
  var parentOrigin = '*';
  try {
    if (document.referrer) parentOrigin = new URL(document.referrer).origin;
  } catch (e) {
    // keep '*'
  }

  var SIZE_CLOSED = { width: 100, height: 96 };
  var SIZE_CLOSED_WELCOME = { width: 320, height: 210 };
  var SIZE_OPEN = { width: 400, height: 620 };

  var usage = []; // every track-api-usage received, in order: {name, method}
  var isOpen = false;
  var welcomeHidden = params.get('hideWelcome') === '1';

  function randomHex(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  function uuid() {
    var h = randomHex(16);
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-4' + h.slice(13, 16) + '-a' + h.slice(17, 20) + '-' + h.slice(20);
  }

  var utk = /^[0-9a-f]{32}$/.test(params.get('utk') || '') ? params.get('utk') : randomHex(16);

  // `id` undefined: a fresh uuid; null: the message has no uuid; anything else is sent as is.
  function send(type, data, id) {
    var message = { type: type, data: data };
    if (id !== null) message.uuid = id === undefined ? uuid() : id;
    parent.postMessage(JSON.stringify(message), parentOrigin);
  }

  function apiEvent(eventType, payload, id) {
    send('external-api-event', { eventType: eventType, payload: payload }, id);
  }

  // ---- UI ---------------------------------------------------------------------------------

  var $ = function (id) { return document.getElementById(id); };

  function currentSize() {
    if (isOpen) return SIZE_OPEN;
    return welcomeHidden ? SIZE_CLOSED : SIZE_CLOSED_WELCOME;
  }

  function paint() {
    document.body.classList.toggle('open', isOpen);
    document.body.classList.toggle('inline', inline);
    document.body.classList.toggle('hide-welcome', welcomeHidden);
  }

  function setOpenState(open, isUser) {
    isOpen = open;
    paint();
    if (!inline) send('iframe-resize', currentSize());
    send('open-change', { isOpen: open, isUser: isUser });
  }

  function addMessage(text, who) {
    var div = document.createElement('div');
    div.className = 'msg ' + who;
    div.textContent = text;
    $('thread').appendChild(div);
    $('thread').scrollTop = $('thread').scrollHeight;
  }

  $('launcher').addEventListener('click', function () {
    setOpenState(true, true);
    apiEvent('userInteractedWithWidget', { message: 'User opened the chat widget' });
  });
  $('welcome-close').addEventListener('click', function () {
    welcomeHidden = true;
    paint();
    send('hide-welcome-message', {});
    send('iframe-resize', currentSize());
    apiEvent('userInteractedWithWidget', { message: 'User closed the welcome message' });
  });
  $('close').addEventListener('click', function () {
    setOpenState(false, true);
    apiEvent('widgetClosed', { message: 'widget is closed' });
  });
  $('start').addEventListener('click', function () {
    addMessage('I have a question about my order.', 'visitor');
    addMessage('Thanks! An agent will join shortly. Want to learn more meanwhile?', 'bot');
    apiEvent('conversationStarted', {
      conversation: { conversationId: 1000000000 + Math.floor(Math.random() * 8999999999) },
    });
  });
  $('quick').addEventListener('click', function () {
    addMessage('Learn more', 'visitor');
    apiEvent('quickReplyButtonClick', { name: 'QUICK_REPLIES', multiSelect: false, value: ['Learn more'] });
  });
  $('email').addEventListener('click', function () {
    addMessage('visitor@example.test', 'visitor');
    apiEvent('contactAssociated', { message: 'Contact has been associated' });
  });

  // ---- commands from the page -------------------------------------------------------------

  function floodPayload(eventType, i) {
    if (eventType === 'unreadConversationCountChanged') return { unreadCount: i };
    if (eventType === 'conversationStarted' || eventType === 'conversationClosed') {
      return { conversation: { conversationId: 2000000000 + i } };
    }
    return { message: 'flood ' + i };
  }

  // `count` events `gapMs` apart (payloads as in a flood: the i-th carries i). Replies with when
  // each was posted (performance.timeOrigin + now(), comparable across processes).
  function emitSeries(count, gapMs, eventType) {
    var posted = [];
    function next() {
      if (posted.length >= count) {
        parent.postMessage(JSON.stringify({ type: 'sim-series-done', posted: posted }), parentOrigin);
        return;
      }
      posted.push(performance.timeOrigin + performance.now());
      apiEvent(eventType, floodPayload(eventType, posted.length));
      setTimeout(next, gapMs);
    }
    next();
  }

  window.addEventListener('message', function (event) {
    if (event.source !== parent) return;
    if (parentOrigin !== '*' && event.origin !== parentOrigin) return;
    if (typeof event.data !== 'string') return;
    var msg;
    try {
      msg = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!msg || typeof msg.type !== 'string') return;
    var data = msg.data && typeof msg.data === 'object' ? msg.data : {};

    switch (msg.type) {
      case 'track-api-usage':
        usage.push({ name: String(data.name), method: String(data.method) });
        break;
      case 'open-change-request':
        if (!inline && !!data.isOpen !== isOpen) setOpenState(!!data.isOpen, false);
        break;
      case 'refresh-widget':
        if (data.openToNewThread && !inline && !isOpen) setOpenState(true, false);
        break;
      case 'sim-emit':
        if (typeof msg.eventType === 'string') apiEvent(msg.eventType, msg.payload, 'uuid' in msg ? msg.uuid : undefined);
        break;
      case 'sim-open-change':
        setOpenState(!!msg.isOpen, !!msg.isUser);
        break;
      case 'sim-flood': {
        var count = Math.max(0, Math.min(Number(msg.count) || 0, 100000));
        var eventType = typeof msg.eventType === 'string' ? msg.eventType : 'unreadConversationCountChanged';
        for (var i = 1; i <= count; i++) apiEvent(eventType, floodPayload(eventType, i));
        break;
      }
      case 'sim-series':
        emitSeries(Math.max(0, Math.min(Number(msg.count) || 0, 10000)), Math.max(0, Number(msg.gapMs) || 0),
          typeof msg.eventType === 'string' ? msg.eventType : 'conversationStarted');
        break;
      case 'sim-get-usage':
        parent.postMessage(JSON.stringify({ type: 'sim-usage', count: usage.length, usage: usage }), parentOrigin);
        break;
      default:
        break;
    }
  });

  // ---- start ------------------------------------------------------------------------------

  if (params.get('open') === '1' && !inline) isOpen = true;
  paint();
  send('store-messages-cookie', { messagesUtk: utk });
  if (!inline) send('iframe-resize', currentSize());
  if (isOpen) send('open-change', { isOpen: true, isUser: false });
  apiEvent('widgetLoaded', { message: 'widget has loaded' });
})();
