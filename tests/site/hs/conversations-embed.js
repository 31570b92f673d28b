// Simulated HubSpot live-chat loader (stand-in for js.usemessages.com/conversations-embed.js).
// Written from the observed-behaviour notes in shared/reference/hubspot-loader-facts.md; it is
// not HubSpot's code. Differences from the real service: the chat iframe and the widget-data
// endpoint live on the "other" loopback host of the same server (see frameOrigin), and a small
// `hubspot-sim:*` CustomEvent protocol on window lets tests drive it (see sim-control.js).
(function () {
  'use strict';

  if (window.hubspot_live_messages_running) {
    console.warn('duplicate instance of live chat exists on page');
    return;
  }
  window.hubspot_live_messages_running = true;

  var script = document.currentScript || document.getElementById('hubspot-messages-loader');
  var portalId = (script && script.getAttribute('data-hsjs-portal')) || '';

  var FRAME_PATH = '/hs/chat-iframe.html';
  var WIDGET_DATA_PATH = '/livechat-public/v1/message/public';
  var THROTTLE_MS = 1000;
  var MINUTES_30 = 30 * 60;
  var DAYS_180 = 180 * 24 * 60 * 60;
  var COOKIE_UTK = 'messagesUtk';
  var COOKIE_OPEN = 'hs-messages-is-open';
  var COOKIE_HIDE_WELCOME = 'hs-messages-hide-welcome-message';
  var HTML_OPEN_CLASS = 'hs-messages-widget-open';
  var INSECURE_COOKIE_WARNING =
    'HubSpot Conversations: this page is not served over https, so the live chat cookies are set without the Secure attribute.';
  var PLACEHOLDER_WARNING =
    'loadImmediately is set to false and widget.load() has not been called: HubSpotConversations.%s does nothing. Call window.HubSpotConversations.widget.load() first.';
  var WIDGET_DATA_FAILED = 'Initial messages API call failed';
  var CHAT_OPEN_HASH = '#hs-chat-open';
  var TRACK_METHOD = 'HubspotConversations-api-method-used';
  // ?sdk=documented (page URL): objects without the undocumented debug() and resetAndReloadWidget().
  var DOCUMENTED_ONLY = new URLSearchParams(location.search).get('sdk') === 'documented';
  // ?loader=2022: on() handlers get only the five events the 2022 loader delivers (the others are
  // dropped silently); by default every SDK event is delivered, as by the newer loader.
  var OLD_LOADER_EVENTS = new URLSearchParams(location.search).get('loader') === '2022'
    ? ['conversationStarted', 'conversationClosed', 'unreadConversationCountChanged', 'inputStaging', 'contactAssociated']
    : null;
  var TRACK_LISTENER = 'HubspotConversations-api-event-listener-registered';

  // The chat iframe must be cross-origin to the page, as app.hubspot.com is for real pages.
  function otherHost(host) {
    if (host === 'localhost') return '127.0.0.1';
    return host === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  }
  var frameOrigin = location.protocol + '//' + otherHost(location.hostname) +
    (location.port ? ':' + location.port : '');

  // ---- settings ---------------------------------------------------------------------------

  var DEFAULT_SETTINGS = {
    loadImmediately: true,
    isFullscreen: false,
    disableAttachment: false,
    disableInitialInputFocus: false,
    enableWidgetCookieBanner: false,
    inlineEmbedSelector: '',
    identificationEmail: '',
    identificationToken: '',
  };
  var COOKIE_BANNER_VALUES = [false, true, 'ON_WIDGET_LOAD', 'ON_EXIT_INTENT'];
  var SETTING_CHECKS = {
    boolean: {
      test: function (v) { return typeof v === 'boolean'; },
      expected: 'to be a boolean',
    },
    string: {
      test: function (v) { return typeof v === 'string'; },
      expected: 'to be a string',
    },
    cookieBanner: {
      test: function (v) { return COOKIE_BANNER_VALUES.indexOf(v) >= 0; },
      expected: 'to be one of false, true, "ON_WIDGET_LOAD", "ON_EXIT_INTENT"',
    },
  };
  var SETTING_RULES = {
    loadImmediately: 'boolean',
    isFullscreen: 'boolean',
    disableAttachment: 'boolean',
    disableInitialInputFocus: 'boolean',
    enableWidgetCookieBanner: 'cookieBanner',
    inlineEmbedSelector: 'string',
    identificationEmail: 'string',
    identificationToken: 'string',
  };

  function invariant(condition, message) {
    if (condition) return;
    var error = new Error(message);
    error.name = 'Invariant Violation';
    throw error;
  }

  function mergeSettings(pageSettings) {
    var merged = {};
    var key;
    for (key in DEFAULT_SETTINGS) merged[key] = DEFAULT_SETTINGS[key];
    if (pageSettings && typeof pageSettings === 'object') {
      for (key in pageSettings) {
        if (Object.prototype.hasOwnProperty.call(pageSettings, key)) merged[key] = pageSettings[key];
      }
    }
    for (key in SETTING_RULES) {
      var check = SETTING_CHECKS[SETTING_RULES[key]];
      invariant(check.test(merged[key]), 'Expected mergedSettings.' + key + ' ' + check.expected);
    }
    return merged;
  }

  function renderDisabled() {
    var popups = window.disabledHsPopups;
    if (popups && typeof popups.indexOf === 'function' && popups.indexOf('LIVE_CHAT') >= 0) return true;
    return [Object, Array, String].some(function (C) {
      return Object.prototype.hasOwnProperty.call(C.prototype, 'toJSON');
    });
  }

  // ---- small utilities --------------------------------------------------------------------

  function randomHex(bytes) {
    var a = new Uint8Array(bytes);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  // crypto.randomUUID() exists only in secure contexts; test host names over http are not.
  function uuid() {
    var h = randomHex(16).split('');
    h[12] = '4';
    h[16] = '89ab'[parseInt(h[16], 16) & 3];
    h = h.join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function isUuid(value) {
    return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  }

  function isUtk(value) {
    return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
  }

  function reportListenerError(error) {
    if (typeof window.reportError === 'function') window.reportError(error);
    else setTimeout(function () { throw error; });
  }

  // The first call runs at once and opens a window of `wait` ms. Calls inside the window collapse
  // into ONE trailing call with the LAST arguments, run when the window ends; the trailing call does
  // not open a new window (measured: calls at 0/500/1100/1300 ms run at 0, 1000, 1100 and 2100 ms).
  function throttle(fn, wait) {
    var leading = -Infinity;
    var timer = null;
    var trailingArgs = null;
    return function () {
      var now = Date.now();
      if (now - leading >= wait && timer === null) {
        leading = now;
        fn.apply(null, arguments);
        return;
      }
      trailingArgs = arguments;
      if (timer !== null) return;
      timer = setTimeout(function () {
        timer = null;
        var args = trailingArgs;
        trailingArgs = null;
        fn.apply(null, args);
      }, Math.max(0, leading + wait - now));
    };
  }

  function createEmitter() {
    var listeners = Object.create(null);
    return {
      on: function (name, fn) {
        (listeners[name] || (listeners[name] = [])).push(fn);
      },
      off: function (name, fn) {
        var list = listeners[name];
        var i = list ? list.indexOf(fn) : -1;
        if (i >= 0) list.splice(i, 1);
      },
      emit: function (name, payload) {
        var list = listeners[name];
        if (!list) return 0;
        list.slice().forEach(function (fn) {
          try {
            fn(payload);
          } catch (error) {
            reportListenerError(error);
          }
        });
        return list.length;
      },
    };
  }

  // ---- cookies ----------------------------------------------------------------------------

  var warnedInsecureCookie = false;

  // Browsers reject a Domain attribute on localhost and IP hosts, so those get host-only cookies.
  function cookieDomainAttribute() {
    var host = location.hostname;
    if (host === 'localhost' || host.indexOf('.') < 0 || host.indexOf(':') >= 0 ||
        /^\d+\.\d+\.\d+\.\d+$/.test(host)) {
      return '';
    }
    return '; domain=.' + host.replace(/^www\./, '');
  }

  function writeCookie(name, value, maxAgeSeconds) {
    var expires = new Date(Date.now() + maxAgeSeconds * 1000).toUTCString();
    var cookie = name + '=' + value + '; expires=' + expires + cookieDomainAttribute() +
      '; path=/; SameSite=Lax';
    if (location.protocol === 'https:') {
      cookie += '; Secure';
    } else if (!warnedInsecureCookie) {
      warnedInsecureCookie = true;
      console.warn(INSECURE_COOKIE_WARNING);
    }
    document.cookie = cookie;
  }

  function deleteCookie(name) {
    writeCookie(name, '', -DAYS_180);
  }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }

  function deleteChatCookies() {
    deleteCookie(COOKIE_UTK);
    deleteCookie(COOKIE_OPEN);
    deleteCookie(COOKIE_HIDE_WELCOME);
  }

  // ---- state ------------------------------------------------------------------------------

  var state = {
    settings: null,
    generation: 0,
    isPlaceholder: false,
    emitter: null,
    present: false, // a render was requested and the widget was not removed since
    iframe: null,
    container: null,
    inline: false,
    loaded: false,
    pending: false,
    gotWidgetLoaded: false,
    open: false,
    utk: null,
    renderToken: 0,
    renderInFlight: false, // the widget-data request of a render has not answered yet
    wedged: false, // inline target missing at render time: refresh()/load() refused until remove()
    activeConversation: false,
    debug: false,
    identification: null, // {email, token}: read once per widget object
    // Messages posted before the current object ever had a chat iframe wait here (onReady calls
    // are delivered); null once that object's first iframe loaded.
    queue: [],
  };

  function debugLog() {
    if (!state.debug) return;
    var args = ['[HubSpot Conversations debug]'].concat(Array.prototype.slice.call(arguments));
    console.log.apply(console, args);
  }

  // ---- hook for the simulator's control surface (never part of HubSpotConversations) --------

  function simNotify(type, detail) {
    window.dispatchEvent(new CustomEvent('hubspot-sim:' + type, { detail: detail }));
  }

  function simState() {
    return {
      portalId: portalId,
      frameOrigin: frameOrigin,
      generation: state.generation,
      api: state.generation === 0 ? 'absent' : state.isPlaceholder ? 'placeholder' : 'ready',
      present: state.present,
      inline: state.inline,
      loaded: state.loaded,
      ready: state.loaded && state.gotWidgetLoaded,
      open: state.open,
      debug: state.debug,
    };
  }

  function simStateChanged() {
    simNotify('state', simState());
  }

  window.addEventListener('hubspot-sim:command', function (event) {
    var d = event.detail || {};
    if (d.cmd === 'state') {
      simStateChanged();
    } else if (d.cmd === 'hide') {
      emitLocal('widgetHidden', { reason: d.reason, description: d.description });
    }
  });

  // ---- talking to the chat iframe ---------------------------------------------------------

  // Posted with the iframe's origin as targetOrigin. While the iframe still holds its initial
  // about:blank document (same origin as the page) Chromium drops the message and prints
  // "Failed to execute 'postMessage' on 'DOMWindow': The target origin provided (…) does not
  // match the recipient window's origin (…)". That is the real loader's behaviour too.
  // Before the current object's first chat iframe exists, messages are queued and posted once it
  // loaded; between an iframe's insertion and its load they go to the blank document and are lost.
  function postToFrame(type, data) {
    var frame = state.iframe;
    var text = JSON.stringify({ type: type, data: data, uuid: uuid() });
    if (!frame || !frame.contentWindow) {
      if (state.queue) state.queue.push(text);
      return;
    }
    frame.contentWindow.postMessage(text, frameOrigin);
  }

  function flushQueue() {
    var queued = state.queue || [];
    state.queue = null;
    queued.forEach(function (text) {
      state.iframe.contentWindow.postMessage(text, frameOrigin);
    });
  }

  function track(method, name) {
    postToFrame('track-api-usage', { name: name || TRACK_METHOD, method: method });
  }

  function emitLocal(eventType, payload, uuidValue, via) {
    var delivered = !OLD_LOADER_EVENTS || OLD_LOADER_EVENTS.indexOf(eventType) >= 0;
    var listeners = state.emitter && delivered ? state.emitter.emit(eventType, payload) : 0;
    simNotify('dispatched', {
      delivered: delivered,
      uuid: uuidValue || null,
      eventType: eventType,
      payload: payload,
      listeners: listeners,
      generation: state.generation,
      via: via || 'loader',
    });
  }

  function setOpen(isOpen, isUser) {
    state.open = isOpen;
    if (state.inline) return;
    document.documentElement.classList.toggle(HTML_OPEN_CLASS, isOpen);
    if (isUser) writeCookie(COOKIE_OPEN, String(isOpen), MINUTES_30);
  }

  function resizeFrame(data) {
    if (state.inline || !state.container) return;
    var width = Number(data.width);
    var height = Number(data.height);
    if (width > 0 && width < 2000) state.container.style.width = width + 'px';
    if (height > 0 && height < 2000) state.container.style.height = height + 'px';
  }

  window.addEventListener('message', function (event) {
    var frame = state.iframe;
    if (!frame || event.source !== frame.contentWindow || event.origin !== frameOrigin) return;
    if (typeof event.data !== 'string') return;
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!message || typeof message.type !== 'string') return;
    var data = message.data && typeof message.data === 'object' ? message.data : {};

    switch (message.type) {
      case 'external-api-event':
        if (typeof data.eventType !== 'string') return;
        // Not delivered to on() without a uuid, or with a bogus one (see tests/site/README.md).
        if (!isUuid(message.uuid)) return;
        if (data.eventType === 'conversationStarted') state.activeConversation = true;
        if (data.eventType === 'conversationClosed') state.activeConversation = false;
        emitLocal(data.eventType, data.payload, message.uuid, 'iframe');
        if (data.eventType === 'widgetLoaded' && !state.gotWidgetLoaded) {
          state.gotWidgetLoaded = true;
          afterReadinessChange();
        }
        break;
      case 'open-change':
        setOpen(!!data.isOpen, !!data.isUser);
        simNotify('open-change', { uuid: message.uuid || null, isOpen: !!data.isOpen, isUser: !!data.isUser });
        break;
      case 'store-messages-cookie':
        if (isUtk(data.messagesUtk)) {
          state.utk = data.messagesUtk;
          writeCookie(COOKIE_UTK, data.messagesUtk, DAYS_180);
        }
        break;
      case 'hide-welcome-message':
        writeCookie(COOKIE_HIDE_WELCOME, 'true', MINUTES_30);
        break;
      case 'iframe-resize':
        resizeFrame(data);
        break;
      default:
        break; // unknown types (including the simulator's own replies) are ignored
    }
  });

  function afterReadinessChange() {
    simStateChanged();
    if (state.loaded && state.gotWidgetLoaded) simNotify('ready', simState());
  }

  // ---- DOM --------------------------------------------------------------------------------

  var STYLES = [
    '#hubspot-messages-iframe-container{position:fixed!important;bottom:0;right:0;z-index:2147483647;',
    'width:100px;height:96px;display:initial;overflow:visible;}',
    '#hubspot-messages-iframe-container.widget-align-left{left:0;right:auto;}',
    '#hubspot-messages-iframe-container .shadow-container{position:absolute;inset:16px;pointer-events:none;',
    'border-radius:12px;opacity:0;transition:opacity .2s;box-shadow:0 5px 30px rgba(0,0,0,.25);}',
    'html.hs-messages-widget-open #hubspot-messages-iframe-container .shadow-container{opacity:1;}',
    '#hubspot-messages-iframe-container iframe{position:relative;display:block;border:0;width:100%;height:100%;',
    'background:transparent;color-scheme:normal;}',
    '#hubspot-conversations-inline-parent{width:100%;height:100%;}',
    '#hubspot-conversations-inline-iframe{display:block;border:0;width:100%;min-height:480px;height:100%;}',
  ].join('');

  function injectStyles() {
    if (document.getElementById('hubspot-messages-iframe-styles')) return;
    var style = document.createElement('style');
    style.id = 'hubspot-messages-iframe-styles';
    style.textContent = STYLES;
    (document.head || document.documentElement).appendChild(style);
  }

  function findInlineTarget(selector) {
    try {
      return document.querySelector(selector);
    } catch (e) {
      return null; // an invalid selector behaves like a missing element
    }
  }

  function mount(target, options) {
    injectStyles();
    var inline = !!target;
    var params = new URLSearchParams({ portalId: portalId, utk: state.utk });
    if (inline) params.set('inline', '1');
    if (!inline && ((options && options.widgetOpen) || readCookie(COOKIE_OPEN) === 'true')) params.set('open', '1');
    if (readCookie(COOKIE_HIDE_WELCOME) === 'true') params.set('hideWelcome', '1');
    if (state.settings.disableAttachment) params.set('disableAttachment', '1');
    if (readCookie('__hs_opt_out') === 'yes') params.set('globalCookieOptOut', 'yes');

    var iframe = document.createElement('iframe');
    iframe.title = 'Chat Widget';
    iframe.setAttribute('allowfullscreen', '');
    iframe.src = frameOrigin + FRAME_PATH + '?' + params.toString();
    iframe.addEventListener('load', function () {
      if (iframe !== state.iframe) return;
      state.loaded = true;
      state.pending = false;
      if (state.queue) flushQueue();
      afterReadinessChange();
    });

    var container = document.createElement('div');
    if (inline) {
      container.id = 'hubspot-conversations-inline-parent';
      iframe.id = 'hubspot-conversations-inline-iframe';
      container.appendChild(iframe);
    } else {
      container.id = 'hubspot-messages-iframe-container';
      container.className = 'widget-align-right';
      var shadow = document.createElement('div');
      shadow.className = 'shadow-container';
      iframe.id = 'hubspot-conversations-iframe';
      container.appendChild(shadow);
      container.appendChild(iframe);
    }

    state.inline = inline;
    state.iframe = iframe;
    state.container = container;
    state.loaded = false;
    state.gotWidgetLoaded = false;
    state.open = inline;
    (target || document.body).appendChild(container);
    initialized(true); // synchronously after the insertion: the iframe has not loaded yet
    simStateChanged();
  }

  function unmount() {
    state.renderToken++; // forget any widget-data request still in flight
    if (state.container) state.container.remove();
    document.documentElement.classList.remove(HTML_OPEN_CLASS);
    state.iframe = null;
    state.container = null;
    state.present = false;
    state.loaded = false;
    state.pending = false;
    state.gotWidgetLoaded = false;
    state.open = false;
    state.inline = false;
    state.wedged = false;
    simStateChanged();
  }

  // ---- widget data ------------------------------------------------------------------------

  var NO_WIDGET = { render: false, reason: 'NO_WIDGET_FOR_URL', description: 'No chat widget targets this page URL' };
  var HIDE_WIDGET = { render: false, reason: 'HIDE_WIDGET', description: 'The chatflow for this page URL hides the widget' };

  // Resolves with {render, reason, description}, or {failed:true} when the request itself failed
  // (network error, blocked by the page's Content-Security-Policy connect-src).
  function fetchWidgetData() {
    if (!state.utk) state.utk = isUtk(readCookie(COOKIE_UTK)) ? readCookie(COOKIE_UTK) : randomHex(16);
    var url = frameOrigin + WIDGET_DATA_PATH + '?portalId=' + encodeURIComponent(portalId) +
      '&messagesUtk=' + encodeURIComponent(state.utk);
    var who = state.identification;
    if (who && who.email) url += '&email=' + encodeURIComponent(who.email);
    if (who && who.token) url += '&identificationToken=' + encodeURIComponent(who.token);
    return fetch(url, {
      headers: { 'X-HubSpot-Messages-Uri': location.href },
      credentials: 'omit',
      cache: 'no-store',
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 304) return NO_WIDGET;
      return response.json().then(function (body) {
        return body && body['@type'] === 'HIDE_WIDGET' ? HIDE_WIDGET : { render: true, reason: 'SHOW_WIDGET' };
      });
    }).catch(function () {
      return { render: false, failed: true };
    });
  }

  // The 2022 bundle dispatches a plain Event (no `detail`) with the fields on the event itself;
  // `reason` stays undefined.
  function initialized(messageWillRender) {
    var event = new Event('hubspot:messages:initialized');
    event.messageWillRender = messageWillRender;
    event.reason = undefined;
    window.dispatchEvent(event);
  }

  function readIdentification() {
    var settings = window.hsConversationsSettings;
    if (!settings || typeof settings !== 'object') return { email: '', token: '' };
    return {
      email: typeof settings.identificationEmail === 'string' ? settings.identificationEmail : '',
      token: typeof settings.identificationToken === 'string' ? settings.identificationToken : '',
    };
  }

  function render(options) {
    var token = ++state.renderToken;
    state.present = true;
    state.pending = true;
    state.renderInFlight = true;
    simNotify('trace', { what: 'render', time: Date.now() });
    fetchWidgetData().then(function (result) {
      if (token !== state.renderToken) return;
      state.renderInFlight = false;
      if (result.failed) {
        state.present = false;
        state.pending = false;
        console.error(WIDGET_DATA_FAILED);
        initialized(false);
        simStateChanged();
        return;
      }
      if (!result.render) {
        state.present = false;
        state.pending = false;
        debugLog('no widget rendered:', result.reason);
        initialized(false);
        emitLocal('widgetHidden', { reason: result.reason, description: result.description });
        simStateChanged();
        return;
      }
      var target = null;
      if (state.settings.inlineEmbedSelector) {
        target = findInlineTarget(state.settings.inlineEmbedSelector);
        if (!target) {
          // Announced, never inserted: status() stays {loaded:false, pending:true}; load() and
          // refresh() are refused until remove().
          state.wedged = true;
          debugLog('inline embed target not found:', state.settings.inlineEmbedSelector);
          initialized(true);
          simStateChanged();
          return;
        }
      }
      mount(target, options);
    });
  }

  // ---- API objects ------------------------------------------------------------------------

  function flushOnReady() {
    var callbacks = window.hsConversationsOnReady;
    if (!Array.isArray(callbacks)) return;
    track('hsConversationsOnReady');
    callbacks.slice().forEach(function (callback) {
      try {
        callback();
      } catch (e) {
        // the real loader swallows errors thrown by onReady callbacks
      }
    });
  }

  function assignApi(api, isPlaceholder) {
    state.generation++;
    state.isPlaceholder = isPlaceholder;
    window.HubSpotConversations = api;
    simStateChanged();
    flushOnReady();
  }

  function openWidget() {
    postToFrame('open-change-request', { isOpen: true });
  }

  function closeWidget() {
    postToFrame('open-change-request', { isOpen: false });
  }

  // A new object: identification is read again, messages wait for its first iframe.
  function assignRealApi(emitter) {
    state.identification = readIdentification();
    state.queue = [];
    assignApi(createRealApi(emitter), false);
  }

  function reset() {
    unmount();
    state.utk = null;
    state.activeConversation = false;
    state.renderInFlight = true; // the object's onReady already runs during its first load
    assignRealApi(createEmitter()); // a NEW emitter: listeners of the old object stay behind
    render();
  }

  var throttledLoad = throttle(function (options) {
    simNotify('trace', { what: 'load-run', options: options || null, time: Date.now() });
    if (state.isPlaceholder) {
      state.renderInFlight = true;
      assignRealApi(state.emitter); // the placeholder's emitter is kept: on() calls made on it stay
    } else if (state.wedged) {
      debugLog('load() refused: the widget is still pending');
      return;
    } else if (state.present) {
      if (options && options.widgetOpen) openWidget();
      return;
    }
    render(options);
  }, THROTTLE_MS);

  var throttledRefresh = throttle(function (options) {
    simNotify('trace', { what: 'refresh-run', options: options || null, time: Date.now() });
    if (state.renderInFlight) {
      debugLog('refresh() dropped: the first load is still in flight');
      return;
    }
    if (state.wedged) {
      debugLog('refresh() refused: the widget is still pending');
      return;
    }
    var token = state.renderToken;
    fetchWidgetData().then(function (result) {
      if (token !== state.renderToken || result.failed) return;
      if (!result.render) {
        // Only HIDE_WIDGET removes a widget; 204/404 ("no chat for this URL") leave it in place.
        if (result.reason !== HIDE_WIDGET.reason || state.activeConversation) return;
        if (state.present) unmount();
        emitLocal('widgetHidden', { reason: result.reason, description: result.description });
      } else if (!state.present) {
        render();
      } else {
        postToFrame('refresh-widget', { openToNewThread: !!(options && options.openToNewThread) });
      }
    });
  }, THROTTLE_MS);

  function checkListenerArgs(method, name, fn) {
    if (typeof name !== 'string') throw new TypeError('HubSpotConversations.' + method + ': event name must be a string');
    if (typeof fn !== 'function') throw new TypeError('HubSpotConversations.' + method + ': listener must be a function');
  }

  // on()/off() check the argument types only: any event name is accepted.
  function listenerMethods(emitter) {
    return {
      on: function (name, fn) {
        checkListenerArgs('on', name, fn);
        track('on', TRACK_LISTENER);
        emitter.on(name, fn);
      },
      off: function (name, fn) {
        checkListenerArgs('off', name, fn);
        emitter.off(name, fn);
      },
    };
  }

  function createRealApi(emitter) {
    state.emitter = emitter;
    var listeners = listenerMethods(emitter);
    return undocumented({
      widget: {
        load: function (options) {
          track('widget.load');
          throttledLoad(options);
        },
        refresh: function (options) {
          track('widget.refresh');
          throttledRefresh(options);
        },
        open: function () {
          track('widget.open');
          openWidget();
        },
        close: function () {
          track('widget.close');
          closeWidget();
        },
        remove: function () {
          track('widget.remove');
          if (state.present) unmount();
        },
        status: function () {
          track('widget.status');
          return { loaded: state.loaded, pending: state.pending };
        },
      },
      clear: function (options) {
        track('clear');
        deleteChatCookies();
        if (options && options.resetWidget) reset();
      },
      on: listeners.on,
      off: listeners.off,
      debug: function (enabled) {
        state.debug = !!enabled;
        simStateChanged();
      },
      resetAndReloadWidget: function () {
        track('resetAndReloadWidget');
        deleteChatCookies();
        reset();
      },
    });
  }

  function undocumented(api) {
    if (DOCUMENTED_ONLY) {
      delete api.debug;
      delete api.resetAndReloadWidget;
    }
    return api;
  }

  // loadImmediately:false. Only load() and status() work; on()/off() register on the emitter the
  // object built by load() keeps; everything else warns, also when called on a cached reference
  // after the real object exists.
  function createPlaceholder() {
    var emitter = createEmitter();
    var listeners = listenerMethods(emitter);
    var self;
    function unavailable(name) {
      return function () {
        console.warn(PLACEHOLDER_WARNING.replace('%s', name));
      };
    }
    state.emitter = emitter;
    self = undocumented({
      widget: {
        load: function (options) {
          track('widget.load');
          if (window.HubSpotConversations === self || state.isPlaceholder) {
            throttledLoad(options);
          } else {
            fetchWidgetData(); // a stale placeholder: widget-data is fetched once more, nothing else
          }
        },
        refresh: unavailable('widget.refresh'),
        open: unavailable('widget.open'),
        close: unavailable('widget.close'),
        remove: unavailable('widget.remove'),
        status: function () {
          track('widget.status');
          return { loaded: false };
        },
      },
      clear: unavailable('clear'),
      on: listeners.on,
      off: listeners.off,
      debug: unavailable('debug'),
      resetAndReloadWidget: unavailable('resetAndReloadWidget'),
    });
    return self;
  }

  // ---- start-up ---------------------------------------------------------------------------

  function start() {
    state.settings = mergeSettings(window.hsConversationsSettings); // throws on a wrong type
    if (renderDisabled()) {
      initialized(false);
      return;
    }
    if (state.settings.loadImmediately) {
      state.renderInFlight = true;
      assignRealApi(createEmitter());
      render();
    } else {
      assignApi(createPlaceholder(), true);
    }
  }

  // Single-page apps: pushState/popstate are not watched; only this hash opens the chat.
  window.addEventListener('hashchange', function () {
    if (location.hash === CHAT_OPEN_HASH && state.present) openWidget();
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
//# sourceMappingURL=project.js.map
