// diagnose.html?case=<rule id>[&healthy=1][&variant=…]: one page per Diagnostics rule (issue 9,
// docs/diagnostics.md). Each case reproduces its failure the way hubspot-loader-facts.md describes
// it ("Failure modes, measured with the real 2022 loader"); `healthy=1` runs the healthy
// counterpart (no finding may show) where there is one. A case runs by itself on page load and
// writes what it does, in plain text, into the page. Loaded in <head>, before any HubSpot code.
//
// window.diagnoseCase = {id, healthy, variant, steps: [text…], seen: {…}} for tests: `seen` holds
// what the page itself could observe (counts, flags), `done` turns true when the script finished.
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var caseId = params.get('case') || '';
  var healthy = params.get('healthy') === '1';
  var variant = params.get('variant') || '';
  var PORTAL = '12345';
  var OTHER_PORTAL = '67890';

  var report = { id: caseId, healthy: healthy, variant: variant, steps: [], seen: {}, done: false };
  window.diagnoseCase = report;

  // ---- helpers ----------------------------------------------------------------------------

  function say(text) {
    report.steps.push(text);
    window.pageLog('case: ' + text);
    var list = document.getElementById('case-steps');
    if (!list) return;
    var item = document.createElement('li');
    item.textContent = text;
    list.appendChild(item);
  }

  function finish(text) {
    if (text) say(text);
    report.done = true;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function domReady() {
    if (document.readyState !== 'loading') return Promise.resolve();
    return new Promise(function (resolve) { document.addEventListener('DOMContentLoaded', resolve); });
  }

  // Resolves once window.HubSpotConversations is an object (polled: the page has no other signal).
  function objectAppears(timeoutMs) {
    var deadline = Date.now() + (timeoutMs || 10000);
    return new Promise(function (resolve, reject) {
      (function poll() {
        if (window.HubSpotConversations) return resolve(window.HubSpotConversations);
        if (Date.now() > deadline) return reject(new Error('no HubSpotConversations object'));
        setTimeout(poll, 20);
      })();
    });
  }

  function chatReady(timeoutMs) {
    return domReady().then(function () { return window.hsSim.ready(timeoutMs || 10000); });
  }

  // The embed code HubSpot gives site owners (async defer script at the end of <body>).
  function embedCode(portal, attributes) {
    var script = document.createElement('script');
    script.type = 'text/javascript';
    script.id = 'hs-script-loader';
    script.async = true;
    script.defer = true;
    script.src = 'hs/hs-scripts/' + (portal || PORTAL) + '.js';
    Object.keys(attributes || {}).forEach(function (name) { script.setAttribute(name, attributes[name]); });
    document.body.appendChild(script);
    return script;
  }

  function widgetDataRequests() {
    return performance.getEntriesByType('resource').filter(function (entry) {
      return entry.name.indexOf('/livechat-public/v1/message/public') >= 0;
    });
  }

  function chatIframe() {
    return document.querySelector('#hubspot-conversations-iframe, #hubspot-conversations-inline-iframe');
  }

  function counter(name) {
    report.seen[name] = 0;
    return function () { report.seen[name]++; };
  }

  // Resolves with the first `event` on window, or null after `ms` (the machine may be slow).
  function nextEvent(type, ms) {
    return new Promise(function (resolve) {
      var timer = setTimeout(function () { done(null); }, ms);
      function done(value) {
        clearTimeout(timer);
        window.removeEventListener(type, done);
        resolve(value);
      }
      window.addEventListener(type, done);
    });
  }

  // The chat iframe emits conversationStarted; resolves once the loader dispatched it.
  function emitStarted() {
    var dispatched = nextEvent('hubspot-sim:dispatched', 5000);
    window.hsSim.emit('conversationStarted', { conversation: { conversationId: 4242 } });
    return dispatched.then(function () { return wait(50); });
  }

  // A listener on the page for the loader's DOM event (fields on the plain Event itself).
  function watchInitialized() {
    report.seen.initialized = [];
    window.addEventListener('hubspot:messages:initialized', function (event) {
      report.seen.initialized.push(event.messageWillRender);
    });
  }

  // The loader's verdict (or 10 s), then a moment for what follows it.
  function afterInitialized() {
    return nextEvent('hubspot:messages:initialized', 10000).then(function () { return wait(500); });
  }

  // ---- the cases --------------------------------------------------------------------------
  // Each: title, what (one sentence), healthyWhat (only where a healthy counterpart exists),
  // run(): set-up at once (in <head>, before the embed code), the rest after the DOM is ready.

  var CASES = {
    'onready-not-run': {
      title: 'hsConversationsOnReady callbacks that never run',
      what: 'The callbacks array is assigned after the loader read it (variant=push: pushed into after the read; ' +
        'variant=not-array: a function instead of an array): the callback never runs, the widget still loads.',
      healthyWhat: 'The array is assigned before the loader starts and a second callback is pushed before the read: both run.',
      run: function () {
        var ran = counter('onReadyRuns');
        window.hsConversationsSettings = {};
        if (healthy) {
          window.hsConversationsOnReady = [ran];
          window.hsConversationsOnReady.push(ran);
          say('hsConversationsOnReady = [callback], then one more callback pushed, before the loader starts.');
        } else if (variant === 'not-array') {
          window.hsConversationsOnReady = ran;
          say('hsConversationsOnReady = callback (a function, not an array).');
        } else if (variant === 'push') {
          window.hsConversationsOnReady = [];
          say('hsConversationsOnReady = [] before the loader starts.');
        }
        domReady().then(function () {
          embedCode();
          return objectAppears();
        }).then(function () {
          return wait(200);
        }).then(function () {
          if (!healthy && variant === 'push') {
            window.hsConversationsOnReady.push(ran);
            say('200 ms after HubSpotConversations appeared: a callback pushed into the array the loader already read.');
          } else if (!healthy && variant !== 'not-array') {
            window.hsConversationsOnReady = [ran];
            say('200 ms after HubSpotConversations appeared: hsConversationsOnReady = [callback] (too late).');
          }
          return chatReady();
        }).then(function () {
          finish('Chat loaded; the onReady callbacks ran ' + report.seen.onReadyRuns + ' time(s).');
        });
      },
    },

    'onready-twice': {
      title: 'on() registered twice through onReady (loadImmediately:false)',
      what: 'The onReady callback calls on() on the placeholder and again on the object built by widget.load(): ' +
        'they share one emitter, so every conversationStarted calls the handler twice.',
      healthyWhat: 'The onReady callback runs on the placeholder, after load() and after a reset but subscribes only on real ' +
        'objects: each event calls the handler once (callbacks merely running twice, or after a reset, are normal).',
      run: function () {
        var started = counter('handlerCalls');
        var loadRequested = false;
        report.seen.onReadyRuns = 0;
        window.hsConversationsSettings = { loadImmediately: false };
        window.hsConversationsOnReady = [function () {
          report.seen.onReadyRuns++;
          if (!healthy || loadRequested) window.HubSpotConversations.on('conversationStarted', started);
        }];
        say('loadImmediately:false; the onReady callback calls HubSpotConversations.on("conversationStarted", handler)' +
          (healthy ? ' only once widget.load() was requested.' : ' every time it runs.'));
        domReady().then(function () {
          embedCode();
          return objectAppears();
        }).then(function () {
          return wait(300);
        }).then(function () {
          loadRequested = true;
          window.HubSpotConversations.widget.load();
          say('widget.load() called 300 ms after the placeholder appeared.');
          return chatReady();
        }).then(emitStarted).then(function () {
          say('The chat iframe emitted conversationStarted: the handler ran ' + report.seen.handlerCalls + ' time(s).');
          if (!healthy) return finish();
          report.seen.handlerCalls = 0;
          return wait(1100).then(function () {
            window.HubSpotConversations.clear({ resetWidget: true });
            say('clear({resetWidget:true}): a new object, the onReady callback runs again (' + report.seen.onReadyRuns + ' runs).');
            return chatReady();
          }).then(emitStarted).then(function () {
            finish('conversationStarted after the reset: the handler ran ' + report.seen.handlerCalls + ' time(s).');
          });
        });
      },
    },

    'settings-invalid': {
      title: 'Invalid hsConversationsSettings',
      what: 'loadImmediately:"yes" (a string): the loader throws an Invariant Violation, the page only sees ' +
        '"Script error.", and nothing renders (no object, no onReady, no widget-data request).',
      run: function () {
        var ran = counter('onReadyRuns');
        report.seen.errors = [];
        window.addEventListener('error', function (event) {
          report.seen.errors.push(event.message);
          say('The page\'s error event saw: "' + event.message + '".');
        });
        window.hsConversationsSettings = { loadImmediately: 'yes' };
        window.hsConversationsOnReady = [ran];
        say('hsConversationsSettings = {loadImmediately: "yes"}.');
        domReady().then(function () {
          var thrown = nextEvent('error', 10000);
          embedCode();
          return thrown.then(function () { return wait(500); });
        }).then(function () {
          finish('Then: HubSpotConversations is ' + typeof window.HubSpotConversations + ', onReady ran ' +
            report.seen.onReadyRuns + ' time(s), ' + widgetDataRequests().length + ' widget-data request(s).');
        });
      },
    },

    'load-never-called': {
      title: 'loadImmediately:false and widget.load() never called',
      what: 'Only the placeholder exists: no widget-data request, no iframe, ever.',
      healthyWhat: 'widget.load() is called 1 s after the placeholder appeared (within the grace period): the chat loads.',
      run: function () {
        window.hsConversationsSettings = { loadImmediately: false };
        window.hsConversationsOnReady = [];
        say('loadImmediately:false.');
        domReady().then(function () {
          embedCode();
          return objectAppears();
        }).then(function () {
          if (!healthy) return wait(6000).then(function () {
            finish('6 s later: still the placeholder, ' + widgetDataRequests().length + ' widget-data request(s), iframe: ' + !!chatIframe() + '.');
          });
          return wait(1000).then(function () {
            window.HubSpotConversations.widget.load();
            say('widget.load() called 1 s after the placeholder appeared.');
            return chatReady();
          }).then(function () { finish('Chat loaded.'); });
        });
      },
    },

    'inline-target-missing': {
      title: 'inlineEmbedSelector matches nothing',
      what: 'inlineEmbedSelector:"#chat-here" but no such element when the loader renders: messageWillRender:true, ' +
        'no iframe, status() {loaded:false, pending:true}; the element added later and refresh() change nothing.',
      healthyWhat: 'The #chat-here element exists: the chat renders inline.',
      run: function () {
        watchInitialized();
        window.hsConversationsSettings = { inlineEmbedSelector: '#chat-here' };
        window.hsConversationsOnReady = [];
        say('inlineEmbedSelector:"#chat-here"' + (healthy ? ', the element exists.' : ', no such element on the page.'));
        domReady().then(function () {
          if (healthy) {
            var target = document.createElement('div');
            target.id = 'chat-here';
            document.querySelector('main').appendChild(target);
            embedCode();
            return chatReady().then(function () { finish('Chat loaded inside #chat-here.'); });
          }
          embedCode();
          return objectAppears().then(function () {
            return wait(1500);
          }).then(function () {
            report.seen.status = window.HubSpotConversations.widget.status();
            say('messageWillRender: ' + JSON.stringify(report.seen.initialized) + ', iframe: ' + !!chatIframe() +
              ', status(): ' + JSON.stringify(report.seen.status) + '.');
            var target = document.createElement('div');
            target.id = 'chat-here';
            document.querySelector('main').appendChild(target);
            window.HubSpotConversations.widget.refresh();
            say('#chat-here added, then widget.refresh() called.');
            return wait(1000);
          }).then(function () {
            finish('1 s later: iframe: ' + !!chatIframe() + ' (only remove() then load() would recover).');
          });
        });
      },
    },

    'unknown-event-name': {
      title: 'on()/off() with an unknown event name or handler',
      what: 'on("conversationStrated", handler) (misspelt) is accepted and never fires (variant=off: off() with a ' +
        'function that was never registered removes nothing; variant=old-loader, with &loader=2022: on("widgetLoaded", ' +
        'handler), an event the 2022 loader never delivers: a note, not a finding).',
      healthyWhat: 'on("conversationStarted", handler), later off() with the same handler.',
      run: function () {
        var started = counter('handlerCalls');
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [function () {
          if (healthy || variant === 'off') {
            window.HubSpotConversations.on('conversationStarted', started);
          } else if (variant === 'old-loader') {
            window.HubSpotConversations.on('widgetLoaded', started);
          } else {
            window.HubSpotConversations.on('conversationStrated', started);
          }
        }];
        say(healthy || variant === 'off' ? 'onReady: on("conversationStarted", handler).'
          : variant === 'old-loader' ? 'onReady: on("widgetLoaded", handler).'
            : 'onReady: on("conversationStrated", handler) (a typo).');
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(emitStarted).then(function () {
          say('conversationStarted emitted: the handler ran ' + report.seen.handlerCalls + ' time(s).');
          if (healthy) {
            window.HubSpotConversations.off('conversationStarted', started);
            say('off("conversationStarted", handler) with the same function.');
          } else if (variant === 'off') {
            window.HubSpotConversations.off('conversationStarted', function () { started(); });
            say('off("conversationStarted", <a new function>): removes nothing.');
          }
          return emitStarted();
        }).then(function () {
          finish('conversationStarted emitted again: the handler ran ' + report.seen.handlerCalls + ' time(s) in total.');
        });
      },
    },

    'throttle-collapsed': {
      title: 'widget.refresh() calls merged by the 1 s throttle',
      what: 'refresh(), refresh({openToNewThread:true}) and refresh() within 200 ms: two requests run, the ' +
        'openToNewThread:true of the middle call is lost (variant=in-flight: refresh() while the first load is still in flight is dropped).',
      healthyWhat: 'refresh() and refresh({openToNewThread:true}) 1.2 s apart: both run.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        if (!healthy && variant === 'in-flight') {
          window.hsConversationsOnReady.push(function () {
            window.HubSpotConversations.widget.refresh();
            say('onReady: widget.refresh() while the first widget-data request is in flight.');
          });
        }
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          var before = widgetDataRequests().length;
          var api = window.HubSpotConversations;
          var steps;
          if (variant === 'in-flight' && !healthy) {
            steps = Promise.resolve();
          } else if (healthy) {
            api.widget.refresh();
            say('widget.refresh().');
            steps = wait(1200).then(function () {
              api.widget.refresh({ openToNewThread: true });
              say('1.2 s later: widget.refresh({openToNewThread:true}).');
            });
          } else {
            api.widget.refresh();
            say('widget.refresh() at 0 ms.');
            // 100 ms apart (a double click): the page's timers would have to be 800 ms late on a
            // loaded machine for the third call to miss the throttle's second.
            steps = wait(100).then(function () {
              api.widget.refresh({ openToNewThread: true });
              say('widget.refresh({openToNewThread:true}) at 100 ms.');
              return wait(100);
            }).then(function () {
              api.widget.refresh();
              say('widget.refresh() at 200 ms.');
            });
          }
          return steps.then(function () { return wait(1500); }).then(function () {
            report.seen.refreshRequests = widgetDataRequests().length - before;
            report.seen.requests = widgetDataRequests().length;
            finish(report.seen.requests + ' widget-data request(s) in all, ' + report.seen.refreshRequests +
              ' after the chat loaded.');
          });
        });
      },
    },

    'spa-no-refresh': {
      title: 'Single-page app route change without widget.refresh()',
      what: 'history.pushState to another route after the chat loaded, no refresh(): no new widget-data request, the old widget stays.',
      healthyWhat: 'history.pushState, then widget.refresh(): a new widget-data request for the new URL.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          var before = widgetDataRequests().length;
          var url = new URL(location.href);
          url.searchParams.set('route', 'pricing');
          history.pushState({ route: 'pricing' }, '', url.href);
          say('history.pushState to ' + url.search + (healthy ? ', then widget.refresh().' : ', no refresh().'));
          if (healthy) window.HubSpotConversations.widget.refresh();
          return wait(3500).then(function () {
            finish('3.5 s later: ' + (widgetDataRequests().length - before) + ' new widget-data request(s).');
          });
        });
      },
    },

    'no-chat-on-page': {
      title: 'No chat for this page',
      what: 'widget-data answers 204 for this URL (variant=hidden: HIDE_WIDGET; variant=disabled: ' +
        'window.disabledHsPopups = ["LIVE_CHAT"]; variant=tojson: Array.prototype.toJSON defined): messageWillRender:false, no widget.',
      run: function () {
        watchInitialized();
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        if (variant === 'disabled') {
          window.disabledHsPopups = ['LIVE_CHAT'];
          say('window.disabledHsPopups = ["LIVE_CHAT"].');
        } else if (variant === 'tojson') {
          Object.defineProperty(Array.prototype, 'toJSON', {
            value: function () { return Array.prototype.slice.call(this); }, configurable: true, writable: true,
          });
          say('Array.prototype.toJSON defined (an old JSON library).');
        } else {
          say('The simulated portal answers widget-data with ' + (variant === 'hidden' ? 'HIDE_WIDGET' : '204') + ' for this URL.');
        }
        domReady().then(function () {
          embedCode();
          return afterInitialized();
        }).then(function () {
          var statuses = widgetDataRequests().map(function (entry) { return entry.responseStatus; });
          finish('After the loader\'s verdict: messageWillRender ' + JSON.stringify(report.seen.initialized) + ', widget-data statuses ' +
            JSON.stringify(statuses) + ', iframe: ' + !!chatIframe() + '.');
        });
      },
    },

    'duplicate-loader': {
      title: 'Two embed codes',
      what: 'The embed codes of portals ' + PORTAL + ' and ' + OTHER_PORTAL + ': the first portal script to run wins, ' +
        'the other portal\'s chat never loads (variant=twice: the bundle itself included twice, it warns ' +
        '"duplicate instance of live chat exists on page").',
      healthyWhat: 'The same portal\'s embed code included twice: harmless.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          if (healthy) {
            embedCode(PORTAL);
            embedCode(PORTAL, { id: 'hs-script-loader-copy' });
            say('Embed code of portal ' + PORTAL + ' included twice.');
          } else if (variant === 'twice') {
            var bundle = document.createElement('script');
            var src = new URL('hs/conversations-embed.js', location.href);
            src.hostname = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
            bundle.src = src.href;
            bundle.setAttribute('data-hsjs-portal', PORTAL);
            document.body.appendChild(bundle);
            embedCode(PORTAL);
            say('conversations-embed.js included by hand, plus the embed code of portal ' + PORTAL + '.');
          } else {
            embedCode(PORTAL);
            embedCode(OTHER_PORTAL, { id: 'hs-script-loader-' + OTHER_PORTAL });
            say('Embed codes of portals ' + PORTAL + ' and ' + OTHER_PORTAL + '.');
          }
          return chatReady();
        }).then(function () {
          var loader = document.getElementById('hubspot-messages-loader');
          report.seen.portal = loader ? loader.getAttribute('data-hsjs-portal') : null;
          finish('The chat of portal ' + report.seen.portal + ' loaded.');
        });
      },
    },

    'identification': {
      title: 'Visitor identification that does not reach HubSpot',
      what: 'identificationEmail and identificationToken assigned after the widget object was created: the ' +
        'widget-data request has no email=, and refresh() reuses the old (empty) values (variant=token-only: a token without an email).',
      healthyWhat: 'identificationEmail and identificationToken set before the loader starts: both are in the widget-data URL.',
      run: function () {
        var identity = { identificationEmail: 'visitor@example.test', identificationToken: 'tok-' + Date.now().toString(36) };
        if (healthy) {
          window.hsConversationsSettings = identity;
          say('hsConversationsSettings = {identificationEmail, identificationToken} before the loader starts.');
        } else if (variant === 'token-only') {
          window.hsConversationsSettings = { identificationToken: identity.identificationToken };
          say('hsConversationsSettings = {identificationToken} (no identificationEmail).');
        } else {
          window.hsConversationsSettings = {};
        }
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          if (healthy || variant === 'token-only') return null;
          // As a login flow does it: new settings once the visitor is known (after the loader read them).
          window.hsConversationsSettings = Object.assign({}, window.hsConversationsSettings, identity);
          say('Chat loaded; then hsConversationsSettings = {…, identificationEmail, identificationToken}; 1.1 s later widget.refresh().');
          return wait(1100).then(function () {
            window.HubSpotConversations.widget.refresh();
            return wait(800);
          });
        }).then(function () {
          report.seen.urls = widgetDataRequests().map(function (entry) { return entry.name.replace(/identificationToken=[^&]*/, 'identificationToken=••••'); });
          finish('Widget-data requests: ' + report.seen.urls.join(' | '));
        });
      },
    },

    'call-before-iframe': {
      title: 'SDK call made between the chat iframe\'s insertion and its load',
      what: 'widget.open() in the hubspot:messages:initialized handler: the iframe is inserted but not loaded, the call is lost, the chat stays closed.',
      healthyWhat: 'widget.open() in the onReady callback, before the iframe exists: the loader queues it, the chat opens.',
      run: function () {
        window.hsConversationsSettings = {};
        if (healthy) {
          window.hsConversationsOnReady = [function () { window.HubSpotConversations.widget.open(); }];
          say('onReady: HubSpotConversations.widget.open().');
        } else {
          window.hsConversationsOnReady = [];
          window.addEventListener('hubspot:messages:initialized', function (event) {
            if (!event.messageWillRender) return;
            window.HubSpotConversations.widget.open();
            say('hubspot:messages:initialized: widget.open() while the iframe still holds its blank page.');
          });
        }
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          return wait(500);
        }).then(function () {
          report.seen.open = document.documentElement.classList.contains('hs-messages-widget-open');
          finish('Chat loaded; open: ' + report.seen.open + '.');
        });
      },
    },

    'cookies-cannot-persist': {
      title: 'The chat cookie cannot persist',
      what: 'A consent tool swallows document.cookie writes: the chat iframe asks to store messagesUtk, no cookie ' +
        'appears (a new visitor thread on every page) (variant=opt-out: the __hs_opt_out=yes cookie).',
      healthyWhat: 'Plain http on localhost: the loader warns about the missing https, messagesUtk is stored and persists.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        if (!healthy && variant === 'opt-out') {
          document.cookie = '__hs_opt_out=yes; path=/';
          window.addEventListener('pagehide', function () { document.cookie = '__hs_opt_out=; path=/; max-age=0'; });
          say('Cookie __hs_opt_out=yes set (deleted again when the page is left).');
        } else if (!healthy) {
          var native = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
          native.set.call(document, 'messagesUtk=; path=/; max-age=0');
          report.seen.swallowed = [];
          Object.defineProperty(document, 'cookie', {
            configurable: true,
            get: function () { return native.get.call(document); },
            set: function (value) { report.seen.swallowed.push(String(value).split('=')[0]); },
          });
          say('messagesUtk deleted; a consent tool now swallows every document.cookie write.');
        }
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          return wait(500);
        }).then(function () {
          var src = chatIframe() ? new URL(chatIframe().src) : null;
          report.seen.cookie = /(?:^|; )messagesUtk=[0-9a-f]{32}/.test(document.cookie);
          finish('Chat loaded; messagesUtk cookie present: ' + report.seen.cookie +
            (src && src.searchParams.get('globalCookieOptOut') ? ', chat iframe URL has globalCookieOptOut=yes' : '') + '.');
        });
      },
    },

    'csp-blocked': {
      title: 'Content-Security-Policy blocks HubSpot',
      what: 'The server sends Content-Security-Policy: connect-src \'self\': the widget-data request is blocked, ' +
        '"Initial messages API call failed", messageWillRender:false (variant=script: script-src \'self\' blocks the bundle; ' +
        'variant=frame: frame-src \'self\' leaves an empty widget whose iframe still fires load).',
      healthyWhat: 'connect-src allows the widget-data path only: the chat works; the only violation possible is the ' +
        'source-map fetch of an open Chromium DevTools (…/project.js.map), which is not the integration\'s.',
      run: function () {
        watchInitialized();
        report.seen.violations = [];
        document.addEventListener('securitypolicyviolation', function (event) {
          report.seen.violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile });
          say('securitypolicyviolation: ' + event.effectiveDirective + ' blocked ' + event.blockedURI + '.');
        });
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          embedCode();
          // script-src blocked: no verdict ever comes (10 s); frame-src: the iframe's load; connect-src: false.
          return variant === 'script' ? wait(2500) : afterInitialized().then(function () {
            return variant === 'frame' || healthy ? nextEvent('hubspot-sim:ready', 5000) : null;
          });
        }).then(function () {
          finish('Then: HubSpotConversations ' + typeof window.HubSpotConversations + ', messageWillRender ' +
            JSON.stringify(report.seen.initialized) + ', iframe: ' + !!chatIframe() + '.');
        });
      },
    },

    'onready-overwritten': {
      title: 'A second hsConversationsOnReady assignment drops the first',
      what: 'Two scripts each write window.hsConversationsOnReady = [callback] (the documented form): the first script\'s callback never runs.',
      healthyWhat: 'The second script appends: (window.hsConversationsOnReady = window.hsConversationsOnReady || []).push(callback).',
      run: function () {
        var first = counter('firstRuns');
        var second = counter('secondRuns');
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [first];
        say('Script A: hsConversationsOnReady = [callbackA].');
        if (healthy) {
          (window.hsConversationsOnReady = window.hsConversationsOnReady || []).push(second);
          say('Script B: hsConversationsOnReady.push(callbackB).');
        } else {
          window.hsConversationsOnReady = [second];
          say('Script B: hsConversationsOnReady = [callbackB].');
        }
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          finish('Chat loaded; callback A ran ' + report.seen.firstRuns + ' time(s), callback B ' + report.seen.secondRuns + ' time(s).');
        });
      },
    },

    'loader-blocked': {
      title: 'Embed code neutralised by a consent tool',
      what: 'The embed <script> has type="text/plain" (what cookie-consent tools turn it into until consent): no request, no object.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          embedCode(PORTAL, { type: 'text/plain', 'data-cookieconsent': 'marketing' });
          say('Embed code inserted as <script type="text/plain" data-cookieconsent="marketing">.');
          return wait(1500);
        }).then(function () {
          finish('After 1.5 s: HubSpotConversations ' + typeof window.HubSpotConversations + ', loader element: ' +
            !!document.getElementById('hubspot-messages-loader') + '.');
        });
      },
    },

    'loader-reinserted': {
      title: 'Embed code removed and inserted again',
      what: 'After the chat loaded, the page (a framework re-rendering) removes the embed code and the loader ' +
        'element and inserts the embed code again: the bundle warns "duplicate instance of live chat exists on page", nothing reloads.',
      run: function () {
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = [];
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          var generation = window.hsSim.state().generation;
          ['hs-script-loader', 'hubspot-messages-loader'].forEach(function (id) {
            var element = document.getElementById(id);
            if (element) element.remove();
          });
          embedCode();
          say('Chat loaded; embed code and loader element removed, embed code inserted again.');
          return wait(1500).then(function () {
            finish('1.5 s later: API object generation ' + window.hsSim.state().generation + ' (was ' + generation + ').');
          });
        });
      },
    },

    'stale-placeholder': {
      title: 'Calls on a cached placeholder',
      what: 'loadImmediately:false; the page keeps the placeholder in a variable and calls load() and, after the ' +
        'chat loaded, open() and load() on it: open() warns, load() fetches widget-data again.',
      healthyWhat: 'The page reads window.HubSpotConversations again for every call.',
      run: function () {
        var cached = null;
        window.hsConversationsSettings = { loadImmediately: false };
        window.hsConversationsOnReady = [function () {
          if (!cached) cached = window.HubSpotConversations;
        }];
        function chat() {
          return healthy ? window.HubSpotConversations : cached;
        }
        say(healthy ? 'Every call goes to window.HubSpotConversations.' : 'var chat = HubSpotConversations (the placeholder), kept.');
        domReady().then(function () {
          embedCode();
          return objectAppears();
        }).then(function () {
          return wait(300);
        }).then(function () {
          chat().widget.load();
          say('chat.widget.load().');
          return chatReady();
        }).then(function () {
          return wait(1100);
        }).then(function () {
          var before = widgetDataRequests().length;
          chat().widget.open();
          chat().widget.load();
          say('Chat loaded; chat.widget.open() and chat.widget.load().');
          return wait(800).then(function () {
            finish((widgetDataRequests().length - before) + ' more widget-data request(s); open: ' +
              document.documentElement.classList.contains('hs-messages-widget-open') + '.');
          });
        });
      },
    },

    'listeners-lost-after-reset': {
      title: 'Listeners lost after a reset',
      what: 'on("conversationStarted") registered outside onReady, then clear({resetWidget:true}): the new object ' +
        'has a new emitter and the handler never fires again.',
      healthyWhat: 'on() registered in the onReady callback: it runs again for the new object, the handler keeps firing.',
      run: function () {
        var started = counter('handlerCalls');
        window.hsConversationsSettings = {};
        window.hsConversationsOnReady = healthy ? [function () { window.HubSpotConversations.on('conversationStarted', started); }] : [];
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          if (!healthy) window.HubSpotConversations.on('conversationStarted', started);
          say(healthy ? 'Chat loaded (handler registered in onReady).' : 'Chat loaded; on("conversationStarted", handler) registered now.');
          return wait(1100);
        }).then(function () {
          window.HubSpotConversations.clear({ resetWidget: true });
          say('clear({resetWidget:true}).');
          return chatReady();
        }).then(emitStarted).then(function () {
          finish('conversationStarted after the reset: the handler ran ' + report.seen.handlerCalls + ' time(s).');
        });
      },
    },

    'settings-unknown-key': {
      title: 'Misspelt setting',
      what: 'hsConversationsSettings = {loadImmedietly: false}: the unknown key is ignored silently, the chat loads at once.',
      run: function () {
        window.hsConversationsSettings = { loadImmedietly: false };
        window.hsConversationsOnReady = [];
        say('hsConversationsSettings = {loadImmedietly: false} (typo of loadImmediately).');
        domReady().then(function () {
          embedCode();
          return chatReady();
        }).then(function () {
          finish('The chat loaded immediately anyway.');
        });
      },
    },
  };

  window.DIAGNOSE_CASES = Object.keys(CASES).map(function (id) {
    return { id: id, title: CASES[id].title, what: CASES[id].what, healthy: CASES[id].healthyWhat || null };
  });

  var current = CASES[caseId];
  domReady().then(function () {
    var title = document.getElementById('case-title');
    var what = document.getElementById('case-what');
    if (!current) {
      title.textContent = 'Unknown case "' + caseId + '"';
      what.textContent = 'Known cases: ' + Object.keys(CASES).join(', ') + '.';
      return;
    }
    document.title = caseId + (healthy ? ' (healthy)' : '') + ' – diagnostics case';
    title.textContent = caseId + (healthy ? ' — healthy counterpart' : '') + ': ' + current.title;
    what.textContent = healthy ? current.healthyWhat || 'This case has no healthy counterpart.' : current.what;
    report.steps.forEach(function (text) {
      var item = document.createElement('li');
      item.textContent = text;
      document.getElementById('case-steps').appendChild(item);
    });
  });
  if (current && (!healthy || current.healthyWhat)) {
    try {
      current.run();
    } catch (error) {
      say('The case script failed: ' + error);
    }
  }
})();
