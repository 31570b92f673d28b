// Shared by every page of the simulator site. Loaded first, before any HubSpot code.
//   window.pageOnReadyCalls  how often the page's hsConversationsOnReady callback ran
//   window.pageConsole       what the page's own code logged, as console text lines
//   window.pageLog(...)      console.log + record in pageConsole
// ?hold=<key>: the page's `load` waits for an image the server answers at GET /release?key=<key>
// (a page still loading, for tests).
(function () {
  var key = new URLSearchParams(location.search).get('hold');
  if (!key) return;
  var img = document.createElement('img');
  img.hidden = true;
  img.alt = '';
  img.src = '/hold?key=' + encodeURIComponent(key);
  document.documentElement.appendChild(img);
})();

window.pageOnReadyCalls = 0;
window.pageConsole = [];

window.pageLog = function () {
  var args = Array.prototype.slice.call(arguments);
  window.pageConsole.push(args.map(function (a) {
    return typeof a === 'string' ? a : JSON.stringify(a);
  }).join(' '));
  console.log.apply(console, args);
};

// The onReady callback most pages use: count, log, and subscribe to conversationStarted on the
// object that is current now (after a reset the new object needs its own subscription).
window.pageOnReadyCallback = function (options) {
  var subscribe = options && options.subscribe !== undefined ? options.subscribe : true;
  return function onConversationsReady() {
    var n = ++window.pageOnReadyCalls;
    window.pageLog('page onReady', n);
    if (typeof subscribe === 'function' ? subscribe() : subscribe) {
      window.HubSpotConversations.on('conversationStarted', function (payload) {
        window.pageLog('page conversationStarted', payload.conversation.conversationId);
      });
    }
  };
};
